"""Grad mode switches: no_grad, enable_grad, set_grad_enabled, as context managers and as
decorators (PyTorch's forms), each restoring the mode it found."""

import pytest

import minigrad as mg


def _records(fn=None):
    x = mg.ones(2, requires_grad=True)
    return (x * 2).requires_grad if fn is None else fn(x).requires_grad


def test_no_grad_as_a_context_manager():
    with mg.no_grad():
        assert not mg.is_grad_enabled() and not _records()
    assert mg.is_grad_enabled() and _records()


@pytest.mark.parametrize("decorate", [mg.no_grad(), mg.no_grad], ids=["@no_grad()", "@no_grad"])
def test_no_grad_as_a_decorator_with_or_without_parentheses(decorate):
    @decorate
    def double(x):
        """Twice x."""
        return x * 2

    assert double.__name__ == "double" and double.__doc__ == "Twice x."
    assert not _records(double)
    assert mg.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    @mg.enable_grad
    def double(x):
        return x * 2

    with mg.no_grad():
        with mg.enable_grad():
            assert _records()
        assert not _records()
        assert _records(double)
        assert not mg.is_grad_enabled()


def test_set_grad_enabled_as_a_call_a_context_manager_and_a_decorator():
    mg.set_grad_enabled(False)
    assert not mg.is_grad_enabled()
    mg.set_grad_enabled(True)
    assert mg.is_grad_enabled()
    with mg.set_grad_enabled(False):
        assert not _records()
        with mg.set_grad_enabled(True):
            assert _records()
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()

    @mg.set_grad_enabled(False)
    def double(x):
        return x * 2

    assert mg.is_grad_enabled()  # as a decorator it changes the mode inside the function only (PyTorch 2)
    mg.set_grad_enabled(True)
    assert not _records(double) and mg.is_grad_enabled()


def test_inference_mode_false_leaves_the_mode_as_it_is():
    @mg.inference_mode(False)
    def mode():
        return mg.is_grad_enabled()

    assert mode() is True
    with mg.no_grad():
        assert mode() is False
        with mg.inference_mode(False):
            assert not mg.is_grad_enabled()


def test_set_grad_enabled_takes_a_bool():
    with pytest.raises(TypeError, match="mode must be True or False, got 1"):
        mg.set_grad_enabled(1)
    assert mg.is_grad_enabled()


def test_the_mode_comes_back_after_an_exception():
    @mg.no_grad
    def fail():
        raise KeyError("boom")

    with pytest.raises(KeyError):
        fail()
    with pytest.raises(KeyError), mg.no_grad():
        raise KeyError("boom")
    assert mg.is_grad_enabled()


def test_nested_calls_of_a_decorated_function():
    @mg.no_grad
    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(5) == 5 and mg.is_grad_enabled()


def test_inference_mode_records_nothing_like_no_grad():
    x = mg.ones(2, requires_grad=True)
    with mg.inference_mode():
        assert not (x * 2).requires_grad
    with mg.inference_mode(False):
        assert (x * 2).requires_grad

    @mg.inference_mode
    def bare():
        return (x * 2).requires_grad

    @mg.inference_mode()
    def called():
        return (x * 2).requires_grad

    assert not bare() and not called() and mg.is_grad_enabled()

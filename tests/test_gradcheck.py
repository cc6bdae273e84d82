"""mg.gradcheck itself: it passes correct gradients and names what is wrong otherwise."""

import numpy as np
import pytest

import minigrad as mg


def test_returns_true_for_a_correct_gradient():
    x = mg.Tensor(np.array([[0.5, -1.0], [2.0, 0.3]]), requires_grad=True)
    assert mg.gradcheck(lambda x: (x @ x).tanh(), x) is True


def test_checks_float32_inputs_in_float64():
    x = mg.Tensor(np.array([0.1, 0.2, 0.3], dtype=np.float32), requires_grad=True)
    assert mg.gradcheck(lambda x: (x.exp() * x).sum(), x)
    assert x.grad is None, "the caller's tensor is left alone"


def test_a_wrong_gradient_is_reported_with_input_index_and_both_values():
    # x * x.detach() has the value x^2 but backward() sees only one factor: x, not 2x.
    x = mg.Tensor(np.array([1.0, 3.0]), requires_grad=True)
    with pytest.raises(AssertionError, match=r"input 0 \(shape \(2,\)\) at index \(0,\).*gives 1\.0.*give 2\.0"):
        mg.gradcheck(lambda x: (x * x.detach()).sum(), x)


def test_names_the_input_that_is_wrong():
    a = mg.Tensor(np.array([1.0]), requires_grad=True)
    b = mg.Tensor(np.array([2.0]), requires_grad=True)
    with pytest.raises(AssertionError, match="input 1"):
        mg.gradcheck(lambda a, b: a * b + b * b.detach(), a, b)


def test_non_scalar_outputs_weigh_every_entry():
    # Only the second output entry has a wrong gradient; a plain sum of outputs would still catch
    # this one, but a weighted sum also catches errors that cancel between entries.
    x = mg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(AssertionError):
        mg.gradcheck(lambda x: x * mg.Tensor([1.0, 0.0]) + (x * x.detach()) * mg.Tensor([0.0, 1.0]), x)


def test_inputs_that_do_not_require_grad_are_passed_through():
    w = mg.Tensor(np.array([2.0, 3.0]))
    x = mg.Tensor(np.array([1.0, 1.0]), requires_grad=True)
    assert mg.gradcheck(lambda x, w, k: (x * w).sum() * k, x, w, 2.0)


def test_bad_use_is_explained():
    with pytest.raises(ValueError, match="requires_grad=True"):
        mg.gradcheck(lambda x: x, mg.Tensor([1.0]))
    with pytest.raises(TypeError, match="must return a Tensor"):
        mg.gradcheck(lambda x: 1.0, mg.Tensor([1.0], requires_grad=True))

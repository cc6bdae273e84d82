"""The graph walk: accumulation, deep graphs, grad mode, and gradients that do not alias."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad.tensor import unbroadcast
from tests.strategies import arrays


def test_gradients_accumulate_across_backward_calls_until_zeroed():
    x = mg.Tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, 3 * 2 * np.array([1.0, 2.0]))
    x.grad = None
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, [2.0, 4.0])


def test_a_tensor_used_twice_gets_both_contributions():
    x = mg.Tensor(3.0, requires_grad=True, dtype=np.float64)
    a = x * 2
    (a * a + a).backward()  # d/dx (4x^2 + 2x) = 8x + 2
    assert x.grad == 26.0


def test_a_chain_of_100000_ops_needs_no_recursion():
    x = mg.Tensor(0.0, requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert y.item() == 100_000.0
    assert x.grad == 1.0


def test_intermediate_tensors_keep_no_grad():
    x = mg.Tensor([1.0], requires_grad=True)
    hidden = x * 2
    (hidden * 3).sum().backward()
    assert hidden.grad is None and x.grad is not None


def test_backward_on_a_non_scalar_asks_for_a_gradient():
    y = mg.Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\).*\.sum\(\).*grad=np\.ones\(\(2, 3\)\)"):
        y.backward()


def test_backward_with_an_explicit_gradient():
    x = mg.Tensor([1.0, 2.0], requires_grad=True)
    (x * 3).backward(np.array([1.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [3.0, -3.0])
    with pytest.raises(ValueError, match=r"gradient of shape \(3,\) for a tensor of shape \(2,\)"):
        (x * 3).backward(np.ones(3))


def test_backward_without_a_graph_says_why():
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.Tensor([1.0]).sum().backward()


def test_no_grad_records_nothing_and_restores_the_mode():
    x = mg.Tensor([1.0], requires_grad=True)
    with mg.no_grad():
        y = x * 2
        assert not mg.is_grad_enabled()
    assert not y.requires_grad and mg.is_grad_enabled()
    with pytest.raises(KeyError), mg.no_grad():
        raise KeyError("restores even on error")
    assert mg.is_grad_enabled()


def test_no_grad_as_a_decorator():
    @mg.no_grad()
    def double(t):
        return t * 2

    assert not double(mg.Tensor([1.0], requires_grad=True)).requires_grad
    assert mg.is_grad_enabled()


def test_leaf_gradients_never_share_memory():
    """An in-place change of one .grad (clipping, accumulation) must not reach another."""
    x = mg.Tensor([1.0, 2.0], requires_grad=True)
    y = mg.Tensor([3.0, 4.0], requires_grad=True)
    upstream = np.array([1.0, 1.0])
    (x + y).backward(upstream)
    x.grad *= 10
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    np.testing.assert_array_equal(upstream, [1.0, 1.0])

    w = mg.Tensor(np.ones((2, 2)), requires_grad=True)
    w.T.sum().backward()  # the gradient arrives as a view
    w.grad += 1
    assert w.grad.flags.writeable and w.grad.base is None


def test_leaf_that_is_the_output_gets_a_copy_of_the_callers_gradient():
    x = mg.Tensor([1.0, 2.0], requires_grad=True)
    upstream = np.array([5.0, 6.0])
    x.backward(upstream)
    x.grad += 1
    np.testing.assert_array_equal(upstream, [5.0, 6.0])


@given(data=st.data())
def test_unbroadcast_equals_summing_each_broadcast_copy(data):
    """Reference: walk every entry of the broadcast gradient and add it to the entry of
    the small shape it was copied from."""
    (small, big), _ = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=3))
    big = np.broadcast_shapes(small, big)
    grad = data.draw(arrays(big))
    expected = np.zeros(small)
    offset = len(big) - len(small)
    for index in np.ndindex(*big):
        source = tuple(0 if n == 1 else i for i, n in zip(index[offset:], small, strict=True))
        expected[source] += grad[index]
    result = unbroadcast(grad, small)
    assert result.shape == small
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12)


def test_a_leaf_receives_the_sum_of_its_gradients_then_adds_it_to_its_grad():
    # existing + (g1 + g2), PyTorch's order, which rounds differently from (existing + g1) + g2:
    # in float32, 1 + 4e-8 rounds back to 1, while 1 + 8e-8 is the next float up
    x = mg.Tensor([0.0], requires_grad=True)
    x.grad = np.array([1.0], np.float32)
    (x * np.float32(4e-8) + x * np.float32(4e-8)).sum().backward()
    assert x.grad[0] == np.float32(1) + np.float32(8e-8) > 1


def test_a_refused_closure_leaves_every_grad_as_it_was():
    # a closure that raises (here, standing in for a numpy error) stops backward before any
    # leaf is touched, also a leaf whose gradient was ready before the failing closure ran
    w, b = mg.Tensor([1.0, 2.0], requires_grad=True), mg.Tensor([1.0], requires_grad=True)
    w.grad = np.array([5.0, 5.0], np.float32)
    y = b.sum() + (w * 3).sum()
    inner = y._parents[1]._backward

    def failing(g):
        raise FloatingPointError("overflow")

    y._parents[1]._backward = failing
    with pytest.raises(FloatingPointError):
        y.backward()
    np.testing.assert_array_equal(w.grad, [5.0, 5.0])
    assert b.grad is None
    y._parents[1]._backward = inner
    y.backward()
    np.testing.assert_array_equal(w.grad, [8.0, 8.0])

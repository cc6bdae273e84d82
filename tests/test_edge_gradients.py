"""Values and gradients at the edges of each op's domain follow PyTorch's definitions, and
0-d tensors work in every op. Each expected value below is derived from the rule PyTorch
states for its backward (derivatives.yaml), not from running it."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg


def leaf(values):
    return mg.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


def grad_of(fn, values, upstream=None):
    x = leaf(values)
    y = fn(x)
    y.backward(np.ones(y.shape) if upstream is None else np.asarray(upstream, dtype=np.float64))
    return x.grad


def test_zero_to_a_non_negative_power_has_zero_gradient():
    # 0**x is 1 at x = 0 and 0 above it, flat on both sides: PyTorch masks result * log(0)
    np.testing.assert_array_equal(grad_of(lambda x: 0.0**x, [0.0, 1.0, 2.0]), [0.0, 0.0, 0.0])
    x = mg.Tensor([1.0, 2.0], requires_grad=True)  # the float32 example of the bug report
    (0.0**x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_zero_to_a_negative_power_has_gradient_minus_infinity():
    # d/dx 0**x = 0**x * log(0) = inf * -inf for x < 0
    assert grad_of(lambda x: 0.0**x, [-1.0])[0] == -np.inf


def test_other_bases_keep_the_formula_base_to_the_x_times_log_base():
    x = np.array([-1.0, 0.0, 2.5])
    np.testing.assert_allclose(grad_of(lambda t: 3.0**t, x), 3.0**x * np.log(3.0), rtol=1e-15)


@pytest.mark.parametrize(
    "p, x, value, grad",
    [
        (0.5, 0.0, 0.0, np.inf),  # sqrt: 0.5 / sqrt(0)
        (0.5, -np.inf, np.nan, np.nan),  # sqrt(-inf) is nan (numpy's pow would say inf)
        (-1, 0.0, np.inf, -np.inf),  # 1/x and -1/x**2 at 0
        (2, 0.0, 0.0, 0.0),
        (0, 0.0, 1.0, 0.0),  # x**0 is the constant 1, even at 0
        (3, -2.0, -8.0, 12.0),
    ],
)
def test_powers_at_the_edges(p, x, value, grad):
    t = leaf([x])
    y = t**p
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [value])
    np.testing.assert_array_equal(t.grad, [grad])


def test_relu_and_clip_select_the_gradient_instead_of_multiplying_it():
    # an infinite or nan upstream gradient must not leak nan into inputs the op cut off
    np.testing.assert_array_equal(grad_of(lambda x: x.relu(), [-1.0, 0.0, 2.0], [np.inf] * 3), [0.0, 0.0, np.inf])
    np.testing.assert_array_equal(grad_of(lambda x: x.relu(), [-1.0, 2.0], [np.nan] * 2), [0.0, np.nan])
    np.testing.assert_array_equal(
        grad_of(lambda x: x.clip(-1, 1), [-3.0, 0.5, 3.0], [np.inf] * 3), [0.0, np.inf, 0.0]
    )
    # clip's gradient passes at the bounds themselves (lo <= x <= hi)
    np.testing.assert_array_equal(grad_of(lambda x: x.clip(-1, 1), [-1.0, 1.0]), [1.0, 1.0])


def test_gradient_at_a_nan_input():
    # relu: nan <= 0 is false, so the gradient passes; abs: sign(nan) counts as 0
    np.testing.assert_array_equal(grad_of(lambda x: x.relu(), [np.nan]), [1.0])
    np.testing.assert_array_equal(grad_of(lambda x: x.abs(), [np.nan, 0.0, -2.0]), [0.0, 0.0, -1.0])
    np.testing.assert_array_equal(grad_of(lambda x: x.clip(0, 1), [np.nan]), [0.0])


def test_ties_share_the_gradient_of_max():
    np.testing.assert_array_equal(grad_of(lambda x: x.max(), [1.0, 3.0, 3.0]), [0.0, 0.5, 0.5])


def test_logsumexp_of_infinite_entries():
    y = leaf([-np.inf, -np.inf]).logsumexp(axis=0)
    assert y.item() == -np.inf
    assert leaf([np.inf, 0.0]).logsumexp(axis=0).item() == np.inf
    np.testing.assert_array_equal(grad_of(lambda x: x.logsumexp(axis=0), [-np.inf, 0.0]), [0.0, 1.0])


def test_integer_scalars_wrap_and_divide_as_in_pytorch():
    u = mg.Tensor(np.array([3], dtype=np.uint8))
    assert (u + -1).dtype == np.uint8 and (u + -1).data[0] == 2
    assert (u / -1).dtype == np.float32 and (u / -1).data[0] == -3.0
    assert (-1 / u).data[0] == np.float32(-1) / np.float32(3)


def test_clip_of_integers_keeps_integers_unless_a_bound_is_a_float():
    counts = mg.Tensor(np.array([-2, 5, 9]))
    assert counts.clip(0, 6).dtype == np.int64
    np.testing.assert_array_equal(counts.clip(0, 6).data, [0, 5, 6])
    assert counts.clip(0.5, 6).dtype == np.float32
    flags = mg.Tensor(np.array([True, False])).clip(-1, 1)
    assert flags.dtype == np.int64
    np.testing.assert_array_equal(flags.data, [1, 0])


@pytest.mark.parametrize(
    "op, value, grad",
    [
        (lambda x: x.softmax(), 1.0, 0.0),
        (lambda x: x.log_softmax(), 0.0, 0.0),
        (lambda x: x.logsumexp(axis=0), 0.7, 1.0),
        (lambda x: x.sum(axis=0), 0.7, 1.0),
        (lambda x: x.mean(axis=-1), 0.7, 1.0),
        (lambda x: x.max(axis=0), 0.7, 1.0),
    ],
)
def test_a_0d_tensor_takes_axis_0_or_minus_1_as_in_pytorch(op, value, grad):
    x = leaf(0.7)
    y = op(x)
    y.backward()
    assert y.shape == () and type(y.data) is np.ndarray
    assert y.item() == pytest.approx(value, abs=1e-15)
    assert type(x.grad) is np.ndarray and x.grad.shape == () and x.grad == pytest.approx(grad, abs=1e-15)


UNARY = ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "__neg__"]


@given(name=st.sampled_from(UNARY), second=st.sampled_from(UNARY), value=st.floats(0.1, 3.0))
def test_0d_results_and_gradients_are_arrays_that_accumulate(name, second, value):
    x = mg.Tensor(np.float64(value), requires_grad=True)
    for _ in range(2):  # the second backward adds into the first .grad
        y = getattr(getattr(x, name)(), second)()
        assert type(y.data) is np.ndarray and y.shape == ()
        y.backward()
    assert type(x.grad) is np.ndarray and x.grad.shape == () and x.grad.dtype == np.float64
    single = mg.Tensor(np.float64(value), requires_grad=True)
    getattr(getattr(single, name)(), second)().backward()
    np.testing.assert_array_equal(x.grad, 2 * single.grad)  # nan too, where the chain leaves the domain


def test_max_selects_its_gradient_and_a_nan_wins():
    np.testing.assert_array_equal(grad_of(lambda x: x.max(), [1.0, 3.0], np.inf), [0.0, np.inf])
    np.testing.assert_array_equal(grad_of(lambda x: x.max(), [1.0, np.nan, 3.0]), [0.0, 1.0, 0.0])


def test_relu_passes_the_gradient_exactly_where_the_input_is_not_at_most_0():
    # the mask is ~(a <= 0): nan passes, -0 and 0 do not; a dropped negative gradient is -0,
    # as the product g * mask gives it (np.where would give +0)
    a = np.array([-1.0, -0.0, 0.0, 2.0, np.nan, np.inf, -np.inf], np.float32)
    g = np.array([-1.0, -2.0, 3.0, -4.0, 5.0, 6.0, -7.0], np.float32)
    x = mg.Tensor(a, requires_grad=True)
    x.relu().backward(g)
    assert x.grad.tobytes() == (g * ~(a <= 0)).tobytes()

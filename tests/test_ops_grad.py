"""Every op's backward() against central finite differences (mg.gradcheck), on shapes
and values drawn by hypothesis, in float64."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from tests.strategies import (
    arrays,
    away_from_zero,
    axes_for,
    broadcast_pairs,
    distinct_arrays,
    nonscalar_shapes,
    shapes,
)


def _binary(op, right=None):
    """An op on a broadcastable pair of shapes; ``right`` draws the right operand."""

    @st.composite
    def case(draw):
        (left_shape, right_shape), _ = draw(broadcast_pairs)
        a = draw(arrays(left_shape))
        b = draw(right(right_shape) if right else arrays(right_shape))
        return op, [a, b]

    return case()


def _unary(op, elements=arrays, shape_strategy=shapes):
    @st.composite
    def case(draw):
        return op, [draw(elements(draw(shape_strategy)))]

    return case()


def _reduction(method, elements=arrays):
    @st.composite
    def case(draw):
        shape = draw(shapes)
        axis = draw(axes_for(len(shape)))
        keepdims = draw(st.booleans())
        return (lambda x: getattr(x, method)(axis=axis, keepdims=keepdims)), [draw(elements(shape))]

    return case()


def _along_axis(method):
    @st.composite
    def case(draw):
        shape = draw(nonscalar_shapes)
        axis = draw(st.integers(-len(shape), len(shape) - 1))
        return (lambda x: getattr(x, method)(axis=axis)), [draw(arrays(shape, -5, 5))]

    return case()


@st.composite
def _power(draw):
    exponent = draw(st.sampled_from([0, 1, 2, 3, -1, 0.5, -0.5, 1.5]))
    shape = draw(shapes)
    base = arrays(shape, 0.3, 3.0) if exponent != int(exponent) or exponent < 0 else arrays(shape)
    return (lambda x: x**exponent), [draw(base)]


@st.composite
def _scalar_operand(draw):
    """Reflected and scalar forms: Python and numpy scalars on either side."""
    scalar = draw(st.sampled_from([2.5, -1.5, np.float64(0.75), np.float32(3.0), 2]))
    op = draw(
        st.sampled_from(
            [
                lambda x: x + scalar,
                lambda x: scalar + x,
                lambda x: x - scalar,
                lambda x: scalar - x,
                lambda x: x * scalar,
                lambda x: scalar * x,
                lambda x: x / scalar,
            ]
        )
    )
    return op, [draw(arrays(draw(shapes)))]


@st.composite
def _reciprocal(draw):
    scalar = draw(st.sampled_from([1.0, -2.0, np.float64(3.0)]))
    return (lambda x: scalar / x), [draw(away_from_zero(draw(shapes)))]


@st.composite
def _matmul(draw):
    n, k, m, batch = (draw(st.integers(1, 4)) for _ in range(4))
    left, right = draw(
        st.sampled_from(
            [
                ((n, k), (k, m)),  # matrix @ matrix
                ((n, k), (k,)),  # matrix @ vector
                ((k,), (k, m)),  # vector @ matrix
                ((k,), (k,)),  # dot product
                ((batch, n, k), (k, m)),  # batched @ matrix
                ((batch, n, k), (k,)),  # batched @ vector
                ((1, n, k), (batch, k, m)),  # broadcast batch
            ]
        )
    )
    return (lambda a, b: a @ b), [draw(arrays(left)), draw(arrays(right))]


@st.composite
def _indexing(draw):
    shape = draw(nonscalar_shapes)
    first = shape[0]
    index = draw(
        st.sampled_from(
            [
                draw(st.integers(-first, first - 1)),
                slice(draw(st.integers(0, first - 1)), None, draw(st.integers(1, 2))),
                np.array(draw(st.lists(st.integers(0, first - 1), min_size=1, max_size=6))),  # repeats allowed
                (Ellipsis, draw(st.integers(0, shape[-1] - 1))),
            ]
        )
    )
    return (lambda x: x[index]), [draw(arrays(shape))]


@st.composite
def _pick_per_row(draw):
    """x[np.arange(n), y]: the cross-entropy pattern."""
    n, classes = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    labels = np.array(draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)))
    return (lambda x: x[np.arange(n), labels]), [draw(arrays((n, classes)))]


@st.composite
def _reshape(draw):
    shape = draw(shapes)
    size = int(np.prod(shape))
    target = draw(st.sampled_from([(size,), (-1,), (1, size), (size, 1, -1)]))
    return (lambda x: x.reshape(*target)), [draw(arrays(shape))]


@st.composite
def _transpose(draw):
    shape = draw(shapes)
    axes = tuple(draw(st.permutations(range(len(shape)))))
    use_axes = draw(st.booleans())
    return (lambda x: x.transpose(*axes) if use_axes else x.transpose()), [draw(arrays(shape))]


@st.composite
def _clip(draw):
    lo, hi = draw(st.sampled_from([(-1.0, 1.0), (None, 0.5), (-0.5, None), (0.0, 2.0)]))
    kinks = [v for v in (lo, hi) if v is not None]
    return (lambda x: x.clip(lo, hi)), [draw(arrays(draw(shapes), avoid=kinks))]


@st.composite
def _leaky_relu(draw):
    slope = draw(st.sampled_from([0.01, 0.2, 1.5]))
    return (lambda x: x.leaky_relu(slope)), [draw(arrays(draw(shapes), avoid=[0.0]))]


# The contract's ops, each with a strategy that draws (function, input arrays).
OPS = {
    "add": _binary(lambda a, b: a + b),
    "sub": _binary(lambda a, b: a - b),
    "mul": _binary(lambda a, b: a * b),
    "div": _binary(lambda a, b: a / b, right=away_from_zero),
    "scalar operands": _scalar_operand(),
    "rtruediv": _reciprocal(),
    "pow": _power(),
    "rpow": _unary(lambda x: 1.7**x),
    "neg": _unary(lambda x: -x),
    "matmul": _matmul(),
    "exp": _unary(lambda x: x.exp()),
    "log": _unary(lambda x: x.log(), elements=lambda s: arrays(s, 0.1, 5.0)),
    "sqrt": _unary(lambda x: x.sqrt(), elements=lambda s: arrays(s, 0.1, 5.0)),
    "tanh": _unary(lambda x: x.tanh()),
    "sigmoid": _unary(lambda x: x.sigmoid(), elements=lambda s: arrays(s, -8, 8)),
    "relu": _unary(lambda x: x.relu(), elements=lambda s: arrays(s, avoid=[0.0])),
    "leaky_relu": _leaky_relu(),
    "abs": _unary(lambda x: x.abs(), elements=lambda s: arrays(s, avoid=[0.0])),
    "clip": _clip(),
    "sum": _reduction("sum"),
    "mean": _reduction("mean"),
    "max": _reduction("max", elements=distinct_arrays),
    "reshape": _reshape(),
    "transpose": _transpose(),
    "T": _unary(lambda x: x.T),
    "flatten": _unary(lambda x: x.flatten()),
    "index": _indexing(),
    "index per row": _pick_per_row(),
    "softmax": _along_axis("softmax"),
    "log_softmax": _along_axis("log_softmax"),
    "logsumexp": _along_axis("logsumexp"),
}

CONTRACT_OPS = {
    "add", "sub", "mul", "div", "pow", "rpow", "matmul", "neg", "exp", "log", "sqrt", "tanh", "sigmoid", "relu",
    "abs", "clip", "leaky_relu", "sum", "mean", "max", "reshape", "transpose", "T", "flatten", "index",
    "softmax", "log_softmax", "logsumexp",
}  # fmt: skip


def test_every_contract_op_has_a_gradient_property_test():
    assert CONTRACT_OPS <= set(OPS), f"no gradient test for {sorted(CONTRACT_OPS - set(OPS))}"


@pytest.mark.parametrize("name", list(OPS))
@given(data=st.data())
def test_backward_matches_finite_differences(name, data):
    fn, arrays_ = data.draw(OPS[name])
    inputs = [mg.Tensor(a, requires_grad=True) for a in arrays_]
    assert mg.gradcheck(fn, *inputs)


@given(data=st.data())
def test_ops_compose(data):
    """A small expression mixing broadcasting, reductions and the softmax family."""
    (xs, ws), _ = data.draw(broadcast_pairs)
    x = mg.Tensor(data.draw(arrays(xs)), requires_grad=True)
    w = mg.Tensor(data.draw(arrays(ws)), requires_grad=True)
    assert mg.gradcheck(lambda x, w: ((x * w).tanh() + x.sigmoid() * w).sum(), x, w)

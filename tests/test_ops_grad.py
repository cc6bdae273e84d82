"""Every op's backward() against central finite differences (mg.gradcheck), on shapes
and values drawn by hypothesis, in float64."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

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


def _dim_reduction(method, elements=distinct_arrays):
    """A PyTorch-spelled reduction: dim (None, an int or a tuple) and keepdim."""

    @st.composite
    def case(draw):
        shape = draw(shapes)
        dim = draw(axes_for(len(shape)))
        keepdim = draw(st.booleans())
        return (lambda x: getattr(x, method)(dim=dim, keepdim=keepdim)), [draw(elements(shape))]

    return case()


def _along_one_dim(method):
    """max(dim) and min(dim): the values of the named tuple, ties impossible."""

    @st.composite
    def case(draw):
        shape = draw(shapes)
        dim = draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
        keepdim = draw(st.booleans())
        return (lambda x: getattr(x, method)(dim, keepdim).values), [draw(distinct_arrays(shape))]

    return case()


@st.composite
def _variance(draw):
    """var and std over dims that hold more entries than the correction, on values without
    ties (so that std stays away from 0, where its derivative is unbounded)."""
    shape = draw(nonscalar_shapes.filter(lambda s: int(np.prod(s)) >= 2))
    dim = draw(axes_for(len(shape)).filter(lambda d: d is None or np.prod(np.array(shape)[np.atleast_1d(d)]) >= 2))
    method = draw(st.sampled_from(["var", "std"]))
    spelling = draw(st.sampled_from(["default", "unbiased", "correction"]))
    keepdim = draw(st.booleans())
    options = {"default": {}, "unbiased": {"unbiased": draw(st.booleans())}, "correction": {"correction": 0.5}}
    kwargs = {**options[spelling], "keepdim": keepdim}
    return (lambda x: getattr(x, method)(dim, **kwargs)), [draw(distinct_arrays(shape))]


@st.composite
def _pow_tensor(draw):
    """A Tensor exponent broadcast against the base; both receive gradients."""
    (base_shape, exponent_shape), _ = draw(broadcast_pairs)
    return (lambda a, b: a.pow(b)), [draw(arrays(base_shape, 0.3, 3.0)), draw(arrays(exponent_shape, -2.0, 2.0))]


def _offset_grid(shape):
    """Values on the grid of 1/8 shifted by 1/16: never within a finite-difference step of a
    value of distinct_arrays or of a multiple of 1/8 (a tie or a kink)."""
    return distinct_arrays(shape).map(lambda a: a + 1 / 16)


@st.composite
def _clamp_tensor_bounds(draw):
    (x_shape, bound_shape), _ = draw(broadcast_pairs)
    lo = draw(hnp.arrays(np.float64, bound_shape, elements=st.sampled_from([-2.0, -1.0, -0.5])))
    hi = lo + draw(hnp.arrays(np.float64, bound_shape, elements=st.sampled_from([0.5, 1.0, 3.0])))
    return (lambda x, lo, hi: x.clamp(lo, hi)), [draw(_offset_grid(x_shape)), lo, hi]


def _pairwise(method):
    @st.composite
    def case(draw):
        (left_shape, right_shape), _ = draw(broadcast_pairs)
        left, right = draw(_offset_grid(left_shape)), draw(distinct_arrays(right_shape))
        return (lambda a, b: getattr(a, method)(b)), [left, right]

    return case()


@st.composite
def _view(draw):
    shape = draw(shapes)
    size = int(np.prod(shape))
    target = draw(st.sampled_from([(size,), (-1,), (1, size), (size, 1, -1)]))
    return (lambda x: x.view(*target)), [draw(arrays(shape))]


@st.composite
def _unsqueeze(draw):
    shape = draw(shapes)
    dim = draw(st.integers(-len(shape) - 1, len(shape)))
    return (lambda x: x.unsqueeze(dim)), [draw(arrays(shape))]


@st.composite
def _squeeze(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=2))
    dim = draw(axes_for(len(shape)))
    return (lambda x: x.squeeze(dim) if dim is not None else x.squeeze()), [draw(arrays(shape))]


@st.composite
def _permute(draw):
    shape = draw(shapes)
    dims = tuple(draw(st.permutations(range(len(shape)))))
    return (lambda x: x.permute(*dims)), [draw(arrays(shape))]


@st.composite
def _swap_dims(draw):
    shape = draw(nonscalar_shapes)
    dim0, dim1 = (draw(st.integers(-len(shape), len(shape) - 1)) for _ in range(2))
    return (lambda x: x.transpose(dim0, dim1)), [draw(arrays(shape))]


@st.composite
def _expand(draw):
    """expand to a broadcast-compatible shape: length-1 dims grow, -1 keeps, new dims in front."""
    (source, target), _ = draw(broadcast_pairs)
    target = np.broadcast_shapes(source, target)
    sizes = list(target)
    for i in range(1, len(source) + 1):  # -1 for some dims that keep their length
        if source[-i] == target[-i] and draw(st.booleans()):
            sizes[-i] = -1
    return (lambda x: x.expand(*sizes)), [draw(arrays(source))]


@st.composite
def _flatten_dims(draw):
    shape = draw(nonscalar_shapes)
    start = draw(st.integers(0, len(shape) - 1))
    end = draw(st.integers(start, len(shape) - 1))
    return (lambda x: x.flatten(start, end)), [draw(arrays(shape))]


@st.composite
def _torch_indexing(draw):
    """Tensors, masks, lists, None and negative ints as indices (a mask selects each entry once,
    an integer Tensor may repeat one)."""
    shape = draw(nonscalar_shapes)
    first = shape[0]
    mask = draw(hnp.arrays(np.bool_, shape))
    rows = draw(st.lists(st.integers(-first, first - 1), min_size=0, max_size=5))
    index = draw(
        st.sampled_from(
            [
                mg.Tensor(mask),
                mask,
                mg.Tensor(np.array(rows, dtype=np.int64)),
                rows,
                (None, Ellipsis),
                (draw(st.integers(-first, first - 1)), None),
                mg.Tensor(np.array(draw(st.integers(0, first - 1)))),
                (mg.Tensor(mask[(Ellipsis,) + (0,) * (len(shape) - 1)]), Ellipsis),
            ]
        )
    )
    return (lambda x: x[index]), [draw(arrays(shape))]


@st.composite
def _setitem(draw):
    """y = x * 1; y[index] = v: the overwritten entries of x get no gradient, v gets theirs."""
    shape = draw(nonscalar_shapes)
    first = shape[0]
    index, value_shape = draw(
        st.sampled_from(
            [
                (draw(st.integers(-first, first - 1)), shape[1:]),
                (slice(0, None, 2), ()),
                (draw(hnp.arrays(np.bool_, shape)), ()),
                (np.array(draw(st.lists(st.integers(0, first - 1), min_size=1, max_size=4, unique=True))), shape[1:]),
                ((Ellipsis, draw(st.integers(0, shape[-1] - 1))), shape[:-1][-1:]),
            ]
        )
    )

    def fn(x, v):
        y = x * 1.0
        y[index] = v
        return y

    return fn, [draw(arrays(shape)), draw(arrays(value_shape))]


@st.composite
def _casts(draw):
    method = draw(st.sampled_from(["double", "clone", "contiguous"]))
    shape = draw(shapes)
    return (lambda x: getattr(x.T, method)() * 1.0), [draw(arrays(shape))]


def _triangle(fn):
    @st.composite
    def case(draw):
        shape = draw(st.lists(st.integers(1, 4), min_size=2, max_size=3).map(tuple))
        k = draw(st.integers(-2, 2))
        return (lambda x: getattr(mg, fn)(x, k)), [draw(arrays(shape))]

    return case()


def _masked_fill():
    @st.composite
    def case(draw):
        shape = draw(nonscalar_shapes)
        mask = np.array(draw(st.lists(st.booleans(), min_size=shape[-1], max_size=shape[-1])))  # broadcasts by rows
        value = draw(st.sampled_from([0.0, -5.0, 2.5]))
        return (lambda x: x.masked_fill(mg.tensor(mask), value)), [draw(arrays(shape))]

    return case()


def _two_dims_at_most():
    @st.composite
    def case(draw):
        shape = draw(st.lists(st.integers(1, 4), min_size=0, max_size=2).map(tuple))
        return (lambda x: x.t() * 1.5), [draw(arrays(shape))]

    return case()


def _sorting():
    @st.composite
    def case(draw):
        shape = draw(nonscalar_shapes)
        dim = draw(st.integers(-len(shape), len(shape) - 1))
        kind = draw(st.sampled_from(["sort", "sort descending", "topk", "topk smallest"]))
        k = draw(st.integers(0, shape[dim]))
        fns = {
            "sort": lambda x: x.sort(dim).values * 1.5,
            "sort descending": lambda x: x.sort(dim, descending=True).values * 1.5,
            "topk": lambda x: x.topk(k, dim).values * 1.5,
            "topk smallest": lambda x: x.topk(k, dim, largest=False).values * 1.5,
        }
        return fns[kind], [draw(distinct_arrays(shape))]

    return case()


def _norms():
    @st.composite
    def case(draw):
        shape = draw(nonscalar_shapes)
        p = draw(st.sampled_from([2, "fro", 1, float("inf")]))
        dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
        # no entry at 0 and no two of equal size: the norms have kinks there
        a = draw(distinct_arrays(shape).map(lambda v: np.where(v >= 0, v + 1 / 16, v)))
        return (lambda x: x.norm(p, dim, keepdim=True)), [a]

    return case()


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
    # PyTorch's methods (issue #10)
    "min": _reduction("min", elements=distinct_arrays),
    "sum(dim=, keepdim=)": _dim_reduction("sum", elements=arrays),
    "mean(dim=, keepdim=)": _dim_reduction("mean", elements=arrays),
    "amax": _dim_reduction("amax"),
    "amin": _dim_reduction("amin"),
    "max(dim)": _along_one_dim("max"),
    "min(dim)": _along_one_dim("min"),
    "var/std": _variance(),
    "pow(tensor)": _pow_tensor(),
    "clamp(tensor bounds)": _clamp_tensor_bounds(),
    "maximum": _pairwise("maximum"),
    "minimum": _pairwise("minimum"),
    "max(other)": _pairwise("max"),
    "view": _view(),
    "unsqueeze": _unsqueeze(),
    "squeeze": _squeeze(),
    "permute": _permute(),
    "transpose(dim0, dim1)": _swap_dims(),
    "expand": _expand(),
    "flatten(start_dim, end_dim)": _flatten_dims(),
    "index by Tensors, masks, lists, None": _torch_indexing(),
    "setitem": _setitem(),
    "double, clone, contiguous": _casts(),
    "sin": _unary(lambda x: mg.sin(x)),
    "cos": _unary(lambda x: mg.cos(x)),
    "sign": _unary(lambda x: mg.sign(x) * x, elements=lambda s: arrays(s, avoid=[0.0])),
    "tril": _triangle("tril"),
    "triu": _triangle("triu"),
    "masked_fill": _masked_fill(),
    "t": _two_dims_at_most(),
    "sort/topk": _sorting(),
    "norm": _norms(),
}

CONTRACT_OPS = {
    "add", "sub", "mul", "div", "pow", "rpow", "matmul", "neg", "exp", "log", "sqrt", "tanh", "sigmoid", "relu",
    "abs", "clip", "leaky_relu", "sum", "mean", "max", "reshape", "transpose", "T", "flatten", "index",
    "softmax", "log_softmax", "logsumexp",
}  # fmt: skip


# The differentiable PyTorch methods added for issue #10.
TORCH_OPS = {
    "min", "amax", "amin", "max(dim)", "min(dim)", "var/std", "pow(tensor)", "clamp(tensor bounds)", "maximum",
    "minimum", "max(other)", "view", "unsqueeze", "squeeze", "permute", "transpose(dim0, dim1)", "expand",
    "flatten(start_dim, end_dim)", "index by Tensors, masks, lists, None", "setitem", "double, clone, contiguous",
    "sin", "cos", "sign", "tril", "triu", "masked_fill", "t", "sort/topk", "norm",
}  # fmt: skip


def test_every_contract_op_has_a_gradient_property_test():
    assert CONTRACT_OPS <= set(OPS), f"no gradient test for {sorted(CONTRACT_OPS - set(OPS))}"
    assert TORCH_OPS <= set(OPS), f"no gradient test for {sorted(TORCH_OPS - set(OPS))}"


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



@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_inner_size_of_one_gives_the_bits_of_numpy_s_matmul(dtype):
    """Batch 1: the weight's gradient g.T @ x has an inner size of 1 and is computed as an
    outer product (a broadcast multiply, ~4x faster than numpy's matmul there); each element
    is one product either way, so the bits are those of matmul."""
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=(1, 300)).astype(dtype), rng.normal(size=(1, 200)).astype(dtype)
    w, b = rng.normal(size=(200, 300)).astype(dtype), rng.normal(size=200).astype(dtype)
    x_t, w_t, b_t = (mg.Tensor(v, requires_grad=True) for v in (x, w, b))
    out = mg.nn.functional.linear(x_t, w_t, b_t)
    out.backward(g)
    np.testing.assert_array_equal(out.data, x @ w.T + b)
    np.testing.assert_array_equal(w_t.grad, g.T @ x)
    np.testing.assert_array_equal(x_t.grad, g @ w)
    assert w_t.grad.dtype == dtype
    # through @: a column times a row (inner size 1 forward), and its backward
    column, row = mg.Tensor(g.T, requires_grad=True), mg.Tensor(x, requires_grad=True)
    product = column @ row
    np.testing.assert_array_equal(product.data, g.T @ x)
    h = rng.normal(size=(200, 300)).astype(dtype)
    product.backward(h)
    np.testing.assert_array_equal(column.grad, h @ x.T)
    np.testing.assert_array_equal(row.grad, g @ h)
    # and a row times a matrix: the matrix's gradient row.T @ h has an inner size of 1
    matrix = mg.Tensor(w, requires_grad=True)
    (mg.Tensor(g) @ matrix).backward(x)
    np.testing.assert_array_equal(matrix.grad, g.T @ x)

"""PyTorch's ``torch.*`` functions on tensors.

First the ops that are not Tensor methods, each computing its result with numpy and, right
beside it, its ``backward(g)``: ``cat`` (and ``stack``, ``hstack``, ``vstack``, built on it), ``where``, ``maximum``,
``minimum``, ``sin``, ``cos``, ``sign``, ``tril``, ``triu``, and the tests ``isnan``, ``isinf``,
``isfinite``, ``allclose``. Then the function spellings of Tensor methods (``mg.sum(x, 1)`` is
``x.sum(1)``, ``mg.exp(x)`` is ``x.exp()``), which hand their arguments to the method, so
they accept whatever the method accepts.

These take Tensors, as in PyTorch, and numpy arrays too, because a minigrad tensor's
``.data`` is one (``torch.max(outputs.data, 1)`` is PyTorch code); ``where`` also takes
Python numbers for its two branches. Mixed dtypes promote by PyTorch's rule (int64 with float32 is float32, float32
with float64 is float64), and each input's gradient comes back in its own dtype.

This module defines ``sum``, ``max``, ``min``, ``abs``, ``pow``, ``round``, ``all`` and ``any``: below their
definitions those names mean minigrad's functions, not Python's builtins.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .checks import check_alias, check_bool, check_int, check_non_negative
from .tensor import (
    _SCALARS,
    Tensor,
    _constant,
    _floating,
    _lift,
    _node,
    _promote_types,
    _result_dtype,
    unbroadcast,
)

__all__ = [
    "cat",
    "concat",
    "concatenate",
    "stack",
    "hstack",
    "vstack",
    "where",
    "maximum",
    "minimum",
    "sin",
    "cos",
    "sign",
    "log10",
    "log2",
    "round",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "tril",
    "triu",
    "isnan",
    "isinf",
    "isfinite",
    "allclose",
    "is_tensor",
    "is_floating_point",
    "numel",
    "tanh",
    "exp",
    "log",
    "sqrt",
    "sigmoid",
    "relu",
    "abs",
    "softmax",
    "log_softmax",
    "logsumexp",
    "sum",
    "mean",
    "max",
    "min",
    "argmax",
    "argmin",
    "var",
    "std",
    "matmul",
    "pow",
    "clamp",
    "reshape",
    "flatten",
    "transpose",
    "permute",
    "squeeze",
    "unsqueeze",
    "sort",
    "argsort",
    "topk",
    "norm",
    "all",
    "any",
    "equal",
    "square",
    "bincount",
    "unique",
    "add",
    "sub",
    "mul",
    "div",
    "floor_divide",
    "remainder",
    "fmod",
    "neg",
    "mm",
    "split",
    "chunk",
]


def _tensor(value, fn: str, name: str = "input") -> Tensor:
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        # PyTorch takes Tensors only; minigrad's x.data is an ndarray, so torch.max(out.data, 1)
        # must work here as it does in PyTorch
        return _constant(value)
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{fn}() takes a Tensor as {name}, got {type(value).__name__}: "
            "wrap data with mg.tensor(...) (or mg.from_numpy for an array)"
        )
    return value


def _tensor_list(tensors, fn: str) -> list:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fn}() takes a list or tuple of Tensors, got {type(tensors).__name__}")
    if not tensors:
        raise ValueError(f"{fn}() needs at least one tensor, got an empty {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}() takes Tensors, but the one at index {i} is a {type(t).__name__}")
    return list(tensors)


def _dim(dim, ndim: int, fn: str, of: str | None = None) -> int:
    """A dimension index for a tensor of ``ndim`` dimensions, made non-negative; ``of``
    says what has them, for the message (default: ``ndim``-D tensors)."""
    if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{fn}() takes dim as an int, got {dim!r}")
    n = builtins.max(ndim, 1)  # a 0-d tensor accepts 0 and -1, as in PyTorch
    if not -n <= dim < n:
        raise ValueError(
            f"{fn}(): dim {dim} is out of range for {of or f'{ndim}-D tensors'} (it must be in [{-n}, {n - 1}])"
        )
    return int(dim) % n


# --------------------------------------------------------------------- joining tensors
def cat(tensors, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing dimension ``dim`` (default 0; ``axis`` is the same)
    (``torch.cat``). Every tensor has the same number of dimensions and the same size in
    all but ``dim``; as in PyTorch, 1-D empty tensors (shape (0,)) are skipped, so
    ``out = mg.cat([out, x])`` may start from ``out = mg.tensor([])``. The dtype is the
    promotion of all the tensors' dtypes. Gradient: each input gets its slice of the
    gradient. Errors: TypeError for a non-list or a non-Tensor in it; ValueError for an
    empty list, a 0-d tensor, or shapes that differ (naming both shapes and the index).
    """
    return _cat(_tensor_list(tensors, "cat"), check_alias("dim", dim, "axis", axis, 0), "cat")


def _cat(tensors: list, dim, fn: str) -> Tensor:
    """``cat`` of a checked list of Tensors, its messages naming ``fn``, the function called."""
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not dtype:
            dtype = _promote_types(dtype, t.dtype)
    kept = [i for i, t in enumerate(tensors) if t.shape != (0,)]
    if not kept:  # only empty tensors: PyTorch returns an empty one, whatever dim says
        kept, dim = list(range(len(tensors))), 0
    first = tensors[kept[0]].shape
    for i in kept:
        shape = tensors[i].shape
        if not shape:
            raise ValueError(f"{fn}() cannot join a 0-d tensor (the one at index {i}); use mg.stack to join scalars")
        if len(shape) != len(first):
            raise ValueError(
                f"{fn}() needs tensors of the same number of dimensions, got shape {first} at index {kept[0]} "
                f"and shape {shape} at index {i}"
            )
    dim = _dim(dim, len(first), fn)
    for i in kept:
        shape = tensors[i].shape
        if shape[:dim] + shape[dim + 1 :] != first[:dim] + first[dim + 1 :]:
            raise ValueError(
                f"{fn}() along dim {dim} needs the same sizes in the other dimensions, got shape {first} at index "
                f"{kept[0]} and shape {shape} at index {i}"
            )
    arrays = [tensors[i].data.astype(dtype, copy=False) for i in kept]
    out = np.concatenate(arrays, axis=dim)
    ends = np.cumsum([a.shape[dim] for a in arrays])

    def backward(g):
        grads = [None] * len(tensors)
        before = (slice(None),) * dim
        for i, end, size in zip(kept, ends, (a.shape[dim] for a in arrays), strict=True):
            if tensors[i].requires_grad:
                grads[i] = g[before + (slice(end - size, end),)]
        for i, t in enumerate(tensors):
            if t.requires_grad and grads[i] is None:  # a skipped empty tensor
                grads[i] = np.zeros(t.shape, t.dtype)
        return grads

    return _node(out, tuple(tensors), backward, "cat")


def concat(tensors, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Same as ``cat`` (``torch.concat``)."""
    return cat(tensors, dim, axis=axis)


def concatenate(tensors, axis: int | None = None, *, dim: int | None = None) -> Tensor:
    """Same as ``cat``, with numpy's argument name first (``torch.concatenate``)."""
    return cat(tensors, dim, axis=axis)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new dimension ``dim`` (``torch.stack``): n tensors
    of shape (a, b) give (n, a, b) for dim 0, (a, n, b) for dim 1, (a, b, n) for dim 2 or
    -1. Built on ``cat`` (each tensor gets a dimension of size 1 first), so dtypes promote
    and gradients flow as there. ValueError for an empty list or shapes that differ
    (naming both shapes and the index)."""
    tensors = _tensor_list(tensors, "stack")
    shape = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != shape:
            raise ValueError(f"stack() needs tensors of one shape, got {shape} at index 0 and {t.shape} at index {i}")
    dim = _dim(dim, len(shape) + 1, "stack", f"a stack of {len(shape)}-D tensors")
    grown = shape[:dim] + (1,) + shape[dim:]
    return cat([t.reshape(grown) for t in tensors], dim)


def hstack(tensors) -> Tensor:
    """Join tensors side by side (``torch.hstack``): 1-D tensors (and 0-d ones, made 1-D)
    end to end, along dim 0, when the first is 1-D; else along dim 1 (the columns of 2-D
    tensors). Built on ``cat``: dtypes promote and gradients flow as there, and the same
    errors (TypeError for a non-list or a non-Tensor in it; ValueError for an empty list or
    sizes that differ, naming the shapes and the index)."""
    tensors = [t.reshape(1) if t.ndim == 0 else t for t in _tensor_list(tensors, "hstack")]
    return _cat(tensors, 0 if tensors[0].ndim == 1 else 1, "hstack")


def vstack(tensors) -> Tensor:
    """Join tensors one below another, along dim 0 (``torch.vstack``): a 1-D tensor of size n
    is one row, shape (1, n), and a 0-d one a (1, 1) tensor, so 1-D tensors of one size are
    stacked as rows. Built on ``cat``, as ``hstack``."""
    tensors = [t.reshape((1,) * (2 - t.ndim) + t.shape) if t.ndim < 2 else t for t in _tensor_list(tensors, "vstack")]
    return _cat(tensors, 0, "vstack")


# --------------------------------------------------------------------- elementwise choice
_FALSE = _constant(np.array(False))  # a number alone, lifted against it, takes its own kind's dtype


def where(condition, input=None, other=None):
    """``input`` where ``condition`` is True, ``other`` where it is False (``torch.where``).

    ``condition`` is a bool Tensor (or bool array); ``input`` and ``other`` are Tensors or
    Python/numpy numbers; the three broadcast together. The dtype follows PyTorch's
    promotion, numbers counting as in arithmetic (``where(c, x_float32, 0)`` stays
    float32). Gradient: to ``input`` where the condition holds, to ``other`` elsewhere,
    summed over broadcast dimensions. ``where(condition)`` alone is a tuple of int64
    index tensors, one per dimension, of the True (nonzero) entries. TypeError for a
    condition that is not bool, or branches that are not Tensors or numbers; ValueError
    for shapes that do not broadcast.
    """
    if input is None and other is None:
        data = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
        return tuple(_constant(index.astype(np.int64, copy=False)) for index in np.nonzero(np.atleast_1d(data)))
    cond = condition.data if isinstance(condition, Tensor) else condition
    if not isinstance(cond, np.ndarray) or cond.dtype != np.bool_:
        got = cond.dtype if isinstance(cond, np.ndarray) else type(cond).__name__
        raise TypeError(f"where() needs a bool condition, got {got}: compare to make one, e.g. mg.where(x > 0, x, 0)")
    for name, branch in (("input", input), ("other", other)):
        if not isinstance(branch, (Tensor, *_SCALARS)):
            raise TypeError(f"where() takes a Tensor or a number as {name}, got {type(branch).__name__}")
    if not isinstance(input, Tensor):
        input = _lift(input, other if isinstance(other, Tensor) else _FALSE)
    other = _lift(other, input)
    a, b = input.data, other.data
    if a.dtype is not b.dtype:
        dtype = _result_dtype(a, b)
        a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    try:
        out = np.where(cond, a, b)
    except ValueError:
        raise ValueError(
            f"where(): shapes {cond.shape} (condition), {a.shape} (input) and {b.shape} (other) "
            "cannot be broadcast together"
        ) from None

    def backward(g):
        return (
            unbroadcast(np.where(cond, g, 0), a.shape) if input.requires_grad else None,
            unbroadcast(np.where(cond, 0, g), b.shape) if other.requires_grad else None,
        )

    return _node(out, (input, other), backward, "where")


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise larger of two tensors, broadcasting (``torch.maximum``); nan wins. Both
    are Tensors (PyTorch refuses a number there: use ``clamp(x, min=v)``). Gradient: to the
    larger; a tie gives each half. The op is ``Tensor.maximum``."""
    return _tensor(input, "maximum").maximum(_tensor(other, "maximum", "other"))


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise smaller of two tensors (``torch.minimum``); as ``maximum``, mirrored."""
    return _tensor(input, "minimum").minimum(_tensor(other, "minimum", "other"))


def _elementwise(input: Tensor, fn: str, forward, derivative) -> Tensor:
    x = _tensor(input, fn)
    a = _floating(x.data)  # integers become the default float dtype, as for exp and log

    def backward(g):
        return (g * derivative(a),)

    return _node(forward(a), (x,), backward, fn)


def sin(input: Tensor) -> Tensor:
    """sin elementwise, in radians (``torch.sin``); gradient cos(x)."""
    return _elementwise(input, "sin", np.sin, np.cos)


def cos(input: Tensor) -> Tensor:
    """cos elementwise, in radians (``torch.cos``); gradient -sin(x)."""
    return _elementwise(input, "cos", np.cos, lambda a: -np.sin(a))


def log10(input: Tensor) -> Tensor:
    """Base-10 log elementwise (``torch.log10``); gradient 1 / (x ln 10)."""
    return _elementwise(input, "log10", np.log10, lambda a: 1 / (a * math.log(10)))


def log2(input: Tensor) -> Tensor:
    """Base-2 log elementwise (``torch.log2``); gradient 1 / (x ln 2)."""
    return _elementwise(input, "log2", np.log2, lambda a: 1 / (a * math.log(2)))


def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """``input.round(decimals=...)`` (``torch.round``): see ``Tensor.round``."""
    return _tensor(input, "round").round(decimals=decimals)


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by the sign of each entry, nan for nan (``torch.sign``); same dtype as
    ``input``; its gradient is 0 everywhere, as in PyTorch."""
    x = _tensor(input, "sign")
    return _node(np.sign(x.data), (x,), lambda g: (np.zeros_like(g),), "sign")


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims, zeros above ``diagonal`` (``torch.tril``):
    ``tril(ones(T, T))`` is the usual causal mask. The gradient passes on the kept entries."""
    x, k = _tensor(input, "tril"), check_int("diagonal", diagonal)
    if x.ndim < 2:
        raise ValueError(f"tril() needs a tensor of at least 2 dims, got shape {x.shape}")
    return _node(np.tril(x.data, k), (x,), lambda g: (np.tril(g, k),), "tril")


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims, zeros below ``diagonal`` (``torch.triu``)."""
    x, k = _tensor(input, "triu"), check_int("diagonal", diagonal)
    if x.ndim < 2:
        raise ValueError(f"triu() needs a tensor of at least 2 dims, got shape {x.shape}")
    return _node(np.triu(x.data, k), (x,), lambda g: (np.triu(g, k),), "triu")


def isnan(input: Tensor) -> Tensor:
    """Which entries are nan: a bool tensor (``torch.isnan``)."""
    return _constant(np.isnan(_tensor(input, "isnan").data))


def isinf(input: Tensor) -> Tensor:
    """Which entries are +inf or -inf: a bool tensor (``torch.isinf``)."""
    return _constant(np.isinf(_tensor(input, "isinf").data))


def isfinite(input: Tensor) -> Tensor:
    """Which entries are neither inf nor nan: a bool tensor (``torch.isfinite``)."""
    return _constant(np.isfinite(_tensor(input, "isfinite").data))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether |input - other| <= atol + rtol * |other| everywhere, broadcasting
    (``torch.allclose``); a Python bool. How one compares a gradient derived by hand with
    ``backward()``'s."""
    a, b = _tensor(input, "allclose").data, _tensor(other, "allclose", "other").data
    rtol, atol = check_non_negative("rtol", rtol), check_non_negative("atol", atol)
    try:
        return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=check_bool("equal_nan", equal_nan)))
    except ValueError:
        raise ValueError(f"allclose(): shapes {a.shape} and {b.shape} cannot be broadcast together") from None


def eq(input: Tensor, other) -> Tensor:
    """``input == other``, a bool tensor (``torch.eq``)."""
    return _tensor(input, "eq").eq(other)


def ne(input: Tensor, other) -> Tensor:
    """``input != other`` (``torch.ne``)."""
    return _tensor(input, "ne").ne(other)


def lt(input: Tensor, other) -> Tensor:
    """``input < other`` (``torch.lt``)."""
    return _tensor(input, "lt").lt(other)


def le(input: Tensor, other) -> Tensor:
    """``input <= other`` (``torch.le``)."""
    return _tensor(input, "le").le(other)


def gt(input: Tensor, other) -> Tensor:
    """``input > other`` (``torch.gt``)."""
    return _tensor(input, "gt").gt(other)


def ge(input: Tensor, other) -> Tensor:
    """``input >= other`` (``torch.ge``)."""
    return _tensor(input, "ge").ge(other)


# --------------------------------------------------------------------- about tensors
def is_tensor(obj) -> bool:
    """Whether ``obj`` is a Tensor (``torch.is_tensor``)."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """Whether ``input`` holds floating-point numbers (``torch.is_floating_point``)."""
    return _tensor(input, "is_floating_point").dtype.kind == "f"


def numel(input: Tensor) -> int:
    """The number of elements of ``input`` (``torch.numel``)."""
    return _tensor(input, "numel").data.size


# --------------------------------------------------------------------- methods as functions
def tanh(input: Tensor) -> Tensor:
    """``input.tanh()`` (``torch.tanh``)."""
    return _tensor(input, "tanh").tanh()


def exp(input: Tensor) -> Tensor:
    """``input.exp()`` (``torch.exp``)."""
    return _tensor(input, "exp").exp()


def log(input: Tensor) -> Tensor:
    """``input.log()`` (``torch.log``)."""
    return _tensor(input, "log").log()


def sqrt(input: Tensor) -> Tensor:
    """``input.sqrt()`` (``torch.sqrt``)."""
    return _tensor(input, "sqrt").sqrt()


def sigmoid(input: Tensor) -> Tensor:
    """``input.sigmoid()`` (``torch.sigmoid``)."""
    return _tensor(input, "sigmoid").sigmoid()


def relu(input: Tensor) -> Tensor:
    """``input.relu()`` (``torch.relu``)."""
    return _tensor(input, "relu").relu()


def abs(input: Tensor) -> Tensor:
    """``input.abs()`` (``torch.abs``)."""
    return _tensor(input, "abs").abs()


def softmax(input: Tensor, dim: int) -> Tensor:
    """``input.softmax(dim)`` (``torch.softmax(input, dim)``)."""
    return _tensor(input, "softmax").softmax(dim)


def log_softmax(input: Tensor, dim: int) -> Tensor:
    """``input.log_softmax(dim)`` (``torch.log_softmax(input, dim)``)."""
    return _tensor(input, "log_softmax").log_softmax(dim)


def logsumexp(input: Tensor, *args, **kwargs) -> Tensor:
    """``input.logsumexp(...)`` with the same arguments (``torch.logsumexp(input, dim, keepdim=False)``)."""
    return _tensor(input, "logsumexp").logsumexp(*args, **kwargs)


def sum(input: Tensor, *args, **kwargs) -> Tensor:
    """``input.sum(...)`` with the same arguments (``torch.sum(input, dim=None, keepdim=False)``)."""
    return _tensor(input, "sum").sum(*args, **kwargs)


def mean(input: Tensor, *args, **kwargs) -> Tensor:
    """``input.mean(...)`` with the same arguments (``torch.mean(input, dim=None, keepdim=False)``)."""
    return _tensor(input, "mean").mean(*args, **kwargs)


def max(input: Tensor, *args, **kwargs):
    """``input.max(...)`` with the same arguments (``torch.max``); ``max(input, other)``
    with a Tensor ``other`` is ``maximum(input, other)``, as in PyTorch."""
    if (args and isinstance(args[0], Tensor)) or "other" in kwargs:
        return maximum(input, *args, **kwargs)
    return _tensor(input, "max").max(*args, **kwargs)


def min(input: Tensor, *args, **kwargs):
    """``input.min(...)`` with the same arguments (``torch.min``); ``min(input, other)``
    with a Tensor ``other`` is ``minimum(input, other)``, as in PyTorch."""
    if (args and isinstance(args[0], Tensor)) or "other" in kwargs:
        return minimum(input, *args, **kwargs)
    return _tensor(input, "min").min(*args, **kwargs)


def argmax(input: Tensor, *args, **kwargs) -> Tensor:
    """``input.argmax(...)`` with the same arguments (``torch.argmax(input, dim=None, keepdim=False)``)."""
    return _tensor(input, "argmax").argmax(*args, **kwargs)


def bincount(input: Tensor, weights=None, minlength: int = 0) -> Tensor:
    """``input.bincount(weights, minlength)`` (``torch.bincount``)."""
    return _tensor(input, "bincount").bincount(weights, minlength)


def unique(input: Tensor, *args, **kwargs):
    """``input.unique(...)`` with the same arguments (``torch.unique``)."""
    return _tensor(input, "unique").unique(*args, **kwargs)


def argmin(input: Tensor, *args, **kwargs) -> Tensor:
    """``input.argmin(...)`` with the same arguments (``torch.argmin(input, dim=None, keepdim=False)``)."""
    return _tensor(input, "argmin").argmin(*args, **kwargs)


def var(input: Tensor, *args, **kwargs) -> Tensor:
    """``input.var(...)`` with the same arguments (``torch.var(input, dim=None, *, correction=1, keepdim=False)``)."""
    return _tensor(input, "var").var(*args, **kwargs)


def std(input: Tensor, *args, **kwargs) -> Tensor:
    """``input.std(...)`` with the same arguments (``torch.std(input, dim=None, *, correction=1, keepdim=False)``)."""
    return _tensor(input, "std").std(*args, **kwargs)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """``input @ other`` (``torch.matmul``)."""
    return _tensor(input, "matmul") @ _tensor(other, "matmul", "other")


def pow(input, exponent):
    """``input ** exponent`` (``torch.pow``): a Tensor to a number's power, or a number to
    a Tensor's."""
    if not isinstance(input, Tensor):
        return input ** _tensor(exponent, "pow", "exponent (when input is a number)")
    return input**exponent


def clamp(input: Tensor, min=None, max=None) -> Tensor:
    """``input.clamp(min, max)``: values limited to [min, max] (``torch.clamp``)."""
    return _tensor(input, "clamp").clamp(min, max)


def reshape(input: Tensor, shape) -> Tensor:
    """``input.reshape(shape)`` (``torch.reshape``); -1 stands for the size that fits."""
    return _tensor(input, "reshape").reshape(shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """``input.flatten(start_dim, end_dim)`` (``torch.flatten``): those dimensions merged into
    one, all of them by default; a 0-d tensor becomes 1-D."""
    return _tensor(input, "flatten").flatten(start_dim, end_dim)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``input`` with dimensions ``dim0`` and ``dim1`` swapped (``torch.transpose``); it
    shares memory with ``input``."""
    return _tensor(input, "transpose").transpose(dim0, dim1)


def permute(input: Tensor, dims) -> Tensor:
    """``input`` with its dimensions in the order ``dims`` (``torch.permute``): a
    permutation of 0 .. ndim - 1 (negative dims count from the end)."""
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"permute() takes dims as a tuple or list of ints, got {dims!r}")
    return _tensor(input, "permute").permute(*dims)


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """``input.all(dim, keepdim)``: whether every entry is non-zero (``torch.all``)."""
    return _tensor(input, "all").all(dim, keepdim)


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """``input.any(dim, keepdim)``: whether some entry is non-zero (``torch.any``)."""
    return _tensor(input, "any").any(dim, keepdim)


def equal(input: Tensor, other: Tensor) -> bool:
    """Whether the two have the same shape and the same values (``torch.equal``): a Python
    bool, False for shapes that differ."""
    a, b = _tensor(input, "equal").data, _tensor(other, "equal", "other").data
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _operand(input, other, fn: str, numbers_alone: bool = True) -> Tensor:
    """``input`` of a binary function that, as PyTorch's, may be a Python or numpy number
    (``torch.add(2, x)``): it is lifted as the left operand of an operator is, so it never
    changes ``other``'s dtype. Two numbers give a 0-d tensor of the first one's own dtype (int64,
    the default float dtype or bool), where ``numbers_alone`` (as PyTorch's ``torch.add(2, 3)``);
    else they are a TypeError."""
    if not isinstance(input, _SCALARS):
        return _tensor(input, fn)
    if isinstance(other, (Tensor, np.ndarray)):
        return _lift(input, _tensor(other, fn, "other"))
    if not numbers_alone:
        kinds = f"{type(input).__name__} and {type(other).__name__}"
        raise TypeError(f"{fn}() takes a Tensor as input or as other, got {kinds}")
    return _lift(input, _FALSE)


def add(input, other, *, alpha=1) -> Tensor:
    """``input + alpha * other`` (``torch.add``); see ``Tensor.add``. Either may be a number
    (``mg.add(2, x)``, as PyTorch: the number keeps x's dtype)."""
    return _operand(input, other, "add").add(other, alpha=alpha)


def sub(input, other, *, alpha=1) -> Tensor:
    """``input - alpha * other`` (``torch.sub``); see ``Tensor.sub``. Either may be a number."""
    return _operand(input, other, "sub").sub(other, alpha=alpha)


def mul(input, other) -> Tensor:
    """``input * other`` (``torch.mul``). Either may be a number."""
    return _operand(input, other, "mul") * other


def div(input, other, *, rounding_mode=None) -> Tensor:
    """``input / other`` (``torch.div``), or rounded with ``rounding_mode`` 'floor' or
    'trunc'; see ``Tensor.div``. Either may be a number (``mg.div(1, x)``: the reciprocal)."""
    return _operand(input, other, "div").div(other, rounding_mode=rounding_mode)


def floor_divide(input, other) -> Tensor:
    """``input // other``, rounded down (``torch.floor_divide``); see ``Tensor.div``. Either
    may be a number."""
    return _operand(input, other, "floor_divide").floor_divide(other)


def remainder(input, other) -> Tensor:
    """``input % other``, of the sign of ``other`` (``torch.remainder``); see
    ``Tensor.remainder``. Either may be a number, not both (TypeError, as in PyTorch)."""
    return _operand(input, other, "remainder", numbers_alone=False).remainder(other)


def fmod(input: Tensor, other) -> Tensor:
    """C's remainder, of the sign of ``input`` (``torch.fmod``); see ``Tensor.fmod``.
    ``input`` is a Tensor (PyTorch's fmod takes no number there), ``other`` a Tensor or a number."""
    return _tensor(input, "fmod").fmod(other)


def neg(input: Tensor) -> Tensor:
    """``-input`` (``torch.neg``)."""
    return -_tensor(input, "neg")


def square(input: Tensor) -> Tensor:
    """``input * input`` (``torch.square``)."""
    x = _tensor(input, "square")
    return x * x


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two 2-D tensors (``torch.mm``); other shapes are a ValueError (use ``matmul``)."""
    a, b = _tensor(input, "mm"), _tensor(mat2, "mm", "mat2")
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"mm() multiplies 2-D tensors, got shapes {a.shape} and {b.shape}: use matmul for others")
    return a @ b


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """``tensor.split(split_size_or_sections, dim)`` (``torch.split``)."""
    return _tensor(tensor, "split", "tensor").split(split_size_or_sections, dim)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """``input.chunk(chunks, dim)`` (``torch.chunk``)."""
    return _tensor(input, "chunk").chunk(chunks, dim)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """``input.sort(dim, descending)``: ``(values, indices)`` (``torch.sort``)."""
    return _tensor(input, "sort").sort(dim, descending, stable)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    """``input.argsort(dim, descending)`` (``torch.argsort``)."""
    return _tensor(input, "argsort").argsort(dim, descending, stable=stable)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """``input.topk(k, dim, largest)``: ``(values, indices)`` (``torch.topk``)."""
    return _tensor(input, "topk").topk(k, dim, largest, sorted)


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False) -> Tensor:
    """``input.norm(p, dim, keepdim)`` (``torch.norm``)."""
    return _tensor(input, "norm").norm(p, dim, keepdim)


def squeeze(input: Tensor, *args, **kwargs) -> Tensor:
    """``input.squeeze(...)`` with the same arguments (``torch.squeeze(input, dim=None)``)."""
    return _tensor(input, "squeeze").squeeze(*args, **kwargs)


def unsqueeze(input: Tensor, *args, **kwargs) -> Tensor:
    """``input.unsqueeze(dim)`` (``torch.unsqueeze(input, dim)``)."""
    return _tensor(input, "unsqueeze").unsqueeze(*args, **kwargs)


def _where_method(self: Tensor, condition, other) -> Tensor:
    """``x.where(condition, y)``: ``where(condition, x, y)`` (``Tensor.where``)."""
    return where(condition, self, other)


# PyTorch has these functions as Tensor methods too (x.sin() is torch.sin(x)): the method is the
# function, attached to the class here, beside it
for _name in ("sin", "cos", "log10", "log2", "sign", "tril", "triu", "isnan", "isinf", "isfinite", "allclose",
              "equal", "square", "mm", "is_floating_point"):  # fmt: skip
    setattr(Tensor, _name, globals()[_name])
Tensor.where = _where_method
del _name

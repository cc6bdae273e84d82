"""The autograd engine: a Tensor that remembers how it was made, and ``backward()``.

Every op below computes its result with numpy and, right beside it, a ``backward(g)``
closure that turns the gradient of the result ``g`` into one gradient per input (the
chain rule, one op at a time). ``Tensor.backward`` walks the recorded graph from the
output to the leaves in topological order, without recursion, and hands each
closure the gradient it needs.

Read it top to bottom: dtype and grad-mode switches, the un-broadcasting helper, the
Tensor with its ops (arithmetic, in-place changes, comparisons, elementwise, reductions,
shape, softmax family, dtype casts), then backward. Functions that make tensors live in
``creation.py``; ops on several tensors (``cat``, ``where``...) in ``functions.py``.

The Tensor speaks numpy and PyTorch: reductions take ``axis``/``keepdims`` or ``dim``/
``keepdim``, and the methods a PyTorch program calls (``view``, ``permute``, ``max(dim)``,
``var``, ``float()``, ``x[mask] = 0``...) behave as PyTorch's, gradients included.
"""

from __future__ import annotations

import functools
import math
from collections import namedtuple

import numpy as np

from .checks import check_alias, check_bool, check_int, check_number
from .device import check_device, device, to_arguments

__all__ = [
    "Tensor",
    "no_grad",
    "enable_grad",
    "inference_mode",
    "set_grad_enabled",
    "is_grad_enabled",
    "set_default_dtype",
    "get_default_dtype",
    "unbroadcast",
]

_default_dtype = np.dtype(np.float32)
_CPU = device("cpu")
_grad_enabled = True
# How many in-place changes there have been, anywhere. A graph recorded since the last one
# cannot hold stale values, so backward() checks a node's inputs only if this moved on.
_changes = 0


def set_default_dtype(dtype) -> None:
    """Set the dtype that lists and Python numbers become (float32 or float64)."""
    global _default_dtype
    dt = _check_dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise ValueError(f"the default dtype must be float32 or float64, got {dt}")
    _default_dtype = dt


def get_default_dtype() -> np.dtype:
    """The dtype that lists and Python numbers become (float32 unless changed)."""
    return _default_dtype


def is_grad_enabled() -> bool:
    """Whether ops are being recorded for ``backward()`` (``torch.is_grad_enabled``)."""
    return _grad_enabled


class _GradMode:
    """A switch of grad mode, usable as ``with ...:`` and as a function decorator, with or
    without parentheses (``@mg.no_grad`` and ``@mg.no_grad()``, as PyTorch allows)."""

    _mode = False

    def __new__(cls, fn=None):
        self = super().__new__(cls)
        return self if fn is None else self(fn)

    def __enter__(self):
        global _grad_enabled
        self._previous = _grad_enabled
        if self._mode is not None:  # None: leave the mode as it is
            _grad_enabled = self._mode

    def __exit__(self, *exc_info):
        global _grad_enabled
        _grad_enabled = self._previous

    def __call__(self, fn):
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            global _grad_enabled
            previous = _grad_enabled  # per call, as calls may nest
            if mode is not None:
                _grad_enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                _grad_enabled = previous

        return wrapper


class no_grad(_GradMode):
    """Context manager or decorator in which ops record no graph: for evaluation and for
    optimizer updates, where gradients are not wanted and memory is saved (``torch.no_grad``)."""


class enable_grad(_GradMode):
    """Context manager or decorator that records graphs again inside a ``no_grad`` block
    (``torch.enable_grad``)."""

    _mode = True


class inference_mode(_GradMode):
    """``torch.inference_mode``: here the same as ``no_grad`` (with ``mode=False``, nothing
    changes), as a context manager or decorator."""

    def __new__(cls, mode=True):
        if callable(mode):  # @mg.inference_mode without parentheses
            return no_grad(mode)
        self = object.__new__(cls)
        self._mode = False if check_bool("mode", mode) else None  # inference_mode(False) changes nothing
        return self

    def __init__(self, mode=True):
        pass


class set_grad_enabled(_GradMode):
    """Turn grad mode on (True) or off (False) now, as a function call; used as ``with
    mg.set_grad_enabled(mode):`` or as a decorator, the previous mode comes back at the end
    (``torch.set_grad_enabled``). ``mode`` must be a bool (TypeError otherwise)."""

    def __new__(cls, mode: bool):
        return object.__new__(cls)

    def __init__(self, mode: bool):
        global _grad_enabled
        self._mode = check_bool("mode", mode)
        self._previous = _grad_enabled
        _grad_enabled = self._mode

    def __enter__(self):
        pass  # the mode was set when this was made; __exit__ restores the one before

    def __call__(self, fn):
        global _grad_enabled
        _grad_enabled = self._previous  # as a decorator it changes the mode only inside fn
        return super().__call__(fn)


def _matmul_2d(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for 2-D arrays. Where the inner size is 1 (the weight gradient of a batch of
    one, x.T @ g) it is an outer product, which numpy's matmul computes about 4x slower than
    a broadcast multiply; each element is the one product a[i, 0] * b[0, j] either way, so
    the numbers are the same."""
    if a.shape[1] == 1:
        return a * b
    return a @ b


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: the backward of numpy broadcasting.

    Broadcasting copies an input along new leading axes and along axes of length 1;
    each copy received its own gradient, so the input's gradient is their sum.
    """
    if grad.shape == shape:
        return grad
    # np.add.reduce is grad.sum() without numpy's Python-level wrapper: this runs for every
    # broadcast operand, and the wrapper costs 1-2 us on small arrays
    extra = grad.ndim - len(shape)
    if extra:
        grad = np.add.reduce(grad, axis=tuple(range(extra)))
        if grad.shape == shape:  # e.g. a bias added to every row of a batch
            return grad
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = np.add.reduce(grad, axis=stretched, keepdims=True)
    return grad


def _node(data, parents, backward, op):
    """Wrap an op's result; record its parents and backward only if a gradient can flow."""
    out = Tensor.__new__(Tensor)
    # numpy returns a scalar, not a 0-d array, from full reductions and 1-D dot products
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    out.grad = None
    out._op = op
    out._versions = [0, 0]
    out._recorded_at = _changes
    if _grad_enabled:
        for parent in parents:
            if parent.requires_grad:
                out.requires_grad = True
                out._parents = parents
                out._backward = backward
                return out
    out.requires_grad = False
    out._parents = ()
    out._backward = None
    return out


def _constant(array):
    return _node(array, (), None, "")


_SCALARS = (int, float, np.number, np.bool_)
# numpy's ufunc for each binary operator: the Tensor's method when the Tensor is on the left,
# and on the right (the reflected operator; a comparison turns around)
_OPERATORS = {
    np.add: ("__add__", "__radd__"), np.subtract: ("__sub__", "__rsub__"),
    np.multiply: ("__mul__", "__rmul__"), np.true_divide: ("__truediv__", "__rtruediv__"),
    np.matmul: ("__matmul__", "__rmatmul__"), np.power: ("__pow__", "__rpow__"),
    np.less: ("__lt__", "__gt__"), np.less_equal: ("__le__", "__ge__"),
    np.greater: ("__gt__", "__lt__"), np.greater_equal: ("__ge__", "__le__"),
    np.equal: ("__eq__", "__eq__"), np.not_equal: ("__ne__", "__ne__"),
    np.bitwise_and: ("__and__", "__rand__"), np.bitwise_or: ("__or__", "__ror__"),
    np.bitwise_xor: ("__xor__", "__rxor__"),
    np.remainder: ("__mod__", "__rmod__"), np.floor_divide: ("__floordiv__", "__rfloordiv__"),
}  # fmt: skip
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < floating point, PyTorch's order


def _lift(x, like: Tensor) -> Tensor:
    """Make an operand a Tensor. A Python or numpy scalar takes ``like``'s dtype when that is
    of its category or higher (so neither changes the dtype of a float32 model, although
    numpy 2 would let a numpy float64 scalar promote it); a float scalar meeting an integer
    tensor becomes the default float dtype, an int meeting a bool tensor int64 (PyTorch's
    rule for "wrapped numbers")."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, _SCALARS):
        dtype = like.data.dtype
        kind = "b" if isinstance(x, (bool, np.bool_)) else "f" if isinstance(x, (float, np.floating)) else "i"
        if _CATEGORY[kind] > _CATEGORY[dtype.kind]:
            dtype = _default_dtype if kind == "f" else np.dtype(np.int64)
        try:
            return _constant(np.asarray(x, dtype=dtype))
        except OverflowError:  # uint8 tensor + -1: the integer wraps around, as in PyTorch
            return _constant(np.asarray(x).astype(dtype))
    return Tensor(x)


class IntegerDivisionError(ZeroDivisionError, RuntimeError):
    """An integer division (or remainder) by 0: Python's error, and a RuntimeError as PyTorch's
    ("ZeroDivisionError"), so either ``except`` catches it."""


_OP_NAMES = {"%": "remainder", "//": "div", "floor_divide": "div"}  # grad_fn names: // is div's floor


def _trunc_quotient(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "f":
        return np.trunc(a / b)
    out = np.floor_divide(a, b)
    return out + ((out * b != a) & ((a < 0) != (b < 0)))  # one up where floor went below 0 with a remainder


def _python_remainder(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a % b of the sign of b, as PyTorch computes it: C's fmod, plus b where the signs differ
    (numpy's remainder differs in the sign of a zero result)."""
    mod = np.fmod(a, b)
    return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)


# PyTorch computes these powers with dedicated kernels; the same formulas give the same
# rounding, and the same edges (-inf ** 0.5 is nan through sqrt, where pow gives inf)
_SPECIAL_POWERS = {
    0.5: np.sqrt,
    -0.5: lambda a: 1 / np.sqrt(a),
    -1: lambda a: 1 / a,
    3: lambda a: a * a * a,
    -2: lambda a: 1 / (a * a),
}


def _select(g: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """g where ``keep``, else 0: the backward of relu and clip. A product g * keep is several
    times faster than np.where on data of mixed signs, and the same unless g holds inf or nan
    (inf * 0 is nan, where PyTorch gives 0)."""
    if np.logical_and.reduce(np.isfinite(g), axis=None):  # .all() without its Python wrapper
        return g * keep
    return np.where(keep, g, 0)


def _power(a: np.ndarray, p):
    """a ** p for a Python number p, with PyTorch's special cases for floating-point a."""
    special = _SPECIAL_POWERS.get(p) if a.dtype.kind == "f" else None
    return a**p if special is None else special(a)


def _promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """PyTorch's promoteTypes: the higher category wins outright (int64 with float32 is
    float32, where numpy says float64); within a category, numpy's rule (the wider type)."""
    if _CATEGORY[a.kind] != _CATEGORY[b.kind]:
        return a if _CATEGORY[a.kind] > _CATEGORY[b.kind] else b
    return np.promote_types(a, b)


def _result_dtype(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """The dtype of a binary op's result, by PyTorch's rule: operands with dimensions decide,
    unless a 0-d operand is of a higher category (float32 x with a 0-d float64 stays
    float32; an int64 x with a 0-d float64 becomes float64). Scalars arrive here as 0-d
    arrays already given their dtype by ``_lift``."""
    if (a.ndim == 0) == (b.ndim == 0):
        return _promote_types(a.dtype, b.dtype)
    dims, zero = (b.dtype, a.dtype) if a.ndim == 0 else (a.dtype, b.dtype)
    if dims.kind == "f" or (dims.kind != "b" and zero.kind != "f"):
        return dims
    return _promote_types(dims, zero)


def _common(a: np.ndarray, b: np.ndarray, true_division: bool = False):
    """Both operands cast to the result dtype, so the op computes in the dtype PyTorch
    would (numpy would compute int64 * 0.1 in float64). True division of integers gives
    the default float dtype."""
    dtype = _result_dtype(a, b) if a.dtype is not b.dtype else a.dtype
    if true_division and dtype.kind != "f":
        dtype = _default_dtype
    return a.astype(dtype, copy=False), b.astype(dtype, copy=False)


def _floating(a: np.ndarray) -> np.ndarray:
    """Input of an op whose result is real-valued (exp, log, softmax...): integers and bools
    become the default float dtype, as in PyTorch (numpy would give float64)."""
    return a if a.dtype.kind == "f" else a.astype(_default_dtype)


def _normalize_axis(axis, ndim: int):
    """Axis argument of a reduction as a tuple of non-negative ints (None: all axes). A 0-d
    tensor accepts axis 0 or -1 and has nothing to reduce, as in PyTorch."""
    if axis is None:
        return tuple(range(ndim))
    if ndim == 0 and axis in (0, -1, (0,), (-1,)):
        return ()
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, checked cheaply
        return (axis % ndim,)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else axis
    if not isinstance(axes, (tuple, list)) or not all(
        isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_)) for a in axes
    ):
        raise TypeError(f"axis must be an int or a tuple of ints, got {axis!r}")
    normalized = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
        normalized.append(int(a) % ndim)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"axis {axis!r} repeats an axis")
    return tuple(normalized)


def _expand_reduced(g, axes, shape):
    """Give a reduction's gradient back its reduced axes (as length 1), ready to broadcast
    against an array of ``shape``."""
    return g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _filled(shape, dtype, values):
    """A new array of ``shape`` holding ``values`` broadcast. (np.empty plus assignment is
    several times faster on small arrays than np.broadcast_to(...).copy() or np.*_like.)"""
    out = np.empty(shape, dtype)
    out[...] = values
    return out


def _times(other, alpha, like):
    """alpha * other, the operand of add_ and sub_ (other itself when alpha is 1)."""
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, _SCALARS):
        raise TypeError(f"alpha must be a number, got {alpha!r}")
    return other if alpha == 1 else _lift(other, like) * alpha


def _fill(x, value):
    """The op of fill_: a tensor shaped and typed like x, every element ``value`` (a 0-d Tensor).
    The gradient of x is 0, that of value the sum of the gradient."""
    out = _filled(x.data.shape, x.data.dtype, value.data)  # assignment casts, and truncates into integers

    def backward(g):
        return (
            np.zeros(out.shape, out.dtype) if x.requires_grad else None,  # as PyTorch: a gradient of zeros
            np.array(np.add.reduce(g, axis=None)) if value.requires_grad else None,
        )

    return _node(out, (x, value), backward, "fill")


def _assign(array, index, values, name):
    """array[index] = values, with errors that say what went wrong in minigrad's terms."""
    try:
        array[index] = values
    except IndexError as error:
        raise IndexError(f"{error} (in '{name}' on a tensor of shape {array.shape})") from None
    except ValueError:
        extra = np.ndim(values) - array[index].ndim
        if extra > 0 and np.shape(values)[:extra] == (1,) * extra:  # PyTorch drops a value's leading 1s
            return _assign(array, index, np.reshape(values, np.shape(values)[extra:]), name)
        if not array.flags.writeable:
            raise RuntimeError(
                f"'{name}' would write into a tensor made by expand(), whose elements share memory (writing "
                "one would change several): clone() it first, or write into the tensor that was expanded"
            ) from None
        raise ValueError(
            f"'{name}' cannot broadcast a value of shape {np.shape(values)} to the shape {array[index].shape} "
            "of the entries it writes"
        ) from None


def _compared(result, name, other):
    """A comparison's result from the method form (x.eq(y)), where an operand that is not
    comparable is a TypeError rather than Python's fallback to identity."""
    if result is NotImplemented:
        raise TypeError(f"{name}() compares with a Tensor, an array or a number, got {type(other).__name__}")
    return result


def _spelled(axis, keepdims, dim, keepdim, default_axis=None):
    """A reduction's axis and keepdims from numpy's spelling (axis, keepdims) or PyTorch's (dim,
    keepdim). An argument left at its default (None, False, ``default_axis``) counts as not
    given; one argument given in both spellings is a TypeError."""
    for name, flag in (("keepdim", keepdim), ("keepdims", keepdims)):
        if flag is not None:
            check_bool(name, flag)
    numpy_axis = None if axis is None or (default_axis is not None and axis == default_axis) else axis
    axis = check_alias("dim", dim, "axis", numpy_axis, default_axis)
    return axis, bool(check_alias("keepdim", keepdim or None, "keepdims", keepdims or None, False))


def _one_dim(name: str, dim, ndim: int) -> int:
    """A single dimension (an int, maybe negative) as a non-negative int, for the methods that
    take exactly one; ``ndim`` is how many positions it can name."""
    if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{name}'s dim must be an int, got {dim!r}")
    if not -ndim <= dim < ndim:
        raise ValueError(f"{name}'s dim must be in [{-ndim}, {ndim - 1}] here, got {dim}")
    return int(dim) % ndim


# What max(dim) and min(dim) return, as PyTorch's torch.return_types.max/min: a named tuple
# of values and int64 indices, unpacked as `values, indices = x.max(1)`.
_Max = namedtuple("max", ["values", "indices"])
_Min = namedtuple("min", ["values", "indices"])
_Sort = namedtuple("sort", ["values", "indices"])
_Topk = namedtuple("topk", ["values", "indices"])


class _GradFn:
    """What ``Tensor.grad_fn`` gives: the name of the op that made a tensor."""

    __slots__ = ("op",)

    def __init__(self, op: str):
        self.op = op

    def name(self) -> str:
        return f"{self.op[:1].upper()}{self.op[1:]}Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class _Size(int):
    """A tensor's number of elements (numpy's ``.size``), which can also be called as PyTorch's
    ``size()``: ``x.size()`` is the shape, ``x.size(d)`` the length of dimension d."""

    def __call__(self, dim=None):
        if dim is None:
            return self.shape
        return self.shape[_one_dim("size", dim, len(self.shape))]


def _broadcast_error(symbol, a, b):
    return ValueError(
        f"shapes {a.shape} and {b.shape} cannot be broadcast together for '{symbol}': "
        "each trailing dimension must be equal or 1"
    )


class Tensor:
    """An n-dimensional array that records the ops applied to it, for ``backward()``.

    ``Tensor(data, requires_grad=False, dtype=None)``: ``data`` is a number, a (nested)
    list or a numpy array; lists and numbers become the default dtype (float32), a float
    array keeps its dtype. PyTorch: ``torch.Tensor``; ``mg.tensor`` infers the dtype as
    ``torch.tensor`` does.

    The operators ``+ - * / @ **`` (with numpy's broadcasting), the comparisons, indexing
    ``x[i]`` and the methods below each record their op, so that ``loss.backward()`` can
    send the gradient back to every tensor with ``requires_grad``.

    Attributes:
        data: the values, a numpy array (the array itself, not a copy).
        grad: the gradient that ``backward()`` accumulated, a numpy array of ``data``'s shape
            and dtype, or None before the first ``backward()`` (and after ``zero_grad()``).
        requires_grad: whether ``backward()`` computes a gradient for this tensor.
        shape: the shape, a tuple of ints (PyTorch: ``x.shape``, ``x.size()``).
        ndim: the number of dimensions (PyTorch: ``x.ndim``, ``x.dim()``).
        dtype: the numpy dtype of the elements (``mg.float32``, ``mg.int64``, ...).
        T: all dimensions reversed, a view (numpy's ``.T``).
    """

    # _versions: [count of in-place changes of this memory, value of _changes after the latest],
    # one list shared by every tensor that views the same memory (reshape, transpose, basic
    # indexing, detach), so a change through any of them counts for all; _recorded_at: the
    # value of _changes when the op was recorded (backward refuses an input changed since);
    # _base: the tensor whose memory a view shares (unset otherwise)
    __slots__ = (
        "data", "grad", "requires_grad", "_parents", "_backward", "_op", "_versions", "_recorded_at", "_base"
    )
    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        """numpy meeting a Tensor in an operator. ``ndarray + Tensor`` and ``np.float64(2) *
        Tensor`` go to the Tensor's operators, so the result is a Tensor in the graph (numpy
        would make an object array). ``array += tensor`` writes the tensor's values into the
        array: PyTorch's ``p.data += -lr * p.grad`` with a 0-d tensor ``lr``, where ``p.data``
        is an array here. Other numpy functions on Tensors are refused (TypeError)."""
        if method != "__call__" or kwargs or len(inputs) != 2:
            return NotImplemented
        if out is not None:
            if any(isinstance(o, Tensor) for o in out):
                return NotImplemented
            return ufunc(*(x.data if isinstance(x, Tensor) else x for x in inputs), out=out)
        names = _OPERATORS.get(ufunc)
        if names is None:
            return NotImplemented
        left, right = inputs
        return getattr(self, names[0])(right) if left is self else getattr(self, names[1])(left)

    def __init__(self, data, requires_grad: bool = False, dtype=None):
        if dtype is not None:
            dtype = _check_dtype(dtype)
        if isinstance(data, Tensor):
            array = np.array(data.data, dtype=dtype)
        elif isinstance(data, (np.ndarray, np.generic)):
            array = np.array(data, dtype=dtype)
        elif isinstance(data, (list, tuple, int, float)):
            array = _array_from_python(data, dtype or _default_dtype)
        else:
            raise TypeError(
                f"cannot make a Tensor from {type(data).__name__}: "
                "pass a numpy array, a nested list of numbers, a number or a Tensor"
            )
        if array.dtype.kind not in "biuf":
            raise TypeError(f"Tensor data must be numbers, got an array of dtype {array.dtype}")
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require grad, this one is {array.dtype}; "
                "pass dtype=np.float32 (or float64)"
            )
        self.data = array
        self.grad = None
        if requires_grad is not False and requires_grad is not True and isinstance(requires_grad, int):
            raise TypeError(
                f"Tensor(data, requires_grad): requires_grad must be True or False, got {requires_grad!r}. "
                f"For a tensor of a given shape write mg.zeros({data!r}, {requires_grad!r}) or mg.empty(...)"
            )
        self.requires_grad = check_bool("requires_grad", requires_grad)
        self._parents = ()
        self._backward = None
        self._op = ""
        self._versions = [0, 0]
        self._recorded_at = _changes

    # ----------------------------------------------------------------- attributes
    shape = property(lambda self: self.data.shape, doc="The shape, a tuple of ints (PyTorch: x.shape, x.size()).")
    ndim = property(lambda self: self.data.ndim, doc="The number of dimensions (PyTorch: x.ndim, x.dim()).")
    dtype = property(lambda self: self.data.dtype, doc="The numpy dtype of the elements (mg.float32, mg.int64...).")
    T = property(lambda self: self.transpose(), doc="All dimensions reversed, a view (numpy's .T).")

    @property
    def size(self) -> _Size:
        """The number of elements, an int (numpy's ``.size``), which can also be called as in
        PyTorch: ``x.size()`` is the shape, ``x.size(d)`` the length of dimension d."""
        n = _Size(self.data.size)
        n.shape = self.data.shape
        return n

    def numel(self) -> int:
        """The number of elements (PyTorch's ``numel()`` and ``nelement()``)."""
        return self.data.size

    nelement = numel

    def dim(self) -> int:
        """The number of dimensions, ``.ndim`` (PyTorch's ``dim()``)."""
        return self.data.ndim

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __array__(self, dtype=None, copy=None):
        return np.array(self.data, dtype=dtype, copy=copy)

    def item(self):
        """The value of a one-element tensor as a Python number (``Tensor.item``); ValueError
        for any other size."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element tensor, this one has shape {self.shape}")
        return self.data.item()

    def tolist(self):
        """The values as nested Python lists of Python numbers (a number for a 0-d tensor)."""
        return self.data.tolist()

    def __float__(self):
        return float(self.item())

    def __format__(self, spec):
        """``f"{loss:.4f}"`` formats a 0-d tensor's value, as PyTorch does; other tensors (or an
        empty spec on any tensor but a 0-d one) format as their repr."""
        if self.data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __int__(self):
        return int(self.item())

    def __index__(self):
        """A one-element integer tensor used where Python wants an int (``xs[t]``, ``range(t)``)."""
        if self.data.size != 1 or self.data.dtype.kind not in "biu":
            raise TypeError(
                f"only integer tensors of a single element can be converted to an index, "
                f"this one has shape {self.shape} and dtype {self.dtype}"
            )
        return int(self.data.item())

    def __bool__(self):
        """The truth of a one-element tensor (``if (x > 0).all():``); more elements are ambiguous,
        as in PyTorch, where numpy would also refuse."""
        if self.data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {'no values' if self.data.size == 0 else 'more than one value'} "
                f"is ambiguous (shape {self.shape}): reduce it first, e.g. with (x > 0).all() or .any()"
            )
        return bool(self.data.item())

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    @property
    def _version(self) -> int:
        """How many times this tensor's memory has been changed in place (PyTorch's version
        counter): optimizer steps, initialisers and ``x += y`` bump it."""
        return self._versions[0]

    @_version.setter
    def _version(self, value: int) -> None:
        global _changes
        _changes += 1
        self._versions[0] = value
        self._versions[1] = _changes

    def _view_of(self, out: Tensor) -> Tensor:
        """Mark ``out`` as sharing this tensor's memory: one version counter for both."""
        if out.data.base is not None or out.data is self.data:  # numpy made a view, not a copy
            out._versions = self._versions
            out._base = getattr(self, "_base", self)
        return out

    def detach(self) -> Tensor:
        """The same data, cut off from the graph: no gradient flows through it. It shares
        the memory, and so the version counter, as in PyTorch."""
        return self._view_of(_constant(self.data))

    @property
    def grad_fn(self):
        """None for a leaf; otherwise what made this tensor, printed as ``<MulBackward>``
        (``Tensor.grad_fn``), for printing and ``is None`` checks. Its ``name()`` is the op's
        name; minigrad's backward rules are closures inside the ops, not objects to call."""
        return None if self._backward is None else _GradFn(self._op)

    @property
    def is_leaf(self) -> bool:
        """True unless an op recorded for ``backward()`` made this tensor (``Tensor.is_leaf``):
        only leaves that require grad get a ``.grad`` (see ``retain_grad`` for the others)."""
        return self._backward is None

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` after ``backward()``, accumulated
        like a leaf's (``Tensor.retain_grad``): how one checks a gradient derived by hand
        for an intermediate result. On a leaf it does nothing; on a tensor that does not
        require grad it is a RuntimeError, as in PyTorch."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad: it has no gradient to keep")
        inner = self._backward
        if inner is None or getattr(inner, "retains", False):
            return

        def backward(g):  # the op's own backward, after noting the gradient that reached it
            g = np.array(g, dtype=self.data.dtype)  # a copy: g may be handed on to the parents
            self.grad = g if self.grad is None else self.grad + g
            return inner(g)

        backward.retains = True
        self._backward = backward

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        # as PyTorch: the dtype is shown unless it is the one a list of such numbers would get
        shown = self.data.dtype != _default_dtype and self.data.dtype not in (np.int64, np.bool_)
        extras = f", dtype={self.data.dtype}" if shown else ""
        if self._backward is not None:
            extras += f", grad_fn=<{self._op}>"
        elif self.requires_grad:
            extras += ", requires_grad=True"
        return f"tensor({body}{extras})"

    # ----------------------------------------------------------------- arithmetic
    def __add__(self, other):
        other = _lift(other, self)
        a, b = self.data, other.data
        if a.dtype is not b.dtype:
            a, b = _common(a, b)
        try:
            out = a + b
        except ValueError:
            raise _broadcast_error("+", a, b) from None

        def backward(g):
            return (
                unbroadcast(g, a.shape) if self.requires_grad else None,
                unbroadcast(g, b.shape) if other.requires_grad else None,
            )

        return _node(out, (self, other), backward, "add")

    def __sub__(self, other):
        other = _lift(other, self)
        a, b = self.data, other.data
        if a.dtype is not b.dtype:
            a, b = _common(a, b)
        try:
            out = a - b
        except ValueError:
            raise _broadcast_error("-", a, b) from None

        def backward(g):
            return (
                unbroadcast(g, a.shape) if self.requires_grad else None,
                unbroadcast(-g, b.shape) if other.requires_grad else None,
            )

        return _node(out, (self, other), backward, "sub")

    def __mul__(self, other):
        other = _lift(other, self)
        a, b = self.data, other.data
        if a.dtype is not b.dtype:
            a, b = _common(a, b)
        try:
            out = a * b
        except ValueError:
            raise _broadcast_error("*", a, b) from None

        def backward(g):
            return (
                unbroadcast(g * b, a.shape) if self.requires_grad else None,
                unbroadcast(g * a, b.shape) if other.requires_grad else None,
            )

        return _node(out, (self, other), backward, "mul")

    def __truediv__(self, other):
        if isinstance(other, (int, np.integer)) and self.data.dtype.kind != "f":
            other = float(other)  # integer / integer is true division, in the default float dtype
        other = _lift(other, self)
        a, b = self.data, other.data
        if a.dtype is not b.dtype or a.dtype.kind != "f":
            a, b = _common(a, b, true_division=True)
        try:
            out = a / b
        except ValueError:
            raise _broadcast_error("/", a, b) from None

        def backward(g):
            return (
                unbroadcast(g / b, a.shape) if self.requires_grad else None,
                unbroadcast(-g * (out / b), b.shape) if other.requires_grad else None,
            )

        return _node(out, (self, other), backward, "div")

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor) or (isinstance(exponent, np.ndarray) and exponent.ndim > 0):
            return self._pow_tensor(exponent)
        if not (isinstance(exponent, _SCALARS) or isinstance(exponent, np.ndarray)):
            raise TypeError(f"** takes a number or a Tensor as the exponent, got {type(exponent).__name__}")
        a = self.data
        dtype = a.dtype
        if dtype.kind != "f" or isinstance(exponent, np.ndarray):  # a float tensor ** a number keeps its dtype
            e = exponent if isinstance(exponent, np.ndarray) else _lift(exponent, self).data
            dtype = _result_dtype(a, e)
            a = a.astype(dtype, copy=False)
        # a Python number as the exponent never promotes a; an int keeps numpy's integer powers
        p = int(exponent) if float(exponent).is_integer() else float(exponent)
        if dtype.kind != "f" and p < 0:
            raise ValueError(f"an integer tensor cannot be raised to the negative power {p}: make it float first")
        out = _power(a, p)
        if out.dtype != dtype:  # numpy's bool ** int is int8
            out = out.astype(dtype)

        def backward(g):
            if p == 0:  # x**0 is constant; a**-1 would turn a zero base into nan
                return (np.zeros(a.shape, a.dtype),)
            return (g * (p * _power(a, p - 1)),)  # grouped as PyTorch does, for the same rounding

        return _node(out, (self,), backward, "pow")

    def _pow_tensor(self, exponent):
        """self ** exponent elementwise, both broadcast; PyTorch's gradients, edges included: the
        base's is 0 where the exponent is 0, the exponent's is 0 where the base is 0 and the
        exponent >= 0 (elsewhere result * log(base), nan for a negative base)."""
        exponent = _lift(exponent, self)
        a, b = self.data, exponent.data
        if a.dtype is not b.dtype:
            a, b = _common(a, b)
        if a.dtype.kind != "f" and np.any(b < 0):
            raise ValueError("an integer tensor cannot be raised to negative powers: make it float first")
        try:
            with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 is inf, (-1) ** 0.5 nan, as in PyTorch
                out = np.power(a, b)
        except ValueError:
            raise _broadcast_error("**", a, b) from None
        if out.dtype != a.dtype:  # numpy's bool ** bool is int8
            out = out.astype(a.dtype)

        def backward(g):
            with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 and log(0) are the edges above
                ga = gb = None
                if self.requires_grad:
                    ga = unbroadcast(np.where(b == 0, 0, g * (b * np.power(a, b - 1))), a.shape)
                if exponent.requires_grad:
                    gb = unbroadcast(g * np.where((a == 0) & (b >= 0), 0, out * np.log(a)), b.shape)
            return ga, gb

        return _node(out, (self, exponent), backward, "pow")

    def pow(self, exponent):
        """``self ** exponent``: a number, or a Tensor (or array) broadcast against self, whose
        gradient is then computed too (PyTorch's ``pow``)."""
        return self**exponent

    def __rpow__(self, base):
        if isinstance(base, np.ndarray):
            return _lift(base, self)._pow_tensor(self)
        if not isinstance(base, _SCALARS):
            raise TypeError(f"in base ** tensor the base must be a number or an array, got {type(base).__name__}")
        b, x = _common(_lift(base, self).data, self.data)
        out = np.power(b, x)

        def backward(g):
            if b == 0:  # d(0**x)/dx: 0 where 0**x is 0 or 1 (x >= 0), as PyTorch defines it
                with np.errstate(invalid="ignore"):
                    return (np.where(x >= 0, 0, g * out * -np.inf).astype(out.dtype, copy=False),)
            return (g * out * np.log(b),)

        return _node(out, (self,), backward, "rpow")

    def __neg__(self):
        def backward(g):
            return (-g,)

        return _node(-self.data, (self,), backward, "neg")

    def matmul(self, other):
        """``self @ other`` (``Tensor.matmul``)."""
        return self @ other

    def __matmul__(self, other):
        other = _lift(other, self)
        a, b = self.data, other.data
        if a.dtype is not b.dtype:
            a, b = _common(a, b)
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"@ needs tensors of at least 1 dimension, got shapes {a.shape} and {b.shape}")
        k_left, k_right = a.shape[-1], b.shape[-2 if b.ndim > 1 else 0]
        if k_left != k_right:
            raise ValueError(
                f"shapes {a.shape} and {b.shape} cannot be multiplied with '@': "
                f"the last dimension of the left ({k_left}) must equal the "
                f"{'second-to-last' if b.ndim > 1 else 'only'} dimension of the right ({k_right})"
            )
        try:
            out = _matmul_2d(a, b) if a.ndim == 2 and b.ndim == 2 else a @ b
        except ValueError:
            raise ValueError(f"batch dimensions of {a.shape} and {b.shape} cannot be broadcast for '@'") from None

        def backward(g):
            if a.ndim == 2 and b.ndim == 2:  # the common case, without reshaping
                return (
                    _matmul_2d(g, b.T) if self.requires_grad else None,
                    _matmul_2d(a.T, g) if other.requires_grad else None,
                )
            # numpy treats a 1-D left operand as a row and a 1-D right one as a column,
            # then drops that axis from the result; restore it to apply the 2-D rule.
            a2 = a[None, :] if a.ndim == 1 else a
            b2 = b[:, None] if b.ndim == 1 else b
            g2 = g[..., None] if b.ndim == 1 else g
            if a.ndim == 1:
                g2 = g2[..., None, :]
            ga = gb = None
            if self.requires_grad:
                ga = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
            if other.requires_grad:
                gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
            return ga, gb

        return _node(out, (self, other), backward, "matmul")

    # Reflected forms: the operand order matters for - / @, so build them from the core ops.
    def __radd__(self, other):
        return _lift(other, self) + self

    def __rsub__(self, other):
        return _lift(other, self) - self

    def __rmul__(self, other):
        return _lift(other, self) * self

    def __rtruediv__(self, other):
        if isinstance(other, (int, np.integer)) and self.data.dtype.kind != "f":
            other = float(other)
        return _lift(other, self) / self

    def __rmatmul__(self, other):
        return _lift(other, self) @ self

    # In-place forms (x += y, x.add_(y)): the result is written into x's own array, so every
    # holder of x (a model, an optimizer) sees it, and x's version goes up by one.
    def __iadd__(self, other):
        return self._in_place(other, Tensor.__add__, "+=", "x = x + y")

    def __isub__(self, other):
        return self._in_place(other, Tensor.__sub__, "-=", "x = x - y")

    def __imul__(self, other):
        return self._in_place(other, Tensor.__mul__, "*=", "x = x * y")

    def __itruediv__(self, other):
        return self._in_place(other, Tensor.__truediv__, "/=", "x = x / y")

    def __ifloordiv__(self, other):
        return self._in_place(other, Tensor.__floordiv__, "//=", "x = x // y")

    def __imod__(self, other):
        return self._in_place(other, Tensor.__mod__, "%=", "x = x % y")

    def __ipow__(self, other):
        return self._in_place(other, Tensor.__pow__, "**=", "x = x ** y")

    def add(self, other, *, alpha=1):
        """``self + alpha * other`` (``Tensor.add``; ``alpha * other`` is rounded first, as in
        ``add_``). ``alpha`` is a number (TypeError otherwise)."""
        return self + _times(other, alpha, self)

    def sub(self, other, *, alpha=1):
        """``self - alpha * other`` (``Tensor.sub``)."""
        return self - _times(other, alpha, self)

    def mul(self, other):
        """``self * other`` (``Tensor.mul``)."""
        return self * other

    def div(self, other, *, rounding_mode=None):
        """``self / other`` (``Tensor.div``); with ``rounding_mode`` 'floor' the quotient
        rounded down, as Python's ``//`` and numpy's floor_divide (also ``x // y`` and
        ``floor_divide``), with 'trunc' rounded towards 0, each in the operands' promoted dtype
        (integers stay integers) and with a gradient of 0, as PyTorch's ``div`` with a
        rounding_mode gives (its ``//`` refuses a backward instead). Another rounding_mode is a
        ValueError. Rounded, bool operands are a TypeError (PyTorch: not implemented for
        'Bool'; a bool tensor // an int is int64) and an integer division by 0 is a
        ``ZeroDivisionError``, which is also a ``RuntimeError`` as PyTorch's error is."""
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("floor", "trunc"):
            raise ValueError(f"div: rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}")
        quotient = np.floor_divide if rounding_mode == "floor" else _trunc_quotient
        return self._divided(other, f"div(rounding_mode={rounding_mode!r})", quotient)

    def floor_divide(self, other):
        """``self // other``: the quotient rounded down (``Tensor.floor_divide``, which in
        PyTorch 2 rounds down too); see ``div``."""
        return self._divided(other, "floor_divide", np.floor_divide)

    def __floordiv__(self, other):
        """``x // y``: ``x.div(y, rounding_mode='floor')``."""
        return self._divided(other, "//", np.floor_divide)

    def __rfloordiv__(self, other):
        return _lift(other, self)._divided(self, "//", np.floor_divide)

    def remainder(self, other):
        """``self % other`` as Python's ``%``: ``self - floor(self / other) * other``, of the sign
        of ``other`` (``Tensor.remainder``), computed as PyTorch does (C's fmod, plus ``other``
        where the signs differ). Operands broadcast and promote as for ``+``; integers stay
        integers. Gradient: 1 for self, ``-floor(self / other)`` for other (PyTorch's; its
        ``5 % x`` refuses a backward, where this gives that gradient). Float division by 0
        gives nan; integer division by 0 is a ``ZeroDivisionError`` (also a ``RuntimeError``,
        as PyTorch's); bool operands are a TypeError (PyTorch: not implemented for 'Bool')."""
        return self._divided(other, "remainder", _python_remainder, np.floor_divide)

    def __mod__(self, other):
        """``x % y``: ``x.remainder(y)``."""
        return self._divided(other, "%", _python_remainder, np.floor_divide)

    def __rmod__(self, other):
        return _lift(other, self)._divided(self, "%", _python_remainder, np.floor_divide)

    def fmod(self, other):
        """C's remainder, ``self - trunc(self / other) * other``, of the sign of ``self``
        (``Tensor.fmod``; numpy's fmod). Gradient: 1 for self, ``-trunc(self / other)`` for
        other, as PyTorch's. Errors and dtypes as ``remainder``."""
        return self._divided(other, "fmod", np.fmod, _trunc_quotient)

    def _divided(self, other, name, compute, quotient=None):
        """The ops that divide and round: ``compute(a, b)`` of the operands lifted and promoted
        as for ``+``, in that dtype. The gradient is 0 without ``quotient`` (a step function);
        with it (the remainders, a - quotient(a, b) * b), 1 for a and -quotient(a, b) for b."""
        other = _lift(other, self)
        dtype = _result_dtype(self.data, other.data)
        if dtype.kind == "b":
            raise TypeError(
                f"{name} is not defined for bool operands (PyTorch: not implemented for 'Bool'): "
                "make one an integer first, e.g. x.long()"
            )
        a, b = self.data.astype(dtype, copy=False), other.data.astype(dtype, copy=False)
        if dtype.kind != "f" and not np.all(b):
            raise IntegerDivisionError(f"{name}: integer division by zero ({dtype} tensors)")
        try:
            # x / 0 is inf or nan, and int8 -128 // -1 wraps to -128, as in PyTorch (without numpy's warnings)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                out = compute(a, b)
        except ValueError:
            raise _broadcast_error(name, a, b) from None

        def backward(g):
            if quotient is None:
                return tuple(np.zeros(t.shape, t.data.dtype) if t.requires_grad else None for t in (self, other))
            gb = None
            if other.requires_grad:
                with np.errstate(divide="ignore", invalid="ignore"):  # b = 0: nan or inf, as PyTorch's
                    gb = unbroadcast(-g * quotient(a, b), b.shape)
            return unbroadcast(g, a.shape) if self.requires_grad else None, gb

        op = _OP_NAMES.get(name, name.partition("(")[0])
        return _node(np.asarray(out).astype(dtype, copy=False), (self, other), backward, op)

    def neg(self):
        """``-self`` (``Tensor.neg``)."""
        return -self

    def round(self, *, decimals: int = 0):
        """Round to ``decimals`` places, halves to even (``Tensor.round``); same dtype; its
        gradient is 0 everywhere, as in PyTorch."""
        decimals = check_int("decimals", decimals)
        return _node(np.round(self.data, decimals), (self,), lambda g: (np.zeros_like(g),), "round")

    def add_(self, other, *, alpha=1):
        """In place, ``self += alpha * other``; returns self (PyTorch's ``add_``)."""
        return self._in_place(_times(other, alpha, self), Tensor.__add__, "add_", "x = x + y")

    def sub_(self, other, *, alpha=1):
        """In place, ``self -= alpha * other``; returns self (PyTorch's ``sub_``)."""
        return self._in_place(_times(other, alpha, self), Tensor.__sub__, "sub_", "x = x - y")

    def mul_(self, other):
        """In place, ``self *= other``; returns self (PyTorch's ``mul_``)."""
        return self._in_place(other, Tensor.__mul__, "mul_", "x = x * y")

    def div_(self, other):
        """In place, ``self /= other``; returns self (PyTorch's ``div_``)."""
        return self._in_place(other, Tensor.__truediv__, "div_", "x = x / y")

    def fill_(self, value):
        """Set every element to ``value``, a number or a 0-d Tensor, in place; returns self. An
        integer tensor truncates a float value, as in PyTorch."""
        if isinstance(value, Tensor):
            if value.ndim != 0:
                raise ValueError(f"fill_ takes a number or a 0-d tensor, got a tensor of shape {value.shape}")
        elif isinstance(value, (bool, np.bool_)) or not isinstance(value, _SCALARS):
            raise TypeError(f"fill_ takes a number or a 0-d tensor, got {value!r}")
        return self._in_place(value, _fill, "fill_", "x = mg.ones(x.shape) * v")

    def zero_(self):
        """Set every element to 0 in place; returns self."""
        return self.fill_(0)

    def uniform_(self, *args, generator=None, **kwargs):
        """Fill with draws from U(from, to) in place, keeping the dtype; returns self
        (``Tensor.uniform_(from=0, to=1, *, generator=None)``: ``from`` is a Python keyword, so
        it goes by position or as ``**{"from": a}``). The draw is ``nn.init.uniform_``'s; the
        bounds are numbers, from <= to, within the dtype's range (TypeError / ValueError naming
        them, as PyTorch refuses them); ``generator`` is an
        ``mg.Generator``, a numpy Generator or a seed (None: ``mg.manual_seed``'s). Written as
        ``fill_`` writes: the version goes up, a leaf that requires grad is refused while
        grad is recorded, and no gradient flows back through it. A tensor that is not
        floating point is a TypeError (PyTorch: not implemented for it)."""
        low, high = _arguments("uniform_", args, kwargs, {"from": 0.0, "to": 1.0})
        low, high = check_number("from", low), check_number("to", high)
        if low > high:
            raise ValueError(f"uniform_ needs from <= to, got from={low}, to={high}")
        if self.data.dtype.kind == "f":  # else _drawn refuses the tensor
            largest = float(np.finfo(self.data.dtype).max)
            for name, bound in (("from", low), ("to", high)):
                if abs(bound) > largest:
                    raise ValueError(
                        f"uniform_: {name}={bound} is out of bounds for {self.dtype} (at most {largest:g})"
                    )
        from .nn import init

        return self._drawn("uniform_", lambda t: init.uniform_(t, low, high, generator))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Fill with draws from N(mean, std^2) in place, keeping the dtype; returns self
        (``Tensor.normal_``). The draw is ``nn.init.normal_``'s (std >= 0); otherwise as
        ``uniform_``."""
        from .nn import init

        return self._drawn("normal_", lambda t: init.normal_(t, mean, std, generator))

    def _drawn(self, name, draw):
        """Write into x values that ``draw(t)`` fills a fresh tensor like x with, by the rules of ``fill_``."""
        if self.data.dtype.kind != "f":
            raise TypeError(f"{name} fills floating-point tensors, this one is {self.dtype}: make it float first")
        rewrite = f"x = mg.empty_like(x).{name}(...)"
        self._refuse_leaf(name, rewrite)  # before drawing, so a refused call leaves the generator as it was
        values = draw(_constant(np.empty(self.shape, self.dtype)))
        return self._in_place(values, _fill, name, rewrite)

    def copy_(self, src):
        """Write ``src`` (a Tensor, array or number, broadcast to x's shape and cast to its
        dtype) into x in place; returns x (``Tensor.copy_``). The rules of ``x[...] = src``."""
        self[...] = src
        return self

    def _in_place(self, other, op, name, rewrite):
        """PyTorch's in-place semantics: refused on a leaf that requires grad while grad is
        recorded (its gradient would describe a value it no longer has). With nothing to
        record (under no_grad, or no input requires grad) the new value is written into x's
        own array, seen by every tensor sharing it. While recording, x gets new memory and
        takes over the new op's place in the graph; the old value keeps its memory for the
        ops that used it, whose backward is then refused."""
        self._refuse_leaf(name, rewrite)
        other = _lift(other, self)
        tracked = _grad_enabled and (self.requires_grad or other.requires_grad)
        before = self._before_change(name, rewrite) if tracked else self
        result = op(before, before if other is self else other)  # x += x adds the old x to itself
        if result.shape != self.shape:
            raise ValueError(
                f"'{name}' cannot write a result of shape {result.shape} into a tensor of shape {self.shape}: "
                "in-place ops may broadcast the right operand only"
            )
        if not np.can_cast(result.dtype, self.dtype, casting="same_kind"):
            raise TypeError(
                f"'{name}' gives a {result.dtype} result, which cannot be stored in place in a {self.dtype} tensor; "
                f"write {rewrite} for a new tensor"
            )
        if tracked:
            return self._take_over(result)
        _assign(self.data, ..., result.data, name)
        self._version += 1  # for every tensor sharing this memory; the op that made x (if any)
        return self  # may need the value it made, so backward through it is refused

    def __setitem__(self, index, value):
        """``x[index] = value``: value is a number, an array or a Tensor, broadcast to
        ``x[index]``'s shape and cast to x's dtype (a float written into an integer tensor is
        truncated, as in PyTorch). ``index`` is anything ``x[index]`` takes.

        Without a graph to record (under ``mg.no_grad()``, or neither x nor value requires
        grad) it writes into x's array and bumps x's version, so a backward through a graph
        that saved the old values is refused. On a leaf that requires grad it is refused while
        grad is recorded (do it under ``mg.no_grad()``). On a tensor computed from others,
        or with a value that requires grad, it is recorded: x takes over the new value's place
        in the graph, the gradient of the overwritten entries is 0 and value receives theirs.
        """
        if isinstance(value, Tensor):
            pass
        elif isinstance(value, _SCALARS):
            value = _lift(value, self)
        elif isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            value = _constant(value)
        else:
            raise TypeError(
                f"x[...] = value takes a number, an array or a Tensor as the value, got {type(value).__name__}"
            )
        self._refuse_leaf("x[...] = value", "x = x.clone(); x[...] = value")
        index = _plain_index(index)
        if not (_grad_enabled and self.data.dtype.kind == "f" and (self.requires_grad or value.requires_grad)):
            _assign(self.data, index, value.data, "x[...] = value")
            self._version += 1
            return
        before = self._before_change("x[...] = value", "x = x.clone(); x[...] = value")
        out = before.data.copy()
        _assign(out, index, value.data, "x[...] = value")

        def backward(g):
            g_before = g_value = None
            if before.requires_grad:
                g_before = g.copy()
                g_before[index] = 0  # these entries were overwritten
            if value.requires_grad:
                g_value = g[index]
                if g_value.ndim < value.ndim:  # numpy lets the value have extra leading 1s
                    g_value = g_value.reshape((1,) * (value.ndim - g_value.ndim) + g_value.shape)
                g_value = unbroadcast(g_value, value.shape)
            return g_before, g_value

        self._take_over(_node(out, (before, value), backward, "setitem"))

    def _refuse_leaf(self, name, rewrite):
        if _grad_enabled and self.requires_grad and self._backward is None:
            raise RuntimeError(
                f"'{name}' would change a leaf tensor that requires grad (shape {self.shape}) in place. "
                f"For an update of weights, do it inside `with mg.no_grad():`; to compute a new value, write {rewrite}"
            )

    def _before_change(self, name, rewrite):
        """For a change recorded in the graph: a tensor holding x's old value, array and place
        in the graph, for the ops that used it; x itself then moves on."""
        if getattr(self, "_base", None) is not None:
            raise RuntimeError(
                f"'{name}' would change, while recording a graph, a tensor of shape {self.shape} that shares its "
                "memory with another (it was made by view, reshape, transpose, expand, indexing or detach). Change "
                f"the original tensor instead, do it under `with mg.no_grad():`, or write {rewrite} for a new tensor"
            )
        before = Tensor.__new__(Tensor)
        for slot in Tensor.__slots__:
            if hasattr(self, slot):  # _base is set on views only
                setattr(before, slot, getattr(self, slot))
        return before

    def _take_over(self, result):
        """x becomes ``result`` (new memory, with its own count; the old value keeps the old
        memory) and takes its place in the graph."""
        global _changes
        _changes += 1
        self._versions = [self._versions[0] + 1, _changes]
        self._recorded_at = _changes  # x's new op was recorded with its inputs as they are
        self.data = result.data.astype(self.dtype, copy=False)
        self.requires_grad = True
        self._parents, self._backward, self._op = result._parents, result._backward, result._op
        return self

    # ----------------------------------------------------------------- comparisons and logic
    # Comparisons give bool tensors that never require grad. Tensors stay hashable by identity,
    # as in PyTorch: the graph, optimizers and user code keep them in dicts and sets.
    __hash__ = object.__hash__

    def _compare(self, other, ufunc, symbol, logical=False):
        """A constant result of ``ufunc`` (a comparison, or with ``logical`` a bitwise op, which
        needs bool or integer operands) of the two operands broadcast."""
        if not isinstance(other, (Tensor, np.ndarray)) and not isinstance(other, _SCALARS):
            return NotImplemented  # Python then answers x == None with False, x < None with a TypeError
        other = _lift(other, self)
        a, b = self.data, other.data
        if a.dtype is not b.dtype:
            a, b = _common(a, b)  # compared in the dtype PyTorch would use (int64 < 2.5 in float32)
        if logical and a.dtype.kind not in "biu":
            raise TypeError(
                f"'{symbol}' needs bool (or integer) tensors, got {a.dtype}: "
                f"compare first, e.g. (x > 0) {symbol} (y > 0)"
            )
        try:
            return _constant(ufunc(a, b))
        except ValueError:
            raise _broadcast_error(symbol, a, b) from None

    def __eq__(self, other):
        return self._compare(other, np.equal, "==")

    def __ne__(self, other):
        return self._compare(other, np.not_equal, "!=")

    def __lt__(self, other):
        return self._compare(other, np.less, "<")

    def __le__(self, other):
        return self._compare(other, np.less_equal, "<=")

    def __gt__(self, other):
        return self._compare(other, np.greater, ">")

    def __ge__(self, other):
        return self._compare(other, np.greater_equal, ">=")

    def eq(self, other):
        """``self == other``: a bool tensor, broadcast (PyTorch's ``eq``)."""
        return _compared(self.__eq__(other), "eq", other)

    def ne(self, other):
        """``self != other``: a bool tensor, broadcast."""
        return _compared(self.__ne__(other), "ne", other)

    def lt(self, other):
        """``self < other``: a bool tensor, broadcast."""
        return _compared(self.__lt__(other), "lt", other)

    def le(self, other):
        """``self <= other``: a bool tensor, broadcast."""
        return _compared(self.__le__(other), "le", other)

    def gt(self, other):
        """``self > other``: a bool tensor, broadcast."""
        return _compared(self.__gt__(other), "gt", other)

    def ge(self, other):
        """``self >= other``: a bool tensor, broadcast."""
        return _compared(self.__ge__(other), "ge", other)

    def __contains__(self, element):
        """``v in x``: whether any element equals v (PyTorch's meaning; Python's default would
        compare v with each row)."""
        return bool(np.any(_compared(self.__eq__(element), "in", element).data))

    # On bool tensors (masks) & | ^ ~ are logical and, or, exclusive or, not; on integers, bitwise.
    def __and__(self, other):
        return self._compare(other, np.bitwise_and, "&", logical=True)

    def __or__(self, other):
        return self._compare(other, np.bitwise_or, "|", logical=True)

    def __xor__(self, other):
        return self._compare(other, np.bitwise_xor, "^", logical=True)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__  # each is symmetric

    def __invert__(self):
        if self.data.dtype.kind not in "biu":
            raise TypeError(f"'~' needs a bool (or integer) tensor, got {self.dtype}: for a mask write ~(x > 0)")
        return _constant(np.invert(self.data))

    # ----------------------------------------------------------------- elementwise
    def exp(self):
        """e ** x elementwise (``torch.exp``); integer input gives the default float dtype."""
        out = np.exp(_floating(self.data))

        def backward(g):
            return (g * out,)

        return _node(out, (self,), backward, "exp")

    def log(self):
        """Natural log elementwise (``torch.log``): -inf at 0, nan below, as in PyTorch."""
        a = _floating(self.data)
        out = np.log(a)

        def backward(g):
            return (g / a,)

        return _node(out, (self,), backward, "log")

    def sqrt(self):
        """Square root elementwise (``torch.sqrt``); nan below 0, gradient inf at 0."""
        out = np.sqrt(_floating(self.data))

        def backward(g):
            return (g / (2 * out),)

        return _node(out, (self,), backward, "sqrt")

    def tanh(self):
        """Hyperbolic tangent elementwise (``torch.tanh``); gradient 1 - tanh(x)^2."""
        out = np.tanh(_floating(self.data))

        def backward(g):
            return (g * (1 - out * out),)

        return _node(out, (self,), backward, "tanh")

    def sigmoid(self):
        """1 / (1 + e^-x) elementwise (``torch.sigmoid``), exact for any x; gradient s (1 - s)."""
        a = _floating(self.data)
        # exp(-|a|) never overflows; 1/(1+e) for a >= 0 and e/(1+e) for a < 0 keep full
        # relative precision in both tails (sigmoid(-40) is 4e-18, not 0).
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1, e) / (1 + e)

        def backward(g):
            return (g * (1 - out) * out,)  # in PyTorch's order, for the same rounding

        return _node(out, (self,), backward, "sigmoid")

    def relu(self):
        """max(x, 0) elementwise (``torch.relu``); gradient 1 where x > 0, else 0 (0 at x = 0)."""
        a = self.data
        out = np.maximum(a, 0)

        def backward(g):
            # out is nonzero exactly where a > 0 or a is nan (a nan input passes its gradient on,
            # as in PyTorch), so its bool cast is the mask ~(a <= 0), in one pass instead of two
            return (_select(g, out.astype(bool)),)

        return _node(out, (self,), backward, "relu")

    def leaky_relu(self, negative_slope: float = 0.01):
        """x where x > 0, ``negative_slope`` * x elsewhere (``F.leaky_relu``); the slope is a
        finite number (TypeError / ValueError otherwise)."""
        a = self.data
        slope = check_number("negative_slope", negative_slope)
        positive = a > 0
        out = np.where(positive, a, a * slope)

        def backward(g):
            return (np.where(positive, g, g * slope),)

        return _node(out, (self,), backward, "leaky_relu")

    def abs(self):
        """|x| elementwise (``torch.abs``); gradient sign(x), 0 at 0 as in PyTorch."""
        a = self.data

        def backward(g):
            return (g * np.sign(np.nan_to_num(a)),)  # sign(nan) counts as 0, as in PyTorch

        return _node(np.abs(a), (self,), backward, "abs")

    def clip(self, lo=None, hi=None, *, min=None, max=None):
        """Limit values to [lo, hi]; the gradient passes where lo <= x <= hi. ``min``/``max`` are
        PyTorch's names for lo/hi; see ``clamp`` for bounds given as Tensors."""
        names = ("lo", "hi")
        if min is not None or max is not None:
            lo = check_alias("min", min, "lo", lo)
            hi = check_alias("max", max, "hi", hi)
            names = ("min", "max")
        return self._clamp(lo, hi, "clip", names)

    def clamp(self, min=None, max=None):
        """Limit values to [min, max] (PyTorch's ``clamp``, the same as ``clip``); either bound may
        be left out. Number bounds need min <= max; the gradient passes where min <= x <= max.
        Integer tensors stay integer with integer bounds and become float with float ones.

        Bounds may also be Tensors (or arrays), broadcast against x, with PyTorch's rules: the
        result is min(max(x, min), max), so where min > max it is max; x's gradient passes where
        min <= x <= max, min's where x < min < max, max's where x > max or max < min.
        """
        return self._clamp(min, max, "clamp", ("min", "max"))

    def _clamp(self, lo, hi, name, names):
        if lo is None and hi is None:
            raise ValueError(f"{name} needs {names[0]}, {names[1]} or both")
        if isinstance(lo, (Tensor, np.ndarray)) or isinstance(hi, (Tensor, np.ndarray)):
            return self._clamp_tensor(lo, hi)
        for arg, bound in zip(names, (lo, hi), strict=True):
            if bound is not None and (isinstance(bound, (bool, np.bool_)) or not isinstance(bound, _SCALARS)):
                raise TypeError(f"{name}'s {arg} must be a number or None, got {bound!r} (or a Tensor of bounds)")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"{name} needs {names[0]} <= {names[1]}, got {names[0]}={lo} and {names[1]}={hi}")
        a = self.data
        if a.dtype.kind != "f" and any(isinstance(v, (float, np.floating)) for v in (lo, hi)):
            a = a.astype(_default_dtype)
        elif a.dtype.kind == "b":  # bools clipped to numbers become numbers
            a = a.astype(np.int64)
        bounds = [None if v is None else np.asarray(v).astype(a.dtype) for v in (lo, hi)]
        out = np.clip(a, *bounds)
        inside = np.ones(a.shape, dtype=bool)
        if lo is not None:
            inside &= a >= bounds[0]
        if hi is not None:
            inside &= a <= bounds[1]

        def backward(g):
            return (_select(g, inside),)

        return _node(out, (self,), backward, "clip")

    def _clamp_tensor(self, lo, hi):
        lo = None if lo is None else _lift(lo, self)
        hi = None if hi is None else _lift(hi, self)
        parts = [t for t in (self, lo, hi) if t is not None]
        dtype, dims = self.data.dtype, self.data.ndim > 0
        for t in parts[1:]:  # PyTorch's result type of all three
            dtype = _result_dtype(np.empty((0,) if dims else (), dtype), t.data)
            dims = dims or t.data.ndim > 0
        if dtype.kind == "b":  # bools clamped become numbers, as with number bounds
            dtype = np.dtype(np.int64)
        x, low, high = (None if t is None else t.data.astype(dtype, copy=False) for t in (self, lo, hi))
        try:
            out = x
            if low is not None:
                out = np.maximum(out, low)
            if high is not None:
                out = np.minimum(out, high)
        except ValueError:
            shapes = " and ".join(str(t.shape) for t in parts)
            raise ValueError(f"clamp: shapes {shapes} cannot be broadcast together") from None

        def backward(g):
            keep = np.ones(out.shape, dtype=bool)
            if low is not None:
                keep &= x >= low
            if high is not None:
                keep &= x <= high
            gx = unbroadcast(_select(g, keep), x.shape) if self.requires_grad else None
            gl = gh = None
            if lo is not None and lo.requires_grad:
                below = x < low if high is None else (x < low) & (low < high)
                gl = unbroadcast(np.where(below, g, 0), low.shape)
            if hi is not None and hi.requires_grad:
                above = x > high if low is None else (x > high) | (high < low)
                gh = unbroadcast(np.where(above, g, 0), high.shape)
            return tuple(gp for gp, t in zip((gx, gl, gh), (self, lo, hi), strict=True) if t is not None)

        return _node(out, tuple(parts), backward, "clamp")

    def masked_fill(self, mask, value):
        """A copy of self with ``value`` where ``mask`` is True (``Tensor.masked_fill``). ``mask``:
        a bool Tensor or array that broadcasts to self's shape; ``value``: a number (or a
        one-element Tensor), cast to self's dtype. The gradient passes where the mask is
        False; a filled entry gets none. TypeError for a mask that is not bool, ValueError for
        one that does not broadcast to self."""
        m = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
        if m.dtype != np.bool_:
            raise TypeError(f"masked_fill takes a bool mask (e.g. x > 0 or x == 0), got dtype {m.dtype}")
        a = self.data
        try:
            m = np.broadcast_to(m, a.shape)
        except ValueError:
            raise ValueError(
                f"masked_fill: a mask of shape {m.shape} does not broadcast to the tensor's shape {a.shape}"
            ) from None
        if isinstance(value, Tensor):
            if value.size != 1:
                raise ValueError(f"masked_fill takes a number or a one-element value, got shape {value.shape}")
            value = value.item()
        if not isinstance(value, _SCALARS):
            raise TypeError(f"masked_fill takes a number as value, got {type(value).__name__}")
        out = np.where(m, np.asarray(value).astype(a.dtype), a)  # -inf is a usual value (attention masks)
        kept = ~m

        def backward(g):
            return (_select(g, kept),)

        return _node(out, (self,), backward, "masked_fill")

    def maximum(self, other):
        """The elementwise larger of self and other, broadcast (PyTorch's ``maximum``, also
        ``x.max(other)``). nan wins. Where the two are equal each gets half the gradient, and
        where one is nan both get all of it, as in PyTorch."""
        return self._extreme_of_two(other, np.maximum, np.less, "maximum")

    def minimum(self, other):
        """The elementwise smaller of self and other, broadcast; see ``maximum``."""
        return self._extreme_of_two(other, np.minimum, np.greater, "minimum")

    def _extreme_of_two(self, other, pick, loses, name):
        other = _lift(other, self)
        a, b = self.data, other.data
        if a.dtype is not b.dtype:
            a, b = _common(a, b)
        try:
            out = pick(a, b)
        except ValueError:
            raise _broadcast_error(name, a, b) from None

        def backward(g):
            tie = a == b
            ga = gb = None
            if self.requires_grad:
                ga = np.where(loses(a, b), 0, g)
                ga = unbroadcast(np.where(tie, ga / 2, ga), a.shape)
            if other.requires_grad:
                gb = np.where(loses(b, a), 0, g)
                gb = unbroadcast(np.where(tie, gb / 2, gb), b.shape)
            return ga, gb

        return _node(out, (self, other), backward, name)

    # ----------------------------------------------------------------- reductions
    # Each takes numpy's axis/keepdims or PyTorch's dim/keepdim (x.sum(1, True), x.sum(dim=1)).
    def sum(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None):
        """Sum over ``axis``/``dim`` (an int, a tuple, or None for all), keeping the reduced
        dims as 1 if ``keepdims``/``keepdim`` (``torch.sum``). Floats keep their dtype; integers
        and bools sum in int64. A dim out of range is a ValueError; both spellings a TypeError."""
        if dim is not None or keepdim is not None:
            axis, keepdims = _spelled(axis, keepdims, dim, keepdim)
        a = self.data
        axes = _normalize_axis(axis, a.ndim)
        if keepdims is not False and keepdims is not True:
            check_bool("keepdims", keepdims)
        # integers and bools sum in int64, as in PyTorch (numpy would sum uint8 in uint64)
        if a.dtype.kind == "f":
            out = np.add.reduce(a, axis=axes, keepdims=keepdims)  # a.sum() without its Python wrapper
        else:
            out = np.add.reduce(a, axis=axes, keepdims=keepdims, dtype=np.int64)

        def backward(g):
            return (_filled(a.shape, a.dtype, _expand_reduced(g, axes, a.shape)),)

        return _node(out, (self,), backward, "sum")

    def mean(self, axis=None, keepdims: bool = False, *, dim=None, keepdim=None):
        """Mean over ``axis``/``dim``, as ``sum`` (``torch.mean``). Floating-point tensors only
        (TypeError otherwise, as in PyTorch); an empty axis is a ValueError."""
        if dim is not None or keepdim is not None:
            axis, keepdims = _spelled(axis, keepdims, dim, keepdim)
        a = self.data
        axes = _normalize_axis(axis, a.ndim)
        if keepdims is not False and keepdims is not True:
            check_bool("keepdims", keepdims)
        count = math.prod([a.shape[i] for i in axes])
        if a.dtype.kind != "f":
            raise TypeError(
                f"mean() needs a floating-point tensor, this one is {a.dtype}: convert it first, e.g. x.float()"
            )
        if count == 0:
            raise ValueError(f"mean over an empty axis of a tensor of shape {a.shape}")
        out = a.sum(axis=axes, keepdims=keepdims) / count  # what a.mean() computes, without its overhead

        def backward(g):
            return (_filled(a.shape, a.dtype, _expand_reduced(g / count, axes, a.shape)),)

        return _node(out, (self,), backward, "mean")

    def max(self, dim=None, keepdim=None, *, axis=None, keepdims: bool = False):
        """Three forms, as in PyTorch:

        - ``x.max()`` or ``x.max(axis=..., keepdims=...)`` (numpy's spelling): the largest value
          over all or the given axes, a Tensor; entries that tie share the gradient equally, and
          a nan wins its row (PyTorch's ``max()``). PyTorch reads ``axis=`` as ``dim=``; minigrad
          keeps numpy's meaning for it, so that numpy-style code keeps working.
        - ``x.max(dim)`` or ``x.max(dim=d, keepdim=...)``: a named tuple ``(values, indices)``
          along one dimension, as ``torch.return_types.max``; ``indices`` is int64 (the first
          largest entry, or the first nan) and the gradient goes to that entry only.
        - ``x.max(other_tensor)``: the elementwise ``maximum``.
        """
        if dim is None:
            if keepdim is not None:
                axis, keepdims = _spelled(axis, keepdims, None, keepdim)
            return self._extreme(axis, keepdims, np.maximum, "max")
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        dim, keepdim = _spelled(axis, keepdims, dim, keepdim)
        return self._extreme_along(dim, keepdim, np.argmax, _Max, "max")

    def min(self, dim=None, keepdim=None, *, axis=None, keepdims: bool = False):
        """The smallest value, in the three forms of ``max``: ``x.min()``, ``x.min(axis=...)``
        (Tensors), ``x.min(dim)`` (named tuple ``(values, indices)``), ``x.min(other)``."""
        if dim is None:
            if keepdim is not None:
                axis, keepdims = _spelled(axis, keepdims, None, keepdim)
            return self._extreme(axis, keepdims, np.minimum, "min")
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        dim, keepdim = _spelled(axis, keepdims, dim, keepdim)
        return self._extreme_along(dim, keepdim, np.argmin, _Min, "min")

    def _extreme(self, axis, keepdims, reduce, name):
        a = self.data
        axes = _normalize_axis(axis, a.ndim)
        if keepdims is not False and keepdims is not True:
            check_bool("keepdims", keepdims)
        if a.size == 0:
            raise ValueError(f"{name} of an empty tensor of shape {a.shape}")
        top = reduce.reduce(a, axis=axes, keepdims=True)  # a.max() without its Python wrapper
        out = top if keepdims else top.reshape([n for i, n in enumerate(a.shape) if i not in axes])

        def backward(g):
            winners = a == top
            ties = np.add.reduce(winners, axis=axes, keepdims=True, dtype=a.dtype)
            share = _expand_reduced(g, axes, a.shape) / ties
            if np.logical_and.reduce(np.isfinite(share), axis=None):  # the common case
                return (share * winners,)
            # a row whose max is nan (nan wins it, as in PyTorch: no entry equals nan), or an
            # inf/nan gradient, which is selected rather than multiplied by 0
            winners |= a != a
            ties = np.add.reduce(winners, axis=axes, keepdims=True, dtype=a.dtype)
            return (np.where(winners, _expand_reduced(g, axes, a.shape) / ties, 0),)

        return _node(out, (self,), backward, name)

    def _extreme_along(self, dim, keepdim, arg, result, name):
        a = self.data
        if a.ndim == 0:  # as in PyTorch, a 0-d tensor has a dim 0 (or -1) of one element
            _one_dim(name, dim, 1)
            return result(self.clone(), _constant(np.zeros((), np.int64)))
        axis = _one_dim(name, dim, a.ndim)
        if a.shape[axis] == 0:
            raise IndexError(f"{name}(dim={dim}) of a tensor of shape {a.shape}: that dimension is empty")
        index = arg(a, axis=axis, keepdims=True)  # the first winner; numpy and PyTorch both let nan win
        values = np.take_along_axis(a, index, axis)

        def backward(g):
            grad = np.zeros(a.shape, a.dtype)
            np.put_along_axis(grad, index, g if keepdim else np.expand_dims(g, axis), axis)
            return (grad,)

        if not keepdim:
            values = values.squeeze(axis)
        indices = index.astype(np.int64, copy=False)
        return result(_node(values, (self,), backward, name), _constant(indices if keepdim else indices.squeeze(axis)))

    def amax(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Largest value over ``dim`` (an int, a tuple, or None for all), a Tensor (PyTorch's
        ``amax``): tied entries share the gradient equally; a row whose max is nan gets a nan
        gradient, as in PyTorch."""
        return self._amax(dim, keepdim, axis, keepdims, np.maximum, "amax")

    def amin(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Smallest value over ``dim``, a Tensor; see ``amax``."""
        return self._amax(dim, keepdim, axis, keepdims, np.minimum, "amin")

    def _amax(self, dim, keepdim, axis, keepdims, reduce, name):
        dim, keepdim = _spelled(axis, keepdims, dim, keepdim)
        a = self.data
        axes = _normalize_axis(dim, a.ndim)
        if any(a.shape[i] == 0 for i in axes) or (a.size == 0 and not axes):
            raise IndexError(f"{name} over an empty dimension of a tensor of shape {a.shape}")
        top = reduce.reduce(a, axis=axes, keepdims=True)
        out = top if keepdim else top.reshape([n for i, n in enumerate(a.shape) if i not in axes])

        def backward(g):
            winners = a == top
            ties = np.add.reduce(winners, axis=axes, keepdims=True, dtype=a.dtype)
            with np.errstate(divide="ignore", invalid="ignore"):  # a nan row has no winner: 0/0
                return ((_expand_reduced(g, axes, a.shape) / ties) * winners,)

        return _node(out, (self,), backward, name)

    def argmax(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Index of the largest value along ``dim`` (the first one; a nan wins), an int64 tensor
        without gradient; with dim None, the index into the flattened tensor."""
        return self._arg(dim, keepdim, axis, keepdims, np.argmax, "argmax")

    def bincount(self, weights=None, minlength: int = 0):
        """How often each of 0, 1, ..., max occurs in x, a 1-D tensor of non-negative integers
        (``torch.bincount``): int64 counts, at least ``minlength`` of them. With ``weights`` (a
        1-D Tensor or array as long as x) each occurrence adds its weight instead, in the
        weights' dtype. No gradient. Class weights for a loss, for example:
        ``len(y) / (C * y.bincount(minlength=C))``. Errors: a float or negative x, or x not
        1-D, is a ValueError (TypeError for a float dtype); so are weights of another length."""
        a = self.data
        if a.dtype.kind not in "iub" or a.ndim != 1:
            raise (TypeError if a.ndim == 1 else ValueError)(
                f"bincount() counts a 1-D tensor of non-negative integers, got shape {a.shape} and dtype {a.dtype}"
            )
        if a.size and a.min() < 0:
            raise ValueError(f"bincount() counts non-negative integers, got {a.min()}")
        minlength = check_int("minlength", minlength, 0)
        if weights is None:
            return _constant(np.bincount(a, minlength=minlength).astype(np.int64, copy=False))
        w = weights.data if isinstance(weights, Tensor) else np.asarray(weights)
        if w.shape != a.shape or w.dtype.kind not in "iuf":
            raise ValueError(f"bincount(): weights must be numbers of the input's shape {a.shape}, got shape {w.shape}")
        dtype = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
        return _constant(np.bincount(a, weights=w, minlength=minlength).astype(dtype, copy=False))

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False, dim=None):
        """The distinct values of x, flattened and in ascending order (``torch.unique``); with
        ``return_inverse`` also where each element of x is among them (x's shape), with
        ``return_counts`` how often each occurs (both int64), as a tuple. No gradient.
        ``sorted`` is accepted (the values are always sorted, as PyTorch's are on the CPU);
        a ``dim`` is a ValueError (only the flattened form is supported)."""
        for name, flag in (("sorted", sorted), ("return_inverse", return_inverse), ("return_counts", return_counts)):
            check_bool(name, flag)
        if dim is not None:
            raise ValueError(f"unique() over a dim is not supported (got dim={dim!r}); use the flattened form")
        # each nan is a value of its own, as in PyTorch (numpy would make them one)
        found = np.unique(self.data, return_inverse=return_inverse, return_counts=return_counts, equal_nan=False)
        if not (return_inverse or return_counts):
            return _constant(found)
        values, *more = found
        if return_inverse:
            more[0] = more[0].reshape(self.data.shape)
        return (_constant(values), *(_constant(a.astype(np.int64, copy=False)) for a in more))

    def argmin(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Index of the smallest value along ``dim``; see ``argmax``."""
        return self._arg(dim, keepdim, axis, keepdims, np.argmin, "argmin")

    def _arg(self, dim, keepdim, axis, keepdims, arg, name):
        dim, keepdim = _spelled(axis, keepdims, dim, keepdim)
        a = self.data
        if dim is None:
            if a.size == 0:
                raise ValueError(f"{name}() of an empty tensor of shape {a.shape}: give a dim")
            index = np.asarray(arg(a))
            return _constant(index.reshape((1,) * a.ndim) if keepdim else index)
        if a.ndim == 0:
            _one_dim(name, dim, 1)
            return _constant(np.zeros((), np.int64))
        axis = _one_dim(name, dim, a.ndim)
        if a.shape[axis] == 0:
            raise IndexError(f"{name}(dim={dim}) of a tensor of shape {a.shape}: that dimension is empty")
        return _constant(arg(a, axis=axis, keepdims=keepdim).astype(np.int64, copy=False))

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """The entries along ``dim`` in order, as a named tuple ``(values, indices)``
        (``torch.sort``); ``indices`` (int64) say where each value came from. Equal entries
        keep their order (PyTorch promises that only with ``stable=True``); nan sorts as the
        largest. The gradient of ``values`` goes back to the entries they came from."""
        order = self.argsort(dim, descending, stable=stable)
        axis = _one_dim("sort", dim, self.ndim) if self.ndim else 0
        return _Sort(self._gathered(order.data, axis, "sort"), order)

    def argsort(self, dim: int = -1, descending: bool = False, *, stable: bool = False):
        """The int64 indices that sort the entries along ``dim`` (``torch.argsort``); see ``sort``."""
        check_bool("descending", descending)
        check_bool("stable", stable)
        a = self.data
        if a.ndim == 0:
            _one_dim("argsort", dim, 1)
            return _constant(np.zeros((), np.int64))
        axis = _one_dim("argsort", dim, a.ndim)
        if not descending:
            return _constant(np.argsort(a, axis=axis, kind="stable").astype(np.int64, copy=False))
        # descending and still stable: sort the reversed entries, then reverse the result back
        backwards = np.argsort(np.flip(a, axis), axis=axis, kind="stable")
        return _constant(np.flip(a.shape[axis] - 1 - backwards, axis).astype(np.int64, copy=False))

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        """The ``k`` largest (``largest=False``: smallest) entries along ``dim`` and where they
        are, as a named tuple ``(values, indices)`` (``torch.topk``), largest first. ``k`` must
        be in [0, size of that dim] (ValueError otherwise). The gradient of ``values`` goes
        back to the entries they came from."""
        k = check_int("k", k, 0)
        check_bool("sorted", sorted)
        axis = _one_dim("topk", dim, max(self.ndim, 1))
        size = self.shape[axis] if self.ndim else 1
        if k > size:
            raise ValueError(f"topk: k={k} is larger than the {size} entries along dim {dim} of shape {self.shape}")
        order = self.argsort(dim, descending=check_bool("largest", largest)).data
        order = order[(slice(None),) * axis + (slice(0, k),)] if self.ndim else order
        return _Topk(self._gathered(order, axis if self.ndim else 0, "topk"), _constant(order))

    def _gathered(self, order, axis, name):
        """The entries at ``order`` along ``axis``, with the gradient scattered back there."""
        a = self.data
        if a.ndim == 0:
            return self * 1
        out = np.take_along_axis(a, order, axis=axis)

        def backward(g):
            grad = np.zeros(a.shape, a.dtype)
            np.put_along_axis(grad, order, g, axis=axis)  # each entry is picked at most once
            return (grad,)

        return _node(out, (self,), backward, name)

    def norm(self, p="fro", dim=None, keepdim: bool = False):
        """The vector norm over ``dim`` (all entries by default; ``Tensor.norm``): ``p`` = 2 or
        ``'fro'`` the square root of the sum of squares, 1 the sum of absolute values, ``inf``
        the largest absolute value. Floating-point tensors only. The gradient of the 2-norm is
        x / norm, and 0 where the norm is 0, as in PyTorch."""
        if p == "fro" or p == 2:
            return self._two_norm(dim, keepdim)
        if p == 1:
            return self.abs().sum(dim=dim, keepdim=keepdim)
        if p == math.inf:
            return self.abs().amax(dim=() if dim is None and self.ndim == 0 else dim, keepdim=keepdim)
        raise ValueError(f"norm supports p = 2 (or 'fro'), 1 and inf, got p={p!r}")

    def _two_norm(self, dim, keepdim):
        a = self.data
        if a.dtype.kind != "f":
            raise TypeError(f"norm() needs a floating-point tensor, this one is {a.dtype}: convert it, e.g. x.float()")
        axes = _normalize_axis(dim, a.ndim)
        check_bool("keepdim", keepdim)
        kept = np.sqrt(np.add.reduce(a * a, axis=axes, keepdims=True))
        out = kept if keepdim else kept.reshape([n for i, n in enumerate(a.shape) if i not in axes])

        def backward(g):
            with np.errstate(invalid="ignore", divide="ignore"):
                grad = a * (_expand_reduced(g, axes, a.shape) / kept)
            return (np.where(kept == 0, 0, grad),)

        return _node(out, (self,), backward, "norm")

    def any(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Whether any element is true (non-zero) over ``dim`` (None: all), a bool tensor."""
        dim, keepdim = _spelled(axis, keepdims, dim, keepdim)
        return _constant(np.logical_or.reduce(self.data, axis=_normalize_axis(dim, self.ndim), keepdims=keepdim))

    def all(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Whether every element is true (non-zero) over ``dim`` (None: all), a bool tensor."""
        dim, keepdim = _spelled(axis, keepdims, dim, keepdim)
        return _constant(np.logical_and.reduce(self.data, axis=_normalize_axis(dim, self.ndim), keepdims=keepdim))

    def var(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, axis=None, keepdims=None):
        """Variance over ``dim`` (an int, a tuple, or None for all): sum((x - mean)^2) / max(0,
        N - correction), N the number of entries reduced. ``correction`` defaults to 1 (Bessel's);
        ``unbiased=False`` means correction 0 (give one of the two). As in PyTorch, the sums run
        in float64 and the result has x's dtype; N <= correction gives inf or nan, and the
        gradient is PyTorch's, edges included. Integer tensors: TypeError."""
        return self._variance(dim, unbiased, keepdim, correction, axis, keepdims, "var")

    def std(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, axis=None, keepdims=None):
        """Standard deviation, the square root of ``var`` with the same arguments. Where it is
        0 its gradient is 0, as in PyTorch."""
        return self._variance(dim, unbiased, keepdim, correction, axis, keepdims, "std")

    def _variance(self, dim, unbiased, keepdim, correction, axis, keepdims, name):
        if isinstance(dim, (bool, np.bool_)) and unbiased is None:  # x.var(False): PyTorch's var(unbiased)
            dim, unbiased = None, dim
        dim, keepdim = _spelled(axis, keepdims, dim, keepdim)
        if unbiased is not None and correction is not None:
            raise TypeError(f"{name}() takes unbiased or correction, not both")
        if correction is None:
            correction = 1 if unbiased is None or check_bool("unbiased", unbiased) else 0
        c = check_number("correction", correction)
        a = self.data
        if a.dtype.kind != "f":
            raise TypeError(
                f"{name}() needs a floating-point tensor, this one is {a.dtype}: convert it first, e.g. x.float()"
            )
        axes = _normalize_axis(dim, a.ndim)
        n = math.prod([a.shape[i] for i in axes])
        # N <= correction or nothing to reduce give inf or nan; a float32 result may overflow
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            wide = a.astype(np.float64, copy=False)
            squares = np.add.reduce(
                (wide - np.add.reduce(wide, axis=axes, keepdims=True) / n) ** 2, axis=axes, keepdims=True
            )
            value = squares / max(0.0, n - c)
            if name == "std":
                value = np.sqrt(value)
            value = value.astype(a.dtype, copy=False)
            mean = np.add.reduce(a, axis=axes, keepdims=True) / n  # in x's dtype, as PyTorch's backward has it
        out = value if keepdim else value.reshape([k for i, k in enumerate(a.shape) if i not in axes])
        dof = n - c
        whole = dim is None or a.ndim == 0

        def backward(g):
            g = _expand_reduced(g, axes, a.shape)
            with np.errstate(divide="ignore", invalid="ignore"):
                if name == "std":  # d std = d var / (2 std), taken as 0 where std is 0
                    g = np.where(value == 0, 0, g / (value * 2))
                if whole and dof <= 0:  # PyTorch's gradient when the divisor is 0 or negative
                    return (np.where(a == mean, np.nan, np.inf).astype(a.dtype) * g,)
                factor = math.inf if dof == 0 else 2.0 / dof
                return (factor * g * (a - mean),)

        return _node(out, (self,), backward, name)

    # ----------------------------------------------------------------- shape
    def reshape(self, *shape):
        """The same elements in a new shape, ``reshape(2, 3)`` or ``reshape((2, 3))``, one size
        may be -1 (``torch.reshape``). Shares memory when numpy can (a view, counted with the
        original by in-place changes). ValueError names both shapes when the sizes differ."""
        shape = _one_tuple(shape)
        a = self.data
        try:
            out = a.reshape(shape)
        except TypeError:
            raise TypeError(f"a shape is made of ints, got {shape}") from None
        except ValueError:
            raise ValueError(f"cannot reshape a tensor of shape {a.shape} ({a.size} elements) into {shape}") from None

        def backward(g):
            return (g.reshape(a.shape),)

        return self._view_of(_node(out, (self,), backward, "reshape"))

    def view(self, *shape):
        """``reshape`` that never copies (PyTorch's ``view``): the result always shares x's memory.
        Where x's memory layout would need a copy (after a transpose, a permute or a strided
        slice) it raises a RuntimeError; ``x.reshape(...)`` copies when it must, and
        ``x.contiguous().view(...)`` copies first."""
        shape = _one_tuple(shape)
        a = self.data
        try:
            out = a.reshape(shape, copy=False)
        except TypeError:
            raise TypeError(f"a shape is made of ints, got {shape}") from None
        except ValueError:
            try:
                a.reshape(shape)
            except ValueError:
                raise ValueError(f"cannot view a tensor of shape {a.shape} ({a.size} elements) as {shape}") from None
            raise RuntimeError(
                f"view to shape {shape} of a tensor of shape {a.shape} needs a copy: its elements are not laid out "
                "in memory in row-major order (it was transposed, permuted or sliced with a step). Use .reshape(...), "
                "which copies when it must, or .contiguous().view(...)"
            ) from None

        def backward(g):
            return (g.reshape(a.shape),)

        return self._view_of(_node(out, (self,), backward, "view"))

    def view_as(self, other):
        """``self.view(other.shape)``."""
        return self.view(_shape_of(other, "view_as"))

    def reshape_as(self, other):
        """``self.reshape(other.shape)``."""
        return self.reshape(_shape_of(other, "reshape_as"))

    def is_contiguous(self) -> bool:
        """Whether the elements lie in memory in row-major order, so that ``view`` never fails."""
        return self.data.flags.c_contiguous

    def contiguous(self):
        """self if ``is_contiguous()``, else a row-major copy through which the gradient passes."""
        a = self.data
        if a.flags.c_contiguous:
            return self

        def backward(g):
            return (g,)

        return _node(np.ascontiguousarray(a), (self,), backward, "contiguous")

    def clone(self):
        """A copy in new memory, with the same memory layout; the gradient passes through it
        (unlike ``detach()``)."""

        def backward(g):
            return (g,)

        return _node(self.data.copy(order="K"), (self,), backward, "clone")

    def transpose(self, *axes, dim0=None, dim1=None):
        """Two dims (``x.transpose(0, 1)``, or ``dim0=``, ``dim1=``): swap them, as in PyTorch.
        Otherwise numpy's meaning: no argument reverses the dims, a full permutation (separate
        ints or one tuple) reorders them. A view."""
        if dim0 is not None or dim1 is not None:
            if axes or dim0 is None or dim1 is None:
                raise TypeError("transpose takes dim0 and dim1 together, or the axes as positional arguments")
            axes = (dim0, dim1)
        ndim = self.data.ndim
        if len(axes) == 2 and not isinstance(axes[0], (tuple, list)):
            first, second = (_one_dim("transpose", d, ndim or 1) for d in axes)
            swapped = list(range(ndim))
            if ndim:
                swapped[first], swapped[second] = second, first
            return self._permuted(tuple(swapped))
        axes = _one_tuple(axes)
        return self._permuted(_permutation("transpose", axes, ndim) if axes else tuple(reversed(range(ndim))))

    def split(self, split_size, dim: int = 0) -> tuple:
        """Consecutive pieces along ``dim`` (``Tensor.split``): of ``split_size`` entries each
        (the last may be shorter), or of the sizes in a list ``split_size`` (they must add up to
        the dim's length). Each piece is a view, and the gradient flows back through it."""
        axis = _one_dim("split", dim, self.ndim)
        n = self.shape[axis]
        if isinstance(split_size, (list, tuple)):
            sizes = [check_int("split_size", size, 0) for size in split_size]
            if sum(sizes) != n:
                raise ValueError(f"split: sizes {sizes} add up to {sum(sizes)}, not to the {n} entries of dim {dim}")
        else:
            step = check_int("split_size", split_size, 1)
            sizes = [min(step, n - start) for start in range(0, n, step)] or [0]
        ends = np.cumsum(sizes)
        pieces = [(slice(None),) * axis + (slice(end - size, end),) for size, end in zip(sizes, ends, strict=True)]
        return tuple(self[piece] for piece in pieces)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        """``chunks`` pieces along ``dim`` of ceil(length / chunks) entries each, perhaps fewer
        pieces (``Tensor.chunk``); views, as ``split``."""
        chunks = check_int("chunks", chunks, 1)
        axis = _one_dim("chunk", dim, self.ndim)
        n = self.shape[axis]
        if n == 0:  # as PyTorch: that many empty pieces
            return tuple(self[(slice(None),) * axis + (slice(0, 0),)] for _ in range(chunks))
        return self.split(-(-n // chunks), dim)

    def t(self):
        """The transpose of a tensor of at most 2 dims (``Tensor.t``): rows become columns; 0-d
        and 1-d tensors come back as they are. More dims: a ValueError pointing to ``transpose``."""
        if self.ndim > 2:
            raise ValueError(
                f"t() takes a tensor of at most 2 dims, this one has shape {self.shape}: use transpose(d0, d1)"
            )
        return self.transpose() if self.ndim == 2 else self._view_of(_node(self.data, (self,), lambda g: (g,), "t"))

    def permute(self, *dims):
        """The dims reordered (``x.permute(2, 0, 1)`` or ``x.permute((2, 0, 1))``), a view."""
        return self._permuted(_permutation("permute", _one_tuple(dims), self.data.ndim))

    def _permuted(self, axes):
        a = self.data
        inverse = tuple(sorted(range(a.ndim), key=axes.__getitem__))

        def backward(g):
            return (g.transpose(inverse),)

        return self._view_of(_node(a.transpose(axes), (self,), backward, "transpose"))

    def unsqueeze(self, dim=None, *, axis=None):
        """A new dimension of length 1 at position ``dim`` (from -ndim-1 to ndim), a view."""
        dim = check_alias("dim", dim, "axis", axis)
        if dim is None:
            raise TypeError("unsqueeze needs dim, the position of the new dimension")
        a = self.data

        def backward(g):
            return (g.reshape(a.shape),)

        out = np.expand_dims(a, _one_dim("unsqueeze", dim, a.ndim + 1))
        return self._view_of(_node(out, (self,), backward, "unsqueeze"))

    def squeeze(self, dim=None, *, axis=None):
        """Dimensions of length 1 removed: all of them, or those among ``dim`` (an int or a
        tuple); a dim of another length is kept, as in PyTorch. A view."""
        a = self.data
        axes = _normalize_axis(check_alias("dim", dim, "axis", axis), a.ndim)

        def backward(g):
            return (g.reshape(a.shape),)

        out = a.squeeze(tuple(i for i in axes if a.shape[i] == 1))
        return self._view_of(_node(out, (self,), backward, "squeeze"))

    def expand(self, *sizes):
        """x repeated along dimensions of length 1 to ``sizes`` without copying (PyTorch's
        ``expand``): -1 keeps a dimension's length, and new dimensions may be added in front.
        The result shares x's memory, one element standing for several, so writing into it in
        place is refused (``clone()`` it first). The gradient sums over the repeats."""
        sizes = _one_tuple(sizes)
        if not all(isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) for n in sizes):
            raise TypeError(f"expand takes sizes as ints, got {sizes}")
        a = self.data
        new = len(sizes) - a.ndim
        if new < 0:
            raise ValueError(f"expand needs a size for each of the {a.ndim} dimensions of shape {a.shape}, got {sizes}")
        shape = []
        for i, n in enumerate(sizes):
            old = a.shape[i - new] if i >= new else None
            if n == -1 and old is not None:
                n = old
            elif n < 0 or (old is not None and old != 1 and n != old):
                raise ValueError(
                    f"expand cannot turn shape {a.shape} into {sizes}: only a dimension of length 1 can grow "
                    "(-1 keeps a length; a new dimension in front needs its length)"
                )
            shape.append(int(n))
        shape = tuple(shape)
        if shape[new:] == a.shape and all(n == 1 for n in shape[:new]):  # nothing repeats: a writable view
            out = a.reshape(shape)
        else:
            out = np.broadcast_to(a, shape)  # read-only, so an in-place write fails before it writes

        def backward(g):
            return (unbroadcast(g, a.shape),)

        return self._view_of(_node(out, (self,), backward, "expand"))

    def expand_as(self, other):
        """``self.expand(other.shape)``."""
        return self.expand(_shape_of(other, "expand_as"))

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        """Dimensions start_dim to end_dim (all by default) merged into one."""
        if start_dim == 0 and end_dim == -1:
            return self.reshape(-1)
        shape = self.data.shape
        start = _one_dim("flatten", start_dim, len(shape) or 1)
        end = _one_dim("flatten", end_dim, len(shape) or 1)
        if start > end:
            raise ValueError(f"flatten needs start_dim <= end_dim, got {start_dim} and {end_dim} for shape {shape}")
        return self.reshape(*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :])

    def __getitem__(self, index):
        """x[index] with anything numpy takes (ints, slices, None, ..., integer and bool arrays)
        and Tensors, lists and ranges of ints or bools. Ints, slices, None and ... give a view
        (x[0, 1] too, a 0-d one); integer and bool arrays give a copy, as in numpy and PyTorch."""
        index = _plain_index(index)
        a = self.data
        try:
            out = a[index]
        except IndexError as error:
            raise IndexError(f"{error} (indexing a tensor of shape {a.shape})") from None
        parts = index if type(index) is tuple else (index,)
        # an integer array may repeat an element; ints, slices and masks select each at most once
        basic, repeats = True, False
        for i in parts:
            if isinstance(i, np.ndarray):
                basic = False
                repeats = repeats or i.dtype.kind != "b"
            elif isinstance(i, (bool, np.bool_)):
                basic = False
        if basic and type(out) is not np.ndarray:  # an int for every dim: numpy gives a scalar
            out = a[(*parts, Ellipsis)]

        def backward(g):
            grad = np.zeros(a.shape, a.dtype)
            if repeats:
                np.add.at(grad, index, g)  # a repeated index adds each of its gradients
            else:
                grad[index] = g
            return (grad,)

        out = _node(out, (self,), backward, "index")
        return self._view_of(out) if basic else out

    # ----------------------------------------------------------------- softmax family
    def logsumexp(self, axis=-1, keepdims: bool = False, *, dim=None, keepdim=None):
        """log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the max: finite for any logits."""
        if dim is not None or keepdim is not None:
            axis, keepdims = _spelled(axis, keepdims, dim, keepdim, default_axis=-1)
        a = _floating(self.data)
        axes = _normalize_axis(axis, a.ndim)
        if keepdims is not False and keepdims is not True:
            check_bool("keepdims", keepdims)
        m = a.max(axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        lse = np.log(np.exp(a - m).sum(axis=axes, keepdims=True)) + m
        out = lse if keepdims else lse.reshape([n for i, n in enumerate(a.shape) if i not in axes])

        def backward(g):
            return (_expand_reduced(g, axes, a.shape) * np.exp(a - lse),)

        return _node(out, (self,), backward, "logsumexp")

    def log_softmax(self, axis=-1, *, dim=None):
        """log softmax along ``axis``/``dim`` (default the last; ``F.log_softmax``), computed
        as x - max - log(sum(exp(x - max))), finite for logits of any size."""
        if dim is not None:
            axis, _ = _spelled(axis, False, dim, None, default_axis=-1)
        a = _floating(self.data)
        axes = _normalize_axis(axis, a.ndim)
        shifted = a - a.max(axis=axes, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axes, keepdims=True))

        def backward(g):
            return (g - np.exp(out) * g.sum(axis=axes, keepdims=True),)

        return _node(out, (self,), backward, "log_softmax")

    def softmax(self, axis=-1, *, dim=None):
        """exp(x) / sum(exp(x)) along ``axis``/``dim`` (default the last; ``F.softmax``), with
        the max subtracted first so that no logit overflows."""
        if dim is not None:
            axis, _ = _spelled(axis, False, dim, None, default_axis=-1)
        a = _floating(self.data)
        axes = _normalize_axis(axis, a.ndim)
        e = np.exp(a - a.max(axis=axes, keepdims=True))
        out = e / e.sum(axis=axes, keepdims=True)

        def backward(g):
            return (out * (g - (g * out).sum(axis=axes, keepdims=True)),)

        return _node(out, (self,), backward, "softmax")

    # ----------------------------------------------------------------- dtype and device
    def to(self, *args, dtype=None, device=None, copy: bool = False, non_blocking: bool = False):
        """x in another dtype: ``x.to(np.float64)``, ``x.to(mg.float64)``, ``x.to(other)`` for
        other's dtype. ``x.to('cpu')`` and ``x.to(mg.device('cpu'))`` are x: minigrad computes
        with numpy on the CPU, so another device is a ValueError. Returns x itself when nothing
        changes, unless ``copy=True``. Between floating dtypes the gradient flows (cast back); a
        cast to an integer or bool dtype is not differentiable, as in PyTorch."""
        dtype = to_arguments(tuple(a.dtype if isinstance(a, Tensor) else a for a in args), device, dtype)
        check_bool("non_blocking", non_blocking)
        out = self if dtype is None else self._cast(dtype)
        return out.clone() if check_bool("copy", copy) and out is self else out

    def cpu(self):
        """x itself: minigrad's tensors live in the CPU's memory."""
        return self

    def cuda(self, *args, **kwargs):
        """Refused with a ValueError: minigrad computes on the CPU only (``mg.cuda.is_available()``
        is False, so a program that checks it first never calls this)."""
        check_device("cuda")

    @property
    def device(self) -> device:
        """``mg.device("cpu")``: where the tensor lives (``Tensor.device``), always the CPU."""
        return _CPU

    def float(self):
        """x as float32 (x itself if it is already)."""
        return self._cast(np.float32)

    def double(self):
        """x as float64."""
        return self._cast(np.float64)

    def half(self):
        """x as float16."""
        return self._cast(np.float16)

    def long(self):
        """x as int64 (floats truncated toward 0); no gradient flows through it."""
        return self._cast(np.int64)

    def int(self):
        """x as int32 (floats truncated toward 0); no gradient flows through it."""
        return self._cast(np.int32)

    def bool(self):
        """x as bool (non-zero is True); no gradient flows through it."""
        return self._cast(np.bool_)

    def type(self, dtype=None, non_blocking: bool = False):
        """With no argument, PyTorch's legacy name of x's type, such as 'torch.FloatTensor' (so
        code that prints or compares it runs unchanged). With a dtype, such a name, or a
        legacy constructor (``mg.FloatTensor``), x cast to it, as ``to(dtype)``."""
        check_bool("non_blocking", non_blocking)
        if dtype is None:
            return _TYPE_NAMES[self.data.dtype]
        if isinstance(dtype, str) and dtype in _TYPES_NAMED:
            dtype = _TYPES_NAMED[dtype]
        dtype = getattr(dtype, "_legacy_dtype", dtype)  # mg.FloatTensor and the like
        return self._cast(dtype)

    def _cast(self, dtype):
        dtype = _check_dtype(dtype)
        a = self.data
        if a.dtype == dtype:
            return self
        with np.errstate(invalid="ignore", over="ignore"):  # nan, inf or too large into an integer: as numpy gives
            out = a.astype(dtype)
        if dtype.kind != "f" or a.dtype.kind != "f":
            return _constant(out)

        def backward(g):
            return (g,)  # backward() casts it to x's dtype

        return _node(out, (self,), backward, "to")

    def requires_grad_(self, requires_grad: bool = True):
        """Set ``requires_grad`` in place and return x. Only floating-point tensors can require
        grad, and only a leaf's flag can be turned off (``detach()`` a computed tensor instead);
        both are RuntimeErrors, as in PyTorch."""
        requires_grad = check_bool("requires_grad", requires_grad)
        if requires_grad and self.data.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients, this one is {self.dtype}: "
                "convert it first, e.g. x = x.float().requires_grad_()"
            )
        if self._backward is not None and not requires_grad:
            raise RuntimeError(
                f"requires_grad_(False) on a tensor computed by '{self._op}': only a leaf tensor's flag can be "
                "changed. For a copy of its value outside the graph use x.detach()"
            )
        self.requires_grad = requires_grad
        return self

    # ----------------------------------------------------------------- backward
    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False, *, grad=None) -> None:
        """Add d(self)/d(leaf) to the ``.grad`` of every leaf tensor that requires grad.

        ``grad`` is the gradient of some final scalar with respect to this tensor; it may
        be left out only when the tensor has one element (it is then 1). PyTorch calls it
        ``gradient``; ``grad=`` is the same (give one of them). ``retain_graph`` is
        accepted for PyTorch programs and changes nothing: the graph lives as long as its
        tensors do, so a second ``backward()`` through it works either way.
        ``create_graph=True`` (higher-order gradients) is not supported: each op's backward
        computes numpy arrays, not a new graph (ValueError).
        """
        if grad is not None:
            gradient = check_alias("gradient", gradient, "grad", grad)
        grad = gradient
        if retain_graph is not None:
            check_bool("retain_graph", retain_graph)
        if create_graph is not False and check_bool("create_graph", create_graph):
            raise ValueError(
                "create_graph=True asks for a graph of the gradient (higher-order gradients), which minigrad does "
                "not build: its backward rules compute numpy arrays. Use mg.gradcheck or finite differences instead"
            )
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: no input of the "
                "computation had requires_grad=True (or it ran under no_grad())"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a one-element tensor, this one has shape "
                    f"{self.shape}: reduce it first (e.g. .sum() or .mean()) or pass "
                    f"grad=np.ones({self.shape})"
                )
            grad = _filled(self.data.shape, self.data.dtype, 1)
            taken = set()
        else:
            array = np.asarray(grad.data if isinstance(grad, Tensor) else grad)
            if array.dtype.kind not in "biuf":
                raise TypeError(f"backward()'s grad must be an array of numbers or a Tensor, got {grad!r}")
            grad = array.astype(self.data.dtype, copy=False)
            if grad.shape != self.shape:
                raise ValueError(f"backward() got a gradient of shape {grad.shape} for a tensor of shape {self.shape}")
            taken = {id(grad)}

        grads = {self: grad}
        for node in _topological_order(self):
            g = grads.pop(node, None)
            if g is None:
                continue
            # each closure returns one gradient per parent, None for a parent that needs none
            for parent, pg in zip(node._parents, node._backward(g)):  # noqa: B905 (hot loop)
                if pg is None:
                    continue
                dtype = parent.data.dtype
                if pg.dtype is not dtype and pg.dtype != dtype:  # mixed-dtype op: grad takes its input's dtype
                    pg = pg.astype(dtype)
                previous = grads.get(parent)
                grads[parent] = pg if previous is None else previous + pg
        # What is left are the leaves' gradients (and those of inputs that need none, which a
        # closure may compute anyway). A leaf keeps the array it is handed only if nothing
        # else can hold it: not a view, not the caller's array (``taken`` starts with it), not
        # an array already given to another leaf. Otherwise an in-place update of one .grad
        # (accumulation, clipping) would change another.
        for leaf, g in grads.items():
            if not leaf.requires_grad:
                continue
            if type(g) is not np.ndarray:  # numpy scalar from 0-d arithmetic
                g = np.array(g, dtype=leaf.data.dtype)
            if leaf.grad is not None:
                leaf.grad += g
            elif g.base is None and id(g) not in taken:
                taken.add(id(g))
                leaf.grad = g
            else:
                leaf.grad = g.copy()


def _check_unchanged(node: Tensor) -> None:
    """Refuse a backward through an op whose inputs, or whose own result, were changed in
    place after it was recorded: its gradient would mix old and new values."""
    at = node._recorded_at
    if node._backward is not None and node._versions[1] > at:
        raise RuntimeError(
            f"backward() through '{node._op}' (result of shape {node.shape}) is not possible: that result was "
            "changed in place after it was computed, under no_grad(). Run the forward pass again."
        )
    for parent in node._parents:
        if parent._versions[1] > at:
            raise RuntimeError(
                f"backward() through '{node._op}' needs its input of shape {parent.shape} ({parent.dtype}) as it "
                f"was in the forward pass, but that input has been changed in place since (it is now at version "
                f"{parent._version}), e.g. by optimizer.step() or '-='. Run the forward pass again after changing "
                "the weights, then call backward() on the new result."
            )


def _topological_order(root: Tensor) -> list:
    """The tensors computed by ops that ``root`` depends on through grad-requiring edges, root
    first and each before its parents: the order in which backward() calls their closures.
    Leaves are left out (they only collect gradients), so a root that is a leaf gives [].

    An explicit stack instead of recursion, so a graph 100,000 ops deep is fine. Each
    node's inputs are checked on the way, before any gradient is computed, so a refused
    backward leaves every .grad as it was.
    """
    order, visited = [], set()
    stack = [(root, False)] if root._backward is not None else []
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        if node._recorded_at != _changes:  # changed in place since node was recorded?
            _check_unchanged(node)
        for parent in node._parents:
            if parent._backward is not None and parent not in visited:
                stack.append((parent, False))
    order.reverse()
    return order


# --------------------------------------------------------------------- helpers for input
def _check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a dtype; use e.g. np.float32") from None
    if dt.kind not in "biuf":
        raise TypeError(f"Tensor dtype must be a number type, got {dt}")
    return dt


# PyTorch's legacy type names, which Tensor.type() gives and takes
_TYPE_NAMES = {
    np.dtype(dtype): f"torch.{name}Tensor"
    for dtype, name in [
        (np.float16, "Half"), (np.float32, "Float"), (np.float64, "Double"), (np.bool_, "Bool"),
        (np.int8, "Char"), (np.int16, "Short"), (np.int32, "Int"), (np.int64, "Long"),
        (np.uint8, "Byte"), (np.uint16, "UInt16"), (np.uint32, "UInt32"), (np.uint64, "UInt64"),
    ]
}  # fmt: skip
_TYPES_NAMED = {name: dtype for dtype, name in _TYPE_NAMES.items()}


def _array_from_python(data, dtype) -> np.ndarray:
    try:
        array = np.array(data)
    except ValueError:
        raise ValueError(
            "cannot make a Tensor from a ragged nested list: every row must have the same length"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"cannot make a Tensor from a list holding {array.dtype} values: only numbers are allowed")
    return array.astype(dtype)


def _plain_index(index):
    """Indices as numpy understands them: Tensors become arrays (a 0-d integer one an int, so
    that x[i] is a view, as in PyTorch), lists and ranges arrays of ints or bools."""
    if isinstance(index, tuple):
        for i in index:
            if isinstance(i, (Tensor, list, range, tuple)):
                return tuple([_plain_index(i) for i in index])
        return index  # the common case: ints, slices and arrays, already numpy's
    if isinstance(index, Tensor):
        a = index.data
        if a.dtype.kind == "f":
            raise IndexError(f"tensors used as indices must hold integers or bools, this one is {a.dtype}")
        return int(a) if a.ndim == 0 and a.dtype.kind != "b" else a
    if isinstance(index, (list, range)):
        array = np.asarray(index)
        return array if array.size else array.astype(np.intp)  # x[[]] selects nothing
    return index


def _shape_of(other, name):
    if not isinstance(other, (Tensor, np.ndarray)):
        raise TypeError(f"{name} takes a Tensor (or an array), got {type(other).__name__}")
    return other.shape


def _permutation(name, axes, ndim):
    """A permutation of range(ndim), each axis maybe negative, as non-negative ints."""
    if not all(isinstance(ax, (int, np.integer)) and not isinstance(ax, (bool, np.bool_)) for ax in axes):
        raise TypeError(f"{name} takes the dims as ints, got {axes}")
    if sorted(int(ax) % ndim if -ndim <= ax < ndim else -1 for ax in axes) != list(range(ndim)):
        raise ValueError(f"{name} of a {ndim}-D tensor needs a permutation of its dims, got {axes}")
    return tuple(int(ax) % ndim for ax in axes)


def _arguments(name: str, args: tuple, kwargs: dict, defaults: dict) -> list:
    """The values of a method's arguments named in ``defaults`` (in order, with their
    defaults), given by position or by keyword, for names Python cannot spell as parameters
    (``from``); a surplus or unknown argument is a TypeError, as Python gives."""
    if len(args) > len(defaults):
        raise TypeError(f"{name}() takes at most {len(defaults)} arguments ({', '.join(defaults)}), got {len(args)}")
    values = dict(zip(defaults, args, strict=False))  # fewer given than named: the rest keep their defaults
    for key, value in kwargs.items():
        if key not in defaults:
            raise TypeError(f"{name}() got an unexpected keyword argument {key!r} (it takes {', '.join(defaults)})")
        if key in values:
            raise TypeError(f"{name}() got multiple values for argument {key!r}")
        values[key] = value
    return [values.get(key, default) for key, default in defaults.items()]


def _one_tuple(args: tuple) -> tuple:
    """f(2, 3) and f((2, 3)) mean the same, as in numpy and PyTorch."""
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args

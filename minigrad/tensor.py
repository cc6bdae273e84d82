"""The autograd engine: a Tensor that remembers how it was made, and ``backward()``.

Every op below computes its result with numpy and, right beside it, a ``backward(g)``
closure that turns the gradient of the result ``g`` into one gradient per input (the
chain rule, one op at a time). ``Tensor.backward`` walks the recorded graph from the
output to the leaves in topological order, without recursion, and hands each
closure the gradient it needs.

Read it top to bottom: dtype and grad-mode switches, the un-broadcasting helper, the
Tensor with its ops (arithmetic, elementwise, reductions, shape, softmax family), then
backward. Functions that make tensors live in ``creation.py``; ops on several tensors
(``cat``, ``where``...) in ``functions.py``.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .checks import check_bool, check_number

__all__ = [
    "Tensor",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "set_default_dtype",
    "get_default_dtype",
    "unbroadcast",
]

_default_dtype = np.dtype(np.float32)
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
        _grad_enabled = self._mode

    def __exit__(self, *exc_info):
        global _grad_enabled
        _grad_enabled = self._previous

    def __call__(self, fn):
        switch = enable_grad if self._mode else no_grad

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with switch():  # a new switch per call, as calls may nest
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager or decorator in which ops record no graph: for evaluation and for
    optimizer updates, where gradients are not wanted and memory is saved (``torch.no_grad``)."""


class enable_grad(_GradMode):
    """Context manager or decorator that records graphs again inside a ``no_grad`` block
    (``torch.enable_grad``)."""

    _mode = True


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


def _broadcast_error(symbol, a, b):
    return ValueError(
        f"shapes {a.shape} and {b.shape} cannot be broadcast together for '{symbol}': "
        "each trailing dimension must be equal or 1"
    )


class Tensor:
    """An n-dimensional array that records the ops applied to it, for ``backward()``."""

    # _versions: [count of in-place changes of this memory, value of _changes after the latest],
    # one list shared by every tensor that views the same memory (reshape, transpose, basic
    # indexing, detach), so a change through any of them counts for all; _recorded_at: the
    # value of _changes when the op was recorded (backward refuses an input changed since);
    # _base: the tensor whose memory a view shares (unset otherwise)
    __slots__ = (
        "data", "grad", "requires_grad", "_parents", "_backward", "_op", "_versions", "_recorded_at", "_base"
    )
    # Makes numpy hand `ndarray + Tensor` and `np.float64(2) * Tensor` to our reflected
    # operators instead of turning the Tensor into an object array.
    __array_ufunc__ = None

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
        self.requires_grad = check_bool("requires_grad", requires_grad)
        self._parents = ()
        self._backward = None
        self._op = ""
        self._versions = [0, 0]
        self._recorded_at = _changes

    # ----------------------------------------------------------------- attributes
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    dtype = property(lambda self: self.data.dtype)
    size = property(lambda self: self.data.size)
    T = property(lambda self: self.transpose())

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __array__(self, dtype=None, copy=None):
        return np.array(self.data, dtype=dtype, copy=copy)

    def item(self):
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element tensor, this one has shape {self.shape}")
        return self.data.item()

    def __float__(self):
        return float(self.item())

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

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = "" if self.data.dtype == _default_dtype else f", dtype={self.data.dtype}"
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
        if not (isinstance(exponent, _SCALARS) or (isinstance(exponent, np.ndarray) and exponent.ndim == 0)):
            raise TypeError(
                f"** takes a scalar exponent, got {type(exponent).__name__}; "
                "for a tensor exponent write (b * a.log()).exp()"
            )
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

    def __rpow__(self, base):
        if not isinstance(base, _SCALARS):
            raise TypeError(f"in base ** tensor the base must be a scalar, got {type(base).__name__}")
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
            out = a @ b
        except ValueError:
            raise ValueError(f"batch dimensions of {a.shape} and {b.shape} cannot be broadcast for '@'") from None

        def backward(g):
            if a.ndim == 2 and b.ndim == 2:  # the common case, without reshaping
                return (
                    g @ b.T if self.requires_grad else None,
                    a.T @ g if other.requires_grad else None,
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

    # In-place forms (x += y): the result is written into x's own array, so every holder
    # of x (a model, an optimizer) sees it, and x's version goes up by one.
    def __iadd__(self, other):
        return self._in_place(other, Tensor.__add__, "+=")

    def __isub__(self, other):
        return self._in_place(other, Tensor.__sub__, "-=")

    def __imul__(self, other):
        return self._in_place(other, Tensor.__mul__, "*=")

    def __itruediv__(self, other):
        return self._in_place(other, Tensor.__truediv__, "/=")

    def _in_place(self, other, op, symbol):
        """PyTorch's in-place semantics: refused on a leaf that requires grad while grad is
        recorded (its gradient would describe a value it no longer has). With nothing to
        record (under no_grad, or no input requires grad) the new value is written into x's
        own array, seen by every tensor sharing it. While recording, x gets new memory and
        takes over the new op's place in the graph; the old value keeps its memory for the
        ops that used it, whose backward is then refused."""
        global _changes
        if _grad_enabled and self.requires_grad and self._backward is None:
            raise RuntimeError(
                f"'{symbol}' would change a leaf tensor that requires grad (shape {self.shape}) in place. "
                "For an update of weights, do it inside `with mg.no_grad():`; to compute a new value, "
                f"write x = x {symbol[0]} y"
            )
        other = _lift(other, self)
        tracked = _grad_enabled and (self.requires_grad or other.requires_grad)
        if tracked and getattr(self, "_base", None) is not None:
            raise RuntimeError(
                f"'{symbol}' would change, while recording a graph, a tensor of shape {self.shape} that shares its "
                "memory with another (it was made by reshape, transpose, indexing or detach). Change the original "
                "tensor instead, do it under `with mg.no_grad():`, or write x = x " + symbol[0] + " y for a new tensor"
            )
        before = self
        if tracked:  # the old value keeps its array and its place in the graph; x moves on
            before = Tensor.__new__(Tensor)
            for slot in Tensor.__slots__:
                if hasattr(self, slot):  # _base is set on views only
                    setattr(before, slot, getattr(self, slot))
        result = op(before, before if other is self else other)  # x += x adds the old x to itself
        if result.shape != self.shape:
            raise ValueError(
                f"'{symbol}' cannot write a result of shape {result.shape} into a tensor of shape {self.shape}: "
                "in-place ops may broadcast the right operand only"
            )
        if not np.can_cast(result.dtype, self.dtype, casting="same_kind"):
            raise TypeError(
                f"'{symbol}' gives a {result.dtype} result, which cannot be stored in place in a {self.dtype} tensor; "
                f"write x = x {symbol[0]} y for a new tensor"
            )
        if tracked:  # new memory for x, with its own count; the old value keeps the old memory
            _changes += 1
            self._versions = [self._versions[0] + 1, _changes]
            self._recorded_at = _changes  # x's new op was recorded with its inputs as they are
            self.data = result.data.astype(self.dtype, copy=False)
            self.requires_grad = True
            self._parents, self._backward, self._op = result._parents, result._backward, result._op
            return self
        self.data[...] = result.data
        self._version += 1  # for every tensor sharing this memory; the op that made x (if any)
        return self  # may need the value it made, so backward through it is refused

    # ----------------------------------------------------------------- elementwise
    def exp(self):
        out = np.exp(_floating(self.data))

        def backward(g):
            return (g * out,)

        return _node(out, (self,), backward, "exp")

    def log(self):
        a = _floating(self.data)
        out = np.log(a)

        def backward(g):
            return (g / a,)

        return _node(out, (self,), backward, "log")

    def sqrt(self):
        out = np.sqrt(_floating(self.data))

        def backward(g):
            return (g / (2 * out),)

        return _node(out, (self,), backward, "sqrt")

    def tanh(self):
        out = np.tanh(_floating(self.data))

        def backward(g):
            return (g * (1 - out * out),)

        return _node(out, (self,), backward, "tanh")

    def sigmoid(self):
        a = _floating(self.data)
        # exp(-|a|) never overflows; 1/(1+e) for a >= 0 and e/(1+e) for a < 0 keep full
        # relative precision in both tails (sigmoid(-40) is 4e-18, not 0).
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1, e) / (1 + e)

        def backward(g):
            return (g * (1 - out) * out,)  # in PyTorch's order, for the same rounding

        return _node(out, (self,), backward, "sigmoid")

    def relu(self):
        a = self.data
        out = np.maximum(a, 0)

        def backward(g):
            return (_select(g, ~(a <= 0)),)  # a nan input passes its gradient on, as in PyTorch

        return _node(out, (self,), backward, "relu")

    def leaky_relu(self, negative_slope: float = 0.01):
        a = self.data
        slope = check_number("negative_slope", negative_slope)
        positive = a > 0
        out = np.where(positive, a, a * slope)

        def backward(g):
            return (np.where(positive, g, g * slope),)

        return _node(out, (self,), backward, "leaky_relu")

    def abs(self):
        a = self.data

        def backward(g):
            return (g * np.sign(np.nan_to_num(a)),)  # sign(nan) counts as 0, as in PyTorch

        return _node(np.abs(a), (self,), backward, "abs")

    def clip(self, lo=None, hi=None):
        """Limit values to [lo, hi]; the gradient passes where lo <= x <= hi (PyTorch's clamp).
        Integer tensors stay integer with integer bounds and become float with float ones."""
        if lo is None and hi is None:
            raise ValueError("clip needs lo, hi or both")
        for name, bound in (("lo", lo), ("hi", hi)):
            if bound is not None and (isinstance(bound, (bool, np.bool_)) or not isinstance(bound, _SCALARS)):
                raise TypeError(f"clip's {name} must be a number or None, got {bound!r}")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip needs lo <= hi, got lo={lo} and hi={hi}")
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

    # ----------------------------------------------------------------- reductions
    def sum(self, axis=None, keepdims: bool = False):
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

    def mean(self, axis=None, keepdims: bool = False):
        a = self.data
        axes = _normalize_axis(axis, a.ndim)
        if keepdims is not False and keepdims is not True:
            check_bool("keepdims", keepdims)
        count = math.prod([a.shape[i] for i in axes])
        if a.dtype.kind != "f":
            raise TypeError(
                f"mean() needs a floating-point tensor, this one is {a.dtype}: "
                "convert it first, e.g. mg.Tensor(x.data, dtype=np.float32)"
            )
        if count == 0:
            raise ValueError(f"mean over an empty axis of a tensor of shape {a.shape}")
        out = a.sum(axis=axes, keepdims=keepdims) / count  # what a.mean() computes, without its overhead

        def backward(g):
            return (_filled(a.shape, a.dtype, _expand_reduced(g / count, axes, a.shape)),)

        return _node(out, (self,), backward, "mean")

    def max(self, axis=None, keepdims: bool = False):
        """Largest value; where several entries tie, they share the gradient equally
        (PyTorch's ``amax`` and full ``max()``)."""
        a = self.data
        axes = _normalize_axis(axis, a.ndim)
        if keepdims is not False and keepdims is not True:
            check_bool("keepdims", keepdims)
        if a.size == 0:
            raise ValueError(f"max of an empty tensor of shape {a.shape}")
        top = np.maximum.reduce(a, axis=axes, keepdims=True)  # a.max() without its Python wrapper
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

        return _node(out, (self,), backward, "max")

    # ----------------------------------------------------------------- shape
    def reshape(self, *shape):
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

    def transpose(self, *axes):
        axes = _one_tuple(axes)
        a = self.data
        if not axes:
            axes = tuple(reversed(range(a.ndim)))
        elif sorted(int(ax) % a.ndim if -a.ndim <= ax < a.ndim else -1 for ax in axes) != list(range(a.ndim)):
            raise ValueError(f"transpose of a {a.ndim}-D tensor needs a permutation of its axes, got {axes}")
        else:
            axes = tuple(int(ax) % a.ndim for ax in axes)
        inverse = tuple(sorted(range(a.ndim), key=axes.__getitem__))

        def backward(g):
            return (g.transpose(inverse),)

        return self._view_of(_node(a.transpose(axes), (self,), backward, "transpose"))

    def flatten(self):
        return self.reshape(-1)

    def __getitem__(self, index):
        index = _plain_index(index)
        a = self.data
        out = a[index]
        # ints and slices select each element at most once; integer arrays may repeat one
        basic = not any(isinstance(i, np.ndarray) for i in (index if isinstance(index, tuple) else (index,)))

        def backward(g):
            grad = np.zeros(a.shape, a.dtype)
            if basic:
                grad[index] = g
            else:
                np.add.at(grad, index, g)  # a repeated index adds each of its gradients
            return (grad,)

        out = _node(out, (self,), backward, "index")
        return self._view_of(out) if basic else out

    # ----------------------------------------------------------------- softmax family
    def logsumexp(self, axis=-1, keepdims: bool = False):
        """log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the max: finite for any logits."""
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

    def log_softmax(self, axis=-1):
        a = _floating(self.data)
        axes = _normalize_axis(axis, a.ndim)
        shifted = a - a.max(axis=axes, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axes, keepdims=True))

        def backward(g):
            return (g - np.exp(out) * g.sum(axis=axes, keepdims=True),)

        return _node(out, (self,), backward, "log_softmax")

    def softmax(self, axis=-1):
        a = _floating(self.data)
        axes = _normalize_axis(axis, a.ndim)
        e = np.exp(a - a.max(axis=axes, keepdims=True))
        out = e / e.sum(axis=axes, keepdims=True)

        def backward(g):
            return (out * (g - (g * out).sum(axis=axes, keepdims=True)),)

        return _node(out, (self,), backward, "softmax")

    # ----------------------------------------------------------------- backward
    def backward(self, grad=None) -> None:
        """Add d(self)/d(leaf) to the ``.grad`` of every leaf tensor that requires grad.

        ``grad`` is the gradient of some final scalar with respect to this tensor; it may
        be left out only when the tensor has one element (it is then 1).
        """
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
        # A leaf keeps the array it is handed only if nothing else can hold it: not a view,
        # not the caller's array (``taken`` starts with it), not an array already given to
        # another leaf. Otherwise an in-place update of one .grad (accumulation, clipping)
        # would change another.
        for node in reversed(_topological_order(self)):
            g = grads.pop(node, None)
            if g is None:
                continue
            if node._backward is None:
                if type(g) is not np.ndarray:  # numpy scalar from 0-d arithmetic
                    g = np.array(g, dtype=node.data.dtype)
                if node.grad is not None:
                    node.grad += g
                elif g.base is None and id(g) not in taken:
                    taken.add(id(g))
                    node.grad = g
                else:
                    node.grad = g.copy()
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
    """Every tensor ``root`` depends on through grad-requiring edges, each after its parents.

    An explicit stack instead of recursion, so a graph 100,000 ops deep is fine. Each
    node's inputs are checked on the way, before any gradient is computed, so a refused
    backward leaves every .grad as it was.
    """
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        if node._recorded_at != _changes:  # something changed in place since node was recorded
            _check_unchanged(node)
        for parent in node._parents:
            if parent.requires_grad and parent not in visited:
                stack.append((parent, False))
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
    """Indices as numpy understands them: Tensors and lists become integer arrays."""
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _one_tuple(args: tuple) -> tuple:
    """f(2, 3) and f((2, 3)) mean the same, as in numpy and PyTorch."""
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args

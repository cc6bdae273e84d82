"""Making tensors: PyTorch's factory functions, with its argument names, defaults and dtypes.

- from data: ``tensor`` (copies; infers the dtype as ``torch.tensor`` does), ``as_tensor`` and
  ``from_numpy`` (share a numpy array's memory);
- filled: ``zeros, ones, empty, full`` and their ``*_like`` forms, ``eye``;
- ranges: ``arange``, ``linspace``;
- random: ``rand, randn, randint, randperm, multinomial`` and ``rand_like, randn_like``.

Sizes are separate ints or one tuple/list: ``zeros(2, 3)`` or ``zeros((2, 3))`` (``full``
takes a tuple or list only, as in PyTorch). ``dtype`` is a dtype name (``mg.float32``,
``mg.long``...) or anything ``np.dtype`` accepts; a float result is the default dtype
(``mg.get_default_dtype()``, float32) unless ``dtype`` says otherwise. ``requires_grad=True``
is for floating-point results only (TypeError otherwise). The random ones draw from
``generator`` (an ``mg.Generator``, a numpy Generator or an int seed) or, when it is None,
from minigrad's default generator (``mg.manual_seed``): same seed, same numbers, but not
PyTorch's numbers, as the streams are numpy's. ``device`` may be given as ``"cpu"`` (the
only device; another is a ValueError).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .checks import check_alias, check_bool, check_int
from .device import check_device
from .rng import as_generator
from .tensor import Tensor, _check_dtype, _constant, _one_tuple, _promote_types, get_default_dtype

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "rand_like",
    "randn_like",
    "eye",
    "arange",
    "linspace",
    "rand",
    "randn",
    "randint",
    "randperm",
    "multinomial",
    "FloatTensor",
    "DoubleTensor",
    "LongTensor",
    "IntTensor",
    "BoolTensor",
    "HalfTensor",
    "ShortTensor",
    "CharTensor",
    "ByteTensor",
]


def _wrap(array: np.ndarray, requires_grad, device=None) -> Tensor:
    """A leaf Tensor holding ``array`` itself (no copy). ``device``: None or the CPU
    (``"cpu"``, ``mg.device("cpu")``); another device is a ValueError (device.py)."""
    if device is not None:
        check_device(device)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"tensors hold numbers, got an array of dtype {array.dtype}")
    out = _constant(array)
    if requires_grad is not False:
        if check_bool("requires_grad", requires_grad) and array.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require grad, this one is {array.dtype}; "
                "pass dtype=mg.float32 (or float64)"
            )
        out.requires_grad = requires_grad
    return out


def _dtype(dtype) -> np.dtype:
    return get_default_dtype() if dtype is None else _check_dtype(dtype)


def _float_dtype(dtype, name: str) -> np.dtype:
    dt = _dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"{name} makes floating-point tensors, got dtype {dt}")
    return dt


def _size(size: tuple) -> tuple:
    size = _one_tuple(size)
    for n in size:
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"a shape is made of ints, got {size}")
        if n < 0:
            raise ValueError(f"a shape is made of non-negative ints, got {size}")
    return tuple(int(n) for n in size)


def _like(input, name: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}() takes a Tensor, got {type(input).__name__}")
    return input


def _number(name: str, value):
    """A Python number (bool, int or float) from a Python or numpy number or a one-element Tensor."""
    if isinstance(value, Tensor) and value.size == 1:
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    raise TypeError(f"{name} must be a number, got {value!r}")


def _python_dtype(kind: type) -> np.dtype:
    """PyTorch's dtype for a Python number type: bool, int64, or the default float dtype."""
    if kind is bool:
        return np.dtype(np.bool_)
    return np.dtype(np.int64) if kind is int else get_default_dtype()


def _fits(dtype: np.dtype, low: int, high: int, what: str) -> None:
    """Refuse integers from ``low`` to ``high`` that ``dtype`` cannot hold, rather than let
    them wrap around."""
    if dtype.kind in "biu":
        least, most = (0, 1) if dtype.kind == "b" else (np.iinfo(dtype).min, np.iinfo(dtype).max)
        if low < least or high > most:
            raise ValueError(f"{what} from {low} to {high} do not fit in {dtype} ({least} to {most})")


# --------------------------------------------------------------------- from data
_PYTHON_NUMBERS = (bool, int, float)


def _element_types(data) -> set:
    """The types of the numbers in nested lists/tuples, one level of nesting at a time:
    Python number types, and the dtypes of numpy numbers, arrays and Tensors among them."""
    found, level = set(), data
    while level:
        inner = []
        for kind in set(map(type, level)):
            if kind in _PYTHON_NUMBERS:
                found.add(kind)
            elif issubclass(kind, (list, tuple)):
                inner.extend(item for item in level if type(item) is kind)
            elif issubclass(kind, (np.ndarray, np.generic, Tensor)):
                found.update(item.dtype for item in level if type(item) is kind)
            else:
                raise TypeError(
                    f"cannot make a tensor from a list holding {kind.__name__} values: only numbers are allowed"
                )
        level = list(itertools.chain.from_iterable(inner))
    return found


def _inferred_dtype(found: set) -> np.dtype:
    """``torch.tensor``'s dtype for data holding these types: a Python bool is bool, an int
    int64, a float the default float dtype; numpy numbers, arrays and Tensors keep their
    own; together they promote as in PyTorch (int64 with float32 is float32). No element at
    all (``[]``) is the default float dtype."""
    dtypes = set()
    for item in found:  # a Python number type or a numpy dtype (which compares equal to int, float...)
        if isinstance(item, type):
            dtypes.add(_python_dtype(item))
        elif item.kind not in "biuf":
            raise TypeError(f"cannot make a tensor from {item} values: only numbers are allowed")
        else:
            dtypes.add(item)
    if not dtypes:
        return get_default_dtype()
    result = dtypes.pop()
    for dt in dtypes:
        result = _promote_types(result, dt)
    return result


def tensor(data, requires_grad: bool = False, dtype=None, device=None) -> Tensor:
    """A new tensor holding a copy of ``data`` (``torch.tensor``): a number, a nested
    list/tuple of numbers, an ndarray or a Tensor.

    Without ``dtype``, the dtype is PyTorch's: Python ints (and lists of them) give int64,
    bools give bool, and any float makes the whole the default float dtype (float32); an
    ndarray, a numpy number or a Tensor keeps its dtype. (``mg.Tensor(data)`` is different,
    as ``torch.Tensor`` is: lists and numbers always become the default float dtype.)
    A Tensor is copied without its graph. Errors: TypeError for data that is not numbers,
    or requires_grad on a non-float result; ValueError for a ragged list or an int too
    large for int64.
    """
    if dtype is not None:
        dtype = _check_dtype(dtype)
    if isinstance(data, Tensor):
        return _wrap(np.array(data.data, dtype=dtype), requires_grad, device)
    if isinstance(data, (np.ndarray, np.generic)):
        return _wrap(np.array(data, dtype=dtype), requires_grad, device)
    if type(data) in _PYTHON_NUMBERS:
        found = {type(data)}
    elif isinstance(data, (list, tuple)):
        found = _element_types(data)
    else:
        raise TypeError(
            f"cannot make a tensor from {type(data).__name__}: "
            "pass a number, a nested list of numbers, a numpy array or a Tensor"
        )
    if dtype is None:
        dtype = _inferred_dtype(found)
    try:
        array = np.array(data, dtype=dtype)
    except OverflowError as error:
        raise ValueError(f"cannot make a {dtype} tensor from these values: {error}") from None
    except ValueError:
        raise ValueError(
            "cannot make a tensor from a ragged nested list: every row must have the same length"
        ) from None
    return _wrap(array, requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """``data`` as a Tensor, sharing memory where it can (``torch.as_tensor``): a Tensor of
    that dtype is returned itself, an ndarray of that dtype is wrapped without a copy (as
    ``from_numpy``); anything else is copied as by ``tensor`` (a Tensor converted to another
    dtype is a copy without its graph)."""
    if device is not None:
        check_device(device)
    if dtype is not None:
        dtype = _check_dtype(dtype)
    if isinstance(data, Tensor) and dtype in (None, data.dtype):
        return data
    if isinstance(data, np.ndarray) and dtype in (None, data.dtype):
        return from_numpy(data)
    return tensor(data.data if isinstance(data, Tensor) else data, dtype=dtype)


class _LegacyTensorType(type):
    """PyTorch's legacy typed constructors (``torch.FloatTensor``, ...), still common in older
    tutorials. ``FloatTensor(data)`` is a copy of ``data`` (a list, ndarray or Tensor) as that
    dtype (a float made integer truncates, as in PyTorch); ``FloatTensor(2, 3)`` an
    uninitialised (2, 3) tensor and ``FloatTensor()`` an empty one. ``x.type(mg.FloatTensor)``
    casts to it, and ``isinstance(x, mg.FloatTensor)`` is whether x is a Tensor of that dtype
    (True for a float32 tensor, False for a float64 one), as in PyTorch, where they are types
    too (``torch.tensortype``) but no tensor's class."""

    def __call__(cls, *args, device=None):
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_)) for a in args):
            return empty(*args or (0,), dtype=cls._legacy_dtype, device=device)
        if len(args) != 1:
            raise TypeError(
                f"{cls.__name__}() takes one list, array or Tensor, or sizes as ints; got {len(args)} arguments"
            )
        return tensor(args[0], dtype=cls._legacy_dtype, device=device)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls._legacy_dtype

    @property
    def dtype(cls) -> np.dtype:
        """The dtype of its tensors (``torch.FloatTensor.dtype``)."""
        return cls._legacy_dtype


def _legacy_constructor(name: str, dtype) -> _LegacyTensorType:
    doc = f"A {np.dtype(dtype)} tensor, as ``torch.{name}``: see ``creation._LegacyTensorType``."
    return _LegacyTensorType(name, (), {"_legacy_dtype": np.dtype(dtype), "__doc__": doc, "__module__": "minigrad"})


FloatTensor = _legacy_constructor("FloatTensor", np.float32)
DoubleTensor = _legacy_constructor("DoubleTensor", np.float64)
LongTensor = _legacy_constructor("LongTensor", np.int64)
IntTensor = _legacy_constructor("IntTensor", np.int32)
BoolTensor = _legacy_constructor("BoolTensor", np.bool_)
HalfTensor = _legacy_constructor("HalfTensor", np.float16)
ShortTensor = _legacy_constructor("ShortTensor", np.int16)
CharTensor = _legacy_constructor("CharTensor", np.int8)
ByteTensor = _legacy_constructor("ByteTensor", np.uint8)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A Tensor that shares ``ndarray``'s memory and dtype (``torch.from_numpy``): a change
    to either is seen by the other. TypeError for anything but an ndarray of numbers."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy() takes a numpy array, got {type(ndarray).__name__}")
    return _wrap(ndarray, False)


# --------------------------------------------------------------------- filled
def zeros(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A tensor of zeros of shape ``size`` (``torch.zeros``)."""
    return _wrap(np.zeros(_size(size), _dtype(dtype)), requires_grad, device)


def ones(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A tensor of ones of shape ``size`` (``torch.ones``)."""
    return _wrap(np.ones(_size(size), _dtype(dtype)), requires_grad, device)


def empty(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A tensor of shape ``size`` to be filled in (``torch.empty``). It holds zeros, where
    PyTorch leaves whatever was in memory."""
    return zeros(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def full(size, fill_value, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A tensor of shape ``size`` (a tuple or list) filled with ``fill_value``
    (``torch.full``). Without ``dtype``: an int fills an int64 tensor, a bool a bool one, a
    float the default float dtype."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full() takes size as a tuple or list, e.g. full((3,), 1.0); got {size!r}")
    fill_value = _number("fill_value", fill_value)
    dt = _python_dtype(type(fill_value)) if dtype is None else _check_dtype(dtype)
    return _wrap(_filled_array(_size(size), fill_value, dt), requires_grad, device)


def _filled_array(shape, value, dtype) -> np.ndarray:
    if dtype.kind in "iu" and isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} does not fit in {dtype}")
    try:
        return np.full(shape, value, dtype)
    except OverflowError:
        raise ValueError(f"{value} does not fit in {dtype}") from None


def zeros_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Zeros of ``input``'s shape and dtype (or ``dtype``) (``torch.zeros_like``)."""
    input = _like(input, "zeros_like")
    return _wrap(np.zeros(input.shape, input.dtype if dtype is None else _check_dtype(dtype)), requires_grad, device)


def ones_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Ones of ``input``'s shape and dtype (or ``dtype``) (``torch.ones_like``)."""
    input = _like(input, "ones_like")
    return _wrap(np.ones(input.shape, input.dtype if dtype is None else _check_dtype(dtype)), requires_grad, device)


def empty_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A tensor like ``input`` to be filled in (``torch.empty_like``); it holds zeros."""
    return zeros_like(_like(input, "empty_like"), dtype=dtype, requires_grad=requires_grad, device=device)


def full_like(input: Tensor, fill_value, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """``fill_value`` in ``input``'s shape and dtype (or ``dtype``) (``torch.full_like``);
    a float fill of an integer tensor is truncated, as in PyTorch."""
    input = _like(input, "full_like")
    dt = input.dtype if dtype is None else _check_dtype(dtype)
    return _wrap(_filled_array(input.shape, _number("fill_value", fill_value), dt), requires_grad, device)


def eye(n: int, m: int | None = None, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """The n x m identity matrix (m = n unless given) (``torch.eye``)."""
    n = check_int("n", n, 0)
    m = n if m is None else check_int("m", m, 0)
    return _wrap(np.eye(n, m, dtype=_dtype(dtype)), requires_grad, device)


# --------------------------------------------------------------------- ranges
def _two_product(a: np.ndarray, b: np.ndarray):
    """(p, e) with p + e == a * b exactly (Dekker's product): each factor is split into two
    halves short enough that their products are exact in float64."""

    def halves(x):
        c = 134217729.0 * x  # 2**27 + 1
        high = c - (c - x)
        return high, x - high

    p = a * b
    ah, al = halves(a)
    bh, bl = halves(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _fma(a, b: np.ndarray, c, dtype: np.dtype) -> np.ndarray:
    """a * b + c rounded once to ``dtype`` (float32 or float64), as the fused multiply-add
    that PyTorch's compiled kernels use: rounding the product first can differ by an ulp,
    and near 0 (where end - step * k cancels) by far more relative to the result. numpy
    has no fma, so the product is taken exactly (``_two_product``) and added with its error."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    p, p_error = _two_product(a, b)
    s = c + p
    p_part = s - c
    s_error = (c - (s - p_part)) + (p - p_part)  # c + p == s + s_error exactly (Knuth's two-sum)
    error = s_error + p_error
    if dtype == np.float64:
        return s + error
    # Rounding s to float32 would round twice; rounding it to odd first (toward the error,
    # when its last bit is even) makes the second rounding the correct one
    even = (s.view(np.int64) & 1) == 0
    s = np.where((error != 0) & even, np.nextafter(s, np.copysign(np.inf, error)), s)
    return s.astype(dtype)


def arange(start=None, end=None, step=1, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """``start, start + step, ...`` up to but excluding ``end`` (``torch.arange``):
    ``arange(end)``, ``arange(start, end)``, ``arange(start, end, step)``.

    dtype: int64 when start, end and step are all ints, else the default float dtype.
    Length: ceil((end - start) / step), computed in float64 (in exact integers for int64).
    Values: start + i * step, rounded once. Errors: ValueError for step 0, a non-finite
    start or end, or a step pointing away from end; TypeError for non-numbers.
    """
    if end is None:
        if start is None:
            raise TypeError("arange() needs end: arange(end), arange(start, end) or arange(start, end, step)")
        start, end = 0, start
    elif start is None:
        start = 0
    start, end, step = (_number(name, v) for name, v in (("start", start), ("end", end), ("step", step)))
    if dtype is None:
        floating = any(isinstance(v, float) for v in (start, end, step))
        dt = get_default_dtype() if floating else np.dtype(np.int64)
    else:
        dt = _check_dtype(dtype)
    if step == 0:
        raise ValueError("arange() needs a nonzero step")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise ValueError(f"arange() needs a finite start and end, got {start} -> {end}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise ValueError(
            f"arange() from {start} to {end} with step {step}: the step must point from start to end "
            "(positive when end >= start, negative when end <= start)"
        )
    if dt.kind == "b":
        raise TypeError("arange() makes number tensors, not bool")
    if dt.kind in "iu":
        # in PyTorch's integer arithmetic: start and step truncated to integers
        start, step = int(start), int(step)
        if step == 0:
            raise ValueError(f"arange() with dtype {dt} truncates the step to 0")
    if dt == np.int64:
        end = int(end)
        sign = 1 if step > 0 else -1
        count = abs(end - start + step - sign) // abs(step)  # C's truncating division of same-sign numbers
    else:
        count = math.ceil((float(end) - float(start)) / float(step))
    count = max(count, 0)
    if dt.kind in "iu":
        if count:
            _fits(dt, min(start, start + (count - 1) * step), max(start, start + (count - 1) * step), "arange() values")
        return _wrap((np.arange(count, dtype=np.int64) * step + start).astype(dt), requires_grad, device)
    work = np.dtype(np.float32) if dt == np.float16 else np.dtype(np.float64)  # PyTorch's accumulation type
    start, step = np.asarray(start, work), np.asarray(step, work)
    return _wrap(_fma(step, np.arange(count, dtype=np.float64), start, work).astype(dt), requires_grad, device)


def linspace(start, end, steps: int, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included
    (``torch.linspace``), in the default float dtype unless ``dtype`` says otherwise.

    PyTorch's formula, which is not numpy's: with step = (end - start) / (steps - 1) in the
    result's dtype, the first half is start + i * step and the second half
    end - (steps - 1 - i) * step, each rounded once; integer dtypes compute in float64 and
    truncate. ``steps`` is an int >= 0 (TypeError / ValueError otherwise).
    """
    start, end = _number("start", start), _number("end", end)
    steps = check_int("steps", steps, 0)
    dt = _dtype(dtype)
    if dt.kind == "b":
        raise TypeError("linspace() makes number tensors, not bool")
    if steps <= 1:
        return _wrap(np.full(steps, start, dt), requires_grad, device)
    # start and end in the result's dtype; the step in it too, or in float64 for integers
    if dt.kind in "iu":
        _fits(dt, min(int(start), int(end)), max(int(start), int(end)), "linspace() ends")
    with np.errstate(over="ignore"):
        first, last = np.asarray(start).astype(dt), np.asarray(end).astype(dt)
    overflowed = np.isinf(first) and math.isfinite(start) or np.isinf(last) and math.isfinite(end)
    if overflowed:
        raise ValueError(f"linspace() ends {start} and {end} do not fit in {dt}")
    work = dt if dt.kind == "f" else np.dtype(np.float64)
    step = (last.astype(work) - first.astype(work)) / work.type(steps - 1)
    i = np.arange(steps)
    first_half = i < steps // 2
    count = np.where(first_half, i, steps - 1 - i).astype(work)
    base = np.where(first_half, first, last).astype(work)
    step = np.where(first_half, step, -step)
    if dt == np.float16:  # PyTorch's half arithmetic rounds after each operation
        return _wrap(base + step * count, requires_grad, device)
    values = _fma(step, count, base, work)  # first half start + i * step, second end - (steps - 1 - i) * step
    return _wrap(values if dt.kind == "f" else np.trunc(values).astype(dt), requires_grad, device)


# --------------------------------------------------------------------- random
def rand(*size, generator=None, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Samples of the uniform distribution on [0, 1) (``torch.rand``)."""
    samples = _uniform(_size(size), _float_dtype(dtype, "rand"), as_generator(generator, "generator"))
    return _wrap(samples, requires_grad, device)


def _uniform(shape, dtype, gen) -> np.ndarray:
    if dtype == np.float16:  # 11-bit values k / 2048: exactly representable, all below 1
        return (gen.integers(0, 2048, size=shape) / 2048).astype(dtype)
    return gen.random(shape, dtype=dtype)


def randn(*size, generator=None, dtype=None, requires_grad: bool = False, device=None, rng=None) -> Tensor:
    """Samples of the standard normal distribution (``torch.randn``). ``rng`` is the same as
    ``generator`` (minigrad's older name; give one or the other)."""
    generator = check_alias("generator", generator, "rng", rng)
    samples = _normal(_size(size), _float_dtype(dtype, "randn"), as_generator(generator, "generator"))
    return _wrap(samples, requires_grad, device)


def _normal(shape, dtype, gen) -> np.ndarray:
    if dtype == np.float16:
        return gen.standard_normal(shape, dtype=np.float32).astype(dtype)
    return gen.standard_normal(shape, dtype=dtype)


def rand_like(input: Tensor, generator=None, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """``rand`` in ``input``'s shape and dtype (or ``dtype``), floating point (``torch.rand_like``)."""
    input = _like(input, "rand_like")
    dt = _float_dtype(input.dtype if dtype is None else dtype, "rand_like")
    return _wrap(_uniform(input.shape, dt, as_generator(generator, "generator")), requires_grad, device)


def randn_like(input: Tensor, generator=None, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """``randn`` in ``input``'s shape and dtype (or ``dtype``), floating point (``torch.randn_like``)."""
    input = _like(input, "randn_like")
    dt = _float_dtype(input.dtype if dtype is None else dtype, "randn_like")
    return _wrap(_normal(input.shape, dt, as_generator(generator, "generator")), requires_grad, device)


def randint(
    low=0, high=None, size=None, *, generator=None, dtype=None, requires_grad: bool = False, device=None
) -> Tensor:
    """Integers drawn uniformly from low (inclusive) to high (exclusive) (``torch.randint``):
    ``randint(high, size)`` or ``randint(low, high, size)``, ``size`` a tuple or list.
    int64 unless ``dtype`` says otherwise. Errors: TypeError for a missing size or bounds
    that are not ints; ValueError unless low < high, or for bounds ``dtype`` cannot hold."""
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=...)
        low, high = 0, low
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"randint() needs size, a tuple or list of ints: randint(high, size) or randint(low, high, size); "
            f"got size={size!r}"
        )
    low, high = check_int("low", low), check_int("high", high)
    if low >= high:
        raise ValueError(f"randint() draws from low to high - 1, so it needs low < high; got low={low}, high={high}")
    dt = np.dtype(np.int64) if dtype is None else _check_dtype(dtype)
    _fits(dt, low, high - 1, "randint() values")
    samples = as_generator(generator, "generator").integers(low, high, size=_size(size))
    return _wrap(samples.astype(dt), requires_grad, device)


def randperm(n: int, *, generator=None, dtype=np.int64, requires_grad: bool = False, device=None) -> Tensor:
    """A random permutation of 0, ..., n - 1 (``torch.randperm``), int64 unless ``dtype``
    says otherwise."""
    n = check_int("n", n, 0)
    dt = _check_dtype(dtype)
    _fits(dt, 0, n - 1, "randperm() values")
    return _wrap(as_generator(generator, "generator").permutation(n).astype(dt), requires_grad, device)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
    """Category indices drawn with probabilities proportional to the weights in ``input``
    (``torch.multinomial``): 1-D weights give ``num_samples`` indices, 2-D weights (one
    distribution per row) ``num_samples`` indices per row. int64 result, no gradient.

    Weights are floating point (TypeError otherwise), finite and >= 0, not all 0 in a row
    (ValueError). Without ``replacement`` each index appears at most once, so a row needs
    at least ``num_samples`` nonzero weights (ValueError, as PyTorch's documentation asks;
    PyTorch itself then returns indices of weight 0).
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"multinomial() takes a Tensor of weights, got {type(input).__name__}")
    weights = input.data
    if weights.ndim not in (1, 2):
        raise ValueError(
            f"multinomial() takes 1-D weights or 2-D ones (a distribution per row), got shape {weights.shape}"
        )
    if weights.dtype.kind != "f":
        raise TypeError(
            f"multinomial() needs floating-point weights, got {weights.dtype}: "
            "convert counts first, e.g. mg.tensor(counts, dtype=mg.float32)"
        )
    num_samples = check_int("num_samples", num_samples)
    if num_samples <= 0:
        raise ValueError(f"multinomial() needs num_samples >= 1, got {num_samples}")
    replacement = check_bool("replacement", replacement)
    categories = weights.shape[-1]
    if categories > 2**24:
        raise ValueError(f"multinomial() takes at most 2**24 categories, got {categories}")
    if not replacement and num_samples > categories:
        raise ValueError(
            f"multinomial() cannot draw {num_samples} samples without replacement from {categories} categories"
        )
    rows = weights.reshape(-1, categories).astype(np.float64)
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise ValueError("multinomial() weights must be finite and >= 0 (no inf, nan or negative weight)")
    totals = rows.sum(axis=1)
    nonzero = np.count_nonzero(rows, axis=1)
    short = np.flatnonzero(nonzero < (1 if replacement else num_samples))
    if len(short):
        r = short[0]
        where = f" in row {r}" if weights.ndim == 2 else ""
        if nonzero[r] == 0:
            raise ValueError(f"multinomial() weights{where} are all 0: at least one must be positive")
        raise ValueError(
            f"multinomial() cannot draw {num_samples} samples without replacement{where}: "
            f"only {nonzero[r]} weights are nonzero"
        )
    gen = as_generator(generator, "generator")
    samples = np.empty((len(rows), num_samples), np.int64)
    for r, (row, total) in enumerate(zip(rows, totals, strict=True)):
        samples[r] = gen.choice(categories, size=num_samples, replace=replacement, p=row / total)
    return _wrap(samples.reshape(weights.shape[:-1] + (num_samples,)), False)


Tensor.multinomial = multinomial  # PyTorch has it as a Tensor method too: p.multinomial(1)

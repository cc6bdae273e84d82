"""Initialisers, with PyTorch's formulas, argument names and order of operations
(``torch.nn.init``). Each fills a Tensor in place (keeping its shape and dtype), bumps its
version counter as any in-place change does, and returns it. ``generator`` is an
``mg.Generator``, a numpy Generator or a seed; by default minigrad's own generator
(``mg.manual_seed``) is used.

Arguments follow minigrad's one rule: a wrong type is a TypeError, a value out of range
a ValueError, the message naming the argument and the value.
"""

from __future__ import annotations

import math

from ..checks import check_choice, check_non_negative, check_number
from ..rng import as_generator
from ..tensor import Tensor

__all__ = [
    "calculate_gain",
    "zeros_",
    "ones_",
    "constant_",
    "uniform_",
    "normal_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
]

_LINEAR_LIKE = (
    "linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
)  # fmt: skip
NONLINEARITIES = (*_LINEAR_LIKE, "tanh", "relu", "leaky_relu", "selu")
MODES = ("fan_in", "fan_out")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """How much a nonlinearity shrinks the variance of its input, undone by the initial scale:
    1 for linear and sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for
    leaky_relu (slope 0.01 unless ``param`` gives it), 3/4 for selu
    (``torch.nn.init.calculate_gain``). An unknown name is a ValueError; a ``param`` that
    is not a number a TypeError (PyTorch raises ValueError there)."""
    check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else check_number("negative_slope", param)
        return math.sqrt(2.0 / (1 + slope**2))
    return 3.0 / 4  # selu


def _fill(tensor: Tensor, values) -> Tensor:
    _shape(tensor)  # a Tensor, not an ndarray (whose .data is a memoryview)
    tensor.data[...] = values
    tensor._version += 1  # PyTorch's version counter: a graph that saved the old values can tell
    return tensor


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0 (``torch.nn.init.zeros_``)."""
    return _fill(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1 (``torch.nn.init.ones_``)."""
    return _fill(tensor, 1)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``, a finite number (``torch.nn.init.constant_``)."""
    return _fill(tensor, check_number("val", val))


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with draws from U(a, b); a <= b, both finite (``torch.nn.init.uniform_``)."""
    a, b = check_number("a", a), check_number("b", b)
    if a > b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    return _fill(tensor, as_generator(generator).uniform(a, b, size=_shape(tensor)))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill with draws from N(mean, std^2); std >= 0 (``torch.nn.init.normal_``)."""
    mean, std = check_number("mean", mean), check_non_negative("std", std)
    return _fill(tensor, as_generator(generator).normal(mean, std, size=_shape(tensor)))


def _shape(tensor: Tensor) -> tuple:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"tensor must be a Tensor (or Parameter), got {type(tensor).__name__}")
    return tensor.shape


def _fans(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shaped (out, in, *kernel): inputs and outputs per unit."""
    shape = _shape(tensor)
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor of at least 2 dimensions, got shape {shape}")
    if tensor.size == 0:
        raise ValueError(f"cannot initialise a tensor with no elements (shape {shape})")
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def _fan(tensor: Tensor, mode: str) -> int:
    fan_in, fan_out = _fans(tensor)
    return fan_in if check_choice("mode", mode, MODES) == "fan_in" else fan_out


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """U(-a, a) with a = sqrt(3) * gain * sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio,
    2010; ``torch.nn.init.xavier_uniform_``). ``tensor`` has at least 2 dimensions."""
    fan_in, fan_out = _fans(tensor)
    std = check_number("gain", gain) * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std  # PyTorch's order of operations, for the same bound to the last bit
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)) (``torch.nn.init.xavier_normal_``)."""
    fan_in, fan_out = _fans(tensor)
    std = check_number("gain", gain) * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator=None
) -> Tensor:
    """U(-bound, bound) with bound = sqrt(3) * gain / sqrt(fan) (He et al., 2015;
    ``torch.nn.init.kaiming_uniform_``). ``a`` is leaky_relu's negative slope, ``mode``
    'fan_in' or 'fan_out', ``nonlinearity`` a name known to ``calculate_gain``."""
    std = calculate_gain(nonlinearity, check_number("a", a)) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std  # PyTorch's order of operations
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator=None
) -> Tensor:
    """N(0, std^2) with std = gain / sqrt(fan) (``torch.nn.init.kaiming_normal_``)."""
    std = calculate_gain(nonlinearity, check_number("a", a)) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)

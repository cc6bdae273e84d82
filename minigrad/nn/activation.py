"""Activation layers: a Module around each elementwise nonlinearity (the formulas, gradients
and their edge cases are documented with the function of the same name in
``nn.functional``)."""

from __future__ import annotations

from ..checks import check_alias, check_bool, check_choice, check_int, check_number
from . import functional as F
from .module import Module

__all__ = ["ReLU", "Tanh", "Sigmoid", "LeakyReLU", "GELU", "ELU", "Softplus", "SiLU", "Softmax", "LogSoftmax"]


class ReLU(Module):
    """max(x, 0) elementwise (``torch.nn.ReLU``); any shape, same shape and dtype out.
    ``inplace`` is accepted for PyTorch programs; the result is a new tensor with the same
    values (minigrad's in-place rules are stricter than PyTorch's)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = check_bool("inplace", inplace)

    def forward(self, x):
        return F.relu(x)


class Tanh(Module):
    """tanh(x) elementwise (``torch.nn.Tanh``); any shape, same shape out."""

    def forward(self, x):
        return F.tanh(x)


class Sigmoid(Module):
    """1 / (1 + exp(-x)) elementwise (``torch.nn.Sigmoid``); any shape, same shape out."""

    def forward(self, x):
        return F.sigmoid(x)


class LeakyReLU(Module):
    """x where x > 0, negative_slope * x elsewhere (``torch.nn.LeakyReLU``).
    ``negative_slope`` is a finite number (TypeError / ValueError otherwise).
    ``inplace`` is accepted for PyTorch programs; the result is a new tensor with the same
    values (minigrad's in-place rules are stricter than PyTorch's)."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope = check_number("negative_slope", negative_slope)
        self.inplace = check_bool("inplace", inplace)

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class GELU(Module):
    """x * Phi(x), Phi the standard normal CDF, exact (``approximate='none'``) or with
    PyTorch's tanh approximation (``'tanh'``) (``torch.nn.GELU``). Another ``approximate``
    is a ValueError (a non-string a TypeError). Output: the input's shape and dtype."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = check_choice("approximate", approximate, ("none", "tanh"))

    def forward(self, input):
        return F.gelu(input, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class ELU(Module):
    """x where x > 0, alpha (exp(x) - 1) elsewhere (``torch.nn.ELU``). ``alpha`` is a
    finite number (TypeError / ValueError otherwise). Output: the input's shape and dtype.
    ``inplace`` is accepted for PyTorch programs; the result is a new tensor with the same
    values (minigrad's in-place rules are stricter than PyTorch's)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha = check_number("alpha", alpha)
        self.inplace = check_bool("inplace", inplace)

    def forward(self, input):
        return F.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Softplus(Module):
    """log(1 + exp(beta x)) / beta, linear (x) where beta x > threshold
    (``torch.nn.Softplus``). ``beta`` is a finite non-zero number, ``threshold`` a finite
    number (TypeError / ValueError otherwise). Output: the input's shape and dtype."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta, self.threshold = F._softplus_arguments(beta, threshold)

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class SiLU(Module):
    """x * sigmoid(x), also called swish (``torch.nn.SiLU``). Output: the input's shape and
    dtype."""

    def forward(self, input):
        return F.silu(input)


class _AlongDim(Module):
    """A module applying a function along one dimension: ``dim`` (PyTorch's name) or
    ``axis`` (numpy's; both is a TypeError), an int (TypeError otherwise), by default the
    last (PyTorch would guess one from the input's number of dimensions, with a warning)."""

    def __init__(self, dim: int | None = None, *, axis: int | None = None):
        super().__init__()
        self.dim = check_int("axis" if axis is not None else "dim", check_alias("dim", dim, "axis", axis, default=-1))

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """exp(x) / sum(exp(x)) along ``dim`` (``torch.nn.Softmax``; see ``_AlongDim`` for
    ``dim``/``axis``). Output: the input's shape."""

    def forward(self, input):
        return F.softmax(input, self.dim)


class LogSoftmax(_AlongDim):
    """log(softmax(x)) along ``dim``, computed stably (``torch.nn.LogSoftmax``; ``dim`` or
    ``axis`` as for Softmax). Output: the input's shape."""

    def forward(self, input):
        return F.log_softmax(input, self.dim)

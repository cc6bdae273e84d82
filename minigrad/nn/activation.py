"""Activation layers: a Module around each elementwise nonlinearity."""

from __future__ import annotations

from ..checks import check_int, check_number
from .module import Module

__all__ = ["ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Softmax"]


class ReLU(Module):
    def forward(self, x):
        return x.relu()


class Tanh(Module):
    def forward(self, x):
        return x.tanh()


class Sigmoid(Module):
    def forward(self, x):
        return x.sigmoid()


class LeakyReLU(Module):
    """x where x > 0, negative_slope * x elsewhere (``torch.nn.LeakyReLU``).
    ``negative_slope`` is a finite number (TypeError / ValueError otherwise)."""

    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = check_number("negative_slope", negative_slope)

    def forward(self, x):
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Softmax(Module):
    """Softmax along ``axis`` (an int; ``torch.nn.Softmax(dim)``)."""

    def __init__(self, axis: int = -1):
        super().__init__()
        self.axis = check_int("axis", axis)

    def forward(self, x):
        return x.softmax(self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"

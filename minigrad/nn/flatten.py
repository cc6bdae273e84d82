"""Flatten: merge dimensions, by default every one after the batch dimension."""

from __future__ import annotations

import math

from ..checks import check_int
from .functional import _as_tensor
from .module import Module

__all__ = ["Flatten"]


class Flatten(Module):
    """Merge dimensions start_dim to end_dim (ints, negative from the end) into one
    (``torch.nn.Flatten``)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = check_int("start_dim", start_dim), check_int("end_dim", end_dim)

    def forward(self, x):
        x = _as_tensor(x)
        shape = x.shape
        for dim in (self.start_dim, self.end_dim):
            if not -len(shape) <= dim < len(shape):
                raise IndexError(f"Flatten: dimension {dim} is out of range for an input of shape {shape}")
        start, end = self.start_dim % len(shape), self.end_dim % len(shape)
        if start > end:
            raise ValueError(
                f"Flatten: start_dim {self.start_dim} comes after end_dim {self.end_dim} for shape {shape}"
            )
        return x.reshape(*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

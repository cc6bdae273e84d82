"""Dropout: randomly silence units while training, so none can rely on another."""

from __future__ import annotations

from ..rng import as_generator
from . import functional as F
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout in train mode (zero with probability p, scale the rest by 1/(1-p));
    the identity in eval mode. ``generator`` (a seed or numpy Generator) makes the masks
    repeatable; by default they come from minigrad's generator (``mg.manual_seed``)."""

    def __init__(self, p: float = 0.5, generator=None):
        super().__init__()
        if not 0 <= p < 1:  # p = 1 would silence every unit
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = p
        self.generator = None if generator is None else as_generator(generator)

    def forward(self, x):
        return F.dropout(x, self.p, self.training, self.generator)

    def extra_repr(self):
        return f"p={self.p}"

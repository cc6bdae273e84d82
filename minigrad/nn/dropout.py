"""Dropout: randomly silence units while training, so none can rely on another."""

from __future__ import annotations

from ..checks import check_bool, check_probability
from ..rng import generator_source
from . import functional as F
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout in train mode (zero with probability p, scale the rest by 1/(1-p));
    the identity in eval mode (``torch.nn.Dropout``). Output has the input's shape and
    dtype. ``p`` is a number in [0, 1], as in PyTorch and ``F.dropout`` (p = 1 zeroes
    everything); another type is a TypeError, a number outside [0, 1] a ValueError.
    ``generator`` (an ``mg.Generator``, a numpy Generator or a seed) makes the masks
    repeatable; by default they come from minigrad's generator (``mg.manual_seed``).
    ``inplace`` is accepted for PyTorch programs; the result is a new tensor."""

    def __init__(self, p: float = 0.5, inplace: bool = False, generator=None):
        super().__init__()
        self.p = check_probability("p", p)
        self.inplace = check_bool("inplace", inplace)
        self.generator = generator_source(generator)

    def forward(self, x):
        return F.dropout(x, self.p, self.training, generator=self.generator)

    def extra_repr(self):
        return f"p={self.p}"

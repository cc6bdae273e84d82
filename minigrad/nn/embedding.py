"""Embedding: a table of learned vectors, one row per token, looked up by index."""

from __future__ import annotations

import numpy as np

from ..checks import check_bool, check_int
from ..tensor import Tensor, get_default_dtype
from . import functional as F
from . import init
from .module import Module, Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """A lookup table: ``Embedding(27, 10)(idx)`` is ``weight[idx]`` (``torch.nn.Embedding``).

    ``weight`` is (num_embeddings, embedding_dim), drawn from N(0, 1) as in PyTorch (from
    ``generator``, a seed or numpy Generator, else minigrad's default generator), in
    ``dtype`` or the default dtype. Input: integer indices of any shape (...) as a Tensor,
    ndarray or list, each in [0, num_embeddings); output (..., embedding_dim). Each row's
    gradient sums the gradients of every position that picked it. ``padding_idx`` (an int,
    negative counts from the end) names a row that starts at zero and never gets a gradient,
    e.g. for the padding token. Sizes are ints >= 1 (TypeError for another type, ValueError
    below 1); float indices raise TypeError, an index out of range IndexError. The
    ``max_norm``, ``scale_grad_by_freq`` and ``sparse`` options of PyTorch are not offered.
    """

    def __init__(
        self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None, *,
        _weight=None, dtype=None, generator=None,
    ):  # fmt: skip
        super().__init__()
        self.num_embeddings = check_int("num_embeddings", num_embeddings, minimum=1)
        self.embedding_dim = check_int("embedding_dim", embedding_dim, minimum=1)
        self.padding_idx = None if padding_idx is None else F._padding_index(padding_idx, self.num_embeddings)
        if _weight is None:
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), dtype or get_default_dtype()))
            self.reset_parameters(generator)
        else:  # from_pretrained: the given values, padding row included, as in PyTorch
            self.weight = Parameter(_weight)

    def reset_parameters(self, generator=None) -> None:
        init.normal_(self.weight, generator=generator)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, padding_idx: int | None = None) -> Embedding:
        """An Embedding holding a copy of ``embeddings`` (a 2-D floating-point Tensor or
        ndarray, (num_embeddings, embedding_dim)), frozen (``requires_grad=False``) unless
        ``freeze=False`` (``torch.nn.Embedding.from_pretrained``). The ``padding_idx`` row keeps
        its given values and gets no gradient. Another shape is a ValueError, integer values a
        TypeError."""
        freeze = check_bool("freeze", freeze)
        array = np.asarray(embeddings.data if isinstance(embeddings, Tensor) else embeddings)
        if array.ndim != 2:
            raise ValueError(
                f"from_pretrained needs a 2-D array (num_embeddings, embedding_dim), got shape {array.shape}"
            )
        if array.dtype.kind != "f":
            raise TypeError(f"from_pretrained needs floating-point embeddings, got dtype {array.dtype}")
        module = cls(*array.shape, padding_idx, _weight=array)
        module.weight.requires_grad = not freeze
        return module

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        padding = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{padding}"

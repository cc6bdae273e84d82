"""DataLoader: a dataset served in mini-batches, one pass (epoch) per ``for`` loop."""

from __future__ import annotations

import numpy as np

from ..checks import check_alias, check_bool, check_int, check_same_length
from ..rng import as_generator, generator_source
from ..tensor import Tensor

__all__ = ["DataLoader"]


class DataLoader:
    """Mini-batches ``(Tensor(X_batch), y_batch)`` of the rows of X and y, as PyTorch's
    ``DataLoader`` over a ``TensorDataset``.

    Each ``for batch in loader`` (each ``iter(loader)``) is one epoch: every sample comes
    exactly once, in ``len(loader)`` batches of ``batch_size`` rows, the last one smaller
    unless ``drop_last`` drops it. With ``shuffle`` each epoch draws a new order: with a
    ``seed`` (an int) from the loader's own generator, ``np.random.default_rng(seed)``, so
    two loaders built with the same seed serve the same batches, epoch after epoch, whatever
    else draws random numbers in between. Or, as in PyTorch's ``DataLoader``, from
    ``generator`` (an ``mg.Generator``, shared with whatever else draws from it, or a numpy
    Generator), and without either from minigrad's default generator, which
    ``mg.manual_seed`` reseeds (as ``torch.manual_seed`` makes PyTorch's shuffling
    repeatable); give ``seed`` or ``generator``, not both.

    X may be an ndarray or a Tensor (a list becomes a Tensor's default float dtype); its
    dtype is kept, so float64 data gives float64 batches. y is served as an ndarray (class
    labels, or float targets for regression). The loader holds X and y without copying
    them; each batch is a copy of its rows.
    """

    def __init__(
        self, X, y, batch_size: int = 32, shuffle: bool = True, seed=None, drop_last: bool = False, generator=None
    ):
        if isinstance(X, Tensor):
            X = X.data
        elif not isinstance(X, np.ndarray):
            X = Tensor(X).data  # lists follow the Tensor rule: the default float dtype
        self.X = X
        self.y = y.data if isinstance(y, Tensor) else np.asarray(y)
        if self.X.dtype.kind not in "biuf":
            raise TypeError(f"X must hold numbers, got an array of dtype {self.X.dtype}")
        n = check_same_length(self.X, self.y)
        if n == 0:
            raise ValueError(f"DataLoader needs at least one sample, got X of shape {self.X.shape}")
        self.batch_size = check_int("batch_size", batch_size, 1)
        self.shuffle = check_bool("shuffle", shuffle)
        self.drop_last = check_bool("drop_last", drop_last)
        if self.drop_last and self.batch_size > n:
            raise ValueError(
                f"drop_last=True with batch_size {self.batch_size} > {n} samples would serve no batch at all"
            )
        if seed is None:
            self._rng = generator_source(generator)
        else:
            check_alias("generator", generator, "seed", seed)
            self._rng = generator_source(seed, "seed")

    def __len__(self) -> int:
        """The number of batches in an epoch."""
        n = len(self.X)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        # the order is drawn now, when the epoch starts, not at the first next()
        order = as_generator(self._rng).permutation(len(self.X)) if self.shuffle else np.arange(len(self.X))
        return self._batches(order)

    def _batches(self, order: np.ndarray):
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            rows = order[start : start + self.batch_size]
            yield Tensor(self.X[rows]), self.y[rows]

    def __repr__(self) -> str:
        return (
            f"DataLoader({len(self.X)} samples, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"drop_last={self.drop_last}, {len(self)} batches)"
        )

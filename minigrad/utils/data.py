"""PyTorch's data-loading classes (``torch.utils.data``) for programs written against them:
``Dataset``, ``TensorDataset``, ``Subset``, ``random_split`` and ``DataLoader``.

minigrad's own loader, ``minigrad.data.DataLoader(X, y, ...)``, takes arrays directly; this
module is the same job in PyTorch's shape, so ``DataLoader(TensorDataset(X, y), batch_size=32,
shuffle=True)`` runs unchanged. Everything happens in the calling process (no workers).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ..checks import check_bool, check_int, check_range
from ..rng import as_generator, generator_source
from ..tensor import Tensor

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader", "default_collate"]


class Dataset:
    """A map-style dataset: subclass it and define ``__getitem__(index)`` and ``__len__()``
    (``torch.utils.data.Dataset``)."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Samples are rows: item ``i`` is ``tuple(t[i] for t in tensors)``
    (``torch.utils.data.TensorDataset``). Each argument is a Tensor (or an ndarray, served
    as a Tensor of its dtype) with the same first dimension; ValueError names the sizes
    otherwise."""

    def __init__(self, *tensors):
        if not tensors:
            raise TypeError("TensorDataset needs at least one tensor")
        self.tensors = tuple(_as_tensor(t, f"tensor {i}") for i, t in enumerate(tensors))
        sizes = [t.shape[0] if t.ndim else None for t in self.tensors]
        if None in sizes or len(set(sizes)) != 1:
            shapes = ", ".join(str(t.shape) for t in self.tensors)
            raise ValueError(f"TensorDataset needs tensors with the same first dimension, got shapes {shapes}")

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order (``torch.utils.data.Subset``)."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index):
        if isinstance(index, (list, np.ndarray, Tensor)):
            return self.dataset[[self.indices[int(i)] for i in np.asarray(index).ravel()]]
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None) -> list:
    """Split ``dataset`` into non-overlapping random ``Subset``s of the given ``lengths``
    (ints summing to ``len(dataset)``, or fractions summing to 1, the remainder given out one
    by one from the first subset, as ``torch.utils.data.random_split`` does). ``generator``:
    an ``mg.Generator``, a seed or None (the default generator)."""
    n = len(dataset)
    lengths = list(lengths)
    if lengths and math.isclose(sum(lengths), 1) and sum(lengths) <= 1:  # fractions, as PyTorch decides
        for i, fraction in enumerate(lengths):
            check_range(f"lengths[{i}]", fraction, 0, 1)
        counts = [math.floor(n * fraction) for fraction in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    lengths = [check_int(f"lengths[{i}]", x, 0) for i, x in enumerate(lengths)]
    if sum(lengths) != n:
        raise ValueError(f"random_split: the lengths {lengths} sum to {sum(lengths)}, not to the dataset's {n} samples")
    order = as_generator(generator, "generator").permutation(n)
    ends = np.cumsum(lengths)
    return [Subset(dataset, order[end - length : end]) for length, end in zip(lengths, ends, strict=True)]


def default_collate(batch: list):
    """Stack a list of samples into one batch, field by field: Tensors and ndarrays are
    stacked along a new first dimension, ints become an int64 Tensor, Python floats a
    float64 Tensor and numpy floats one of their dtype (as PyTorch's collate gives);
    tuples, lists and dicts are collated per field."""
    first = batch[0]
    if isinstance(first, Tensor):
        from ..functions import stack

        return stack(batch)
    if isinstance(first, np.ndarray):
        return Tensor(np.stack(batch))
    if isinstance(first, (bool, np.bool_)):
        return Tensor(np.array(batch, dtype=bool))
    if isinstance(first, (int, np.integer)):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, np.floating):  # a numpy float keeps its dtype, as in PyTorch
        return Tensor(np.array(batch, dtype=first.dtype))
    if isinstance(first, float):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(first, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        fields = [default_collate(list(field)) for field in zip(*batch, strict=True)]
        return tuple(fields) if isinstance(first, tuple) else fields
    return batch


class DataLoader:
    """Batches of a dataset (``torch.utils.data.DataLoader`` without worker processes).

    ``dataset``: a ``Dataset`` (anything with ``__getitem__`` and ``__len__``). Each
    ``for batch in loader`` is one epoch of ``len(loader)`` batches of ``batch_size`` samples
    (the last one smaller unless ``drop_last``). With ``shuffle`` every epoch draws a new order
    from ``generator`` (an ``mg.Generator``, a seed, or None: minigrad's default generator, so
    ``mg.manual_seed`` makes it repeatable). Samples are combined by ``collate_fn``
    (``default_collate``: a ``TensorDataset`` gives a tuple of batch Tensors). ``num_workers``
    and ``pin_memory`` are accepted and change nothing: minigrad loads in the calling process.
    Bad arguments raise TypeError / ValueError naming them.
    """

    def __init__(
        self,
        dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator=None,
        collate_fn=None,
        num_workers: int = 0,
        pin_memory: bool = False,
    ):
        if not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
            raise TypeError(f"DataLoader needs a dataset with __getitem__ and __len__, got {type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = check_int("batch_size", batch_size, 1)
        self.shuffle = check_bool("shuffle", shuffle)
        self.drop_last = check_bool("drop_last", drop_last)
        self.generator = generator_source(generator)  # a seed is used once, not every epoch
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        # accepted so that PyTorch programs run; batches are made here, in this process, and
        # are the same for any number of workers
        self.num_workers = check_int("num_workers", num_workers, 0)
        self.pin_memory = check_bool("pin_memory", pin_memory)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = as_generator(self.generator, "generator").permutation(n) if self.shuffle else np.arange(n)
        return self._batches(order)

    def _batches(self, order):
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            rows = order[start : start + self.batch_size]
            if isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate:
                yield tuple(t[rows] for t in self.dataset.tensors)  # what stacking the rows gives, at once
            else:
                yield self.collate_fn([self.dataset[int(i)] for i in rows])


def _as_tensor(value, what: str) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        return Tensor(value)
    raise TypeError(f"{what} must be a Tensor or an ndarray, got {type(value).__name__}")

"""Hold out part of a dataset for testing: a model is judged on samples it never trained on."""

from __future__ import annotations

import math

import numpy as np

from ..checks import check_same_length
from ..rng import as_generator
from ..tensor import Tensor

__all__ = ["train_test_split"]


def train_test_split(X, y, test_size: float | int = 0.2, seed=None):
    """Shuffle the rows of X and y together and cut them in two: returns
    ``X_train, X_test, y_train, y_test``, scikit-learn's order.

    ``test_size`` is a fraction in (0, 1) of the samples, rounded up to a whole number (as
    scikit-learn does), or a number of samples; both parts must be non-empty. ``seed`` (an
    int) seeds a generator of its own (``np.random.default_rng(seed)``), so the same seed
    gives the same split; an ``mg.Generator`` or numpy Generator is drawn from, and None
    draws from minigrad's default generator (``mg.manual_seed`` makes it repeatable). X
    and y may be ndarrays (lists become ndarrays) or Tensors; each
    part keeps the type and dtype of what it came from, and a Tensor part is a plain copy,
    outside any graph.
    """
    X, y = _as_data(X), _as_data(y)
    n = check_same_length(X, y)
    n_test = _test_count(test_size, n)
    order = as_generator(seed, "seed").permutation(n)
    test, train = order[:n_test], order[n_test:]
    return _rows(X, train), _rows(X, test), _rows(y, train), _rows(y, test)


def _test_count(test_size, n: int) -> int:
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float, np.integer, np.floating)):
        raise TypeError(f"test_size must be a fraction in (0, 1) or a number of samples, got {test_size!r}")
    if isinstance(test_size, (int, np.integer)):
        n_test = int(test_size)
    elif 0 < test_size < 1:
        n_test = math.ceil(test_size * n)
    else:
        raise ValueError(f"test_size as a fraction must be in (0, 1), got {test_size}")
    if not 0 < n_test < n:
        raise ValueError(
            f"test_size = {test_size} of {n} samples leaves {n_test} for testing and {n - n_test} for training; "
            "both parts need at least one sample"
        )
    return n_test


def _as_data(a):
    return a if isinstance(a, (np.ndarray, Tensor)) else np.asarray(a)


def _rows(a, index: np.ndarray):
    return Tensor(a.data[index]) if isinstance(a, Tensor) else a[index]

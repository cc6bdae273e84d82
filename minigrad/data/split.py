"""Hold out part of a dataset for testing: a model is judged on samples it never trained on."""

from __future__ import annotations

import math

import numpy as np

from ..checks import check_same_length
from ..rng import as_generator
from ..tensor import Tensor

__all__ = ["train_test_split"]


def train_test_split(X, y, test_size: float | int = 0.2, seed=None, *, stratify=None, **others):
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

    ``stratify``: class labels, one per sample (usually ``y``), as scikit-learn's: each
    class then gets its share of the test samples, ``test_size`` times its count, rounded
    down, the rest of ``n_test`` going one each to the classes with the largest fractions
    left over (the first such class on a tie, where scikit-learn draws), and one back to
    the training part from a class that would otherwise have none there. Every class needs
    at least 2 samples, and each part at least as many samples as there are classes
    (ValueError), as in scikit-learn.
    scikit-learn's ``random_state`` is ``seed`` here (TypeError naming it).
    """
    if others:
        name = next(iter(others))
        hint = " (scikit-learn's random_state is seed= here)" if name == "random_state" else ""
        raise TypeError(f"train_test_split() got an unexpected keyword argument {name!r}{hint}")
    X, y = _as_data(X), _as_data(y)
    n = check_same_length(X, y)
    n_test = _test_count(test_size, n)
    rng = as_generator(seed, "seed")
    if stratify is None:
        order = rng.permutation(n)
        test, train = order[:n_test], order[n_test:]
    else:
        test, train = _stratified(_as_data(stratify), n, n_test, rng)
    return _rows(X, train), _rows(X, test), _rows(y, train), _rows(y, test)


def _stratified(labels, n: int, n_test: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """The test and train rows, each class split in proportion (see train_test_split)."""
    labels = labels.data if isinstance(labels, Tensor) else labels
    if labels.shape != (n,):
        raise ValueError(f"stratify needs one class label per sample, shape ({n},), got shape {labels.shape}")
    try:
        classes, of_class, counts = np.unique(labels, return_inverse=True, return_counts=True)
    except TypeError:  # labels that do not sort: None, or a mix of numbers and strings
        raise TypeError(f"stratify needs class labels that sort (numbers or strings), got {labels[:5]!r}...") from None
    if counts.min() < 2:
        lonely = classes[np.argmin(counts)].item()
        raise ValueError(f"stratify: class {lonely!r} has only 1 sample; each class needs at least 2 to be split")
    if not len(classes) <= n_test <= n - len(classes):
        raise ValueError(
            f"stratify: {len(classes)} classes need at least {len(classes)} test and {len(classes)} training "
            f"samples, got {n_test} and {n - n_test}"
        )
    share = counts * (n_test / n)
    per_class = np.floor(share).astype(int)
    leftover = np.argsort(-(share - per_class), kind="stable")[: n_test - per_class.sum()]
    per_class[leftover] += 1
    # each class keeps a training sample (a share rounded up to its whole count gives one back)
    full = per_class == counts
    per_class[full] -= 1
    for _ in range(int(full.sum())):
        room = np.flatnonzero((per_class < counts - 1) & ~full)
        per_class[room[np.argmax((share - per_class)[room])]] += 1
    test, train = [], []
    for c, k in enumerate(per_class):
        rows = rng.permutation(np.flatnonzero(of_class == c))
        test.append(rows[:k])
        train.append(rows[k:])
    # shuffled, so the parts do not come sorted by class
    return rng.permutation(np.concatenate(test)), rng.permutation(np.concatenate(train))


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

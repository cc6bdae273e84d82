"""Small datasets drawn at random, for seeing what a network learns.

Each classification set has a shape a straight line cannot split, so a hidden layer (and
the optimizer that trains it) has visible work to do; being two-dimensional, its decision
boundary can be drawn. ``make_sine`` is the regression counterpart.

Conventions shared by every generator:

- ``seed``: a non-negative int seeds a generator of its own, ``np.random.default_rng(seed)``,
  so the same seed gives the same data whatever ran before; an ``mg.Generator`` or a numpy
  Generator is drawn from; None draws from minigrad's default generator, so that
  ``mg.manual_seed`` makes a whole run repeatable, as ``torch.manual_seed`` does (and
  without it each run differs).
- X has the default float dtype (``mg.get_default_dtype()``, float32 unless changed) and
  shape (n_samples, n_features); class labels y are int64 with shape (n_samples,).
- The points are built class by class, then shuffled: a model fed slices of sorted data
  would see one class at a time. Every class gets at least one point (the sizes differ by
  at most one).
"""

from __future__ import annotations

import numpy as np

from ..checks import check_int, check_non_negative, check_number
from ..rng import as_generator
from ..tensor import get_default_dtype

__all__ = ["make_moons", "make_circles", "make_spirals", "make_xor", "make_blobs", "make_sine"]


def make_moons(n_samples: int = 200, noise: float = 0.1, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's ``make_moons``): the smallest
    problem on which a hidden layer earns its keep, since the border between the classes
    is smooth but not straight.

    Class 0 lies on the upper half of the unit circle around (0, 0); class 1 on the lower
    half of the unit circle around (1, 0.5), reaching into the first one's hollow.
    ``noise`` is the standard deviation of the Gaussian noise added to both coordinates.
    """
    n_samples = check_int("n_samples", n_samples, 2)
    noise = check_non_negative("noise", noise)
    rng = as_generator(seed, "seed")
    n_upper, n_lower = _class_sizes(n_samples, 2)
    t = np.linspace(0, np.pi, n_upper)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    t = np.linspace(0, np.pi, n_lower)
    lower = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((n_samples, 2))
    return _shuffled(rng, X, np.repeat([0, 1], [n_upper, n_lower]))


def make_circles(
    n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, seed=None
) -> tuple[np.ndarray, np.ndarray]:
    """A circle inside another (as scikit-learn's ``make_circles``): no line separates
    them, but the distance from the centre does, and the network has to build that feature
    out of x and y itself.

    Class 0 lies on the circle of radius 1, class 1 on the concentric circle of radius
    ``factor``, each evenly spaced in angle. ``noise`` is the standard deviation of the
    Gaussian noise added to both coordinates.
    """
    n_samples = check_int("n_samples", n_samples, 2)
    noise = check_non_negative("noise", noise)
    if not 0 < check_number("factor", factor) < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1), got {factor}")
    rng = as_generator(seed, "seed")
    n_outer, n_inner = _class_sizes(n_samples, 2)
    X = np.concatenate([_circle(n_outer, 1.0), _circle(n_inner, factor)])
    X += noise * rng.standard_normal((n_samples, 2))
    return _shuffled(rng, X, np.repeat([0, 1], [n_outer, n_inner]))


def make_spirals(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, seed=None
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the classic set of Stanford's CS231n notes):
    the hardest of these, where the width, the depth and the optimizer all show.

    Class k has m points with radius r = linspace(0, 1, m) and angle
    t = linspace(4k, 4(k + 1), m) + noise * N(0, 1) radians, at r * (sin t, cos t): each arm
    winds 4 radians from the centre outward, and the arms start 4 radians apart. The noise
    is on the angle, so it blurs the arms sideways. ``n_samples`` is split as evenly as
    possible across the classes.
    """
    n_classes = check_int("n_classes", n_classes, 2)
    n_samples = check_int("n_samples", n_samples, 1)
    if n_samples < n_classes:
        raise ValueError(f"n_samples = {n_samples} is fewer than n_classes = {n_classes}: each class needs a point")
    noise = check_non_negative("noise", noise)
    rng = as_generator(seed, "seed")
    sizes = _class_sizes(n_samples, n_classes)
    arms = []
    for k, m in enumerate(sizes):
        r = np.linspace(0, 1, m)
        t = np.linspace(4 * k, 4 * (k + 1), m) + noise * rng.standard_normal(m)
        arms.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    return _shuffled(rng, np.concatenate(arms), np.repeat(np.arange(n_classes), sizes))


def make_xor(n_samples: int = 200, noise: float = 0.1, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Points around the four corners (+-1, +-1), labelled 1 where the corner's two signs
    differ: exclusive or, which no single straight line separates (Minsky and Papert's
    argument against the one-layer perceptron). One hidden layer solves it.

    ``n_samples`` is split as evenly as possible across the corners; ``noise`` is the
    standard deviation of the Gaussian noise added to both coordinates. A label comes from
    the corner a point was drawn around, so with large noise the classes overlap, as in the
    other sets.
    """
    n_samples = check_int("n_samples", n_samples, 2)
    noise = check_non_negative("noise", noise)
    rng = as_generator(seed, "seed")
    # labels alternate, so that any two corners already hold both classes
    corners = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, -1.0], [-1.0, 1.0]])
    sizes = _class_sizes(n_samples, 4)
    X = np.repeat(corners, sizes, axis=0) + noise * rng.standard_normal((n_samples, 2))
    return _shuffled(rng, X, np.repeat([0, 1, 0, 1], sizes))


def make_blobs(
    n_samples: int = 200, centers=3, n_features: int = 2, cluster_std=1.0, seed=None
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one class each (as scikit-learn's ``make_blobs``): the easy case,
    separable by straight lines when the clusters lie apart, for checking a pipeline before
    the harder sets.

    ``centers``: an int draws that many centres uniformly in the box [-10, 10] on each of
    ``n_features`` axes (scikit-learn's default box); an array of shape (k, d) gives the
    centres, and its d columns then set the number of features (``n_features`` is not
    used). ``cluster_std``: one standard deviation for every cluster, or one per cluster.
    Class k is the cluster around centre k; ``n_samples`` is split as evenly as possible
    across the clusters.
    """
    n_samples = check_int("n_samples", n_samples, 1)
    n_features = check_int("n_features", n_features, 1)
    rng = as_generator(seed, "seed")
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        centers = rng.uniform(-10, 10, size=(check_int("centers", centers, 1), n_features))
    else:
        centers = _centers_array(centers)
    n_centers, n_features = centers.shape
    if n_samples < n_centers:
        raise ValueError(f"n_samples = {n_samples} is fewer than the {n_centers} centers: each cluster needs a point")
    stds = _cluster_stds(cluster_std, n_centers)
    sizes = _class_sizes(n_samples, n_centers)
    spread = np.repeat(stds, sizes)[:, None] * rng.standard_normal((n_samples, n_features))
    X = np.repeat(centers, sizes, axis=0) + spread
    return _shuffled(rng, X, np.repeat(np.arange(n_centers), sizes))


def make_sine(n_samples: int = 200, noise: float = 0.1, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Regression on one period of a sine: x uniform in [-pi, pi], target
    y = sin(x) + noise * N(0, 1), the smallest curve a linear model misses and a small
    network fits.

    Both X and y have shape (n_samples, 1) and the default float dtype: y matches the
    output of a model with one output unit, ``nn.Linear(..., 1)``, which ``nn.MSELoss``
    requires (it refuses to broadcast a (n,) target against (n, 1) predictions into an
    (n, n) table of differences). The draws are independent, hence already in random order.
    """
    n_samples = check_int("n_samples", n_samples, 1)
    noise = check_non_negative("noise", noise)
    rng = as_generator(seed, "seed")
    X = rng.uniform(-np.pi, np.pi, size=(n_samples, 1))
    y = np.sin(X) + noise * rng.standard_normal((n_samples, 1))
    return X.astype(get_default_dtype()), y.astype(get_default_dtype())


# --------------------------------------------------------------------- helpers
def _class_sizes(n_samples: int, n_classes: int) -> list[int]:
    """``n_samples`` split as evenly as possible: the first ``n_samples % n_classes``
    classes get one point more."""
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def _circle(n: int, radius: float) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return radius * np.column_stack([np.cos(t), np.sin(t)])


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows in random order, each label kept with its point; X in the default float dtype,
    y as int64."""
    order = rng.permutation(len(X))
    return X[order].astype(get_default_dtype()), y[order].astype(np.int64)


def _centers_array(centers) -> np.ndarray:
    try:
        array = np.asarray(centers, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"centers must be an int or an array of shape (n_centers, n_features), got {centers!r}")
    if not np.isfinite(array).all():
        raise ValueError(f"centers must be finite, got {centers!r}")
    return array


def _cluster_stds(cluster_std, n_centers: int) -> np.ndarray:
    """One standard deviation per cluster, from a single number or a sequence of them."""
    if np.ndim(cluster_std) == 0:
        return np.full(n_centers, check_non_negative("cluster_std", cluster_std))
    try:
        stds = np.asarray(cluster_std, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"cluster_std must be one number or one per center, got {cluster_std!r}") from None
    if stds.shape != (n_centers,):
        raise ValueError(
            f"cluster_std must be one number or one per center ({n_centers}), got shape {stds.shape}: {cluster_std!r}"
        )
    if not (np.isfinite(stds).all() and (stds >= 0).all()):
        raise ValueError(f"cluster_std values must be finite and >= 0, got {cluster_std!r}")
    return stds

"""Checkers for the exercises of tutorial 09 (comparing optimizers on the digits). Each takes
your function, compares it with something computed independently, prints what it verified,
and raises AssertionError with a hint when your function disagrees."""

from __future__ import annotations

import numpy as np
from scipy import stats

import minigrad as mg
from minigrad import nn

from ._returned import returned


def check_confidence_interval(confidence_interval, trials: int = 4000, seed: int = 0) -> None:
    """Exercise 1: ``confidence_interval(scores) -> (mean, half_width)`` for an array of n >= 2
    scores. Checked on a hand-worked example (Student's t quantile from scipy.stats), then by
    simulation: of many intervals from normal samples, about 95% must contain the true mean."""
    what = "the pair (mean, half_width)"
    mean, half = returned(confidence_interval(np.array([0.90, 0.92, 0.94])), "confidence_interval([0.90, 0.92, 0.94])",
                          what)  # fmt: skip
    t = stats.t.ppf(0.975, 2)  # 4.30: Student's t, 97.5% quantile, n - 1 = 2 degrees of freedom
    expected = t * 0.02 / np.sqrt(3)  # s = 0.02 (with n - 1 = 2 in the denominator)
    if not np.isclose(mean, 0.92) or not np.isclose(half, expected, rtol=0.01):
        raise AssertionError(
            f"for scores [0.90, 0.92, 0.94] you give mean {mean:.4f} and half-width {half:.4f}; expected 0.9200 and "
            f"{expected:.4f}. Hint: s is the standard deviation with n - 1 (np.std(..., ddof=1)), "
            "t = scipy.stats.t.ppf(0.975, n - 1)."
        )
    rng = np.random.default_rng(seed)
    for n in (3, 5):
        samples = rng.normal(0.95, 0.01, size=(trials, n))
        hits = 0
        for sample in samples:
            m, h = returned(confidence_interval(sample), f"confidence_interval({n} scores)", what)
            hits += abs(m - 0.95) <= h
        coverage = hits / trials
        if not 0.93 <= coverage <= 0.97:
            hint = (
                "too narrow: use Student's t for n - 1 degrees of freedom (scipy.stats.t.ppf(0.975, n - 1)), not 1.96"
                if coverage < 0.93
                else "too wide: divide s by sqrt(n), and use t for the n you were given"
            )
            raise AssertionError(
                f"with n = {n} scores, your intervals contain the true mean in {coverage:.1%} of {trials} simulated "
                f"experiments instead of about 95%. Hint: your intervals are {hint}."
            )
    print(f"your confidence_interval is right on [0.90, 0.92, 0.94] and covers the true mean about 95% of the time "
          f"in {trials} simulated experiments with 3 and with 5 seeds")  # fmt: skip


def check_good_range(good_range) -> None:
    """Exercise 2: ``good_range(lrs, accuracies, near=0.05) -> (lowest, highest)``: the lowest
    and highest learning rate whose accuracy is within ``near`` of the best."""
    lrs = [1e-4, 1e-3, 1e-2, 0.1, 1.0]
    cases = [  # accuracies, near, expected (worked out by hand)
        ([0.10, 0.60, 0.95, 0.97, 0.20], 0.05, (1e-2, 0.1)),
        ([0.10, 0.60, 0.95, 0.97, 0.20], 0.01, (0.1, 0.1)),
        ([0.90, 0.91, 0.80, 0.30, 0.10], 0.05, (1e-4, 1e-3)),  # the best at the low edge of the grid
        ([0.20, 0.96, 0.50, 0.96, 0.93], 0.05, (1e-3, 1.0)),  # a tie, and a dip in between
    ]
    for accuracies, near, expected in cases:
        call = f"good_range({lrs}, {accuracies}, near={near})"
        got = returned(good_range(list(lrs), np.array(accuracies), near=near), call, "the pair (lowest, highest)")
        got = tuple(got)
        if not np.allclose(got, expected):
            raise AssertionError(
                f"for accuracies {accuracies} at lrs {lrs} with near = {near}, you give {got}, expected {expected}. "
                "Hint: every lr whose accuracy is >= max(accuracies) - near counts, wherever it is."
            )
    print(f"your good_range gives the right range for {len(cases)} hand-made tables (a tie, a best at the edge)")


def _network_with_dead_units(dead: int, hidden: int = 8, seed: int = 0):
    """A Linear(5, hidden), ReLU, Linear(hidden, 3) network whose first `dead` hidden units
    output 0 for every input in [0, 1]^5 (negative weights and bias), the others never."""
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(5, hidden), nn.ReLU(), nn.Linear(hidden, 3))
    weight, bias = np.abs(rng.normal(size=(hidden, 5))), np.full(hidden, 0.1)
    weight[:dead], bias[:dead] = -weight[:dead], -0.1
    model[0].weight.data[...], model[0].bias.data[...] = weight, bias
    return model


def check_count_dead(count_dead) -> None:
    """Exercise 3: ``count_dead(model, X)``: how many hidden units of a Linear, ReLU, Linear
    network output 0 for every row of X."""
    X = np.random.default_rng(1).uniform(0, 1, size=(50, 5))
    for dead in (0, 3, 8):
        model = _network_with_dead_units(dead)
        got = returned(count_dead(model, X), "count_dead(model, X)", "the number of dead units")
        if got != dead:
            raise AssertionError(
                f"this network has {dead} dead hidden units (of 8), you count {got}. Hint: a unit is dead when its "
                "ReLU output is 0 for EVERY row: take the hidden layer's output, then its maximum over the rows."
            )
    half = _network_with_dead_units(0)
    half[0].bias.data[:4] = -2.0  # units 0..3 are 0 for most rows, but not all
    with mg.no_grad():
        alive = int((half[1](half[0](mg.Tensor(X))).data.max(axis=0) > 0).sum())
    got = returned(count_dead(half, X), "count_dead(model, X)", "the number of dead units")
    if got != 8 - alive:
        raise AssertionError(
            f"units that output 0 for some rows but not all are still alive: expected {8 - alive} dead, you count "
            f"{got}. Hint: use the maximum over the rows, not the minimum."
        )
    print("your count_dead counts 0, 3 and 8 dead units right, and does not count units that are only sometimes 0")

"""Checkers for the exercises of tutorial 03 (gradient descent's troubles): the best single
learning rate on a quadratic, and the limit and the rate of SGD with momentum.

Each checker calls your function on a few cases, compares it with something it works out
independently (a scan of learning rates, or runs of ``optim.SGD``), prints what it
verified, and raises AssertionError with a hint at the first case that disagrees.
"""

from __future__ import annotations

import numpy as np

import minigrad as mg
from minigrad import optim

from ._returned import number

BOWLS = ((1.0, 25.0), (0.5, 2.0), (3.0, 300.0), (1.0, 1.0))  # (h_min, h_max) pairs
MOMENTA = ((0.5, 25.0), (0.9, 1.0), (0.0, 4.0), (0.3, 100.0))  # (m, h) pairs
RATES = ((0.07, 0.9, 1.0), (0.07, 0.5, 25.0), (0.01, 0.5, 1.0), (0.07, 0.0, 25.0), (0.02, 0.0, 1.0), (0.03, 0.8, 10.0))


def _slower_factor(lr, h_min, h_max):
    return np.maximum(np.abs(1 - lr * h_min), np.abs(1 - lr * h_max))


def check_best_lr(best_lr) -> None:
    """``best_lr(h_min, h_max)`` should return the learning rate that makes the slower of
    plain gradient descent's per-step factors, ``|1 - lr * h_min|`` and ``|1 - lr * h_max|``,
    as small as possible. Checked against a fine scan of learning rates for a few bowls."""
    for h_min, h_max in BOWLS:
        answer = number(best_lr(h_min, h_max), f"best_lr({h_min}, {h_max})")
        grid = np.linspace(0, 2 / h_max, 200_001)
        scanned = grid[np.argmin(_slower_factor(grid, h_min, h_max))]
        if not abs(answer - scanned) <= 1e-4 * scanned:
            raise AssertionError(
                f"best_lr({h_min}, {h_max}) returned {answer:.6g}, where the slower factor is "
                f"{_slower_factor(answer, h_min, h_max):.4f}; the best learning rate is about {scanned:.6g} "
                f"(slower factor {_slower_factor(scanned, h_min, h_max):.4f}). Hint: at the best learning "
                "rate the two factors are equally large, 1 - lr * h_min = lr * h_max - 1."
            )
    print(f"best_lr agrees with a scan of learning rates for the bowls (h_min, h_max) = {list(BOWLS)}")


def _grows(lr, momentum, h, steps=400):
    """Run optim.SGD on f(w) = 0.5 * h * w^2 from w = 1; return |w| after ``steps`` steps."""
    w = mg.Tensor(np.array([1.0]), requires_grad=True)
    optimizer = optim.SGD([w], lr=lr, momentum=momentum)
    for _ in range(steps):
        w.grad = h * w.data
        optimizer.step()
    return float(abs(w.data[0]))


def check_momentum_limit(momentum_limit) -> None:
    """``momentum_limit(m, h)`` should return the largest learning rate at which SGD with
    momentum ``m`` converges on ``f(w) = 0.5 * h * w^2``. Checked by running ``optim.SGD``
    at 2% below your answer (it must converge) and 2% above (it must diverge), and against
    the exact edge of stability, ``2 (1 + m) / h``, to a relative 1e-6."""
    for m, h in MOMENTA:
        answer = number(momentum_limit(m, h), f"momentum_limit({m}, {h})")
        below, above = _grows(0.98 * answer, m, h), _grows(1.02 * answer, m, h)
        if not (below < 1e-2 and above > 1e2):
            what = "diverges" if below >= 1e-2 else "still converges"
            where = "below" if below >= 1e-2 else "above"
            raise AssertionError(
                f"momentum_limit({m}, {h}) returned {answer:.6g}, but optim.SGD(momentum={m}) {what} 2% {where} "
                f"it (|w| after 400 steps: {below:.2g} at 0.98x, {above:.2g} at 1.02x). Hint: at the edge the "
                "error flips sign with constant size, e_t = (-1)^t c; put that into "
                "e_{t+1} = (1 + m - lr h) e_t - m e_{t-1} and solve for lr."
            )
        exact = 2 * (1 + m) / h
        if not abs(answer - exact) <= 1e-6 * exact:
            raise AssertionError(
                f"momentum_limit({m}, {h}) returned {answer!r}, which is {answer / exact - 1:+.2%} off the exact edge "
                f"of stability. Runs of optim.SGD 2% either side of your answer converge below it and diverge above "
                "it as they should, but the edge is exact, and your value should match it to a relative 1e-6. "
                "Hint: at the edge the error flips sign with constant size, e_t = (-1)^t c; put that into "
                "e_{t+1} = (1 + m - lr h) e_t - m e_{t-1} and solve for lr."
            )
    print(
        "momentum_limit matches optim.SGD (converges 2% below, diverges 2% above) and the exact edge of "
        f"stability for (m, h) = {list(MOMENTA)}"
    )


def _measured_rate(lr, momentum, h):
    """The long-run factor per step of |w|, from the envelope of an optim.SGD run."""
    w = mg.Tensor(np.array([1.0]), requires_grad=True)
    optimizer = optim.SGD([w], lr=lr, momentum=momentum)
    sizes = []
    for _ in range(440):
        w.grad = h * w.data
        optimizer.step()
        sizes.append(abs(w.data[0]))
    early, late = max(sizes[200:240]), max(sizes[400:440])
    return (late / early) ** (1 / 200)


def check_momentum_rate(momentum_rate) -> None:
    """``momentum_rate(lr, m, h)`` should return the factor by which the error of SGD with
    momentum ``m`` shrinks per step, in the long run, along a direction of curvature ``h``.
    Checked against the factor measured from runs of ``optim.SGD`` (within 1%)."""
    for lr, m, h in RATES:
        answer = number(momentum_rate(lr, m, h), f"momentum_rate({lr}, {m}, {h})")
        measured = _measured_rate(lr, m, h)
        if not abs(answer - measured) <= 0.01 * measured:
            raise AssertionError(
                f"momentum_rate({lr}, {m}, {h}) returned {answer:.4f}, but optim.SGD's error shrinks by "
                f"{measured:.4f} per step. Hint: the rate is the largest |z| among the roots of "
                "z^2 - (1 + m - lr h) z + m (np.roots gives them, complex or not); when they are complex, "
                "their product is m."
            )
    print(f"momentum_rate matches the rates measured with optim.SGD for (lr, m, h) = {list(RATES)}")

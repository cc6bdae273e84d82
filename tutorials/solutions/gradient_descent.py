"""Solutions to the exercises of tutorial 03 (gradient descent's troubles).

Run from ``tutorials/``: ``python -m solutions.gradient_descent``.
"""

import numpy as np


def best_lr(h_min, h_max):
    """The factors are 1 - lr * h_min (positive, shrinking as lr grows) and 1 - lr * h_max
    (becoming more negative as lr grows); the slower one is smallest where they are equally
    large: 1 - lr * h_min = lr * h_max - 1."""
    return 2 / (h_min + h_max)


def momentum_limit(m, h):
    """At the edge the error flips with constant size, e_t = (-1)^t c. Put into
    e_{t+1} = (1 + m - lr h) e_t - m e_{t-1}: -1 = -(1 + m - lr h) - m, so lr h = 2 + 2m."""
    return 2 * (1 + m) / h


def momentum_rate(lr, m, h):
    """The largest |root| of z^2 - (1 + m - lr h) z + m. When the roots are complex they are
    conjugates whose product is m, so both have |z| = sqrt(m): with m = 0.9 the error can
    shrink by no more than sqrt(0.9) = 0.949 per step, however lr is chosen, while m = 0.5
    allows 0.707. That is why m = 0.9 was slower than m = 0.5 in the tutorial."""
    return float(np.max(np.abs(np.roots([1.0, -(1 + m - lr * h), m]))))


if __name__ == "__main__":
    from exercises.gradient_descent import check_best_lr, check_momentum_limit, check_momentum_rate

    check_best_lr(best_lr)
    check_momentum_limit(momentum_limit)
    check_momentum_rate(momentum_rate)

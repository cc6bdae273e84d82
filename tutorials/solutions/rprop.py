"""Worked solutions to the exercises of tutorial 05 (from Rprop to RMSprop). Run from tutorials/:

    python -m solutions.rprop
"""

import math

import numpy as np


def steps_to_cover(distance, lr, etaplus):
    """After n steps the weight has moved lr (1 + etaplus + ... + etaplus^(n-1)) =
    lr (etaplus^n - 1) / (etaplus - 1); the smallest n with that >= distance."""
    return max(1, math.ceil(math.log(1 + distance * (etaplus - 1) / lr) / math.log(etaplus)))


def settled_steps(cycle, lr):
    """With v the mean of g^2 over the cycle, every step is -lr * g / sqrt(v): proportional to
    its gradient, so steps whose gradients add up to 0 add up to 0."""
    cycle = np.asarray(cycle, dtype=np.float64)
    return -lr * cycle / np.sqrt(np.mean(cycle**2))


if __name__ == "__main__":
    from exercises.rprop import check_settled_steps, check_steps_to_cover

    check_steps_to_cover(steps_to_cover)
    check_settled_steps(settled_steps)

"""Solutions to the exercises of tutorial 04 (AdaGrad).

Run from ``tutorials/``: ``python -m solutions.adagrad``.
"""

import numpy as np


def effective_lr(t, g, lr, eps=1e-10, initial_accumulator_value=0.0):
    """After t steps of the gradient g the sum is initial_accumulator_value + t g^2."""
    return lr / (np.sqrt(initial_accumulator_value + t * g * g) + eps)


def steps_to_travel(distance, lr):
    """Step k moves lr / sqrt(k) (the sum after k steps is k, eps is negligible), so after t
    steps AdaGrad has moved lr * (1 + 1/sqrt(2) + ... + 1/sqrt(t)), about 2 lr sqrt(t): it
    needs about (distance / (2 lr))^2 steps, against distance / lr for SGD."""
    k = np.arange(1, int(4 * (distance / (2 * lr)) ** 2) + 10)  # well past the estimate
    covered = np.cumsum(lr / (np.sqrt(k) + 1e-10))
    return int(np.searchsorted(covered, distance) + 1)


def first_step(g, lr, initial_accumulator_value=0.0, eps=1e-10):
    """The sum is initial_accumulator_value + g^2 on the first step. With a start of 0 the
    step is lr for every g that is not tiny next to eps; with Keras's 0.1 it is lr * |g| /
    sqrt(0.1 + g^2), less than half of lr once |g| < 0.18 or so: the conventions differ by
    more than a factor of two for small gradients, and for gradients near eps."""
    return lr * abs(g) / (np.sqrt(initial_accumulator_value + g * g) + eps)


if __name__ == "__main__":
    from exercises.adagrad import check_effective_lr, check_first_step, check_steps_to_travel

    check_effective_lr(effective_lr)
    check_steps_to_travel(steps_to_travel)
    check_first_step(first_step)

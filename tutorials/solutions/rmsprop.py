"""Worked solutions to the exercises of tutorial 06 (RMSprop). Run from tutorials/:

    python -m solutions.rmsprop
"""

import numpy as np


def constant_gradient_lr(t, g, lr, alpha, eps):
    """After t steps of the same g, v = (1 - alpha^t) g^2 (the geometric weights from v = 0
    add up to 1 - alpha^t), and the effective lr is lr / (sqrt(v) + eps)."""
    return lr / (np.sqrt((1 - alpha**t) * g * g) + eps)


def unrolled_square_avg(grads, alpha):
    """v_t = sum over k of (1 - alpha) alpha^k g_(t-k)^2: the newest gradient (k = 0) weighs
    1 - alpha, each step back one more factor alpha."""
    grads = np.asarray(grads, dtype=np.float64)
    k = np.arange(len(grads))[::-1]  # the last gradient is 0 steps ago
    return np.sum((1 - alpha) * alpha**k * grads**2)


if __name__ == "__main__":
    from exercises.rmsprop import check_constant_gradient_lr, check_unrolled_square_avg

    check_constant_gradient_lr(constant_gradient_lr)
    check_unrolled_square_avg(unrolled_square_avg)

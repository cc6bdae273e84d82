"""Worked solutions for the exercises of tutorial 08 (Adam). From tutorials/, run
``python -m solutions.adam`` to check them with their checkers."""

import numpy as np


def adamw_step(theta, grad, state, lr, betas, eps, weight_decay):
    """Exercise 1: decoupled weight decay, then Adam's step with the plain gradient."""
    beta1, beta2 = betas
    if not state:
        state.update(t=0, m=np.zeros_like(theta), v=np.zeros_like(theta))
    theta = theta * (1 - lr * weight_decay)
    state["t"] += 1
    state["m"] = beta1 * state["m"] + (1 - beta1) * grad
    state["v"] = beta2 * state["v"] + (1 - beta2) * grad**2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


def uncorrected_step(t, beta1, beta2):
    """Exercise 2: m_t / sqrt(v_t) for a constant gradient: (1 - beta1^t) / sqrt(1 - beta2^t)."""
    return (1 - beta1**t) / np.sqrt(1 - beta2**t)


def l2_fixed_point(s, wd):
    """Exercise 3: s^2 (theta - 1) + wd * theta = 0, so theta = s^2 / (s^2 + wd)."""
    return s**2 / (s**2 + wd)


if __name__ == "__main__":
    from exercises.adam import check_adamw_step, check_l2_fixed_point, check_uncorrected_step

    check_adamw_step(adamw_step)
    check_uncorrected_step(uncorrected_step)
    check_l2_fixed_point(l2_fixed_point)

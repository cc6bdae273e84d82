"""Checkers for the exercises of tutorial 07 (Adam). Each takes your function, compares it
with something computed independently, prints what it verified, and raises AssertionError
with a hint when your function disagrees."""

from __future__ import annotations

import numpy as np

import minigrad as mg
from minigrad import optim

from .update_rule import check_update_rule


def check_adamw_step(adamw_step) -> None:
    """Exercise 1: ``adamw_step(theta, grad, state, lr, betas, eps, weight_decay)`` must take
    the same steps as ``optim.AdamW`` (decoupled weight decay), for two settings."""
    for hyper in [
        {"lr": 0.05, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.5},
        {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-3, "weight_decay": 2.0},
    ]:
        try:
            check_update_rule(adamw_step, optim.AdamW, hyper)
        except AssertionError as error:
            raise AssertionError(
                f"{error}\nHint: AdamW first shrinks theta to theta * (1 - lr * weight_decay), then takes Adam's "
                "step with the plain gradient (weight_decay * theta is NOT added to the gradient)."
            ) from None


def _uncorrected_by_averages(steps: int, beta1: float, beta2: float) -> np.ndarray:
    """|step| / lr of Adam without bias correction (eps = 0) on the constant gradient 1,
    from the running averages m and v themselves."""
    m = v = 0.0
    sizes = []
    for _ in range(steps):
        m = beta1 * m + (1 - beta1)
        v = beta2 * v + (1 - beta2)
        sizes.append(m / np.sqrt(v))
    return np.array(sizes)


def check_uncorrected_step(uncorrected_step, steps: int = 2000) -> None:
    """Exercise 2: ``uncorrected_step(t, beta1, beta2)`` must give |step| / lr of Adam without
    its bias correction on a constant gradient, at step t = 1, 2, ..."""
    for beta1, beta2 in [(0.9, 0.999), (0.9, 0.99), (0.5, 0.9), (0.0, 0.999)]:
        expected = _uncorrected_by_averages(steps, beta1, beta2)
        got = np.array([uncorrected_step(t, beta1, beta2) for t in range(1, steps + 1)], dtype=np.float64)
        wrong = np.nonzero(~np.isclose(got, expected, rtol=1e-9, atol=0))[0]
        if wrong.size:
            t = wrong[0] + 1
            raise AssertionError(
                f"with betas ({beta1}, {beta2}), at step t = {t} your function gives {got[t - 1]:.6g}, but running "
                f"m and v gives {expected[t - 1]:.6g}. Hint: m_t = (1 - beta1^t) g and v_t = (1 - beta2^t) g^2."
            )
    peaks = _uncorrected_by_averages(steps, 0.9, 0.99)
    print(f"your uncorrected_step matches the running averages for 4 pairs of betas and {steps} steps; "
          f"with betas (0.9, 0.99) it peaks at {peaks.max():.3f} lr, at step {peaks.argmax() + 1}")  # fmt: skip


def _adam_with_l2(s: np.ndarray, wd: float, steps: int = 4000) -> np.ndarray:
    theta = mg.Tensor(np.ones(len(s)), requires_grad=True)
    optimizer = optim.Adam([theta], lr=0.01, weight_decay=wd)
    for _ in range(steps):
        theta.grad = s**2 * (theta.data - 1.0)
        optimizer.step()
    return theta.data.copy()


def check_l2_fixed_point(l2_fixed_point) -> None:
    """Exercise 3: ``l2_fixed_point(s, wd)`` (s an array) must give where optim.Adam with
    weight_decay=wd ends on the loss 0.5 * sum(s^2 (theta - 1)^2), started at theta = 1."""
    for s, wd in [(np.array([10.0, 1.0, 0.1]), 1.0), (np.array([3.0, 0.5, 2.0]), 0.25)]:
        reached = _adam_with_l2(s, wd)
        got = np.asarray(l2_fixed_point(s.copy(), wd), dtype=np.float64)
        if got.shape != s.shape or not np.allclose(got, reached, atol=2e-3):
            raise AssertionError(
                f"for s = {s} and wd = {wd}, optim.Adam ends at {reached}, your function gives {got}. Hint: at "
                "the end the gradient Adam follows, s^2 (theta - 1) + wd * theta, is zero; solve for theta."
            )
    print("your l2_fixed_point matches where optim.Adam(weight_decay=wd) ends, for 2 problems (6 coordinates)")

"""Checkers for the exercises of tutorial 08 (Adam). Each takes your function, compares it
with something computed independently, prints what it verified, and raises AssertionError
with a hint when your function disagrees."""

from __future__ import annotations

import numpy as np

import minigrad as mg
from minigrad import optim

from ._returned import NothingReturned, number, returned
from .update_rule import CURVATURES, START, check_update_rule


def check_adamw_step(adamw_step) -> None:
    """Exercise 1: ``adamw_step(theta, grad, state, lr, betas, eps, weight_decay)`` must take
    the same steps as ``optim.AdamW`` (decoupled weight decay), for two settings."""
    for hyper in [
        {"lr": 0.05, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.5},
        {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-3, "weight_decay": 2.0},
    ]:
        try:
            check_update_rule(adamw_step, optim.AdamW, hyper)
        except NothingReturned:  # no hint about the rule: there is none yet
            raise
        except AssertionError as error:
            if _same_steps(adamw_step, _paper_adamw_step, hyper):
                raise AssertionError(
                    f"{error}\nHint: your rule shrinks theta by weight_decay * theta, not lr * weight_decay * "
                    "theta. That is the form of Loshchilov and Hutter's paper (Algorithm 2, where the decay is "
                    "multiplied by the schedule multiplier eta_t, here 1, not by lr). optim.AdamW, like "
                    "torch.optim.AdamW, shrinks theta to theta * (1 - lr * weight_decay)."
                ) from None
            raise AssertionError(
                f"{error}\nHint: AdamW first shrinks theta to theta * (1 - lr * weight_decay), then takes Adam's "
                "step with the plain gradient (weight_decay * theta is NOT added to the gradient)."
            ) from None


def _paper_adamw_step(theta, grad, state, lr, betas, eps, weight_decay):
    """AdamW as in Algorithm 2 of Loshchilov and Hutter (ICLR 2019) with schedule multiplier
    eta_t = 1: theta <- theta - (lr * m_hat / (sqrt(v_hat) + eps) + weight_decay * theta)."""
    beta1, beta2 = betas
    if not state:
        state.update(t=0, m=np.zeros_like(theta), v=np.zeros_like(theta))
    state["t"] += 1
    state["m"] = beta1 * state["m"] + (1 - beta1) * grad
    state["v"] = beta2 * state["v"] + (1 - beta2) * grad**2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    return theta - (lr * m_hat / (np.sqrt(v_hat) + eps) + weight_decay * theta)


def _same_steps(step, reference, hyper: dict, steps: int = 30) -> bool:
    """Whether ``step`` and ``reference`` (both update rules) take the same steps on the bowl
    of ``check_update_rule``, each from its own theta, with the same noise."""
    noise = np.random.default_rng(1).normal(scale=0.5, size=(steps, len(START)))
    mine, theirs, my_state, their_state = START.copy(), START.copy(), {}, {}
    for t in range(steps):
        try:
            mine = np.asarray(step(mine.copy(), CURVATURES * mine + noise[t], my_state, **hyper), dtype=np.float64)
        except Exception:  # any failure means "not the same rule"
            return False
        theirs = reference(theirs.copy(), CURVATURES * theirs + noise[t], their_state, **hyper)
        if mine.shape != theirs.shape or not np.allclose(mine, theirs, rtol=1e-10, atol=1e-12):
            return False
    return True


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
        got = np.array([number(uncorrected_step(t, beta1, beta2), f"uncorrected_step({t}, {beta1}, {beta2})")
                        for t in range(1, steps + 1)])  # fmt: skip
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
        call = f"l2_fixed_point(s={s.tolist()}, wd={wd})"
        got = np.asarray(returned(l2_fixed_point(s.copy(), wd), call, "theta, an array like s"), dtype=np.float64)
        if got.shape != s.shape or not np.allclose(got, reached, atol=2e-3):
            raise AssertionError(
                f"for s = {s} and wd = {wd}, optim.Adam ends at {reached}, your function gives {got}. Hint: at "
                "the end the gradient Adam follows, s^2 (theta - 1) + wd * theta, is zero; solve for theta."
            )
    print("your l2_fixed_point matches where optim.Adam(weight_decay=wd) ends, for 2 problems (6 coordinates)")

"""Checkers for the exercises of tutorial 06 (RMSprop). Each runs your function against
minigrad's `optim.RMSprop`, prints what it verified, and raises AssertionError with a hint
when something is off."""

from __future__ import annotations

import numpy as np

import minigrad as mg
from minigrad import optim

from ._returned import returned

CASES = [(0.01, 0.5, 0.9, 1e-8), (0.1, 2.0, 0.99, 1e-8), (0.001, 1e-3, 0.9, 1e-3), (0.05, -0.3, 0.5, 1e-6)]


def _rates(lr, g, alpha, eps, steps):
    """The effective lr optim.RMSprop reports after each of `steps` steps of the gradient g."""
    p = mg.Tensor(np.zeros(1), requires_grad=True)
    optimizer = optim.RMSprop([p], lr=lr, alpha=alpha, eps=eps)
    rates = []
    for _ in range(steps):
        p.grad = np.array([g])
        optimizer.step()
        rates.append(optimizer.effective_lr()[0])
    return np.array(rates)


def check_constant_gradient_lr(constant_gradient_lr, steps: int = 60) -> None:
    """Exercise 1: ``constant_gradient_lr(t, g, lr, alpha, eps)`` is RMSprop's effective
    learning rate after ``t`` steps (t = 1, 2, ...) of the same gradient ``g``. Compared with
    what ``optim.RMSprop.effective_lr()`` reports, for t = 1..steps and four settings."""
    for lr, g, alpha, eps in CASES:
        measured = _rates(lr, g, alpha, eps, steps)
        for t in range(1, steps + 1):
            call = f"constant_gradient_lr({t}, {g}, {lr}, {alpha}, {eps})"
            yours = returned(constant_gradient_lr(t, g, lr, alpha, eps), call, "the effective lr")
            if not np.isclose(float(yours), measured[t - 1], rtol=1e-9, atol=0.0):
                candidates = [
                    (lr / (abs(g) + eps), "v starts at zero, so after t steps it holds (1 - alpha^t) g^2, not g^2"),
                    (lr / np.sqrt((1 - alpha**t) * g * g + eps), "eps goes after the square root (PyTorch)"),
                    (lr / (np.sqrt(1 - alpha**t) * g + eps), "g enters as |g|: a negative g, the same lr"),
                ]
                hint = next(
                    (text for value, text in candidates if np.isclose(float(yours), value, rtol=1e-12, atol=0.0)),
                    "effective lr = lr / (sqrt(v) + eps), with v = (1 - alpha^t) g^2",
                )
                raise AssertionError(
                    f"t={t}, g={g}, lr={lr}, alpha={alpha}, eps={eps}: yours is {float(yours)!r}, "
                    f"optim.RMSprop's is {float(measured[t - 1])!r}. Hint: {hint}."
                )
    print(f"constant_gradient_lr matches optim.RMSprop's effective lr for t = 1..{steps} in {len(CASES)} settings")


def check_unrolled_square_avg(unrolled_square_avg, seed: int = 0) -> None:
    """Exercise 2: ``unrolled_square_avg(grads, alpha)`` returns v after the gradients
    ``grads`` (shape (t,)), starting from v = 0. Only the value is checked (how you compute
    it is up to you; the exercise suggests the unrolled sum): compared with the
    ``square_avg`` state of ``optim.RMSprop`` fed the same random gradients."""
    rng = np.random.default_rng(seed)
    for alpha, t in [(0.9, 7), (0.99, 50), (0.5, 20), (0.9, 200), (0.9, 1)]:
        grads = rng.normal(scale=2.0, size=t)
        p = mg.Tensor(np.zeros(1), requires_grad=True)
        optimizer = optim.RMSprop([p], alpha=alpha)
        for g in grads:
            p.grad = np.array([g])
            optimizer.step()
        expected = float(optimizer.state[p]["square_avg"][0])
        yours = returned(unrolled_square_avg(grads.copy(), alpha), f"unrolled_square_avg({t} gradients, {alpha})", "v")
        yours = float(np.asarray(yours).reshape(-1)[0]) if np.size(yours) == 1 else yours
        if np.ndim(yours) != 0:
            raise AssertionError(f"return v after the last step (one number), got an array of shape {np.shape(yours)}")
        if not np.isclose(yours, expected, rtol=1e-9):
            k = np.arange(t)[::-1]  # how many steps ago each gradient was
            hint = (
                "each weight (1 - alpha) alpha^k needs its factor (1 - alpha)"
                if np.isclose(yours, np.sum(alpha**k * grads**2), rtol=1e-6)
                else "the newest gradient has k = 0 (weight 1 - alpha), the oldest k = t - 1"
                if np.isclose(yours, np.sum((1 - alpha) * alpha**k[::-1] * grads**2), rtol=1e-6)
                else "RMSprop does not divide by 1 - alpha^t (that is Adam's bias correction)"
                if np.isclose(yours, np.sum((1 - alpha) * alpha**k * grads**2) / (1 - alpha**t), rtol=1e-6)
                else "v = sum over k of (1 - alpha) alpha^k g_(t-k)^2, k = 0 for the newest gradient"
            )
            raise AssertionError(
                f"alpha={alpha}, {t} gradients: yours is {yours!r}, optim.RMSprop's square_avg is {expected!r}. "
                f"Hint: {hint}."
            )
    print("unrolled_square_avg matches optim.RMSprop's square_avg for 5 random gradient sequences")

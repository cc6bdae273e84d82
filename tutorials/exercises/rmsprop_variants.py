"""Checkers for the exercises of tutorial 07 (RMSprop's variants). Each runs your function
against minigrad's `optim.RMSprop`, prints what it verified, and raises AssertionError with
a hint when something is off."""

from __future__ import annotations

import numpy as np

import minigrad as mg
from minigrad import optim

from ._returned import returned
from .update_rule import CURVATURES, START, check_update_rule


def check_momentum_rule(momentum_rmsprop_step, steps: int = 40) -> None:
    """Exercise 1: ``momentum_rmsprop_step(theta, grad, state, lr, alpha, eps, momentum)``,
    RMSprop with PyTorch's velocity buffer (lr outside it). Checked with ``check_update_rule``
    at a constant lr, then step for step against ``optim.RMSprop(momentum=0.9)`` on the same
    bowl with the lr cut tenfold halfway, as a scheduler would."""
    hyper = {"lr": 0.01, "alpha": 0.9, "eps": 1e-8, "momentum": 0.9}
    check_update_rule(momentum_rmsprop_step, optim.RMSprop, hyper, steps=steps)
    noise = np.random.default_rng(1).normal(scale=0.5, size=(steps, len(START)))
    theta, state = START.copy(), {}
    w = mg.Tensor(START.copy(), requires_grad=True)
    reference = optim.RMSprop([w], **hyper)
    for t in range(steps):
        lr = hyper["lr"] if t < steps // 2 else hyper["lr"] / 10
        reference.param_groups[0]["lr"] = lr
        grad = CURVATURES * theta + noise[t]
        theta = returned(momentum_rmsprop_step(theta.copy(), grad, state, **{**hyper, "lr": lr}), "your step",
                         "the new theta")  # fmt: skip
        theta = np.asarray(theta, dtype=np.float64)
        w.grad = CURVATURES * w.data + noise[t]
        reference.step()
        if not np.allclose(theta, w.data, rtol=1e-10, atol=1e-12):
            cut = steps // 2 + 1  # the first step taken with the lower lr
            if t + 1 < cut:
                when = f"before the lr was cut at step {cut} (lr {lr:g} throughout so far)"
                hint = (
                    "this run starts afresh with an empty state dict and other noise; keep everything your "
                    "rule remembers in `state`, and compare your lines with the rule in optim.RMSprop's docstring"
                )
            else:
                when = (
                    f"after the lr was cut from {hyper['lr']:g} to {lr:g} at step {cut} "
                    f"(step {t + 2 - cut} at the lower lr)"
                )
                hint = (
                    "keep lr out of the buffer (PyTorch's form): b <- momentum * b + g / d, then "
                    "theta <- theta - lr * b. With lr inside the buffer (Keras' form) the velocity built at "
                    "the old lr keeps coasting"
                )
            raise AssertionError(
                f"step {t + 1}, {when}: your theta is {theta}, optim.RMSprop's is {w.data}. Hint: {hint}."
            )
    print(f"and it still matches when the lr is cut tenfold after {steps // 2} steps (PyTorch's form)")


def _settled_step(g: float, eps: float, inside: bool, lr: float = 1e-3, steps: int = 400) -> float:
    """The step optim.RMSprop takes, as a fraction of lr, once v has settled at g^2."""
    p = mg.Tensor(np.zeros(1), requires_grad=True)
    optimizer = optim.RMSprop([p], lr=lr, eps=eps, eps_inside_sqrt=inside)
    for _ in range(steps):
        before = p.data[0]
        p.grad = np.array([g])
        optimizer.step()
    return abs(p.data[0] - before) / lr


def check_ten_percent_gradient(ten_percent_gradient) -> None:
    """Exercise 2: ``ten_percent_gradient(eps, inside)`` is the gradient magnitude at which
    RMSprop's settled step is 90% of lr. Checked by running ``optim.RMSprop`` with a constant
    gradient of that size (eps after the root, or under it) and measuring the step."""
    for eps in (1e-8, 1e-7, 1e-4):
        for inside in (False, True):
            g = float(returned(ten_percent_gradient(eps, inside), f"ten_percent_gradient({eps}, {inside})",
                               "the gradient magnitude"))  # fmt: skip
            step = _settled_step(g, eps, inside)
            if not abs(step - 0.9) < 1e-6:
                where = "under the root: sqrt(g^2 + eps)" if inside else "after the root: |g| + eps"
                hint = (
                    f"with eps {where}, v settled at g^2 gives step / lr = |g| / divisor; set it to 0.9 and solve"
                )
                raise AssertionError(
                    f"eps={eps}, inside={inside}: at your |g| = {g:.3e} the step is {step:.4f} lr, not 0.9 lr. "
                    f"Hint: {hint}."
                )
    print("ten_percent_gradient: optim.RMSprop's settled step is 0.9 lr at your gradients, for 3 eps, both forms")

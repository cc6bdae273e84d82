"""The Adamax optimizer. Its update rule opens the class docstring below, so
``help(optim.Adamax)`` shows it."""

from __future__ import annotations

import numpy as np

from ..checks import check_non_negative
from .optimizer import Optimizer, check_betas


class Adamax(Optimizer):
    """Adamax: Adam with the root mean square of the gradients replaced by a decaying maximum
    of their sizes (the infinity norm in place of the 2-norm).

        t <- t + 1
        g <- grad + weight_decay * theta                  if weight_decay != 0 (L2, coupled)
        m <- m + (1 - beta1) * (g - m)                    = beta1 m + (1 - beta1) g
        u <- max(beta2 * u, |g| + eps)                    eps inside the max (u starts at 0)
        clr <- lr / (1 - beta1^t)                         undoes m's pull towards its start at 0
        theta <- theta - clr * m / u

    u needs no bias correction: a maximum is not pulled towards its zero start the way an
    average is (after one step u = |g| + eps exactly). Each coordinate moves at most about
    lr per step (the paper's bound |step| <= lr, for beta1 < sqrt(beta2)): u is at least
    every recent |g| decayed by beta2 per step since, and m averages those same gradients
    with weights beta1 per step. With eps inside the max, u >= eps at every step, so
    a coordinate whose gradients were all 0 has m = 0 and stays put (eps = 0 would give
    0 / 0 there, as in PyTorch).

    ``effective_lr()``: the factor on the direction m, per coordinate, clr / u =
    lr / (1 - beta1^t) / u (u holds eps already).

    Source: Kingma & Ba, "Adam: A Method for Stochastic Optimization" (ICLR 2015), section
    7.1, where u_t = max(beta2 u_{t-1}, |g_t|) has no eps; PyTorch adds eps to |g| inside the
    max, and so does minigrad. Keras adds it after the max instead, dividing by u + eps.

    Defaults   minigrad        PyTorch         Keras                   the paper
    lr         0.002           0.002           0.001                   0.002
    betas      (0.9, 0.999)    (0.9, 0.999)    (0.9, 0.999)            (0.9, 0.999)
    eps        1e-8, in max    1e-8, in max    1e-7, added to u        none

    Arguments and ``state_dict`` (``step``, ``exp_avg``, ``exp_inf``) follow
    ``torch.optim.Adamax``; for ``params`` and parameter groups see ``Optimizer``. Errors:
    ``betas`` not a tuple or list, or holding a non-number: ``TypeError``; not two values, a
    beta outside [0, 1), a negative lr, eps or weight_decay: ``ValueError``.
    """

    defaults = {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}
    checks = {
        "lr": check_non_negative,
        "betas": check_betas,
        "eps": check_non_negative,
        "weight_decay": check_non_negative,
    }

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def init_state(self, p, group):
        return {"step": 0, "exp_avg": np.zeros(p.shape, dtype=p.dtype), "exp_inf": np.zeros(p.shape, dtype=p.dtype)}

    def update(self, p, g, state, group):
        theta, m, u = p.data, state["exp_avg"], state["exp_inf"]
        beta1, beta2 = group["betas"]
        state["step"] = t = state["step"] + 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * theta
        m += (1 - beta1) * (g - m)
        u *= beta2
        np.maximum(u, np.abs(g) + group["eps"], out=u)
        clr = group["lr"] / (1 - beta1**t)
        theta -= clr * m / u

    elementwise_rates = True  # effective_lr_of: each coordinate from its own state

    def effective_lr_of(self, state, group):
        return group["lr"] / (1 - group["betas"][0] ** state["step"]) / state["exp_inf"]

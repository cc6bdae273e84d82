"""The Adagrad optimizer. Its update rule opens the class docstring below, so
``help(optim.Adagrad)`` shows it."""

from __future__ import annotations

import numpy as np

from ..checks import check_non_negative
from .optimizer import Optimizer


class Adagrad(Optimizer):
    """AdaGrad: every coordinate gets its own learning rate, shrinking with the sum of all the
    squared gradients it has seen.

        t <- t + 1
        g <- grad + weight_decay * theta                  if weight_decay != 0
        clr <- lr / (1 + (t - 1) * lr_decay)
        sum <- sum + g^2                                  sum starts at initial_accumulator_value
        theta <- theta - clr * g / (sqrt(sum) + eps)

    Because ``sum`` only grows, the effective learning rate clr / (sqrt(sum) + eps) only
    falls: with a constant gradient g it is lr / (sqrt(t) |g| + eps) after t steps. It is
    the factor in front of g, not the step: with ``sum`` starting at 0 the first step is
    about lr * sign(g) whatever |g| is, while the factor is about lr / |g|. That decay is
    what RMSprop was designed to stop.

    Source: Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning and
    Stochastic Optimization", JMLR 12 (2011).

    Defaults                    minigrad   PyTorch   Keras
    lr                          0.01       0.01      0.001
    initial_accumulator_value   0          0         0.1
    eps                         1e-10      1e-10     1e-7

    Arguments and ``state_dict`` follow ``torch.optim.Adagrad``; for ``params``, parameter groups
    and the errors bad hyper-parameters raise, see ``Optimizer``.
    """

    defaults = {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10}
    checks = {
        "lr": check_non_negative,
        "lr_decay": check_non_negative,
        "weight_decay": check_non_negative,
        "initial_accumulator_value": check_non_negative,
        "eps": check_non_negative,
    }
    state_keys = ("step", "sum")

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(
            params,
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )

    def init_state(self, p, group):
        return {"step": 0, "sum": np.full(p.shape, group["initial_accumulator_value"], dtype=p.dtype)}

    def update(self, p, g, state, group):
        theta, total = p.data, state["sum"]
        state["step"] = t = state["step"] + 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * theta
        clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        total += g * g
        theta -= clr * g / (np.sqrt(total) + group["eps"])

    elementwise_rates = True  # effective_lr_of: each coordinate from its own state

    def effective_lr_of(self, state, group):
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        return clr / (np.sqrt(state["sum"]) + group["eps"])

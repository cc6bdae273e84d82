"""The Adadelta optimizer. Its update rule opens the class docstring below, so
``help(optim.Adadelta)`` shows it."""

from __future__ import annotations

import numpy as np

from ..checks import check_decay, check_non_negative
from .optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta: RMSprop's moving average of squared gradients in the denominator, and a
    moving average of squared updates in the numerator, so that the step has the units of
    the parameters and needs (almost) no learning rate.

        g <- grad + weight_decay * theta                  if weight_decay != 0
        v <- rho * v + (1 - rho) * g^2                    moving average of g^2
        delta <- sqrt(u + eps) / sqrt(v + eps) * g        u: moving average of delta^2
        u <- rho * u + (1 - rho) * delta^2
        theta <- theta - lr * delta

    Source: Zeiler, "ADADELTA: An Adaptive Learning Rate Method" (2012), with PyTorch's lr
    factor (1.0 gives the paper's rule).

    Defaults   minigrad   PyTorch   Keras
    lr         1.0        1.0       0.001
    rho        0.9        0.9       0.95
    eps        1e-6       1e-6      1e-7

    Arguments and ``state_dict`` follow ``torch.optim.Adadelta``; for ``params``, parameter groups
    and the errors bad hyper-parameters raise, see ``Optimizer``.
    """

    defaults = {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0}
    checks = {
        "lr": check_non_negative,
        "rho": check_decay,
        "eps": check_non_negative,
        "weight_decay": check_non_negative,
    }
    state_keys = ("step", "square_avg", "acc_delta")

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
        super().__init__(params, lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)

    def init_state(self, p, group):
        return {
            "step": 0,
            "square_avg": np.zeros(p.shape, dtype=p.dtype),
            "acc_delta": np.zeros(p.shape, dtype=p.dtype),
        }

    def update(self, p, g, state, group):
        theta, v, u = p.data, state["square_avg"], state["acc_delta"]
        rho, eps = group["rho"], group["eps"]
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * theta
        v *= rho
        v += (1 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u *= rho
        u += (1 - rho) * delta * delta
        self._subtract_scaled(theta, group["lr"], delta)

    elementwise_rates = True  # effective_lr_of: each coordinate from its own state

    def effective_lr_of(self, state, group):
        """lr * sqrt(u + eps) / sqrt(v + eps) from the current averages: the factor the next
        step would apply if the averages did not move."""
        return group["lr"] * np.sqrt(state["acc_delta"] + group["eps"]) / np.sqrt(state["square_avg"] + group["eps"])

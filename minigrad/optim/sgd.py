"""The SGD optimizer. Its update rule opens the class docstring below, so
``help(optim.SGD)`` shows it."""

from __future__ import annotations

import numpy as np

from ..checks import check_bool, check_decay, check_non_negative
from .optimizer import Optimizer


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, dampening, Nesterov momentum and
    weight decay.

        g <- grad + weight_decay * theta                  if weight_decay != 0
        if momentum != 0:
            b <- g                                        on the first step
            b <- momentum * b + (1 - dampening) * g       on later steps
            g <- g + momentum * b                         if nesterov
            g <- b                                        otherwise
        theta <- theta - lr * g

    Sources: Robbins & Monro (1951); momentum in PyTorch's form, which differs from Sutskever
    et al., "On the importance of initialization and momentum in deep learning" (ICML 2013),
    in where lr sits: there (and in Keras) lr is folded into the velocity, v <- momentum * v +
    lr * g, theta <- theta - v, while here it multiplies the buffer b. At a constant lr the
    two take the same steps (v = lr * b); they differ once lr changes during a run.

    Defaults      minigrad      PyTorch       Keras
    lr            0.01          0.001         0.01
    momentum      0             0             0

    Arguments and ``state_dict`` follow ``torch.optim.SGD``; for ``params``, parameter groups
    and the errors bad hyper-parameters raise, see ``Optimizer``.
    """

    defaults = {"lr": 1e-2, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
    checks = {
        "lr": check_non_negative,
        "momentum": check_decay,
        "dampening": check_decay,
        "weight_decay": check_non_negative,
        "nesterov": check_bool,
    }
    state_keys = ("momentum_buffer",)

    def __init__(self, params, lr=1e-2, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(
            params, lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov
        )

    def check_options(self, options, where):
        if options["nesterov"] and (options["momentum"] <= 0 or options["dampening"] != 0):
            raise ValueError(
                f"Nesterov momentum needs momentum > 0 and dampening = 0{where}, got "
                f"momentum={options['momentum']}, dampening={options['dampening']}"
            )

    def update(self, p, g, state, group):
        theta = p.data
        lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
        if weight_decay != 0:
            g = g + weight_decay * theta
        if momentum != 0:
            b = state.get("momentum_buffer")
            if b is None:
                # np.array: a copy, and an ndarray even when p is 0-d and g a numpy scalar
                b = state["momentum_buffer"] = np.array(g, dtype=theta.dtype)
            else:
                b *= momentum
                b += (1 - group["dampening"]) * g
            g = g + momentum * b if group["nesterov"] else b
        self._subtract_scaled(theta, lr, g)

"""The Adam optimizer. Its update rule opens the class docstring below, so
``help(optim.Adam)`` shows it."""

from __future__ import annotations

import numpy as np

from ..checks import check_bool, check_non_negative
from .optimizer import Optimizer, check_betas


class Adam(Optimizer):
    """Adam: momentum (a moving average of gradients) plus RMSprop (a moving average of their
    squares), both corrected for starting at zero.

        t <- t + 1
        g <- grad + weight_decay * theta                  if weight_decay != 0 (L2, coupled)
        m <- m + (1 - beta1) * (g - m)                    = beta1 m + (1 - beta1) g
        v <- beta2 * v + (1 - beta2) * g^2
        v_max <- max(v_max, v)                            if amsgrad; then v_max replaces v below
        step_size <- lr / (1 - beta1^t)                   undoes m's pull towards its start at 0
        d <- sqrt(v) / sqrt(1 - beta2^t) + eps            the same for v
        theta <- theta - step_size * m / d

    Early on m and v are averages of only a few gradients mixed with their zero start: after
    one step m = (1 - beta1) g. Dividing by 1 - beta^t removes that bias exactly for a
    constant gradient. With beta1 = 0, Adam is RMSprop (alpha = beta2) with this correction.

    Sources: Kingma & Ba, "Adam: A Method for Stochastic Optimization" (ICLR 2015), with eps
    added after the bias-corrected square root, as in PyTorch; AMSGrad from Reddi, Kale &
    Kumar, "On the Convergence of Adam and Beyond" (ICLR 2018).

    Defaults   minigrad        PyTorch         Keras
    lr         0.001           0.001           0.001
    betas      (0.9, 0.999)    (0.9, 0.999)    (0.9, 0.999)
    eps        1e-8            1e-8            1e-7

    Arguments and ``state_dict`` follow ``torch.optim.Adam``; for ``params``, parameter groups
    and the errors bad hyper-parameters raise, see ``Optimizer``.
    """

    defaults = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}
    checks = {
        "lr": check_non_negative,
        "betas": check_betas,
        "eps": check_non_negative,
        "weight_decay": check_non_negative,
        "amsgrad": check_bool,
    }
    state_keys = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

    def init_state(self, p, group):
        state = {"step": 0, "exp_avg": np.zeros(p.shape, dtype=p.dtype), "exp_avg_sq": np.zeros(p.shape, dtype=p.dtype)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros(p.shape, dtype=p.dtype)
        return state

    def decay(self, theta, g, group):
        """Adam's weight decay is L2 regularisation: it joins the gradient."""
        return g + group["weight_decay"] * theta

    def update(self, p, g, state, group):
        theta, m, v = p.data, state["exp_avg"], state["exp_avg_sq"]
        beta1, beta2 = group["betas"]
        state["step"] = t = state["step"] + 1
        if group["weight_decay"] != 0:
            g = self.decay(theta, g, group)
        m += (1 - beta1) * (g - m)
        v *= beta2
        v += (1 - beta2) * g * g
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        step_size = group["lr"] / (1 - beta1**t)
        theta -= step_size * m / self._denominator(state, group)

    def _denominator(self, state, group):
        """d = sqrt(v) / sqrt(1 - beta2^t) + eps, with v_max for v under amsgrad."""
        v = state["max_exp_avg_sq"] if group["amsgrad"] else state["exp_avg_sq"]
        return np.sqrt(v) / (1 - group["betas"][1] ** state["step"]) ** 0.5 + group["eps"]

    elementwise_rates = True  # effective_lr_of: each coordinate from its own state

    def effective_lr_of(self, state, group):
        return group["lr"] / (1 - group["betas"][0] ** state["step"]) / self._denominator(state, group)

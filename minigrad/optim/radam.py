"""The RAdam optimizer. Its update rule opens the class docstring below, so
``help(optim.RAdam)`` shows it."""

from __future__ import annotations

import numpy as np

from ..checks import check_bool, check_non_negative
from .optimizer import Optimizer, check_betas


class RAdam(Optimizer):
    """RAdam: Adam whose adaptive step is switched on only once v averages enough squared
    gradients to be trusted, and then scaled by a rectification factor r_t that corrects for
    the variance of 1 / sqrt(v) (large in the first steps, when v holds few gradients).
    Before that it takes the plain momentum step lr * m / (1 - beta1^t): a built-in warm-up.

        t <- t + 1
        theta <- theta * (1 - lr * weight_decay)          if decoupled_weight_decay (AdamW's)
        g <- grad + weight_decay * theta                  otherwise, if weight_decay != 0 (L2)
        m <- m + (1 - beta1) * (g - m)                    = beta1 m + (1 - beta1) g
        v <- beta2 * v + (1 - beta2) * g^2
        m_hat <- m / (1 - beta1^t)
        rho_inf <- 2 / (1 - beta2) - 1                    the most gradients v can average
        rho_t <- rho_inf - 2 t beta2^t / (1 - beta2^t)    how many it averages now
        if rho_t > 5:
            r_t <- sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))
            l_t <- sqrt(1 - beta2^t) / (sqrt(v) + eps)
            theta <- theta - lr * m_hat * l_t * r_t
        else:
            theta <- theta - lr * m_hat

    rho_t is the length of the simple moving average that v's exponential one resembles:
    1 at the first step, about t early on, rho_inf in the end. With beta2 = 0.999
    (rho_inf = 1999), rho_t <= 5 for t <= 5 (rho_5 = 4.996): five momentum steps, then the
    adaptive step, at first damped by r_6 = 0.0258 (r_100 = 0.215, r_1000 = 0.645, r_t -> 1).
    With beta2 <= 2/3 (rho_inf <= 5) rho_t never passes 5 and RAdam stays SGD with momentum.

    ``effective_lr()`` reports the factor the rule multiplies m by, as Adam's does:
    lr * r_t / (1 - beta1^t) * sqrt(1 - beta2^t) / (sqrt(v) + eps) where rho_t > 5, i.e.
    lr * r_t / (1 - beta1^t) / (sqrt(v_hat) + eps / sqrt(1 - beta2^t)) with v_hat =
    v / (1 - beta2^t); lr / (1 - beta1^t), the same for every coordinate, before that.

    Sources: Liu, Jiang, He, Chen, Liu, Gao & Han, "On the Variance of the Adaptive Learning
    Rate and Beyond" (ICLR 2020), Algorithm 2, in the form of ``torch.optim.RAdam``: the
    threshold rho_t > 5 (the paper's Algorithm 2 switches at rho_t > 4, where r_t is defined;
    the authors' code, at rho_t >= 5, and PyTorch are more cautious, rho_t being an
    approximation), eps added to sqrt(v), and decoupled weight decay as in Loshchilov &
    Hutter, "Decoupled Weight Decay Regularization" (ICLR 2019).

    Defaults   minigrad        PyTorch         Keras (TensorFlow Addons' RectifiedAdam)
    lr         0.001           0.001           0.001
    betas      (0.9, 0.999)    (0.9, 0.999)    (0.9, 0.999)
    eps        1e-8            1e-8            1e-7

    State: "step" (an int), "exp_avg" (m), "exp_avg_sq" (v).

    Arguments and ``state_dict`` follow ``torch.optim.RAdam`` (without maximize, foreach,
    capturable and differentiable); for ``params``, parameter groups and the errors bad
    hyper-parameters raise (``TypeError`` for a wrong type, ``ValueError`` for a negative lr,
    eps or weight_decay, or a beta outside [0, 1)), see ``Optimizer``.
    """

    defaults = {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "decoupled_weight_decay": False,
    }
    checks = {
        "lr": check_non_negative,
        "betas": check_betas,
        "eps": check_non_negative,
        "weight_decay": check_non_negative,
        "decoupled_weight_decay": check_bool,
    }

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            decoupled_weight_decay=decoupled_weight_decay,
        )

    def init_state(self, p, group):
        return {"step": 0, "exp_avg": np.zeros(p.shape, dtype=p.dtype), "exp_avg_sq": np.zeros(p.shape, dtype=p.dtype)}

    def update(self, p, g, state, group):
        theta, m, v = p.data, state["exp_avg"], state["exp_avg_sq"]
        lr, (beta1, beta2) = group["lr"], group["betas"]
        state["step"] = state["step"] + 1
        if group["weight_decay"] != 0:
            if group["decoupled_weight_decay"]:
                theta *= 1 - lr * group["weight_decay"]
            else:
                g = g + group["weight_decay"] * theta
        m += (1 - beta1) * (g - m)
        v *= beta2
        v += (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** state["step"])
        r_t = self._rectification(state, group)
        if r_t is not None:
            l_t = self._adaptive(state, group)
            theta -= lr * m_hat * l_t * r_t
        else:
            theta -= lr * m_hat

    def _rectification(self, state, group):
        """r_t, or None while rho_t <= 5 (too few gradients in v to trust it)."""
        t, beta2 = state["step"], group["betas"][1]
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        if rho_t > 5:
            return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        return None

    def _adaptive(self, state, group):
        """l_t = sqrt(1 - beta2^t) / (sqrt(v) + eps)."""
        return (1 - group["betas"][1] ** state["step"]) ** 0.5 / (np.sqrt(state["exp_avg_sq"]) + group["eps"])

    elementwise_rates = True  # effective_lr_of: each coordinate from its own state

    def effective_lr_of(self, state, group):
        step_size = group["lr"] / (1 - group["betas"][0] ** state["step"])
        r_t = self._rectification(state, group)
        return step_size if r_t is None else step_size * r_t * self._adaptive(state, group)

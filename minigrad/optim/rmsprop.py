"""The RMSprop optimizer. Its update rule opens the class docstring below, so
``help(optim.RMSprop)`` shows it."""

from __future__ import annotations

import numpy as np

from ..checks import check_bool, check_decay, check_non_negative
from .optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop: AdaGrad's per-coordinate learning rates, with the sum of squared gradients
    replaced by a moving average, so the rate follows the recent gradients' size instead of
    decaying for ever.

        g <- grad + weight_decay * theta                  if weight_decay != 0
        v <- alpha * v + (1 - alpha) * g^2                moving average of g^2 (v starts at 0)
        m <- m + (1 - alpha) * (g - m)                    if centered: moving average of g
        d <- sqrt(v - m^2) + eps                          if centered
        d <- sqrt(v) + eps                                otherwise
        d <- sqrt(v + eps) (or sqrt(v - m^2 + eps))       instead, if eps_inside_sqrt
        b <- momentum * b + g / d                         if momentum > 0 (b starts at 0)
        theta <- theta - lr * b                           if momentum > 0
        theta <- theta - lr * g / d                       otherwise

    The average forgets: a squared gradient from k steps ago weighs (1 - alpha) alpha^k, and
    these weights sum to 1 (to 1 - alpha^t after t steps from v = 0). Their mean age is
    alpha / (1 - alpha) steps, so v reflects roughly the last 1 / (1 - alpha) steps (10 for
    alpha = 0.9, 100 for 0.99); a weight halves every ln 0.5 / ln alpha steps (6.6 for 0.9,
    69 for 0.99). With a constant gradient g the effective learning rate lr / d tends to lr / |g|.

    Conventions differ between libraries, and both are here:
    - eps: PyTorch adds it after the square root, Keras and TensorFlow inside it
      (``eps_inside_sqrt=True``). It matters only where v is as small as eps (or eps^2).
    - momentum: PyTorch (and minigrad) keep lr outside the buffer b; Keras folds it in
      (b <- momentum * b + lr * g / d; theta <- theta - b). The two agree while lr is constant.

    Source: Hinton, Srivastava & Swersky, "Neural Networks for Machine Learning", lecture 6e
    (2012); the centered form from Graves, "Generating Sequences With Recurrent Neural
    Networks" (2013).

    Defaults   minigrad                      PyTorch   Keras
    lr         0.001 (Keras's default)       0.01      0.001
    alpha      0.9 (the lecture's decay)     0.99      0.9 (rho)
    eps        1e-8, outside the sqrt        1e-8      1e-7, inside the sqrt

    The lecture gives the decay, MeanSquare <- 0.9 MeanSquare + 0.1 g^2, and no learning rate;
    lr = 0.001 is Keras's default (``keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9)``,
    whose docstring advises leaving every argument but the learning rate at its default).

    Arguments and ``state_dict`` follow ``torch.optim.RMSprop``; for ``params``, parameter groups
    and the errors bad hyper-parameters raise, see ``Optimizer``.
    """

    defaults = {
        "lr": 1e-3,
        "alpha": 0.9,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
        "eps_inside_sqrt": False,
    }
    checks = {
        "lr": check_non_negative,
        "alpha": check_decay,
        "eps": check_non_negative,
        "weight_decay": check_non_negative,
        "momentum": check_decay,
        "centered": check_bool,
        "eps_inside_sqrt": check_bool,
    }
    state_keys = ("step", "square_avg", "grad_avg", "momentum_buffer")

    def __init__(
        self,
        params,
        lr=1e-3,
        alpha=0.9,
        eps=1e-8,
        weight_decay=0.0,
        momentum=0.0,
        centered=False,
        eps_inside_sqrt=False,
    ):
        super().__init__(
            params,
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            eps_inside_sqrt=eps_inside_sqrt,
        )

    def init_state(self, p, group):
        state = {"step": 0, "square_avg": np.zeros(p.shape, dtype=p.dtype)}
        if group["centered"]:
            state["grad_avg"] = np.zeros(p.shape, dtype=p.dtype)
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros(p.shape, dtype=p.dtype)
        return state

    def update(self, p, g, state, group):
        theta, v = p.data, state["square_avg"]
        alpha = group["alpha"]
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * theta
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:
            m = state["grad_avg"]
            m += (1 - alpha) * (g - m)
        d = self._denominator(state, group)
        if group["momentum"] > 0:
            b = state["momentum_buffer"]
            b *= group["momentum"]
            b += g / d
            self._subtract_scaled(theta, group["lr"], b)
        else:
            theta -= group["lr"] * g / d

    def _denominator(self, state, group):
        """d: the root of the mean square (centered: of the variance), with eps."""
        v, eps = state["square_avg"], group["eps"]
        if group["centered"]:
            m = state["grad_avg"]
            v = v - m * m
        if group["eps_inside_sqrt"]:
            return np.sqrt(v + eps)
        return np.sqrt(v) + eps

    elementwise_rates = True  # effective_lr_of: each coordinate from its own state

    def effective_lr_of(self, state, group):
        return group["lr"] / self._denominator(state, group)

"""The NAdam optimizer. Its update rule opens the class docstring below, so
``help(optim.NAdam)`` shows it."""

from __future__ import annotations

import numpy as np

from ..checks import check_bool, check_non_negative, check_probability
from ..tensor import get_default_dtype
from .optimizer import Optimizer, check_betas


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum. Where Adam steps along its average m, NAdam steps
    along the average it will have after the next step, taking this gradient in at once; the
    momentum coefficient mu_t warms up from beta1 / 2 towards beta1.

        t <- t + 1
        theta <- theta * (1 - lr * weight_decay)          if decoupled_weight_decay (AdamW's)
        g <- grad + weight_decay * theta                  otherwise, if weight_decay != 0 (L2)
        mu_t <- beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
        mu_next <- beta1 * (1 - 0.5 * 0.96^((t + 1) * momentum_decay))
        mu_product <- mu_product * mu_t                   mu_1 mu_2 ... mu_t (starts at 1)
        m <- m + (1 - beta1) * (g - m)                    = beta1 m + (1 - beta1) g
        v <- beta2 * v + (1 - beta2) * g^2
        d <- sqrt(v / (1 - beta2^t)) + eps
        theta <- theta - lr * (1 - mu_t) / (1 - mu_product) * g / d
        theta <- theta - lr * mu_next / (1 - mu_product * mu_next) * m / d

    The two subtractions together step by lr * m_bar / d, where m_bar = (1 - mu_t) g /
    (1 - mu_product) + mu_next m / (1 - mu_product mu_next) is Dozat's Nesterov estimate of
    the gradient: a weighted sum of this gradient and of the average one step ahead, each
    corrected for the average's start at 0 (for a constant gradient m_bar tends to it, as
    Adam's m / (1 - beta1^t) does). ``effective_lr()`` reports lr / d, the factor on m_bar:
    the rule multiplies g and m by two different factors, and lr / d is what they share.
    Adam reports the factor on m itself, lr / (1 - beta1^t) / d; after the first hundred
    steps or so (beta1 = 0.9) the two agree.

    Sources: Dozat, "Incorporating Nesterov Momentum into Adam" (ICLR 2016 workshop), whose
    schedule mu_t = beta1 (1 - 0.5 * 0.96^(t / 250)) is momentum_decay = 0.004; the form of
    ``torch.optim.NAdam`` (eps outside the bias-corrected square root, decoupled weight decay
    as in Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019).

    Defaults          minigrad        PyTorch         Keras
    lr                0.002           0.002           0.001
    betas             (0.9, 0.999)    (0.9, 0.999)    (0.9, 0.999)
    eps               1e-8            1e-8            1e-7
    momentum_decay    0.004           0.004           - (not an option)

    Keras's old Nadam (Keras 2.0) took lr 0.002, eps 1e-8 and schedule_decay = 0.004, this
    momentum_decay; ``tf.keras.optimizers.Nadam`` has the defaults above.

    State: "step" (an int), "mu_product" (a Python float), "exp_avg" (m), "exp_avg_sq" (v).
    PyTorch keeps mu_product in a 0-d tensor of its scalar dtype (float64 if the default
    dtype is float64, else float32, whatever the parameter's dtype), so each product
    mu_product * mu_t is rounded to that dtype; minigrad rounds it the same way, by
    ``mg.get_default_dtype()``, so that its float64 steps are PyTorch's to float64
    round-off (in float64 throughout they would differ by about 1e-10 of the step).

    Arguments and ``state_dict`` follow ``torch.optim.NAdam`` (without maximize, foreach,
    capturable and differentiable); for ``params``, parameter groups and the errors bad
    hyper-parameters raise (``TypeError`` for a wrong type, ``ValueError`` for a negative lr,
    eps, weight_decay or momentum_decay, or a beta outside [0, 1)), see ``Optimizer``.
    """

    defaults = {
        "lr": 2e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum_decay": 4e-3,
        "decoupled_weight_decay": False,
    }
    checks = {
        "lr": check_non_negative,
        "betas": check_betas,
        "eps": check_non_negative,
        "weight_decay": check_non_negative,
        "momentum_decay": check_non_negative,
        "decoupled_weight_decay": check_bool,
    }
    scalar_state = {"mu_product": check_probability}

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        momentum_decay=4e-3,
        decoupled_weight_decay=False,
    ):
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
        )

    def init_state(self, p, group):
        return {
            "step": 0,
            "mu_product": 1.0,
            "exp_avg": np.zeros(p.shape, dtype=p.dtype),
            "exp_avg_sq": np.zeros(p.shape, dtype=p.dtype),
        }

    def update(self, p, g, state, group):
        theta, m, v = p.data, state["exp_avg"], state["exp_avg_sq"]
        lr, (beta1, beta2), momentum_decay = group["lr"], group["betas"], group["momentum_decay"]
        state["step"] = t = state["step"] + 1
        if group["weight_decay"] != 0:
            if group["decoupled_weight_decay"]:
                theta *= 1 - lr * group["weight_decay"]
            else:
                g = g + group["weight_decay"] * theta
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        state["mu_product"] = mu_product = _scalar_product(state["mu_product"], mu)
        m += (1 - beta1) * (g - m)
        v *= beta2
        v += (1 - beta2) * g * g
        d = self._denominator(state, group)
        theta -= lr * (1 - mu) / (1 - mu_product) * g / d
        theta -= lr * mu_next / (1 - mu_product * mu_next) * m / d

    def _denominator(self, state, group):
        """d = sqrt(v / (1 - beta2^t)) + eps."""
        return np.sqrt(state["exp_avg_sq"] / (1 - group["betas"][1] ** state["step"])) + group["eps"]

    elementwise_rates = True  # effective_lr_of: each coordinate from its own state

    def effective_lr_of(self, state, group):
        return group["lr"] / self._denominator(state, group)


def _scalar_product(a: float, b: float) -> float:
    """a * b in PyTorch's scalar dtype for optimizer state (``_get_scalar_dtype``: float64
    when the default dtype is float64, else float32), both factors first rounded to it."""
    scalar = np.float64 if get_default_dtype() == np.float64 else np.float32
    return float(scalar(a) * scalar(b))

"""The AdamW optimizer. Its update rule opens the class docstring below, so
``help(optim.AdamW)`` shows it."""

from __future__ import annotations

from .adam import Adam


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay. Instead of adding weight_decay * theta to the
    gradient (where Adam's scaling would shrink it for coordinates with large gradients), it
    shrinks the weights directly, by the same fraction for every coordinate:

        theta <- theta * (1 - lr * weight_decay)          before Adam's step
        then Adam's update with g = grad (no L2 term)

    Source: Loshchilov & Hutter, "Decoupled Weight Decay Regularization" (ICLR 2019),
    in the form of ``torch.optim.AdamW``: the paper's Algorithm 2 multiplies the decay by
    the schedule multiplier eta_t instead of lr, so its weight decay is this one's
    lr * weight_decay.

    Defaults       minigrad        PyTorch         Keras
    lr             0.001           0.001           0.001
    weight_decay   0.01            0.01            0.004
    eps            1e-8            1e-8            1e-7

    Arguments and ``state_dict`` follow ``torch.optim.AdamW``; for ``params``, parameter groups
    and the errors bad hyper-parameters raise, see ``Optimizer``.
    """

    defaults = {**Adam.defaults, "weight_decay": 1e-2}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

    def decay(self, theta, g, group):
        theta *= 1 - group["lr"] * group["weight_decay"]
        return g

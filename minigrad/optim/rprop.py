"""The Rprop optimizer. Its update rule opens the class docstring below, so
``help(optim.Rprop)`` shows it."""

from __future__ import annotations

import numpy as np

from ..checks import check_non_negative, check_pair, check_range
from .optimizer import Optimizer


def check_etas(name: str, value) -> tuple[float, float]:
    """Rprop's (etaminus, etaplus): 0 < etaminus < 1 < etaplus, so a flip of sign shrinks the
    step and a kept sign grows it."""
    return check_pair(
        name,
        value,
        "etaminus, etaplus",
        lambda item, eta: check_range(item, eta, 0, 1, low_open=True, high_open=True),
        lambda item, eta: check_range(item, eta, 1, low_open=True),
    )


def check_step_sizes(name: str, value) -> tuple[float, float]:
    """Rprop's (step_size_min, step_size_max): 0 <= min <= max."""
    low, high = check_pair(name, value, "min, max", check_non_negative, check_non_negative)
    if low > high:
        raise ValueError(f"{name} must be (min, max) with min <= max, got {value!r}")
    return low, high


def _sign(x):
    """np.sign, but 0 where x is nan, as torch.sign gives on the CPU: a nan gradient keeps its
    coordinate's step size and does not move it, an inf one moves it by its step size."""
    return np.where(np.isnan(x), 0, np.sign(x))


class Rprop(Optimizer):
    """Rprop (resilient backpropagation): each coordinate moves by a step size of its own
    against the sign of its gradient; the gradient's size is ignored. The step size grows
    while the sign stays the same and shrinks when it flips (a minimum was jumped over).

        t <- t + 1
        s <- sign(g * prev)                               per coordinate; prev starts at 0
        step_size <- step_size * etaplus                  where s > 0: same sign, speed up
        step_size <- step_size * etaminus                 where s < 0: the sign flipped
        step_size <- clip(step_size, step_size_min, step_size_max)   (every coordinate)
        g <- 0                                            where s < 0: that coordinate waits
        theta <- theta - sign(g) * step_size
        prev <- g

    ``step_size`` starts at ``lr`` in every coordinate, at a parameter's first step; ``lr``
    is read then only, so changing it later (a scheduler) does nothing to a parameter
    already stepped. Where s = 0 (the first step, a zero gradient, the step after a flip)
    the step size is kept. After a flip the coordinate does not move, and its ``prev``
    becomes 0, so the next step neither grows nor shrinks its step size. s is the sign of
    the product g * prev in the parameter's dtype, as in PyTorch (a product that underflows
    to 0 counts as no sign).

    Rprop is a full-batch method: on mini-batches it breaks. A weight whose gradient is +0.1
    on nine mini-batches and -0.9 on the tenth should, over the epoch, go nowhere (the full
    gradient is 0). A rule that steps against each sign takes nine steps one way and one the
    other, so the weight drifts; this Rprop does worse: the step after a flip is skipped, so
    it takes nine steps one way and none the other, and its step size grows from pass to
    pass (tutorial 05 measures both). Hinton's lecture 6e ("Neural Networks for Machine
    Learning", 2012) gives this argument and RMSprop as the mini-batch fix: divide the
    gradient by a moving average of its size instead of taking its sign. The signs of
    mini-batch gradients also flip from batch to batch, so most step sizes collapse to
    step_size_min (``minigrad compare --optimizers rprop``, batches of 32: the median step
    size is 1e-6 after about 100 steps); on full batches (``--batch-size`` the whole
    training set) Rprop fits the toy problems fast.

    ``effective_lr()``: the factor on the direction sign(g), the per-coordinate
    ``step_size`` after the step (a coordinate whose sign flipped did not move in that step;
    it reports its shrunk step size).

    Sources: Riedmiller & Braun, "A direct adaptive method for faster backpropagation
    learning: the RPROP algorithm" (IEEE ICNN 1993). That paper's rule (Rprop+, in Igel &
    Hüsken's names) also takes back the previous weight step after a flip; PyTorch, and
    minigrad, implement the variant without that backtracking which only zeroes the
    gradient (iRprop-: Igel & Hüsken, "Improving the Rprop learning algorithm", NC 2000).
    The paper clips only the changed step size (min after a shrink, max after a growth);
    PyTorch's code clips every coordinate at every step, which differs only when ``lr`` lies
    outside [step_size_min, step_size_max] (the first step then clips it), and is what this
    does.

    Defaults     minigrad      PyTorch       the paper (Keras has no Rprop)
    lr           0.01          0.01          0.1 (the initial update-value)
    etas         (0.5, 1.2)    (0.5, 1.2)    (0.5, 1.2)
    step_sizes   (1e-6, 50)    (1e-6, 50)    (1e-6, 50)

    Arguments and ``state_dict`` (``step``, ``prev``, ``step_size``) follow
    ``torch.optim.Rprop``; for ``params`` and parameter groups see ``Optimizer``. Errors:
    ``etas`` or ``step_sizes`` not a tuple or list, or holding a non-number: ``TypeError``;
    not two values, etas not 0 < etaminus < 1 < etaplus, step_sizes not 0 <= min <= max
    (each finite), a negative lr: ``ValueError``.
    """

    defaults = {"lr": 1e-2, "etas": (0.5, 1.2), "step_sizes": (1e-6, 50.0)}
    checks = {"lr": check_non_negative, "etas": check_etas, "step_sizes": check_step_sizes}

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)):
        super().__init__(params, lr=lr, etas=etas, step_sizes=step_sizes)

    def init_state(self, p, group):
        step_size = np.full(p.shape, group["lr"], dtype=p.dtype)
        return {"step": 0, "prev": np.zeros(p.shape, dtype=p.dtype), "step_size": step_size}

    def update(self, p, g, state, group):
        theta, prev, step_size = p.data, state["prev"], state["step_size"]
        etaminus, etaplus = group["etas"]
        state["step"] += 1
        # the factor in step_size's dtype, as PyTorch holds it (float32(1.2) on a float32
        # model); an array even for a 0-d parameter, whose product is a numpy scalar
        with np.errstate(invalid="ignore"):  # inf * 0 is nan: no sign, as torch.sign gives for nan
            factor = np.array(_sign(g * prev), dtype=step_size.dtype)
        flipped = factor < 0
        factor[factor > 0] = etaplus
        factor[flipped] = etaminus
        factor[factor == 0] = 1
        step_size *= factor
        np.clip(step_size, *group["step_sizes"], out=step_size)
        prev[...] = g
        prev[flipped] = 0
        theta -= _sign(prev) * step_size

    elementwise_rates = True  # effective_lr_of: each coordinate from its own state

    def effective_lr_of(self, state, group):
        return state["step_size"].copy()

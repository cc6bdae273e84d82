"""Learning-rate schedules, with PyTorch's semantics: creating a scheduler records each
group's ``initial_lr``; each ``step()`` (call it after ``optimizer.step()``, usually once
per epoch) advances ``last_epoch`` and sets every group's lr. The update rules are
PyTorch's chainable ones, so the lrs agree with PyTorch's to the last bit. PyTorch's
deprecated ``step(epoch)`` is a TypeError saying what to call instead, but for
CosineAnnealingWarmRestarts, whose ``step(epoch)`` PyTorch documents (fractional epochs).

Resuming, as in PyTorch 2.13: load the optimizer's state and the scheduler's
(``load_state_dict`` of each), and training continues with exactly the lrs an unbroken run
would have had. Creating a scheduler with ``last_epoch=k`` instead needs ``initial_lr`` in
every parameter group (a loaded optimizer state has it; ``KeyError`` otherwise, as in
PyTorch) and takes one step to epoch k + 1 at construction, like every constructor. In that
step StepLR applies its rule to the current lrs (a further factor gamma when k + 1 is a
multiple of step_size), ExponentialLR and CosineAnnealingLR keep the current lrs, and
LambdaLR sets initial_lr * lr_lambda(k + 1). Of the later additions, LinearLR, PolynomialLR
and MultiplicativeLR keep the current lrs, ConstantLR applies its rule, and OneCycleLR and
CosineAnnealingWarmRestarts set the lrs of step k + 1 (each class says more).

Warm-up then decay: ``SequentialLR`` runs schedules one after another (a LinearLR warm-up,
then a CosineAnnealingLR), ``ChainedScheduler`` steps several at once. ``OneCycleLR`` is
stepped once per batch.

ReduceLROnPlateau stands apart: it lowers the lr when a metric passed to ``step(metric)``
stops improving, rather than following the epoch count.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping

import numpy as np

from ..checks import (
    check_bool,
    check_choice,
    check_decay,
    check_int,
    check_non_negative,
    check_number,
    check_positive,
    check_probability,
    check_range,
    shown,
)
from .optimizer import Optimizer

__all__ = [
    "LRScheduler",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LambdaLR",
    "ReduceLROnPlateau",
    "LinearLR",
    "OneCycleLR",
    "CosineAnnealingWarmRestarts",
    "ConstantLR",
    "MultiplicativeLR",
    "PolynomialLR",
    "SequentialLR",
    "ChainedScheduler",
]


def _positive_int(name, value):
    return check_int(name, value, minimum=1)


def _total_iters(at_zero: str):
    """The check of a warm-up's or decay's ``total_iters``: an int >= 1. PyTorch also takes
    0, where its steps and its closed form (SequentialLR's restart) disagree; ``at_zero``
    says how, in the error."""

    def check(name, value):
        value = check_int(name, value)
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}" + (f" ({at_zero})" if value == 0 else ""))
        return value

    return check


def _no_epoch(scheduler, epoch, instead: str) -> None:
    """Refuse PyTorch's deprecated ``step(epoch)``, saying what to call instead (Python's own
    "takes 1 positional argument" would not)."""
    if epoch is not None:
        raise TypeError(
            f"{type(scheduler).__name__}.step() takes no epoch, got {shown(epoch)}: minigrad does not have "
            f"PyTorch's deprecated step(epoch); {instead}"
        )


class LRScheduler:
    """The base of the schedules (``torch.optim.lr_scheduler.LRScheduler``): it records each
    group's ``initial_lr`` and sets every group's lr at each ``step()``; a subclass gives
    ``get_lr``."""

    # a subclass's own arguments and state entries, with their checks (applied to a loaded state too)
    arguments: dict = {}
    # True only during the constructor's step (PyTorch's _is_initial)
    _is_initial = False
    # what to call instead of PyTorch's step(epoch)
    _step_instead = "call step() once per epoch, after optimizer.step()"

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        _check_optimizer(optimizer)
        last_epoch = check_int("last_epoch", last_epoch, minimum=-1)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param_groups[{i}] has no 'initial_lr', which resuming with last_epoch={last_epoch} needs: "
                        "load the optimizer's saved state (its groups carry 'initial_lr') before creating the "
                        "scheduler, or use last_epoch=-1 for a fresh run"
                    )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """The constructor's step, to epoch 0 (or last_epoch + 1); SequentialLR takes it
        again for the schedule it starts with."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            del self._is_initial

    def _check_arguments(self, **arguments) -> None:
        """Check the subclass's arguments and set them as attributes."""
        for name, value in arguments.items():
            setattr(self, name, self.arguments[name](name, value))

    def get_lr(self) -> list[float]:
        """The lrs for ``self.last_epoch``, from the current ones."""
        raise NotImplementedError

    def _closed_form_lr(self) -> list[float]:
        """The lrs for ``self.last_epoch`` from the initial ones, for a schedule that has such
        a form (PyTorch's ``_get_closed_form_lr``); otherwise ``get_lr``."""
        return self.get_lr()

    def step(self, epoch=None) -> None:
        """Advance one epoch and set every group's lr (call it after ``optimizer.step()``).
        PyTorch's deprecated ``step(epoch)`` is a TypeError saying what to call instead."""
        _no_epoch(self, epoch, self._step_instead)
        self._step_count += 1
        try:
            self._update_lr()
        except BaseException:  # a refused step changes nothing: the counters go back too
            self._step_count -= 1
            raise

    def _update_lr(self, epoch: int | None = None) -> None:
        """Set every group's lr for the next epoch, or, given ``epoch`` (SequentialLR
        switching schedules, as PyTorch's ``_update_lr(0)``), for that epoch by the closed
        form. A refused update changes nothing."""
        previous = self.last_epoch
        self.last_epoch = previous + 1 if epoch is None else epoch
        try:
            lrs = self.get_lr() if epoch is None else self._closed_form_lr()
        except BaseException:
            self.last_epoch = previous
            raise
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The lr of each group, as the latest ``step()`` set it."""
        return self._last_lr

    def state_dict(self) -> dict:
        """Everything but the optimizer (and LambdaLR's functions: pass the same ones to the
        scheduler you load this into). ``mg.save`` can write it."""
        return {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "lr_lambdas")}

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Resume from ``state_dict()`` (or ``mg.load`` of a saved one). As in PyTorch the
        optimizer's lrs are left alone: load the optimizer's state as well. Everything is
        checked first; on an error the scheduler is unchanged."""
        self._load(self._checked(state_dict))

    def _load(self, checked: dict) -> None:
        self.__dict__.update(checked)

    def _checked(self, state_dict) -> dict:
        """The state to load, checked entry by entry; raises on anything that does not fit."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict takes a dict from state_dict() or mg.load, got {type(state_dict).__name__}"
            )
        expected = set(self.state_dict())
        missing = sorted(expected - set(state_dict))
        unexpected = sorted(map(str, set(state_dict) - expected))
        if missing or unexpected:
            raise ValueError(
                f"not a state of {type(self).__name__}: "
                + "; ".join(
                    ([f"missing {missing}"] if missing else []) + ([f"unexpected {unexpected}"] if unexpected else [])
                )
            )
        return {key: self._checked_state(key, value) for key, value in state_dict.items()}

    def _checked_state(self, key: str, value):
        """One saved entry, checked and in plain Python form (a file written by numpy, or by an
        older minigrad, holds 0-d arrays)."""
        if isinstance(value, np.ndarray):
            value = value.item() if value.ndim == 0 else value.tolist()
        if key in ("base_lrs", "_last_lr"):
            return self._per_group(key, value, check_non_negative if key == "base_lrs" else check_number)
        if key == "last_epoch":
            return check_int(key, value, minimum=-1)
        if key == "_step_count":
            return check_int(key, value, minimum=0)
        return self.arguments[key](key, value)

    def _per_group(self, name: str, value, check, what: str = "lrs") -> list:
        """A list of one value per parameter group, each passing ``check``."""
        groups = len(self.optimizer.param_groups)
        if not isinstance(value, (list, tuple)) or len(value) != groups:
            raise ValueError(f"{name} must be a list of {groups} {what} (one per parameter group), got {value!r}")
        return [check(f"{name}[{i}]", v) for i, v in enumerate(value)]

    def _current(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]


def _check_optimizer(optimizer) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


class StepLR(LRScheduler):
    """lr = initial_lr * gamma ** (epoch // step_size): multiply by gamma every step_size epochs."""

    arguments = {"step_size": _positive_int, "gamma": check_non_negative}

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        self._check_arguments(step_size=step_size, gamma=gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]

    def _closed_form_lr(self):
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


def _milestones(name, value):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a list of epochs (ints), got {value!r}")
    return sorted(check_int(f"{name}[{i}]", epoch, minimum=0) for i, epoch in enumerate(value))


class MultiStepLR(LRScheduler):
    """lr = initial_lr * gamma ** (the number of milestones reached): multiply by gamma at each
    epoch in ``milestones`` (a list of ints; an epoch listed twice multiplies twice)."""

    arguments = {"milestones": _milestones, "gamma": check_non_negative}

    def __init__(self, optimizer, milestones, gamma: float = 0.1, last_epoch: int = -1):
        self._check_arguments(milestones=milestones, gamma=gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        times = self.milestones.count(self.last_epoch)
        if times == 0:
            return self._current()
        return [lr * self.gamma**times for lr in self._current()]

    def _closed_form_lr(self):
        return [base * self.gamma ** bisect.bisect_right(self.milestones, self.last_epoch) for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr = initial_lr * gamma ** epoch."""

    arguments = {"gamma": check_non_negative}

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        self._check_arguments(gamma=gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current()
        return [lr * self.gamma for lr in self._current()]

    def _closed_form_lr(self):
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2: half a cosine
    from the initial lr down to eta_min over T_max epochs (then back up, and so on)."""

    arguments = {"T_max": _positive_int, "eta_min": check_non_negative}

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        self._check_arguments(T_max=T_max, eta_min=eta_min)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        epoch, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current()
        if self._step_count == 1 and epoch > 0:  # PyTorch's closed form (not reached from its constructor)
            return [eta_min + (base - eta_min) * (1 + math.cos(epoch * math.pi / T)) / 2 for base in self.base_lrs]
        if (epoch - 1 - T) % (2 * T) == 0:
            return [
                lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for lr, base in zip(self._current(), self.base_lrs, strict=True)
            ]
        ratio = (1 + math.cos(math.pi * epoch / T)) / (1 + math.cos(math.pi * (epoch - 1) / T))
        return [ratio * (lr - eta_min) + eta_min for lr in self._current()]

    def _closed_form_lr(self):
        cosine = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base - self.eta_min) * cosine / 2 for base in self.base_lrs]


class _EpochFunctions(LRScheduler):
    """What LambdaLR and MultiplicativeLR share: one function of the epoch, or one per
    parameter group, each returning a factor that must be a finite number >= 0."""

    factor_of = ""  # what the factor multiplies, for the error messages

    def __init__(self, optimizer, lr_lambda, last_epoch: int = -1):
        _check_optimizer(optimizer)
        groups = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != groups:
                raise ValueError(f"expected {groups} lr_lambdas (one per parameter group), got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups
        if not all(callable(f) for f in self.lr_lambdas):
            raise TypeError(f"lr_lambda must be a function of the epoch (or a list of them), got {lr_lambda!r}")
        super().__init__(optimizer, last_epoch)

    def _factors(self) -> list[float]:
        epoch = self.last_epoch
        return [self._factor(f(epoch), epoch, i) for i, f in enumerate(self.lr_lambdas)]

    def _factor(self, value, epoch: int, group: int) -> float:
        """lr_lambda's result: a finite number >= 0, else an error naming the epoch and the
        value (a string would fail deep in a multiplication, nan or a negative factor would
        silently make the lr nan or negative)."""
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{self._returned(value, epoch, group)}; it must return a number (the factor for "
                            f"{self.factor_of})")  # fmt: skip
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"{self._returned(value, epoch, group)}; the factor for {self.factor_of} must be finite and >= 0"
            )
        return float(value)

    def _returned(self, value, epoch: int, group: int) -> str:
        """The start of _factor's errors, made only when one is raised (_factor runs every step)."""
        several = len({id(f) for f in self.lr_lambdas}) > 1
        return f"lr_lambda{f'[{group}]' if several else ''} returned {value!r} for epoch {epoch}"


class LambdaLR(_EpochFunctions):
    """lr = initial_lr * lr_lambda(epoch); one function, or one per parameter group. Each
    factor it returns must be a finite number >= 0 (``TypeError``/``ValueError`` naming the
    epoch and the value otherwise; the refused step changes no lr and no epoch count)."""

    factor_of = "the initial lr"

    def get_lr(self):
        return [base * factor for base, factor in zip(self.base_lrs, self._factors(), strict=True)]


class MultiplicativeLR(_EpochFunctions):
    """lr(epoch) = lr(epoch - 1) * lr_lambda(epoch) for epoch >= 1, and lr(0) = initial_lr:
    each step multiplies the current lr by the factor the function gives for the new epoch
    (``torch.optim.lr_scheduler.MultiplicativeLR``); one function, or one per parameter
    group. ``lambda epoch: 0.95`` is ExponentialLR(gamma=0.95). Each factor must be a finite
    number >= 0 (``TypeError``/``ValueError`` naming the epoch and the value; the refused step
    changes nothing). With ``last_epoch=k`` the constructor's step keeps the current lrs."""

    factor_of = "the current lr"

    def get_lr(self):
        if self._is_initial:
            return self._current()
        return [lr * factor for lr, factor in zip(self._current(), self._factors(), strict=True)]


class ConstantLR(LRScheduler):
    """lr = initial_lr * factor for epoch < total_iters, then initial_lr: a constant warm-up
    (``torch.optim.lr_scheduler.ConstantLR``). ``factor`` is in (0, 1] (PyTorch also takes 0,
    then divides by it at total_iters), ``total_iters`` >= 1 (PyTorch also takes 0, then keeps
    the factor for good when stepped: a ValueError saying so).

    As in PyTorch, steps apply the factor to the current lr (times factor at epoch 0, times
    1 / factor at total_iters), so lrs set from outside are kept; the closed form is used
    when SequentialLR switches to it. With ``last_epoch=k`` the constructor's step applies the
    rule at epoch k + 1 to the current lrs."""

    arguments = {
        "factor": lambda name, value: check_range(name, value, 0, 1, low_open=True),
        "total_iters": _total_iters(
            "PyTorch takes 0, but then its steps keep the factor for good while its closed form drops it; "
            "for no warm-up, leave ConstantLR out"
        ),
    }

    def __init__(self, optimizer, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1):
        self._check_arguments(factor=factor, total_iters=total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._current()]
        if self.last_epoch != self.total_iters:
            return self._current()
        return [lr * (1.0 / self.factor) for lr in self._current()]

    def _closed_form_lr(self):
        reached = self.last_epoch >= self.total_iters
        return [base * (self.factor + reached * (1 - self.factor)) for base in self.base_lrs]


class LinearLR(LRScheduler):
    """lr = initial_lr * (start_factor + (end_factor - start_factor) * min(epoch, total_iters)
    / total_iters): the factor goes in a straight line from start_factor at epoch 0 to
    end_factor at total_iters and stays there (``torch.optim.lr_scheduler.LinearLR``; a linear
    warm-up with the defaults). ``start_factor`` is in (0, 1], ``end_factor`` in [0, 1],
    ``total_iters`` >= 1 (PyTorch also takes 0, then keeps start_factor for good when stepped
    and divides by zero in its closed form: a ValueError saying so).

    PyTorch's chainable form, followed here to the last bit: epoch 0 multiplies the current lr
    by start_factor, each epoch e <= total_iters by 1 + (end_factor - start_factor) /
    (total_iters * start_factor + (e - 1) * (end_factor - start_factor)), later epochs keep it.
    It agrees with the line above to round-off. With ``last_epoch=k`` the constructor's step
    keeps the current lrs."""

    arguments = {
        "start_factor": lambda name, value: check_range(name, value, 0, 1, low_open=True),
        "end_factor": lambda name, value: check_range(name, value, 0, 1),
        "total_iters": _total_iters(
            "PyTorch takes 0, but then its steps keep start_factor for good and its closed form divides by zero; "
            "for no warm-up, leave LinearLR out"
        ),
    }

    def __init__(
        self,
        optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ):
        self._check_arguments(start_factor=start_factor, end_factor=end_factor, total_iters=total_iters)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        epoch, start, end = self.last_epoch, self.start_factor, self.end_factor
        if epoch == 0:
            return [lr * start for lr in self._current()]
        if self._is_initial or epoch > self.total_iters:
            return self._current()
        ratio = 1.0 + (end - start) / (self.total_iters * start + (epoch - 1) * (end - start))
        return [lr * ratio for lr in self._current()]

    def _closed_form_lr(self):
        start, end, total = self.start_factor, self.end_factor, self.total_iters
        return [base * (start + (end - start) * min(total, self.last_epoch) / total) for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """lr = initial_lr * (1 - min(epoch, total_iters) / total_iters) ** power: a polynomial
    decay to 0 at total_iters, where it stays (``torch.optim.lr_scheduler.PolynomialLR``).
    ``total_iters`` >= 1 (PyTorch also takes 0, then never decays when stepped and divides by
    zero in its closed form: a ValueError saying so), ``power`` >= 0.

    PyTorch's chainable form, followed here to the last bit: each epoch e <= total_iters
    multiplies the current lr by ((1 - e / total_iters) / (1 - (e - 1) / total_iters)) **
    power; it agrees with the closed form to round-off. With ``last_epoch=k`` the
    constructor's step keeps the current lrs."""

    arguments = {
        "total_iters": _total_iters(
            "PyTorch takes 0, but then its steps never decay the lr and its closed form divides by zero"
        ),
        "power": check_non_negative,
    }

    def __init__(self, optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1):
        self._check_arguments(total_iters=total_iters, power=power)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        epoch, total = self.last_epoch, self.total_iters
        if self._is_initial or epoch > total:
            return self._current()
        decay = ((1.0 - epoch / total) / (1.0 - (epoch - 1) / total)) ** self.power
        return [lr * decay for lr in self._current()]

    def _closed_form_lr(self):
        decay = (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
        return [base * decay for base in self.base_lrs]


def _epochs_since_restart(name, value):
    """CosineAnnealingWarmRestarts' T_cur: an int >= -1, or a float after a ``step(epoch)``."""
    if isinstance(value, (float, np.floating)):
        return check_range(name, value, -1)
    return check_int(name, value, minimum=-1)


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR: lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2, where
    T_cur counts the epochs since the last restart and T_i is the current cycle's length:
    T_0 for the first, then each T_mult times the one before. At a restart T_cur goes back to
    0 and the lr jumps back to the initial lr (``torch.optim.lr_scheduler.
    CosineAnnealingWarmRestarts``; Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent
    with Warm Restarts", ICLR 2017). ``T_0`` >= 1 and ``T_mult`` >= 1 are ints, ``eta_min``
    >= 0. T_0 counts ``step()`` calls: epochs, or batches when stepped once per batch.

    ``step(epoch)``, as in PyTorch, sets the lrs of a point of the schedule: ``epoch`` is a
    number >= 0 of epochs since the start, fractions allowed, so ``step(epoch + i / batches)``
    after batch i of an epoch of ``batches`` batches anneals within the epoch (SGDR's
    fractional T_cur); ``last_epoch`` becomes floor(epoch), and a later ``step()`` adds one
    epoch to T_cur. At an epoch where a cycle ends, T_mult > 1 finds the cycle with PyTorch's
    floating-point logarithm, so the lr may be that of the cycle's end (eta_min) rather than
    the next one's start, as in PyTorch.

    Every lr is the closed form, as in PyTorch. ``T_cur`` (a float after some
    ``step(epoch)`` calls, as in PyTorch) and ``T_i`` are state (in ``state_dict()``). As in
    PyTorch, ``last_epoch=k`` starts from T_cur = k, T_i = T_0: the constructor's step to
    k + 1 restarts at most once (T_cur = (k + 1) mod T_0, T_i = T_0 * T_mult if k + 1 >=
    T_0), which is the unbroken schedule only while k + 1 < 2 * T_0 (for T_mult = 1:
    always); resume from ``load_state_dict`` instead."""

    arguments = {
        "T_0": _positive_int,
        "T_mult": _positive_int,
        "eta_min": check_non_negative,
        "T_i": _positive_int,  # state: the current cycle's length
        "T_cur": _epochs_since_restart,  # state
    }

    def __init__(self, optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1):
        self._check_arguments(T_0=T_0, T_mult=T_mult, eta_min=eta_min)
        self.T_i = self.T_0
        self.T_cur = check_int("last_epoch", last_epoch, minimum=-1)
        super().__init__(optimizer, last_epoch)

    def step(self, epoch=None) -> None:
        """Advance one epoch (or batch) and set every group's lr; or, given ``epoch`` (a
        number >= 0, fractions allowed), set the lrs at that epoch of the schedule."""
        if epoch is not None:
            self._step_to(epoch)
        elif self.last_epoch < 0:  # the constructor's step: epoch 0 of the first cycle
            self.T_i, self.T_cur = self.T_0, 0
            super().step()
        else:
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
            super().step()

    def _step_to(self, epoch) -> None:
        """PyTorch's ``step(epoch)``: the cycle that ``epoch`` falls in, by its formulas."""
        number = check_non_negative("epoch", epoch)
        epoch = int(epoch) if isinstance(epoch, (int, np.integer)) else number
        T_0, T_mult = self.T_0, self.T_mult
        if epoch < T_0:
            self.T_i, self.T_cur = T_0, epoch
        elif T_mult == 1:
            self.T_cur = epoch % T_0
        else:  # cycle n starts at T_0 * (T_mult**n - 1) / (T_mult - 1)
            n = int(math.log(epoch / T_0 * (T_mult - 1) + 1, T_mult))
            self.T_i, self.T_cur = T_0 * T_mult**n, epoch - T_0 * (T_mult**n - 1) / (T_mult - 1)
        self._step_count += 1
        self._update_lr(math.floor(epoch))

    def get_lr(self):
        cosine = 1 + math.cos(math.pi * self.T_cur / self.T_i)
        return [self.eta_min + (base - self.eta_min) * cosine / 2 for base in self.base_lrs]


def _anneal_cos(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _anneal_linear(start: float, end: float, pct: float) -> float:
    return (end - start) * pct + start


class OneCycleLR(LRScheduler):
    """The 1cycle policy (``torch.optim.lr_scheduler.OneCycleLR``; Smith & Topin,
    "Super-Convergence: Very Fast Training of Neural Networks Using Large Learning Rates",
    2019): step it once per batch. Over ``total_steps`` steps (or ``epochs *
    steps_per_epoch``) the lr rises from initial_lr = max_lr / div_factor to max_lr, then
    falls to min_lr = initial_lr / final_div_factor, while the momentum (SGD's ``momentum``,
    or beta1 of Adam's ``betas``) moves the other way between max_momentum and base_momentum.

    Phases, with N = total_steps and p = pct_start (step s, from 0):

    - two phases (default, fastai's): s in [0, p*N - 1]: initial_lr -> max_lr, momentum
      max_momentum -> base_momentum; then up to N - 1: max_lr -> min_lr, base_momentum ->
      max_momentum.
    - ``three_phase=True`` (the paper's): initial_lr -> max_lr up to p*N - 1, max_lr ->
      initial_lr up to 2*p*N - 2, initial_lr -> min_lr up to N - 1; momentum max -> base ->
      max, then stays at max_momentum.

    Within a phase from step a to b, with pct = (s - a) / (b - a), ``anneal_strategy='cos'``
    gives end + (start - end) * (1 + cos(pi * pct)) / 2 and ``'linear'`` start + (end -
    start) * pct. As in PyTorch, step N (one past the last, which a loop of N batches reaches
    with its final ``step()``) extrapolates the last phase; a step beyond it raises
    ValueError and changes nothing.

    Arguments: ``max_lr``, ``base_momentum``, ``max_momentum``: a number (a 0-d Tensor or
    array too) or one per parameter group (max_lr > 0; momenta in [0, 1)); ``total_steps``, ``epochs``,
    ``steps_per_epoch``: ints >= 1 (total_steps wins when given); ``pct_start`` in [0, 1];
    ``div_factor``, ``final_div_factor`` > 0; a ``pct_start`` that leaves a phase no steps
    (pct_start * total_steps = 1; with two phases pct_start = 1.0, with three 2 * pct_start *
    total_steps = total_steps + 1, leaving the last phase none) is a ValueError naming it, where
    PyTorch divides by zero at that phase's step; ``cycle_momentum`` needs an optimizer with
    ``momentum`` or ``betas`` (ValueError otherwise). Creating it sets each group's
    ``initial_lr`` and, with cycle_momentum, its momentum or beta1 to max_momentum. PyTorch
    also writes max_lr, min_lr, max_momentum and base_momentum into the parameter groups;
    minigrad's optimizers take only their own options, so the scheduler keeps these (in its
    ``state_dict()``). With ``last_epoch=k`` (the number of batches done) the constructor
    leaves ``initial_lr`` and momentum to the loaded optimizer state, and its step sets the
    lr and momentum of step k + 1."""

    arguments = {
        "total_steps": _positive_int,
        "pct_start": check_probability,
        "anneal_strategy": lambda name, value: check_choice(name, value, ("cos", "linear")),
        "cycle_momentum": check_bool,
        "three_phase": check_bool,
        "use_beta1": check_bool,
    }
    _step_instead = "call step() once per batch, after optimizer.step()"
    _per_group_state = {  # state kept per parameter group, and its check
        "max_lrs": check_positive,
        "min_lrs": check_non_negative,
        "max_momentums": check_decay,
        "base_momentums": check_decay,
    }

    def __init__(
        self,
        optimizer,
        max_lr,
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum=0.85,
        max_momentum=0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR needs total_steps, or epochs and steps_per_epoch")
            total_steps = _positive_int("epochs", epochs) * _positive_int("steps_per_epoch", steps_per_epoch)
        self._check_arguments(
            total_steps=total_steps,
            pct_start=pct_start,
            anneal_strategy=anneal_strategy,
            cycle_momentum=cycle_momentum,
            three_phase=three_phase,
        )
        # Refuse a phase with no steps now, not at the run's last step(): only step 0 or step
        # total_steps can fall in one (a middle phase starts where the one before ends, so a
        # step falls in it only if it is after its start and not after its end).
        for step in (0, self.total_steps):
            self._phase_at(step)
        div_factor = check_positive("div_factor", div_factor)
        final_div_factor = check_positive("final_div_factor", final_div_factor)
        self.max_lrs = self._for_each_group("max_lr", max_lr)
        self.min_lrs = [lr / div_factor / final_div_factor for lr in self.max_lrs]
        self.max_momentums = self._for_each_group("max_momentum", max_momentum)
        self.base_momentums = self._for_each_group("base_momentum", base_momentum)
        self.use_beta1 = "betas" in optimizer.defaults
        if self.cycle_momentum and not self.use_beta1 and "momentum" not in optimizer.defaults:
            raise ValueError(
                f"cycle_momentum=True needs an optimizer with momentum or betas, and {type(optimizer).__name__} "
                "has neither: pass cycle_momentum=False"
            )
        if check_int("last_epoch", last_epoch, minimum=-1) == -1:
            for group, lr, momentum in zip(optimizer.param_groups, self.max_lrs, self.max_momentums, strict=True):
                group["initial_lr"] = lr / div_factor
                if self.cycle_momentum:
                    self._set_momentum(group, momentum)
        super().__init__(optimizer, last_epoch)

    def _for_each_group(self, name: str, value) -> list[float]:
        """One checked number per group, from a number or a list; a 0-d Tensor or array counts
        as its number, since PyTorch takes a tensor here (its lrs are then tensors, minigrad's
        stay floats)."""
        check = self._per_group_state[name + "s"]

        def checked(name, value):
            return check(name, value.item() if getattr(value, "ndim", None) == 0 else value)

        if isinstance(value, (list, tuple)):
            return self._per_group(name, value, checked, what="values")
        return [checked(name, value)] * len(self.optimizer.param_groups)

    def _checked_state(self, key: str, value):
        if key in self._per_group_state:
            value = value.tolist() if isinstance(value, np.ndarray) else value
            return self._per_group(key, value, self._per_group_state[key], what="values")
        return super()._checked_state(key, value)

    def _set_momentum(self, group: dict, momentum: float) -> None:
        if self.use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum

    def _phases(self) -> list[tuple[float, str, str]]:
        """(last step, where the lr starts, where it ends) of each phase; momentum goes the
        other way."""
        steps, pct = self.total_steps, self.pct_start
        if self.three_phase:
            return [
                (float(pct * steps) - 1, "initial", "max"),
                (float(2 * pct * steps) - 2, "max", "initial"),
                (steps - 1, "initial", "min"),
            ]
        return [(float(pct * steps) - 1, "initial", "max"), (steps - 1, "max", "min")]

    def _phase_at(self, step: int) -> tuple[float, float, str, str]:
        """(first step, last step, where the lr starts, where it ends) of the phase that
        ``step`` falls in; ValueError if that phase has no steps."""
        phases = self._phases()
        start_step, index = 0.0, 0
        while step > phases[index][0] and index < len(phases) - 1:
            start_step = phases[index][0]
            index += 1
        end_step, lr_from, lr_to = phases[index]
        if end_step == start_step:  # PyTorch divides by zero here
            raise ValueError(
                f"pct_start={self.pct_start} with total_steps={self.total_steps} leaves phase {index + 1} of "
                f"OneCycleLR no steps (it would end at step {end_step} where it starts): choose another pct_start"
            )
        return start_step, end_step, lr_from, lr_to

    def get_lr(self):
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR was stepped {step} times, past its total_steps={self.total_steps}: "
                "give total_steps (or epochs and steps_per_epoch) for the whole run"
            )
        anneal = _anneal_cos if self.anneal_strategy == "cos" else _anneal_linear
        start_step, end_step, lr_from, lr_to = self._phase_at(step)
        pct = (step - start_step) / (end_step - start_step)
        lrs = []
        for g, group in enumerate(self.optimizer.param_groups):
            levels = {"initial": self.base_lrs[g], "max": self.max_lrs[g], "min": self.min_lrs[g]}
            lrs.append(anneal(levels[lr_from], levels[lr_to], pct))
            if self.cycle_momentum:
                # momentum is high where the lr is low; the last of three phases keeps max_momentum
                high, low = self.max_momentums[g], self.base_momentums[g]
                start, end = (low, high) if lr_from == "max" else (high, low) if lr_to == "max" else (high, high)
                self._set_momentum(group, anneal(start, end, pct))
        return lrs


class ReduceLROnPlateau:
    """Lower the lr when a watched number stops improving (``torch.optim.lr_scheduler.
    ReduceLROnPlateau``): call ``step(metric)`` once per epoch with, say, the validation loss.

    An epoch improves on the best so far when the metric is below best * (1 - threshold)
    (``mode='min'``, ``threshold_mode='rel'``; 'abs': below best - threshold; ``mode='max'``:
    above best * (1 + threshold) or best + threshold). After more than ``patience`` epochs
    without improvement every group's lr becomes max(lr * factor, min_lr), unless that
    changes it by no more than ``eps``; then ``cooldown`` epochs pass before counting again.
    ``factor`` must be in [0, 1) (ValueError otherwise); ``min_lr`` is a number or one per
    parameter group.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr=0.0,
        eps: float = 1e-8,
    ):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        self.mode = check_choice("mode", mode, ("min", "max"))
        self.factor = check_range("factor", factor, 0, 1, high_open=True)
        self.patience = check_int("patience", patience, minimum=0)
        self.threshold = check_non_negative("threshold", threshold)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = check_int("cooldown", cooldown, minimum=0)
        self.eps = check_non_negative("eps", eps)
        groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != groups:
                raise ValueError(f"expected {groups} min_lrs (one per parameter group), got {len(min_lr)}")
            self.min_lrs = [check_non_negative(f"min_lr[{i}]", lr) for i, lr in enumerate(min_lr)]
        else:
            self.min_lrs = [check_non_negative("min_lr", min_lr)] * groups
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self, metrics, epoch=None) -> None:
        """One epoch's value of the watched number (a number or a one-element tensor).
        PyTorch's deprecated ``epoch`` argument is a TypeError: each call counts one epoch."""
        if epoch is not None:
            raise TypeError(
                f"ReduceLROnPlateau.step() takes only the metric, got epoch={shown(epoch)}: minigrad does not have "
                "PyTorch's deprecated epoch argument; call step(metric) once per epoch, which counts the epochs"
            )
        current = check_number("metrics", metrics.item() if hasattr(metrics, "item") else metrics)
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # epochs in cooldown do not count
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
                new_lr = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _is_better(self, current: float) -> bool:
        if self.mode == "min":
            bound = self.best * (1 - self.threshold) if self.threshold_mode == "rel" else self.best - self.threshold
            return current < bound
        bound = self.best * (1 + self.threshold) if self.threshold_mode == "rel" else self.best + self.threshold
        return current > bound

    def get_last_lr(self) -> list[float]:
        """The lr of each group after the latest ``step()``."""
        return self._last_lr

    def state_dict(self) -> dict:
        """Everything but the optimizer; ``load_state_dict`` takes it back."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Resume from ``state_dict()`` (or ``mg.load`` of a saved one): the same keys, or a
        ValueError naming what differs; nothing changes on an error."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict takes a dict from state_dict(), got {type(state_dict).__name__}")
        if set(state_dict) != set(self.state_dict()):
            raise ValueError(
                f"not a state of ReduceLROnPlateau: keys {sorted(map(str, state_dict))}, "
                f"expected {sorted(self.state_dict())}"
            )
        loaded = {}
        for key, value in state_dict.items():
            if isinstance(value, np.ndarray):
                value = value.item() if value.ndim == 0 else value.tolist()
            loaded[key] = value
        self.__dict__.update(loaded)


class _Composite(LRScheduler):
    """What SequentialLR and ChainedScheduler share: schedules of one optimizer, their
    states nested in this one's as "_schedulers"."""

    def _check_schedulers(self, schedulers, optimizer) -> tuple[list, Optimizer]:
        """The schedulers as a list, and their optimizer: ``optimizer``, or if None the first
        scheduler's."""
        owner = type(self).__name__
        if isinstance(schedulers, (str, bytes)) or not isinstance(schedulers, (list, tuple)):
            raise TypeError(f"schedulers must be a list of lr schedulers, got {shown(schedulers)}")
        if not schedulers:
            raise ValueError(f"{owner} needs at least one scheduler, got an empty list")
        for i, scheduler in enumerate(schedulers):
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(
                    f"schedulers[{i}] is a ReduceLROnPlateau, which {owner} cannot step: its step() needs the metric"
                )
            if not isinstance(scheduler, LRScheduler):
                raise TypeError(f"schedulers[{i}] must be an lr scheduler, got {shown(scheduler)}")
            optimizer = scheduler.optimizer if optimizer is None else optimizer
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"schedulers[{i}] ({type(scheduler).__name__}) belongs to another optimizer")
        return list(schedulers), optimizer

    def state_dict(self) -> dict:
        """This schedule's state with each scheduler's ``state_dict()`` in "_schedulers"."""
        state = super().state_dict()
        state["_schedulers"] = [scheduler.state_dict() for scheduler in state.pop("_schedulers")]
        return state

    def _checked(self, state_dict) -> dict:
        if isinstance(state_dict, Mapping) and any(_nested_key(key) for key in state_dict):
            state_dict = _unflattened(state_dict)
        return super()._checked(state_dict)

    def _checked_state(self, key: str, value):
        if key != "_schedulers":
            return super()._checked_state(key, value)
        count = len(self._schedulers)
        if not isinstance(value, (list, tuple)) or len(value) != count:
            raise ValueError(f"_schedulers must be a list of {count} scheduler states, got {shown(value)}")
        return [scheduler._checked(state) for scheduler, state in zip(self._schedulers, value, strict=True)]

    def _load(self, checked: dict) -> None:
        for scheduler, state in zip(self._schedulers, checked.pop("_schedulers"), strict=True):
            scheduler._load(state)
        super()._load(checked)


def _nested_key(key) -> bool:
    return isinstance(key, str) and key.startswith("_schedulers/")


def _unflattened(state: Mapping) -> dict:
    """The nested "_schedulers" list back from the "_schedulers/0/last_epoch" names that
    ``mg.save`` stores it under (deeper names stay for the inner scheduler to unflatten)."""
    rebuilt = {key: value for key, value in state.items() if not _nested_key(key)}
    inner: dict = {}
    for key in filter(_nested_key, state):
        _, index, name = (key.split("/", 2) + [""])[:3]
        if not index.isdigit() or not name:
            raise ValueError(f"unexpected key {key!r} in a scheduler state (nested keys are '_schedulers/<i>/<name>')")
        inner.setdefault(int(index), {})[name] = state[key]
    rebuilt["_schedulers"] = [inner.get(i, {}) for i in range(max(inner) + 1)]
    return rebuilt


def _increasing(name, value) -> list[int]:
    """Epochs in increasing order: SequentialLR's milestones say where each schedule starts."""
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a list of epochs (ints), got {shown(value)}")
    epochs = _milestones(name, value)
    if epochs != list(value) or len(set(epochs)) < len(epochs):
        raise ValueError(f"{name} must be in increasing order, got {list(value)!r}")
    return epochs


class SequentialLR(_Composite):
    """One schedule after another (``torch.optim.lr_scheduler.SequentialLR``): ``schedulers[i]``
    runs from epoch ``milestones[i - 1]`` (from 0 for the first) until the next milestone.
    ``milestones`` has one int fewer than ``schedulers``, in increasing order; all schedulers
    must belong to ``optimizer`` (ValueError otherwise; a ReduceLROnPlateau cannot take part).

    As in PyTorch: creating it sets every group's lr back to its initial lr, takes back the
    step each scheduler took when it was created, and redoes it for the first one. At a
    milestone the next scheduler restarts at its epoch 0, from the initial lrs where it has a
    closed form (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, ConstantLR, LinearLR,
    PolynomialLR) and otherwise by its ``get_lr`` (LambdaLR, MultiplicativeLR, OneCycleLR,
    CosineAnnealingWarmRestarts); between milestones it steps as usual. A LinearLR warm-up
    then a CosineAnnealingLR is the common use. ``last_epoch=k`` only sets this schedule's
    epoch count to k + 1; its schedulers keep theirs."""

    arguments = {"_milestones": _increasing}

    def __init__(self, optimizer, schedulers, milestones, last_epoch: int = -1):
        _check_optimizer(optimizer)
        schedulers, _ = self._check_schedulers(schedulers, optimizer)
        milestones = _increasing("milestones", milestones)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR needs one milestone fewer than schedulers, got {len(schedulers)} schedulers and "
                f"{len(milestones)} milestones"
            )
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = check_int("last_epoch", last_epoch, minimum=-1) + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo_initial_steps(self)
        first = self._schedulers[bisect.bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = list(first.get_last_lr())

    def _undo_initial_steps(self, scheduler) -> None:
        """Take back the epoch each (innermost) scheduler counted when it was created."""
        if isinstance(scheduler, _Composite):
            for inner in scheduler._schedulers:
                self._undo_initial_steps(inner)
        else:
            scheduler.last_epoch -= 1

    def step(self, epoch=None) -> None:
        """Advance one epoch: step the scheduler whose turn it is, or start the next one at a
        milestone. Takes no epoch (TypeError), as in PyTorch."""
        _no_epoch(self, epoch, self._step_instead)
        self.last_epoch += 1
        index = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        try:
            if index > 0 and self._milestones[index - 1] == self.last_epoch:
                scheduler._update_lr(0)
            else:
                scheduler.step()
        except BaseException:
            self.last_epoch -= 1
            raise
        self._last_lr = list(scheduler.get_last_lr())


class ChainedScheduler(_Composite):
    """Several schedules at once (``torch.optim.lr_scheduler.ChainedScheduler``): each
    ``step()`` steps every scheduler in turn, so chainable schedules multiply (an ExponentialLR
    decay under a ConstantLR warm-up). ``optimizer`` defaults to the schedulers' one; all must
    share it (ValueError otherwise; a ReduceLROnPlateau cannot take part). Note the order of
    the arguments: the schedulers come first, as in PyTorch."""

    def __init__(self, schedulers, optimizer=None):
        if optimizer is not None:
            _check_optimizer(optimizer)
        self._schedulers, self.optimizer = self._check_schedulers(schedulers, optimizer)
        self._last_lr = self._current()

    def step(self, epoch=None) -> None:
        """Step every scheduler, in order. Takes no epoch (TypeError), as in PyTorch."""
        _no_epoch(self, epoch, self._step_instead)
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._current()

"""Learning-rate schedules, with PyTorch's semantics: creating a scheduler records each
group's ``initial_lr``; each ``step()`` (call it after ``optimizer.step()``, usually once
per epoch) advances ``last_epoch`` and sets every group's lr. The update rules are
PyTorch's chainable ones, so the lrs agree with PyTorch's to the last bit.

Resuming, as in PyTorch 2.13: load the optimizer's state and the scheduler's
(``load_state_dict`` of each), and training continues with exactly the lrs an unbroken run
would have had. Creating a scheduler with ``last_epoch=k`` instead needs ``initial_lr`` in
every parameter group (a loaded optimizer state has it; ``KeyError`` otherwise, as in
PyTorch) and takes one step to epoch k + 1 at construction, like every constructor. In that
step StepLR applies its rule to the current lrs (a further factor gamma when k + 1 is a
multiple of step_size), ExponentialLR and CosineAnnealingLR keep the current lrs, and
LambdaLR sets initial_lr * lr_lambda(k + 1).

ReduceLROnPlateau stands apart: it lowers the lr when a metric passed to ``step(metric)``
stops improving, rather than following the epoch count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ..checks import check_choice, check_int, check_non_negative, check_number, check_range
from .optimizer import Optimizer

__all__ = [
    "LRScheduler",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LambdaLR",
    "ReduceLROnPlateau",
]


def _positive_int(name, value):
    return check_int(name, value, minimum=1)


class LRScheduler:
    """The base of the schedules (``torch.optim.lr_scheduler.LRScheduler``): it records each
    group's ``initial_lr`` and sets every group's lr at each ``step()``; a subclass gives
    ``get_lr``."""

    # a subclass's own arguments and their checks (also applied to a loaded state)
    arguments: dict = {}
    # True only during the constructor's step (PyTorch's _is_initial)
    _is_initial = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
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
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()  # to epoch 0 (or last_epoch + 1)
        finally:
            del self._is_initial

    def _check_arguments(self, **arguments) -> None:
        """Check the subclass's arguments and set them as attributes."""
        for name, value in arguments.items():
            setattr(self, name, self.arguments[name](name, value))

    def get_lr(self) -> list[float]:
        """The lrs for ``self.last_epoch``, from the current ones."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set every group's lr (call it after ``optimizer.step()``)."""
        self._step_count += 1
        self.last_epoch += 1
        try:
            lrs = self.get_lr()
        except BaseException:  # a refused step changes nothing: the counters go back too
            self._step_count -= 1
            self.last_epoch -= 1
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
        self.__dict__.update({key: self._checked_state(key, value) for key, value in state_dict.items()})

    def _checked_state(self, key: str, value):
        """One saved entry, checked and in plain Python form (mg.load gives numpy arrays)."""
        if isinstance(value, np.ndarray):
            value = value.item() if value.ndim == 0 else value.tolist()
        if key in ("base_lrs", "_last_lr"):
            groups = len(self.optimizer.param_groups)
            if not isinstance(value, (list, tuple)) or len(value) != groups:
                raise ValueError(f"{key} must be a list of {groups} lrs (one per parameter group), got {value!r}")
            check = check_non_negative if key == "base_lrs" else check_number
            return [check(f"{key}[{i}]", lr) for i, lr in enumerate(value)]
        if key == "last_epoch":
            return check_int(key, value, minimum=-1)
        if key == "_step_count":
            return check_int(key, value, minimum=0)
        return self.arguments[key](key, value)

    def _current(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]


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


class LambdaLR(LRScheduler):
    """lr = initial_lr * lr_lambda(epoch); one function, or one per parameter group. Each
    factor it returns must be a finite number >= 0 (``TypeError``/``ValueError`` naming the
    epoch and the value otherwise; the refused step changes no lr and no epoch count)."""

    def __init__(self, optimizer, lr_lambda, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
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

    def get_lr(self):
        epoch = self.last_epoch
        return [
            base * self._factor(f(epoch), epoch, i)
            for i, (f, base) in enumerate(zip(self.lr_lambdas, self.base_lrs, strict=True))
        ]

    def _factor(self, value, epoch: int, group: int) -> float:
        """lr_lambda's result: a finite number >= 0, else an error naming the epoch and the
        value (a string would fail deep in a multiplication, nan or a negative factor would
        silently make the lr nan or negative)."""
        where = f"lr_lambda{f'[{group}]' if len(self.lr_lambdas) > 1 else ''} returned {value!r} for epoch {epoch}"
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{where}; it must return a number (the factor for the initial lr)")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{where}; the factor for the initial lr must be finite and >= 0")
        return float(value)


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

    def step(self, metrics) -> None:
        """One epoch's value of the watched number (a number or a one-element tensor)."""
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

"""The training loop: ``fit`` runs mini-batch training and returns a ``History``.

Per step it records the loss, a summary of the optimizer's effective learning rate
(its median and 10th-90th percentile band over the coordinates that received a non-zero
gradient in that step: a coordinate that never gets one, such as a weight into a dead
ReLU unit, keeps AdaGrad's or RMSprop's lr / eps, which says nothing about training)
and the same summary of the update size, how far each of those coordinates actually
moved in that step (|theta after - theta before|); per epoch, the mean training loss
and accuracy, validation loss and accuracy, and wall time.

A run never loses what it learned to a fault. Data holding nan or inf, a loss that
becomes nan or inf, an exception raised inside a step and Ctrl-C each stop the run and
return its History, with ``History.stop`` (a ``StopReason``) saying what happened, where,
and keeping the exception for debugging. Steps are whole: Ctrl-C pressed during a step is
held until the step (forward, backward, optimizer update, history entry) is done, and after
an epoch's last step until that epoch is recorded (with its validation): an epoch whose
steps all completed is always in ``History.epochs``. Only a failed or twice-interrupted
validation leaves its record without the ``val_*`` entries.
"""

from __future__ import annotations

import math
import operator
import signal
import sys
import threading
import time
import traceback as _traceback
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from tqdm import tqdm

from .checks import check_bool, check_int, check_same_length, check_seed, shown
from .data import DataLoader
from .optim import Optimizer
from .tensor import Tensor, no_grad

__all__ = ["fit", "evaluate", "History", "LRSummary", "StopReason"]


class LRSummary(NamedTuple):
    """A per-coordinate quantity of one step (the effective learning rate, or the update
    size) summarised over the coordinates that moved: nearest-rank median and 10th and
    90th percentiles."""

    median: float
    low: float  # 10th percentile
    high: float  # 90th percentile


# None, or a function that tells a run to stop between two steps, as a Ctrl-C would: set in
# the worker processes of mg.compare's parallel runs, which leave Ctrl-C to the main process
stop_requested = None

# where in a step something went wrong: (phase name, its name in messages)
_STEP_PHASES = {
    "forward": "forward pass",
    "loss": "loss",
    "backward": "backward pass",
    "optimizer": "optimizer step",
    "summary": "effective learning rate summary (after the optimizer step)",
}


@dataclass(frozen=True)
class StopReason:
    """Why a run ended early (``History.stop``): a record for code to test, with the
    sentence for people in ``message`` (which is also ``History.stopped``).

    ``kind`` is one of

    - ``"diverged"``: the training loss became nan or inf (``loss`` holds it) with finite
      data, or the loss was finite (``loss`` holds it) but a gradient held nan or inf
      (``phase`` is then ``"backward"``). That step was not applied: the weights and the
      optimizer's state are those the step before left.
    - ``"bad_data"``: ``X``, ``y`` or the validation data (``array`` is ``"X"``, ``"y"``,
      ``"X_val"`` or ``"y_val"``) holds ``count`` values that are nan or inf, the first at
      ``index`` (a tuple, as for ``array[index]``). Found before training: no step was taken.
    - ``"interrupted"``: Ctrl-C (``exception`` is the ``KeyboardInterrupt``).
    - ``"error"``: an exception was raised during a step or the end-of-epoch validation
      (``exception`` is it, with its ``__traceback__``; ``traceback()`` formats it). An
      exception in the very first step is raised by ``fit`` instead: nothing was trained,
      and it almost always means the model, the loss and the data do not fit together.

    ``phase`` says where: ``"forward"``, ``"loss"``, ``"backward"``, ``"optimizer"`` or
    ``"summary"`` (summarising the effective learning rate after the update, e.g. a new
    optimizer's ``effective_lr_of`` failed) (inside step number ``step``, which is then not
    in the history: ``len(history.loss) == step - 1``), ``"validation"`` (evaluating the
    validation data after step ``step``; that epoch is in ``History.epochs``, without its
    ``val_*`` entries),
    or ``None`` (between steps, after step ``step``: ``len(history.loss) == step``; 0 if no
    step was taken). ``epoch`` counts from 1 (0 for ``"bad_data"``).

    In the ``"summary"`` phase the step's update was applied but the step is not in the
    history. Only the ``"optimizer"`` phase can leave a step partly applied: an exception raised by
    ``optimizer.step()`` itself, or a second Ctrl-C while one is held, may come after some
    parameters were updated. Everything else stops between steps or before the update.
    """

    kind: str
    message: str
    step: int
    epoch: int
    phase: str | None = None
    exception: BaseException | None = field(default=None, repr=False, compare=False)
    loss: float | None = None  # "diverged": the non-finite loss
    array: str | None = None  # "bad_data": which array
    count: int | None = None  # "bad_data": how many non-finite values it holds
    index: tuple[int, ...] | None = None  # "bad_data": where the first one is

    def traceback(self) -> str:
        """The exception's traceback as text (empty if there was no exception)."""
        if self.exception is None:
            return ""
        exc = self.exception
        return "".join(_traceback.format_exception(type(exc), exc, exc.__traceback__))


@dataclass
class History:
    """What ``fit`` recorded. ``loss``, ``effective_lr`` and ``update_size`` hold one entry
    per completed step, always the same number; ``epochs`` one dict per completed epoch;
    ``stop`` is ``None`` for a run that did all its epochs, else a ``StopReason``.

    ``effective_lr[i]`` summarises the factor the optimizer applied to each coordinate's
    update direction in step i + 1 (``Optimizer.effective_lr()``), ``update_size[i]`` how
    far each coordinate actually moved in it, ``|theta after - theta before|`` (in the
    parameters' units, computed in float64: exact for float32 parameters whose old and new
    values are within a factor of 2^29 of each other). Both are
    ``LRSummary(median, low, high)``: the nearest-rank median and 10th and 90th percentiles
    over the coordinates whose gradient in that step was not 0 (all coordinates if none
    was), the same coordinates for both. For SGD without momentum or weight decay the
    update size is lr * |grad|; for AdaGrad's first step it is lr * |grad| / (|grad| + eps).
    Models of more than 1,024 coordinates are summarised over a fixed random sample of 1,024
    of their coordinates, the same at every step (exact order statistics of all of them
    would cost more than a small model's step; the sample's 10th percentile lies between
    about the 8.3th and 12.0th percentiles of all coordinates with 95% probability, its
    median between the 46.9th and 53.0th); smaller ones over all their coordinates."""

    loss: list[float] = field(default_factory=list)  # one per step
    effective_lr: list[LRSummary] = field(default_factory=list)  # one per step
    update_size: list[LRSummary] = field(default_factory=list)  # one per step: |change of each weight|
    # one per completed epoch (every step done); train_loss and train_accuracy average the
    # epoch's batches as the weights moved, val_* measure the weights at the end of the epoch
    # (absent if the validation raised or was stopped by a second Ctrl-C)
    epochs: list[dict] = field(default_factory=list)
    stop: StopReason | None = None  # why the run ended early, or None
    seconds: float = 0.0  # wall time of the whole run

    @property
    def stopped(self) -> str | None:
        """Why the run ended early, in words (``stop.message``), or None."""
        return None if self.stop is None else self.stop.message

    @property
    def final_loss(self) -> float:
        """Training loss of the last completed epoch (the last step's if none completed)."""
        if self.epochs:
            return self.epochs[-1]["train_loss"]
        return self.loss[-1] if self.loss else math.nan

    @property
    def final_accuracy(self) -> float | None:
        """Validation accuracy of the last epoch if there was validation data, else training
        accuracy; None for regression or before the first epoch ended, nan if the model's
        outputs were not finite."""
        if not self.epochs:
            return None
        last = self.epochs[-1]
        return last.get("val_accuracy", last.get("train_accuracy"))


def fit(
    model,
    optimizer,
    loss_fn,
    X,
    y,
    epochs: int = 10,
    batch_size: int = 32,
    shuffle: bool = True,
    seed: int | None = None,
    validation_data: tuple | None = None,
    verbose: bool | None = None,
    description: str = "training",
    drop_last: bool = False,
) -> History:
    """Train ``model`` on (X, y) with mini-batches, and return what happened.

    ``X`` is an ndarray or Tensor with one row per sample, ``(N, ...)``; ``y`` has N rows:
    integer class labels (then accuracy is recorded too) or float targets. Each epoch
    serves the data in batches of ``batch_size`` rows, the last one smaller unless
    ``drop_last=True`` leaves it out (as PyTorch's DataLoader; BatchNorm1d refuses a
    batch of one row in train mode). ``seed`` fixes the batch order (two runs with the
    same seed see the same batches). ``validation_data=(X_val, y_val)`` is evaluated, in
    eval mode, after each epoch. ``verbose=None`` shows a progress bar only when the
    output is a terminal.

    Wrong arguments raise: ``TypeError`` for a wrong type, ``ValueError`` for a wrong value
    (``epochs`` < 1, X and y of different lengths, ...), before any training. So does an
    exception raised in the very first step. Anything after that is recorded instead and
    ends the run, which returns its history so far, with a ``RuntimeWarning`` "fit stopped
    early: <why>" (``warnings.filterwarnings("ignore", "fit stopped early")`` silences it):
    see ``StopReason`` for what ``History.stop`` holds. Ctrl-C during a step is held until
    that step is complete; the previous SIGINT handler is restored when ``fit`` returns.

    Per step the history records the loss, the effective learning rate and the update size
    (how far the weights that got a gradient moved); see ``History`` for their definitions.
    A step that diverged (non-finite loss, or a finite loss with a nan or inf gradient) is
    not applied and not recorded.
    """
    epochs = check_int("epochs", epochs, 1)
    seed = check_seed("seed", seed)
    show = sys.stderr.isatty() if verbose is None else check_bool("verbose", verbose)
    if not isinstance(description, str):
        raise TypeError(f"description must be a string, got {description!r}")
    for name, value in (("model", model), ("loss_fn", loss_fn)):
        if isinstance(value, type):  # callable, but calling it makes an object instead of computing
            raise TypeError(f"{name} is the class {value.__name__}; pass an instance of it: {value.__name__}()")
        if _optimizer_lacks(value) == []:
            raise TypeError(
                f"{name} got an optimizer ({type(value).__name__}): the order is fit(model, optimizer, loss_fn, X, y)"
            )
        if not callable(value):
            raise TypeError(f"{name} must be callable, got {shown(value)}")
    if not (callable(getattr(model, "train", None)) and callable(getattr(model, "eval", None))):
        built = getattr(model, "__name__", None)
        hint = f"; if {built}() builds the model, call it: fit({built}(), ...)" if built else ""
        raise TypeError(
            f"model must be a Module (nn.Sequential(...) or a subclass of nn.Module), got {shown(model)}{hint}"
        )
    _check_optimizer(optimizer, model)
    loader = DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last)
    validation = _validation_arrays(validation_data)
    if validation is not None:
        _check_like_training(validation, loader)
    classification = loader.y.dtype.kind in "iu"

    history = History()
    started = time.perf_counter()
    arrays = [("X", loader.X), ("y", loader.y)]
    if validation is not None:
        arrays += [("X_val", validation[0]), ("y_val", validation[1])]
    history.stop = _bad_data(arrays)  # once, here: the data does not change during the run
    if history.stop is not None:
        _warn_stopped(history)
        return history

    step = epoch = 0  # steps completed; the epoch under way
    phase = None  # where in the step we are (a key of _STEP_PHASES), or None between steps
    batch_rows = 0
    guard = _HoldInterrupts()
    summarize = _StepSummarizer(optimizer, history)
    try:
        # a diverging run is reported once, clearly, below; numpy's overflow warnings would only bury that
        with (
            guard,
            np.errstate(over="ignore", invalid="ignore", divide="ignore"),
            tqdm(total=epochs * len(loader), desc=description, disable=not show, leave=False) as bar,
        ):
            try:
                for epoch in range(1, epochs + 1):
                    epoch_start = time.perf_counter()
                    model.train()
                    loss_sum = correct = seen = 0.0
                    for X_batch, y_batch in loader:
                        guard.holding = False
                        guard.release()  # a Ctrl-C held during the previous step stops the run here
                        if stop_requested is not None and stop_requested():
                            raise KeyboardInterrupt("stop requested")  # as a Ctrl-C between steps
                        guard.holding = True  # from here to the end of the step, Ctrl-C waits
                        batch_rows = len(y_batch)
                        phase = "forward"
                        output = model(X_batch)
                        phase = "loss"
                        loss = loss_fn(output, y_batch)
                        value = loss.item()
                        if not math.isfinite(value):
                            history.stop = _diverged(value, step + 1, epoch)
                            return history
                        batch_correct = _count_correct(output.data, y_batch) if classification else 0
                        phase = "backward"
                        optimizer.zero_grad()
                        loss.backward()
                        phase = "optimizer"
                        if not summarize.snapshot():  # a nan or inf gradient: the step would spoil every weight
                            history.stop = _bad_gradient(model, optimizer, value, step + 1, epoch)
                            return history
                        optimizer.step()
                        phase = "summary"
                        summarize()  # the effective lr and update size, added to history in batches
                        history.loss.append(value)
                        step += 1
                        phase = None
                        loss_sum += value * batch_rows
                        seen += batch_rows
                        correct += batch_correct
                        if show:  # a hidden bar still costs ~15 us a step to keep up to date
                            bar.set_postfix_str(f"loss={value:.4f}", refresh=False)
                            bar.update(1)
                    # still holding after the epoch's last step: a Ctrl-C held during it is
                    # delivered once the epoch is recorded, with its validation (one forward
                    # pass; a second Ctrl-C still stops it at once, and so does an error, which
                    # leave the record without its val_* entries)
                    summarize.flush()
                    record = {"epoch": epoch, "train_loss": loss_sum / seen}
                    if classification:
                        record["train_accuracy"] = correct / seen
                    record["seconds"] = time.perf_counter() - epoch_start
                    history.epochs.append(record)
                    if validation is not None:
                        phase = "validation"
                        record.update(_evaluate(model, loss_fn, *validation, prefix="val_"))
                        record["seconds"] = time.perf_counter() - epoch_start
                        phase = None
                    guard.holding = False
                    guard.release()
            except KeyboardInterrupt as exc:
                guard.holding = True
                history.stop = _interrupted(exc, step, epoch, phase)
            except Exception as exc:
                guard.holding = True
                if step == 0 and phase in _STEP_PHASES:
                    if hasattr(exc, "add_note"):  # Python 3.11+
                        done = "its update was applied" if phase == "summary" else "nothing was trained"
                        exc.add_note(f"(raised in the {_STEP_PHASES[phase]} of fit's first step: {done})")
                    raise
                hint = _small_batch_hint(phase, batch_rows, loader)
                history.stop = _error(exc, step, epoch, phase, hint)
            finally:  # on every way out: the buffered steps' summaries, one per step in history.loss
                guard.holding = True  # a Ctrl-C now would escape fit without the history
                summarize.flush()
                if guard.take_held() and history.stop is None:  # it came as the run ended: the run says so
                    history.stop = _interrupted(KeyboardInterrupt(), step, epoch, None)
                del history.effective_lr[len(history.loss) :], history.update_size[len(history.loss) :]
    finally:
        history.seconds = time.perf_counter() - started
        model.train()
        _warn_stopped(history)  # here, as the stops inside return from within
    return history


def _warn_stopped(history: History) -> None:
    """Say that fit returns early, and why: the history holds it, but a loop written by hand
    would have raised, and a short loss curve alone does not tell why it is short."""
    if history.stop is not None:
        warnings.warn(f"fit stopped early: {history.stopped}", RuntimeWarning, stacklevel=3)


def _check_optimizer(optimizer, model) -> None:
    """What ``fit`` calls on an optimizer: zero_grad(), step(), effective_lr() (for the
    history's learning-rate summary) and param_groups. Checked before anything runs, so a
    wrong argument (None, a name such as "adam") is a TypeError naming it, not an
    AttributeError after the first forward pass. An optimizer that holds none of the
    model's parameters (made for another model, or before the model was made again) would
    train nothing: a ValueError."""
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        raise TypeError(
            f"optimizer is the class {optimizer.__name__}; pass an instance of it: "
            f"{optimizer.__name__}(model.parameters(), lr=...)"
        )
    if _optimizer_lacks(optimizer):
        hint = " (pass an optimizer object, e.g. optim.Adam(model.parameters()))" if isinstance(optimizer, str) else ""
        if callable(optimizer) and not isinstance(optimizer, str):  # a loss, say
            hint = "; the order is fit(model, optimizer, loss_fn, X, y)"
        raise TypeError(
            f"optimizer must be a minigrad optimizer (with zero_grad(), step(), effective_lr() and param_groups), "
            f"got {shown(optimizer)}{hint}"
        )
    if not callable(getattr(model, "parameters", None)):
        return  # a model without parameters() (any object with train and eval): nothing to compare
    ours = {id(p) for p in model.parameters()}
    if ours and not any(id(p) in ours for group in optimizer.param_groups for p in group["params"]):
        raise ValueError(
            "the optimizer holds none of the model's parameters, so fit would train nothing: it was made for "
            "another model, or before this one was made; make it from this model: optim.SGD(model.parameters(), ...)"
        )


def _check_like_training(validation: tuple, loader: DataLoader) -> None:
    """The validation data must look like the training data (each sample's shape; class
    labels or float targets as y is), or the first epoch's end would find out."""
    for name, array, like, what in (("X_val", validation[0], loader.X, "X"), ("y_val", validation[1], loader.y, "y")):
        if array.shape[1:] != like.shape[1:]:
            raise ValueError(
                f"validation_data: {name} has shape {array.shape} but {what} has shape {like.shape}: "
                f"each validation sample must have the training samples' shape {like.shape[1:]}"
            )
    labels, y_val = loader.y.dtype.kind in "iu", validation[1].dtype.kind in "iu"
    if labels != y_val:
        raise TypeError(
            f"validation_data: y_val has dtype {validation[1].dtype} but y has dtype {loader.y.dtype}: "
            f"both must be {'integer class labels' if labels else 'float targets'}"
        )


def _optimizer_lacks(optimizer) -> list[str]:
    """Which of zero_grad(), step(), effective_lr() and param_groups the object lacks."""
    methods = ("zero_grad", "step", "effective_lr")
    lacks = [f"{name}()" for name in methods if not callable(getattr(optimizer, name, None))]
    return lacks + ([] if hasattr(optimizer, "param_groups") else ["param_groups"])


def evaluate(model, loss_fn, X, y, prefix: str = "") -> dict:
    """Loss (and accuracy, for integer labels) of ``model`` on all of (X, y) at once, in
    eval mode (the model's mode is restored afterwards). Returns ``{prefix + "loss": float,
    prefix + "accuracy": float}``; the accuracy is nan when the loss is not finite (outputs
    of nan say nothing about classes). X and y must have as many rows and hold finite
    numbers, else ``ValueError`` (wrong types: ``TypeError``)."""
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a string, got {prefix!r}")
    X, y = _validation_arrays((X, y), name="(X, y)", names=("X", "y"))
    stop = _bad_data([("X", X), ("y", y)])
    if stop is not None:
        raise ValueError(stop.message)
    return _evaluate(model, loss_fn, X, y, prefix)


def _evaluate(model, loss_fn, X: np.ndarray, y: np.ndarray, prefix: str) -> dict:
    was_training = getattr(model, "training", True)
    model.eval()
    try:
        with no_grad():
            output = model(Tensor(X))
            result = {prefix + "loss": loss_fn(output, y).item()}
        if y.dtype.kind in "iu":
            finite = math.isfinite(result[prefix + "loss"])
            result[prefix + "accuracy"] = _count_correct(output.data, y) / len(y) if finite else math.nan
    finally:
        model.train(was_training)
    return result


def _validation_arrays(pair, name: str = "validation_data", names: tuple[str, str] = ("X_val", "y_val")):
    """(X, y) as two ndarrays with as many rows, or None for None."""
    if pair is None:
        return None
    if not isinstance(pair, (tuple, list)):
        raise TypeError(f"{name} must be a pair (X, y), got {type(pair).__name__}")
    if len(pair) != 2:
        raise ValueError(f"{name} must be a pair (X, y), got a {type(pair).__name__} of {len(pair)} items")
    X, y = pair
    X = X.data if isinstance(X, Tensor) else X if isinstance(X, np.ndarray) else Tensor(X).data
    y = y.data if isinstance(y, Tensor) else np.asarray(y)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name}: X must hold numbers, got an array of dtype {X.dtype}")
    try:
        n = check_same_length(X, y, names)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
    if n == 0:
        raise ValueError(f"{name} holds no samples: give some, or leave it out (None) to train without")
    return X, y


def _bad_data(arrays) -> StopReason | None:
    """The first array holding nan or inf, as a "bad_data" stop (one pass over each array;
    integer arrays are skipped, they cannot hold either)."""
    for name, array in arrays:
        if array.dtype.kind not in "fc" or np.isfinite(array).all():
            continue
        bad = ~np.isfinite(array)
        count = int(bad.sum())
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"{name}[{', '.join(map(str, index))}]"
        of = " (validation_data)" if name.endswith("_val") else ""
        message = (
            f"{name}{of} holds {count} value{'s' if count > 1 else ''} that {'are' if count > 1 else 'is'} "
            f"nan or inf, the first at {where}; this run did not start. Training needs finite data: "
            f"fix or drop those rows (np.isfinite({name}) finds them)."
        )
        return StopReason("bad_data", message, step=0, epoch=0, array=name, count=count, index=index)
    return None


def _bad_gradient(model, optimizer, value: float, step: int, epoch: int) -> StopReason:
    """A "diverged" stop for a finite loss whose gradient holds nan or inf, naming the first
    parameter (by the model's name for it, if it has one) whose gradient does."""
    names = {}
    if callable(getattr(model, "named_parameters", None)):
        names = {id(p): name for name, p in model.named_parameters()}
    params = [p for group in optimizer.param_groups for p in group["params"]]
    index, p = next((i, p) for i, p in enumerate(params) if p.grad is not None and not np.isfinite(p.grad).all())
    name = f"'{names[id(p)]}'" if id(p) in names else f"parameter {index}"
    message = (
        f"the gradient of {name} (shape {p.shape}) held nan or inf at step {step} (epoch {epoch}), while the "
        f"loss was finite ({value:.6g}); this run stopped there, before applying that step. An op whose "
        "derivative is infinite where it was evaluated does this (sqrt or log at 0, x ** 0.5 at 0): keep its "
        "input away from 0, e.g. sqrt(x + 1e-12)."
    )
    return StopReason("diverged", message, step=step, epoch=epoch, phase="backward", loss=value)


def _diverged(value: float, step: int, epoch: int) -> StopReason:
    message = (
        f"the loss became {value} at step {step} (epoch {epoch}); this run stopped there, "
        "before applying that step. A smaller learning rate usually helps."
    )
    return StopReason("diverged", message, step=step, epoch=epoch, phase="loss", loss=value)


def _where(phase: str | None, step: int, epoch: int) -> tuple[int, str]:
    """The StopReason step number for a stop in ``phase`` after ``step`` completed steps, and
    the words for it."""
    if phase in _STEP_PHASES:
        return step + 1, f"in the {_STEP_PHASES[phase]} of step {step + 1} (epoch {epoch})"
    if phase == "validation":
        return step, f"while evaluating the validation data after step {step} (epoch {epoch})"
    if step == 0:
        return step, "before its first step"
    return step, f"after step {step} (epoch {epoch})"


def _consequence(phase: str | None, completed: int) -> str:
    if completed == 0 and phase not in ("optimizer", "summary"):
        return "nothing was trained"
    kept = f"the {completed} completed step{'s are' if completed != 1 else ' is'} kept"
    if phase == "optimizer":
        return f"{kept}, but that step's update may be partly applied to the weights"
    if phase == "summary":
        return f"{kept}, but that step's update was applied to the weights and is not in the history"
    if phase in _STEP_PHASES:
        return f"{kept}; that step was not applied"
    return kept


def _interrupted(exc: KeyboardInterrupt, step: int, epoch: int, phase: str | None) -> StopReason:
    number, where = _where(phase, step, epoch)
    message = f"interrupted {where}; {_consequence(phase, step)}"
    return StopReason("interrupted", message, step=number, epoch=epoch, phase=phase, exception=exc)


def _error(exc: Exception, step: int, epoch: int, phase: str | None, hint: str) -> StopReason:
    number, where = _where(phase, step, epoch)
    text = str(exc).strip().splitlines()
    reason = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    message = f"{reason} ({where}); this run stopped there and {_consequence(phase, step)}.{hint}"
    message += " history.stop.exception holds the exception and its traceback."
    return StopReason("error", message, step=number, epoch=epoch, phase=phase, exception=exc)


def _small_batch_hint(phase: str | None, rows: int, loader: DataLoader) -> str:
    """A failing batch smaller than the others is the epoch's last one: say how to skip it."""
    if phase not in ("forward", "loss", "backward") or rows >= loader.batch_size or loader.drop_last:
        return ""
    return (
        f" The failing batch was the epoch's last, of {rows} sample{'s' if rows > 1 else ''} "
        f"(the others have {loader.batch_size}): drop_last=True leaves it out."
    )


class _HoldInterrupts:
    """For one ``fit`` call: Ctrl-C (SIGINT) while ``holding`` is True waits until
    ``release()``, where the previous handler gets it (Python's default one raises
    KeyboardInterrupt). A second Ctrl-C while one is held, or one between steps, goes
    to the previous handler at once. Installed only in the main thread (the only one
    that receives signals) and only over a Python-level handler; restored on exit."""

    def __init__(self):
        self.holding = False
        self._held = None  # (signum, frame) of a Ctrl-C waiting for the step to end
        self._previous = None
        self._delivering = False

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if callable(previous):  # not SIG_IGN, SIG_DFL, or a handler set from C (None)
                signal.signal(signal.SIGINT, self._handle)
                self._previous = previous
        return self

    def __exit__(self, *exc_info):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
        return False

    def _handle(self, signum, frame):
        if self._delivering:
            return  # a stop is already on its way
        if self.holding and self._held is None:
            self._held = (signum, frame)
            return
        self._deliver(signum, frame)

    def _deliver(self, signum, frame):
        self._delivering = True
        self._previous(signum, frame)  # Python's default handler raises KeyboardInterrupt here
        self._delivering = False  # a handler that returned: training goes on

    def take_held(self) -> bool:
        """Whether a Ctrl-C is held, which then counts as handled."""
        held, self._held = self._held is not None, None
        return held

    def release(self):
        if self._held is not None:
            held, self._held = self._held, None
            self._deliver(*held)


# The step summaries watch at most this many coordinates: all of a model that has no more,
# else a fixed random sample of this many. Exact order statistics of every coordinate cost
# more than a small model's step (compare's default network has 4,547 coordinates); the
# nearest-rank 10th percentile of 1,024 sampled values lies between about the 8.3th and
# 12.0th percentiles of all of them with 95% probability (the median: 46.9th to 53.0th;
# the order statistic's Beta distribution).
_WATCHED = 2**10


class _StepSummarizer:
    """For one ``fit`` call, whose ``history`` it fills: each step's effective learning rate
    and update size summaries (``History``) over the watched coordinates (all of a model of
    at most ``_WATCHED`` (1,024) coordinates, else a fixed random sample of that many, the
    same at every step) that moved (non-zero gradient; all of them if none did): each the
    element at index ``last // 2``, ``last // 10`` and ``last - last // 10`` of those values
    sorted, ``last`` being their count less one (nearest rank; np.percentile costs ~10x
    more on small models).

    ``snapshot()``, just before the optimizer's step, copies the gradients (and checks them
    for nan and inf on the way), calling the object after it records that step. Since this
    runs at every step, a step only copies what its summaries need into a row of buffers
    (its gradients, the weights after it: the row before holds the weights before it; the
    rates), and ``flush()`` summarises the buffered
    steps together, appending to the history: each step costs a few array copies instead of
    some thirty numpy calls on small arrays. ``flush()`` runs when the buffers are full, at
    the end of each epoch, when the weights changed between steps and when the run stops, so
    the history is complete whenever ``fit`` returns.

    The values are exactly those of sorting each step's values: the rows are sorted
    together, update sizes and rates in one call, the coordinates that did not move set to
    nan, which sorts last. The rates of a whole parameter group come from
    ``Optimizer._group_state`` (its state as flat arrays) in a few array operations; when
    every coordinate has the same rate (SGD with one lr), that rate is the summary; an
    optimizer that overrides ``effective_lr()`` itself, or a group whose state cannot be
    seen as one, is summarised from what ``effective_lr()`` returns. The copy of the
    weights after a step serves as the next step's snapshot (the buffered steps' update
    sizes are differences of consecutive rows) while every weight is the same array at the
    same version (forward and backward passes leave them alone; anything that changes them
    in place through minigrad bumps the version)."""

    def __init__(self, optimizer, history: History):
        self.optimizer, self.history = optimizer, history
        self.own_rates = getattr(optimizer.effective_lr, "__func__", None) is not Optimizer.effective_lr
        self.lr_only = not self.own_rates and type(optimizer).effective_lr_of is Optimizer.effective_lr_of
        self.params = [p for group in optimizer.param_groups for p in group["params"]]
        sizes = [p.data.size for p in self.params]
        starts = np.cumsum([0, *sizes])
        total = int(starts[-1])
        self.sample = None  # the watched coordinates: all, or these (sorted)
        if total > _WATCHED:
            self.sample = np.sort(np.random.default_rng(0).choice(total, _WATCHED, replace=False))
        # per parameter: its watched coordinates (a slice for all of them), and where they go in a row
        self.watched = [self._pick(a, b) for a, b in zip(starts[:-1], starts[1:], strict=True)]
        self.starts = [self._position(a) for a in starts]
        # the gradients and weights in their own dtype (a float64 gradient cast to float32 could become 0)
        dtype = np.result_type(*[p.data.dtype for p in self.params])
        # a sample is gathered from a copy of all coordinates if that copy is at most 512 KB
        self.scratch = None
        if self.sample is not None and total <= 2**15:
            self.scratch = np.empty(2 * total, dtype)
            self.flat_sample = self.sample + [[0], [total]]  # the sample in the gradients', then the weights'
        # per group: where its coordinates are among the watched ones, and which of its own they are
        self.groups = []
        first = 0
        for group in optimizer.param_groups:
            a, last = starts[first], starts[first + len(group["params"])]
            first += len(group["params"])
            local = self._pick(a, last)
            self.groups.append((self._position(a), self._position(last), None if type(local) is slice else local))
        watched = min(total, _WATCHED)
        rows = 64  # steps buffered: each buffer at most 512 KB, to stay in cache
        self.no_grad = [np.zeros(size) for size in sizes]  # what a parameter without a gradient gives
        # copies[i + 1]: buffered step i's gradients ([0]) and the weights after it ([1]), copied in
        # one call; copies[0, 1]: the weights before the first buffered step
        self.copies = np.empty((rows + 1, 2, watched), dtype)
        # per step, its update sizes ([0]) and rates ([1]): summarised together, as they share their coordinates
        self.values = np.empty((2, rows, watched))
        self.ready = [None] * rows  # per row: its rates' summary if already made (one rate, or effective_lr())
        self.row = 0  # the next row to fill
        self.copied = None  # the weights' arrays and versions when copied to ``copies[row, 1]``

    def _pick(self, start: int, end: int):
        """The watched coordinates among [start, end), counted from start."""
        if self.sample is None:
            return slice(None)
        return self.sample[self._position(start) : self._position(end)] - start

    def _position(self, coordinate: int) -> int:
        """How many watched coordinates come before ``coordinate``."""
        return int(coordinate) if self.sample is None else int(np.searchsorted(self.sample, coordinate))

    def _copy(self, arrays: list, out: np.ndarray) -> np.ndarray | None:
        """The watched coordinates of ``arrays`` (one per parameter) into ``out``, a row of
        ``copies``; returns the flat copy of all their coordinates made on the way, if one
        was (the model is small enough), else None."""
        if self.sample is None:  # 1-D pieces: np.concatenate takes half the time it takes with axis=None
            return np.concatenate([a.ravel() for a in arrays], out=out.reshape(-1))
        if self.scratch is not None:  # two calls instead of one per array
            whole = self.scratch[: len(out) * len(self.scratch) // 2]
            np.concatenate([a.ravel() for a in arrays], out=whole)
            out[...] = whole[self.flat_sample[: len(out)]]  # 1-D indexing: 2-D [:, sample] is 7x slower
            return whole
        else:  # too large to copy whole at every step
            per_row = len(self.params)
            for row, first in zip(out, range(0, len(arrays), per_row), strict=True):
                for a, watched, start, end in zip(arrays[first : first + per_row], self.watched, self.starts[:-1],
                                                  self.starts[1:], strict=True):  # fmt: skip
                    row[start:end] = a.reshape(-1)[watched]
        return None

    def snapshot(self) -> bool:
        """Before the optimizer's step: copy the gradients, and the weights if they changed
        since the last step's copy. False if a gradient holds nan or inf: a step that would
        put it into every weight and the optimizer's state, which must not be taken."""
        arrays = [p.data for p in self.params]
        versions = [p._versions[0] for p in self.params]
        copied = self.copied
        if copied is None or versions != copied[1] or not all(map(operator.is_, arrays, copied[0])):
            if self.row:  # changed between steps: the buffered steps end here
                self.flush()
            self._copy(arrays, self.copies[0, 1:])
            self.copied = arrays, versions
        # else unchanged since the last step's copy, which is in copies[row, 1]
        grads = [p.grad for p in self.params]
        if type(None) in map(type, grads):
            grads = [zeros if g is None else g for g, zeros in zip(grads, self.no_grad, strict=True)]
        whole = self._copy(grads, self.copies[self.row + 1, :1])
        if whole is None:
            return all(np.isfinite(g).all() for g in grads)
        return bool(np.logical_and.reduce(np.isfinite(whole)))  # .all() without its Python wrapper

    def __call__(self) -> None:
        """Record the step just taken (``snapshot()`` came before it)."""
        row = self.row
        arrays = [p.data for p in self.params]
        self._copy(arrays, self.copies[row + 1, 1:])
        self.copied = arrays, [p._versions[0] for p in self.params]
        self.ready[row] = self._rates(row)
        self.row += 1
        if self.row == len(self.ready):
            self.flush()

    def _rates(self, row: int) -> LRSummary | None:
        """Put the step's rates in its row of ``rates``; or return their summary, when every
        coordinate has the same rate or they come from ``effective_lr()``."""
        optimizer = self.optimizer
        if self.lr_only:  # the base's effective_lr_of: each group's lr, stepped or not
            rates = {float(optimizer.effective_lr_of(None, group)) for group in optimizer.param_groups}
            if len(rates) == 1:
                rate = rates.pop()
                return LRSummary(rate, rate, rate)
        for index, (group, (start, end, local)) in enumerate(zip(optimizer.param_groups, self.groups, strict=True)):
            if self.lr_only:
                self.values[1, row, start:end] = optimizer.effective_lr_of(None, group)
                continue
            state = None if self.own_rates else optimizer._group_state(index)
            if state is None:
                return self._from_effective_lr(row)
            if local is not None:  # a sample: the rates of its coordinates only
                state = {key: value[local] if isinstance(value, np.ndarray) else value for key, value in state.items()}
            self.values[1, row, start:end] = optimizer.effective_lr_of(state, group)
        return None

    def _from_effective_lr(self, row: int) -> LRSummary:
        rates = np.asarray(self.optimizer.effective_lr(), dtype=np.float64)
        if self.sample is not None:
            rates = rates[self.sample]
        moved = self.copies[row + 1, 0] != 0
        rates = rates[moved] if moved.any() else rates.copy()
        return LRSummary._make(_order_statistics(rates, len(rates) - 1).tolist())

    def flush(self) -> None:
        """Summarise the buffered steps into the history."""
        rows = self.row
        if rows == 0:
            return
        moved = self.copies[1 : rows + 1, 0] != 0
        counts = np.count_nonzero(moved, axis=1)
        if not counts.all():
            moved[counts == 0] = True  # a step in which nothing moved: all coordinates count
            counts[counts == 0] = moved.shape[1]
        # in float64: the difference of two float32 numbers is exact there, but for extreme ratios
        after, before = self.copies[1 : rows + 1, 1], self.copies[:rows, 1]
        change = np.subtract(after, before, out=self.values[0, :rows], dtype=np.float64)
        np.abs(change, out=change)
        self.copies[0, 1] = self.copies[rows, 1]  # the weights before the next step
        rates = self.ready[:rows]
        pending = [i for i, ready in enumerate(rates) if ready is None]
        if len(pending) == rows:  # the rates of every step are in ``values``: both in one go
            sizes, rates = _nearest_ranks(self.values[:, :rows], moved, counts)
        else:
            (sizes,) = _nearest_ranks(change[None], moved, counts)
            if pending:
                (computed,) = _nearest_ranks(self.values[1:, pending], moved[pending], counts[pending])
                computed = iter(computed)
                rates = [next(computed) if ready is None else ready for ready in rates]
        self.row = 0
        self.history.effective_lr += rates
        self.history.update_size += sizes


def _nearest_ranks(values: np.ndarray, moved: np.ndarray, counts: np.ndarray) -> list[list[LRSummary]]:
    """Per quantity in ``values`` (quantities by steps by coordinates), per step, the median,
    10th and 90th percentile (nearest rank) of its values where ``moved`` (steps by
    coordinates), ``counts`` of them (per step); ``values`` is reordered."""
    last = counts[:, None] - 1
    if len(last) and last.min() < moved.shape[1] - 1:
        np.copyto(values, np.nan, where=~moved)  # sorts after every number (and with any nan among the values)
    values.sort(axis=2)
    rows = np.arange(len(last))[:, None]
    picked = values[:, rows, np.concatenate([last // 2, last // 10, last - last // 10], axis=1)]
    return [list(map(LRSummary._make, quantity)) for quantity in picked.tolist()]


def _order_statistics(rates: np.ndarray, last: int) -> np.ndarray:
    """Median, 10th and 90th percentile (nearest rank) of ``rates`` (``last`` + 1 values),
    which it sorts."""
    rates.sort()
    return rates[[last // 2, last // 10, last - last // 10]]


def _count_correct(scores: np.ndarray, labels: np.ndarray) -> int:
    """Class = argmax of the scores, or, for a single score per sample, score > 0 (a logit)."""
    if scores.ndim == 2 and scores.shape[1] > 1:
        predicted = scores.argmax(axis=1)
    else:
        predicted = (scores.reshape(len(labels), -1)[:, 0] > 0).astype(labels.dtype)
    return int(np.count_nonzero(predicted == labels.reshape(-1)))  # np.sum: ~6 us more, every step

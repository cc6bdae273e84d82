"""The training loop: ``fit`` runs mini-batch training and returns a ``History``.

Per step it records the loss and a summary of the optimizer's effective learning rate
(its median and 10th-90th percentile band over the coordinates that received a non-zero
gradient in that step: a coordinate that never gets one, such as a weight into a dead
ReLU unit, keeps AdaGrad's or RMSprop's lr / eps, which says nothing about training);
per epoch, the mean
training loss and accuracy, validation loss and accuracy, and wall time. A non-finite
loss, or Ctrl-C, stops the run cleanly and keeps everything recorded so far.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from tqdm import tqdm

from .data import DataLoader
from .tensor import Tensor, no_grad

__all__ = ["fit", "evaluate", "History", "LRSummary"]


class LRSummary(NamedTuple):
    """The effective learning rate over all coordinates after one step."""

    median: float
    low: float  # 10th percentile
    high: float  # 90th percentile


@dataclass
class History:
    loss: list[float] = field(default_factory=list)  # one per step
    effective_lr: list[LRSummary] = field(default_factory=list)  # one per step
    # one per completed epoch; train_loss and train_accuracy average the epoch's batches as
    # the weights moved, val_* measure the weights at the end of the epoch
    epochs: list[dict] = field(default_factory=list)
    stopped: str | None = None  # why the run ended early, or None
    seconds: float = 0.0  # wall time of the whole run

    @property
    def final_loss(self) -> float:
        """Training loss of the last completed epoch (the last step's if none completed)."""
        if self.epochs:
            return self.epochs[-1]["train_loss"]
        return self.loss[-1] if self.loss else math.nan

    @property
    def final_accuracy(self) -> float | None:
        """Validation accuracy of the last epoch if there was validation data, else training accuracy."""
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
) -> History:
    """Train ``model`` on (X, y) with mini-batches, and return what happened.

    ``verbose=None`` shows a progress bar only when the output is a terminal. ``seed``
    fixes the batch order (two runs with the same seed see the same batches).
    Accuracy is recorded when ``y`` holds integer class labels.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    loader = DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=seed)
    classification = np.asarray(y).dtype.kind in "iu"
    show = sys.stderr.isatty() if verbose is None else verbose
    history = History()
    started = time.perf_counter()
    step = 0
    # a diverging run is reported once, clearly, below; numpy's overflow warnings would only bury that
    with (
        np.errstate(over="ignore", invalid="ignore"),
        tqdm(total=epochs * len(loader), desc=description, disable=not show, leave=False) as bar,
    ):
        try:
            for epoch in range(1, epochs + 1):
                epoch_start = time.perf_counter()
                model.train()
                loss_sum = correct = seen = 0.0
                for X_batch, y_batch in loader:
                    output = model(X_batch)
                    loss = loss_fn(output, y_batch)
                    value = loss.item()
                    step += 1
                    if not math.isfinite(value):
                        history.stopped = (
                            f"the loss became {value} at step {step} (epoch {epoch}); this run stopped there. "
                            "A smaller learning rate usually helps."
                        )
                        return history
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    history.loss.append(value)
                    history.effective_lr.append(_summarize(optimizer))
                    loss_sum += value * len(y_batch)
                    seen += len(y_batch)
                    if classification:
                        correct += _count_correct(output.data, y_batch)
                    bar.update(1)
                    bar.set_postfix(loss=f"{value:.4f}", refresh=False)
                record = {"epoch": epoch, "train_loss": loss_sum / seen}
                if classification:
                    record["train_accuracy"] = correct / seen
                if validation_data is not None:
                    record.update(evaluate(model, loss_fn, *validation_data, prefix="val_"))
                record["seconds"] = time.perf_counter() - epoch_start
                history.epochs.append(record)
        except KeyboardInterrupt:
            history.stopped = f"interrupted at step {step} (epoch {epoch})"
        finally:
            history.seconds = time.perf_counter() - started
            model.train()
    return history


def evaluate(model, loss_fn, X, y, prefix: str = "") -> dict:
    """Loss (and accuracy, for integer labels) of ``model`` on all of (X, y), in eval mode."""
    model.eval()
    with no_grad():
        output = model(X if isinstance(X, Tensor) else Tensor(X))
        result = {prefix + "loss": loss_fn(output, y).item()}
    if np.asarray(y).dtype.kind in "iu":
        result[prefix + "accuracy"] = _count_correct(output.data, np.asarray(y)) / len(y)
    return result


def _summarize(optimizer) -> LRSummary:
    """Median and 10th/90th percentiles (nearest rank; np.percentile costs ~10x more on
    small models, at every step) of the rates of the coordinates that moved."""
    rates = optimizer.effective_lr()
    moved = np.concatenate(
        [
            (p.grad != 0).ravel() if p.grad is not None else np.zeros(p.size, dtype=bool)
            for group in optimizer.param_groups
            for p in group["params"]
        ]
    )
    ordered = np.sort(rates[moved] if moved.any() else rates)
    last = len(ordered) - 1
    return LRSummary(float(ordered[last // 2]), float(ordered[last // 10]), float(ordered[last - last // 10]))


def _count_correct(scores: np.ndarray, labels: np.ndarray) -> int:
    """Class = argmax of the scores, or, for a single score per sample, score > 0 (a logit)."""
    if scores.ndim == 2 and scores.shape[1] > 1:
        predicted = scores.argmax(axis=1)
    else:
        predicted = (scores.reshape(len(labels), -1)[:, 0] > 0).astype(labels.dtype)
    return int(np.sum(predicted == labels.reshape(-1)))

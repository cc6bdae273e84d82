"""Compare optimizers fairly: the same model, the same initial weights and the same batches
for every optimizer, so that the only difference between two runs is the update rule.
With ``tune=True`` each optimizer also gets the same tuning budget (learning rates on one
log grid rule, chosen on a validation split of the training data) and is rerun with several
seeds, summarised by medians and bootstrap confidence intervals."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import math
import os
import shutil
import signal
import stat
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import nn, optim
from .checks import check_bool, check_int, check_positive, check_range
from .rng import manual_seed
from .tensor import get_default_dtype
from .train import History, StopReason, _optimizer_lacks, fit

__all__ = [
    "compare",
    "Comparison",
    "Run",
    "Trial",
    "OPTIMIZERS",
    "lr_grid",
    "median_interval",
    "steps_to_target",
    "check_results_path",
]

# name -> (class, options): a learning rate that works on the toy problems for each
OPTIMIZERS: dict[str, tuple[type, dict]] = {
    "sgd": (optim.SGD, {"lr": 0.1}),
    "momentum": (optim.SGD, {"lr": 0.03, "momentum": 0.9}),
    "adagrad": (optim.Adagrad, {"lr": 0.05}),
    "rmsprop": (optim.RMSprop, {"lr": 3e-3}),
    "adam": (optim.Adam, {"lr": 3e-3}),
    "adamw": (optim.AdamW, {"lr": 3e-3}),
    "adadelta": (optim.Adadelta, {"lr": 1.0}),
    "rprop": (optim.Rprop, {"lr": 1e-2}),
    "nadam": (optim.NAdam, {"lr": 3e-3}),
    "radam": (optim.RAdam, {"lr": 3e-3}),
    "adamax": (optim.Adamax, {"lr": 1e-2}),
}

# a run "learned nothing" when its accuracy is no better than always answering the most common
# class (chance), or its final training loss is within 5% of its first step's (more than
# NOTHING_LOSS times it); above WENT_UP times it, the loss went up
NOTHING_LOSS = 0.95
WENT_UP = 1.05
# a tuning trial of a classifier also learned when its validation accuracy got at least this share
# of the way from chance to 100%, whatever its loss: a few confident wrong answers can keep the
# cross-entropy above its start while most answers are right (Rprop's sign steps do this)
CLEARLY_LEARNED = 0.5


@dataclass
class Run:
    optimizer: str
    options: dict
    seed: int
    history: History
    model: nn.Module  # the trained model
    optimizer_class: type | None = None  # the class of the optimizer that trained it, if known

    @property
    def stop(self) -> StopReason | None:
        """Why the run ended early (``history.stop``), or None."""
        return self.history.stop

    @property
    def diverged(self) -> bool:
        """The loss became nan or inf, which stopped the run."""
        return self.stop is not None and self.stop.kind == "diverged"

    @property
    def broken(self) -> bool:
        """The run could not train to its end: it diverged, its data held nan or inf, or
        an exception stopped it (an interrupted run is not broken)."""
        return self.stop is not None and self.stop.kind in ("diverged", "bad_data", "error")

    @property
    def interrupted(self) -> bool:
        """Ctrl-C stopped the run before its last step: it is kept, but never counted."""
        return self.stop is not None and self.stop.kind == "interrupted"

    @property
    def failed(self) -> bool:
        """Broken, or ended with a higher training loss than its first step's: with ReLU
        units a too-large step often kills them instead of overflowing, and the loss stays
        finite but high."""
        history = self.history
        return self.broken or (bool(history.loss) and history.final_loss > history.loss[0])


@dataclass
class Trial:
    """One tuning trial: ``run`` trained at learning rate ``lr`` on the training data less the
    validation split, with the first seed; ``val_loss`` is the loss on the validation split
    after the last epoch, ``inf`` for a run that broke (see ``Run.broken``), was interrupted
    or ended with a non-finite loss. ``learned`` is False when the trial learned nothing: it
    has no finite validation loss, or neither (a) its validation loss is at most
    ``NOTHING_LOSS`` = 0.95 times its first step's training loss with a validation accuracy
    above chance (always answering the most common class), nor (b) its validation accuracy
    is at least ``CLEARLY_LEARNED`` = half of the way from chance to 100% (a classifier that
    answers most samples right learned, even when confident wrong answers keep its loss high)."""

    lr: float
    val_loss: float
    run: Run
    learned: bool = True

    @property
    def diverged(self) -> bool:
        """The trial has no finite validation loss (``status`` says why): it is never chosen."""
        return not math.isfinite(self.val_loss)

    @property
    def status(self) -> str:
        """"ok"; "learned nothing" (see ``learned``); or why it has no validation loss:
        "interrupted" (Ctrl-C stopped it), "error" (an exception in a step), "bad data",
        "diverged" (its loss became, or ended, non-finite)."""
        stop = self.run.stop
        if stop is not None and stop.kind in ("interrupted", "error", "bad_data"):
            return "bad data" if stop.kind == "bad_data" else stop.kind
        if self.diverged:
            return "diverged"
        return "ok" if self.learned else "learned nothing"


@dataclass
class Comparison(Mapping):
    """The histories, by optimizer name: ``result["adam"]`` is Adam's History (its first
    seed's; ``result.runs["adam"]`` has every seed's run, with its trained model).

    With tuning, ``trials[name]`` holds the optimizer's ``Trial`` list (in grid order, smallest
    lr first), ``chosen[name]`` the lr chosen from them, and ``runs[name]`` the runs at that lr,
    one per seed. ``target_loss`` is the training loss that ``steps_to_target`` counts
    steps to; ``chance`` the majority class's share of the labels the accuracy is measured on
    (None for regression); ``accuracy_on`` says which data that is: "test" when
    ``validation_data`` was given, else "training" (None: found from the histories);
    ``settings`` records how it was run
    (epochs, batch size, seeds, budget, ...) for ``to_dict``. ``names`` lists every optimizer
    compared (the table has a row for each, even one with no finished run: Ctrl-C), ``grids``
    the learning rates each was to try (``trials`` holds those that ran).

    Ctrl-C keeps what was done: every run and trial that finished, and the one stopped in
    this process (``jobs=1``), marked ``interrupted``; runs under way in worker processes are
    lost. An interrupted run or trial is never counted in the table nor chosen, so the
    table is the same for any ``jobs`` given the same finished runs."""

    runs: dict[str, list[Run]]  # optimizer name -> one run per seed
    interrupted: bool = False
    trials: dict[str, list[Trial]] = field(default_factory=dict)
    chosen: dict[str, float] = field(default_factory=dict)
    target_loss: float | None = None
    chance: float | None = None
    accuracy_on: str | None = None
    settings: dict = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    grids: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self):
        self.names = list(self.names) or list(self.runs)
        if self.accuracy_on is None:  # as fit measures it: on the validation data if it had any
            measured = [run.history.epochs[-1] for runs in self.runs.values() for run in runs if run.history.epochs]
            self.accuracy_on = "test" if any("val_accuracy" in epoch for epoch in measured) else "training"

    def __getitem__(self, name: str) -> History:
        return self.runs[name][0].history

    def __iter__(self):
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def tuned(self) -> bool:
        """Whether the learning rates were tuned (``compare(..., tune=True)``)."""
        return bool(self.trials or self.grids)

    def learned_nothing(self, name: str) -> bool:
        """Whether no tuning trial of ``name`` learned anything (``Trial.status`` is not
        "ok" for any): its chosen lr is then only the least bad of the grid. False for an
        optimizer that was not tuned or had no lr chosen."""
        trials = self.trials.get(name, [])
        return name in self.chosen and not any(trial.status == "ok" for trial in trials)

    def at_edge(self, name: str) -> str | None:
        """"low" or "high" when the lr chosen for ``name`` is the smallest or largest of its
        grid (the best rate may then lie outside the grid, so the search was too narrow to
        tell), else None; None for an optimizer that was not tuned, and when no trial learned
        anything (``learned_nothing``: the whole grid is off, not its edge)."""
        grid = self.grids.get(name) or [trial.lr for trial in self.trials.get(name, [])]
        chosen = self.chosen.get(name)
        if len(grid) < 2 or chosen is None or self.learned_nothing(name):
            return None
        return "low" if chosen == min(grid) else "high" if chosen == max(grid) else None

    def histories(self) -> dict[str, list[History]]:
        return {name: [run.history for run in runs] for name, runs in self.runs.items()}

    def table(self) -> list[dict]:
        """One row per optimizer in ``names``. Numbers are medians over the seeds whose run
        finished (Ctrl-C did not stop it) and was not broken (see ``Run.broken``), or over
        every finished run if each one broke; ``counted`` says how many runs that is, ``seeds``
        how many seeds were asked for, ``finished`` how many runs finished: ``final_loss`` of the final
        training loss (the mean over the last epoch's batches), ``accuracy`` of the final
        accuracy (on ``accuracy_on`` data), each with ``final_loss_ci`` / ``accuracy_ci``, the
        95% bootstrap interval of that median (``median_interval``; None for one seed);
        ``steps_to_target`` is the median over the finished runs of ``steps_to_target`` (a
        missed target counting as infinitely many steps; None if that median missed it),
        ``reached`` how many of them reached it; ``seconds`` the mean wall time of a finished
        run (None if none finished).
        ``status`` is "ok", or what went wrong: "bad data", "error", "diverged", "loss went
        up" (the final training loss more than ``WENT_UP`` = 1.05 times the first step's),
        "interrupted", "learned nothing" (an accuracy no better than ``chance``, the share of
        the most common class, which always answering that class gets; or a final training
        loss more than ``NOTHING_LOSS`` = 0.95 times the first step's: within 5% of it); each
        with "(k of n seeds)" when several runs finished; "interrupted" when none finished,
        "not started" when Ctrl-C came before its first run, "interrupted while tuning" when
        Ctrl-C came before an lr was chosen."""
        rows = []
        for name in self.names:
            runs = self.runs.get(name, [])
            asked = len(self.settings["seeds"]) if "seeds" in self.settings else len(runs)
            finished = [run for run in runs if not run.interrupted]
            counted = [run for run in finished if not run.broken] or finished
            accuracies = [run.history.final_accuracy for run in counted if run.history.final_accuracy is not None]
            loss, loss_low, loss_high = median_interval([run.history.final_loss for run in counted])
            accuracy, low, high = median_interval(accuracies)
            steps = [self._steps(run) for run in finished]
            reached = [s for s in steps if s is not None]
            middle = np.median([math.inf if s is None else s for s in steps]) if steps else math.inf
            if finished:
                status = _status(finished, self.chance)
            elif self.tuned and name not in self.chosen:
                status = "interrupted while tuning"
            else:
                status = "interrupted" if runs else "not started"  # Ctrl-C came before its first run
            rows.append(
                {
                    "optimizer": name,
                    # an optimizer with no run (Ctrl-C came first) still has its lr, unless tuning was to choose it
                    "lr": runs[0].options.get("lr") if runs else
                    self.chosen.get(name, None if self.tuned else self.settings.get("lr", {}).get(name)),
                    "final_loss": None if math.isnan(loss) else loss,
                    "final_loss_ci": None if loss_low is None else (loss_low, loss_high),
                    "accuracy": None if math.isnan(accuracy) else accuracy,
                    "accuracy_ci": None if low is None else (low, high),
                    "steps_to_target": float(middle) if math.isfinite(middle) else None,
                    "reached": len(reached),
                    "seeds": asked,
                    "finished": len(finished),
                    "counted": len(counted),
                    "seconds": float(np.mean([run.history.seconds for run in finished])) if finished else None,
                    "status": status,
                }
            )
        return rows

    def _steps(self, run: Run) -> int | None:
        if self.target_loss is None:
            return None
        return steps_to_target(run.history.loss, self.target_loss, self.settings.get("window", 1))

    def format_table(self) -> str:
        """The table as text, each column named: the lr (the chosen one, when tuned), the final
        training loss, the final accuracy (on the test data, or training data), with
        ``median [lo, hi]`` over several seeds, steps to the target loss (when tuned), the
        seeds counted (with several seeds, or when fewer runs than seeds were counted), time
        and status; a legend below says what the numbers are."""
        rows = self.table()
        several = any(row["seeds"] > 1 for row in rows)
        short = any(row["counted"] < row["seeds"] for row in rows)
        width = max([10, *(len(row["optimizer"]) for row in rows)])  # a learner's class name may be longer

        def spread(value, interval, show):
            if value is None or not math.isfinite(value):
                return "-"
            if not several:
                return show([value])[0]
            if interval is None:
                return show([value])[0] + " [-]"
            middle, low, high = show([value, *interval])
            return f"{middle} [{low}, {high}]"

        def mark(name):
            return "!" if self.learned_nothing(name) else "*" if self.at_edge(name) else ""

        columns = {  # title -> one cell per row
            "chosen lr" if self.tuned else "lr": [
                ("-" if row["lr"] is None else f"{row['lr']:.3g}") + mark(row["optimizer"]) for row in rows
            ],
            "training loss": [spread(row["final_loss"], row["final_loss_ci"], _shorts) for row in rows],
            f"{self.accuracy_on} accuracy": [
                spread(row["accuracy"], row["accuracy_ci"], lambda values: [f"{a:.1%}" for a in values])
                for row in rows
            ],
        }
        if self.tuned:
            columns["steps to target"] = [_steps_cell(row) for row in rows]
        if several or short:
            columns["seeds"] = [
                f"{row['counted']}" if row["counted"] == row["seeds"] else f"{row['counted']} of {row['seeds']}"
                for row in rows
            ]
        columns["time (s)"] = ["-" if row["seconds"] is None else f"{row['seconds']:.2f}" for row in rows]
        widths = {title: max(len(title), 8, *(len(cell) for cell in cells)) for title, cells in columns.items()}
        header = "  ".join([f"{'optimizer':<{width}}", *(f"{t:>{w}}" for t, w in widths.items())]) + "  status"
        lines = [header, "-" * len(header)]
        for i, row in enumerate(rows):
            cells = [f"{cells[i]:>{widths[title]}}" for title, cells in columns.items()]
            lines.append("  ".join([f"{row['optimizer']:<{width}}", *cells]) + f"  {row['status']}")
        return "\n".join(lines + self._legend(rows, several, several or short))

    def _legend(self, rows, several: bool, seeds_column: bool) -> list[str]:
        settings = self.settings
        asked = max((row["seeds"] for row in rows), default=1)
        on = "the held-out test data" if self.accuracy_on == "test" else "the training data"
        lines = [
            f"training loss: mean over the last epoch's batches; accuracy: after the last epoch, on {on}; "
            "time: mean wall time of one run"
        ]
        if several:
            lines.append(
                "median [lo, hi] over the seeds counted: [lo, hi] is a 95% bootstrap interval of the median, "
                f"rough with {asked} seeds ([-]: one value, no interval)"
            )
        if seeds_column and all(row["counted"] == row["seeds"] for row in rows):
            lines.append(f"seeds: the runs the numbers are over, all {asked} asked for")
        elif seeds_column:
            lines.append(
                f"seeds: the runs the numbers are over, of the {_plural(asked, 'seed')} asked for; a run that broke "
                "(status) counts only if every one did, a run stopped by Ctrl-C never"
            )
        budget, first = settings.get("budget"), settings.get("seeds", [0])[0]
        if self.tuned and self.chosen:
            split = (
                f"trained on the training data less a validation split of {settings.get('validation_size')} "
                f"samples (seed {first})"
            )
            if any(self.runs.values()):  # none after a Ctrl-C while tuning
                split += "; the runs above then trained on all the training data"
            if budget == 1:
                lines.append(f"chosen lr: the only one tried (a budget of 1 learning rate: no tuning), {split}")
            else:
                lines.append(
                    f"chosen lr: the lowest validation loss among {_plural(budget, 'learning rate')} per optimizer "
                    f"(of the trials that learned something), {split}"
                )
        if self.tuned and len(self.chosen) < len(self.names):  # Ctrl-C came while tuning
            done = sum(trial.status != "interrupted" for trials in self.trials.values() for trial in trials)
            total = sum(len(grid) for grid in self.grids.values()) or done
            chosen = (f"an lr was chosen for {', '.join(self.chosen)}, whose trials had all finished, but"
                      if self.chosen else "no lr was chosen, so")  # fmt: skip
            lines.append(
                f"interrupted while tuning (Ctrl-C): {done} of {total} trials had finished; {chosen} "
                "no run trained on all the training data"
            )
        elif self.interrupted:
            lines.append("interrupted (Ctrl-C): the numbers count only the runs that had finished")
        for name in self.chosen:
            edge = self.at_edge(name)
            if self.learned_nothing(name):
                grid = self.grids.get(name) or [trial.lr for trial in self.trials[name]]
                measured = _nothing_learned(self.trials[name], settings.get("validation_chance"))
                lines.append(
                    f"!{name}: no trial learned anything on the validation split: {measured}; so "
                    f"{self.chosen[name]:.3g} is only the least bad of {min(grid):.3g} .. {max(grid):.3g}, "
                    "not a working rate"
                )
            elif edge:
                side, beyond = ("smallest", "smaller") if edge == "low" else ("largest", "larger")
                command = f", or --lr {name}={self.chosen[name]:.3g} on the command line" if name.isidentifier() else ""
                lines.append(
                    f"*{name}: the chosen lr is the {side} of its grid, so a {beyond} one may do better; "
                    f"centre the grid there (lr={{{name!r}: {self.chosen[name]:.3g}}}{command}) and tune again"
                )
        if self.tuned and self.target_loss is not None:
            window = _plural(settings.get("window"), "step")
            lines.append(
                f"steps to target: first step at which the mean loss of the last {window} "
                f"(one epoch) is <= {self.target_loss:.4g} ("
                + ("median over the finished runs; (k of n reached): only k of the n reached it; " if several else "")
                + "missed: not reached)"
            )
        return lines

    def to_dict(self, dataset: str | None = None) -> dict:
        """Everything the table shows, and the tuning trials, as plain JSON types (a nan or
        infinite number is None): ``{"dataset", "budget", "seeds", "optimizers": {name:
        {"trials": [{"lr", "val_loss", "diverged"}], "grid", "chosen": {"lr", "at_edge"}, "runs":
        [{"seed", "train_loss", "test_accuracy", "steps_to_target", "status"}],
        "test_accuracy": {"median", "ci95": [lo, hi]}, "train_loss": {"median", "ci95"},
        "steps_to_target": {"median", "reached", "of"}, "status"}}}`` and ``target_loss``,
        ``epochs``, ``batch_size``, ``validation_fraction``, ``grid_rule``, ``accuracy_on``,
        ``interrupted``, ``minigrad_version``. Without tuning, ``budget`` is None, ``trials``
        empty and ``chosen`` the lr used. ``ci95`` is None with one seed. The accuracy is on
        ``accuracy_on`` data (its key keeps the name ``test_accuracy``). Each trial also has
        its ``status`` (``Trial.status``: "ok", "learned nothing", "diverged", "error", "bad
        data", "interrupted"; ``diverged`` is true only for "diverged") and, for "error", the
        ``error`` message; ``grid`` is every lr the optimizer was to try, ``chosen.learned``
        false when no trial learned anything (``learned_nothing``; ``chosen.lr`` and
        ``chosen.learned`` are None when Ctrl-C came before the choice); each run says whether it was ``counted`` in the
        medians (an interrupted one never is) and ``seeds_counted`` how many were."""
        from . import __version__

        rows = {row["optimizer"]: row for row in self.table()}
        settings = self.settings
        optimizers = {}
        for name in self.names:
            runs, row = self.runs.get(name, []), rows[name]
            finished = [run for run in runs if not run.interrupted]
            counted = [run for run in finished if not run.broken] or finished
            optimizers[name] = {
                "trials": [_trial_dict(trial) for trial in self.trials.get(name, [])],
                "grid": self.grids.get(name) or [trial.lr for trial in self.trials.get(name, [])],
                "chosen": {
                    "lr": self.chosen.get(name, None if self.tuned else row["lr"]),
                    "at_edge": self.at_edge(name),
                    # whether a tuning trial learned something: nothing to say without trials
                    "learned": None if name not in self.chosen else not self.learned_nothing(name),
                },
                "runs": [
                    {
                        "seed": run.seed,
                        "train_loss": _finite(run.history.final_loss),
                        "test_accuracy": _finite(run.history.final_accuracy),
                        "steps_to_target": None if run.interrupted else self._steps(run),
                        "status": "interrupted" if run.interrupted else _status([run], self.chance),
                        "counted": any(run is other for other in counted),
                    }
                    for run in runs
                ],
                "seeds_counted": row["counted"],
                "test_accuracy": {"median": _finite(row["accuracy"]), "ci95": _pair(row["accuracy_ci"])},
                "train_loss": {"median": _finite(row["final_loss"]), "ci95": _pair(row["final_loss_ci"])},
                "steps_to_target": {"median": row["steps_to_target"], "reached": row["reached"], "of": row["finished"]},
                "status": row["status"],
            }
        return {
            "dataset": dataset,
            "budget": settings.get("budget"),
            "seeds": settings.get("seeds"),
            "optimizers": optimizers,
            "target_loss": _finite(self.target_loss),
            "epochs": settings.get("epochs"),
            "batch_size": settings.get("batch_size"),
            "validation_fraction": settings.get("validation_fraction"),
            "grid_rule": GRID_RULE if self.tuned else None,
            "accuracy_on": self.accuracy_on,
            "interrupted": self.interrupted,
            "minigrad_version": __version__,
        }

    def save_json(self, path, dataset: str | None = None) -> Path:
        """Write ``to_dict(dataset)`` as JSON to ``path`` in one step (a temporary file in the
        same folder, renamed over it: never half a file, and no temporary file left behind if
        writing fails), with the permissions ``open(path, "w")`` would leave: an existing
        file's, else those the umask allows. Returns the path. ``OSError`` if it cannot be
        written; ``check_results_path`` checks a path before any training."""
        path = Path(path)
        text = json.dumps(self.to_dict(dataset), indent=2, allow_nan=False) + "\n"
        if path.is_file():
            mode = stat.S_IMODE(path.stat().st_mode)
        else:
            umask = os.umask(0)  # reading the umask means setting it; put it straight back
            os.umask(umask)
            mode = 0o666 & ~umask
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        try:
            os.fchmod(handle, mode)  # mkstemp makes it private, 0600
            with os.fdopen(handle, "w") as file:
                file.write(text)
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        return path


def _steps_cell(row: dict) -> str:
    if not row["finished"]:
        return "-"
    steps = "missed" if row["steps_to_target"] is None else f"{row['steps_to_target']:g}"
    if row["reached"] not in (0, row["finished"]):
        steps += f" ({row['reached']} of {row['finished']} reached)"
    return steps


def _trial_dict(trial: Trial) -> dict:
    entry = {"lr": trial.lr, "val_loss": _finite(trial.val_loss), "diverged": trial.status == "diverged",
             "status": trial.status}  # fmt: skip
    if trial.status == "error":
        entry["error"] = trial.run.history.stopped
    return entry


def _plural(count, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _finite(value):
    """A number for JSON: None for None, nan or infinity (JSON has neither)."""
    return None if value is None or not math.isfinite(value) else float(value)


def _pair(interval):
    return None if interval is None else [_finite(interval[0]), _finite(interval[1])]


def check_results_path(path) -> Path:
    """The absolute path a JSON file of results will be written to, checked before any
    training: not a folder, not a special file, in a folder that exists and can be written.
    ``TypeError`` for a path that is not a str or os.PathLike, ``ValueError`` with the reason
    otherwise."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"results must be a file path (str or pathlib.Path), got {path!r}")
    text = os.fspath(path)
    if not str(text).strip():
        raise ValueError("results must name a file, e.g. results.json")
    target = Path(text).expanduser()
    if str(text).endswith(("/", os.sep)) or target.is_dir():
        raise ValueError(f"{text} is a folder; give a file name in it, e.g. {target / 'results.json'}")
    if target.exists() and not target.is_file():
        raise ValueError(f"{target} exists and is not a regular file; give a file name, e.g. results.json")
    target = target.resolve()
    folder = target.parent
    if not folder.is_dir():
        raise ValueError(f"the folder {folder} does not exist; create it first, or choose another place")
    try:  # the only sure test of writing is to write
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".minigrad-", suffix=".tmp")
        os.close(handle)
        os.unlink(probe)
        if target.exists():
            open(target, "ab").close()
    except OSError as error:
        where = target if target.exists() else f"the folder {folder}"
        raise ValueError(f"cannot write to {where} ({error.strerror or error}); choose another place") from None
    return target


GRID_RULE = "lr_i = center * 10 ** ((i - budget // 2) / 2), i = 0 .. budget - 1"


def lr_grid(center: float, budget: int) -> list[float]:
    """The learning rates ``compare(..., tune=True)`` tries for one optimizer: ``budget``
    rates half a decade apart (each about 3.16x the one before), ``center * 10 ** ((i -
    budget // 2) / 2)`` for ``i = 0 .. budget - 1``, smallest first. ``center`` (the
    optimizer's default lr, or the ``lr`` given for it) is itself the rate at position
    ``budget // 2``, so the default is always tried; budget 6 spans ``center / 31.6`` to
    ``center * 10``: rates too small to learn and, for most, some large enough to diverge.
    ``ValueError`` unless ``center`` > 0 and ``budget`` >= 1."""
    center = check_positive("center", center)
    budget = check_int("budget", budget, 1)
    return [center * 10 ** ((i - budget // 2) / 2) if i != budget // 2 else center for i in range(budget)]


def median_interval(values, confidence: float = 0.95) -> tuple[float, float | None, float | None]:
    """``(median, low, high)`` of the finite numbers in ``values`` (None, nan and inf are
    left out), with ``[low, high]`` the percentile bootstrap interval of the median at
    ``confidence``, from ``scipy.stats.bootstrap(method="percentile")`` with 9,999 resamples
    and a fixed generator (``np.random.default_rng(0)``), so the same values always give the
    same interval. One value: ``(value, None, None)`` (no interval); all values equal: that
    value three times; no finite value: ``(nan, None, None)``. With few values (say 5 seeds)
    the interval is rough: it can only end at values that were seen."""
    finite = np.array([float(v) for v in values if v is not None and math.isfinite(v)], dtype=np.float64)
    if len(finite) == 0:
        return math.nan, None, None
    median = float(np.median(finite))
    if len(finite) == 1:
        return median, None, None
    if np.all(finite == finite[0]):
        return median, median, median
    from scipy.stats import bootstrap

    result = bootstrap(
        (finite,),
        np.median,
        confidence_level=confidence,
        n_resamples=9999,
        method="percentile",
        rng=np.random.default_rng(0),
    )
    interval = result.confidence_interval
    return median, float(interval.low), float(interval.high)


def steps_to_target(losses, target: float, window: int = 1) -> int | None:
    """The first step (counting from 1) at which the mean of the last ``window`` step losses
    is at most ``target``, or None if it never is. ``compare`` uses one epoch's steps as the
    window, so one lucky batch does not count; the first ``window - 1`` steps, with fewer
    losses to average, are not counted."""
    losses = np.asarray(losses, dtype=np.float64)
    window = check_int("window", window, 1)
    if len(losses) < window:
        return None
    # each window's own mean: a running sum's differences lose every digit after a 1e20 loss
    with np.errstate(over="ignore", invalid="ignore"):  # a window holding inf or 1e308s has no finite mean
        means = np.lib.stride_tricks.sliding_window_view(losses, window).mean(axis=1)
    hits = np.flatnonzero(means <= target)
    return int(hits[0]) + window if hits.size else None


def _short(number: float) -> str:
    """A loss for the table: 4 decimals, or 4 significant digits in exponent form when that
    would be too wide or show nothing (at most 11 characters, the column's width)."""
    return f"{number:.4f}" if _fixed(number) else f"{number:.4g}"


def _shorts(numbers) -> list[str]:
    """Losses for one cell (a median and its interval) in one format: ``_short``'s 4 decimals
    if every one fits them, else 4 significant digits for all."""
    if all(_fixed(number) for number in numbers):
        return [_short(number) for number in numbers]
    return [f"{number:.4g}" for number in numbers]


def _fixed(number: float) -> bool:
    return number == 0 or 1e-3 <= abs(number) < 1e5


def _learned_nothing(run: Run, chance: float | None) -> bool:
    history = run.history
    if not history.loss:
        return False
    accuracy = history.final_accuracy
    if chance is not None and accuracy is not None and math.isfinite(accuracy):
        if accuracy <= chance:
            return True
    return history.final_loss > NOTHING_LOSS * history.loss[0]


def _status(runs: list[Run], chance: float | None = None) -> str:
    """The worst thing that happened to any seed's run, decided from the stop records."""

    def of_seeds(bad):
        return f" ({len(bad)} of {len(runs)} seeds)" if len(runs) > 1 else ""

    kinds = [run.stop.kind if run.stop is not None else None for run in runs]
    for kind, label in (("bad_data", "bad data"), ("error", "error"), ("diverged", "diverged")):
        bad = [run for run, k in zip(runs, kinds, strict=True) if k == kind]
        if bad:
            return label + of_seeds(bad)
    went_up = [run for run in runs if run.history.loss and run.history.final_loss > WENT_UP * run.history.loss[0]]
    if went_up:
        return "loss went up" + of_seeds(went_up)
    if "interrupted" in kinds:
        return "interrupted"
    nothing = [run for run in runs if _learned_nothing(run, chance)]
    if nothing:
        return "learned nothing" + of_seeds(nothing)
    return "ok"


def _chance(y) -> float | None:
    """The share of the most common class among integer labels ``y`` (None for float targets)."""
    labels = np.asarray(getattr(y, "data", y))
    if labels.dtype.kind not in "iu" or labels.size == 0:
        return None
    return float(np.bincount(labels.reshape(-1) - labels.min()).max() / labels.size)


@dataclass
class _Job:
    """One training run of a comparison, everything it needs to run on its own, in this
    process or another: it seeds itself and builds its model and optimizer."""

    name: str
    entry: object
    lr: dict
    options: dict
    seed: int
    model: object
    X: object
    y: object
    validation: tuple | None
    loss_fn: object
    epochs: int
    batch_size: int
    drop_last: bool
    description: str
    dtype: np.dtype  # the default dtype where compare was called, for a model built in another process


@contextlib.contextmanager
def _quiet_stops():
    """fit without its "fit stopped early" warning, for callers that report how each run ended."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "fit stopped early", RuntimeWarning)
        yield


def _train(job: _Job, verbose) -> Run:
    manual_seed(job.seed)
    network = copy.deepcopy(job.model) if isinstance(job.model, nn.Module) else job.model()
    optimizer, settings = _build_optimizer(job.name, job.entry, network.parameters(), job.lr, job.options)
    manual_seed(job.seed)  # dropout masks, if any, are the same for every optimizer
    with _quiet_stops():  # a run that stops early says so in compare's table
        history = fit(
            network,
            optimizer,
            job.loss_fn,
            job.X,
            job.y,
            epochs=job.epochs,
            batch_size=job.batch_size,
            seed=job.seed,
            validation_data=job.validation,
            verbose=verbose,
            description=job.description,
            drop_last=job.drop_last,
        )
    return Run(job.name, settings, job.seed, history, network, type(optimizer))


def _train_indexed(index: int, job: _Job, stop: _Stop | None = None) -> tuple[int, Run | None]:
    """Run ``job`` in a worker; with ``stop``, a worker process leaves Ctrl-C to the main
    process, and stops its run between two steps (or skips it: None) once the main process
    asks it to."""
    from . import train
    from .tensor import set_default_dtype

    if stop is not None and os.getpid() != stop.parent:
        # a terminal's Ctrl-C reaches every process of the job: this one must go on until asked
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if stop.requested():
            return index, None
        train.stop_requested = stop.requested
    set_default_dtype(job.dtype)  # a worker process starts with minigrad's own default
    try:
        return index, _train(job, False)
    finally:
        train.stop_requested = None


@dataclass(frozen=True)
class _Stop:
    """How the main process asks its workers to stop: by creating the file ``path`` (in a
    folder of its own, removed afterwards), which works for any number of workers on this
    machine without signals. ``parent``: the main process's id."""

    path: str
    parent: int

    def requested(self) -> bool:
        return os.path.exists(self.path)


class _CtrlCStopsWorkers:
    """For the parallel runs of one ``_execute`` call on this machine: the first Ctrl-C asks
    every worker to stop (``stop``), so the runs under way end after their step and keep
    what they learned, and those not started are skipped; a second Ctrl-C goes to the
    previous handler (Python's raises KeyboardInterrupt, and joblib then ends the workers).
    Only in the main thread, over a Python-level handler; otherwise ``stop`` is None and
    Ctrl-C works as before."""

    def __init__(self):
        self.stop, self.asked, self._previous, self._folder = None, False, None, None

    def __enter__(self):
        import threading

        previous = signal.getsignal(signal.SIGINT)
        if threading.current_thread() is threading.main_thread() and callable(previous):
            self._folder = tempfile.mkdtemp(prefix="minigrad-stop-")
            self.stop = _Stop(os.path.join(self._folder, "stop"), os.getpid())
            self._previous = previous
            signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.asked:
            self._previous(signum, frame)
            return
        self.asked = True
        Path(self.stop.path).touch()

    def __exit__(self, *exc_info):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        return False


def _execute(jobs: list[_Job], n_jobs, verbose, bar) -> tuple[list[Run | None], bool]:
    """Run ``jobs``; returns one Run per job (None for one that did not finish) and whether
    Ctrl-C stopped them. ``n_jobs`` 1 runs them here, one after the other, each with its
    own progress bar; otherwise ``joblib.Parallel(n_jobs)`` (None: the active joblib
    configuration's) in any order, with ``bar`` counting finished runs."""
    results: list[Run | None] = [None] * len(jobs)
    interrupted = False
    n_jobs = _workers(n_jobs, len(jobs))
    try:
        if n_jobs == 1:
            for index, job in enumerate(jobs):
                results[index] = run = _train(job, verbose)
                bar.update(1)
                if run.stop is not None and run.stop.kind == "interrupted":
                    return results, True
        else:
            import joblib

            parallel = joblib.Parallel(n_jobs=n_jobs, return_as="generator_unordered")
            # a configured backend (n_jobs None: dask, perhaps on other machines) cannot see the stop file
            with _CtrlCStopsWorkers() if n_jobs is not None else contextlib.nullcontext() as ctrl_c:
                stop = None if ctrl_c is None else ctrl_c.stop
                tasks = (joblib.delayed(_train_indexed)(i, job, stop) for i, job in enumerate(jobs))
                try:
                    for index, run in parallel(tasks):
                        if run is None:  # skipped after a Ctrl-C
                            continue
                        results[index] = run
                        bar.update(1)
                        interrupted = interrupted or (run.stop is not None and run.stop.kind == "interrupted")
                except Exception:
                    # a terminal's Ctrl-C also reaches a worker still starting, before it ignores Ctrl-C, and
                    # joblib then reports a broken pool: that is the Ctrl-C, and the finished runs are kept
                    if ctrl_c is None or not ctrl_c.asked:
                        raise
                interrupted = interrupted or (ctrl_c is not None and ctrl_c.asked)
    except KeyboardInterrupt:  # between two runs (fit itself records one during a run), or a second Ctrl-C
        interrupted = True
    return results, interrupted


def _workers(n_jobs, tasks: int):
    """``n_jobs`` capped at ``tasks`` (-1: at the cores; None is left to the joblib
    configuration): a worker process with no run to do only costs its start-up."""
    if n_jobs is None:
        return None
    if n_jobs == -1:
        from joblib import cpu_count

        n_jobs = cpu_count()
    return max(1, min(n_jobs, tasks))


def _n_jobs(jobs):
    """The n_jobs for joblib: ``jobs`` if given (-1: every core); None (unset) when a joblib
    configuration (``joblib.parallel_config``) is active, so that it decides; else 1."""
    if jobs is None:
        import joblib.parallel

        backend, n_jobs = joblib.parallel.get_active_backend()
        default = joblib.parallel.BACKENDS[joblib.parallel.DEFAULT_BACKEND]
        configured = n_jobs is not None or type(backend) is not default
        return None if configured else 1
    if check_int("jobs", jobs) == -1:
        return -1
    return check_int("jobs", jobs, 1)


def compare(
    model: nn.Module | Callable[[], nn.Module],
    X,
    y,
    optimizers: Iterable | Mapping = ("sgd", "adagrad", "rmsprop", "adam"),
    lr: Mapping[str, float] | None = None,
    options: Mapping[str, dict] | None = None,
    loss_fn=None,
    epochs: int = 30,
    batch_size: int = 32,
    seeds: Iterable[int] = (0,),
    validation_data: tuple | None = None,
    verbose: bool | None = None,
    drop_last: bool = False,
    tune: bool = False,
    budget: int = 6,
    jobs: int | None = None,
    target_loss: float | None = None,
    validation_fraction: float = 0.2,
    results=None,
) -> Comparison:
    """Train one copy of the model per optimizer (and per seed) and collect the histories.

    ``model`` is a Module, copied so every optimizer starts from its exact weights, or a
    function that builds one, called after ``mg.manual_seed(seed)`` for each seed. Each
    seed also fixes the batch order, shared by all optimizers. ``seeds`` is a list of seeds
    such as ``[0, 1, 2]`` or ``range(3)`` (a bare int is refused: it could mean one seed or
    that many). ``epochs``, ``batch_size``, ``validation_data``, ``verbose`` and
    ``drop_last`` go to ``fit``.

    ``optimizers`` is a list whose entries are any of:

    - a name from ``OPTIMIZERS`` (``"adam"``); one name alone means ``["adam"]``;
    - an ``optim.Optimizer`` subclass, your own included (``class MyOptimizer(optim.Optimizer)``
      with ``defaults``, ``init_state``, ``update`` and ``effective_lr_of``, as the optimizer
      base documents), called as ``MyOptimizer(model.parameters())``;
    - a factory: any callable that takes the parameters and returns an optimizer, such as
      ``lambda params: optim.SGD(params, lr=0.1, momentum=0.9)`` or
      ``functools.partial(optim.Adam, lr=3e-3)``.

    Each entry has a name, used for the table, ``result[name]``, ``lr``, ``options`` and the
    figure: a name is itself; a class or function is its ``__name__`` as written
    (``"MyOptimizer"``, not lower-cased; a ``functools.partial`` takes its function's); a
    lambda, or a callable without a ``__name__``, is ``"optimizer <i>"`` with i its position
    from 1. To choose the names, pass a dict ``{name: entry}`` instead of a list, e.g.
    ``{"mine": MyOptimizer, "heavy ball": lambda params: optim.SGD(params, lr=0.03, momentum=0.9)}``.
    Two entries with the same name are refused (``ValueError``): name them with a dict.

    ``lr`` and ``options`` are dicts by optimizer name (``lr={"adam": 0.01}``; anything else
    raises ``TypeError``). For a name from ``OPTIMIZERS`` they
    override its defaults there. For a class or a factory they are passed as keyword
    arguments, ``entry(params, lr=..., **options)``; with neither, it is called as
    ``entry(params)``, so a class's own ``defaults`` and a factory's settings apply. Each
    optimizer is built before any training: an entry that is not a name, class or callable
    raises ``TypeError``; so does a built object without ``zero_grad()``, ``step()``,
    ``effective_lr()`` and ``param_groups``, and a ``TypeError``/``ValueError`` raised while
    building comes back with the entry's name added. The table's lr is the first parameter
    group's ``lr`` (none shown if it has none).

    **Tuning** (``tune=True``): every optimizer gets the same budget, ``budget`` trials at the
    learning rates ``lr_grid(center, budget)`` (half a decade apart, the center among them),
    where ``center`` is ``lr[name]`` if given, else the optimizer's default: its lr in
    ``OPTIMIZERS``, or for a class or factory its first parameter group's lr when built
    without one (such an entry must accept ``lr=`` as a keyword; one without an lr is
    refused, ``ValueError``). The trials train on the training data less a validation split
    of ``validation_fraction`` of it (``data.train_test_split`` with the first seed: the
    same split for every optimizer), with the first seed, for ``epochs`` epochs; the chosen
    lr is the one with the lowest validation loss after the last epoch (a trial that broke
    or whose validation loss is not finite counts as infinite and is never chosen; of equal
    losses the smaller lr; if every trial broke, the smallest lr). ``validation_data``, the
    test set, is never used to choose. Then the chosen lr is rerun with every seed in
    ``seeds`` on all of ``X, y``, evaluated on ``validation_data``: those runs are
    ``result.runs``, the trials ``result.trials``, the choice ``result.chosen``.

    ``target_loss`` is the training loss whose first crossing the table reports (steps to
    target, see ``steps_to_target``; with one epoch's steps as the smoothing window); None
    means a tenth of the first step's training loss with the first seed (the initial
    weights on the first batch, the same for every optimizer). The table (``format_table``)
    shows medians over the seeds with a 95% bootstrap interval of the median
    (``median_interval``, from scipy).

    **Parallel runs**: ``jobs`` runs that many trainings at once in worker processes (joblib's
    default, loky; -1: one per core). Each run seeds itself and builds its own model and
    optimizer, so the results are the same, bit for bit, for any ``jobs``; no more processes
    than runs are started (more than cores is slower, not faster). ``jobs=None``
    (the default) means 1 (everything in this process), unless a joblib configuration is
    active, e.g. ``with joblib.parallel_config(backend="dask"):`` with a
    ``dask.distributed.Client`` open (``python -m pip install ".[distributed]"`` from a
    clone): then the runs go to that backend, with its ``n_jobs``. The model function, the
    loss and the optimizer entries must then be picklable by cloudpickle (lambdas and local functions are; a class
    from a module the workers cannot import needs
    ``cloudpickle.register_pickle_by_value(module)``, which the ``minigrad`` command does for
    modules it loads). With ``jobs`` > 1 and ``verbose``, one progress bar counts finished runs.

    ``results``, a file path, writes ``Comparison.to_dict()`` there as JSON
    (``Comparison.save_json``); the path is checked before any training (``ValueError``: a
    folder, a folder that does not exist or cannot be written).

    A run that stops early (its loss became non-finite, its data holds nan or inf, an
    exception in a step) keeps its history, ``Run.stop`` says why, and the other runs go
    on. Ctrl-C stops the whole comparison: the runs finished so far are returned, with
    ``Comparison.interrupted`` set; the run under way here (``jobs=1``) is kept, marked
    interrupted and never counted, those under way in worker processes are lost (see
    ``Comparison``). Wrong arguments raise ``TypeError``/``ValueError`` before any training
    (among them: repeated ``seeds``, ``target_loss`` without ``tune``, a
    ``validation_fraction`` that leaves the trials no training sample), and so does an
    exception in a run's first step (the model, the
    loss and the data do not fit together, for every optimizer alike; or a new
    optimizer's ``update`` fails, which the traceback shows).
    """
    entries = _optimizer_entries(optimizers)
    names = list(entries)
    lr, options = _by_name("lr", lr, names), _by_name("options", options, names)
    check_int("epochs", epochs, 1)
    check_int("batch_size", batch_size, 1)
    check_bool("drop_last", drop_last)
    check_bool("tune", tune)
    budget = check_int("budget", budget, 1)
    n_jobs = _n_jobs(jobs)
    if target_loss is not None:
        target_loss = check_positive("target_loss", target_loss)
        if not tune:
            raise ValueError(
                "target_loss only applies with tune=True (the steps to reach it are a column of the tuned table); "
                "leave it out, or tune"
            )
    validation_fraction = check_range("validation_fraction", validation_fraction, 0, 1, low_open=True, high_open=True)
    if tune:  # as train_test_split rounds it: up, and each side needs a sample
        n, held = len(y), math.ceil(validation_fraction * len(y))
        if held >= n:
            raise ValueError(
                f"validation_fraction = {validation_fraction} of {n} training samples leaves {held} for validation "
                f"and {n - held} to train the trials on; give a smaller fraction, such as the default 0.2"
            )
    seeds = _seed_list(seeds)
    path = None if results is None else check_results_path(results)
    if loss_fn is None:
        loss_fn = nn.CrossEntropyLoss() if np.asarray(getattr(y, "data", y)).dtype.kind in "iu" else nn.MSELoss()

    # every optimizer is built before the first run, so a bad entry is refused before any training
    manual_seed(seeds[0])
    probe = copy.deepcopy(model) if isinstance(model, nn.Module) else model()
    centers, lrs = {}, {}  # lrs: each optimizer's lr (untuned), for the table even if it never ran
    for name, entry in entries.items():
        _, settings = _build_optimizer(name, entry, copy.deepcopy(probe).parameters(), lr, options)
        lrs[name] = settings.get("lr")
        if tune:
            center = settings.get("lr")
            if not isinstance(center, (int, float)) or isinstance(center, bool) or not center > 0:
                raise ValueError(
                    f"cannot tune optimizer {name!r}: it has no positive lr to center the grid on (got {center!r}); "
                    f"give one with lr={{{name!r}: ...}}, or leave it out of a tuned comparison"
                )
            centers[name] = float(center)
            _build_optimizer(name, entry, copy.deepcopy(probe).parameters(), {name: centers[name]}, options)

    def job(name, seed, rates, X, y, validation, description):
        return _Job(name, entries[name], rates, options, seed, model, X, y, validation, loss_fn, epochs, batch_size,
                    drop_last, description, get_default_dtype())  # fmt: skip

    from tqdm import tqdm

    from .data import train_test_split

    on = "test" if validation_data is not None else "training"
    comparison = Comparison({name: [] for name in names}, accuracy_on=on, names=names, settings={
        "epochs": epochs, "batch_size": batch_size, "seeds": seeds, "budget": budget if tune else None,
        "validation_fraction": validation_fraction if tune else None, "lr": lrs,
    })  # fmt: skip
    evaluated = validation_data[1] if validation_data is not None else y
    comparison.chance = _chance(evaluated)
    finals = len(seeds) * len(names)
    window = (len(y) // batch_size) if drop_last else -(-len(y) // batch_size)  # steps per epoch
    comparison.settings["window"] = max(window, 1)
    show = verbose if verbose is not None else sys.stderr.isatty()
    total = finals + (budget * len(names) if tune else 0)
    with tqdm(total=total, desc="runs", disable=not show or n_jobs == 1, leave=False) as bar:
        rates = {name: lr for name in names}
        if tune:
            X_fit, X_val, y_fit, y_val = train_test_split(X, y, test_size=validation_fraction, seed=seeds[0])
            comparison.settings["validation_size"] = len(y_val)
            grids = comparison.grids = {name: lr_grid(centers[name], budget) for name in names}
            validation_chance = comparison.settings["validation_chance"] = _chance(y_val)
            trial_jobs = [
                job(name, seeds[0], {name: rate}, X_fit, y_fit, (X_val, y_val), f"{name} lr {rate:.3g} (trial)")
                for name in names
                for rate in grids[name]
            ]
            done, comparison.interrupted = _execute(trial_jobs, n_jobs, verbose, bar)
            for trial_job, run in zip(trial_jobs, done, strict=True):
                if run is not None:
                    rate = trial_job.lr[trial_job.name]
                    score = _val_loss(run)
                    learned = _trial_learned(run, score, validation_chance)
                    comparison.trials.setdefault(trial_job.name, []).append(Trial(rate, score, run, learned))
            # each optimizer whose whole grid finished (all of them, without a Ctrl-C) gets its choice
            comparison.chosen = {
                name: _choose(comparison.trials[name]) for name in names
                if sum(t.status != "interrupted" for t in comparison.trials.get(name, [])) == len(grids[name])
            }  # fmt: skip
            if comparison.interrupted:
                comparison.runs = {}
                return _finish(comparison, path)
            rates = {name: {name: comparison.chosen[name]} for name in names}
        final_jobs = [
            job(name, seed, rates[name], X, y, validation_data, name if len(seeds) == 1 else f"{name} (seed {seed})")
            for seed in seeds
            for name in names
        ]
        done, interrupted = _execute(final_jobs, n_jobs, verbose, bar)
    comparison.interrupted = comparison.interrupted or interrupted
    for run in done:
        if run is not None:
            comparison.runs[run.optimizer].append(run)
    if comparison.interrupted:
        comparison.runs = {k: v for k, v in comparison.runs.items() if v}
    if target_loss is None:
        first = [run.history.loss[0] for run in done if run is not None and run.seed == seeds[0] and run.history.loss]
        target_loss = 0.1 * first[0] if first and math.isfinite(first[0]) else None
    comparison.target_loss = target_loss
    return _finish(comparison, path)


def _finish(comparison: Comparison, path: Path | None) -> Comparison:
    if path is not None:
        comparison.save_json(path)
    return comparison


def _choose(trials: list[Trial]) -> float:
    """The lr of the trial that learned something (``Trial.status`` "ok") with the lowest
    validation loss; if none did, the lowest validation loss of all; of equal losses (every
    trial broken: all infinite) the smaller lr. An interrupted trial is never chosen (the
    caller chooses only when no trial was interrupted)."""
    candidates = [trial for trial in trials if trial.status != "interrupted"]
    return min(candidates, key=lambda trial: (trial.status != "ok", trial.val_loss, trial.lr)).lr


def _val_loss(run: Run) -> float:
    """A trial's score: its validation loss after the last epoch, inf if it broke, was
    interrupted (its last epoch is not the last one) or is not finite."""
    epochs = run.history.epochs
    if run.broken or run.interrupted or not epochs or "val_loss" not in epochs[-1]:
        return math.inf
    loss = epochs[-1]["val_loss"]
    return loss if math.isfinite(loss) else math.inf


def _trial_learned(run: Run, val_loss: float, chance: float | None) -> bool:
    """Whether a trial learned something (see ``Trial``): a finite validation loss, and either
    one at most ``NOTHING_LOSS`` times its first step's training loss with a validation
    accuracy above ``chance``, or a validation accuracy ``CLEARLY_LEARNED`` of the way from
    ``chance`` to 1."""
    history = run.history
    if not math.isfinite(val_loss) or not history.loss:
        return False
    accuracy = _val_accuracy(run)
    if chance is not None and accuracy is not None:
        if accuracy >= chance + CLEARLY_LEARNED * (1 - chance):
            return True
        if accuracy <= chance:
            return False
    return val_loss <= NOTHING_LOSS * history.loss[0]


def _val_accuracy(run: Run) -> float | None:
    """The validation accuracy after the last epoch, None if it was not measured or not finite."""
    epochs = run.history.epochs
    accuracy = epochs[-1].get("val_accuracy") if epochs else None
    return accuracy if accuracy is not None and math.isfinite(accuracy) else None


def _nothing_learned(trials: list[Trial], chance: float | None) -> str:
    """What the trials of an optimizer that learned nothing measured, for the table's legend:
    the lowest validation loss as a multiple of the first step's training loss, and (for a
    classifier) the best validation accuracy against chance and the accuracy that counts."""
    ratios = [t.val_loss / t.run.history.loss[0] for t in trials if t.run.history.loss and not t.diverged]
    ratios = [r for r in ratios if math.isfinite(r)]
    best_loss = f"{min(ratios):.3g} times" if ratios else "none finite"
    text = f"none got its validation loss to {NOTHING_LOSS:g} times the first step's loss (lowest: {best_loss})"
    accuracies = [a for a in (_val_accuracy(t.run) for t in trials if not t.diverged) if a is not None]
    if chance is not None and accuracies:
        clear = chance + CLEARLY_LEARNED * (1 - chance)
        text += (
            f" with a validation accuracy above chance ({chance:.1%}, always answering the most common class), "
            f"nor its validation accuracy to {clear:.1%}, halfway from chance to 100% (best: {max(accuracies):.1%})"
        )
    return text


_ENTRIES = "names from OPTIMIZERS, optim.Optimizer subclasses or factories (params -> optimizer)"


def _optimizer_entries(optimizers) -> dict[str, str | Callable]:
    """The optimizers to compare, by name (see ``compare``): a dict {name: entry}, a list
    (or other iterable) of entries, or one name on its own ("adam" means ["adam"])."""
    choose = f"choose from {', '.join(OPTIMIZERS)}"
    if isinstance(optimizers, str):
        optimizers = [optimizers]
    if isinstance(optimizers, Mapping):
        for name in optimizers:
            if not isinstance(name, str):
                raise TypeError(f"the names in a dict of optimizers must be strings, got {name!r}")
            if not name.strip():
                raise ValueError(f"the names in a dict of optimizers must not be blank, got {name!r}")
        pairs = list(optimizers.items())
        for name, entry in pairs:
            _check_entry(entry, f"optimizers[{name!r}]")
    else:
        try:
            given = list(optimizers)
        except TypeError:
            raise TypeError(
                f"optimizers must be a list such as ['sgd', 'adam'] (of {_ENTRIES}) or a dict "
                f"{{name: optimizer}}, got {optimizers!r}"
            ) from None
        for i, entry in enumerate(given):
            _check_entry(entry, f"optimizers[{i}]")
        pairs = [
            (entry if isinstance(entry, str) else _entry_name(entry, i), entry) for i, entry in enumerate(given, 1)
        ]
    if not pairs:
        raise ValueError(f"compare needs at least one optimizer, got none; {choose}")
    names = [name for name, _ in pairs]
    unknown = [entry for _, entry in pairs if isinstance(entry, str) and entry not in OPTIMIZERS]
    if unknown:
        raise ValueError(f"unknown optimizer(s) {unknown}; {choose}")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(
            f"optimizers must each be named once, got {repeated} more than once in {names}; "
            "to compare two of the same kind, name them with a dict, e.g. {'slow': ..., 'fast': ...}"
        )
    return dict(pairs)


def _check_entry(entry, where: str) -> None:
    if isinstance(entry, optim.Optimizer):
        kind = type(entry).__name__
        raise TypeError(
            f"{where} is an optimizer object, {kind}(...); compare builds a new one for each run, so pass "
            f"its class, {kind}, or a factory such as lambda params: {kind}(params, lr=0.1)"
        )
    if not isinstance(entry, str) and not callable(entry):
        raise TypeError(f"{where} is {entry!r}; optimizers must be {_ENTRIES}")


def _entry_name(entry, position: int) -> str:
    """A class's or function's ``__name__`` (a partial's function's), else "optimizer <position>"."""
    named = entry.func if isinstance(entry, functools.partial) else entry
    name = getattr(named, "__name__", None)
    if not isinstance(name, str) or not name or name == "<lambda>":
        return f"optimizer {position}"
    return name


def _build_optimizer(name: str, entry, params, lr: Mapping | None = None, options: Mapping | None = None):
    """Build one optimizer of a comparison for ``params``: ``entry`` is a name from
    ``OPTIMIZERS``, a class or a factory, ``name`` its name in ``lr`` and ``options`` (see
    ``compare``). Returns ``(optimizer, settings)``: the options it was given (a name's) or
    its first parameter group's (a class's or factory's). ``TypeError`` if what was built
    is no optimizer; a ``TypeError``/``ValueError`` raised while building comes back with
    ``name`` in its message."""
    lr, options = lr or {}, options or {}
    settings = dict(options.get(name, {}))
    if name in lr:
        settings["lr"] = lr[name]
    if isinstance(entry, str):
        cls, defaults = OPTIMIZERS[entry]
        settings = {**defaults, **settings}
    else:
        cls = entry
    try:
        optimizer = cls(params, **settings)
    except (TypeError, ValueError) as error:
        call = f"{_describe(cls)}(params{''.join(f', {k}={v!r}' for k, v in settings.items())})"
        raise type(error)(f"optimizer {name!r} could not be built: {call} raised: {error}") from error
    lacks = _optimizer_lacks(optimizer)
    if lacks:
        raise TypeError(
            f"optimizer {name!r}: {_describe(entry)}(params) returned {optimizer!r}, which is not an optimizer "
            f"(it lacks {', '.join(lacks)}); a class must subclass optim.Optimizer, a factory must return one, "
            "e.g. lambda params: optim.SGD(params, lr=0.1)"
        )
    if not isinstance(entry, str):
        groups = optimizer.param_groups
        first = groups[0] if groups and isinstance(groups[0], Mapping) else {}
        settings = {k: v for k, v in first.items() if k != "params"}
    return optimizer, settings


def _describe(entry) -> str:
    """How an entry is named in an error: module.qualified_name, or its repr."""
    qualname, module = getattr(entry, "__qualname__", None), getattr(entry, "__module__", None)
    if isinstance(qualname, str) and isinstance(module, str):
        return f"{module}.{qualname}"
    return repr(entry)


def _seed_list(seeds) -> list[int]:
    """The seeds, as a list of non-negative ints. A bare int is refused: ``seeds=3`` might
    mean seed 3 or three seeds, so it must be written [3] or [0, 1, 2] (range(3))."""
    if isinstance(seeds, (str, int, np.integer)) or not isinstance(seeds, Iterable):
        one = f"; for the single seed {seeds} write [{seeds}]" if isinstance(seeds, (int, np.integer)) else ""
        raise TypeError(f"seeds must be a list of seeds such as [0, 1, 2] (or range(3)), got {seeds!r}{one}")
    seeds = [check_int(f"seeds[{i}]", seed, 0) for i, seed in enumerate(seeds)]
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    repeated = sorted({seed for seed in seeds if seeds.count(seed) > 1})
    if repeated:
        raise ValueError(
            f"seeds must differ, got {repeated} more than once in {seeds}: the same seed runs the same run "
            "again, and the interval over them would mean nothing"
        )
    return seeds


def _by_name(what: str, given, names: list[str]) -> dict:
    """``lr`` or ``options`` of ``compare``: a dict by optimizer name (None: empty). TypeError
    for anything else, ValueError for a name that is not compared."""
    example = "lr={'adam': 0.01}" if what == "lr" else "options={'adam': {'betas': (0.9, 0.99)}}"
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise TypeError(f"{what} must be a dict by optimizer name, e.g. {example}, got {given!r}")
    stray = set(given) - set(names)
    if stray:
        raise ValueError(f"settings for {sorted(stray, key=str)}, which are not among the optimizers compared {names}")
    return dict(given)

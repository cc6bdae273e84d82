"""Compare optimizers fairly: the same model, the same initial weights and the same batches
for every optimizer, so that the only difference between two runs is the update rule."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from . import nn, optim
from .rng import manual_seed
from .train import History, fit

__all__ = ["compare", "Comparison", "Run", "OPTIMIZERS"]

# name -> (class, options): a learning rate that works on the toy problems for each
OPTIMIZERS: dict[str, tuple[type, dict]] = {
    "sgd": (optim.SGD, {"lr": 0.1}),
    "momentum": (optim.SGD, {"lr": 0.03, "momentum": 0.9}),
    "adagrad": (optim.Adagrad, {"lr": 0.05}),
    "rmsprop": (optim.RMSprop, {"lr": 3e-3}),
    "adam": (optim.Adam, {"lr": 3e-3}),
    "adamw": (optim.AdamW, {"lr": 3e-3}),
    "adadelta": (optim.Adadelta, {"lr": 1.0}),
}


@dataclass
class Run:
    optimizer: str
    options: dict
    seed: int
    history: History
    model: nn.Module  # the trained model

    @property
    def diverged(self) -> bool:
        """The loss became nan or inf, which stopped the run."""
        return self.history.stopped is not None and "loss became" in self.history.stopped

    @property
    def failed(self) -> bool:
        """Diverged, or ended with a higher training loss than its first step's: with ReLU
        units a too-large step often kills them instead of overflowing, and the loss stays
        finite but high."""
        history = self.history
        return self.diverged or (bool(history.loss) and history.final_loss > history.loss[0])


@dataclass
class Comparison(Mapping):
    """The histories, by optimizer name: ``result["adam"]`` is Adam's History (its first
    seed's; ``result.runs["adam"]`` has every seed's run, with its trained model)."""

    runs: dict[str, list[Run]]  # optimizer name -> one run per seed
    interrupted: bool = False

    def __getitem__(self, name: str) -> History:
        return self.runs[name][0].history

    def __iter__(self):
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    def histories(self) -> dict[str, list[History]]:
        return {name: [run.history for run in runs] for name, runs in self.runs.items()}

    def table(self) -> list[dict]:
        """One row per optimizer; numbers are means over the seeds that did not diverge."""
        rows = []
        for name, runs in self.runs.items():
            healthy = [run for run in runs if not run.diverged] or runs
            accuracies = [run.history.final_accuracy for run in healthy if run.history.final_accuracy is not None]
            rows.append(
                {
                    "optimizer": name,
                    "lr": runs[0].options["lr"],
                    "final_loss": float(np.mean([run.history.final_loss for run in healthy])),
                    "accuracy": float(np.mean(accuracies)) if accuracies else None,
                    "seconds": float(np.mean([run.history.seconds for run in runs])),
                    "status": _status(runs),
                }
            )
        return rows

    def format_table(self) -> str:
        header = f"{'optimizer':<10} {'lr':>8} {'final loss':>11} {'accuracy':>9} {'time (s)':>9}  status"
        lines = [header, "-" * len(header)]
        for row in self.table():
            accuracy = "-" if row["accuracy"] is None else f"{row['accuracy']:.1%}"
            loss = f"{row['final_loss']:.4f}" if math.isfinite(row["final_loss"]) else "-"
            name, lr, seconds = row["optimizer"], row["lr"], row["seconds"]
            lines.append(f"{name:<10} {lr:>8.3g} {loss:>11} {accuracy:>9} {seconds:>9.2f}  {row['status']}")
        return "\n".join(lines)


def _status(runs: list[Run]) -> str:
    def of_seeds(bad):
        return f" ({len(bad)} of {len(runs)} seeds)" if len(runs) > 1 else ""

    diverged = [run for run in runs if run.diverged]
    failed = [run for run in runs if run.failed and not run.diverged]
    if diverged:
        return "diverged" + of_seeds(diverged)
    if failed:
        return "loss went up" + of_seeds(failed)
    if any(run.history.stopped for run in runs):
        return "interrupted"
    return "ok"


def compare(
    model: nn.Module | Callable[[], nn.Module],
    X,
    y,
    optimizers: Iterable[str] = ("sgd", "adagrad", "rmsprop", "adam"),
    lr: Mapping[str, float] | None = None,
    options: Mapping[str, dict] | None = None,
    loss_fn=None,
    epochs: int = 30,
    batch_size: int = 32,
    seeds: Iterable[int] = (0,),
    validation_data: tuple | None = None,
    verbose: bool | None = None,
) -> Comparison:
    """Train one copy of the model per optimizer (and per seed) and collect the histories.

    ``model`` is a Module, copied so every optimizer starts from its exact weights, or a
    function that builds one, called after ``mg.manual_seed(seed)`` for each seed. Each
    seed also fixes the batch order, shared by all optimizers. ``lr`` and ``options``
    override the defaults in ``OPTIMIZERS`` per optimizer name. An optimizer whose loss
    becomes non-finite is marked as diverged and the others go on.
    """
    names = list(optimizers)
    unknown = [name for name in names if name not in OPTIMIZERS]
    if unknown or not names:
        raise ValueError(f"unknown optimizer(s) {unknown}; choose from {', '.join(OPTIMIZERS)}")
    lr, options = dict(lr or {}), dict(options or {})
    for given in (lr, options):
        stray = set(given) - set(names)
        if stray:
            raise ValueError(f"settings for {sorted(stray)}, which are not among the optimizers compared {names}")
    if loss_fn is None:
        loss_fn = nn.CrossEntropyLoss() if np.asarray(y).dtype.kind in "iu" else nn.MSELoss()
    seeds = list(seeds)

    comparison = Comparison({name: [] for name in names})
    for seed in seeds:
        manual_seed(seed)
        start = model() if not isinstance(model, nn.Module) else copy.deepcopy(model)
        for name in names:
            cls, defaults = OPTIMIZERS[name]
            settings = {**defaults, **options.get(name, {})}
            if name in lr:
                settings["lr"] = lr[name]
            network = copy.deepcopy(start)
            optimizer = cls(network.parameters(), **settings)
            manual_seed(seed)  # dropout masks, if any, are the same for every optimizer
            history = fit(
                network,
                optimizer,
                loss_fn,
                X,
                y,
                epochs=epochs,
                batch_size=batch_size,
                seed=seed,
                validation_data=validation_data,
                verbose=verbose,
                description=name if len(seeds) == 1 else f"{name} (seed {seed})",
            )
            comparison.runs[name].append(Run(name, settings, seed, history, network))
            if history.stopped and history.stopped.startswith("interrupted"):
                comparison.interrupted = True
                comparison.runs = {k: v for k, v in comparison.runs.items() if v}
                return comparison
    return comparison

"""Compare optimizers fairly: the same model, the same initial weights and the same batches
for every optimizer, so that the only difference between two runs is the update rule."""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from . import nn, optim
from .checks import check_bool, check_int
from .rng import manual_seed
from .train import History, StopReason, _optimizer_lacks, fit

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
    def failed(self) -> bool:
        """Broken, or ended with a higher training loss than its first step's: with ReLU
        units a too-large step often kills them instead of overflowing, and the loss stays
        finite but high."""
        history = self.history
        return self.broken or (bool(history.loss) and history.final_loss > history.loss[0])


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
        """One row per optimizer; numbers are means over the seeds whose run was not broken
        (see ``Run.broken``), or over all seeds if every one was. ``status`` is "ok", or
        what went wrong: "bad data", "error", "diverged", "loss went up", "interrupted"
        (with "(k of n seeds)" when several seeds were run)."""
        rows = []
        for name, runs in self.runs.items():
            healthy = [run for run in runs if not run.broken] or runs
            accuracies = [run.history.final_accuracy for run in healthy if run.history.final_accuracy is not None]
            accuracies = [a for a in accuracies if math.isfinite(a)]
            rows.append(
                {
                    "optimizer": name,
                    "lr": runs[0].options.get("lr"),
                    "final_loss": float(np.mean([run.history.final_loss for run in healthy])),
                    "accuracy": float(np.mean(accuracies)) if accuracies else None,
                    "seconds": float(np.mean([run.history.seconds for run in runs])),
                    "status": _status(runs),
                }
            )
        return rows

    def format_table(self) -> str:
        rows = self.table()
        width = max([10, *(len(row["optimizer"]) for row in rows)])  # a learner's class name may be longer
        header = f"{'optimizer':<{width}} {'lr':>8} {'final loss':>11} {'accuracy':>9} {'time (s)':>9}  status"
        lines = [header, "-" * len(header)]
        for row in rows:
            accuracy = "-" if row["accuracy"] is None else f"{row['accuracy']:.1%}"
            loss = _short(row["final_loss"]) if math.isfinite(row["final_loss"]) else "-"
            lr = "-" if row["lr"] is None else f"{row['lr']:.3g}"
            name, seconds = row["optimizer"], row["seconds"]
            lines.append(f"{name:<{width}} {lr:>8} {loss:>11} {accuracy:>9} {seconds:>9.2f}  {row['status']}")
        return "\n".join(lines)


def _short(number: float) -> str:
    """A loss for the table: 4 decimals, or 4 significant digits in exponent form when that
    would be too wide or show nothing (at most 11 characters, the column's width)."""
    return f"{number:.4f}" if number == 0 or 1e-3 <= abs(number) < 1e5 else f"{number:.4g}"


def _status(runs: list[Run]) -> str:
    """The worst thing that happened to any seed's run, decided from the stop records."""

    def of_seeds(bad):
        return f" ({len(bad)} of {len(runs)} seeds)" if len(runs) > 1 else ""

    kinds = [run.stop.kind if run.stop is not None else None for run in runs]
    for kind, label in (("bad_data", "bad data"), ("error", "error"), ("diverged", "diverged")):
        bad = [run for run, k in zip(runs, kinds, strict=True) if k == kind]
        if bad:
            return label + of_seeds(bad)
    went_up = [run for run in runs if run.failed]
    if went_up:
        return "loss went up" + of_seeds(went_up)
    if "interrupted" in kinds:
        return "interrupted"
    return "ok"


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

    ``lr`` and ``options`` are dicts by optimizer name. For a name from ``OPTIMIZERS`` they
    override its defaults there. For a class or a factory they are passed as keyword
    arguments, ``entry(params, lr=..., **options)``; with neither, it is called as
    ``entry(params)``, so a class's own ``defaults`` and a factory's settings apply. Each
    optimizer is built before any training: an entry that is not a name, class or callable
    raises ``TypeError``; so does a built object without ``zero_grad()``, ``step()``,
    ``effective_lr()`` and ``param_groups``, and a ``TypeError``/``ValueError`` raised while
    building comes back with the entry's name added. The table's lr is the first parameter
    group's ``lr`` (none shown if it has none).

    A run that stops early (its loss became non-finite, its data holds nan or inf, an
    exception in a step) keeps its history, ``Run.stop`` says why, and the other runs go
    on. Ctrl-C stops the whole comparison: the runs so far are returned, with
    ``Comparison.interrupted`` set. Wrong arguments raise ``TypeError``/``ValueError``
    before any training, and so does an exception in a run's first step (the model, the
    loss and the data do not fit together, for every optimizer alike; or a new
    optimizer's ``update`` fails, which the traceback shows).
    """
    entries = _optimizer_entries(optimizers)
    names = list(entries)
    lr, options = dict(lr or {}), dict(options or {})
    for given in (lr, options):
        stray = set(given) - set(names)
        if stray:
            raise ValueError(f"settings for {sorted(stray)}, which are not among the optimizers compared {names}")
    check_int("epochs", epochs, 1)
    check_int("batch_size", batch_size, 1)
    check_bool("drop_last", drop_last)
    seeds = _seed_list(seeds)
    if loss_fn is None:
        loss_fn = nn.CrossEntropyLoss() if np.asarray(y).dtype.kind in "iu" else nn.MSELoss()

    comparison = Comparison({name: [] for name in names})
    try:
        for seed in seeds:
            manual_seed(seed)
            start = model() if not isinstance(model, nn.Module) else copy.deepcopy(model)
            # every optimizer is built before the first run, so a bad entry is refused before any training
            built = {}
            for name, entry in entries.items():
                network = copy.deepcopy(start)
                built[name] = (network, *_build_optimizer(name, entry, network.parameters(), lr, options))
            for name, (network, optimizer, settings) in built.items():
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
                    drop_last=drop_last,
                )
                comparison.runs[name].append(Run(name, settings, seed, history, network, type(optimizer)))
                if history.stop is not None and history.stop.kind == "interrupted":
                    comparison.interrupted = True
                    break
            if comparison.interrupted:
                break
    except KeyboardInterrupt:  # between two runs (fit itself records one during a run)
        comparison.interrupted = True
    if comparison.interrupted:
        comparison.runs = {k: v for k, v in comparison.runs.items() if v}
    return comparison


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
    return seeds

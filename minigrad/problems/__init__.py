"""Test problems with known optima or targets, to compare optimizers on (``minigrad compare
--problem NAME``, ``minigrad.problems.compare``).

Parameter problems (``Problem``): a loss of one parameter vector, with its start, its
optima and the loss there, a target loss, and a step count and learning rates that reach
it: the 2-D functions ``rosenbrock``, ``beale``, ``himmelblau``, ``saddle`` and
``rotated_quadratic`` (with contours to draw paths over), DeepOBS's ``quadratic_deep`` and
the ``noisy_quadratic`` model. Data problems (``DataProblem``): ``logistic_digits`` and
the MLP tasks ``spirals``, ``moons``, ``circles``, ``xor``, ``blobs``.

    from minigrad import problems
    rosenbrock = problems.get("rosenbrock")
    result = problems.compare(rosenbrock, ["sgd", "momentum", "adam"])
    print(result.format_table())
    result.figure().savefig("rosenbrock.png")
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from ..checks import check_int
from ..tensor import Tensor
from .base import Problem, ProblemRun
from .data import DataProblem, data_problems
from .functions2d import HIMMELBLAU_MINIMA, Beale, Himmelblau, Rosenbrock, RotatedQuadratic, Saddle
from .quadratics import NoisyQuadratic, QuadraticDeep, deepobs_rotation

__all__ = [
    "get",
    "PROBLEMS",
    "names",
    "run",
    "compare",
    "ProblemComparison",
    "Problem",
    "ProblemRun",
    "DataProblem",
    "Rosenbrock",
    "Beale",
    "Himmelblau",
    "Saddle",
    "RotatedQuadratic",
    "QuadraticDeep",
    "NoisyQuadratic",
    "HIMMELBLAU_MINIMA",
    "deepobs_rotation",
]

DATA_PROBLEMS = data_problems()
# name -> the class (or the function) that builds the problem, with its default arguments
PROBLEMS: dict[str, Callable] = {
    "rosenbrock": Rosenbrock,
    "beale": Beale,
    "himmelblau": Himmelblau,
    "saddle": Saddle,
    "rotated_quadratic": RotatedQuadratic,
    "quadratic_deep": QuadraticDeep,
    "noisy_quadratic": NoisyQuadratic,
    **{name: (lambda problem=problem: problem) for name, problem in DATA_PROBLEMS.items()},
}


def names() -> list[str]:
    """The problems' names, in ``PROBLEMS``'s order (parameter problems first)."""
    return list(PROBLEMS)


def get(name: str, **kwargs) -> Problem | DataProblem:
    """The problem called ``name`` (a key of ``PROBLEMS``), built with ``kwargs`` (e.g.
    ``get("rotated_quadratic", condition=100)``). TypeError if ``name`` is not a string or
    a keyword is not the problem's; ValueError naming the known problems if it is unknown."""
    if not isinstance(name, str):
        raise TypeError(f"a problem's name must be a string, got {name!r}")
    if name not in PROBLEMS:
        raise ValueError(f"unknown problem {name!r}; choose from {', '.join(PROBLEMS)}")
    if kwargs and name in DATA_PROBLEMS:
        raise TypeError(f"the data problem {name} takes no arguments, got {sorted(kwargs)}")
    return PROBLEMS[name](**kwargs)


def _problem(problem) -> Problem | DataProblem:
    if isinstance(problem, (Problem, DataProblem)):
        return problem
    if isinstance(problem, str):
        return get(problem)
    raise TypeError(f"problem must be a name from problems.PROBLEMS or a Problem, got {problem!r}")


def run(problem, optimizer="sgd", lr: float | None = None, steps: int | None = None, seed=0,
        name: str | None = None, options: Mapping | None = None) -> ProblemRun:  # fmt: skip
    """Run one optimizer on a parameter problem from its start and return the ``ProblemRun``.

    ``problem`` is a ``Problem`` or its name. ``optimizer`` is what ``mg.compare`` takes
    as an entry: a name from ``OPTIMIZERS`` (its learning rate then defaults to the
    problem's ``lr[name]``), an ``optim.Optimizer`` subclass or a factory ``params ->
    optimizer`` (called with ``lr=`` only if ``lr`` is given). ``steps`` defaults to the
    problem's; ``seed`` fixes a stochastic problem's noise. ``name`` labels the run (by
    default the optimizer's name). ``options`` are more keyword arguments for the
    optimizer; ``seed`` is an int >= 0, so that every run of a comparison gets the same
    noise. Each step differentiates ``problem.sampler(seed)`` at the current point
    (the exact loss for a deterministic problem); the run stops early, marked
    ``diverged``, when the loss or a coordinate becomes inf or nan, and with ``error``
    set to the exception when a step after the first raises one (the first step's is
    raised). TypeError/ValueError for bad arguments, before any step.
    """
    problem = _problem(problem)
    if not isinstance(problem, Problem):
        raise ValueError(f"{problem.name} is a data problem; train on it with problems.compare or mg.compare")
    from ..comparison import _build_optimizer, _optimizer_entries

    (label, entry), = _optimizer_entries([optimizer]).items()  # fmt: skip
    label = label if name is None else name
    steps = problem.steps if steps is None else check_int("steps", steps, 1)
    seed = check_int("seed", seed, 0)
    rates = {label: lr} if lr is not None else ({label: problem.lr[entry]} if entry in problem.lr else {})
    point = Tensor(problem.start.copy(), requires_grad=True)
    built, settings = _build_optimizer(label, entry, [point], rates, {label: dict(options)} if options else None)
    sample = problem.sampler(seed)
    path, losses, rates_seen = [problem.start.copy()], [problem.value(problem.start)], []
    diverged, error = False, None
    with np.errstate(all="ignore"):
        for step in range(steps):
            try:
                built.zero_grad()
                sample(point).backward()
                built.step()
                rate = np.asarray(built.effective_lr(), dtype=np.float64)
            except Exception as exception:  # a learner's optimizer may fail in any step
                if step == 0:  # nothing was run: the optimizer does not work here at all
                    raise
                error = exception
                break
            rates_seen.append(rate)
            here = point.data.copy()
            value = problem.value(here)
            path.append(here)
            losses.append(value)
            if not (math.isfinite(value) and np.all(np.isfinite(here))):
                diverged = True
                break
    return ProblemRun(
        label, settings, problem, np.array(path), np.array(losses),
        np.array(rates_seen).reshape(len(rates_seen), -1), diverged, seed, error,
    )  # fmt: skip


@dataclass
class ProblemComparison:
    """The runs of ``problems.compare`` on one parameter problem, by optimizer name:
    ``result["adam"]`` is Adam's ``ProblemRun``. ``interrupted`` is True when Ctrl-C
    stopped the comparison: ``runs`` then holds the runs that had finished (the run in
    progress is dropped), and ``calls`` names every optimizer that was to run."""

    problem: Problem
    runs: dict[str, ProblemRun]
    # name -> (class or factory, keyword arguments): how each optimizer was built
    calls: dict[str, tuple[Callable, dict]]
    interrupted: bool = False

    def __getitem__(self, name: str) -> ProblemRun:
        return self.runs[name]

    def table(self) -> list[dict]:
        """One row per optimizer: ``optimizer``, ``lr`` (None if it has none),
        ``final_loss`` (the problem's exact loss at the last point), ``distance`` (from
        the last point to the nearest optimum), ``steps_to_target`` (None if missed) and
        ``status`` (``ProblemRun.status``)."""
        return [
            {
                "optimizer": name,
                "lr": run.options.get("lr"),
                "final_loss": run.final_loss,
                "distance": run.distance,
                "steps_to_target": run.steps_to_target,
                "status": run.status,
            }
            for name, run in self.runs.items()
        ]

    def format_table(self) -> str:
        """The table as text, with the target it measures below it, and the exception
        that stopped a run, if any."""
        rows = self.table()
        width = max([10, *(len(row["optimizer"]) for row in rows)])
        header = (f"{'optimizer':<{width}} {'lr':>8} {'final loss':>12} {'distance to optimum':>20} "
                  f"{'steps to target':>16}  status")  # fmt: skip
        lines = [header, "-" * len(header)]
        for row in rows:
            lr = "-" if row["lr"] is None else f"{row['lr']:.3g}"
            loss = f"{row['final_loss']:.4g}" if math.isfinite(row["final_loss"]) else "-"
            distance = f"{row['distance']:.3g}" if math.isfinite(row["distance"]) else "-"
            steps = "missed" if row["steps_to_target"] is None else str(row["steps_to_target"])
            lines.append(f"{row['optimizer']:<{width}} {lr:>8} {loss:>12} {distance:>20} {steps:>16}  {row['status']}")
        lines.append(f"(target: {self.problem.target}; loss at the optimum {self.problem.optimum_loss:.6g})")
        for name, run in self.runs.items():
            if run.error is not None:
                lines.append(f"{name}: step {len(run.path)} raised {type(run.error).__name__}: {run.error}")
        if self.interrupted:
            missing = [name for name in self.calls if name not in self.runs]
            lines.append(f"interrupted (Ctrl-C): the table holds the runs that had finished; not finished: "
                         f"{', '.join(missing)}")  # fmt: skip
        return "\n".join(lines)

    def figure(self):
        """A matplotlib Figure: for a 2-D problem the paths over the loss's contour lines
        (``plot.draw_paths`` of the recorded paths, the optima marked +, each end circled) beside the loss
        curves; otherwise the loss curves alone. The curves show the loss minus the
        optimum's (log scale), with the target as a dashed line."""
        from matplotlib.figure import Figure

        from ..plot import _colors, _for_log, _log_floor, _noted, draw_paths, paths_legend

        problem = self.problem
        colors = _colors(self.runs)
        two_d = problem.dim == 2 and problem.bounds is not None
        fig = Figure(figsize=(12, 5.2) if two_d else (7, 4.5), layout="constrained")
        if two_d:
            paths_ax, curves_ax = fig.subplots(1, 2, width_ratios=[1.1, 1])
            self._draw_paths(paths_ax, colors, draw_paths, paths_legend)
        else:
            curves_ax = fig.add_subplot()
        target_gap = problem.target_loss - problem.optimum_loss
        gaps = {name: run.losses - problem.optimum_loss for name, run in self.runs.items()}
        # a loss of exactly the optimum's is drawn at the foot of the log axis, a huge one at its top
        floor = _log_floor(*gaps.values(), np.array([target_gap]))
        for name, run in self.runs.items():
            gap, notes = _for_log(gaps[name], floor)
            reached = run.steps_to_target
            outcome = "target missed" if reached is None else f"target at step {reached}"
            label = _noted(f"{name}: {run.status if run.diverged or run.error else outcome}", notes)
            curves_ax.plot(np.arange(len(gap)), gap, color=colors[name], label=label)
            if reached is not None:
                curves_ax.plot(reached, gap[reached], "o", color=colors[name], ms=5)
        curves_ax.axhline(target_gap, color="grey", ls="--", lw=0.9, label=f"target: {problem.target}")
        curves_ax.set_yscale("log")
        curves_ax.set_xlabel("step")
        shifted = problem.optimum_loss != 0
        shift = f"{'+' if problem.optimum_loss < 0 else '-'} {abs(problem.optimum_loss):.4g}"
        curves_ax.set_ylabel(f"loss {shift} (0 at the optimum)" if shifted else "loss")
        curves_ax.set_title(f"{problem.name}: loss{' above the optimum' if shifted else ''}"
                            + (" (exact, at each noisy step's point)" if problem.stochastic else ""))  # fmt: skip
        curves_ax.legend(fontsize=8)
        return fig

    def _draw_paths(self, ax, colors, draw_paths, paths_legend) -> None:
        problem = self.problem
        steps = max(len(run.path) for run in self.runs.values()) - 1
        draw_paths(lambda p: problem._expression(p[0], p[1]), {name: run.path for name, run in self.runs.items()},
                   problem.start, bounds=problem.bounds, ax=ax, levels=25)  # fmt: skip
        for line in ax.get_lines():
            if line.get_label() in colors:
                line.set_color(colors[line.get_label()])
        for name, run in self.runs.items():
            if not run.diverged:
                ax.plot(*run.path[-1], "o", ms=9, mfc="none", mec=colors[name], mew=1.5)
        ax.plot(problem.optima[:, 0], problem.optima[:, 1], "k+", ms=12, mew=1.5)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(f"{problem.title}\n{steps} steps from the star")
        paths_legend(ax, "below", minimum="minimum" if len(problem.optima) == 1 else "minima")


def compare(
    problem,
    optimizers: Iterable | Mapping = ("sgd", "adagrad", "rmsprop", "adam"),
    lr: Mapping[str, float] | None = None,
    steps: int | None = None,
    seed=0,
    options: Mapping[str, dict] | None = None,
    epochs: int | None = None,
    batch_size: int = 32,
    verbose: bool | None = None,
):
    """Compare optimizers on a problem (a name from ``PROBLEMS`` or a problem object).

    ``optimizers`` is what ``mg.compare`` takes (names from ``OPTIMIZERS``, Optimizer
    subclasses, factories, or a dict ``{name: entry}``); ``lr`` and ``options`` are dicts
    by name, as there.

    A parameter problem (``Problem``): each optimizer runs ``steps`` steps (default the
    problem's) from the problem's start (``run``), a name at the problem's learning rate
    unless ``lr`` gives one; ``seed`` fixes a stochastic problem's noise, the same for every
    optimizer. Returns a ``ProblemComparison`` (``table()``, ``format_table()``,
    ``figure()``); after Ctrl-C, one with the runs that had finished, marked
    ``interrupted``. ``epochs``, ``batch_size`` and ``verbose`` do not apply.

    A data problem (``DataProblem``): the problem's data (``load(seed)``) is split 80/20
    (``train_test_split`` with ``seed``), and ``mg.compare`` trains the problem's model with
    each optimizer for ``epochs`` (default the problem's) on batches of ``batch_size``,
    validating on the 20%. Returns its ``Comparison``; compare its accuracies with
    ``problem.target_accuracy``. ``steps`` does not apply.

    Every optimizer is built before the first step: TypeError/ValueError for a bad entry,
    setting or argument, as ``mg.compare`` raises them.
    """
    from ..comparison import OPTIMIZERS, _build_optimizer, _by_name, _optimizer_entries

    problem = _problem(problem)
    seed = check_int("seed", seed, 0)
    if isinstance(problem, DataProblem):
        from ..comparison import compare as compare_models
        from ..data import train_test_split

        X, y = problem.load(seed)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=seed)
        classes = int(y.max()) + 1
        return compare_models(
            lambda: problem.model(X.shape[1], classes), X_train, y_train, optimizers=optimizers, lr=lr,
            options=options, epochs=problem.epochs if epochs is None else epochs, batch_size=batch_size,
            seeds=[seed], validation_data=(X_test, y_test), verbose=verbose,
        )  # fmt: skip
    entries = _optimizer_entries(optimizers)
    lr, options = _by_name("lr", lr, list(entries)), _by_name("options", options, list(entries))
    steps = problem.steps if steps is None else check_int("steps", steps, 1)
    calls = {}
    for name, entry in entries.items():  # built once before any step, so a bad entry costs no run
        rates = {name: lr[name]} if name in lr else ({name: problem.lr[entry]} if entry in problem.lr else {})
        probe = Tensor(problem.start.copy(), requires_grad=True)
        _, settings = _build_optimizer(name, entry, [probe], rates, options)
        if isinstance(entry, str):
            calls[name] = (OPTIMIZERS[entry][0], settings)
        else:
            calls[name] = (entry, {**options.get(name, {}), **({"lr": rates[name]} if name in rates else {})})
    runs = {}
    try:
        for name, entry in entries.items():
            runs[name] = run(problem, entry, lr=lr.get(name), steps=steps, seed=seed, name=name,
                             options=options.get(name))  # fmt: skip
    except KeyboardInterrupt:  # Ctrl-C: keep the runs that finished, to show them
        return ProblemComparison(problem, runs, calls, interrupted=True)
    return ProblemComparison(problem, runs, calls)

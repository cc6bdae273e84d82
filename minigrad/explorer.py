"""An interactive explorer for Jupyter: optimizers on a 2-D test problem, rerun and redrawn
whenever a control changes (``mg.explore()``).

Each change runs the real optimizer classes (and the learner's own) with
``problems.run`` and redraws one persistent matplotlib figure: the paths over the
problem's contours, the loss curves and each coordinate's effective learning rate. The
figure is rendered to PNG into an ``ipywidgets.Image``, so it needs no interactive
matplotlib backend (only ipywidgets, from the ``notebook`` extra).
"""

from __future__ import annotations

import html
import io
import math
import textwrap
import time
from collections.abc import Iterable, Mapping

import numpy as np

from .checks import check_decay, check_int, check_pair, check_range

__all__ = ["explore", "Explorer", "PROBLEMS_2D", "STEPS_MAX"]

# the problems with contours to draw paths over
PROBLEMS_2D = ("rosenbrock", "beale", "himmelblau", "saddle", "rotated_quadratic")

# the slider stops: the values worth comparing, with the neighbours where the behaviour changes
# (a decay's memory is about 1 / (1 - decay) steps, so the stops crowd towards 1)
ALPHAS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999)
BETA1S = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
BETA2S = (0.9, 0.95, 0.99, 0.995, 0.999, 0.9999)
MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
# what each control does, shown when the pointer rests on it
TIPS = {
    "problem": "the 2-D test problem; choosing one also sets steps to its own",
    "steps": "how many steps each optimizer takes from the start (the star)",
    "lr_scale": "multiplies each optimizer's learning rate for this problem (the legend shows each lr)",
    "eps": "added to the denominator of the adaptive methods; large, it turns them into SGD with lr / eps",
    "alpha": "RMSprop's decay of the average of g^2: it remembers about 1 / (1 - alpha) steps",
    "beta1": "Adam's decay of the average of g (its momentum)",
    "beta2": "Adam's decay of the average of g^2",
    "momentum": "the heavy-ball coefficient of 'momentum' (plain 'sgd' stays plain)",
}
# the lr multiplier and eps run on log scales, in decades
LR_SCALE_DECADES = (-2, 2)
EPS_DECADES = (-12, 0)
# the most steps a run may take: a change reruns every shown optimizer, about 2.5 s each for 10000
# steps (Adam on Rosenbrock), so beyond this a notebook would stall on each move of a control; it
# holds three times the largest own step count of PROBLEMS_2D (Rosenbrock's 2000)
STEPS_MAX = 10_000
# the characters of a 10-point title that fit across the paths panel and across the loss panel
# (at the figure's fixed size, with room to spare for wide letters): a longer one, such as the
# saddle's target, is wrapped rather than cut off at the figure's edge
PATHS_TITLE, LOSS_TITLE = 72, 64


def explore(
    problem="rosenbrock",
    optimizers: Iterable | Mapping = ("sgd", "momentum", "rmsprop", "adam"),
    steps: int | None = None,
    lr_scale: float = 1.0,
    alpha: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    momentum: float = 0.9,
) -> Explorer:
    """Explore optimizers on a 2-D test problem in a Jupyter notebook: end a cell with
    ``mg.explore()`` and move the controls; every change reruns the optimizers from the
    problem's start and redraws their paths over the contours, the loss curves and the
    effective learning rates.

    Controls (their starting values are the arguments of the same name):

    - **problem**: a dropdown of the 2-D problems (``PROBLEMS_2D``: rosenbrock, beale,
      himmelblau, saddle, rotated_quadratic). Choosing one also sets **steps** to that
      problem's own step count (2000 for Rosenbrock, 200 for the saddle).
    - **steps**: how many steps each optimizer runs (``steps``; default the problem's),
      up to three times the problem's own count and at most ``STEPS_MAX`` (10000: a change
      reruns every shown optimizer, a few seconds each at that length).
    - **lr ×** (log scale, 0.01 to 100): a multiplier of each optimizer's learning rate
      for this problem (``Problem.lr[name]``, tuned to reach its target; for a learner's
      optimizer class, its ``defaults["lr"]``). A multiplier rather than one lr for all,
      because the rates that work differ by a hundredfold between optimizers (SGD 1e-3,
      Adam 0.1 on Rosenbrock): one shared rate would freeze some while others blow up,
      whereas at 1 every optimizer starts from a setting that works, and moving the slider
      shows how far each one tolerates a larger or smaller rate. The legend gives each
      optimizer's actual lr.
    - **alpha**: RMSprop's decay of the squared-gradient average (every shown optimizer
      with an ``alpha`` option); its memory is about 1 / (1 - alpha) steps.
    - **beta1**, **beta2**: Adam's ``betas`` (every shown optimizer with ``betas``:
      AdamW, NAdam, RAdam, Adamax too), the decays of the gradient's and the squared
      gradient's averages.
    - **eps** (log scale, 1e-12 to 1): the term added to the denominator, for every shown
      optimizer with an ``eps`` option (AdaGrad's default is 1e-10, the others' 1e-8;
      here all take the slider's value). Large, it turns an adaptive method into SGD with
      lr / eps.
    - **momentum**: the heavy-ball coefficient of the optimizers that use momentum
      (``"momentum"``, and a learner's class whose default momentum is not 0); plain
      ``"sgd"`` stays plain, as the reference.
    - one checkbox per optimizer: which are run and shown. ``optimizers`` (what
      ``mg.compare`` takes: names from ``OPTIMIZERS``, ``optim.Optimizer`` subclasses, the
      learner's own included, factories, or a dict ``{name: entry}``) are checked at
      first; the other names of ``OPTIMIZERS`` are offered unchecked.

    A control that no shown optimizer takes is greyed out. A factory (``lambda params:
    ...``) keeps its own settings: no control applies to it. Sliders act when released.
    The loss and effective-rate panels count steps on a square-root scale, as ``minigrad
    race`` does, so that the first steps, where the optimizers part ways, are not pressed
    into the left edge of a long run. Below the figure, a line gives each shown optimizer's settings, the time the last
    change took (running and drawing) and an optimizer's error if one failed: one failing
    in its first step is not drawn; one failing later is drawn up to there, and the line
    says ``"name: step 4 raised RuntimeError: boom"``, as ``minigrad race`` does. A
    ``np.float32`` decay within round-off of a slider's stop (``np.float32(0.9)``) is
    taken as that stop; every value is run as a Python float.

    Returns an ``Explorer``, which a notebook displays as the controls and the figure.
    Raises ImportError saying ``python -m pip install -e ".[notebook]"`` (from the clone, as
    the README installs) when ipywidgets is not installed; TypeError for an argument of the
    wrong type and ValueError for a bad value (an unknown or not 2-D problem, an unknown
    optimizer or none, ``steps`` outside [1, ``STEPS_MAX``], ``lr_scale`` outside its
    slider's [0.01, 100] or ``eps`` outside [1e-12, 1], a decay outside [0, 1)), each
    naming the argument and its range; an exception that a shown optimizer raises in its
    first step is raised too (before anything is drawn). No PyTorch equivalent.
    """
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        # minigrad installs from its clone (README): the "minigrad" on PyPI is another project
        raise ImportError(
            "minigrad.explore needs ipywidgets, which the notebook extra installs: in the minigrad clone, "
            'python -m pip install -e ".[notebook]" (or python -m pip install ipywidgets)'
        ) from None
    if not isinstance(optimizers, (str, Mapping)):
        try:
            optimizers = list(optimizers)
        except TypeError:
            pass  # not iterable: _optimizer_entries says what it must be
    if isinstance(optimizers, (list, Mapping)) and not optimizers:
        from .comparison import OPTIMIZERS

        raise ValueError(f"explore needs at least one optimizer, got none; choose from {', '.join(OPTIMIZERS)}")
    return Explorer(problem, optimizers, steps, lr_scale, alpha, betas, eps, momentum)


class Explorer:
    """What ``explore`` returns: the controls, the figure and the runs behind it. A notebook
    displays it as its widget.

    Attributes: ``widget`` (the ipywidgets box shown), ``controls`` (dict: ``"problem"``,
    ``"steps"``, ``"lr_scale"``, ``"alpha"``, ``"beta1"``, ``"beta2"``, ``"eps"``,
    ``"momentum"``: widgets whose ``value`` may be set from code too; ``"show"``: a dict
    of one checkbox per optimizer name), ``figure`` (the matplotlib Figure: ``paths_ax``,
    ``loss_ax``, ``rate_ax``), ``lines`` (``{name: {"path", "end", "loss", "rate_x",
    "rate_y"}}``: each optimizer's Line2D objects), ``runs`` (``{name: ProblemRun}`` of the
    shown optimizers), ``problem`` (the Problem shown), ``image`` (the ipywidgets.Image
    showing the figure as PNG), ``status`` (the HTML line below it) and ``timings``
    (seconds the last change took: ``"run"`` the optimizers, ``"draw"`` the figure and its
    PNG). Built by ``explore``, which checks the arguments. No PyTorch equivalent.
    """

    def __init__(self, problem, optimizers, steps, lr_scale, alpha, betas, eps, momentum):
        import ipywidgets as widgets
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter, NullLocator

        from . import problems
        from .comparison import OPTIMIZERS, _optimizer_entries
        from .plot import _colors

        self._problems = {name: None for name in PROBLEMS_2D}  # built when first shown
        given = _problem_2d(problem)
        self._problems[given.name] = given
        entries = _optimizer_entries(optimizers)
        if steps is None and given.steps > STEPS_MAX:
            raise ValueError(
                f"problem {given.name!r} runs {given.steps} steps, more than explore's {STEPS_MAX}; pass steps="
            )
        steps = given.steps if steps is None else check_int("steps", steps, 1, STEPS_MAX)
        # the sliders' ranges: a value outside one would be moved into it without a word
        lr_scale = check_range("lr_scale", lr_scale, 10 ** LR_SCALE_DECADES[0], 10 ** LR_SCALE_DECADES[1])
        alpha = check_decay("alpha", alpha)
        betas = check_pair("betas", betas, "beta1, beta2", check_decay, check_decay)
        eps = check_range("eps", eps, 10 ** EPS_DECADES[0], 10 ** EPS_DECADES[1])
        momentum = check_decay("momentum", momentum)

        shown = list(entries)
        self._entries = {**entries, **{name: name for name in OPTIMIZERS if name not in entries}}
        self._run = problems.run
        self.problem = given
        self.runs: dict = {}
        self.timings: dict[str, float] = {}
        self._keys: dict[str, tuple] = {}  # name -> the settings its run in self.runs was made with
        self._errors: dict[str, Exception] = {}
        self._quiet = False  # set while several controls are changed as one

        log = {"base": 10, "step": 0.05, "continuous_update": False, "readout_format": ".3g"}
        style = {"description_width": "initial"}
        self.controls = {
            "problem": widgets.Dropdown(options=list(self._problems), value=given.name, description="problem"),
            "steps": widgets.IntSlider(
                value=steps, min=1, max=_steps_max(given, steps), description="steps", continuous_update=False
            ),
            "lr_scale": widgets.FloatLogSlider(
                value=lr_scale, min=LR_SCALE_DECADES[0], max=LR_SCALE_DECADES[1], description="lr ×", **log
            ),
            "eps": widgets.FloatLogSlider(value=eps, min=EPS_DECADES[0], max=EPS_DECADES[1], description="eps", **log),
            "alpha": _stops(widgets, "alpha", ALPHAS, alpha),
            "beta1": _stops(widgets, "beta1", BETA1S, betas[0]),
            "beta2": _stops(widgets, "beta2", BETA2S, betas[1]),
            "momentum": _stops(widgets, "momentum", MOMENTA, momentum),
            "show": {
                name: widgets.Checkbox(
                    value=name in shown, description=name, indent=False, layout=widgets.Layout(width="auto")
                )
                for name in self._entries
            },
        }
        for key, tip in TIPS.items():
            control = self.controls[key]
            control.style = style
            control.tooltip = tip
            # the four decay sliders share a row, the others go two to a row: long enough to aim with
            control.layout.width = "24%" if key in ("alpha", "beta1", "beta2", "momentum") else "48%"
        self.controls["problem"].observe(self._problem_changed, names="value")
        for name in ("steps", "lr_scale", "eps", "alpha", "beta1", "beta2", "momentum"):
            self.controls[name].observe(self._changed, names="value")
        for box in self.controls["show"].values():
            box.observe(self._changed, names="value")

        self._colors = _colors(self._entries)
        # fixed margins: a layout engine would measure every label again at each redraw, which took
        # most of a redraw's time
        self.figure = Figure(figsize=(12, 5.8), dpi=80)
        grid = self.figure.add_gridspec(
            2, 2, width_ratios=[1.15, 1], left=0.06, right=0.98, bottom=0.09, top=0.9, wspace=0.16, hspace=0.3
        )
        self.paths_ax = self.figure.add_subplot(grid[:, 0])
        self.loss_ax = self.figure.add_subplot(grid[0, 1])
        self.rate_ax = self.figure.add_subplot(grid[1, 1], sharex=self.loss_ax)
        self.lines: dict[str, dict] = {}
        self._target = self.loss_ax.axhline(1.0, color="grey", ls="--", lw=0.9)
        for name, color in self._colors.items():
            self.lines[name] = {
                "loss": self.loss_ax.plot([], [], color=color, label=name)[0],
                "rate_x": self.rate_ax.plot([], [], color=color, lw=1.5, label=name)[0],
                "rate_y": self.rate_ax.plot([], [], color=color, lw=1.2, ls="--")[0],
            }
        for ax in (self.loss_ax, self.rate_ax):
            ax.set_yscale("log")
            ax.set_ylim(1e-3, 1)  # kept while nothing is drawn: the default (0, 1) cannot be drawn on a log axis
            # plain-text labels such as 1e-03: matplotlib's default 10^{-3} is typeset as mathtext,
            # whose parser took a third of a redraw whenever the axis range changed
            ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}"))
            ax.yaxis.set_minor_locator(NullLocator())  # a log axis's minor ticks took a quarter of a redraw
        self.rate_ax.set_xlabel("step (square-root scale)")
        self.rate_ax.set_ylabel("effective lr")
        self.rate_ax.set_title("effective learning rate: x solid, y dashed", fontsize=10)

        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.status = widgets.HTML()
        row = widgets.HBox
        self.widget = widgets.VBox(
            [
                row([self.controls["problem"], self.controls["steps"]]),
                row([self.controls["lr_scale"], self.controls["eps"]]),
                row([self.controls[name] for name in ("alpha", "beta1", "beta2", "momentum")]),
                row(list(self.controls["show"].values()), layout=widgets.Layout(flex_flow="row wrap")),
                self.image,
                self.status,
            ]
        )
        self._draw_problem()
        begin = self._rerun()
        if self._errors:  # an optimizer that cannot run at all is an error of the call
            raise next(iter(self._errors.values()))
        self._show(begin)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def settings(self, name: str) -> tuple[float | None, dict]:
        """``(lr, options)`` that optimizer ``name`` runs with under the current controls, as
        ``problems.run`` takes them (``lr`` None and no options for a factory)."""
        from .comparison import OPTIMIZERS
        from .optim import Optimizer

        entry = self._entries[name]
        if isinstance(entry, str):
            cls, given = OPTIMIZERS[entry]
            base = {**cls.defaults, **given}
            lr = self.problem.lr.get(entry, given["lr"])
        elif isinstance(entry, type) and issubclass(entry, Optimizer):
            base = dict(entry.defaults)
            lr = base.get("lr")
        else:  # a factory: its settings are its own
            return None, {}
        value = {key: control.value for key, control in self.controls.items() if key != "show"}
        options = {}
        if "alpha" in base:
            options["alpha"] = value["alpha"]
        if "betas" in base:
            options["betas"] = (value["beta1"], value["beta2"])
        if "eps" in base:
            options["eps"] = value["eps"]
        if base.get("momentum"):
            options["momentum"] = value["momentum"]
        return (None if lr is None else lr * value["lr_scale"]), options

    def update(self) -> None:
        """Rerun every shown optimizer whose settings changed and redraw the figure (each
        control's change calls this)."""
        self._show(self._rerun())

    def _rerun(self) -> float:
        """Rerun every shown optimizer whose settings changed; returns when it began."""
        begin = time.perf_counter()
        steps = self.controls["steps"].value
        shown = [name for name, box in self.controls["show"].items() if box.value]
        self._errors = {}
        for name in shown:
            lr, options = self.settings(name)
            key = (id(self.problem), steps, lr, repr(options))
            if name in self.runs and self._keys.get(name) == key:
                continue
            self.runs.pop(name, None)
            # a notebook shows this at once, while the run (seconds on Rosenbrock) goes on
            self.status.value = f"running {html.escape(name)} for {steps} steps..."
            try:
                self.runs[name] = self._run(
                    self.problem, self._entries[name], lr=lr, steps=steps, name=name, options=options
                )
                self._keys[name] = key
            except Exception as error:  # a learner's optimizer may fail in any way: say so, keep the rest
                self._errors[name] = error
        for name in list(self.runs):
            if name not in shown:
                del self.runs[name]
        return begin

    def _show(self, begin: float) -> None:
        """Grey out the unused controls, redraw the figure and say what ran."""
        shown = [name for name, box in self.controls["show"].items() if box.value]
        used = set()  # the controls that some shown optimizer takes; the others are greyed out
        for name in shown:
            lr, options = self.settings(name)
            used |= {"lr_scale"} if lr is not None else set()
            used |= {"beta1", "beta2"} if "betas" in options else set(options)
        for key in ("lr_scale", "eps", "alpha", "beta1", "beta2", "momentum"):
            self.controls[key].disabled = key not in used
        ran = time.perf_counter()
        self._redraw()
        done = time.perf_counter()
        self.timings = {"run": ran - begin, "draw": done - ran}
        self._say()

    def _problem_changed(self, change) -> None:
        from . import problems

        name = change["new"]
        if self._problems[name] is None:
            self._problems[name] = problems.get(name)
        self.problem = self._problems[name]
        steps = self.controls["steps"]
        self._quiet = True
        try:  # the new problem's own step count, on a slider that reaches three times it
            steps.max = _steps_max(self.problem, steps.min)
            steps.value = self.problem.steps
        finally:
            self._quiet = False
        self.runs.clear()
        self._draw_problem()
        self.update()

    def _changed(self, change) -> None:
        if not self._quiet:
            self.update()

    def _draw_problem(self) -> None:
        """The paths panel of the current problem: contours, start, optima and one (empty)
        path and end marker per optimizer."""
        from .plot import draw_paths

        problem, ax = self.problem, self.paths_ax
        ax.clear()
        placeholders = {name: problem.start[None, :] for name in self._entries}
        draw_paths(
            lambda p: problem._expression(p[0], p[1]),
            placeholders,
            problem.start,
            bounds=problem.bounds,
            ax=ax,
            levels=25,
        )
        paths = {line.get_label(): line for line in ax.get_lines() if line.get_label() in self._entries}
        for name, color in self._colors.items():
            paths[name].set_color(color)
            self.lines[name]["path"] = paths[name]
            self.lines[name]["end"] = ax.plot([], [], "o", ms=9, mfc="none", mec=color, mew=1.5)[0]
        ax.plot(problem.optima[:, 0], problem.optima[:, 1], "k+", ms=12, mew=1.5)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        markers = [
            ax.plot([], [], "k*", ms=10, label="start")[0],
            ax.plot([], [], "ko", ms=9, mfc="none", mew=1.5, label="end of a path")[0],
            ax.plot([], [], "k+", ms=12, mew=1.5, label="minimum" if len(problem.optima) == 1 else "minima")[0],
        ]
        ax.legend(handles=markers, fontsize=8, loc="upper left")
        shifted = problem.optimum_loss != 0
        sign = "+" if problem.optimum_loss < 0 else "-"
        self.loss_ax.set_ylabel(f"loss {sign} {abs(problem.optimum_loss):.4g}" if shifted else "loss")
        self.loss_ax.set_title(
            _wrapped(f"loss{' above the optimum' if shifted else ''}; dashed: target ({problem.target})", LOSS_TITLE),
            fontsize=10,
        )
        gap = problem.target_loss - problem.optimum_loss
        self._target.set_ydata([gap, gap])

    def _redraw(self) -> None:
        from .plot import _for_log, _log_floor, _noted, _sqrt_step_axis

        problem = self.problem
        gaps = {name: run.losses - problem.optimum_loss for name, run in self.runs.items()}
        floor = _log_floor(*gaps.values(), np.array([problem.target_loss - problem.optimum_loss]))
        rates = {name: run.effective_lr for name, run in self.runs.items()}
        rate_floor = _log_floor(*rates.values())
        drawn_losses, drawn_rates = [], []
        for name, lines in self.lines.items():
            run = self.runs.get(name)
            for line in lines.values():
                line.set_visible(run is not None)
            if run is None:
                continue
            path = np.where(np.isfinite(run.path), run.path, np.nan)
            lines["path"].set_data(path[:, 0], path[:, 1])
            lines["end"].set_data(path[-1:, 0], path[-1:, 1])
            lines["end"].set_visible(not run.diverged)
            gap, notes = _for_log(gaps[name], floor)
            lines["loss"].set_data(np.arange(len(gap)), gap)
            drawn_losses.append(gap)
            reached = run.steps_to_target
            outcome = {
                "reached target": f"target at step {reached}",
                "reached, ended above": f"target at step {reached}, ended above",
                "missed target": "target missed",
                "error": f"{type(run.error).__name__} at step {len(run.path)} (below the figure)",
            }.get(run.status, run.status)
            lr = run.options.get("lr")
            said = f"{name}, lr {lr:.3g}" if isinstance(lr, (int, float)) else name
            lines["loss"].set_label(_noted(f"{said}: {outcome}", notes))
            steps = np.arange(1, len(rates[name]) + 1)
            for coordinate, key in enumerate(("rate_x", "rate_y")):
                values, _ = _for_log(rates[name][:, coordinate], rate_floor)
                lines[key].set_data(steps, values)
                drawn_rates.append(values)
        steps = self.controls["steps"].value
        self.paths_ax.set_title(f"{_wrapped(problem.title, PATHS_TITLE)}\n{steps} steps from the star", fontsize=10)
        shown = [lines["loss"] for name, lines in self.lines.items() if name in self.runs]
        self.loss_ax.legend(
            handles=[*shown, self._target],
            labels=[*(line.get_label() for line in shown), "target"],
            fontsize=8,
            loc="lower left",
        )
        target = self._target.get_ydata()[:1]
        # a loss that blew up would squash the others into a flat line: the axis stops at a thousand
        # times the start's, and a curve above it leaves through the top (its legend says diverged)
        top = 1e3 * max((gap[0] for gap in drawn_losses), default=np.inf)
        for ax, curves, ceiling in ((self.loss_ax, [*drawn_losses, target], top), (self.rate_ax, drawn_rates, np.inf)):
            values = np.concatenate([np.ravel(curve) for curve in curves]) if curves else np.array([])
            values = values[np.isfinite(values) & (values > 0)]
            if values.size:  # a factor of 2 beyond the extremes, so that a constant rate is a line inside
                ax.set_ylim(values.min() / 2, min(values.max() * 2, ceiling))
        # as in minigrad race: the first steps, where the optimizers part ways, get room, and a long
        # run's later steps, where little changes, are pressed together
        _sqrt_step_axis(self.loss_ax, steps)
        self._render()

    def _render(self) -> None:
        """The figure as PNG, into the image widget."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})  # speed over size
        self.image.value = buffer.getvalue()

    def _say(self) -> None:
        """The status line: each shown optimizer's settings, the time taken, any error."""
        parts = []
        for name, run in self.runs.items():
            options = ", ".join(
                f"{key} {_setting(value)}"
                for key, value in run.options.items()
                if key in ("lr", "alpha", "betas", "eps", "momentum")
            )
            parts.append(f"<b>{html.escape(name)}</b>: {html.escape(options)}")
        # a later step's error stops the run where it was, drawn; minigrad race words it the same
        later = [
            f"<b>{html.escape(name)}</b>: "
            + html.escape(f"step {len(run.path)} raised {type(run.error).__name__}: {run.error}")
            for name, run in self.runs.items()
            if run.error is not None
        ]
        for name, error in self._errors.items():
            parts.append(f"<b>{html.escape(name)}</b> failed: {html.escape(f'{type(error).__name__}: {error}')}")
        timing = f"ran in {self.timings['run']:.2f} s, drawn in {self.timings['draw']:.2f} s"
        self.status.value = "<br>".join(
            [" · ".join(parts[: len(self.runs)]) or "no optimizer shown", *later, *parts[len(self.runs) :], timing]
        )


def _stops(widgets, name: str, stops: tuple, value: float):
    """A slider over ``stops`` (and ``value``, if it is not one of them), each labelled in
    its shortest form. A value within float32 round-off of a stop (``np.float32(0.9)``) is
    that stop: it would otherwise sit beside it under the same label."""
    value = next((stop for stop in stops if math.isclose(stop, value, rel_tol=1e-6)), value)
    options = [(f"{option:g}", option) for option in sorted({*stops, value})]
    return widgets.SelectionSlider(options=options, value=value, description=name, continuous_update=False)


def _wrapped(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters, at spaces."""
    return "\n".join(textwrap.wrap(text, width))


def _steps_max(problem, steps: int) -> int:
    """The steps slider's end: three times the problem's own count (or ``steps``, if more),
    at most ``STEPS_MAX``."""
    return min(max(3 * problem.steps, steps), STEPS_MAX)


def _setting(value) -> str:
    """An option's value in the status line: numbers in their shortest form (0.9, not
    0.8999999761581421), a pair such as betas as (0.9, 0.999)."""
    if isinstance(value, (tuple, list)):
        return f"({', '.join(map(_setting, value))})"
    if isinstance(value, (float, np.floating)):
        return f"{value:.3g}"
    return str(value)


def _problem_2d(problem):
    """The Problem to explore: a name from ``PROBLEMS_2D`` or a 2-D Problem with bounds."""
    from . import problems

    if isinstance(problem, str):
        if problem not in PROBLEMS_2D:
            known = f"choose from {', '.join(PROBLEMS_2D)}"
            if problem in problems.PROBLEMS:
                raise ValueError(f"problem {problem!r} is not a 2-D problem with contours to draw; {known}")
            raise ValueError(f"unknown problem {problem!r}; {known}")
        return problems.get(problem)
    if isinstance(problem, problems.Problem):
        if problem.dim != 2 or problem.bounds is None:
            raise ValueError(
                f"problem {problem.name!r} has {problem.dim} parameters and bounds {problem.bounds}; "
                f"explore needs a 2-D problem with bounds, such as {', '.join(PROBLEMS_2D)}"
            )
        return problem
    raise TypeError(f"problem must be a name ({', '.join(PROBLEMS_2D)}) or a 2-D problems.Problem, got {problem!r}")

"""Figures of what training did: loss curves, effective learning rates (the factor on each
update direction), update sizes (how far the weights moved), decision boundaries, and
optimizer paths over a 2-D loss surface; and ``show``, which writes a figure to the
figures folder and shows it inline in a notebook.

Each drawing function draws into ``ax`` (a matplotlib Axes) if given, else into a new
Figure, and returns the Axes. Figures are built without pyplot, so saving works on
machines with no display, and a notebook shows a figure once, where ``show`` is called.
"""

from __future__ import annotations

import io
import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
from matplotlib.cbook import normalize_kwargs
from matplotlib.colors import ListedColormap, to_hex, to_rgb
from matplotlib.figure import Figure, SubFigure
from matplotlib.image import imread
from matplotlib.lines import Line2D

from .checks import check_int
from .comparison import Comparison
from .optim import Adagrad
from .tensor import Tensor, no_grad
from .train import History

__all__ = [
    "show",
    "figures_folder",
    "loss_curves",
    "effective_lr_curves",
    "sqrt_guide",
    "update_size_curves",
    "decision_boundary",
    "optimizer_paths",
    "draw_paths",
    "step_curves",
    "mark_step",
    "mark_point",
    "quadratic_paths",
    "paths_legend",
    "losses_to_target",
    "lr_sensitivity",
    "comparison_figure",
    "COLORS",
    "CLASS_COLORS",
    "race",
]

# every two at least 35 apart in CIELAB (delta E 1976; the four main ones, sgd to adam, as in the README's
# figures), so that no two optimizers' markers look alike
COLORS = {
    "sgd": "#1f77b4",
    "momentum": "#17becf",
    "adagrad": "#d62728",
    "rmsprop": "#2ca02c",
    "adam": "#9467bd",
    "adamw": "#8c564b",
    "adadelta": "#ff7f0e",
    "rprop": "#bcbd22",
    "nadam": "#1a1a1a",
    "radam": "#f7b6d2",
    "adamax": "#e7298a",
}


# one colour per class: points in full colour, the region a class is predicted in as a tint
CLASS_COLORS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999", "#17becf",
                "#bcbd22"]  # fmt: skip


def figures_folder() -> Path:
    """Where ``show`` writes figures: the folder named by the environment variable
    ``MINIGRAD_FIGURES`` if set; else ``figures/`` next to the script being run
    (``python tutorials/04_adagrad.py`` writes to ``tutorials/figures/``); else, in a
    notebook or an interactive session, ``figures/`` in the working folder (Jupyter's is
    the notebook's own folder). A short run (``MINIGRAD_QUICK=1``, the tutorials' quick
    mode) writes to ``quick/`` inside that ``figures/`` folder instead, so that it never
    replaces the figures of a full run. The folder is created by the first ``show``, not
    here."""
    named = os.environ.get("MINIGRAD_FIGURES")
    if named:
        return Path(named)
    script = getattr(sys.modules.get("__main__"), "__file__", None)
    folder = Path(script).resolve().parent / "figures" if script and not _in_notebook() else Path.cwd() / "figures"
    return folder / "quick" if os.environ.get("MINIGRAD_QUICK") == "1" else folder


def show(fig: Figure, name: str, dpi: int = 100) -> None:
    """Write ``fig`` as ``<name>.png`` into ``figures_folder()`` and, in a Jupyter or VS Code
    notebook, show it inline below the cell (like matplotlib's ``plt.show``, it returns
    None, so a cell ending with it shows nothing else); outside a notebook, print where
    the file is.

    The file is left untouched when it already holds the same picture, so rerunning a
    notebook does not change a committed figure unless the figure really changed; a new
    picture replaces the old file in one step, so an interrupted run never leaves half a
    PNG. ``fig`` may be a Figure or a SubFigure (its whole figure is written); a figure
    that pyplot manages is closed once shown, so the notebook does not show it twice.
    Raises TypeError if ``fig`` is not a matplotlib figure or ``dpi`` not an int;
    ValueError if ``name`` is blank, starts with a dot, names a folder or another image
    format than PNG, or if ``dpi`` is not between 1 and 1000. No PyTorch equivalent
    (matplotlib's ``savefig`` plus ``IPython.display``)."""
    if isinstance(fig, SubFigure):
        fig = fig.figure
    if not isinstance(fig, Figure):
        raise TypeError(f"show needs a matplotlib Figure (ax.figure for an Axes), got {type(fig).__name__}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as '04_paths', got {name!r}")
    stem = name[:-4] if name.lower().endswith(".png") else name
    if not stem.strip() or stem.startswith(".") or any(sep in name for sep in "/\\") or Path(name).name != name:
        raise ValueError(f"name must be a plain file name such as '04_paths' (no folder, no leading dot), got {name!r}")
    if Path(stem).suffix.lower() in {".svg", ".pdf", ".jpg", ".jpeg", ".eps", ".gif", ".tif", ".tiff", ".webp"}:
        raise ValueError(f"show writes PNG files: give the name without {Path(stem).suffix!r}, got {name!r}")
    dpi = check_int("dpi", dpi, minimum=1)
    if dpi > 1000:
        raise ValueError(f"dpi must be at most 1000 (a 6 x 4 inch figure at 1000 dpi is 24 million pixels), got {dpi}")
    buffer = io.BytesIO()
    # no "Software" stamp: the bytes depend on the picture only, not on matplotlib's version
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    png = buffer.getvalue()
    path = figures_folder() / f"{stem}.png"
    changed = not _same_picture(path, png)
    if changed:
        _write(path, png)
    if not _in_notebook():
        print(f"figure {_shown(path)}{'' if changed else ' (unchanged)'}")
        return
    from IPython.display import Image, display

    display(Image(data=png, format="png"))
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and pyplot.fignum_exists(getattr(fig, "number", -1)):
        pyplot.close(fig)  # else the inline backend shows it again at the end of the cell


def _write(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` in one step (a temporary file next to it, renamed), so an
    interrupted write leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it lies inside it (shorter to read)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _same_picture(path: Path, png: bytes) -> bool:
    """Whether the file at ``path`` already shows the picture encoded in ``png`` (equal
    bytes, or equal pixels when another zlib encoded the same picture differently)."""
    if not path.is_file():
        return False
    old = path.read_bytes()
    if old == png:
        return True
    try:
        before, after = imread(io.BytesIO(old), format="png"), imread(io.BytesIO(png), format="png")
    except (OSError, ValueError):  # not a readable PNG: replace it
        return False
    return before.shape == after.shape and np.array_equal(before, after)


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (JupyterLab, Notebook, VS Code, nbclient),
    where an image shown with IPython.display appears below the cell."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


def _tint(color: str, amount: float = 0.7):
    return tuple(c + (1 - c) * amount for c in to_rgb(color))


def _shade(color: str, amount: float = 0.5):
    return tuple(c * (1 - amount) for c in to_rgb(color))


def _axes(ax, figsize=(6, 4)):
    if ax is not None:
        return ax
    return Figure(figsize=figsize, layout="constrained").add_subplot()


def _histories(results) -> dict[str, list[History]]:
    """Accept a Comparison, or {name: History or [History, ...]}."""
    if isinstance(results, Comparison):
        return results.histories()
    if not isinstance(results, Mapping):
        raise TypeError(f"expected a Comparison or a dict of name -> History, got {type(results).__name__}")
    return {name: (list(h) if isinstance(h, (list, tuple)) else [h]) for name, h in results.items()}


def _color(name, index):
    return COLORS.get(name, f"C{index}")


def _colors(names) -> dict[str, str]:
    """Each optimizer's colour in one plot: its own from ``COLORS``, and for another name (a
    learner's optimizer) the next of matplotlib's ten cycle colours that no name here takes,
    so a new optimizer never wears the colour of one beside it."""
    names = list(names)
    taken = {to_hex(COLORS[name]) for name in names if name in COLORS}
    free = [color for color in (to_hex(f"C{i}") for i in range(10)) if color not in taken] or ["C0"]
    others = iter(free * (1 + len(names) // len(free)))
    return {name: COLORS[name] if name in COLORS else next(others) for name in names}


# the largest value drawn on a log axis: matplotlib's log ticks overflow for data near the
# float64 limit (a loss of 7e265 crashed the figure), and nothing that large is worth reading
_LOG_TOP = 1e100


def _log_floor(*arrays) -> float:
    """Where a zero is drawn on a log axis: a tenth of the least positive finite value of
    ``arrays`` (of at most ``_LOG_TOP``), so it lies at the foot of the axis; 1e-12 if none
    is positive."""
    least = min((float(a[(a > 0) & np.isfinite(a)].min()) for a in map(np.asarray, arrays)
                 if np.any((a > 0) & np.isfinite(a))), default=1e-11)  # fmt: skip
    return min(least, _LOG_TOP) / 10


def _sqrt_ticks(last: int) -> list[int]:
    """Round steps from 0 to ``last`` for a square-root axis, spaced evenly enough on it
    that their labels do not run into each other."""
    ticks = [0]
    for tick in sorted({m * 10**e for e in range(8) for m in (1, 2, 5)}):
        if tick < last and np.sqrt(tick) - np.sqrt(ticks[-1]) >= np.sqrt(last) / 9:
            ticks.append(tick)
    if np.sqrt(last) - np.sqrt(ticks[-1]) < np.sqrt(last) / 12:
        ticks.pop()
    return [*ticks, last]


def _sqrt_step_axis(ax, last: int) -> None:
    """Steps 0 to ``last`` on a square-root scale (the race's and the explorer's step axis),
    with round ticks from ``_sqrt_ticks``."""
    ax.set_xscale("function", functions=(np.sqrt, np.square))
    ax.set_xlim(0, last)
    ax.set_xticks(_sqrt_ticks(last))


def _for_log(values, floor: float) -> tuple[np.ndarray, list[str]]:
    """``values`` made drawable on a log axis, and what was moved, for the legend: zeros
    (and round-off below zero) drawn at ``floor``, values above ``_LOG_TOP`` (+inf too) at
    ``_LOG_TOP``; nan stays a gap."""
    values = np.asarray(values, dtype=np.float64)
    notes = []
    if np.any(values <= 0):
        notes.append("0 drawn at the foot")
    if np.any(values > _LOG_TOP):
        notes.append(f"above {_LOG_TOP:.0e} drawn at {_LOG_TOP:.0e}")
    return np.where(values <= 0, floor, np.minimum(values, _LOG_TOP)), notes


def _noted(label: str, *notes: list[str]) -> str:
    """``label`` with the notes of ``_for_log`` in brackets, each once."""
    said = list(dict.fromkeys(note for group in notes for note in group))
    return f"{label} ({'; '.join(said)})" if said else label


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Moving average over ``window`` steps, so the trend shows through mini-batch noise."""
    if window <= 1 or len(values) < window:
        return values
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def loss_curves(results, ax=None, smooth: int | None = None):
    """Training loss per step (log scale), smoothed: a moving average over ``smooth`` steps
    (default: a 50th of the run), which the title names; with several seeds, their median
    and the band between the lowest and highest (over the steps every seed's run reached).
    A loss of exactly 0 is drawn at the foot of the axis and one above 1e100 at 1e100, each
    said in the curve's legend entry."""
    ax = _axes(ax)
    results = _histories(results)
    colors = _colors(results)
    drawn, windows = {}, set()
    for name, histories in results.items():
        steps = min(len(h.loss) for h in histories)
        if steps == 0:
            continue
        window = smooth if smooth is not None else max(1, steps // 50)
        # float64, so that a huge finite loss averages to a huge loss, not to inf
        curves = np.array([_smooth(np.asarray(h.loss[:steps], dtype=np.float64), window) for h in histories])
        drawn[name] = (curves, window)
        windows.add(window)
    floor = _log_floor(*(curves for curves, _ in drawn.values()))
    for name, (curves, window) in drawn.items():
        x = np.arange(curves.shape[1]) + window
        median, notes = _for_log(np.median(curves, axis=0), floor)
        ax.plot(x, median, color=colors[name], label=_noted(name, notes))
        if len(curves) > 1:
            (low, _), (high, _) = _for_log(curves.min(axis=0), floor), _for_log(curves.max(axis=0), floor)
            ax.fill_between(x, low, high, color=colors[name], alpha=0.2)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    seeds = max((len(h) for h in results.values()), default=1)
    title = "Loss" if seeds == 1 else f"Loss (median and range over {seeds} seeds)"
    if max(windows, default=1) > 1:  # on a line of its own, so that three panels' titles fit in a row
        title += f"\nmoving average over {'-'.join(map(str, sorted({min(windows), max(windows)})))} steps"
    ax.set_title(title)
    ax.legend()
    return ax


def lr_sensitivity(comparison: Comparison, ax=None, explode: float = 3.0):
    """The tuning trials of ``compare(..., tune=True)``: each optimizer's validation loss
    after its last epoch against the learning rate tried (both axes logarithmic), one line
    per optimizer and a ringed dot at the chosen rate.

    The y axis runs from the lowest validation loss to ``explode`` times the trials' loss
    at their first step (their median), so that blown-up trials do not squash the rest
    into a flat line. A trial above that top (it blew up, but stayed finite) is a triangle
    at the top edge, one that diverged or broke (no loss to plot) a cross there; each gets
    a legend entry, and they sit above the plotted range, where they cannot hide a ring. A
    trial stopped by Ctrl-C has no validation loss and is left out. Returns the Axes.
    Raises TypeError for what is not a Comparison, ValueError for a comparison that was not
    tuned. No PyTorch equivalent."""
    if not isinstance(comparison, Comparison):
        raise TypeError(f"expected a Comparison, got {type(comparison).__name__}")
    if not comparison.tuned:
        raise ValueError("this comparison was not tuned: lr_sensitivity needs compare(..., tune=True)")
    ax = _axes(ax)
    colors = _colors(comparison.trials)
    # a trial stopped by Ctrl-C has no validation loss
    kept = {name: [t for t in trials if t.status != "interrupted"] for name, trials in comparison.trials.items()}
    every = [trial for trials in kept.values() for trial in trials]
    finite = [trial.val_loss for trial in every if not trial.diverged and trial.val_loss > 0]
    starts = [trial.run.history.loss[0] for trial in every if trial.run is not None and trial.run.history.loss]
    starts = [loss for loss in starts if math.isfinite(loss) and loss > 0]
    top = explode * float(np.median(starts)) if starts else max(finite, default=1.0)
    low = min(finite, default=top)
    low = min(low, top) / 1.5
    # the plotted range fills the lower 88% of the axes (log scale); the marks at the top edge sit above it
    ceiling = low * (top / low) ** (1 / 0.88)
    exploded = diverged = False
    for index, (name, trials) in enumerate(kept.items()):
        if not trials:
            continue
        rates = np.array([t.lr for t in trials])
        losses = np.array([t.val_loss if not t.diverged else np.nan for t in trials])
        above = losses > top
        ax.plot(rates, np.where(above, np.nan, losses), "o-", color=colors[name], ms=4, label=name)
        height = 0.93 + 0.025 * (index % 3)  # staggered, so that two optimizers' marks at one lr both show
        for marks, marker in ((above, "^"), (np.isnan(losses), "x")):
            ax.plot(rates[marks], np.full(int(marks.sum()), height), marker, color=colors[name], ms=7, mew=2,
                    transform=ax.get_xaxis_transform())  # fmt: skip
        exploded, diverged = exploded or bool(above.any()), diverged or bool(np.isnan(losses).any())
        chosen = comparison.chosen.get(name)
        for trial, is_above in zip(trials, above, strict=True):
            if trial.lr == chosen and not trial.diverged:
                where = {"transform": ax.get_xaxis_transform()} if is_above else {}
                ax.plot([trial.lr], [height if is_above else trial.val_loss], "o", ms=11, mfc="none",
                        mec=colors[name], mew=2, **where)  # fmt: skip
    ax.plot([], [], "o", ms=11, mfc="none", mec="k", mew=2, label="chosen")
    if exploded:
        ax.plot([], [], "k^", ms=7, label=f"validation loss above {top:.3g} ({explode:g}x the first step's)")
    if diverged:
        ax.plot([], [], "kx", ms=7, mew=2, label="diverged or broke")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(low, ceiling)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("validation loss after the last epoch")
    ax.set_title("Learning-rate sensitivity (trials, first seed, validation split)")
    ax.legend(fontsize=8)
    return ax


def effective_lr_curves(results, ax=None, sqrt_guide: Iterable[str] | None = None):
    """The effective learning rate per step (``History.effective_lr``, first seed): the
    factor each optimizer multiplied its update direction by (``lr`` for SGD,
    ``lr / (sqrt(v) + eps)`` for RMSprop, ...), its median over the coordinates that got a
    gradient as a line and the 10th to 90th percentile as a band, on a log scale. It is
    not the step each weight took: that is this factor times the direction (see
    ``update_size_curves``). At AdaGrad's first step the factor is about ``lr / |g|``, often
    far above 1, while the step is about ``lr``.

    ``sqrt_guide`` names the curves that get a dashed guide ``c / sqrt(t)``, drawn in the
    curve's colour over every step and labelled ``∝ 1/√t (through NAME at step t0)``, with
    ``c`` chosen so that the guide passes through the curve's median at step
    ``t0 = round(sqrt(T))`` (T the last step; t0 is the middle of the run on a log scale).
    AdaGrad's rate is ``lr / sqrt(sum of its squared gradients)``, so it follows
    ``1 / sqrt(t)`` while the gradients keep a steady size; where the curve falls faster
    than the guide the gradients grew, where it falls more slowly they shrank. By default
    (None) a ``Comparison`` draws the guide for every run whose optimizer is an
    ``optim.Adagrad`` (or a subclass); a dict of histories says nothing about its
    optimizers, so it gets no guide unless named here. Returns the Axes. Raises TypeError
    if ``sqrt_guide`` is not a list of names, ValueError if it names a curve that
    ``results`` lacks. No PyTorch equivalent."""
    guided = _adagrad_names(results) if sqrt_guide is None else _guide_names(sqrt_guide)
    ax = _axes(ax)
    results = _histories(results)
    missing = [name for name in guided if name not in results]
    if missing:
        raise ValueError(f"sqrt_guide names {missing}, which are not among the curves {list(results)}")
    colors = _colors(results)
    _summary_curves(ax, results, "effective_lr", colors, guided)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("factor on the update direction")
    ax.set_title(f"Effective learning rate (median, 10-90% band){_first_seed(results)}")
    ax.legend()
    return ax


def update_size_curves(results, ax=None):
    """The update size per step (``History.update_size``, first seed): how far each weight
    actually moved in the step, ``|theta after - theta before|``, its median over the
    coordinates that got a gradient as a line and the 10th to 90th percentile as a band, on
    a log scale, in the style of ``effective_lr_curves``. For SGD it is ``lr * |grad|``; for
    AdaGrad's first step about ``lr``, whatever the factor ``effective_lr_curves`` shows.
    ``results`` is a ``Comparison`` or a dict {name: History or [History, ...]}; a
    history without update sizes (an empty list) draws nothing. Returns the Axes. Raises
    TypeError if ``results`` is neither. No PyTorch equivalent."""
    ax = _axes(ax)
    results = _histories(results)
    colors = _colors(results)
    _summary_curves(ax, results, "update_size", colors, [])
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("|change of a weight| in the step")
    ax.set_title(f"Update size |Δθ| (median, 10-90% band){_first_seed(results)}")
    ax.legend()
    return ax


def _first_seed(results: dict[str, list[History]]) -> str:
    """What a title adds when a panel draws the first seed of several: a line "first of K
    seeds" (its own line, so that three panels' titles fit in a row)."""
    seeds = max((len(histories) for histories in results.values()), default=1)
    return f"\nfirst of {seeds} seeds" if seeds > 1 else ""


def _summary_curves(ax, results: dict[str, list[History]], field: str, colors, guided) -> None:
    """Each first seed's per-step ``LRSummary`` list ``field`` (``effective_lr`` or
    ``update_size``): the median as a line, the 10-90% band, ready for a log axis
    (``_for_log``: an update of exactly 0 is drawn at the foot, and the legend says so)."""
    summaries = {name: np.array(getattr(histories[0], field), dtype=np.float64) for name, histories in results.items()}
    summaries = {name: summary for name, summary in summaries.items() if len(summary)}
    floor = _log_floor(*summaries.values())
    for name, summary in summaries.items():
        x = np.arange(1, len(summary) + 1)
        (median, notes), (low, _), (high, _) = (_for_log(summary[:, k], floor) for k in range(3))
        ax.plot(x, median, color=colors[name], label=_noted(name, notes))
        ax.fill_between(x, low, high, color=colors[name], alpha=0.15)
        if name in guided:
            _draw_sqrt_guide(ax, summary[:, 0], colors[name], name)


def _adagrad_names(results) -> list[str]:
    """The names of a Comparison's runs whose optimizer is AdaGrad (none for a dict)."""
    if not isinstance(results, Comparison):
        return []
    return [
        name
        for name, runs in results.runs.items()
        if runs and isinstance(runs[0].optimizer_class, type) and issubclass(runs[0].optimizer_class, Adagrad)
    ]


def _guide_names(names) -> list[str]:
    """``sqrt_guide`` as a list of names: one name on its own, or an iterable of names."""
    if isinstance(names, str):
        return [names]
    listed = list(names) if isinstance(names, Iterable) else None
    if listed is None or not all(isinstance(name, str) for name in listed):
        raise TypeError(f"sqrt_guide must be a list of curve names such as ['adagrad'], got {names!r}")
    return listed


def sqrt_guide(median) -> tuple[int, float] | None:
    """The guide ``c / sqrt(t)`` that ``effective_lr_curves`` draws through a per-step
    median (step t counts from 1): ``(t0, c)`` with ``t0 = round(sqrt(T))`` for T steps and
    ``c = median[t0] * sqrt(t0)``, so the guide meets the curve at step t0; None if the
    median there is not a positive number (or there are no steps)."""
    median = np.asarray(median, dtype=np.float64)
    if median.size == 0:
        return None
    anchor = max(1, round(np.sqrt(len(median))))
    at_anchor = median[anchor - 1]
    if not (np.isfinite(at_anchor) and at_anchor > 0):
        return None
    return anchor, float(at_anchor * np.sqrt(anchor))


def _draw_sqrt_guide(ax, median: np.ndarray, color, name: str) -> None:
    """The dashed ``c / sqrt(t)`` of ``sqrt_guide`` over every step, labelled."""
    guide = sqrt_guide(median)
    if guide is None:
        return
    anchor, c = guide
    t = np.arange(1, len(median) + 1)
    ax.plot(t, c / np.sqrt(t), color=color, ls="--", lw=1, label=f"∝ 1/√t (through {name} at step {anchor})")


def _boundary_region(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lower left and upper right corners of the plane ``decision_boundary`` draws:
    the data's range with a tenth of it to spare on each side."""
    margin = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 1e-9
    return X.min(axis=0) - margin, X.max(axis=0) + margin


def decision_boundary(model, X, y, ax=None, resolution: int = 200, title: str | None = None):
    """The class the model predicts at every point of the plane around ``X`` (N, 2), with
    the data on top coloured by ``y`` (N,) integer classes, on equal scales on both axes so
    that the data keeps its shape. ``model`` maps (M, 2) points to class scores (M, C), or
    one logit per point; it is put in eval mode for this and back. ``resolution`` points per
    side. Returns the Axes; ValueError if X is not (N, 2)."""
    X, y = np.asarray(X.data if isinstance(X, Tensor) else X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision boundaries need 2-D inputs, got X of shape {X.shape}")
    ax = _axes(ax, figsize=(4, 4))
    lo, hi = _boundary_region(X)
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(X.dtype)
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    with no_grad():
        scores = model(Tensor(grid)).data
    if was_training:
        model.train()
    predicted = scores.argmax(axis=1) if scores.ndim == 2 and scores.shape[1] > 1 else (scores.reshape(-1) > 0)
    classes = max(int(y.max()) + 1, int(predicted.max()) + 1)
    colors = [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(classes)]
    levels = np.arange(classes + 1) - 0.5
    ax.contourf(gx, gy, predicted.reshape(gx.shape), levels=levels, cmap=ListedColormap([_tint(c) for c in colors]))
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=ListedColormap(colors), vmin=-0.5, vmax=classes - 0.5, s=8,
               edgecolors="k", linewidths=0.2)  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal", adjustable="box")  # a circle stays a circle, whatever the panel's shape
    if title:
        ax.set_title(title)
    return ax


def optimizer_paths(
    fn: Callable[[Tensor], Tensor],
    optimizers: Mapping[str, tuple[type, dict]],
    start,
    steps: int = 100,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    ax=None,
    levels: int = 30,
    resolution: int = 150,
):
    """Run each optimizer (the real minigrad classes) from ``start`` on the 2-D function
    ``fn`` and draw its path over the function's contour lines.

    ``optimizers`` maps a label to ``(optimizer class, options)``; ``fn`` takes a Tensor of
    shape (2,) and returns a scalar Tensor. Returns ``(ax, paths)`` with paths as
    {label: array of shape (steps + 1, 2)}. The contours come from ``resolution`` x
    ``resolution`` points of ``fn``, all in one call when ``fn`` also works elementwise on a
    Tensor of shape (2, N) (as ``p[0] ** 2 + 10 * p[1] ** 2`` does), one point at a time
    otherwise.
    """
    paths = {}
    for label, (cls, options) in optimizers.items():
        point = Tensor(np.array(start, dtype=np.float64), requires_grad=True)
        optimizer = cls([point], **options)
        trail = [point.data.copy()]
        for _ in range(steps):
            optimizer.zero_grad()
            fn(point).backward()
            optimizer.step()
            trail.append(point.data.copy())
        paths[label] = np.array(trail)
    return draw_paths(fn, paths, start, bounds, ax, levels, resolution), paths


def draw_paths(fn: Callable[[Tensor], Tensor], paths: Mapping[str, np.ndarray], start, bounds=None, ax=None,
               levels: int = 30, resolution: int = 150):  # fmt: skip
    """Draw ``paths`` ({label: array of shape (steps + 1, 2)}, e.g. from ``optimizer_paths``
    or recorded by ``problems.run``) from ``start`` over the contour lines of ``fn`` (see
    ``optimizer_paths``), within ``bounds`` (default: around the finite points). Returns the
    Axes."""
    ax = _axes(ax, figsize=(6, 5))
    every = np.concatenate([p[np.all(np.isfinite(p), axis=1)] for p in paths.values()])
    if bounds is None:
        lo, hi = every.min(axis=0), every.max(axis=0)
        pad = 0.15 * (hi - lo) + 0.1
        bounds = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    gx, gy = np.meshgrid(np.linspace(*bounds[0], resolution), np.linspace(*bounds[1], resolution))
    surface = _surface(fn, gx, gy)
    ax.contour(gx, gy, np.log1p(surface - surface.min()), levels=levels, cmap="Greys", linewidths=0.6)
    for index, (label, path) in enumerate(paths.items()):
        ax.plot(path[:, 0], path[:, 1], ".-", color=_color(label.lower(), index), label=label, ms=3)
    ax.plot(*np.asarray(start, dtype=float), "k*", ms=10)
    ax.set_xlim(*bounds[0])
    ax.set_ylim(*bounds[1])
    ax.legend()
    return ax


def _surface(fn, gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    points = np.stack([gx.ravel(), gy.ravel()])
    with no_grad(), np.errstate(all="ignore"):
        try:  # one call for the whole grid, if fn is elementwise in the two coordinates
            values = fn(Tensor(points)).data
            if values.shape == (points.shape[1],):
                return values.reshape(gx.shape)
        except (ValueError, IndexError, TypeError):
            pass  # fn needs a point of shape (2,): evaluate point by point below
        values = [fn(Tensor(point)).item() for point in points.T]
    return np.array(values).reshape(gx.shape)


def step_curves(
    curves: Mapping[str, object],
    ax=None,
    ylabel: str = "effective learning rate",
    log: bool = True,
    colors: Mapping[str, str] | None = None,
    styles: Mapping[str, dict] | None = None,
    references: Mapping[str, float] | None = None,
):
    """One line per entry of ``curves`` against the step number, labelled with its key: an
    optimizer's effective learning rate, step size or distance, step by step.

    Each value is a 1-D array, drawn at steps 1, 2, ..., or a pair ``(steps, values)`` of
    1-D arrays of equal length (for a run that starts later). A line's colour is
    ``colors[label]`` if given, else the optimizer colour of the label's first word
    ("AdaGrad restarted" is AdaGrad's red), else matplotlib's cycle; ``styles[label]``
    holds extra keyword arguments for ``ax.plot`` (``ls``, ``lw``, ...). ``references``
    maps a label to a value drawn as a grey dashed horizontal line, labelled in the legend.
    The y axis is logarithmic unless ``log`` is False. Returns the Axes. Raises TypeError if
    ``curves`` is not a mapping, ValueError if a curve is not 1-D or its steps and values
    differ in length."""
    if not isinstance(curves, Mapping):
        raise TypeError(f"curves must be a dict of label -> values, got {type(curves).__name__}")
    ax = _axes(ax)
    colors, styles = colors or {}, styles or {}
    for index, (label, curve) in enumerate(curves.items()):
        steps, values = curve if isinstance(curve, tuple) else (None, curve)
        values = np.asarray(values, dtype=float)
        steps = np.arange(1, len(values) + 1) if steps is None else np.asarray(steps)
        if values.ndim != 1 or steps.shape != values.shape:
            raise ValueError(
                f"curve {label!r} needs 1-D values and as many steps, got steps of shape {steps.shape} "
                f"and values of shape {values.shape}"
            )
        first_word = label.split()[0].strip(",:").lower() if label.split() else ""
        color = colors.get(label, _color(first_word, index))
        ax.plot(steps, values, **{"color": color, "lw": 1.8, "label": label, **styles.get(label, {})})
    for label, value in (references or {}).items():
        ax.axhline(value, color="grey", lw=0.9, ls="--", label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return ax


def mark_step(ax, step: float, text: str | None = None, color: str = "k"):
    """A dotted vertical line between ``step`` and the next one (where something changes:
    the loss, the learning rate), with ``text`` written beside it at the top of the axes.
    Returns the line."""
    line = ax.axvline(step + 0.5, color=color, lw=1, ls=":")
    if text:
        ax.text(step + 0.5, 0.98, f" {text}", transform=ax.get_xaxis_transform(), ha="left", va="top",
                fontsize=8, color=color)  # fmt: skip
    return line


def mark_point(ax, x: float, y: float, text: str, color: str = "k", offset: tuple[float, float] = (20, 20)):
    """A dot at the data point (x, y) and ``text`` placed ``offset`` points away (right and
    up; negative values go left and down), with an arrow to the dot: the endpoint or the
    moment a figure's text talks about. Returns the annotation."""
    ax.plot([x], [y], "o", color=color, ms=4)
    return ax.annotate(
        text,
        xy=(x, y),
        xytext=offset,
        textcoords="offset points",
        color=color,
        fontsize=8,
        ha="left" if offset[0] >= 0 else "right",
        va="bottom" if offset[1] >= 0 else "top",
        arrowprops={"arrowstyle": "->", "color": color, "lw": 0.8},
    )


def quadratic_paths(
    optimizers: Mapping[str, tuple[type, dict]],
    curvatures=(1.0, 25.0),
    start=(-5.0, 1.0),
    steps: int = 40,
    angle: float = 0.0,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    ax=None,
    levels: int = 20,
    legend_loc: str = "below",
):
    """Paths of optimizers on a stretched quadratic bowl, drawn with ``optimizer_paths``, with
    the last point of each path circled and its loss in the legend, and the minimum marked +.

    The bowl is ``f(p) = 0.5 * (h_1 * q_1^2 + h_2 * q_2^2)`` with ``(h_1, h_2) = curvatures``
    (its curvature along each of its axes) and ``q`` the point ``p`` in the bowl's own axes,
    which are turned by ``angle`` degrees (counter-clockwise) from x and y. ``start`` is given
    in the bowl's own axes, so one ``start`` is the same point of the bowl at every angle.
    ``optimizers`` maps a label to ``(optimizer class, options)`` as in ``optimizer_paths``.
    The legend (``paths_legend``, at ``legend_loc``) also explains the markers. Returns
    ``(ax, paths)``, paths as {label: array of shape (steps + 1, 2)} in x and y.
    Raises ValueError unless ``curvatures`` holds two positive numbers and ``start`` two.
    No PyTorch equivalent.
    """
    h = np.asarray(curvatures, dtype=np.float64)
    if h.shape != (2,) or not np.all(h > 0):
        raise ValueError(f"curvatures must be two positive numbers, got {curvatures!r}")
    if np.shape(start) != (2,):
        raise ValueError(f"start must be a point (q_1, q_2), got {start!r}")
    c, s = float(np.cos(np.radians(angle))), float(np.sin(np.radians(angle)))

    def bowl(p):  # elementwise in p[0], p[1], so the contours take one call
        q1, q2 = c * p[0] + s * p[1], c * p[1] - s * p[0]
        return 0.5 * (float(h[0]) * q1 * q1 + float(h[1]) * q2 * q2)

    begin = np.array([[c, -s], [s, c]]) @ np.asarray(start, dtype=np.float64)
    ax, paths = optimizer_paths(bowl, optimizers, begin, steps=steps, bounds=bounds, ax=ax, levels=levels)
    lines = {line.get_label(): line for line in ax.get_lines()}
    for label, path in paths.items():
        line = lines[label]
        line.set_label(f"{label}: loss {bowl(path[-1]):.1e} at the end")
        ax.plot(*path[-1], "o", ms=9, mfc="none", mec=line.get_color(), mew=1.5)
    ax.plot(0, 0, "k+", ms=12, mew=1.5)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    paths_legend(ax, legend_loc)
    return ax, paths


def paths_legend(ax, loc: str = "below", minimum: str = "minimum", minimum_marker: str = "k+"):
    """Redraw the legend of a path figure (``optimizer_paths``, ``quadratic_paths``) with
    entries for its markers too: the start (star), the circled end of each path and the
    minimum (``minimum_marker``, labelled ``minimum``). ``loc`` is a matplotlib legend
    location, or ``"below"`` for two columns under the axes, where the legend cannot hide
    a path. Returns the Legend."""
    ax.plot([], [], "k*", ms=10, label="start")
    ax.plot([], [], "ko", ms=9, mfc="none", mew=1.5, label="end of each path")
    ax.plot([], [], minimum_marker, ms=12, mew=1.5, label=minimum)
    where = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.15), "ncols": 2} if loc == "below" else {"loc": loc}
    return ax.legend(fontsize=8, **where)


def losses_to_target(
    curves: Mapping[str, np.ndarray],
    target: float,
    ax=None,
    predicted: Mapping[str, np.ndarray] | None = None,
    styles: Mapping[str, dict] | None = None,
    legend_loc: str = "best",
):
    """Loss against step on a log scale, one line per entry of ``curves`` ({label: losses, a
    1-D array whose item t is the loss after t steps}), with a grey horizontal line at
    ``target`` labelled in the legend, a dot where each curve first falls below ``target``
    and that step in the curve's legend label.

    ``predicted`` ({label: values}) adds, for some labels, a thin dashed line in a dark
    shade of the colour of that label's curve (a closed form, say), drawn over the curve,
    which is then drawn wider: where the two coincide, the dashes show inside the curve.
    ``styles`` ({label: matplotlib line options,
    such as ``{"color": "C3", "ls": ":"}``}) overrides the default look of a curve; by
    default a curve named like an optimizer ("SGD", "AdaGrad") takes its colour from
    ``COLORS``. ``legend_loc`` is a matplotlib legend location, or ``"outside"`` for the
    right of the axes (where it cannot hide a curve). Returns the Axes. Raises TypeError if
    ``curves`` is not a mapping, ValueError if ``target`` is not positive, or ``predicted``
    names a label that ``curves`` lacks. No PyTorch equivalent.
    """
    if not isinstance(curves, Mapping):
        raise TypeError(f"curves must be a dict of label -> losses, got {type(curves).__name__}")
    if not target > 0:
        raise ValueError(f"target must be a positive loss (a log scale has no 0), got {target!r}")
    unknown = set(predicted or {}) - set(curves)
    if unknown:
        raise ValueError(f"predicted names curves that are not in curves: {sorted(unknown)}")
    ax = _axes(ax)
    for index, (label, losses) in enumerate(curves.items()):
        losses = np.asarray(losses, dtype=np.float64)
        below = np.flatnonzero(losses < target)
        reached = f"below target at step {below[0]}" if below.size else "target not reached"
        foreseen = predicted is not None and label in predicted
        # a curve with a prediction wider, so that a prediction lying on it shows inside it instead of hidden
        style = {"color": _color(label.lower(), index), **({"linewidth": 3.4} if foreseen else {}),
                 **normalize_kwargs((styles or {}).get(label, {}), Line2D)}  # fmt: skip
        (line,) = ax.plot(losses, label=f"{label}: {reached}", **style)
        if foreseen:
            ax.plot(np.asarray(predicted[label]), color=_shade(line.get_color(), 0.7), ls="--", lw=1.2,
                    zorder=line.get_zorder() + 0.1)  # fmt: skip
        if below.size:
            ax.plot(below[0], losses[below[0]], "o", color=line.get_color(), ms=5, zorder=line.get_zorder() + 0.2)
    ax.axhline(target, color="grey", lw=0.8, ls="-.", label=f"target: loss {target:g}")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if legend_loc == "outside":
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, fontsize=8)
    else:
        ax.legend(loc=legend_loc, fontsize=8)
    return ax


def comparison_figure(comparison: Comparison, X=None, y=None) -> Figure:
    """The main job's figure: in a row, the loss, the effective learning rate (the factor on
    the update direction, with the 1/sqrt(t) guide on AdaGrad's) and the update size (how
    far the weights actually moved); for 2-D classification data, each optimizer's decision
    boundary below. For a tuned comparison the loss panel shows the runs at the chosen
    learning rates (median and range over the seeds) and a last row the learning-rate
    sensitivity (``lr_sensitivity``); its loss panel then averages over the window that
    the table's steps to target uses (one epoch) and draws that target, so each median
    curve crosses it about where the table says. The titles say what each panel shows: the loss's
    moving average, "first of K seeds" on the panels that draw one seed of several, and
    a decision boundary's status when it is not ok ("diverged", "loss went up", "learned
    nothing", ...: the status of that first seed's run, as the table decides it). A tuned
    comparison stopped by Ctrl-C before any run trained on all the data has only its
    sensitivity panel."""
    names = list(comparison.runs)
    if comparison.tuned and not names:  # Ctrl-C while tuning: the trials that had finished are all there is
        fig = Figure(figsize=(13.5, 4.2), layout="constrained")
        lr_sensitivity(comparison, fig.add_subplot())
        return fig
    two_d = X is not None and y is not None and np.ndim(X) == 2 and np.shape(X)[1] == 2
    width, heights = max(13.5, 3 * len(names)), [4.2]
    if two_d:
        # the boundaries keep the data's shape (equal scales), so their row is as high as that shape at a
        # panel's width (the figure's share less the padding between panels), and a title: a row as high as
        # the curves' left empty bands above and below them (over an inch for moons)
        lo, hi = _boundary_region(np.asarray(X.data if isinstance(X, Tensor) else X, dtype=np.float64))
        shape = (hi[1] - lo[1]) / (hi[0] - lo[0])
        heights.append(min((width / len(names) - 0.1) * shape + 0.2, 8.0))
    if comparison.tuned:  # a last row for the learning-rate sensitivity
        heights.append(4.2)
    rows = len(heights)
    fig = Figure(figsize=(width, sum(heights)), layout="constrained")
    grid = fig.add_gridspec(rows, 2 * len(names) if two_d else 2, height_ratios=heights)
    curves = grid[0, :].subgridspec(1, 3)
    loss_axes = fig.add_subplot(curves[0])
    if comparison.tuned:  # the window and target of the table's steps to target: the curves cross it where it says
        loss_curves(comparison, loss_axes, smooth=comparison.settings.get("window"))
        if comparison.target_loss is not None:
            loss_axes.axhline(comparison.target_loss, color="grey", lw=0.8, ls="-.",
                              label=f"target {comparison.target_loss:.4g} (steps to target)")  # fmt: skip
            loss_axes.legend()
    else:
        loss_curves(comparison, loss_axes)
    effective_lr_curves(comparison, fig.add_subplot(curves[1]))
    update_size_curves(comparison, fig.add_subplot(curves[2]))
    if two_d:
        from .comparison import _status

        for index, name in enumerate(names):
            runs = comparison.runs[name]
            # the first seed's model is drawn, so its own status, not the worst of the seeds'
            status = _status(runs[:1], comparison.chance)
            said = [f"first of {len(runs)} seeds"] if len(runs) > 1 else []
            ax = fig.add_subplot(grid[1, 2 * index : 2 * index + 2])
            decision_boundary(runs[0].model, X, y, ax=ax, title=_noted(name, said, [] if status == "ok" else [status]))
    if comparison.tuned:
        lr_sensitivity(comparison, fig.add_subplot(grid[rows - 1, :]))
    return fig


def race(problem="rosenbrock", optimizers: Iterable | Mapping = ("sgd", "momentum", "adagrad", "rmsprop", "adam"),
         steps: int | None = None, lr: Mapping[str, float] | None = None, options: Mapping[str, dict] | None = None,
         seed: int = 0, frames: int = 100, fps: int = 10, dpi: int = 72):  # fmt: skip
    """Race optimizers on a 2-D problem: run each from the problem's start
    (``problems.compare``) and animate the runs side by side, frame by frame at the same
    step (``minigrad race`` on the command line).

    Left, each optimizer's path growing over the problem's contour lines (of log(1 + loss -
    least loss on the grid)), with a marker in its colour (``COLORS``; a learner's optimizer
    gets a free colour) at the point it has reached; the start is a star, the optima +.
    Each marker is drawn above the one before it; one whose centre another covers, or
    nearly, grows to show as a ring around it, so markers on the same point (all of them
    at the start) show as rings around each other, every colour in view. A run that
    diverged (its loss or a coordinate became inf or nan) or that an exception stopped
    keeps its marker, turned into an X, at its last finite point (held inside the drawn
    region, so that it stays in view), and its legend entry says so and at which step.
    Right, above: the loss per optimizer (log scale; the loss minus the optimum's where that
    is not 0; the axis stops at 1000 times the start's loss, so a run that blew up leaves
    through the top instead of flattening the others); below: each optimizer's
    effective learning rate per coordinate (``ProblemRun.effective_lr``: the factor its
    update direction is multiplied by; x solid, y dashed; log scale). Both show the whole
    run faintly and the steps so far solid, against the step on a square-root scale (the
    frames' own spacing), with a cursor at the frame's step; the title gives that step.

    ``problem`` is a name from ``problems.PROBLEMS`` or a ``Problem`` with two parameters
    and ``bounds``. ``optimizers``, ``lr`` and ``options`` are what ``problems.compare``
    takes (names from ``OPTIMIZERS``, Optimizer subclasses, factories, or ``{name:
    entry}``; ``lr`` and ``options`` dicts by name), ``steps`` defaults to the problem's
    (Rosenbrock's: 2000) and a name's lr to the problem's for it; ``seed`` fixes a
    stochastic problem's noise. ``frames`` is how many frames show the steps (every step if
    there are fewer): step 0, the last step, and between them steps one apart at first and
    further apart later (``race.frame_steps``), as optimizers move most at first; 2 to
    1000. ``fps`` is frames per second when played, 1 to 50 (a GIF stores each frame's
    delay in hundredths of a second, and browsers play delays under 2 of them, above 50
    fps, at a slow default instead); ``dpi`` the frames' pixels per inch, 20 to 300 (below,
    the legend's text is too small for FreeType to draw; above, a race takes minutes and
    gigabytes). A frame is about 12 x 4.6 inches, a whole even number of pixels each way,
    as video needs: 864 x 332 pixels at the default 72. (``race.LIMITS`` holds the ranges.)

    Returns a ``race.Race``: a notebook shows it inline as a JavaScript player;
    ``save(path)`` writes ``.gif``, ``.mp4`` (with ffmpeg) or ``.html`` (a player that needs no
    network: its buttons are labelled in text, not with an icon font from a CDN), and ``comparison``
    holds the runs. With the defaults (Rosenbrock, five optimizers, 2000 steps, 100
    frames, 10 s when played) the runs and a GIF take about 9 s of CPU time and the GIF is
    0.30 MB; the ``.html`` page (JPEG frames) is about 7 MB: fewer ``frames`` make a
    lighter notebook. Raises TypeError/ValueError for a bad argument before any step:
    ``problems.compare``'s (an unknown optimizer names the choices), an unknown problem or
    one that is not 2-D (naming the 2-D ones), ``frames``, ``fps`` or ``dpi`` out of its
    range (naming the value and the range); KeyboardInterrupt when Ctrl-C stops the runs.
    No PyTorch equivalent (the animation is matplotlib's ``FuncAnimation``).
    """
    from .race import run_race

    return run_race(problem, optimizers, steps, lr, options, seed, frames, fps, dpi)

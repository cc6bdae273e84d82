"""Optimizer races: every optimizer's path growing over a 2-D problem's contour lines, one
marker each, all at the same step, beside the loss and the effective learning rates, as an
animation (``plot.race``, ``minigrad race``).

The runs are ``problems.compare``'s, the contours and colours ``plot``'s; this module only
turns them into frames (matplotlib's ``FuncAnimation``) and writes them: ``.gif`` with
Pillow, ``.mp4`` with ffmpeg, ``.html`` as matplotlib's JavaScript player.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import numpy as np
from matplotlib import animation, rc_context
from matplotlib.artist import Artist
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from . import plot
from .checks import check_int
from .problems import Problem, ProblemComparison

__all__ = ["Race", "two_d_problems", "frame_steps", "check_format", "check_settings", "FORMATS", "RACE_OPTIMIZERS",
           "LIMITS"]  # fmt: skip

# the extensions Race.save writes, in the order messages name them
FORMATS = (".gif", ".mp4", ".html")
RACE_OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
# the ranges of frames, fps and dpi (both ends allowed). dpi: below 20 the legend's 8-point text is under
# 3 pixels high, too small for FreeType to render at all (matplotlib fails on it); above 300 a frame is
# 3600 x 1380 pixels and over, and a race of 100 frames takes minutes and gigabytes (at 100000, a frame would
# not fit in memory). fps: a GIF stores each frame's delay in hundredths of a second, and browsers play a
# delay under 2 of them (50 fps) at their slow default (about 10 fps) instead. frames: each frame costs
# about 0.1 s at 72 dpi, so 1000 take minutes; steps beyond that many show no more than their neighbours.
LIMITS = {"frames": (2, 1000), "fps": (1, 50), "dpi": (20, 300)}
# the race's markers, in points: a lone marker's size and its black edge, and how far a marker under another
# reaches beyond it. A ring that is mostly edge hides its colour (at 72 dpi a point is a pixel, and rings of 1
# point each side, inside an edge of 0.6, showed only black around the top marker at the start)
_MARKER_SIZE, _MARKER_EDGE, _MARKER_RING = 7, 0.5, 2.5


def run_race(problem, optimizers, steps, lr, options, seed, frames, fps, dpi) -> Race:
    """``plot.race``'s work, documented there."""
    from . import problems

    frames, fps, dpi = check_settings(frames, fps, dpi)
    if isinstance(problem, str) and problem not in problems.names():
        raise ValueError(f"unknown problem {problem!r}; a race runs on a 2-D problem: {', '.join(two_d_problems())}")
    problem = _two_d(problems.get(problem) if isinstance(problem, str) else problem)
    result = problems.compare(problem, optimizers, lr=lr, steps=steps, seed=seed, options=options)
    if result.interrupted:
        raise KeyboardInterrupt
    return Race(result, frames=frames, fps=fps, dpi=dpi)


def check_settings(frames, fps, dpi) -> tuple[int, int, int]:
    """``frames``, ``fps`` and ``dpi`` checked against ``LIMITS``: TypeError for a value that
    is not an int, ValueError naming the value and its range."""
    checked = []
    for name, value in (("frames", frames), ("fps", fps), ("dpi", dpi)):
        low, high = LIMITS[name]
        value = check_int(name, value)
        if not low <= value <= high:
            raise ValueError(f"{name} must be from {low} to {high}, got {value}")
        checked.append(value)
    return tuple(checked)


def two_d_problems() -> list[str]:
    """The names in ``problems.PROBLEMS`` of the problems a race can be run on (two
    parameters and a region to draw)."""
    from . import problems

    return list(_drawable_names(tuple(problems.names())))


@functools.cache
def _drawable_names(names: tuple[str, ...]) -> tuple[str, ...]:
    # kept: making every problem takes a twentieth of a second (the 100-D quadratics), at each command line
    from . import problems

    return tuple(name for name in names if _drawable(problems.get(name)))


def _drawable(problem) -> bool:
    return isinstance(problem, Problem) and problem.dim == 2 and problem.bounds is not None


def _two_d(problem) -> Problem:
    if _drawable(problem):
        return problem
    choices = ", ".join(two_d_problems())
    if not isinstance(problem, Problem):
        from .problems import DataProblem

        if isinstance(problem, DataProblem):
            raise ValueError(f"{problem.name} is a data problem (it trains a network); a race runs on a 2-D "
                             f"problem: {choices}")  # fmt: skip
        raise TypeError(f"problem must be a name from problems.PROBLEMS or a Problem, got {problem!r}")
    raise ValueError(f"{problem.name} has {problem.dim} parameters and no contours to draw; a race runs on a 2-D "
                     f"problem: {choices}")  # fmt: skip


def frame_steps(steps: int, frames: int) -> np.ndarray:
    """The step each of ``frames`` frames shows, from 0 to ``steps``: every step if there
    are no more than ``frames``; else strictly increasing, one step apart at first and
    further apart later (``k + (steps - frames + 1) * (k / (frames - 1))^2`` rounded, for
    frame k), since optimizers move most in their first steps."""
    if steps + 1 <= frames:
        return np.arange(steps + 1)
    k = np.arange(frames)
    return np.round(k + (steps - frames + 1) * (k / (frames - 1)) ** 2).astype(int)


class _Pixels(Artist):
    """An image drawn pixel for pixel at the figure's lower left corner: the frames' common
    background. (``figimage`` would resample it at every frame, which took half a frame's time.)"""

    def __init__(self, rgba: np.ndarray):
        super().__init__()
        # the canvas buffer lists its rows from the top, draw_image from the bottom
        self._rgba = np.ascontiguousarray(rgba[::-1])
        self.set_zorder(-1)

    def draw(self, renderer):
        gc = renderer.new_gc()
        renderer.draw_image(gc, 0, 0, self._rgba)
        gc.restore()


def _inches_for_video(inches: float, dpi: int) -> float:
    """A length close to ``inches`` that is a whole, even number of pixels at ``dpi``, as
    matplotlib's video and HTML writers (h264) check it: else they would resize the figure,
    away from the background drawn once for every frame. (For the few ``dpi`` with no such
    length near, ``inches``: those writers then trim a pixel or two.)"""
    target = 2 * round(inches * dpi / 2)
    for pixels in sorted(range(max(2, target - 20), target + 21, 2), key=lambda pixels: abs(pixels - target)):
        length = pixels / dpi
        if int(length * dpi) == pixels and animation.adjusted_figsize(length, length, dpi, 2)[0] == length:
            return length
    return inches


class Race:
    """An animated race of ``problems.compare``'s runs on a 2-D problem (made by
    ``plot.race``; see there for what each panel shows).

    Attributes: ``comparison`` (the ``ProblemComparison``: ``comparison["adam"].path`` and
    the rest), ``steps`` (ndarray of ints, one per frame: the step it shows), ``fps``,
    ``dpi``, ``figure`` (the matplotlib Figure the frames are drawn in; it shows the frame
    drawn last) and ``size`` (width, height) of a frame in pixels. ``save(path)`` writes the
    animation; in a notebook a Race shows itself as a JavaScript player
    (``_repr_html_``, the same as ``to_jshtml()``).

    ``Race(comparison, frames=100, fps=10, dpi=72)`` animates a ``ProblemComparison`` of a
    2-D problem that is already run; TypeError for anything else, ValueError for a problem
    that is not 2-D, or ``frames``, ``fps`` or ``dpi`` out of their ranges (``LIMITS``:
    frames 2 to 1000, fps 1 to 50, dpi 20 to 300; why those, see there).
    """

    def __init__(self, comparison: ProblemComparison, frames: int = 100, fps: int = 10, dpi: int = 72):
        if not isinstance(comparison, ProblemComparison):
            raise TypeError(f"comparison must be a problems.ProblemComparison, got {type(comparison).__name__}")
        _two_d(comparison.problem)
        self.comparison = comparison
        frames, self.fps, self.dpi = check_settings(frames, fps, dpi)
        last = max(len(run.losses) for run in comparison.runs.values()) - 1
        self.steps = frame_steps(last, frames)
        self._html = None
        self._build()

    @property
    def size(self) -> tuple[int, int]:
        width, height = self.figure.get_size_inches() * self.dpi
        return round(width), round(height)

    def _build(self) -> None:
        problem, runs = self.comparison.problem, self.comparison.runs
        colors = plot._colors(runs)
        last = int(self.steps[-1])
        figsize = (_inches_for_video(12, self.dpi), _inches_for_video(4.6, self.dpi))
        fig = Figure(figsize=figsize, dpi=self.dpi, layout="constrained", facecolor="white")
        grid = fig.add_gridspec(2, 2, width_ratios=[1, 1.2])
        paths_ax = fig.add_subplot(grid[:, 0])
        loss_ax = fig.add_subplot(grid[0, 1])
        lr_ax = fig.add_subplot(grid[1, 1], sharex=loss_ax)

        plot.draw_paths(lambda p: problem._expression(p[0], p[1]), {name: run.path for name, run in runs.items()},
                        problem.start, bounds=problem.bounds, ax=paths_ax, levels=25)  # fmt: skip
        paths_ax.get_legend().remove()
        trails = {line.get_label(): line for line in paths_ax.get_lines() if line.get_label() in runs}
        (low_x, high_x), (low_y, high_y) = problem.bounds
        self._region = ((low_x, low_y), (high_x, high_y))
        self._trails, self._markers, self._ends = {}, {}, {}
        for index, (name, run) in enumerate(runs.items()):
            # the trail a tint of the colour, so that the marker alone wears the colour itself
            trails[name].set(color=plot._tint(colors[name], 0.45), lw=1.2, ms=2.5)
            self._trails[name] = trails[name]
            finite = run.path[np.all(np.isfinite(run.path), axis=1)]
            end = np.clip(finite[-1], *self._region)
            stopped = run.diverged or run.error is not None
            self._ends[name] = (len(run.path) - 1, end, stopped)
            # each marker drawn above the one before; _ring_covered sizes them so that one under another shows
            (self._markers[name],) = paths_ax.plot(*problem.start, "o", ms=_MARKER_SIZE, color=colors[name],
                                                   mec="black", mew=_MARKER_EDGE, zorder=5 + index / len(runs),
                                                   clip_on=False)  # fmt: skip
        paths_ax.plot(problem.optima[:, 0], problem.optima[:, 1], "k+", ms=12, mew=1.5, zorder=4)
        paths_ax.set_xlabel("x")
        paths_ax.set_ylabel("y")
        paths_ax.set_title(problem.title, fontsize=9)

        optimum = problem.optimum_loss
        gaps = {name: run.losses - optimum for name, run in runs.items()}
        floor = plot._log_floor(*gaps.values())
        rates = {name: run.effective_lr for name, run in runs.items()}
        rate_floor = plot._log_floor(*rates.values())
        self._curves = []  # (line, steps, values): the part up to the frame's step is drawn solid
        drawn = []
        for name in runs:
            gap, _ = plot._for_log(gaps[name], floor)
            drawn.append(gap)
            self._curves.append(self._curve(loss_ax, np.arange(len(gap)), gap, colors[name], "-"))
            rate, _ = plot._for_log(rates[name], rate_floor)
            for column, style in enumerate(("-", "--")):
                self._curves.append(self._curve(lr_ax, np.arange(1, len(rate) + 1), rate[:, column], colors[name],
                                                style))  # fmt: skip
        # a run that blew up would squash the others into a flat line: the axis stops at a thousand times the
        # start's loss, and a curve above it leaves through the top (its legend says diverged), as in the explorer
        values = np.concatenate(drawn)
        values = values[np.isfinite(values) & (values > 0)]
        top = 1e3 * max(gap[0] for gap in drawn)
        if values.size and values.max() > top:
            loss_ax.set_ylim(values.min() / 2, top)
        # two short lines each, in a small font: the panels are about 1.6 inches high, and a longer label
        # runs into the other panel's
        shifted = f" {'+' if optimum < 0 else '-'} {abs(optimum):.4g}\n(0 at the optimum)" if optimum != 0 else ""
        loss_ax.set_ylabel(f"loss{shifted}", fontsize=8)
        lr_ax.set_ylabel("effective learning rate\n(factor on the update)", fontsize=8)
        lr_ax.set_xlabel("step (square-root scale)")
        for ax in (loss_ax, lr_ax):
            ax.set_yscale("log")
            # the frames' own spacing, so that the cursor moves at an even pace and the first steps spread out
            plot._sqrt_step_axis(ax, last)
        loss_ax.tick_params(labelbottom=False)
        # the legends beside the panels, where the curves cannot run over them: they are drawn once (below)
        lr_ax.legend(handles=[Line2D([], [], color="k", ls="-", label="x coordinate"),
                              Line2D([], [], color="k", ls="--", label="y coordinate")],
                     fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)  # fmt: skip
        self._cursors = [ax.axvline(0, color="k", lw=0.8, ls=":") for ax in (loss_ax, lr_ax)]

        handles = [Line2D([], [], marker="X" if self._ends[name][2] else "o", ls="", ms=_MARKER_SIZE,
                          color=colors[name], mec="black", mew=_MARKER_EDGE, label=self._label(name, run))
                   for name, run in runs.items()]  # fmt: skip
        handles += [Line2D([], [], marker="*", ls="", color="k", ms=9, label="start"),
                    Line2D([], [], marker="+", ls="", color="k", ms=9, mew=1.5,
                           label="minimum" if len(problem.optima) == 1 else "minima")]  # fmt: skip
        loss_ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
        self._title = fig.suptitle("", fontsize=11)
        self.figure = fig
        self._update(last)  # the widest title, so that the layout fixed below leaves room for every frame's
        fig.draw_without_rendering()
        # the layout is computed once: a layout engine at every frame would cost time and could shift the panels
        fig.set_layout_engine("none")
        live = [*self._trails.values(), *self._markers.values(), *(c[0] for c in self._curves), *self._cursors]
        self._freeze_background([*live, self._title])
        self._update(0)

    def _freeze_background(self, live) -> None:
        """Draw everything that is the same in every frame (contours, axes, ticks, labels)
        once into an image behind the figure, and hide it, so that a frame draws only the
        ``live`` artists over that image: several times faster than drawing it all again."""
        fig, live = self.figure, {id(artist) for artist in live}
        canvas = FigureCanvasAgg(fig)
        hidden = [artist for artist in fig.findobj() if id(artist) in live]
        for artist in hidden:
            artist.set_visible(False)
        canvas.draw()
        background = np.asarray(canvas.buffer_rgba()).copy()
        for artist in hidden:
            artist.set_visible(True)
        for ax in fig.axes:
            for artist in ax.get_children():
                if id(artist) not in live:
                    artist.set_visible(False)
        fig.patch.set_visible(False)
        fig.add_artist(_Pixels(background))
        # a canvas that draws only when saving: the writers' full draw after each frame would double the work
        FigureCanvasBase(fig)

    @staticmethod
    def _curve(ax, steps, values, color, style):
        ax.plot(steps, values, color=color, ls=style, lw=0.8, alpha=0.3)
        (line,) = ax.plot(steps[:1], values[:1], color=color, ls=style, lw=1.6)
        return line, steps, values

    def _label(self, name, run) -> str:
        lr = run.options.get("lr")
        label = name if lr is None else f"{name}, lr {lr:g}"
        if run.diverged:
            return f"{label}: diverged at step {len(run.path) - 1}"
        if run.error is not None:
            return f"{label}: {type(run.error).__name__} at step {len(run.path)}"
        return label

    def _update(self, step: int):
        step = int(step)
        for name, trail in self._trails.items():
            path = self.comparison.runs[name].path
            shown = path[: step + 1]
            trail.set_data(shown[:, 0], shown[:, 1])
            stop, end, stopped = self._ends[name]
            if step >= stop and stopped:
                point, marker = end, "X"
            else:  # a point outside the drawn region is shown at its edge
                point, marker = np.clip(path[min(step, stop)], *self._region), "o"
            self._markers[name].set_data([point[0]], [point[1]])
            self._markers[name].set_marker(marker)
        self._ring_covered()
        for line, steps, values in self._curves:
            until = np.searchsorted(steps, step, side="right")
            line.set_data(steps[:until], values[:until])
        for cursor in self._cursors:
            cursor.set_xdata([step, step])
        self._title.set_text(f"{self.comparison.problem.name}: step {step} of {int(self.steps[-1])}")

    def _ring_covered(self) -> None:
        """Size the markers for the frame: each the same, except one whose centre lies under a
        marker drawn above it or within ``_MARKER_RING`` points of its edge (most of it hidden),
        which grows to show as a ring around that one, ``_MARKER_RING`` points wide each side.
        Markers on one point (every one at the start, two or three at a minimum) then show as
        rings around each other, every colour in view."""
        to_points = 72 / self.figure.dpi
        above = []  # (centre in points, size) of the markers drawn above, checked top down
        for marker in reversed(self._markers.values()):
            xy = np.column_stack(marker.get_data()).astype(float)
            centre = marker.axes.transData.transform(xy)[0] * to_points
            size = _MARKER_SIZE
            for other, other_size in above:
                if np.hypot(*(centre - other)) < other_size / 2 + _MARKER_RING:
                    size = max(size, other_size + 2 * _MARKER_RING)
            marker.set_markersize(size)
            above.append((centre, size))

    def animation(self) -> animation.FuncAnimation:
        """A new matplotlib ``FuncAnimation`` of the frames (``steps``), for matplotlib's own
        writers; ``save`` and ``to_jshtml`` use one."""
        # no blitting: every writer draws whole frames, and the title changes with each
        return animation.FuncAnimation(self.figure, self._update, frames=[int(s) for s in self.steps],
                                       interval=1000 / self.fps, blit=False, repeat=True)  # fmt: skip

    def to_jshtml(self) -> str:
        """The animation as HTML with matplotlib's JavaScript player (every frame a JPEG
        inside it), as shown in a notebook; made once, then kept. It needs no network:
        matplotlib's player loads its buttons' icons (Font Awesome) from a CDN, so its
        buttons are given text labels instead (HTML entities: |◀◀, |◀, ◀, ❚❚, ▶, ▶|, ▶▶|,
        −, +), and the link to the CDN is left out. (Should a later matplotlib name an icon
        not among them, its button shows the icon's name.)"""
        if self._html is None:
            # JPEG frames: a third of PNG's size, for a player that a notebook holds whole
            with rc_context({"animation.frame_format": "jpeg"}):
                html = self.animation().to_jshtml(fps=self.fps, default_mode="loop")
            html = re.sub(r'<link\b[^>]*\bhref="https?://[^"]*"[^>]*>', "", html)
            self._html = re.sub(r'<i class="fa ([^"]*)"></i>', lambda icon: _icon_label(icon.group(1)), html)
        return self._html

    def _repr_html_(self) -> str:
        return self.to_jshtml()

    def save(self, path) -> Path:
        """Write the animation to ``path`` and return it as an absolute Path: ``.gif``
        (Pillow), ``.mp4`` (ffmpeg, which must be installed) or ``.html`` (the JavaScript
        player of ``to_jshtml``, a page that needs nothing else). The file is written
        beside the target under a temporary name and renamed when complete, so an
        interruption (Ctrl-C) or a failure leaves no partial file, and an existing file is
        replaced only by a whole new one. TypeError if ``path`` is not a str or PathLike;
        ValueError for another extension (naming the three) or a folder that does not
        exist; RuntimeError for ``.mp4`` without ffmpeg; OSError if writing fails."""
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or a Path such as 'race.gif', got {type(path).__name__}")
        path = Path(path).expanduser().resolve()
        suffix = path.suffix.lower()
        check_format(path)
        if not path.parent.is_dir():
            raise ValueError(f"the folder {path.parent} does not exist; create it first, or choose another place")
        if suffix == ".html":
            plot._write(path, self.to_jshtml().encode("utf-8"))
            return path
        writer = _GifWriter(fps=self.fps) if suffix == ".gif" else animation.FFMpegWriter(fps=self.fps)
        partial = path.with_name(f".{path.stem}.partial{suffix}")
        try:
            self.animation().save(partial, writer=writer, dpi=self.dpi)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return path


# the player's Font Awesome icons as text, in entities so that the page's encoding does not matter
_ICON_LABELS = {
    "fa-fast-backward": "|&#9664;&#9664;",
    "fa-step-backward": "|&#9664;",
    "fa-play fa-flip-horizontal": "&#9664;",
    "fa-pause": "&#10074;&#10074;",
    "fa-play": "&#9654;",
    "fa-step-forward": "&#9654;|",
    "fa-fast-forward": "&#9654;&#9654;|",
    "fa-minus": "&#8722;",
    "fa-plus": "+",
}


def _icon_label(classes: str) -> str:
    classes = " ".join(classes.split())
    return _ICON_LABELS.get(classes, classes.replace("fa-", ""))


class _GifWriter(animation.PillowWriter):
    """matplotlib's PillowWriter with one palette for every frame, made from the first and the
    last frame together (between them they hold every colour of the race: the faint whole
    curves, and the saturated markers and curves). Pillow's own palette per frame gives the
    first frame, nearly all grey, too few colours for the markers, which then change colour
    as the race starts; one palette without dithering also makes a smaller file."""

    def finish(self):
        from PIL import Image

        frames = [frame.convert("RGB") for frame in self._frames]
        first, last = frames[0], frames[-1]
        both = Image.new("RGB", (first.width, first.height * 2))
        both.paste(first, (0, 0))
        both.paste(last, (0, first.height))
        palette = both.quantize(256, method=Image.Quantize.MEDIANCUT)
        frames = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
        frames[0].save(self.outfile, save_all=True, append_images=frames[1:], duration=int(1000 / self.fps), loop=0)


def check_format(path) -> str:
    """The extension of ``path`` if a race can be written to it (``FORMATS``); ValueError
    naming it and the three otherwise, RuntimeError for ``.mp4`` when ffmpeg is missing."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot write a race to {Path(path).name!r} ({suffix or 'no extension'}); end the name "
                         f"with {', '.join(FORMATS[:-1])} or {FORMATS[-1]}")  # fmt: skip
    if suffix == ".mp4" and not animation.writers.is_available("ffmpeg"):
        import matplotlib

        program = matplotlib.rcParams["animation.ffmpeg_path"]
        where = "at that path" if os.sep in program else "on the PATH"
        raise RuntimeError(f"writing .mp4 needs ffmpeg, and {program!r} was not found {where}; install ffmpeg, "
                           "or write a .gif or .html")  # fmt: skip
    return suffix

"""Optimizer races: ``plot.race`` and ``minigrad race`` (frames read back from the files written)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

import minigrad as mg
from minigrad import plot
from minigrad.cli import main
from minigrad.race import RACE_OPTIMIZERS, Race, frame_steps

ENV = {**os.environ, "PYTHONPATH": str(Path(mg.__file__).resolve().parents[1])}
# a small race: few steps, frames and pixels, so that each test takes a second or two
SMALL = ["--problem", "saddle", "--optimizers", "sgd,adam", "--steps", "12", "--frames", "5", "--dpi", "20"]


@pytest.fixture(scope="module")
def small_race():
    """The race of SMALL, built once (laying out a figure's text takes a second or two)."""
    return plot.race("saddle", ["sgd", "adam"], steps=12, frames=5, dpi=20)


def frames_of(path: Path) -> list[np.ndarray]:
    with Image.open(path) as gif:
        frames = []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(np.asarray(gif.convert("RGB"), dtype=np.int64))
    return frames


def marker_pixels(frame: np.ndarray, name: str) -> np.ndarray:
    """(x, y) of the pixels in the left panel (the paths; the curves and legends lie right of
    45% of the width) within a GIF palette's rounding of the optimizer's colour: its
    marker, since its path is drawn in a lighter tint of the colour."""
    left = frame[:, : int(0.45 * frame.shape[1])]
    distance = np.sqrt(((left - 255 * np.array(to_rgb(plot.COLORS[name]))) ** 2).sum(axis=-1))
    ys, xs = np.nonzero(distance < 30)
    return np.stack([xs, ys], axis=1)


def test_the_default_race_writes_a_gif_in_which_every_optimizers_marker_moves(tmp_path):
    result = subprocess.run([sys.executable, "-m", "minigrad", "race"], cwd=tmp_path, env=ENV, capture_output=True,
                            text=True, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "race.gif").resolve()
    assert f"wrote {written} (100 frames of steps 0 to 2000, 864 x 332 pixels, " in result.stdout
    assert [line.split()[0] for line in result.stdout.splitlines() if line.endswith("target")] == list(RACE_OPTIMIZERS)
    assert os.listdir(tmp_path) == ["race.gif"]  # nothing else, no temporary file
    frames = frames_of(written)
    assert len(frames) == 100
    assert all(frame.shape == (332, 864, 3) for frame in frames)
    first, last = frames[0], frames[-1]
    # at step 0 every marker is on the start: the one drawn on top shows where that is, and each one under it
    # must still show its colour around it (at the end momentum and Adam share the minimum as well). A lone
    # marker shows about 25 pixels of its colour; one hidden, or ringed by little more than its black edge, none
    start = marker_pixels(first, RACE_OPTIMIZERS[-1]).mean(axis=0)
    for name in RACE_OPTIMIZERS:
        before, after = marker_pixels(first, name), marker_pixels(last, name)
        assert len(before) >= 15, f"{name}: its marker hidden at the start, {len(before)} pixels of its colour"
        assert np.all(np.linalg.norm(before - start, axis=1) < 20), f"{name}: its colour away from the start at step 0"
        assert len(after) >= 15, f"{name}: its marker hidden in the last frame, {len(after)} pixels of its colour"
        moved = np.linalg.norm(after.mean(axis=0) - start)
        assert moved > 40, f"{name}'s marker moved {moved:.0f} pixels from the start in 2000 steps"


def test_a_small_race_as_a_gif_and_as_a_page_with_a_javascript_player(small_race, tmp_path, capsys):
    assert main(["race", *SMALL, "--out", str(tmp_path / "r.gif")]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'r.gif'} (5 frames of steps 0 to 12, 240 x 92 pixels, " in out
    assert "; 12 steps from (1, 0.001)\n" in out
    assert "right: the loss and the effective learning rate per coordinate (the factor on the update direction" in out
    assert len(frames_of(tmp_path / "r.gif")) == 5
    assert small_race.save(tmp_path / "r.html") == tmp_path / "r.html"
    page = (tmp_path / "r.html").read_text()
    assert "<script" in page and "animation" in page.lower()
    assert page.count('"data:image/jpeg;base64,') == 5  # one frame each
    # offline: no icon font from a CDN, its buttons labelled in text (play: a right-pointing triangle)
    assert re.findall(r"https?://", page) == [] and "font-awesome" not in page and 'class="fa ' not in page
    assert ">\n          &#9654;</button>" in page
    assert small_race.size == (240, 92)  # the player's writer kept the figure's size (it trims odd ones for video)
    assert sorted(os.listdir(tmp_path)) == ["r.gif", "r.html"]


def ffmpeg_missing(monkeypatch):
    monkeypatch.setitem(matplotlib.rcParams, "animation.ffmpeg_path", "no-such-ffmpeg-program")


@pytest.mark.parametrize(
    "args, reason",
    [
        (["--problem", "nope"], "argument --problem: unknown problem 'nope'; a race runs on a 2-D problem: rosenbrock, "
                                "beale, himmelblau, saddle, rotated_quadratic ("),  # fmt: skip
        (["--problem", "quadratic_deep"], "--problem quadratic_deep is 100-D; a race runs on a 2-D problem: "
                                          "rosenbrock, beale, himmelblau, saddle, rotated_quadratic"),  # fmt: skip
        (["--problem", "moons"], "--problem moons is a data problem; a race runs on a 2-D problem: rosenbrock,"),
        (["--optimizers", "sgd,adamm"], "unknown optimizer adamm; choose from sgd, momentum, adagrad,"),
        (["--optimizers", "sgd,adam", "--lr", "rmsprop=0.1"], "--lr names rmsprop, which is not among --optimizers "
                                                              "sgd,adam"),  # fmt: skip
        (["--out", "race.png"], "argument --out: cannot write a race to 'race.png' (.png); end the name with .gif, "
                                ".mp4 or .html"),  # fmt: skip
        (["--out", "race"], "argument --out: cannot write a race to 'race' (no extension); end the name with .gif,"),
        (["--out", "race.mp4"], "argument --out: writing .mp4 needs ffmpeg, and 'no-such-ffmpeg-program' was not "
                                "found on the PATH; install ffmpeg, or write a .gif or .html"),  # fmt: skip
        (["--frames", "1"], "argument --frames: must be a whole number from 2 to 1000, got 1"),
        (["--dpi", "3", "--steps", "5"], "argument --dpi: must be a whole number from 20 to 300, got 3"),
        (["--dpi", "100000"], "argument --dpi: must be a whole number from 20 to 300, got 100000"),
        (["--fps", "1000"], "argument --fps: must be a whole number from 1 to 50, got 1000"),
        (["--lr", "sgd=0.1", "--lr", "sgd=0.2"], "--lr names sgd twice (0.1 and 0.2); give each optimizer one "
                                                 "learning rate"),  # fmt: skip
        (["--lr", "sgd=abc"], "argument --lr: the learning rate 'abc' in 'sgd=abc' is not a number, e.g. sgd=0.01"),
    ],
)
def test_bad_arguments_exit_2_with_a_one_line_reason_and_write_nothing(args, reason, tmp_path, monkeypatch, capsys):
    ffmpeg_missing(monkeypatch)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["race", *args])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("minigrad: error: ")
    assert reason in err and err.endswith("(see minigrad race --help)\n")
    assert os.listdir(tmp_path) == []


def test_race_help_names_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["race", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--problem", "--optimizers", "--steps", "--lr NAME=VALUE", "--out", "--frames", "--fps", "--dpi"):
        assert option in text
    assert "effective learning rate per coordinate (the factor its update direction is multiplied by" in text
    assert "rosenbrock, beale, himmelblau, saddle, rotated_quadratic (default: rosenbrock)" in text


def fail_after_three_frames(monkeypatch, stop) -> list:
    from minigrad.race import _GifWriter

    grab, grabbed = _GifWriter.grab_frame, []

    def failing(self, **options):
        grab(self, **options)
        grabbed.append(1)
        if len(grabbed) == 3:
            raise stop("disk full" if stop is OSError else None)

    monkeypatch.setattr(_GifWriter, "grab_frame", failing)
    return grabbed


def test_ctrl_c_while_writing_leaves_no_file_and_the_old_one_whole(tmp_path, monkeypatch, capsys):
    grabbed = fail_after_three_frames(monkeypatch, KeyboardInterrupt)
    (tmp_path / "r.gif").write_bytes(b"the old race")
    assert main(["race", *SMALL, "--out", str(tmp_path / "r.gif")]) == 130
    assert "interrupted: no animation written" in capsys.readouterr().err
    assert os.listdir(tmp_path) == ["r.gif"] and (tmp_path / "r.gif").read_bytes() == b"the old race"
    assert len(grabbed) == 3


def test_a_failed_write_raises_and_leaves_no_file(small_race, tmp_path, monkeypatch):
    grabbed = fail_after_three_frames(monkeypatch, OSError)
    with pytest.raises(OSError, match="disk full"):
        small_race.save(tmp_path / "r.gif")
    assert os.listdir(tmp_path) == [] and len(grabbed) == 3


def assert_labels_beside_their_own_panels(race):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(race.figure).get_renderer()
    for ax in race.figure.axes[1:]:  # the loss and the effective learning rates
        label, panel = ax.yaxis.label.get_window_extent(renderer), ax.get_window_extent(renderer)
        assert panel.y0 <= label.y0 and label.y1 <= panel.y1, f"{label.bounds} beyond its panel, {panel.bounds}"


def test_plot_race_returns_a_race_that_shows_itself_and_names_a_diverged_run():
    race = plot.race("rosenbrock", ["sgd", "adam"], lr={"sgd": 0.01}, steps=40, frames=8, dpi=20)
    assert isinstance(race, Race)
    assert race.steps.tolist() == frame_steps(40, 8).tolist()
    assert race.size == (240, 92)
    assert race.comparison["sgd"].diverged and not race.comparison["adam"].diverged
    legend = [text.get_text() for ax in race.figure.axes if ax.get_legend() for text in ax.get_legend().get_texts()]
    stop = len(race.comparison["sgd"].path) - 1
    assert f"sgd, lr 0.01: diverged at step {stop}" in legend and "adam, lr 0.1" in legend
    html = race._repr_html_()
    assert html.count('"data:image/jpeg;base64,') == 8
    # the loss axis ends at 1000 times the start's loss (Rosenbrock's least is 0): sgd's leaves through the top
    loss_ax = race.figure.axes[1]
    assert loss_ax.get_ylim()[1] == pytest.approx(1e3 * race.comparison["adam"].losses[0])
    assert np.nanmax(race.comparison["sgd"].losses[np.isfinite(race.comparison["sgd"].losses)]) > 1e4 * 24.2
    assert_labels_beside_their_own_panels(race)


def test_every_2d_problems_axis_labels_stay_beside_their_own_panel(small_race):
    from minigrad import problems
    from minigrad.race import two_d_problems

    assert small_race.figure.axes[1].get_ylabel() == "loss + 1\n(0 at the optimum)"
    assert_labels_beside_their_own_panels(small_race)  # saddle's, the longest
    # the others' loss label is Rosenbrock's, "loss" (checked with its race above): their least loss is 0
    assert [name for name in two_d_problems() if problems.get(name).optimum_loss != 0] == ["saddle"]


def lab(color) -> np.ndarray:
    """CIELAB (D65) of a matplotlib colour."""
    rgb = np.array(to_rgb(color))
    linear = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    f = np.cbrt(xyz / np.array([0.95047, 1.0, 1.08883]))  # every colour here is above the linear toe's 0.008856
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_every_builtin_optimizers_colour_is_distinct_and_the_main_four_unchanged():
    from minigrad.comparison import OPTIMIZERS

    assert set(OPTIMIZERS) <= set(plot.COLORS)
    assert [plot.COLORS[name] for name in ("sgd", "adagrad", "rmsprop", "adam")] == ["#1f77b4", "#d62728", "#2ca02c",
                                                                                     "#9467bd"]  # fmt: skip
    # the closest two were 25 apart (nadam and radam); 38 is sgd's blue against adam's purple
    distances = {(a, b): np.linalg.norm(lab(plot.COLORS[a]) - lab(plot.COLORS[b]))
                 for index, a in enumerate(OPTIMIZERS) for b in list(OPTIMIZERS)[index + 1 :]}  # fmt: skip
    assert min(distances.values()) > 35, min(distances, key=distances.get)


FAILING = """
from minigrad.optim import Optimizer


class Broken(Optimizer):
    defaults = {"lr": 0.1}

    def update(self, p, g, state, group):
        raise RuntimeError("no rule\\nyet")
"""


@pytest.mark.parametrize("command", [["race", "--out", "r.gif"], ["compare", "--problem", "saddle", "--out", "r.png"]])
def test_a_learners_optimizer_failing_in_step_1_is_one_line_and_exit_1(command, tmp_path, monkeypatch, capsys):
    (tmp_path / "broken_in_step.py").write_text(FAILING)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "broken_in_step", raising=False)
    argv = [*command, "--problem", "saddle", "--optimizers", "sgd,broken_in_step:Broken", "--steps", "3"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err == ("minigrad: error: optimizer 'Broken' failed in step 1 on saddle with RuntimeError: no rule "
                            "yet (broken_in_step.py line 9; raised in its first step: nothing was run)"
                            + ("; no animation written" if command[0] == "race" else "") + "\n")  # fmt: skip
    assert captured.out == "" and [name for name in os.listdir(tmp_path) if name != "__pycache__"] == [
        "broken_in_step.py"
    ]


@pytest.mark.parametrize("command, said", [("race", "interrupted: no animation written"), ("compare", "interrupted")])
def test_ctrl_c_while_the_command_starts_is_one_line_and_exit_130(command, said, monkeypatch, capsys):
    import minigrad.cli

    def interrupted(*args):  # as Ctrl-C while matplotlib is imported, in the first second
        raise KeyboardInterrupt

    monkeypatch.setattr(minigrad.cli, "_add_race", interrupted)
    assert main([command, "--steps", "5"]) == 130
    assert capsys.readouterr().err == f"\n{said}\n"


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="no /proc")
def test_an_out_path_that_cannot_be_made_gives_the_systems_reason_for_the_file(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["race", "--out", "/proc/race.gif"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.startswith("minigrad: error: argument --out: cannot write /proc/race.gif: No such "
                                              "file or directory; choose another place")  # fmt: skip


def test_frame_steps_every_step_when_few_else_denser_at_the_start():
    assert frame_steps(3, 10).tolist() == [0, 1, 2, 3]
    # frame k shows k + (10 - 4 + 1) * (k / 3)^2, rounded: 0, 1.78, 5.11, 10
    assert frame_steps(10, 4).tolist() == [0, 2, 5, 10]
    steps = frame_steps(2000, 100)
    assert len(steps) == 100 and steps[0] == 0 and steps[-1] == 2000 and np.all(np.diff(steps) >= 1)
    assert np.all(np.diff(np.diff(steps)) >= -1)  # the gaps only grow (up to rounding)


def test_bad_races_are_refused_naming_the_problem(small_race, tmp_path, monkeypatch):
    with pytest.raises(ValueError, match=r"^noisy_quadratic has 100 parameters and no contours to draw; a race runs on "
                                         r"a 2-D problem: rosenbrock, beale, himmelblau, saddle, rotated_quadratic$"):
        plot.race("noisy_quadratic")  # fmt: skip
    with pytest.raises(ValueError, match=r"^unknown problem 'nope'; a race runs on a 2-D problem: rosenbrock, beale, "
                                         r"himmelblau, saddle, rotated_quadratic$"):
        plot.race("nope")  # fmt: skip
    for setting, value, allowed in [("frames", 1, "2 to 1000"), ("frames", 1001, "2 to 1000"), ("fps", 0, "1 to 50"),
                                    ("fps", 1000, "1 to 50"), ("dpi", 3, "20 to 300"), ("dpi", 100000, "20 to 300")]:
        with pytest.raises(ValueError, match=f"^{setting} must be from {allowed}, got {value}$"):
            plot.race(**{setting: value})
        with pytest.raises(ValueError, match=f"^{setting} must be from {allowed}, got {value}$"):
            Race(small_race.comparison, **{setting: value})
    with pytest.raises(TypeError, match="dpi must be an int, got 72.0"):
        plot.race(dpi=72.0)
    race = small_race
    with pytest.raises(ValueError, match=re.escape("cannot write a race to 'r.png' (.png); end the name with .gif, "
                                                   ".mp4 or .html")):  # fmt: skip
        race.save(tmp_path / "r.png")
    ffmpeg_missing(monkeypatch)
    with pytest.raises(RuntimeError, match="writing .mp4 needs ffmpeg"):
        race.save(tmp_path / "r.mp4")
    with pytest.raises(TypeError, match="path must be a str or a Path"):
        race.save(3)
    assert os.listdir(tmp_path) == []

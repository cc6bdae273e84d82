"""minigrad.plot draws from real histories and the real optimizer classes."""

import math
import os
import sys
import types

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import data, nn, optim, plot


@pytest.fixture(scope="module")
def comparison():
    X, y = data.make_moons(64, seed=0)
    model = lambda: nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))  # noqa: E731
    return mg.compare(model, X, y, optimizers=["sgd", "adagrad"], epochs=2, seeds=[0, 1], verbose=False), X, y


def test_loss_and_effective_lr_curves_have_one_line_per_optimizer(comparison):
    result, _, _ = comparison
    for draw in (plot.loss_curves, lambda r: plot.effective_lr_curves(r, sqrt_guide=[])):
        ax = draw(result)
        assert [line.get_label() for line in ax.get_lines()] == ["sgd", "adagrad"]
        assert ax.get_yscale() == "log"
    sgd_line = plot.effective_lr_curves(result).get_lines()[0]
    np.testing.assert_allclose(
        sgd_line.get_ydata(), optim.SGD([mg.Tensor([0.0], requires_grad=True)]).defaults["lr"] * 10
    )


def test_loss_curves_take_a_dict_of_histories(comparison):
    result, _, _ = comparison
    ax = plot.loss_curves({"only": result.runs["sgd"][0].history}, smooth=1)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), result.runs["sgd"][0].history.loss)
    with pytest.raises(TypeError, match="Comparison or a dict"):
        plot.loss_curves([1, 2])


def test_comparison_figure_is_written(comparison, tmp_path):
    result, X, y = comparison
    figure = plot.comparison_figure(result, X, y)
    # loss, effective lr and update size in a row, one boundary per optimizer below
    assert isinstance(figure, Figure) and len(figure.axes) == 5
    titles = [ax.get_title() for ax in figure.axes]
    # the panels of one seed say so
    assert titles == ["Loss (median and range over 2 seeds)",
                      "Effective learning rate (median, 10-90% band)\nfirst of 2 seeds",
                      "Update size |Δθ| (median, 10-90% band)\nfirst of 2 seeds", "sgd (first of 2 seeds)",
                      "adagrad (first of 2 seeds)"]  # fmt: skip
    assert "∝ 1/√t (through adagrad at step 2)" in [line.get_label() for line in figure.axes[1].get_lines()]
    figure.savefig(tmp_path / "figure.png")
    # each boundary, drawn at the data's shape, fills the place the layout gave it: no empty band beside it
    for ax in figure.axes[3:]:
        drawn, given = ax.get_position(), ax.get_position(original=True)
        assert drawn.height > 0.95 * given.height and drawn.width > 0.95 * given.width, (drawn, given)
    assert (tmp_path / "figure.png").stat().st_size > 10_000


def test_decision_boundary_needs_2d_inputs():
    with pytest.raises(ValueError, match=r"2-D inputs, got X of shape \(4, 3\)"):
        plot.decision_boundary(nn.Linear(3, 2), np.zeros((4, 3)), np.zeros(4, dtype=int))


def test_optimizer_paths_are_the_real_optimizer_steps():
    def bowl(p):
        return (p * p * mg.Tensor([1.0, 10.0])).sum()

    ax, paths = plot.optimizer_paths(bowl, {"SGD": (optim.SGD, {"lr": 0.05})}, start=[1.0, 1.0], steps=5)
    expected = [np.array([1.0, 1.0])]
    for _ in range(5):  # x <- x - lr * 2 * a * x
        expected.append(expected[-1] - 0.05 * 2 * np.array([1.0, 10.0]) * expected[-1])
    np.testing.assert_allclose(paths["SGD"], np.array(expected), rtol=1e-12)
    assert ax.get_legend() is not None


def small_figure(value: float = 1.0) -> Figure:
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 1], [0, value])
    return fig


def test_show_writes_the_figure_once_and_rewrites_it_only_when_the_picture_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGRAD_FIGURES", str(tmp_path / "figs"))
    path = tmp_path / "figs" / "line.png"
    assert plot.show(small_figure(), "line", dpi=30) is None  # a cell ending with show() shows only the figure
    assert path.read_bytes().startswith(b"\x89PNG")
    stamp = path.stat().st_mtime_ns
    os.utime(path, ns=(stamp - 10**9, stamp - 10**9))  # an older file, so that a rewrite would show
    plot.show(small_figure(), "line.png", dpi=30)
    assert path.stat().st_mtime_ns == stamp - 10**9, "the same picture was written again"
    # the same pixels in different bytes (matplotlib's version stamp) count as the same picture
    small_figure().savefig(path, dpi=30)
    stamped = path.read_bytes()
    plot.show(small_figure(), "line", dpi=30)
    assert path.read_bytes() == stamped
    plot.show(small_figure(2.0), "line", dpi=30)
    assert path.read_bytes() != stamped, "a changed picture was not written"


def test_figures_folder_is_the_named_one_else_next_to_the_script_else_in_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MINIGRAD_QUICK", raising=False)
    monkeypatch.setenv("MINIGRAD_FIGURES", str(tmp_path / "named"))
    assert plot.figures_folder() == tmp_path / "named"
    monkeypatch.delenv("MINIGRAD_FIGURES")
    script = types.ModuleType("__main__")
    script.__file__ = str(tmp_path / "tutorials" / "04_adagrad.py")
    monkeypatch.setitem(sys.modules, "__main__", script)
    assert plot.figures_folder() == (tmp_path / "tutorials" / "figures").resolve()
    monkeypatch.setenv("MINIGRAD_QUICK", "1")  # a short run never replaces a full run's figures
    assert plot.figures_folder() == (tmp_path / "tutorials" / "figures" / "quick").resolve()
    monkeypatch.delenv("MINIGRAD_QUICK")
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))  # a notebook's has no __file__
    monkeypatch.chdir(tmp_path)
    assert plot.figures_folder() == tmp_path / "figures"
    assert not (tmp_path / "figures").exists(), "figures_folder created the folder before anything was shown"


@pytest.mark.parametrize(
    "fig, name, dpi, error, message",
    [
        ("not a figure", "x", 100, TypeError, "matplotlib Figure"),
        (None, 3, 100, TypeError, "name must be a str"),
        (None, "", 100, ValueError, "plain file name"),
        (None, "sub/x", 100, ValueError, "plain file name"),
        (None, ".png", 100, ValueError, "no leading dot"),
        (None, "..png", 100, ValueError, "no leading dot"),
        (None, " ", 100, ValueError, "plain file name"),
        (None, "a\\b", 100, ValueError, "no folder"),
        (None, "x.svg", 100, ValueError, "writes PNG files"),
        (None, "x", 1001, ValueError, "at most 1000"),
        (None, "x", 0, ValueError, "dpi must be at least 1"),
        (None, "x", 72.0, TypeError, "dpi must be an int"),
    ],
)
def test_show_names_what_is_wrong_with_its_arguments(fig, name, dpi, error, message, tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGRAD_FIGURES", str(tmp_path))
    with pytest.raises(error, match=message):
        plot.show(small_figure() if fig is None else fig, name, dpi=dpi)
    assert list(tmp_path.iterdir()) == []
def test_step_curves_draw_each_curve_against_its_steps_with_references():
    rates = np.array([0.3, 0.2, 0.1])
    ax = plot.step_curves(
        {"AdaGrad": rates, "AdaGrad restarted": (np.array([3, 4]), [0.1, 0.05]), "mine": rates / 2},
        styles={"AdaGrad restarted": {"ls": "--"}},
        colors={"mine": "#000000"},
        references={"lr / |g|": 0.2},
    )
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["AdaGrad", "AdaGrad restarted", "mine", "lr / |g|"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[0].get_ydata(), rates)
    np.testing.assert_array_equal(lines[1].get_xdata(), [3, 4])
    assert lines[0].get_color() == lines[1].get_color() == plot.COLORS["adagrad"]  # named by the first word
    assert lines[1].get_linestyle() == "--" and lines[2].get_color() == "#000000"
    np.testing.assert_array_equal(lines[3].get_ydata(), [0.2, 0.2])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step"
    assert plot.step_curves({"a": rates}, log=False, ylabel="distance").get_yscale() == "linear"


def test_step_curves_reject_what_they_cannot_draw():
    with pytest.raises(TypeError, match="dict of label -> values, got list"):
        plot.step_curves([np.ones(3)])
    with pytest.raises(ValueError, match=r"curve 'a' needs 1-D values and as many steps, got steps of shape \(2,\)"):
        plot.step_curves({"a": ([1, 2], [1.0, 2.0, 3.0])})
    with pytest.raises(ValueError, match="curve 'b' needs 1-D values"):
        plot.step_curves({"b": np.ones((2, 2))})


def test_mark_step_and_mark_point_label_where_they_point():
    ax = plot.step_curves({"RMSprop": np.ones(10)}, log=False)
    line = plot.mark_step(ax, 5, "lr cut")
    np.testing.assert_array_equal(line.get_xdata(), [5.5, 5.5])
    assert [t.get_text() for t in ax.texts] == [" lr cut"]
    note = plot.mark_point(ax, 10, 1.0, "end", color="#ff0000", offset=(-20, 10))
    assert note.get_text() == "end" and note.xy == (10, 1.0) and note.get_ha() == "right"
    dot = ax.get_lines()[-1]
    np.testing.assert_array_equal(dot.get_xydata(), [[10, 1.0]])
    assert dot.get_marker() == "o" and dot.get_color() == "#ff0000"
def test_quadratic_paths_turn_the_bowl_and_mark_the_ends():
    # f = 0.5 (q1^2 + 4 q2^2): SGD multiplies q1 by 1 - lr and q2 by 1 - 4 lr per step,
    # whatever the angle; the path in x, y is the bowl's path turned by the angle.
    c, s = np.cos(np.radians(30)), np.sin(np.radians(30))
    turn = np.array([[c, -s], [s, c]])
    ax, paths = plot.quadratic_paths(
        {"SGD": (optim.SGD, {"lr": 0.1})}, curvatures=(1.0, 4.0), start=(2.0, 1.0), steps=3, angle=30
    )
    own = np.array([[2.0 * 0.9**t, 1.0 * 0.6**t] for t in range(4)])
    np.testing.assert_allclose(paths["SGD"], own @ turn.T, rtol=1e-12)
    end_loss = 0.5 * (own[-1, 0] ** 2 + 4 * own[-1, 1] ** 2)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == [f"SGD: loss {end_loss:.1e} at the end", "start", "end of each path", "minimum"]
    circles = [line for line in ax.get_lines() if line.get_marker() == "o" and len(line.get_xydata())]
    assert len(circles) == 1 and np.allclose(circles[0].get_xydata(), paths["SGD"][-1:])
    assert any(line.get_marker() == "+" and np.allclose(line.get_xydata(), [[0, 0]]) for line in ax.get_lines())
    with pytest.raises(ValueError, match="two positive numbers"):
        plot.quadratic_paths({"SGD": (optim.SGD, {})}, curvatures=(1.0, 0.0))


def test_paths_legend_explains_the_markers_and_can_sit_below_the_axes():
    ax, _ = plot.optimizer_paths(lambda p: (p * p).sum(), {"SGD": (optim.SGD, {"lr": 0.1})}, (1.0, 1.0), steps=2)
    legend = plot.paths_legend(ax, minimum="minimum (0, 0)", minimum_marker="r+")
    assert [text.get_text() for text in legend.get_texts()] == ["SGD", "start", "end of each path", "minimum (0, 0)"]
    assert [line.get_marker() for line in legend.get_lines()][1:] == ["*", "o", "+"]
    ax.figure.canvas.draw()
    assert legend.get_window_extent().y1 < ax.get_window_extent().y0  # "below": under the axes


def test_losses_to_target_marks_the_first_step_below_the_target():
    fast, slow = 0.5 ** np.arange(30), 0.9 ** np.arange(30)
    ax = plot.losses_to_target({"SGD": fast, "slow": slow}, 1e-3, predicted={"SGD": fast * 2})
    assert ax.get_yscale() == "log"
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["SGD: below target at step 10", "slow: target not reached", "target: loss 0.001"]
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), fast)
    assert lines[0].get_color() == plot.COLORS["sgd"]
    dots = [line for line in lines if line.get_marker() == "o"]
    assert len(dots) == 1 and np.allclose(dots[0].get_xydata(), [[10, 0.5**10]])
    dashed = [line for line in lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and np.allclose(dashed[0].get_ydata(), fast * 2)
    # a prediction on its curve must show: drawn over it, narrower, darker, and the dot over both
    assert dashed[0].get_zorder() > lines[0].get_zorder() and dashed[0].get_linewidth() < lines[0].get_linewidth()
    assert sum(to_rgb(dashed[0].get_color())) < 0.6 * sum(to_rgb(plot.COLORS["sgd"]))
    assert dots[0].get_zorder() > dashed[0].get_zorder()
    target = [line for line in lines if line.get_label() == "target: loss 0.001"]
    assert np.allclose(target[0].get_ydata(), 1e-3)
    styled = plot.losses_to_target(
        {"slow": slow}, 1e-3, styles={"slow": {"color": "C5", "ls": ":", "lw": 2}}, legend_loc="outside",
        predicted={"slow": slow},
    )  # fmt: skip
    assert styled.get_lines()[0].get_linestyle() == ":" and styled.get_lines()[0].get_linewidth() == 2
    styled.figure.canvas.draw()  # the legend lies right of the axes
    assert styled.get_legend().get_window_extent().x0 > styled.get_window_extent().x1
    with pytest.raises(ValueError, match="positive loss"):
        plot.losses_to_target({"SGD": fast}, 0.0)
    with pytest.raises(ValueError, match=r"not in curves: \['other'\]"):
        plot.losses_to_target({"SGD": fast}, 1e-3, predicted={"other": fast})
    with pytest.raises(TypeError, match="dict of label -> losses, got list"):
        plot.losses_to_target([fast], 1e-3)


def test_show_says_where_the_figure_is_outside_a_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MINIGRAD_FIGURES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    plot.show(small_figure(), "line", dpi=30)
    plot.show(small_figure(), "line", dpi=30)
    assert capsys.readouterr().out.splitlines() == ["figure line.png", "figure line.png (unchanged)"]


def test_show_writes_the_whole_figure_of_a_subfigure(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGRAD_FIGURES", str(tmp_path))
    whole = Figure(figsize=(2, 2))
    whole.subfigures(1, 2)[0].add_subplot().plot([0, 1])
    plot.show(whole.subfigures(1, 1), "part", dpi=30)
    plot.show(whole, "whole", dpi=30)
    assert (tmp_path / "part.png").read_bytes() == (tmp_path / "whole.png").read_bytes()


def test_in_a_notebook_show_displays_the_picture_once_and_closes_a_pyplot_figure(tmp_path, monkeypatch):
    pyplot = pytest.importorskip("matplotlib.pyplot")
    display = pytest.importorskip("IPython.display")
    shown = []
    monkeypatch.setattr(display, "display", shown.append)
    monkeypatch.setattr(plot, "_in_notebook", lambda: True)
    monkeypatch.setenv("MINIGRAD_FIGURES", str(tmp_path))
    fig = pyplot.figure(figsize=(2, 2))
    pyplot.plot([0, 1])
    plot.show(fig, "pyplot", dpi=30)
    assert len(shown) == 1 and shown[0].data == (tmp_path / "pyplot.png").read_bytes()
    assert not pyplot.fignum_exists(fig.number), "the inline backend would show the figure a second time"


def test_a_learners_optimizer_never_takes_the_colour_of_a_named_one_beside_it(comparison):
    result, _, _ = comparison
    history = result.runs["sgd"][0].history
    histories = {"MySGD": history, "sgd": history, "adadelta": history, "optimizer 4": history}
    for draw in (plot.loss_curves, plot.effective_lr_curves):
        colors = [line.get_color() for line in draw(histories).get_lines()]
        # C0 and C1 are sgd's and adadelta's: the others take the next free cycle colours, C2 and C3
        assert colors == ["#2ca02c", plot.COLORS["sgd"], plot.COLORS["adadelta"], "#d62728"]


def test_the_sqrt_guide_goes_on_adagrads_curve_only_and_is_c_over_sqrt_t_through_its_median(comparison):
    result, _, _ = comparison
    ax = plot.effective_lr_curves(result)
    lines = {line.get_label(): line for line in ax.get_lines()}
    steps = len(result["adagrad"].effective_lr)  # 2 epochs of 2 batches: 4 steps, so the anchor is step 2
    assert steps == 4
    guide = lines["∝ 1/√t (through adagrad at step 2)"]
    assert list(lines) == ["sgd", "adagrad", "∝ 1/√t (through adagrad at step 2)"]
    median = np.array(result["adagrad"].effective_lr)[:, 0]
    t = np.arange(1, steps + 1)
    np.testing.assert_array_equal(guide.get_xdata(), t)
    np.testing.assert_allclose(guide.get_ydata(), median[1] * np.sqrt(2) / np.sqrt(t), rtol=1e-12)
    assert guide.get_ydata()[1] == pytest.approx(median[1], rel=1e-12)
    assert guide.get_linestyle() == "--" and guide.get_color() == lines["adagrad"].get_color()
    assert ax.get_ylabel() == "factor on the update direction"
    assert ax.get_title() == "Effective learning rate (median, 10-90% band)\nfirst of 2 seeds"


def test_the_sqrt_guide_follows_the_optimizer_class_not_the_name():
    X, y = data.make_moons(32, seed=0)
    model = lambda: nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2))  # noqa: E731
    result = mg.compare(model, X, y, optimizers={"adagrad": "sgd", "slow": "adagrad", "Mine": optim.Adagrad},
                        epochs=1, batch_size=8, verbose=False)  # fmt: skip
    labels = [line.get_label() for line in plot.effective_lr_curves(result).get_lines()]
    assert labels == ["adagrad", "slow", "∝ 1/√t (through slow at step 2)", "Mine", "∝ 1/√t (through Mine at step 2)"]
    assert result.runs["slow"][0].optimizer_class is optim.Adagrad


def test_a_dict_of_histories_gets_the_sqrt_guide_only_where_named(comparison):
    result, _, _ = comparison
    histories = {"sgd": result["sgd"], "adagrad": result["adagrad"]}
    assert [line.get_label() for line in plot.effective_lr_curves(histories).get_lines()] == ["sgd", "adagrad"]
    labels = [line.get_label() for line in plot.effective_lr_curves(histories, sqrt_guide="adagrad").get_lines()]
    assert labels == ["sgd", "adagrad", "∝ 1/√t (through adagrad at step 2)"]
    with pytest.raises(ValueError, match=r"sqrt_guide names \['adam'\], which are not among the curves"):
        plot.effective_lr_curves(histories, sqrt_guide=["adam"])
    with pytest.raises(TypeError, match="sqrt_guide must be a list of curve names"):
        plot.effective_lr_curves(histories, sqrt_guide=3)


def test_update_size_curves_draw_each_first_seeds_median_with_its_band(comparison):
    result, _, _ = comparison
    ax = plot.update_size_curves(result)
    assert [line.get_label() for line in ax.get_lines()] == ["sgd", "adagrad"]
    for line, name in zip(ax.get_lines(), ["sgd", "adagrad"], strict=True):
        sizes = np.array(result.runs[name][0].history.update_size)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(sizes) + 1))
        np.testing.assert_array_equal(line.get_ydata(), sizes[:, 0])
        band = ax.collections[["sgd", "adagrad"].index(name)].get_paths()[0].vertices
        assert np.isclose(band[:, 1].min(), sizes[:, 1].min()) and np.isclose(band[:, 1].max(), sizes[:, 2].max())
    # AdaGrad's first step moves every coordinate that got a gradient by lr * |g| / (|g| + eps), about lr
    assert result["adagrad"].update_size[0].median == pytest.approx(0.05, rel=1e-6)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step"
    assert ax.get_ylabel() == "|change of a weight| in the step"
    assert ax.get_title() == "Update size |Δθ| (median, 10-90% band)\nfirst of 2 seeds"


def test_update_size_curves_skip_a_history_without_update_sizes(comparison):
    result, _, _ = comparison
    empty = mg.train.History(loss=[1.0], effective_lr=[mg.train.LRSummary(0.1, 0.1, 0.1)])
    ax = plot.update_size_curves({"old": empty, "sgd": result["sgd"]})
    assert [line.get_label() for line in ax.get_lines()] == ["sgd"]
    with pytest.raises(TypeError, match="Comparison or a dict"):
        plot.update_size_curves([1, 2])


def _history(losses, update=None):
    """A hand-made history: these losses, effective lr 0.1 and update size ``update`` per step."""
    from minigrad.train import History, LRSummary

    update = [1e-3] * len(losses) if update is None else update
    return History(loss=list(losses), effective_lr=[LRSummary(0.1, 0.05, 0.2)] * len(losses),
                   update_size=[LRSummary(u, u, u) for u in update])  # fmt: skip


def test_a_huge_finite_loss_is_drawn_at_the_top_and_the_legend_says_so(tmp_path):
    # 7e265 is finite, but matplotlib's log ticks overflowed on it and no figure was written
    runs = {"calm": _history([1.0, 0.5, 0.25, 0.1]), "blown": _history([1.0, 1e50, 1e200, 7.075e265])}
    ax = plot.loss_curves(runs, smooth=1)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["calm", "blown (above 1e+100 drawn at 1e+100)"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [1.0, 1e50, 1e100, 1e100])
    ax.figure.savefig(tmp_path / "huge.png")


def test_zeros_on_log_axes_are_drawn_at_the_foot_and_the_legend_says_so(tmp_path):
    # an update of exactly 0 (sgd at lr 1e-9 in float32) or a loss of exactly 0 used to vanish
    runs = {"frozen": _history([0.5, 0.25, 0.0, 0.0], update=[0.0] * 4), "moving": _history([1.0, 0.5, 0.2, 0.1])}
    for draw in (lambda r: plot.loss_curves(r, smooth=1), plot.update_size_curves):
        ax = draw(runs)
        frozen = ax.get_lines()[0]
        assert frozen.get_label() == "frozen (0 drawn at the foot)"
        y = frozen.get_ydata()
        assert np.all(y > 0) and y[-1] < 0.5 * min(line.get_ydata().min() for line in ax.get_lines()[1:])
        ax.figure.savefig(tmp_path / "zero.png")


def test_titles_say_the_moving_average_and_each_boundarys_status():
    from minigrad.comparison import _status

    X, y = data.make_moons(64, seed=0)
    model = lambda: nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))  # noqa: E731
    # 100 steps: the loss is averaged over 100 // 50 = 2 steps; sgd at lr 1e-9 learns nothing
    result = mg.compare(model, X, y, optimizers=["sgd", "adam"], lr={"sgd": 1e-9, "adam": 100.0}, epochs=50,
                        verbose=False)  # fmt: skip
    titles = [ax.get_title() for ax in plot.comparison_figure(result, X, y).axes]
    assert titles[0] == "Loss\nmoving average over 2 steps"
    assert titles[3] == "sgd (learned nothing)"
    adam = _status(result.runs["adam"], result.chance)  # diverged or loss went up, as round-off has it
    assert adam != "ok" and titles[4] == f"adam ({adam})"


def test_lr_sensitivity_keeps_blown_up_trials_off_the_scale_as_marks_above_the_rings(comparison):
    from minigrad.comparison import Comparison, Trial

    result, _, _ = comparison
    run = result.runs["sgd"][0]  # each trial's first-step loss comes from its run
    start = run.history.loss[0]
    trials = {
        "sgd": [Trial(0.01, 0.9 * start, run), Trial(0.1, 0.5 * start, run), Trial(1.0, 1e9, run)],
        "adam": [Trial(0.01, 0.6 * start, run), Trial(0.1, math.inf, run), Trial(1.0, 2e12, run)],
    }
    tuned = Comparison(result.runs, trials=trials, chosen={"sgd": 0.1, "adam": 0.01})
    ax = plot.lr_sensitivity(tuned)
    low, high = ax.get_ylim()
    # from below the lowest loss to a little above 3x the first step's: 1e9 and 2e12 would flatten the rest
    assert low < 0.5 * start and 3 * start < high < 10 * start
    lines = ax.get_lines()
    rings = [line for line in lines if line.get_markersize() == 11 and len(line.get_xdata())]
    marks = [line for line in lines if line.get_marker() in ("^", "x") and len(line.get_xdata())]
    assert sorted((line.get_marker(), float(line.get_xdata()[0])) for line in marks) == [("^", 1.0), ("^", 1.0),
                                                                                         ("x", 0.1)]  # fmt: skip
    # the marks sit in axes coordinates above the plotted range, where every ring is drawn
    to_axes = ax.transAxes.inverted()
    ring_heights = [to_axes.transform(ax.transData.transform((r.get_xdata()[0], r.get_ydata()[0])))[1] for r in rings]
    assert len(rings) == 2 and max(ring_heights) < 0.9 <= min(float(m.get_ydata()[0]) for m in marks)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["sgd", "adam", "chosen", f"validation loss above {3 * start:.3g} (3x the first step's)",
                      "diverged or broke"]  # fmt: skip


def test_a_decision_boundary_keeps_the_datas_shape_in_a_wide_panel():
    # one optimizer's boundary spans the whole width of the compare figure: a circle must stay round
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    X = np.column_stack([np.cos(angles), np.sin(angles)])
    fig = Figure(figsize=(12, 3), layout="constrained")
    ax = plot.decision_boundary(nn.Linear(2, 2), X, np.arange(40) % 2, ax=fig.add_subplot())
    fig.draw_without_rendering()  # lays the figure out: the panel's box as drawn
    box = ax.get_window_extent()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert box.width / box.height == pytest.approx((x1 - x0) / (y1 - y0), rel=0.02)  # one unit is as long either way

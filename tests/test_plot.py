"""minigrad.plot draws from real histories and the real optimizer classes."""

import numpy as np
import pytest
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
    for draw in (plot.loss_curves, plot.effective_lr_curves):
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
    assert isinstance(figure, Figure) and len(figure.axes) == 4  # loss, lr, one boundary per optimizer
    figure.savefig(tmp_path / "figure.png")
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
    assert ax.get_legend().get_texts()[0].get_text() == f"SGD: loss {end_loss:.1e} at the end"
    circles = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(circles) == 1 and np.allclose(circles[0].get_xydata(), paths["SGD"][-1:])
    assert any(line.get_marker() == "+" and np.allclose(line.get_xydata(), [[0, 0]]) for line in ax.get_lines())
    with pytest.raises(ValueError, match="two positive numbers"):
        plot.quadratic_paths({"SGD": (optim.SGD, {})}, curvatures=(1.0, 0.0))


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
    target = [line for line in lines if line.get_label() == "target: loss 0.001"]
    assert np.allclose(target[0].get_ydata(), 1e-3)
    styled = plot.losses_to_target(
        {"slow": slow}, 1e-3, styles={"slow": {"color": "C5", "ls": ":"}}, legend_loc="outside"
    )
    assert styled.get_lines()[0].get_linestyle() == ":"
    styled.figure.canvas.draw()  # the legend lies right of the axes
    assert styled.get_legend().get_window_extent().x0 > styled.get_window_extent().x1
    with pytest.raises(ValueError, match="positive loss"):
        plot.losses_to_target({"SGD": fast}, 0.0)
    with pytest.raises(ValueError, match=r"not in curves: \['other'\]"):
        plot.losses_to_target({"SGD": fast}, 1e-3, predicted={"other": fast})

"""mg.explore without a browser: set the widgets' values as a learner's clicks would, and check
that the figure then draws exactly what problems.run gives for those settings."""

import sys

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

import minigrad as mg  # noqa: E402
from minigrad import optim, problems  # noqa: E402
from minigrad.checks import check_non_negative  # noqa: E402
from minigrad.explorer import PROBLEMS_2D, STEPS_MAX, Explorer  # noqa: E402

STEPS = 40  # short runs: each change reruns the optimizers


class MyAdagrad(optim.Optimizer):  # a learner's own optimizer, as the Optimizer docstring writes one
    defaults = {"lr": 0.5, "eps": 1e-10}
    checks = {"lr": check_non_negative, "eps": check_non_negative}

    def init_state(self, p, group):
        return {"sum": np.zeros(p.shape, dtype=p.data.dtype)}

    def update(self, p, g, state, group):
        state["sum"] += g * g
        p.data -= self.effective_lr_of(state, group) * g

    def effective_lr_of(self, state, group):
        return group["lr"] / (np.sqrt(state["sum"]) + group["eps"])


def drawn(explorer, name):
    """What the figure draws for one optimizer: its path, its loss curve and its rates."""
    lines = explorer.lines[name]
    return {
        "path": np.column_stack(lines["path"].get_data()),
        "loss": np.asarray(lines["loss"].get_data()[1]),
        "rate_x": np.asarray(lines["rate_x"].get_data()[1]),
        "rate_y": np.asarray(lines["rate_y"].get_data()[1]),
    }


def assert_draws(explorer, name, run):
    """The figure shows ``run`` (a fresh problems.run) for ``name``, every point of it."""
    shown = drawn(explorer, name)
    assert explorer.lines[name]["path"].get_visible()
    np.testing.assert_array_equal(shown["path"], run.path)
    np.testing.assert_array_equal(shown["loss"], run.losses - run.problem.optimum_loss)
    np.testing.assert_array_equal(shown["rate_x"], run.effective_lr[:, 0])
    np.testing.assert_array_equal(shown["rate_y"], run.effective_lr[:, 1])


RENDER = Explorer._render


@pytest.fixture(autouse=True)
def unrendered(monkeypatch):
    """The figure's data is what these tests check: rendering it to PNG (a third of a second
    each time) is left out but where a test asks for ``rendered`` (before ``explorer``)."""
    monkeypatch.setattr(Explorer, "_render", lambda self: None)


@pytest.fixture
def rendered(monkeypatch):
    monkeypatch.setattr(Explorer, "_render", RENDER)


@pytest.fixture
def explorer():
    return mg.explore("rosenbrock", steps=STEPS)


def test_the_figure_draws_each_optimizer_s_run_at_the_problem_s_rates(rendered, explorer):
    rosenbrock = problems.get("rosenbrock")
    assert list(explorer.runs) == ["sgd", "momentum", "rmsprop", "adam"]
    assert explorer.problem.name == "rosenbrock"
    for name in explorer.runs:
        options = {"momentum": 0.9} if name == "momentum" else {}
        options |= {"alpha": 0.9, "eps": 1e-8} if name == "rmsprop" else {}
        options |= {"betas": (0.9, 0.999), "eps": 1e-8} if name == "adam" else {}
        assert explorer.settings(name) == (rosenbrock.lr[name], options)
        assert_draws(explorer, name, problems.run(rosenbrock, name, steps=STEPS, options=options))
    hidden = [name for name in explorer.lines if name not in explorer.runs]
    assert "adagrad" in hidden
    assert not any(line.get_visible() for name in hidden for line in explorer.lines[name].values())
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert "<b>adam</b>: lr 0.1, betas (0.9, 0.999), eps 1e-08" in explorer.status.value
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # a notebook shows the widget


def test_the_lr_multiplier_scales_every_optimizer_s_rate(rendered, explorer):
    before = drawn(explorer, "adam")["path"].copy()
    image = explorer.image.value
    explorer.controls["lr_scale"].value = 3.0
    rosenbrock = problems.get("rosenbrock")
    assert not np.array_equal(drawn(explorer, "adam")["path"], before)
    assert bytes(explorer.image.value) != bytes(image)
    adam = problems.run(rosenbrock, "adam", lr=0.1 * 3.0, steps=STEPS, options={"betas": (0.9, 0.999), "eps": 1e-8})
    assert_draws(explorer, "adam", adam)
    assert_draws(explorer, "sgd", problems.run(rosenbrock, "sgd", lr=1e-3 * 3.0, steps=STEPS))
    assert "lr 0.3" in explorer.lines["adam"]["loss"].get_label()


def test_alpha_reruns_rmsprop_only(explorer):
    others = {name: explorer.runs[name] for name in ("sgd", "momentum", "adam")}
    before = drawn(explorer, "rmsprop")["path"].copy()
    explorer.controls["alpha"].value = 0.99
    assert not np.array_equal(drawn(explorer, "rmsprop")["path"], before)
    rmsprop = problems.run("rosenbrock", "rmsprop", steps=STEPS, options={"alpha": 0.99, "eps": 1e-8})
    assert_draws(explorer, "rmsprop", rmsprop)
    for name, run in others.items():  # their settings did not change: not run again
        assert explorer.runs[name] is run


def test_betas_and_eps_reach_the_optimizers_that_have_them(explorer):
    explorer.controls["beta1"].value = 0.5
    explorer.controls["beta2"].value = 0.99
    adam = problems.run("rosenbrock", "adam", steps=STEPS, options={"betas": (0.5, 0.99), "eps": 1e-8})
    assert_draws(explorer, "adam", adam)
    sgd = explorer.runs["sgd"]
    explorer.controls["eps"].value = 0.1
    adam = problems.run("rosenbrock", "adam", steps=STEPS, options={"betas": (0.5, 0.99), "eps": 0.1})
    assert_draws(explorer, "adam", adam)
    assert_draws(explorer, "rmsprop", problems.run("rosenbrock", "rmsprop", steps=STEPS,
                                                   options={"alpha": 0.9, "eps": 0.1}))  # fmt: skip
    assert explorer.runs["sgd"] is sgd  # SGD has no eps


def test_momentum_reaches_the_momentum_optimizer_and_leaves_plain_sgd_plain(explorer):
    sgd = explorer.runs["sgd"]
    explorer.controls["momentum"].value = 0.5
    assert_draws(explorer, "momentum", problems.run("rosenbrock", "momentum", steps=STEPS, options={"momentum": 0.5}))
    assert explorer.runs["sgd"] is sgd
    assert explorer.settings("sgd") == (1e-3, {})


def test_choosing_a_problem_redraws_it_at_its_own_steps(explorer):
    explorer.controls["problem"].value = "saddle"
    saddle = problems.get("saddle")
    assert explorer.problem.name == "saddle"
    assert explorer.controls["steps"].value == saddle.steps
    assert explorer.paths_ax.get_xlim() == saddle.bounds[0]
    assert "saddle" in explorer.paths_ax.get_title()
    assert_draws(explorer, "adam", problems.run(saddle, "adam", options={"betas": (0.9, 0.999), "eps": 1e-8}))
    # the loss is drawn above the optimum's -1, and the target there
    assert explorer._target.get_ydata()[0] == pytest.approx(saddle.target_loss - saddle.optimum_loss)
    explorer.controls["steps"].value = 25
    assert_draws(explorer, "sgd", problems.run(saddle, "sgd", steps=25))
    # steps on a square-root scale, as in minigrad race, from 0 to the last step
    assert explorer.rate_ax.get_xscale() == "function" and "square-root" in explorer.rate_ax.get_xlabel()
    assert explorer.loss_ax.get_xlim() == (0, 25)
    assert explorer.rate_ax.get_xticks()[[0, -1]].tolist() == [0, 25]


def test_the_checkboxes_choose_which_optimizers_run(explorer):
    explorer.controls["show"]["adam"].value = False
    assert "adam" not in explorer.runs
    assert not explorer.lines["adam"]["path"].get_visible()
    assert not any("adam" in text.get_text() for text in explorer.loss_ax.get_legend().get_texts())
    explorer.controls["show"]["adagrad"].value = True
    adagrad = problems.run("rosenbrock", "adagrad", steps=STEPS, options={"eps": 1e-8})
    assert_draws(explorer, "adagrad", adagrad)
    assert explorer.controls["alpha"].disabled is False
    for name in ("sgd", "momentum", "rmsprop", "adagrad"):
        explorer.controls["show"][name].value = False
    assert explorer.runs == {}
    assert "no optimizer shown" in explorer.status.value
    assert explorer.controls["alpha"].disabled and explorer.controls["beta1"].disabled


def test_a_learner_s_optimizer_class_takes_the_controls_and_a_factory_keeps_its_settings():
    heavy = lambda params: optim.SGD(params, lr=1e-3, momentum=0.9)
    explorer = mg.explore("rosenbrock", {"mine": MyAdagrad, "heavy": heavy}, steps=STEPS, lr_scale=0.5, eps=1e-6)
    assert explorer.settings("mine") == (0.25, {"eps": 1e-6})
    assert explorer.settings("heavy") == (None, {})
    assert_draws(explorer, "mine", problems.run("rosenbrock", MyAdagrad, lr=0.25, steps=STEPS, options={"eps": 1e-6}))
    assert_draws(explorer, "heavy", problems.run("rosenbrock", heavy, steps=STEPS))
    heavy_run = explorer.runs["heavy"]
    explorer.controls["lr_scale"].value = 2.0
    assert_draws(explorer, "mine", problems.run("rosenbrock", MyAdagrad, lr=1.0, steps=STEPS, options={"eps": 1e-6}))
    assert explorer.runs["heavy"] is heavy_run


class Fragile(MyAdagrad):
    def update(self, p, g, state, group):
        if group["lr"] > 1:
            raise ValueError(f"lr {group['lr']} is too large for this rule")
        super().update(p, g, state, group)


def test_an_optimizer_that_fails_is_reported_and_the_others_still_run():
    explorer = mg.explore("rosenbrock", ["adam", Fragile], steps=STEPS)
    adam = explorer.runs["adam"]
    explorer.controls["lr_scale"].value = 4.0  # Fragile's lr 2: its first step raises
    assert "Fragile" not in explorer.runs
    assert not explorer.lines["Fragile"]["path"].get_visible()
    assert "Fragile</b> failed: ValueError: lr 2.0 is too large for this rule" in explorer.status.value
    assert explorer.runs["adam"] is not adam and "adam" in explorer.runs
    with pytest.raises(ValueError, match="too large"):  # failing from the start is an error of the call
        mg.explore("rosenbrock", [Fragile], steps=STEPS, lr_scale=4.0)


def test_a_given_problem_object_is_explored_under_its_name():
    steep = problems.RotatedQuadratic(condition=100)
    explorer = mg.explore(steep, ["sgd"], steps=STEPS)
    assert explorer.controls["problem"].options == PROBLEMS_2D
    assert explorer.problem is steep
    assert_draws(explorer, "sgd", problems.run(steep, "sgd", steps=STEPS))


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        ({"problem": "quadratic_deep"}, ValueError, "not a 2-D problem.*choose from rosenbrock"),
        ({"problem": "nope"}, ValueError, "unknown problem 'nope'"),
        ({"problem": 3}, TypeError, "problem must be a name"),
        ({"optimizers": ["sgd", "nope"]}, ValueError, "unknown optimizer"),
        ({"optimizers": []}, ValueError, "explore needs at least one optimizer"),
        ({"optimizers": {}}, ValueError, "explore needs at least one optimizer"),
        ({"steps": 0}, ValueError, "steps must be at least 1"),
        ({"steps": 2.5}, TypeError, "steps must be an int"),
        ({"steps": STEPS_MAX + 1}, ValueError, f"steps must be at most {STEPS_MAX}, got {STEPS_MAX + 1}"),
        # the sliders' ranges: a value beyond one is refused, not moved into it
        ({"lr_scale": 0}, ValueError, r"lr_scale must be in \[0.01, 100\], got 0"),
        ({"lr_scale": 1e6}, ValueError, r"lr_scale must be in \[0.01, 100\], got 1000000.0"),
        ({"eps": 1e-30}, ValueError, r"eps must be in \[1e-12, 1\], got 1e-30"),
        ({"eps": 10}, ValueError, r"eps must be in \[1e-12, 1\], got 10"),
        ({"eps": "small"}, TypeError, "eps must be a number"),
        ({"alpha": 1.0}, ValueError, r"alpha must be in \[0, 1\)"),
        ({"betas": (0.9,)}, ValueError, "betas must be a pair"),
        ({"betas": (0.9, 1.5)}, ValueError, r"betas\[1\] must be in"),
        ({"momentum": -0.1}, ValueError, "momentum must be in"),
    ],
)
def test_bad_arguments_name_the_problem(arguments, error, message):
    with pytest.raises(error, match=message):
        mg.explore(**arguments)


def test_a_problem_with_more_than_two_parameters_is_refused():
    with pytest.raises(ValueError, match="has 100 parameters"):
        mg.explore(problems.get("quadratic_deep"))


def test_without_ipywidgets_explore_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now raises ImportError
    with pytest.raises(ImportError, match=r'python -m pip install -e "\.\[notebook\]"') as raised:
        mg.explore()
    assert "minigrad[" not in str(raised.value)  # the "minigrad" on PyPI is another project


def test_a_diverged_run_is_named_in_the_legend_and_does_not_squash_the_loss_axis(explorer):
    explorer.controls["lr_scale"].value = 100.0  # SGD at lr 0.1 on Rosenbrock: overflows in a few steps
    assert explorer.runs["sgd"].diverged
    assert "sgd, lr 0.1: diverged" in explorer.lines["sgd"]["loss"].get_label()
    start = problems.get("rosenbrock").value((-1.2, 1.0))
    assert explorer.loss_ax.get_ylim()[1] == pytest.approx(1e3 * start)
    assert not explorer.lines["sgd"]["end"].get_visible()  # no end to circle


class BrokenFirst(MyAdagrad):
    def update(self, p, g, state, group):
        raise ValueError("my bug on step 1")


class Broken4(MyAdagrad):
    def step(self):
        self.steps_taken = getattr(self, "steps_taken", 0) + 1
        if self.steps_taken == 4:
            raise RuntimeError("boom")
        super().step()


@pytest.mark.parametrize("optimizers", [[BrokenFirst], [BrokenFirst, "adam"]])
def test_an_optimizer_failing_in_its_first_step_raises_its_own_error(rendered, optimizers):
    with pytest.raises(ValueError, match="my bug on step 1"):
        mg.explore("rosenbrock", optimizers, steps=STEPS)


class NanRate(MyAdagrad):
    def effective_lr_of(self, state, group):
        return np.nan


def test_a_panel_with_no_finite_value_to_draw_still_renders(rendered):
    explorer = mg.explore("rosenbrock", [NanRate], steps=STEPS)  # its rates: all nan, nothing to draw
    assert np.isnan(explorer.runs["NanRate"].effective_lr).all()
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    explorer.controls["show"]["NanRate"].value = False  # and with nothing shown at all
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


def test_an_error_after_the_first_step_is_said_below_the_figure():
    explorer = mg.explore("rosenbrock", [Broken4, "adam"], steps=STEPS)
    run = explorer.runs["Broken4"]
    assert len(run.path) == 4  # the start and three steps
    assert "<b>Broken4</b>: step 4 raised RuntimeError: boom" in explorer.status.value
    assert "Broken4, lr 0.5: RuntimeError at step 4" in explorer.lines["Broken4"]["loss"].get_label()
    assert_draws(explorer, "Broken4", run)


def test_numpy_arguments_are_plain_floats_and_shown_short():
    explorer = mg.explore(
        "rosenbrock", ["rmsprop", "adam"], steps=STEPS, lr_scale=np.float32(0.5), alpha=np.float32(0.9),
        betas=(np.float32(0.8), np.float64(0.99)), eps=np.float32(1e-6),
    )  # fmt: skip
    lr, options = explorer.settings("adam")
    assert type(lr) is float and type(options["eps"]) is float
    assert explorer.settings("rmsprop")[1]["alpha"] == 0.9  # np.float32(0.9) is the slider's stop 0.9
    assert [type(beta) for beta in options["betas"]] == [float, float]
    assert "alpha 0.9," in explorer.status.value
    assert "betas (0.8, 0.99)" in explorer.status.value
    assert "0.89999" not in explorer.status.value and "0.80000" not in explorer.status.value
    labels = [label for label, _ in explorer.controls["alpha"].options]
    assert labels == ["0", "0.5", "0.8", "0.9", "0.95", "0.99", "0.995", "0.999", "0.9999"]
    assert [label for label, _ in explorer.controls["beta1"].options][:4] == ["0", "0.5", "0.8", "0.9"]


@pytest.mark.parametrize("name", PROBLEMS_2D)
def test_every_title_and_label_fits_in_the_figure(name):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    explorer = mg.explore(name, ["sgd", "adam"], steps=STEPS)
    canvas = FigureCanvasAgg(explorer.figure)
    canvas.draw()  # places the axis labels
    renderer = canvas.get_renderer()
    width, height = explorer.figure.bbox.width, explorer.figure.bbox.height
    for ax in (explorer.paths_ax, explorer.loss_ax, explorer.rate_ax):
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
            box = text.get_window_extent(renderer)
            assert 0 <= box.x0 and box.x1 <= width and 0 <= box.y0 and box.y1 <= height, text.get_text()

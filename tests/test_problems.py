"""minigrad.problems: losses at hand-computed points, gradients, optima, DeepOBS's
quadratic_deep, the noisy quadratic model's noise, runs, the comparison and the CLI."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import problems
from minigrad.cli import _load, main
from minigrad.problems import HIMMELBLAU_MINIMA

TWO_D = ["rosenbrock", "beale", "himmelblau", "saddle", "rotated_quadratic"]
PARAMETER = [*TWO_D, "quadratic_deep", "noisy_quadratic"]


@pytest.fixture(scope="module")
def deep():
    return problems.get("quadratic_deep")


def gradient(problem, theta):
    point = mg.Tensor(np.array(theta, dtype=np.float64), requires_grad=True)
    problem.loss(point).backward()
    return point.grad


# ----------------------------------------------------------------- values at known points
@pytest.mark.parametrize(
    "name, point, expected",
    [
        ("rosenbrock", (0.0, 0.0), 1.0),
        ("rosenbrock", (-1.2, 1.0), 2.2**2 + 100 * 0.44**2),  # (1 - x)^2 = 4.84, y - x^2 = -0.44
        ("rosenbrock", (2.0, 1.0), 1 + 100 * 9),
        ("beale", (0.0, 0.0), 1.5**2 + 2.25**2 + 2.625**2),
        ("beale", (1.0, 1.5), 2.0**2 + 3.5**2 + 5.0**2),  # 1.5 - 1 + 1.5, 2.25 - 1 + 2.25, 2.625 - 1 + 3.375
        ("himmelblau", (0.0, 0.0), 121 + 49),
        ("himmelblau", (1.0, 1.0), 81 + 25),
        ("saddle", (1.0, 0.0), 1.0),
        ("saddle", (0.0, 1.0), -1 + 0.25),
        ("saddle", (0.0, 2.0), -4 + 4),
    ],
)
def test_loss_at_known_points(name, point, expected):
    problem = problems.get(name)
    assert problem.value(point) == pytest.approx(expected, rel=1e-14)
    assert problem.loss(mg.Tensor(np.array(point))).item() == pytest.approx(expected, rel=1e-14)


def test_rotated_quadratic_values_and_turn():
    flat = problems.RotatedQuadratic(condition=4, angle=0)
    assert flat.value((1.0, 1.0)) == pytest.approx(0.5 * (1 + 4))
    turned = problems.RotatedQuadratic(condition=4, angle=90)  # q1 = y, q2 = -x
    assert turned.value((1.0, 0.0)) == pytest.approx(0.5 * 4)
    assert turned.value((0.0, 1.0)) == pytest.approx(0.5)
    for angle in (0, 30, 77):  # the start is (-5, 1) in the bowl's own axes at every angle
        problem = problems.RotatedQuadratic(condition=9, angle=angle)
        assert problem.value(problem.start) == pytest.approx(0.5 * (25 + 9))
    eigenvalues = np.linalg.eigvalsh(_hessian_2d(problems.RotatedQuadratic(condition=50, angle=30), (0.3, -0.2)))
    assert eigenvalues == pytest.approx([1, 50], rel=1e-5)
    assert problems.RotatedQuadratic(condition=50).lr["sgd"] == pytest.approx(1 / 50)


def _hessian_2d(problem, at, h=1e-5):
    columns = []
    for i in range(2):
        step = np.zeros(2)
        step[i] = h
        columns.append((gradient(problem, np.add(at, step)) - gradient(problem, np.subtract(at, step))) / (2 * h))
    return np.array(columns)


def test_noisy_quadratic_value():
    problem = problems.NoisyQuadratic(dim=4)
    assert problem.curvatures == pytest.approx([1, 1 / 2, 1 / 3, 1 / 4])
    assert problem.value(np.ones(4)) == pytest.approx(0.5 * (1 + 1 / 2 + 1 / 3 + 1 / 4))
    assert problem.value([2.0, 0, 0, 0]) == pytest.approx(2.0)


def test_quadratic_deep_values_are_the_mean_over_the_data(deep):
    theta = np.random.default_rng(0).normal(size=100)
    for X, value in ((deep.X_train, deep.value(theta)), (deep.X_test, deep.test_value(theta))):
        diff = theta - X
        direct = np.mean([0.5 * d @ deep.hessian @ d for d in diff])
        assert value == pytest.approx(direct, rel=1e-12)
    assert deep.loss(mg.Tensor(theta)).item() == pytest.approx(deep.value(theta), rel=1e-12)


def test_surface_is_the_loss_on_a_grid():
    for name in TWO_D:
        problem = problems.get(name)
        (x0, x1), (y0, y1) = problem.bounds
        gx, gy = np.meshgrid(np.linspace(x0, x1, 7), np.linspace(y0, y1, 5))
        surface = problem.surface(gx, gy)
        assert surface.shape == (5, 7)
        expected = [
            [problem.value((x, y)) for x, y in zip(row_x, row_y, strict=True)]
            for row_x, row_y in zip(gx, gy, strict=True)
        ]
        assert surface == pytest.approx(np.array(expected), rel=1e-12, abs=1e-12)


# ----------------------------------------------------------------- gradients and optima
@pytest.mark.parametrize("name", TWO_D)
def test_gradients_match_finite_differences(name):
    problem = problems.get(name)
    rng = np.random.default_rng(1)
    for _ in range(3):
        point = mg.Tensor(problem.start + rng.normal(scale=0.5, size=2), requires_grad=True)
        assert mg.gradcheck(problem.loss, point)


def test_rosenbrock_gradient_by_hand():
    problem = problems.get("rosenbrock")
    for x, y in ((-1.2, 1.0), (0.5, -0.3), (2.0, 3.0)):
        by_hand = [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
        assert gradient(problem, (x, y)) == pytest.approx(by_hand, rel=1e-12)


def test_quadratic_gradients_by_hand(deep):
    theta = np.random.default_rng(2).normal(size=100)
    assert gradient(deep, theta) == pytest.approx(deep.hessian @ (theta - deep.X_train.mean(axis=0)), rel=1e-10)
    nqm = problems.NoisyQuadratic(dim=10)
    assert gradient(nqm, theta[:10]) == pytest.approx(nqm.curvatures * theta[:10], rel=1e-14)


@pytest.mark.parametrize("name", PARAMETER)
def test_optima_have_the_stated_loss_and_no_gradient(name, deep):
    problem = deep if name == "quadratic_deep" else problems.get(name)
    for optimum in problem.optima:
        assert problem.value(optimum) == pytest.approx(problem.optimum_loss, abs=1e-12)
        assert np.abs(gradient(problem, optimum)).max() < 1e-10
        assert problem.distance(optimum) == 0
    assert problem.value(problem.start) > problem.target_loss >= problem.optimum_loss


def test_the_known_optima():
    assert problems.get("rosenbrock").optima.tolist() == [[1, 1]]
    assert problems.get("beale").optima.tolist() == [[3, 0.5]]
    assert len(problems.get("himmelblau").optima) == 4
    assert problems.get("himmelblau").optima[1] == pytest.approx([-2.805118, 3.131312], abs=1e-6)
    assert problems.get("saddle").optima.ravel() == pytest.approx([0, math.sqrt(2), 0, -math.sqrt(2)])
    assert problems.get("saddle").optimum_loss == -1
    # the saddle itself: loss 0 and no gradient, but not a minimum
    saddle = problems.get("saddle")
    assert saddle.value((0, 0)) == 0 and np.all(gradient(saddle, (0.0, 0.0)) == 0)
    assert np.linalg.eigvalsh(_hessian_2d(saddle, (0.0, 0.0))) == pytest.approx([-2, 2], rel=1e-6)
    # no point within 0.7 of it reaches the escape target
    angles = np.linspace(0, 2 * np.pi, 721)
    for radius in (0.1, 0.4, 0.7):
        x, y = radius * np.cos(angles), radius * np.sin(angles)
        assert saddle.surface(x, y).min() > saddle.target_loss
    assert HIMMELBLAU_MINIMA[0] == (3.0, 2.0)


# ----------------------------------------------------------------- DeepOBS's quadratic_deep
def test_quadratic_deep_spectrum_as_deepobs_draws_it(deep):
    rng = np.random.RandomState(42)
    small, large = rng.uniform(0, 1, 90), rng.uniform(30, 60, 10)
    assert np.array_equal(deep.eigenvalues, np.concatenate([small, large]))
    assert np.allclose(deep.hessian, deep.hessian.T, rtol=0, atol=1e-12)
    spectrum = np.linalg.eigvalsh(deep.hessian)
    assert spectrum == pytest.approx(np.sort(deep.eigenvalues), rel=1e-9)
    assert np.all((spectrum[:90] > 0) & (spectrum[:90] < 1)) and np.all((spectrum[90:] > 30) & (spectrum[90:] < 60))
    rotation = problems.deepobs_rotation(100, np.random.RandomState(7))
    assert np.allclose(rotation @ rotation.T, np.eye(100), atol=1e-12)
    assert np.linalg.det(rotation) == pytest.approx(1.0)
    # not an axis-aligned Hessian: the rotation mixes every coordinate
    assert np.abs(deep.hessian - np.diag(np.diag(deep.hessian))).max() > 1


def test_quadratic_deep_data_start_and_batches(deep):
    for X, seed in ((deep.X_train, 42), (deep.X_test, 43)):
        assert np.abs(X - np.random.RandomState(seed).normal(0, 0.6, (1000, 100))).max() < 1e-6
    assert np.array_equal(deep.X_train, deep.X_train.astype(np.float32))  # DeepOBS's float32 data
    assert np.array_equal(deep.start, np.ones(100)) and deep.steps == 700 and deep.batch_size == 128
    assert deep.optima[0] == pytest.approx(deep.X_train.mean(axis=0))
    # each step's gradient is Q (theta - mean of its batch); 7 batches of 128 make an epoch
    sample = deep.sampler(5)
    rng = np.random.default_rng(5)
    theta = np.zeros(100)
    for _ in range(2):  # two epochs
        order = rng.permutation(1000)
        for i in range(7):
            batch = order[128 * i : 128 * (i + 1)]
            point = mg.Tensor(theta, requires_grad=True)
            loss = sample(point)
            loss.backward()
            diff = theta - deep.X_train[batch]
            assert loss.item() == pytest.approx(np.mean([0.5 * d @ deep.hessian @ d for d in diff]), rel=1e-10)
            assert point.grad == pytest.approx(deep.hessian @ (theta - deep.X_train[batch].mean(axis=0)), rel=1e-9)


# ----------------------------------------------------------------- the noisy quadratic model
def test_noisy_quadratic_noise_statistics():
    problem = problems.NoisyQuadratic(dim=5, batch_size=4)
    rng = np.random.default_rng(0)
    draws = np.array([problem.noise(rng) for _ in range(40_000)])
    variance = problem.curvatures / 4
    # mean within 5 standard errors of 0, variance within 5% (its standard error is 0.7%)
    assert np.all(np.abs(draws.mean(axis=0)) < 5 * np.sqrt(variance / len(draws)))
    assert draws.var(axis=0) == pytest.approx(variance, rel=0.05)
    correlation = np.corrcoef(draws.T) - np.eye(5)
    assert np.abs(correlation).max() < 0.03  # independent coordinates: diagonal covariance
    # the sampler's gradient is h * theta + one such draw
    theta = np.linspace(-1, 1, 5)
    sample, again = problem.sampler(3), np.random.default_rng(3)
    for _ in range(3):
        point = mg.Tensor(theta, requires_grad=True)
        sample(point).backward()
        assert point.grad == pytest.approx(problem.curvatures * theta + problem.noise(again), rel=1e-12)


def test_seeded_noise_is_reproducible(deep):
    for problem in (problems.NoisyQuadratic(dim=8), deep):
        first, second, other = (problems.run(problem, "sgd", steps=20, seed=seed) for seed in (1, 1, 2))
        assert np.array_equal(first.losses, second.losses)
        assert np.array_equal(first.path, second.path)
        assert not np.array_equal(first.losses, other.losses)


# ----------------------------------------------------------------- runs and comparisons
def test_run_records_path_losses_and_rates():
    problem = problems.get("rosenbrock")
    result = problems.run(problem, "adam", steps=30)
    assert result.path.shape == (31, 2) and result.losses.shape == (31,) and result.effective_lr.shape == (30, 2)
    assert np.array_equal(result.path[0], problem.start)
    assert result.losses[5] == problem.value(result.path[5])
    assert result.options["lr"] == problem.lr["adam"]
    # Adam's first step: the factor on its direction m = (1 - beta1) g is lr / ((1 - beta1) (|g| + eps))
    first_rate = problem.lr["adam"] / (0.1 * (np.abs(gradient(problem, problem.start)) + 1e-8))
    assert result.effective_lr[0] == pytest.approx(first_rate, rel=1e-9)
    first = problems.run(problem, "sgd", lr=1e-3, steps=10)
    by_hand = problem.start.copy()
    for _ in range(10):
        by_hand = by_hand - 1e-3 * gradient(problem, by_hand)
    assert first.path[-1] == pytest.approx(by_hand, rel=1e-14)


def test_run_stops_when_it_diverges_and_reports_steps_to_target():
    diverged = problems.run("rosenbrock", "sgd", lr=0.1, steps=100)
    assert diverged.diverged and diverged.status == "diverged" and len(diverged.losses) < 101
    assert math.isnan(diverged.distance)
    escaped = problems.run("saddle", "sgd", lr=0.1, steps=100)
    t = escaped.steps_to_target
    assert escaped.losses[t] <= -0.5 < escaped.losses[t - 1]
    assert escaped.status == "reached target"
    stuck = problems.run("saddle", "sgd", lr=0.1, steps=5)
    assert stuck.steps_to_target is None and stuck.status == "missed target"


def test_himmelblau_optimizers_part_as_documented():
    ends = {
        name: run.path[-1]
        for name, run in problems.compare("himmelblau", ["sgd", "momentum", "adagrad", "rmsprop", "adam"]).runs.items()
    }
    for name in ("sgd", "momentum"):
        assert ends[name] == pytest.approx(HIMMELBLAU_MINIMA[3], abs=1e-2)
    for name in ("adagrad", "rmsprop", "adam"):
        assert ends[name] == pytest.approx(HIMMELBLAU_MINIMA[0], abs=1e-1)


def test_compare_table_and_figure(tmp_path):
    result = problems.compare("himmelblau", ["sgd", "adam"], lr={"adam": 0.2}, steps=60)
    rows = {row["optimizer"]: row for row in result.table()}
    assert rows["adam"]["lr"] == 0.2 and rows["sgd"]["lr"] == problems.get("himmelblau").lr["sgd"]
    assert rows["sgd"]["final_loss"] == result["sgd"].losses[-1]
    assert rows["sgd"]["distance"] == pytest.approx(
        np.min(np.linalg.norm(np.array(HIMMELBLAU_MINIMA) - result["sgd"].path[-1], axis=1))
    )
    text = result.format_table()
    assert "distance to optimum" in text and "steps to target" in text and "target: loss <= 1e-4" in text
    figure = result.figure()
    paths_ax, curves_ax = figure.axes[:2]
    drawn = {line.get_label(): line.get_xydata() for line in paths_ax.get_lines()}
    assert np.array_equal(drawn["adam"], result["adam"].path)  # optimizer_paths ran it again: the same steps
    assert curves_ax.get_yscale() == "log" and curves_ax.get_ylabel() == "loss"
    figure.savefig(tmp_path / "h.png")
    saddle = problems.compare("saddle", ["sgd"], steps=3).figure()
    assert saddle.axes[1].get_ylabel() == "loss + 1 (0 at the optimum)"  # the minima's loss is -1


def test_compare_with_own_optimizer_and_a_data_problem():
    class Halving(mg.optim.SGD):
        pass

    result = problems.compare("noisy_quadratic", {"mine": Halving, "sgd": "sgd"}, lr={"mine": 0.05}, steps=5)
    assert result["mine"].options["lr"] == 0.05
    assert len(result.figure().axes) == 1
    trained = problems.compare("logistic_digits", ["sgd"], epochs=1, verbose=False)
    assert isinstance(trained, mg.comparison.Comparison) and trained["sgd"].final_accuracy > 0.5


def test_an_exception_after_the_first_step_ends_the_run_and_is_kept():
    class Fragile(mg.optim.SGD):
        def step(self):
            if self.state.setdefault("count", 0) == 3:
                raise RuntimeError("the fourth step fails")
            self.state["count"] += 1
            super().step()

    result = problems.compare("beale", {"fragile": Fragile, "sgd": "sgd"}, lr={"fragile": 0.01}, steps=10)
    fragile = result["fragile"]
    assert fragile.status == "error" and str(fragile.error) == "the fourth step fails"
    assert fragile.path.shape == (4, 2) and fragile.effective_lr.shape == (3, 2)
    assert np.array_equal(fragile.path, result["sgd"].path[:4])  # the same lr, the same first three steps
    assert "fragile: step 4 raised RuntimeError: the fourth step fails" in result.format_table()
    paths_ax = result.figure().axes[0]
    assert np.array_equal(
        next(line for line in paths_ax.get_lines() if line.get_label() == "fragile").get_xydata(), fragile.path
    )

    alone = problems.compare("beale", {"fragile": Fragile}, lr={"fragile": 0.01}, steps=10).figure().axes[0]
    assert [line.get_label() for line in alone.get_lines() if not line.get_label().startswith("_")][0] == "fragile"

    class Broken(mg.optim.SGD):
        def step(self):
            raise RuntimeError("no step at all")

    with pytest.raises(RuntimeError, match="no step at all"):
        problems.run("beale", Broken, lr=0.01, steps=3)


def test_data_problems_load_what_the_compare_command_loads():
    for name in ("spirals", "moons", "circles", "xor", "blobs"):
        problem = problems.get(name)
        X, y = problem.load(3)
        X_cli, y_cli = _load(problem.dataset, 3)
        assert np.array_equal(X, X_cli) and np.array_equal(y, y_cli)
    digits = problems.get("logistic_digits")
    X, y = digits.load()
    assert X.shape == (1797, 64) and X.max() == 1.0
    model = digits.model(64, 10)
    assert [type(layer).__name__ for layer in model] == ["Linear"] and model(mg.Tensor(X[:3])).shape == (3, 10)


# ----------------------------------------------------------------- errors
def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="unknown problem 'nope'; choose from rosenbrock, beale"):
        problems.get("nope")
    with pytest.raises(TypeError, match="a problem's name must be a string, got 3"):
        problems.get(3)
    with pytest.raises(ValueError, match=r"condition must be >= 1, got 0.5"):
        problems.RotatedQuadratic(condition=0.5)
    with pytest.raises(TypeError, match="angle must be a number, got '30'"):
        problems.RotatedQuadratic(angle="30")
    with pytest.raises(ValueError, match=r"start must hold 2 numbers, got 3"):
        problems.Rosenbrock(start=(1, 2, 3))
    with pytest.raises(ValueError, match=r"start\[1\] must be finite, got nan"):
        problems.Beale(start=(1, float("nan")))
    with pytest.raises(ValueError, match="batch_size must be at most the 1000 training points, got 1001"):
        problems.QuadraticDeep(batch_size=1001)
    with pytest.raises(TypeError, match="dim must be an int, got 1.5"):
        problems.NoisyQuadratic(dim=1.5)
    rosenbrock = problems.get("rosenbrock")
    with pytest.raises(TypeError, match=r"theta must be a Tensor of shape \(2,\), got ndarray"):
        rosenbrock.loss(np.zeros(2))
    with pytest.raises(ValueError, match=r"theta must have shape \(2,\) for rosenbrock, got \(3,\)"):
        rosenbrock.loss(mg.Tensor(np.zeros(3)))
    with pytest.raises(ValueError, match="noisy_quadratic has 100 parameters; only 2-D problems have a surface"):
        problems.get("noisy_quadratic").surface(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="unknown optimizer"):
        problems.run(rosenbrock, "nesterov")
    with pytest.raises(ValueError, match="steps must be at least 1, got 0"):
        problems.run(rosenbrock, "sgd", steps=0)
    with pytest.raises(ValueError, match="moons is a data problem"):
        problems.run("moons", "sgd")
    with pytest.raises(ValueError, match=r"settings for \['adam'\], which are not among the optimizers"):
        problems.compare(rosenbrock, ["sgd"], lr={"adam": 0.1})
    with pytest.raises(TypeError, match=r"lr must be a dict by optimizer name, e.g. lr=\{'adam': 0.01\}, got 0.1"):
        problems.compare(rosenbrock, ["sgd"], lr=0.1)
    with pytest.raises(TypeError, match="problem must be a name from problems.PROBLEMS or a Problem"):
        problems.compare(42)
    with pytest.raises(TypeError, match="the data problem moons takes no arguments, got \\['noise'\\]"):
        problems.get("moons", noise=0.1)
    with pytest.raises(TypeError, match="seed must be an int, got None"):
        problems.run(rosenbrock, "sgd", seed=None)


# ----------------------------------------------------------------- the command
def test_cli_problem_end_to_end(tmp_path, capsys):
    out = tmp_path / "rosen.png"
    assert (
        main(["compare", "--problem", "rosenbrock", "--steps", "40", "--optimizers", "sgd,adam", "--out", str(out)])
        == 0
    )
    printed = capsys.readouterr().out
    assert "problem rosenbrock:" in printed and "40 steps from (-1.2, 1)" in printed
    header = next(line for line in printed.splitlines() if line.startswith("optimizer"))
    assert header.split() == [
        "optimizer",
        "lr",
        "final",
        "loss",
        "distance",
        "to",
        "optimum",
        "steps",
        "to",
        "target",
        "status",
    ]
    adam = next(line for line in printed.splitlines() if line.startswith("adam "))
    assert adam.split()[1] == f"{problems.get('rosenbrock').lr['adam']:.3g}"
    assert f"wrote {out}" in printed and out.stat().st_size > 10_000


def test_cli_stochastic_and_data_problems(tmp_path, capsys):
    out = tmp_path / "nqm.svg"
    assert main(["compare", "--problem", "noisy_quadratic", "--steps", "10", "--seed", "2", "--lr", "sgd=0.2",
                 "--out", str(out)]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "its noise from seed 2" in printed and out.read_text().startswith("<?xml")
    assert next(line for line in printed.splitlines() if line.startswith("sgd ")).split()[1] == "0.2"
    assert main(["compare", "--problem", "logistic_digits", "--epochs", "1", "--optimizers", "sgd", "--quiet",
                 "--out", str(tmp_path / "digits.png")]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "problem logistic_digits:" in printed and "network 64-10;" in printed
    # one epoch of sgd meets neither target, and a line after the table says so
    assert "targets of logistic_digits (test accuracy >= 95%, training loss <= 0.15):" in printed
    verdict = next(line for line in printed.splitlines() if line.startswith("sgd ") and "test accuracy" in line)
    assert verdict.split()[4:] == ["missed,", "training", "loss", verdict.split()[7], "missed"]


def test_cli_data_problem_says_which_optimizer_met_its_targets(capsys):
    from minigrad import cli
    from minigrad.comparison import Comparison
    from minigrad.train import History

    problem = problems.get("moons")
    met = History(loss=[0.7, 0.01], epochs=[{"train_loss": 0.01, "val_accuracy": 0.99}])
    short = History(loss=[0.7, 0.2], epochs=[{"train_loss": 0.2, "val_accuracy": 0.99}])
    result = Comparison(runs={"adam": [_Run(met)], "sgd": [_Run(short), _Run(short), _Run(met)]})
    assert cli._targets_met(problem, result).splitlines() == [
        "targets of moons (test accuracy >= 97%, training loss <= 0.05), medians over 3 seeds:",
        "adam       test accuracy 99.0% met, training loss 0.01 met",
        "sgd        test accuracy 99.0% met, training loss 0.2 missed",
    ]


class _Run:
    """What _targets_met reads of a comparison's run: its history."""

    def __init__(self, history):
        self.history = history


def test_cli_problem_errors(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["compare", "--problem", "nope"])
    assert stop.value.code == 2
    assert "invalid choice: 'nope' (choose from 'rosenbrock'" in capsys.readouterr().err
    for argv, reason in (
        (["--steps", "5"], "--steps needs a parameter --problem"),
        (["--problem", "moons", "--steps", "5"], "--steps counts the steps on a parameter problem; moons trains"),
        (["--problem", "saddle", "--seeds", "3"], "--seeds repeats training on data; saddle runs once"),
        (["--problem", "beale", "--tune"], "--tune and --results tune and record training on data; beale is a"),
        # given explicitly, even at the default value: never silently overridden or ignored
        (["--problem", "spirals", "--dataset", "moons"], "--dataset conflicts with --problem spirals, which trains"),
        (["--problem", "logistic_digits", "--hidden", "64,64"], "--hidden conflicts with --problem logistic_digits"),
        (["--problem", "rosenbrock", "--epochs", "60", "--jobs", "2"], "--epochs, --jobs apply to training on data;"),
        (
            ["--problem", "saddle", "--hidden", "8", "--batch-size", "4", "--dataset", "moons"],
            "--hidden, --batch-size, --dataset apply to training on data; saddle is a parameter problem",
        ),
    ):
        with pytest.raises(SystemExit) as stop:
            main(["compare", *argv])
        assert stop.value.code == 2 and reason in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    assert "--problem NAME" in capsys.readouterr().out


def test_a_run_whose_loss_grew_huge_is_drawn_and_a_loss_of_zero_too(tmp_path):
    # sgd at lr 0.048 on quadratic_deep ends at a loss of 7e265: the figure used to crash
    result = problems.compare("quadratic_deep", ["adam", "sgd"], lr={"sgd": 0.048})
    assert 1e200 < result["sgd"].final_loss < math.inf
    figure = result.figure()
    labels = [line.get_label() for line in figure.axes[0].get_lines() if not line.get_label().startswith("_")]
    assert labels[1] == "sgd: target missed (above 1e+100 drawn at 1e+100)"
    figure.savefig(tmp_path / "deep.png")
    # sgd on Himmelblau reaches a loss of exactly 0, which a log axis cannot show
    himmelblau = problems.compare("himmelblau", ["sgd"])
    assert himmelblau["sgd"].final_loss == 0
    curve = himmelblau.figure().axes[1].get_lines()[0]
    assert curve.get_label() == "sgd: target at step 30 (0 drawn at the foot)" and np.all(curve.get_ydata() > 0)


def test_ctrl_c_keeps_the_runs_that_finished_in_the_table_and_the_figure(tmp_path, capsys, monkeypatch):
    real_run = problems.run

    def interrupted_at_adam(problem, entry, **keywords):
        if keywords["name"] == "adam":
            raise KeyboardInterrupt  # as Ctrl-C in the middle of adam's run
        return real_run(problem, entry, **keywords)

    monkeypatch.setattr(problems, "run", interrupted_at_adam)
    out = tmp_path / "beale.png"
    argv = ["compare", "--problem", "beale", "--steps", "20", "--optimizers", "sgd,adagrad,adam,rmsprop"]
    assert main([*argv, "--out", str(out)]) == 130
    printed = capsys.readouterr().out
    rows = [line.split()[0] for line in printed.splitlines() if line.split()[:1] in (["sgd"], ["adagrad"], ["adam"])]
    assert rows == ["sgd", "adagrad"]
    assert "interrupted (Ctrl-C): the table holds the runs that had finished; not finished: adam, rmsprop" in printed
    assert f"wrote {out}" in printed and out.stat().st_size > 10_000
    # interrupted before any run finished: the (empty) table, no figure
    assert main([*argv[:-1], "adam", "--out", str(tmp_path / "none.png")]) == 130
    assert "no run finished: no figure written" in capsys.readouterr().out
    assert not (tmp_path / "none.png").exists()

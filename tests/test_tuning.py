"""compare(..., tune=True): equal budgets, a validation split, seeds, intervals, parallel runs, JSON."""

import json
import math
import os
import re
import signal
import tempfile

import numpy as np
import pytest

import minigrad as mg
from minigrad import data, nn, optim
from minigrad.comparison import Comparison, Run, Trial, lr_grid, median_interval, steps_to_target
from minigrad.train import History, StopReason


def small_network():
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))


@pytest.fixture(scope="module")
def spirals():
    X, y = data.make_spirals(120, n_classes=3, noise=0.2, seed=0)
    return data.train_test_split(X, y, test_size=0.25, seed=0)  # 90 training and 30 test samples


class LearnerSGD(optim.Optimizer):
    """Plain SGD as a learner writes it from the optimizer base."""

    defaults = {"lr": 0.5}

    def update(self, p, g, state, group):
        p.data -= group["lr"] * g


def tuned(spirals, **kwargs):
    X_train, X_test, y_train, y_test = spirals
    settings = {"optimizers": ["sgd", "adam"], "epochs": 3, "budget": 3, "seeds": [0, 1], "verbose": False,
                "validation_data": (X_test, y_test), "tune": True, **kwargs}  # fmt: skip
    return mg.compare(small_network, X_train, y_train, **settings)


def every_loss(result: Comparison) -> list:
    trials = [trial.run.history.loss for trials in result.trials.values() for trial in trials]
    runs = [run.history.loss for runs in result.runs.values() for run in runs]
    return trials + runs


def test_the_grid_is_half_a_decade_apart_around_the_default():
    grid = lr_grid(0.1, 6)
    expected = [0.1 * 10**-1.5, 0.01, 0.1 * 10**-0.5, 0.1, 0.1 * 10**0.5, 1.0]
    np.testing.assert_allclose(grid, expected, rtol=1e-12)
    assert grid[3] == 0.1  # the default itself, exactly
    assert lr_grid(3e-3, 1) == [3e-3]
    assert lr_grid(2.0, 2) == [pytest.approx(2.0 / math.sqrt(10)), 2.0]
    with pytest.raises(ValueError, match="budget must be at least 1, got 0"):
        lr_grid(0.1, 0)
    with pytest.raises(ValueError, match="center must be > 0"):
        lr_grid(0.0, 3)


def test_median_interval_handles_one_value_equal_values_and_non_finite_ones():
    assert median_interval([0.5]) == (0.5, None, None)
    assert median_interval([0.5, 0.5, 0.5]) == (0.5, 0.5, 0.5)
    assert median_interval([0.5, math.nan, None, math.inf]) == (0.5, None, None)
    median, low, high = median_interval([])
    assert math.isnan(median) and low is None and high is None
    values = [0.91, 0.95, 0.93, 0.97, 0.90]
    median, low, high = median_interval(values)
    assert median == 0.93
    assert min(values) <= low <= median <= high <= max(values) and low < high
    assert median_interval(values) == (median, low, high)  # a fixed generator: the same interval every time


def test_steps_to_target_counts_from_one_over_a_moving_window():
    losses = [4.0, 3.0, 2.0, 1.0, 0.5]
    # means of two: 3.5 (after step 2), 2.5, 1.5 (step 4), 0.75
    assert steps_to_target(losses, 1.5, window=2) == 4
    assert steps_to_target(losses, 2.0, window=1) == 3
    assert steps_to_target(losses, 0.1, window=2) is None
    assert steps_to_target(losses[:1], 10.0, window=2) is None  # fewer steps than the window


def test_steps_to_target_is_not_fooled_by_a_huge_loss_spike():
    # windows of two after a 1e20 spike: 5e19, 5e19, then 100 for ever; a running sum's
    # differences would give 100 - 100 = 0 <= 0.5 once the spike had wiped out its digits
    assert steps_to_target([1.0, 1e20, 100, 100, 100, 100], 0.5, 2) is None
    assert steps_to_target([1.0, 1e36, 0.5, 0.25, 0.25], 0.375, 2) == 4  # (0.5 + 0.25) / 2, exactly
    assert steps_to_target([1.0, 1e308, 1e308, 0.1, 0.1], 0.5, 2) == 5  # an overflowing window is no hit


def test_tuning_chooses_the_lowest_validation_loss_and_never_looks_at_the_test_set(spirals):
    X_train, X_test, y_train, y_test = spirals
    poisoned = X_test.copy()
    poisoned[0, 0] = np.nan  # a trial that touched the test set would stop as bad data
    result = tuned(spirals, validation_data=(poisoned, y_test))
    for name, default in (("sgd", 0.1), ("adam", 3e-3)):
        trials = result.trials[name]
        assert [trial.lr for trial in trials] == lr_grid(default, 3)
        assert all(trial.run.stop is None and trial.run.seed == 0 for trial in trials)
        assert [trial.val_loss for trial in trials] == [trial.run.history.epochs[-1]["val_loss"] for trial in trials]
        losses = [trial.val_loss for trial in trials]
        assert result.chosen[name] == trials[int(np.argmin(losses))].lr
        # the trials trained on the training data less its validation split (ceil(0.2 * 90) = 18 samples)
        assert len(trials[0].run.history.loss) == 3 * math.ceil(72 / 32)
        # the final runs: every seed at the chosen lr, on all the training data, evaluated on the test set
        chosen = result.chosen[name]
        assert [(run.seed, run.options["lr"]) for run in result.runs[name]] == [(0, chosen), (1, chosen)]
        assert all(run.stop.kind == "bad_data" and run.stop.array == "X_val" for run in result.runs[name])
    assert result.settings["validation_size"] == 18


def test_a_broken_trial_is_never_chosen_and_ties_go_to_the_smaller_lr(spirals):
    # around 1e30 every rate sends sgd's loss to inf in its first steps
    result = tuned(spirals, optimizers=["sgd"], lr={"sgd": 1e30}, budget=3, seeds=[0])
    trials = result.trials["sgd"]
    assert [trial.lr for trial in trials] == lr_grid(1e30, 3)
    assert all(trial.diverged and trial.val_loss == math.inf for trial in trials)
    assert result.chosen["sgd"] == trials[0].lr  # every trial broke: the smallest lr
    run = Run("sgd", {"lr": 0.1}, 0, History(loss=[1.0]), None)
    trials = [mg.comparison.Trial(lr, loss, run) for lr, loss in ((0.001, math.inf), (0.01, 0.5), (0.1, 0.5))]
    assert mg.comparison._choose(trials) == 0.01


def test_results_are_the_same_for_any_number_of_jobs(spirals):
    optimizers = {"sgd": "sgd", "mine": LearnerSGD, "heavy": lambda params, lr=0.03: optim.SGD(params, lr=lr,
                  momentum=0.9)}  # fmt: skip
    one = tuned(spirals, optimizers=optimizers, jobs=1)
    two = tuned(spirals, optimizers=optimizers, jobs=2)
    assert every_loss(one) == every_loss(two) and len(every_loss(one)) == 3 * (3 + 2)
    assert one.chosen == two.chosen
    strip = lambda d: json.loads(json.dumps(d))  # noqa: E731
    no_time = [{k: v for k, v in row.items() if k != "seconds"} for row in one.table()]
    assert no_time == [{k: v for k, v in row.items() if k != "seconds"} for row in two.table()]
    assert strip(one.to_dict()) == strip(two.to_dict())
    # a plain comparison too, in float64 (the workers build the model in the caller's default dtype)
    mg.set_default_dtype(np.float64)
    try:
        plain = [mg.compare(small_network, *spirals[::2], optimizers=optimizers, epochs=2, seeds=[0, 1], jobs=jobs,
                            verbose=False) for jobs in (1, 2)]  # fmt: skip
    finally:
        mg.set_default_dtype(np.float32)
    assert every_loss(plain[0]) == every_loss(plain[1])
    assert [run.seed for run in plain[1].runs["heavy"]] == [0, 1]  # in the order of the seeds
    assert plain[1].runs["sgd"][0].model[0].weight.dtype == np.float64


def test_jobs_are_capped_at_the_runs_to_do(monkeypatch):
    from minigrad.comparison import _workers

    monkeypatch.setattr("joblib.cpu_count", lambda: 4)
    assert [_workers(64, 2), _workers(2, 64), _workers(-1, 3), _workers(-1, 10), _workers(3, 0)] == [2, 2, 3, 4, 1]
    assert _workers(None, 5) is None  # a joblib configuration (Dask) decides


def test_a_dask_cluster_gives_the_same_results(spirals):
    joblib = pytest.importorskip("joblib")
    distributed = pytest.importorskip("dask.distributed")
    local = tuned(spirals, optimizers=["sgd", "adam"], budget=2, seeds=[0, 1], epochs=2, jobs=1)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        remote = tuned(spirals, optimizers=["sgd", "adam"], budget=2, seeds=[0, 1], epochs=2)
    assert every_loss(remote) == every_loss(local) and len(every_loss(local)) == 2 * (2 + 2)
    assert remote.chosen == local.chosen


def test_the_json_has_the_issues_shape_and_round_trips(spirals, tmp_path):
    path = tmp_path / "results.json"
    result = tuned(spirals, results=path)
    text = path.read_text()
    written = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    assert written == json.loads(json.dumps(result.to_dict()))
    assert [name for name in os.listdir(tmp_path)] == ["results.json"]  # no temporary file left
    assert (written["budget"], written["seeds"], written["epochs"], written["batch_size"]) == (3, [0, 1], 3, 32)
    assert written["dataset"] is None and written["minigrad_version"] == mg.__version__
    assert written["target_loss"] == pytest.approx(0.1 * result.runs["sgd"][0].history.loss[0])
    for name in ["sgd", "adam"]:
        entry = written["optimizers"][name]
        assert [set(trial) for trial in entry["trials"]] == [{"lr", "val_loss", "diverged", "status"}] * 3
        assert entry["grid"] == lr_grid(mg.comparison.OPTIMIZERS[name][1]["lr"], 3)
        learned = any(trial.status == "ok" for trial in result.trials[name])
        assert entry["chosen"] == {"lr": result.chosen[name], "at_edge": result.at_edge(name), "learned": learned}
        assert [set(run) >= {"seed", "train_loss", "test_accuracy", "steps_to_target"} for run in entry["runs"]] == [
            True, True
        ]  # fmt: skip
        assert set(entry["test_accuracy"]) == {"median", "ci95"}
        runs = result.runs[name]
        assert [run["train_loss"] for run in entry["runs"]] == [run.history.final_loss for run in runs]
        assert [run["test_accuracy"] for run in entry["runs"]] == [run.history.final_accuracy for run in runs]
    # the dataset's name, and nan and inf as null
    result.runs["sgd"][0].history.epochs[-1]["train_loss"] = math.nan
    result.trials["adam"][0].val_loss = math.inf
    result.save_json(path, dataset="spirals")
    written = json.loads(path.read_text(), parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    assert written["dataset"] == "spirals"
    assert written["optimizers"]["sgd"]["runs"][0]["train_loss"] is None
    assert written["optimizers"]["adam"]["trials"][0] == {"lr": result.trials["adam"][0].lr, "val_loss": None,
                                                          "diverged": True, "status": "diverged"}  # fmt: skip


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_the_json_gets_the_permissions_a_new_file_would(tmp_path, umask, mode):
    result = Comparison({"sgd": [Run("sgd", {"lr": 0.1}, 0, History(loss=[1.0]), None)]})
    before = os.umask(umask)
    try:
        result.save_json(tmp_path / "new.json")
        existing = tmp_path / "old.json"
        existing.write_text("{}")
        existing.chmod(0o640)
        result.save_json(existing)  # replaced, it keeps its own permissions, as open(path, "w") would
    finally:
        os.umask(before)
    assert oct((tmp_path / "new.json").stat().st_mode & 0o777) == oct(mode)
    assert oct(existing.stat().st_mode & 0o777) == oct(0o640) and json.loads(existing.read_text())["optimizers"]


def test_a_failed_write_leaves_no_file_behind(spirals, tmp_path, monkeypatch):
    result = Comparison({"sgd": [Run("sgd", {"lr": 0.1}, 0, History(loss=[1.0]), None)]})

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        result.save_json(tmp_path / "r.json")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "results, message",
    [
        ("{tmp}/missing/r.json", "the folder {tmp}/missing does not exist"),
        ("{tmp}", "is a folder; give a file name in it"),
    ],
)
def test_a_results_path_that_cannot_be_written_is_refused_before_training(spirals, tmp_path, results, message):
    trained = []

    def network():
        trained.append(1)
        return small_network()

    with pytest.raises(ValueError, match=re.escape(message.format(tmp=tmp_path))):
        mg.compare(network, *spirals[::2], optimizers=["sgd"], tune=True, results=results.format(tmp=tmp_path))
    assert trained == []


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"budget": 0}, ValueError, "budget must be at least 1, got 0"),
        ({"jobs": 0}, ValueError, "jobs must be at least 1, got 0"),
        ({"jobs": 1.5}, TypeError, "jobs must be an int, got 1.5"),
        ({"tune": "yes"}, TypeError, "tune must be True or False, got 'yes'"),
        ({"target_loss": -1.0}, ValueError, "target_loss must be > 0, got -1.0"),
        ({"validation_fraction": 1.0}, ValueError, "validation_fraction must be in (0, 1), got 1.0"),
        ({"optimizers": [lambda params: optim.SGD(params, lr=0.1)]}, TypeError,
         "optimizer 'optimizer 1' could not be built"),  # a factory without lr= cannot be tuned
    ],
)  # fmt: skip
def test_bad_tuning_arguments_are_refused(spirals, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        mg.compare(small_network, *spirals[::2], **{"optimizers": ["sgd"], "tune": True, "verbose": False, **kwargs})


def test_an_lr_of_1e_9_learned_nothing_and_several_seeds_show_a_spread(spirals):
    X_train, X_test, y_train, y_test = spirals
    result = mg.compare(small_network, X_train, y_train, optimizers=["sgd", "adam"], lr={"sgd": 1e-9, "adam": 0.05},
                        epochs=20, seeds=[0, 1, 2], validation_data=(X_test, y_test), verbose=False)  # fmt: skip
    rows = {row["optimizer"]: row for row in result.table()}
    sgd = result.runs["sgd"][0].history
    assert sgd.final_loss == pytest.approx(math.log(3), abs=0.1) and sgd.final_loss > 0.95 * sgd.loss[0]
    assert rows["sgd"]["status"] == "learned nothing (3 of 3 seeds)" and rows["adam"]["status"] == "ok"
    accuracies = sorted(run.history.final_accuracy for run in result.runs["adam"])
    assert rows["adam"]["accuracy"] == accuracies[1]
    low, high = rows["adam"]["accuracy_ci"]
    assert accuracies[0] <= low <= high <= accuracies[2]
    text = result.format_table()
    header = text.splitlines()[0]
    assert "training loss" in header and "test accuracy" in header
    adam = next(line for line in text.splitlines() if line.startswith("adam"))
    assert f"{accuracies[1]:.1%} [{low:.1%}, {high:.1%}]" in adam
    assert "95% bootstrap interval of the median" in text and "rough with 3 seeds" in text


def test_the_tuned_figure_has_a_sensitivity_panel(spirals):
    from minigrad.plot import comparison_figure, lr_sensitivity

    result = tuned(spirals, budget=2, seeds=[0], epochs=1)
    other = next(trial for trial in result.trials["sgd"] if trial.lr != result.chosen["sgd"])
    other.val_loss = math.inf  # drawn as a cross
    figure = comparison_figure(result, *spirals[::2])
    titles = [ax.get_title() for ax in figure.axes]
    assert titles[-1].startswith("Learning-rate sensitivity") and len(figure.axes) == 6  # 3 curves, 2 boundaries
    legend = [text.get_text() for text in figure.axes[-1].get_legend().get_texts()]
    assert legend == ["sgd", "adam", "chosen", "diverged or broke"]
    # the chosen point is ringed where its trial is
    rings = [line for line in figure.axes[-1].get_lines() if line.get_markersize() == 11 and len(line.get_xdata())]
    assert sorted(float(line.get_xdata()[0]) for line in rings) == sorted(result.chosen.values())
    with pytest.raises(ValueError, match="this comparison was not tuned"):
        lr_sensitivity(Comparison(result.runs))


def test_the_tuned_loss_panel_averages_over_the_tables_window_and_draws_its_target(spirals):
    from minigrad.comparison import steps_to_target
    from minigrad.plot import comparison_figure

    result = tuned(spirals, seeds=[0], epochs=4, budget=2, optimizers=["adam"])
    window = result.settings["window"]  # 90 samples in batches of 32: 3 steps an epoch
    assert window == 3
    losses = result.runs["adam"][0].history.loss
    means = np.lib.stride_tricks.sliding_window_view(losses, window).mean(axis=1)
    result.target_loss = target = (means[0] + means.min()) / 2  # halfway down: no window's mean is near it
    assert np.min(np.abs(means - target)) > 1e-6 * target
    ax = comparison_figure(result).axes[0]
    assert ax.get_title() == "Loss\nmoving average over 3 steps"
    curve, line = ax.get_lines()
    assert list(line.get_ydata()) == [target, target] and line.get_label() == f"target {target:.4g} (steps to target)"
    # with one seed the curve is that run's moving average: it first reaches the target at the table's step
    x, y = curve.get_xdata(), curve.get_ydata()
    np.testing.assert_allclose(y, means, rtol=1e-12)
    reached = steps_to_target(losses, target, window)
    assert reached is not None and x[np.flatnonzero(y <= target)[0]] == reached


def test_a_chosen_lr_at_the_end_of_its_grid_is_flagged(spirals):
    result = tuned(spirals, seeds=[0])
    for trial in result.trials["sgd"] + result.trials["adam"]:
        trial.learned = True  # three epochs learn little; an edge is flagged only when some trial learned
    grid = {name: [trial.lr for trial in trials] for name, trials in result.trials.items()}
    result.chosen = {"sgd": grid["sgd"][0], "adam": grid["adam"][1]}  # the smallest of sgd's, adam's middle one
    assert result.at_edge("sgd") == "low" and result.at_edge("adam") is None
    text = result.format_table()
    rows = {line.split()[0]: line for line in text.splitlines()[2:4]}
    assert rows["sgd"].split()[1].endswith("*") and "*" not in rows["adam"]
    assert "*sgd: the chosen lr is the smallest of its grid, so a smaller one may do better" in text
    assert "*adam" not in text
    result.chosen["adam"] = grid["adam"][-1]
    assert result.at_edge("adam") == "high"
    assert result.to_dict()["optimizers"]["adam"]["chosen"] == {"lr": grid["adam"][-1], "at_edge": "high",
                                                                 "learned": True}  # fmt: skip
    assert result.to_dict()["optimizers"]["sgd"]["chosen"]["at_edge"] == "low"


class BreaksWhenLarge(optim.Optimizer):
    """Plain SGD whose update raises after a few steps when its lr is above 0.2."""

    defaults = {"lr": 0.1}

    def update(self, p, g, state, group):
        state["step"] = state.get("step", 0) + 1
        if group["lr"] > 0.2 and state["step"] > 4:
            raise RuntimeError("boom later")
        p.data -= group["lr"] * g


def test_an_exception_in_a_trial_is_recorded_as_an_error_not_a_divergence(spirals, tmp_path):
    result = tuned(spirals, optimizers={"later": BreaksWhenLarge}, seeds=[0], results=tmp_path / "r.json")
    # the grid around 0.1 with budget 3: 0.0316, 0.1, 0.316; the last breaks at its fifth step
    assert [trial.status for trial in result.trials["later"]][2] == "error"
    broken = result.trials["later"][2]
    assert broken.val_loss == math.inf and result.chosen["later"] != broken.lr
    written = json.loads((tmp_path / "r.json").read_text())["optimizers"]["later"]["trials"][2]
    assert (written["diverged"], written["status"], written["val_loss"]) == (False, "error", None)
    assert written["error"].startswith("RuntimeError: boom later (in the optimizer step of step 5")


def test_ctrl_c_while_tuning_keeps_the_trials_marked_and_chooses_nothing(spirals, tmp_path):
    calls = []

    def loss_fn(output, target):
        calls.append(1)
        if len(calls) == 17:  # in sgd's second trial: 72 samples, 3 steps and one validation loss per epoch
            signal.raise_signal(signal.SIGINT)  # to this thread, handled before it returns (see test_comparison)
        return nn.functional.cross_entropy(output, target)

    result = tuned(spirals, loss_fn=loss_fn, results=tmp_path / "r.json", jobs=1)
    assert result.interrupted and result.chosen == {} and result.runs == {}
    assert [trial.status for trial in result.trials["sgd"]] == ["learned nothing", "interrupted"]
    assert result.trials["sgd"][1].val_loss == math.inf  # its last epoch was not the last: no score
    written = json.loads((tmp_path / "r.json").read_text())["optimizers"]
    assert written["sgd"]["grid"] == lr_grid(0.1, 3) and written["adam"]["grid"] == lr_grid(3e-3, 3)
    assert written["sgd"]["trials"][1] == {"lr": 0.1, "val_loss": None, "diverged": False, "status": "interrupted"}
    assert written["adam"]["trials"] == []
    assert written["sgd"]["chosen"] == {"lr": None, "at_edge": None, "learned": None}
    text = result.format_table()
    assert [line.split()[-3:] for line in text.splitlines()[2:4]] == [["interrupted", "while", "tuning"]] * 2
    assert "interrupted while tuning (Ctrl-C): 1 of 6 trials had finished; no lr was chosen" in text
    assert "chosen lr: the lowest" not in text


def test_ctrl_c_while_tuning_still_chooses_for_an_optimizer_whose_grid_finished(spirals, tmp_path):
    calls = []

    def loss_fn(output, target):
        calls.append(1)
        if len(calls) == 36 + 5:  # sgd's 3 trials took 3 x 3 epochs x (3 steps + 1 validation); then adam's first
            signal.raise_signal(signal.SIGINT)
        return nn.functional.cross_entropy(output, target)

    result = tuned(spirals, loss_fn=loss_fn, results=tmp_path / "r.json", jobs=1)
    finished = [trial for trial in result.trials["sgd"] if trial.status != "interrupted"]
    assert result.interrupted and result.runs == {} and len(finished) == 3
    assert result.chosen == {"sgd": mg.comparison._choose(finished)} and "adam" not in result.chosen
    assert json.loads((tmp_path / "r.json").read_text())["optimizers"]["sgd"]["chosen"]["lr"] == result.chosen["sgd"]
    text = result.format_table()
    assert ("interrupted while tuning (Ctrl-C): 3 of 6 trials had finished; an lr was chosen for sgd, whose trials "
            "had all finished, but no run trained on all the training data") in text  # fmt: skip
    assert text.splitlines()[3].split()[-3:] == ["interrupted", "while", "tuning"]  # adam's row
    assert "validation split of 18 samples (seed 0)\n" in text and "then trained on all" not in text
    # the figure is the trials that had finished: sgd's three, its choice ringed; adam's interrupted one left out
    from minigrad.plot import comparison_figure

    (ax,) = comparison_figure(result).axes
    drawn = {line.get_label(): line for line in ax.get_lines()}
    assert list(drawn["sgd"].get_xdata()) == [trial.lr for trial in finished] and "adam" not in drawn
    rings = [line for line in ax.get_lines() if line.get_markersize() == 11 and len(line.get_xdata())]
    assert [float(line.get_xdata()[0]) for line in rings] == [result.chosen["sgd"]]
    assert not any(line.get_marker() in ("^", "x") and len(line.get_xdata()) for line in ax.get_lines())


def test_ctrl_c_during_parallel_runs_stops_them_between_steps_and_keeps_what_they_learned(spirals, tmp_path):
    # the first Ctrl-C asks every worker to stop: the runs under way end after their step and are
    # kept as interrupted, those not started are skipped, and the workers are not killed
    sent, calls = tmp_path / "sent", []

    def interrupt_the_caller_once(output, target):
        # each run gets its own copy of this function (and of calls): the first run to reach its third step
        # sends Ctrl-C to the process that started the workers, as a terminal would (without reaching them)
        calls.append(1)
        if len(calls) == 3 and not sent.exists():
            sent.touch()
            os.kill(os.getppid(), signal.SIGINT)
        return nn.functional.cross_entropy(output, target)

    before = set(os.listdir(tempfile.gettempdir()))
    result = mg.compare(small_network, *spirals[::2], optimizers=["sgd", "adam"], epochs=200, seeds=[0, 1, 2],
                        jobs=2, loss_fn=interrupt_the_caller_once, verbose=False)  # fmt: skip
    assert sent.exists()
    runs = [run for runs in result.runs.values() for run in runs]
    assert result.interrupted and 1 <= len(runs) < 6
    stopped = [run for run in runs if run.interrupted]
    assert all(run.stop.message.startswith("interrupted") for run in stopped)
    # the run that sent it stops after the step under way (a run just starting may stop before its first)
    assert max(len(run.history.loss) for run in stopped) >= 3
    assert all(len(run.history.loss) == 200 * 3 for run in runs if not run.interrupted)  # finished ones are whole
    assert not {name for name in set(os.listdir(tempfile.gettempdir())) - before if name.startswith("minigrad-stop-")}


def test_a_trial_that_learned_nothing_is_chosen_only_if_none_learned(spirals):
    def trial(lr, val_loss, learned):
        return Trial(lr, val_loss, Run("sgd", {"lr": lr}, 0, History(loss=[1.0]), None), learned)

    from minigrad.comparison import _choose

    assert _choose([trial(0.1, 0.5, False), trial(1.0, 0.7, True), trial(10.0, math.inf, False)]) == 1.0
    assert _choose([trial(0.1, 0.9, False), trial(1.0, 0.8, False)]) == 1.0  # the least bad
    # every trial tied and learned nothing (lr 1e-300): the smallest is chosen, flagged, with no "go further" hint
    trials = [trial(1e-300, 1.0, False), trial(3e-300, 1.0, False)]
    runs = [Run("sgd", {"lr": 1e-300}, 0, History(loss=[1.0, 1.0], epochs=[{"train_loss": 1.0}]), None)]
    result = Comparison({"sgd": runs}, trials={"sgd": trials}, chosen={"sgd": _choose(trials)},
                        grids={"sgd": [1e-300, 3e-300]}, target_loss=0.5,
                        settings={"seeds": [0], "budget": 2, "window": 1})  # fmt: skip
    assert result.chosen["sgd"] == 1e-300 and result.learned_nothing("sgd") and result.at_edge("sgd") is None
    text = result.format_table()
    assert text.splitlines()[2].split()[1] == "1e-300!"
    assert "!sgd: no trial learned anything" in text and "smaller one may do better" not in text
    assert "median" not in text and "seeds" not in text  # one seed: no medians, no seeds column
    assert "steps to target: first step at which the mean loss of the last 1 step (one epoch) is <= 0.5 (missed" in text
    assert result.to_dict()["optimizers"]["sgd"]["chosen"] == {"lr": 1e-300, "at_edge": None, "learned": False}


def test_a_classifier_trial_right_on_most_samples_learned_even_with_a_high_loss():
    from minigrad.comparison import _trial_learned

    def run(val_loss, accuracy):
        epoch = {"train_loss": 1.0, "val_loss": val_loss}
        if accuracy is not None:
            epoch["val_accuracy"] = accuracy
        return Run("rprop", {"lr": 0.01}, 0, History(loss=[2.0, 1.0], epochs=[epoch]), None)

    # chance 0.1 (ten classes): halfway to 100% is 0.55
    assert _trial_learned(run(16.0, 0.90), 16.0, 0.1)  # 8 times the first loss, but 90% right: learned
    assert not _trial_learned(run(16.0, 0.50), 16.0, 0.1)  # a high loss and under halfway: nothing
    assert _trial_learned(run(1.8, 0.50), 1.8, 0.1)  # the loss fell 10% and the accuracy is above chance
    assert not _trial_learned(run(1.0, 0.10), 1.0, 0.1)  # the loss fell, the accuracy stayed at chance
    assert not _trial_learned(run(math.inf, 0.90), math.inf, 0.1)  # no finite loss: nothing
    assert _trial_learned(run(1.8, None), 1.8, None) and not _trial_learned(run(1.95, None), 1.95, None)  # regression


def test_the_mark_of_an_optimizer_that_learned_nothing_says_what_its_trials_measured():
    def trial(lr, val_loss, accuracy):
        epochs = [{"train_loss": 1.0, "val_loss": val_loss, "val_accuracy": accuracy}]
        return Trial(lr, val_loss, Run("rprop", {"lr": lr}, 0, History(loss=[2.0, 1.0], epochs=epochs), None), False)

    trials = [trial(0.01, 14.0, 0.30), trial(0.1, math.inf, 0.9)]  # the diverged trial's accuracy is not counted
    runs = [Run("rprop", {"lr": 0.01}, 0, History(loss=[2.0, 1.0], epochs=[{"train_loss": 1.0}]), None)]
    result = Comparison({"rprop": runs}, trials={"rprop": trials}, chosen={"rprop": 0.01}, grids={"rprop": [0.01, 0.1]},
                        settings={"seeds": [0], "budget": 2, "window": 1, "validation_chance": 0.1})  # fmt: skip
    assert result.learned_nothing("rprop")
    legend = [line for line in result.format_table().splitlines() if line.startswith("!rprop")]
    assert legend == [
        "!rprop: no trial learned anything on the validation split: none got its validation loss to 0.95 times the "
        "first step's loss (lowest: 7 times) with a validation accuracy above chance (10.0%, always answering the most "
        "common class), nor its validation accuracy to 55.0%, halfway from chance to 100% (best: 30.0%); so 0.01 is "
        "only the least bad of 0.01 .. 0.1, not a working rate"
    ]


def test_rows_with_fewer_counted_seeds_than_asked_say_so():
    def run(seed, loss, stop=None):
        history = History(loss=[2.0, loss], epochs=[{"train_loss": loss}], stop=stop)
        return Run("sgd", {"lr": 0.1}, seed, history, None)

    diverged = StopReason("diverged", "the loss became inf", step=2, epoch=1)
    interrupted = StopReason("interrupted", "interrupted", step=2, epoch=1)
    result = Comparison(
        {"sgd": [run(0, 0.5), run(1, 0.25), run(2, math.inf, diverged), run(3, 0.75, interrupted)],
         "adam": [run(0, 0.5), run(1, 0.5), run(2, 0.5), run(3, 0.5)]},
        settings={"seeds": [0, 1, 2, 3]},
    )  # fmt: skip
    rows = {row["optimizer"]: row for row in result.table()}
    assert (rows["sgd"]["counted"], rows["sgd"]["finished"], rows["sgd"]["seeds"]) == (2, 3, 4)
    assert rows["sgd"]["final_loss"] == 0.375  # the median of 0.5 and 0.25: neither the broken nor the interrupted run
    assert rows["sgd"]["status"] == "diverged (1 of 3 seeds)"
    lines = result.format_table().splitlines()
    assert re.search(r"^sgd .* 2 of 4 +\S+ +diverged", lines[2]) and re.search(r"^adam .* 4 +\S+ +ok$", lines[3])
    assert "seeds: the runs the numbers are over, of the 4 seeds asked for" in "\n".join(lines)
    runs = result.to_dict()["optimizers"]["sgd"]["runs"]
    assert [(r["status"], r["counted"]) for r in runs] == [
        ("ok", True), ("ok", True), ("diverged", False), ("interrupted", False)
    ]  # fmt: skip


def test_the_grid_edge_hint_gives_the_command_line_form_only_for_a_name_the_command_takes():
    def trial(lr):
        return Trial(lr, 0.5, Run("x", {"lr": lr}, 0, History(loss=[1.0]), None))

    def run(name):
        return Run(name, {"lr": 0.1}, 0, History(loss=[1.0, 0.5], epochs=[{"train_loss": 0.5}]), None)

    names = ["optimizer 2", "mine"]
    trials = {name: [trial(0.1), trial(0.316)] for name in names}
    result = Comparison({name: [run(name)] for name in names}, trials=trials, chosen=dict.fromkeys(names, 0.1),
                        settings={"seeds": [0], "budget": 2})  # fmt: skip
    text = result.format_table()
    assert "centre the grid there (lr={'optimizer 2': 0.1}) and tune again" in text
    assert "centre the grid there (lr={'mine': 0.1}, or --lr mine=0.1 on the command line) and tune again" in text
    assert "--lr optimizer 2" not in text


def test_an_optimizer_that_never_ran_before_a_ctrl_c_still_shows_its_lr(spirals):
    calls = []

    def loss_fn(output, target):
        calls.append(1)
        if len(calls) == 5:  # in sgd's run: adam never starts
            signal.raise_signal(signal.SIGINT)
        return nn.functional.cross_entropy(output, target)

    result = mg.compare(small_network, *spirals[::2], optimizers=["sgd", "adam"], lr={"adam": 0.02}, epochs=3,
                        loss_fn=loss_fn, jobs=1, verbose=False)  # fmt: skip
    assert result.interrupted and not result.runs.get("adam")
    rows = {row["optimizer"]: row for row in result.table()}
    assert rows["adam"]["lr"] == 0.02 and rows["adam"]["status"] == "not started"
    chosen = result.to_dict()["optimizers"]["adam"]["chosen"]
    assert chosen == {"lr": 0.02, "at_edge": None, "learned": None}  # no trial: nothing learned or not


@pytest.mark.parametrize("ctrl_c", [True, False])
def test_a_worker_pool_broken_by_the_ctrl_c_is_the_ctrl_c_and_any_other_failure_is_raised(spirals, monkeypatch, ctrl_c):
    # a terminal's Ctrl-C also reaches a worker that is still starting (it cannot ignore it yet), and joblib
    # then reports its pool broken: after a Ctrl-C that is the interruption, otherwise a real failure
    import joblib

    class BrokenPool:
        def __init__(self, *args, **kwargs):
            pass

        def __call__(self, tasks):
            if ctrl_c:
                signal.raise_signal(signal.SIGINT)
            raise RuntimeError("A task has failed to un-serialize")

    monkeypatch.setattr(joblib, "Parallel", BrokenPool)
    run = lambda: mg.compare(small_network, *spirals[::2], optimizers=["sgd", "adam"], epochs=1, jobs=2,  # noqa: E731
                             verbose=False)  # fmt: skip
    if ctrl_c:
        result = run()
        assert result.interrupted and not any(result.runs.values())
    else:
        with pytest.raises(RuntimeError, match="failed to un-serialize"):
            run()

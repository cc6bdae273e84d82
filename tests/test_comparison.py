"""minigrad.compare: a fair comparison, asserted."""

import functools
import re
import signal

import numpy as np
import pytest

import minigrad as mg
from minigrad import data, nn, optim


class Recorder(nn.Module):
    """A small network that logs, per copy, its weights at the first call and every batch it sees."""

    log: dict = {}

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))

    def forward(self, x):
        if self.training:
            entry = Recorder.log.setdefault(id(self), {"start": None, "batches": []})
            if entry["start"] is None:
                entry["start"] = np.concatenate([p.data.ravel() for p in self.parameters()]).copy()
            entry["batches"].append(x.data.copy())
        return self.body(x)


@pytest.fixture
def moons():
    Recorder.log = {}
    return data.make_moons(96, seed=0)


def test_every_optimizer_starts_from_the_same_weights_on_the_same_batches(moons):
    mg.manual_seed(0)
    result = mg.compare(Recorder(), *moons, optimizers=["sgd", "adagrad", "rmsprop", "adam"], epochs=2, verbose=False)
    logs = [Recorder.log[id(run.model)] for runs in result.runs.values() for run in runs]
    assert len(logs) == 4
    for log in logs[1:]:
        np.testing.assert_array_equal(log["start"], logs[0]["start"])
        assert len(log["batches"]) == len(logs[0]["batches"]) == 2 * 3
        for a, b in zip(log["batches"], logs[0]["batches"], strict=True):
            np.testing.assert_array_equal(a, b)
    trained = [run.model.state_dict()["body.0.weight"] for runs in result.runs.values() for run in runs]
    assert not np.array_equal(trained[0], trained[1]), "the optimizers did train differently"


def test_seeds_change_the_start_but_not_between_optimizers(moons):
    result = mg.compare(Recorder, *moons, optimizers=["sgd", "adam"], epochs=1, seeds=[0, 1], verbose=False)
    starts = {
        (run.optimizer, run.seed): Recorder.log[id(run.model)]["start"] for r in result.runs.values() for run in r
    }
    np.testing.assert_array_equal(starts["sgd", 0], starts["adam", 0])
    np.testing.assert_array_equal(starts["sgd", 1], starts["adam", 1])
    assert not np.array_equal(starts["sgd", 0], starts["sgd", 1])
    assert [len(runs) for runs in result.runs.values()] == [2, 2]


def test_a_diverging_optimizer_is_marked_and_the_others_go_on(moons):
    result = mg.compare(Recorder, *moons, optimizers=["sgd", "adam"], lr={"sgd": 1e30}, epochs=20, verbose=False)
    sgd, adam = result.runs["sgd"][0], result.runs["adam"][0]
    assert sgd.diverged and "step" in sgd.history.stopped and len(sgd.history.loss) > 0
    assert not adam.diverged and len(adam.history.epochs) == 20
    rows = {row["optimizer"]: row for row in result.table()}
    assert rows["sgd"]["status"] == "diverged" and rows["adam"]["status"] == "ok"
    assert rows["sgd"]["lr"] == 1e30 and rows["adam"]["lr"] == 3e-3
    text = result.format_table()
    assert "sgd" in text and "diverged" in text and "adam" in text


def test_bad_names_are_refused(moons):
    with pytest.raises(ValueError, match="unknown optimizer.*'lion'.*choose from sgd, momentum"):
        mg.compare(Recorder, *moons, optimizers=["sgd", "lion"])
    with pytest.raises(ValueError, match=r"settings for \['adam'\], which are not among"):
        mg.compare(Recorder, *moons, optimizers=["sgd"], lr={"adam": 0.1})


def test_a_run_whose_loss_ends_higher_than_it_started_is_flagged(moons):
    result = mg.compare(Recorder, *moons, optimizers=["sgd", "adam"], lr={"adam": 30.0}, epochs=5, verbose=False)
    adam = result.runs["adam"][0]
    assert not adam.diverged and adam.failed
    assert adam.history.final_loss > adam.history.loss[0]
    rows = {row["optimizer"]: row["status"] for row in result.table()}
    assert rows == {"sgd": "ok", "adam": "loss went up"}


def test_the_result_maps_each_optimizer_to_its_history(moons):
    result = mg.compare(Recorder, *moons, optimizers=["sgd", "adam"], epochs=1, seeds=[0, 1], verbose=False)
    assert list(result) == ["sgd", "adam"] and len(result) == 2
    assert result["adam"] is result.runs["adam"][0].history
    assert all(isinstance(history, mg.train.History) for _, history in result.items())
    assert [h.seconds > 0 for h in result.histories()["sgd"]] == [True, True]


def make_history(kind=None, message="", loss=(1.0, 0.5)):
    history = mg.train.History(loss=list(loss), epochs=[{"epoch": 1, "train_loss": loss[-1]}])
    if kind is not None:
        history.stop = mg.train.StopReason(kind, message, step=3, epoch=1)
    return history


def test_the_status_comes_from_the_stop_record_not_from_its_text():
    stops = {
        "sgd": ("error", "TypeError: the loss became odd"),  # words that once meant "diverged", in an error's message
        "adam": ("diverged", "nan at step 3"),
        "rmsprop": ("interrupted", "stop"),
        "adagrad": ("bad_data", "X holds nan"),
    }
    runs = {name: [mg.comparison.Run(name, {"lr": 0.1}, 0, make_history(*stop), None)] for name, stop in stops.items()}
    runs["momentum"] = [mg.comparison.Run("momentum", {"lr": 0.1}, 0, make_history(loss=(1.0, 2.0)), None)]
    rows = {row["optimizer"]: row["status"] for row in mg.comparison.Comparison(runs).table()}
    assert rows == {
        "sgd": "error",
        "adam": "diverged",
        "rmsprop": "interrupted",
        "adagrad": "bad data",
        "momentum": "loss went up",
    }
    assert [run.diverged for run in (r[0] for r in runs.values())] == [False, True, False, False, False]


def batchnorm_network():
    return nn.Sequential(nn.Linear(2, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))


def test_drop_last_reaches_every_run_and_an_error_stops_only_its_run():
    X, y = data.make_moons(33, seed=0)  # batches of 32 and 1: BatchNorm1d refuses the 1
    result = mg.compare(batchnorm_network, X, y, optimizers=["sgd", "adam"], epochs=2, drop_last=True, verbose=False)
    assert all(run.stop is None and len(run.history.loss) == 2 for runs in result.runs.values() for run in runs)
    result = mg.compare(batchnorm_network, X, y, optimizers=["sgd", "adam"], epochs=2, verbose=False)
    for name in ["sgd", "adam"]:
        run = result.runs[name][0]
        assert (run.stop.kind, run.stop.step, run.stop.phase) == ("error", 2, "forward")
        assert run.broken and run.failed and not run.diverged
        assert len(run.history.loss) == 1
    assert [row["status"] for row in result.table()] == ["error", "error"]


def test_ctrl_c_stops_the_comparison_and_keeps_the_runs_so_far(moons):
    calls = []

    def loss_fn(output, target):
        calls.append(1)
        if len(calls) == 10:  # in adam's run, the second optimizer's
            # to this thread, handled before raise_signal returns: os.kill sends it to the process,
            # which POSIX lets any thread take, and the handler then runs whenever the main thread
            # next looks, possibly after this step (the stop would then be at step 5, or between runs)
            signal.raise_signal(signal.SIGINT)
        return nn.functional.cross_entropy(output, target)

    X, y = moons  # 96 samples: 3 steps per epoch
    result = mg.compare(Recorder, X, y, optimizers=["sgd", "adam", "rmsprop"], loss_fn=loss_fn, epochs=2,
                        verbose=False)  # fmt: skip
    assert result.interrupted and list(result.runs) == ["sgd", "adam"]
    assert result.runs["sgd"][0].stop is None
    adam = result.runs["adam"][0]
    assert (adam.stop.kind, adam.stop.step, len(adam.history.loss)) == ("interrupted", 4, 4)
    # every optimizer has a row; the interrupted run is kept but never counted, as a worker's would be lost
    rows = {row["optimizer"]: row for row in result.table()}
    assert {name: row["status"] for name, row in rows.items()} == {
        "sgd": "ok",
        "adam": "interrupted",
        "rmsprop": "not started",  # Ctrl-C came before its run: it has none
    }
    assert [(row["counted"], row["seeds"], row["final_loss"]) for row in rows.values()][1:] == [(0, 1, None)] * 2
    text = result.format_table()
    assert re.search(r"\nadam .* - +- +0 of 1 +- +interrupted\n", text), text
    assert "interrupted (Ctrl-C): the numbers count only the runs that had finished" in text


def test_bad_data_is_the_status_of_every_run(moons):
    X, y = moons
    X = X.copy()
    X[5, 0] = np.nan
    result = mg.compare(Recorder, X, y, optimizers=["sgd", "adam"], epochs=2, verbose=False)
    assert [row["status"] for row in result.table()] == ["bad data", "bad data"]
    assert result.runs["sgd"][0].stop.array == "X" and "X[5, 0]" in result.runs["sgd"][0].history.stopped


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"drop_last": 1}, TypeError, "drop_last must be True or False, got 1"),
        ({"epochs": 0}, ValueError, "epochs must be at least 1, got 0"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be an int, got 2.5"),
        ({"seeds": []}, ValueError, "seeds must name at least one seed, got none"),
        ({"seeds": [0, -1]}, ValueError, "seeds[1] must be at least 0, got -1"),
        ({"seeds": 3}, TypeError, "seeds must be a list of seeds such as [0, 1, 2] (or range(3)), got 3"),
        ({"seeds": "012"}, TypeError, "seeds must be a list of seeds such as [0, 1, 2] (or range(3)), got '012'"),
        ({"seeds": None}, TypeError, "seeds must be a list of seeds"),
        ({"seeds": [True]}, TypeError, "seeds[0] must be an int, got True"),
        ({"seeds": [0, 1, 0, 1]}, ValueError, "seeds must differ, got [0, 1] more than once in [0, 1, 0, 1]"),
        ({"lr": 0.1}, TypeError, "lr must be a dict by optimizer name, e.g. lr={'adam': 0.01}, got 0.1"),
        ({"options": [("sgd", {})]}, TypeError, "options must be a dict by optimizer name, e.g. options={'adam'"),
        ({"lr": {"adam": 0.1}}, ValueError, "settings for ['adam'], which are not among the optimizers compared"),
        ({"target_loss": 0.1}, ValueError, "target_loss only applies with tune=True"),
        # 96 samples: ceil(0.995 * 96) = 96 for validation, none to train the trials on
        ({"tune": True, "validation_fraction": 0.995}, ValueError,
         "validation_fraction = 0.995 of 96 training samples leaves 96 for validation and 0 to train the trials on"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_before_training(moons, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        mg.compare(Recorder, *moons, optimizers=["sgd"], verbose=False, **kwargs)
    assert Recorder.log == {}, "nothing was trained"


@pytest.mark.parametrize(
    "optimizers, error, message",
    [
        ([], ValueError, "compare needs at least one optimizer, got none; choose from sgd, momentum"),
        ((), ValueError, "compare needs at least one optimizer"),
        (None, TypeError, "optimizers must be a list such as ['sgd', 'adam'] (of names from OPTIMIZERS, "
                          "optim.Optimizer subclasses or factories (params -> optimizer)) or a dict {name: optimizer}, "
                          "got None"),
        (["sgd", 3], TypeError, "optimizers[1] is 3; optimizers must be names from OPTIMIZERS, optim.Optimizer"),
        (["sgd", "sgd"], ValueError, "optimizers must each be named once, got ['sgd'] more than once"),
        ("lion", ValueError, "unknown optimizer(s) ['lion']; choose from sgd"),
    ],
)
def test_bad_optimizer_lists_are_refused_before_training(moons, optimizers, error, message):
    with pytest.raises(error, match=re.escape(message)):
        mg.compare(Recorder, *moons, optimizers=optimizers, verbose=False)
    assert Recorder.log == {}, "nothing was trained"


def test_one_optimizer_name_on_its_own_is_a_list_of_one(moons):
    result = mg.compare(Recorder, *moons, optimizers="adam", epochs=1, verbose=False)
    assert list(result.runs) == ["adam"]


def test_seeds_may_be_any_iterable_of_ints(moons):
    result = mg.compare(Recorder, *moons, optimizers=["sgd"], seeds=range(2), epochs=1, verbose=False)
    assert [run.seed for run in result.runs["sgd"]] == [0, 1]


@pytest.mark.parametrize(
    "value, shown",
    [(0.0, "0.0000"), (0.1234567, "0.1235"), (2.5, "2.5000"), (12345.678, "12345.6780"),
     (27098806747136.0, "2.71e+13"), (1.5e-7, "1.5e-07")],
)  # fmt: skip
def test_table_losses_fit_their_column(value, shown):
    from minigrad.comparison import _short

    assert _short(value) == shown and len(_short(-value)) <= 11


def test_a_cell_shows_its_median_and_interval_in_one_format():
    from minigrad.comparison import _shorts, _steps_cell

    assert _shorts([142200.0, 84660.1422, 276300.0]) == ["1.422e+05", "8.466e+04", "2.763e+05"]
    assert _shorts([0.0007891, 0.000549, 0.0296]) == ["0.0007891", "0.000549", "0.0296"]
    assert _shorts([0.5, 0.25, 1.0]) == ["0.5000", "0.2500", "1.0000"]
    row = {"steps_to_target": None, "reached": 1, "finished": 5}
    assert _steps_cell(row) == "missed (1 of 5 reached)"
    assert _steps_cell({**row, "steps_to_target": 120.0, "reached": 4}) == "120 (4 of 5 reached)"


class LearnerSGD(optim.Optimizer):
    """Plain SGD as a learner writes it from the optimizer base."""

    defaults = {"lr": 0.5}

    def update(self, p, g, state, group):
        p.data -= group["lr"] * g


def test_a_learners_optimizer_trains_exactly_like_the_built_in_one(moons):
    result = mg.compare(Recorder, *moons, optimizers=["sgd", LearnerSGD], lr={"sgd": 0.5, "LearnerSGD": 0.5},
                        epochs=3, seeds=[0, 1], verbose=False)  # fmt: skip
    assert list(result) == ["sgd", "LearnerSGD"]  # a class is named by its __name__, as written
    for sgd, mine in zip(result.runs["sgd"], result.runs["LearnerSGD"], strict=True):
        assert mine.history.loss == sgd.history.loss and len(sgd.history.loss) == 9
        assert mine.history.final_accuracy == sgd.history.final_accuracy
        for a, b in zip(mine.model.parameters(), sgd.model.parameters(), strict=True):
            np.testing.assert_array_equal(a.data, b.data)
        assert [s.median for s in mine.history.effective_lr] == [0.5] * 9  # the base's effective_lr: its lr
    assert result.runs["LearnerSGD"][0].options == {"lr": 0.5}  # the settings it ran with: its parameter group's
    # without lr, a class is built with its own defaults
    result = mg.compare(Recorder, *moons, optimizers=[LearnerSGD], options={"LearnerSGD": {}}, epochs=1,
                        verbose=False)  # fmt: skip
    assert result.table()[0]["lr"] == 0.5


def test_factories_are_built_for_each_run_and_named(moons):
    built = []

    def heavy_ball(params):
        built.append(optim.SGD(params, lr=0.03, momentum=0.9))
        return built[-1]

    optimizers = ["momentum", heavy_ball, lambda params: optim.SGD(params, lr=0.03, momentum=0.9),
                  functools.partial(optim.Adam, lr=3e-3), "adam"]  # fmt: skip
    result = mg.compare(Recorder, *moons, optimizers=optimizers, epochs=2, seeds=[0, 1], verbose=False)
    # a function by its __name__, a lambda by its place in the list, a partial by its function's name
    assert list(result) == ["momentum", "heavy_ball", "optimizer 3", "Adam", "adam"]
    # one built to check it before any training, then a new one for each seed's run
    assert len(built) == 3 and built[1] is not built[2]
    for same in (["momentum", "heavy_ball", "optimizer 3"], ["adam", "Adam"]):
        for seed in range(2):
            losses = [result.runs[name][seed].history.loss for name in same]
            assert all(loss == losses[0] for loss in losses)
    rows = {row["optimizer"]: row["lr"] for row in result.table()}
    assert rows == {"momentum": 0.03, "heavy_ball": 0.03, "optimizer 3": 0.03, "Adam": 3e-3, "adam": 3e-3}
    # lr and options reach a factory as keywords
    result = mg.compare(Recorder, *moons, optimizers=[functools.partial(optim.Adam, betas=(0.8, 0.9))],
                        lr={"Adam": 0.01}, options={"Adam": {"eps": 1e-6}}, epochs=1, verbose=False)  # fmt: skip
    assert result.runs["Adam"][0].options == {
        "lr": 0.01, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.0, "amsgrad": False
    }  # fmt: skip


def test_a_dict_names_the_optimizers(moons):
    heavy_ball = lambda params: optim.SGD(params, lr=0.1, momentum=0.5)  # noqa: E731
    optimizers = {"mine": LearnerSGD, "plain": "sgd", "heavy ball": heavy_ball}
    result = mg.compare(Recorder, *moons, optimizers=optimizers, lr={"mine": 0.1}, epochs=2, verbose=False)
    assert list(result) == ["mine", "plain", "heavy ball"]
    assert result["mine"].loss == result["plain"].loss  # "plain" is sgd with its lr 0.1
    assert result["heavy ball"].loss != result["plain"].loss
    lines = result.format_table().splitlines()
    assert lines[0] == "optimizer         lr  training loss  training accuracy  time (s)  status"
    assert lines[4].startswith("heavy ball       0.1  ")


def test_a_table_column_fits_long_names_and_an_optimizer_without_lr():
    runs = {
        "optimizer 12": [mg.comparison.Run("optimizer 12", {"step_size": 0.1}, 0, make_history(), None)],
        "sgd": [mg.comparison.Run("sgd", {"lr": 0.1}, 0, make_history(), None)],
    }
    comparison = mg.comparison.Comparison(runs)
    assert comparison.table()[0]["lr"] is None
    header, _, mine, sgd, legend = comparison.format_table().splitlines()
    assert header.startswith("optimizer           lr  training loss")
    assert mine.startswith("optimizer 12         -         0.5000")
    assert sgd.startswith("sgd                0.1         0.5000")
    assert legend.startswith("training loss: mean over the last epoch's batches; accuracy: after the last epoch")


def returns_a_string(params):
    return "adam"


@pytest.mark.parametrize(
    "optimizers, kwargs, error, message",
    [
        ([LearnerSGD, LearnerSGD], {}, ValueError,
         "optimizers must each be named once, got ['LearnerSGD'] more than once in ['LearnerSGD', 'LearnerSGD']; "
         "to compare two of the same kind, name them with a dict"),
        (["sgd", functools.partial(optim.Adam), functools.partial(optim.Adam, lr=0.1)], {}, ValueError,
         "got ['Adam'] more than once"),
        ({"sgd": "sgd", "mine": "lion"}, {}, ValueError, "unknown optimizer(s) ['lion']"),
        ({3: "sgd"}, {}, TypeError, "the names in a dict of optimizers must be strings, got 3"),
        ({" ": "sgd"}, {}, ValueError, "the names in a dict of optimizers must not be blank, got ' '"),
        (["sgd", "optimizer"], {}, ValueError, "unknown optimizer(s) ['optimizer']"),
        ([None], {}, TypeError, "optimizers[0] is None; optimizers must be names from OPTIMIZERS, "
                                "optim.Optimizer subclasses or factories (params -> optimizer)"),
        (["sgd", LearnerSGD([mg.Tensor([1.0], requires_grad=True)])], {}, TypeError,
         "optimizers[1] is an optimizer object, LearnerSGD(...); compare builds a new one for each run, so pass "
         "its class, LearnerSGD, or a factory such as lambda params: LearnerSGD(params, lr=0.1)"),
        (["sgd", returns_a_string], {}, TypeError,
         f"optimizer 'returns_a_string': {__name__}.returns_a_string(params) returned 'adam', which is not "
         "an optimizer (it lacks zero_grad(), step(), effective_lr(), param_groups); a class must subclass "
         "optim.Optimizer, a factory must return one"),
        (["sgd", lambda: optim.SGD([])], {}, TypeError,
         f"optimizer 'optimizer 2' could not be built: {__name__}.<lambda>(params) raised: "),
        (["sgd", lambda params: optim.SGD(params)], {"lr": {"optimizer 2": 0.1}}, TypeError,
         f"optimizer 'optimizer 2' could not be built: {__name__}.<lambda>(params, lr=0.1) raised: "
         "<lambda>() got an unexpected keyword argument 'lr'"),
        ([LearnerSGD, "adam"], {"lr": {"LearnerSGD": 0.1}, "options": {"adam": {"betas": 0.9}}}, TypeError,
         "optimizer 'adam' could not be built: minigrad.optim.adam.Adam(params, lr=0.003, betas=0.9) raised: "
         "betas must be a pair (beta1, beta2), got 0.9"),
        ([LearnerSGD], {"options": {"LearnerSGD": {"momentum": 0.9, "params": []}}}, TypeError,
         f"optimizer 'LearnerSGD' could not be built: {__name__}.LearnerSGD(params, momentum=0.9, params=[])"),
    ],
)  # fmt: skip
def test_bad_optimizer_entries_are_refused_before_training(moons, optimizers, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        mg.compare(Recorder, *moons, optimizers=optimizers, epochs=1, verbose=False, **kwargs)
    assert Recorder.log == {}, "nothing was trained"


def test_a_new_optimizer_whose_first_step_fails_raises_from_its_update(moons):
    # the base class alone has no update rule: the traceback ends in the learner's update (here the base's)
    with pytest.raises(NotImplementedError) as raised:
        mg.compare(Recorder, *moons, optimizers=["sgd", optim.Optimizer], epochs=1, verbose=False)
    assert raised.traceback[-1].name == "update"

"""minigrad.compare: a fair comparison, asserted."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import data, nn


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

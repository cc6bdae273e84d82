"""minigrad.train.fit: it trains, records what happened, and stops cleanly."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import data, nn, optim
from minigrad.train import fit


def moons_model():
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(200, noise=0.1, seed=0)


def test_fit_lowers_the_loss_on_moons(moons):
    X, y = moons
    model = moons_model()
    history = fit(model, optim.Adam(model.parameters(), lr=0.01), nn.CrossEntropyLoss(), X, y, epochs=30, verbose=False)
    assert history.epochs[-1]["train_loss"] < 0.3 * history.epochs[0]["train_loss"]
    assert history.epochs[-1]["train_accuracy"] > 0.9
    assert history.stopped is None


def test_history_records_every_step_and_epoch(moons):
    X, y = moons
    model = moons_model()
    X_val, y_val = data.make_moons(50, seed=1)
    history = fit(
        model,
        optim.SGD(model.parameters(), lr=0.1),
        nn.CrossEntropyLoss(),
        X,
        y,
        epochs=3,
        batch_size=64,
        validation_data=(X_val, y_val),
        verbose=False,
    )
    steps = 3 * math.ceil(200 / 64)
    assert len(history.loss) == len(history.effective_lr) == steps
    assert all(summary.median == pytest.approx(0.1) for summary in history.effective_lr)
    assert [e["epoch"] for e in history.epochs] == [1, 2, 3]
    assert set(history.epochs[0]) == {"epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "seconds"}
    assert 0 <= history.final_accuracy <= 1 and history.final_accuracy == history.epochs[-1]["val_accuracy"]
    assert history.seconds >= sum(e["seconds"] for e in history.epochs)
    assert model.training, "fit leaves the model in train mode"


def test_effective_lr_summary_covers_only_coordinates_that_moved():
    w = nn.Parameter(np.zeros(4))
    model = type("Fixed", (nn.Module,), {"forward": lambda self, x: x * w})()
    model.w = w
    optimizer = optim.Adagrad([w], lr=1.0)
    X = np.array([[1.0, 1.0, 0.0, 0.0]] * 4)  # coordinates 2 and 3 never get a gradient
    history = fit(model, optimizer, nn.MSELoss(), X, np.ones((4, 4)), epochs=1, batch_size=4, verbose=False)
    # after one step AdaGrad's rate is 1 / |g| for the coordinates that moved, 1 / eps for the others
    assert history.effective_lr[0].high < 10


def test_a_non_finite_loss_stops_the_run_and_keeps_its_history(moons):
    X, y = moons
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    # weights of 1e30 through two unbounded layers overflow float32: inf - inf in the loss is nan
    history = fit(model, optim.SGD(model.parameters(), lr=1e30), nn.CrossEntropyLoss(), X, y, epochs=50, verbose=False)
    assert history.stopped is not None
    step = len(history.loss) + 1
    assert f"at step {step}" in history.stopped and "smaller learning rate" in history.stopped
    assert all(math.isfinite(v) for v in history.loss)


def test_ctrl_c_stops_the_run_and_keeps_its_history(moons):
    X, y = moons
    calls = []

    def loss_fn(output, target):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return nn.functional.cross_entropy(output, target)

    model = moons_model()
    history = fit(model, optim.SGD(model.parameters()), loss_fn, X, y, epochs=5, verbose=False)
    assert history.stopped == "interrupted at step 4 (epoch 1)"
    assert len(history.loss) == 4


def test_progress_bar_only_when_asked(moons, capsys):
    X, y = moons
    model = moons_model()
    fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), X, y, epochs=1, verbose=False)
    assert capsys.readouterr().err == ""
    fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), X, y, epochs=1, verbose=True, description="demo")
    assert "demo" in capsys.readouterr().err


def test_regression_has_no_accuracy():
    X, y = data.make_sine(64, seed=0)
    model = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))
    history = fit(model, optim.Adam(model.parameters(), lr=0.01), nn.MSELoss(), X, y, epochs=2, verbose=False)
    assert "train_accuracy" not in history.epochs[0] and history.final_accuracy is None


def test_epochs_must_be_positive(moons):
    model = moons_model()
    with pytest.raises(ValueError, match="epochs must be a positive int, got 0"):
        fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), *moons, epochs=0)

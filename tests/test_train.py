"""minigrad.train.fit: it trains, records what happened, and stops cleanly."""

import math
import re
import signal
import sys
import threading
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import data, nn, optim, train
from minigrad.train import evaluate, fit

# the runs stopped on purpose here would each warn; the tests of that warning catch it themselves
pytestmark = pytest.mark.filterwarnings("ignore:fit stopped early")


def moons_model():
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(200, noise=0.1, seed=0)


def test_fit_lowers_the_loss_on_moons(moons):
    X, y = moons
    model = moons_model()
    history = fit(
        model, optim.Adam(model.parameters(), lr=0.01), nn.CrossEntropyLoss(), X, y, epochs=30, verbose=False, seed=0
    )
    # over 20 batch orders the last epoch's loss was 0.25-0.28 of the first's and accuracy
    # 0.93-0.96: bounds well clear of that, so no BLAS kernel's round-off can cross them
    assert history.epochs[-1]["train_loss"] < 0.5 * history.epochs[0]["train_loss"]
    assert history.epochs[-1]["train_accuracy"] > 0.85
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
    assert len(history.loss) == len(history.effective_lr) == len(history.update_size) == steps
    assert all(summary.median == pytest.approx(0.1) for summary in history.effective_lr)
    assert [e["epoch"] for e in history.epochs] == [1, 2, 3]
    assert set(history.epochs[0]) == {"epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "seconds"}
    assert 0 <= history.final_accuracy <= 1 and history.final_accuracy == history.epochs[-1]["val_accuracy"]
    assert history.seconds >= sum(e["seconds"] for e in history.epochs)
    assert model.training, "fit leaves the model in train mode"


def test_fit_runs_the_hand_written_loop_bit_for_bit(moons):
    """fit is forward, zero_grad, backward, step over the batches of a DataLoader with the
    same seed: from the same weights it gives the same per-step losses and weights exactly."""
    X, y = moons
    by_hand, loss_fn = moons_model(), nn.CrossEntropyLoss()
    optimizer = optim.SGD(by_hand.parameters(), lr=0.5)
    loader = data.DataLoader(X, y, batch_size=32, seed=0)  # one loader: a new order every epoch
    losses = []
    for _ in range(3):
        for X_batch, y_batch in loader:
            loss = loss_fn(by_hand(X_batch), y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    with_fit = moons_model()
    history = fit(with_fit, optim.SGD(with_fit.parameters(), lr=0.5), loss_fn, X, y, epochs=3, batch_size=32,
                  seed=0, verbose=False)  # fmt: skip
    assert history.loss == losses
    for name, value in by_hand.state_dict().items():
        np.testing.assert_array_equal(with_fit.state_dict()[name], value, err_msg=name)


def test_effective_lr_summary_covers_only_coordinates_that_moved():
    w = nn.Parameter(np.zeros(4))
    model = type("Fixed", (nn.Module,), {"forward": lambda self, x: x * w})()
    model.w = w
    optimizer = optim.Adagrad([w], lr=1.0)
    X = np.array([[1.0, 1.0, 0.0, 0.0]] * 4)  # coordinates 2 and 3 never get a gradient
    history = fit(model, optimizer, nn.MSELoss(), X, np.ones((4, 4)), epochs=1, batch_size=4, verbose=False)
    # after one step AdaGrad's rate is 1 / |g| for the coordinates that moved, 1 / eps for the others
    assert history.effective_lr[0].high < 10


class PresetRates(optim.Optimizer):
    """Leaves the weights alone and reports preset effective learning rates: per parameter
    an array of its shape or a single float."""

    defaults = {"lr": 0.5}
    checks = {"lr": lambda name, value: value}

    def __init__(self, params, rates):
        params = list(params)
        super().__init__(params)
        self.preset = {id(p): r for p, r in zip(params, rates, strict=True)}

    def init_state(self, p, group):
        return {"rates": self.preset[id(p)]}

    def update(self, p, g, state, group):
        pass

    def effective_lr_of(self, state, group):
        return state["rates"]


class ReportsAllRates(PresetRates):
    """The same, with its own effective_lr() (the base's, as an override)."""

    def effective_lr(self):
        return super().effective_lr()


def summary_after_one_step(rates, masks, optimizer_class=PresetRates):
    """History.effective_lr[0] of one step in which parameter i gets the gradient masks[i]
    (None: no gradient at all) and reports rates[i]."""
    weights = [nn.Parameter(np.zeros(np.shape(mask) if mask is not None else np.shape(r))) for r, mask in
               zip(rates, masks, strict=True)]  # fmt: skip

    class Masked(nn.Module):
        def forward(self, x):
            total = x.sum()
            for w, mask in zip(weights, masks, strict=True):
                if mask is not None:
                    total = total + (w * mask).sum()
            return total.reshape(1, 1)

    optimizer = optimizer_class(weights, rates)
    history = fit(Masked(), optimizer, lambda out, y: out.sum(), np.zeros((1, 1)), np.zeros(1), epochs=1,
                  batch_size=1, verbose=False)  # fmt: skip
    assert history.stop is None
    return history.effective_lr[0]


def nearest_rank(rates, masks):
    """The definition, by sorting: of the rates of the coordinates whose gradient is not 0
    (all of them if there are none), the ones at index last // 2, last // 10 and
    last - last // 10 in ascending order, last being their count less one. A parameter
    without a gradient was never stepped: it reports its group's lr, 0.5. Of more than
    1,024 coordinates, only those of numpy's default_rng(0).choice(count, 1024,
    replace=False) count."""
    every, moved = [], []
    for r, mask in zip(rates, masks, strict=True):
        shape = np.shape(mask) if mask is not None else np.shape(r)
        r = r if mask is not None else 0.5
        every += [float(v) for v in np.broadcast_to(r, shape).ravel()]
        moved += [mask is not None and m != 0 for m in np.broadcast_to(mask if mask is not None else 0, shape).ravel()]
    if len(every) > 1024:
        sample = np.random.default_rng(0).choice(len(every), 1024, replace=False)
        every, moved = [every[i] for i in sample], [moved[i] for i in sample]
    chosen = sorted(v for v, m in zip(every, moved, strict=True) if m) if any(moved) else sorted(every)
    last = len(chosen) - 1
    return chosen[last // 2], chosen[last // 10], chosen[last - last // 10]


def test_effective_lr_summary_is_the_nearest_rank_of_the_rates_that_moved_worked_example():
    # moved rates 0.3, 0.1, 0.2, 0.5 -> sorted 0.1, 0.2, 0.3, 0.5; last = 3: indices 1, 0, 3
    summary = summary_after_one_step([np.array([0.3, 0.1, 0.2, 0.2, 0.5])], [np.array([1.0, 1.0, 0.0, 1.0, 1.0])])
    assert summary == (0.2, 0.1, 0.5)
    assert (summary.median, summary.low, summary.high) == (0.2, 0.1, 0.5)


@pytest.mark.parametrize("size", [7, 300, 9000])  # 9000: past the size where the summary watches a sample
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("optimizer_class", [PresetRates, ReportsAllRates])
def test_effective_lr_summary_is_the_nearest_rank_of_the_rates_that_moved(size, seed, optimizer_class):
    rng = np.random.default_rng(seed)

    def rates(n, dtype=np.float64):  # few distinct values: many ties
        return (rng.integers(1, 12, size=n) / 8).astype(dtype)

    def mask(n):  # about a third of the coordinates get no gradient
        return rng.integers(0, 3, size=n).astype(float) * rng.choice([-1.0, 1.0], size=n)

    cases = [
        ([rates(size), rates((3, size)), 0.75], [mask(size), mask((3, size)), mask(5)]),
        ([rates(size, np.float32), rates(4), 0.25, rates(size)], [mask(size), None, np.ones(3), mask(size)]),
        ([rng.permutation(size) / size, rng.permutation(2 * size) / size], [mask(size), mask(2 * size)]),  # no ties
        ([rates(size), rates(size)], [np.zeros(size), None]),  # nothing moved: every coordinate's rate
        ([0.5, 0.125, 0.25], [mask(size), np.ones(3), mask(2 * size)]),  # one rate per parameter
        ([0.25, 0.25], [mask(size), np.zeros(3)]),  # one rate for all
        ([0.5, rates(size)], [np.zeros(4), np.zeros(size)]),
    ]
    for rs, masks in cases:
        assert summary_after_one_step(rs, masks, optimizer_class) == nearest_rank(rs, masks)


def nearest_rank_of(values) -> tuple[float, float, float]:
    """Median, 10th and 90th percentile by the definition: sorted ascending, the elements at
    last // 2, last // 10 and last - last // 10, last being the count less one."""
    chosen = sorted(float(v) for v in values)
    last = len(chosen) - 1
    return chosen[last // 2], chosen[last // 10], chosen[last - last // 10]


def one_step_from_zero(optimizer_class, **options):
    """fit for one step (one batch of every sample) of a linear classifier whose weights start
    at 0, and that step's gradient, from the same forward and backward done by hand."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(16, 5)).astype(np.float32)
    X[:, 2] = 0  # the weights of feature 2 get a zero gradient: they do not count
    y = rng.integers(0, 3, 16)

    def model():
        layer = nn.Linear(5, 3)
        layer.weight.data[...] = 0
        layer.bias.data[...] = 0
        return layer

    reference = model()
    nn.CrossEntropyLoss()(reference(mg.tensor(X)), y).backward()
    grads = [reference.weight.grad, reference.bias.grad]
    trained = model()
    history = fit(trained, optimizer_class(trained.parameters(), **options), nn.CrossEntropyLoss(), X, y,
                  epochs=1, batch_size=16, shuffle=False, verbose=False)  # fmt: skip
    assert history.stop is None and len(history.update_size) == 1
    assert np.count_nonzero(grads[0][:, 2]) == 0 and np.count_nonzero(grads[0]) == 12
    return history.update_size[0], [g.astype(np.float32) for g in grads]


def test_update_size_of_sgd_is_lr_times_the_gradient():
    # from 0 the new weight is -(lr * g) exactly, as float32 computes lr * g
    summary, grads = one_step_from_zero(optim.SGD, lr=0.1)
    moved = np.concatenate([np.abs(0.1 * g)[g != 0] for g in grads])
    assert len(moved) == 12 + 3
    assert summary == nearest_rank_of(moved)
    assert summary.low < summary.median < summary.high


def test_update_size_of_adagrad_s_first_step_is_lr_times_g_over_g_plus_eps():
    # AdaGrad's first step: sum = g^2, so each moved coordinate moves lr * |g| / (|g| + eps)
    summary, grads = one_step_from_zero(optim.Adagrad, lr=0.5, eps=0.01)
    moved = np.concatenate([np.abs(0.5 * g / (np.sqrt(g * g) + 0.01))[g != 0] for g in grads])
    assert summary == nearest_rank_of(moved)
    assert 0 < summary.low <= summary.median <= summary.high < 0.5


@pytest.mark.parametrize("batch_size", [32, 2])  # 2: 100 steps an epoch, more than fit buffers at once
@pytest.mark.parametrize("optimizer_class", [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam])
def test_update_size_matches_a_hand_loop_that_snapshots_the_weights(moons, optimizer_class, batch_size):
    X, y = moons
    loss_fn = nn.CrossEntropyLoss()

    def relu_model():  # ReLU: some units die, and their weights get zero gradients
        mg.manual_seed(1)
        return nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 3))

    by_hand = relu_model()
    optimizer = optimizer_class(by_hand.parameters(), lr=0.05)
    expected, rates = [], []
    for X_batch, y_batch in data.DataLoader(X, y, batch_size=batch_size, seed=0):
        loss = loss_fn(by_hand(X_batch), y_batch)
        optimizer.zero_grad()
        loss.backward()
        params = list(by_hand.parameters())
        before = [p.data.astype(np.float64) for p in params]
        optimizer.step()
        after = [p.data.astype(np.float64) for p in params]
        change = np.concatenate([np.abs(a - b).ravel() for a, b in zip(after, before, strict=True)])
        moved = np.concatenate([(p.grad != 0).ravel() for p in params])
        expected.append(nearest_rank_of(change[moved] if moved.any() else change))
        every = optimizer.effective_lr()
        rates.append(nearest_rank_of(every[moved] if moved.any() else every))
    with_fit = relu_model()
    history = fit(with_fit, optimizer_class(with_fit.parameters(), lr=0.05), loss_fn, X, y, epochs=1,
                  batch_size=batch_size, seed=0, verbose=False)  # fmt: skip
    assert history.update_size == expected
    assert history.effective_lr == rates
    assert len(history.update_size) == len(history.loss) == -(-200 // batch_size)


def test_update_size_counts_every_coordinate_when_none_got_a_gradient():
    # SGD with weight decay moves weights whose gradient is 0: all of them count then
    w = nn.Parameter(np.array([1.0, 2.0, 4.0, 8.0]))
    model = type("Zero", (nn.Module,), {"forward": lambda self, x: x * w * 0})()
    model.w = w
    history = fit(model, optim.SGD([w], lr=0.5, weight_decay=0.25), nn.MSELoss(), np.ones((2, 4)),
                  np.zeros((2, 4)), epochs=1, batch_size=2, verbose=False)  # fmt: skip
    # each weight moves lr * weight_decay * w = w / 8: 1/8, 2/8, 4/8, 8/8; last = 3: indices 1, 0, 3
    assert history.update_size == [(0.25, 0.125, 1.0)]


@pytest.mark.parametrize("optimizer_class", [optim.SGD, optim.Adam])
@pytest.mark.parametrize("width", [40, 260])  # 260: too large to copy whole every step, gathered per parameter
def test_models_above_1024_coordinates_are_summarised_over_a_fixed_sample(optimizer_class, width):
    # 1,640 or 67,860 coordinates: over 1,024, so a fixed sample of 1,024 is watched, the same
    # at every step: numpy's default_rng(0).choice(count, 1_024, replace=False), sorted
    count = width * width + width
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, width)).astype(np.float32)
    X[:, : width // 8] = 0  # an eighth of the weights get no gradient
    y = rng.normal(size=(8, width)).astype(np.float32)
    sample = np.sort(np.random.default_rng(0).choice(count, 1_024, replace=False))

    def model():
        mg.manual_seed(0)
        return nn.Linear(width, width)

    by_hand = model()
    optimizer = optimizer_class(by_hand.parameters(), lr=0.01)
    rates, sizes = [], []
    for _ in range(2):
        loss = nn.MSELoss()(by_hand(mg.tensor(X)), mg.tensor(y))
        optimizer.zero_grad()
        loss.backward()
        params = list(by_hand.parameters())
        before = np.concatenate([p.data.astype(np.float64).ravel() for p in params])
        optimizer.step()
        after = np.concatenate([p.data.astype(np.float64).ravel() for p in params])
        moved = np.concatenate([(p.grad != 0).ravel() for p in params])[sample]
        assert 0 < moved.sum() < len(sample)
        rates.append(nearest_rank_of(optimizer.effective_lr()[sample][moved]))
        sizes.append(nearest_rank_of(np.abs(after - before)[sample][moved]))
    trained = model()
    history = fit(trained, optimizer_class(trained.parameters(), lr=0.01), nn.MSELoss(), X, y, epochs=2,
                  batch_size=8, shuffle=False, verbose=False)  # fmt: skip
    assert history.effective_lr == rates
    assert history.update_size == sizes


def test_a_non_finite_loss_stops_the_run_and_keeps_its_history(moons):
    X, y = moons
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    # weights of 1e30 through two unbounded layers overflow float32: inf - inf in the loss is nan
    history = fit(model, optim.SGD(model.parameters(), lr=1e30), nn.CrossEntropyLoss(), X, y, epochs=50, verbose=False)
    stop = history.stop
    assert stop.kind == "diverged" and stop.phase == "loss" and not math.isfinite(stop.loss)
    assert stop.step == len(history.loss) + 1 and stop.exception is None
    assert f"at step {stop.step}" in history.stopped and "smaller learning rate" in history.stopped
    assert all(math.isfinite(v) for v in history.loss)
    assert len(history.effective_lr) == len(history.update_size) == len(history.loss)


def test_a_keyboard_interrupt_raised_inside_a_step_is_recorded_with_where_it_landed(moons):
    X, y = moons
    calls = []

    def loss_fn(output, target):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return nn.functional.cross_entropy(output, target)

    model = moons_model()
    history = fit(model, optim.SGD(model.parameters()), loss_fn, X, y, epochs=5, verbose=False)
    stop = history.stop
    assert (stop.kind, stop.step, stop.epoch, stop.phase) == ("interrupted", 5, 1, "loss")
    assert isinstance(stop.exception, KeyboardInterrupt)
    assert (
        history.stopped
        == stop.message
        == ("interrupted in the loss of step 5 (epoch 1); the 4 completed steps are kept; that step was not applied")
    )
    assert len(history.loss) == len(history.effective_lr) == len(history.update_size) == 4


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


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"epochs": 0}, ValueError, "epochs must be at least 1, got 0"),
        ({"epochs": 2.0}, TypeError, "epochs must be an int, got 2.0"),
        ({"drop_last": "yes"}, TypeError, "drop_last must be True or False, got 'yes'"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1, got 0"),
        ({"seed": -1}, ValueError, "seed must be a non-negative int, got -1"),
        ({"verbose": 1}, TypeError, "verbose must be True or False, got 1"),
        ({"validation_data": np.zeros((3, 2))}, TypeError, "validation_data must be a pair (X, y), got ndarray"),
        ({"validation_data": (np.zeros((3, 2)), np.zeros(2, int))}, ValueError,
         "validation_data: X_val and y_val must have the same length, got len(X_val) = 3 and len(y_val) = 2"),
        ({"validation_data": (np.zeros((0, 2)), np.zeros(0, int))}, ValueError, "validation_data holds no samples"),
        ({"drop_last": True, "batch_size": 500}, ValueError, "batch_size 500 > 200 samples would serve no batch"),
    ],
)
def test_bad_arguments_raise_before_training(moons, kwargs, error, message):
    model = moons_model()
    before = model.state_dict()
    with pytest.raises(error, match=re.escape(message)):
        fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), *moons, **{"verbose": False, **kwargs})
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


# ------------------------------------------------------------------ faults during a run


def batchnorm_model():
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))


@pytest.fixture(scope="module")
def thirty_three():
    rng = np.random.default_rng(0)
    return rng.standard_normal((33, 3)).astype(np.float32), rng.integers(0, 2, 33)


def test_an_exception_in_a_step_stops_the_run_and_keeps_its_history(thirty_three):
    # batches of 32, 1: BatchNorm1d refuses the one-row batch in train mode, at step 2
    model = batchnorm_model()
    history = fit(model, optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss(), *thirty_three,
                  epochs=3, batch_size=32, seed=0, verbose=False)  # fmt: skip
    stop = history.stop
    assert (stop.kind, stop.step, stop.epoch, stop.phase) == ("error", 2, 1, "forward")
    assert isinstance(stop.exception, ValueError) and "BatchNorm1d needs more than one value" in str(stop.exception)
    assert history.stopped == stop.message
    assert stop.message.startswith("ValueError: BatchNorm1d needs more than one value per feature in train mode")
    assert "in the forward pass of step 2 (epoch 1)" in stop.message
    assert "the epoch's last, of 1 sample (the others have 32): drop_last=True leaves it out" in stop.message
    assert "batchnorm.py" in stop.traceback() and stop.traceback().rstrip().endswith(str(stop.exception))
    assert len(history.loss) == len(history.effective_lr) == len(history.update_size) == 1 and history.epochs == []
    assert model.training
    # nothing of step 2 was applied: the model is exactly the one that one step on the same first batch gives
    reference = batchnorm_model()
    fit(reference, optim.SGD(reference.parameters(), lr=0.1), nn.CrossEntropyLoss(), *thirty_three,
        epochs=1, batch_size=32, seed=0, drop_last=True, verbose=False)  # fmt: skip
    for name, value in reference.state_dict().items():
        np.testing.assert_array_equal(model.state_dict()[name], value, err_msg=name)


def test_drop_last_leaves_out_the_small_last_batch(thirty_three):
    model = batchnorm_model()
    history = fit(model, optim.Adam(model.parameters(), lr=0.01), nn.CrossEntropyLoss(), *thirty_three,
                  epochs=3, batch_size=32, drop_last=True, verbose=False)  # fmt: skip
    assert history.stop is None and history.stopped is None
    assert len(history.loss) == 3 and len(history.epochs) == 3


def test_an_exception_in_the_first_step_is_raised(moons):
    model = nn.Sequential(nn.Linear(3, 2))  # moons have 2 features
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(ValueError, match="3") as error:
        fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), *moons, verbose=False)
    if sys.version_info >= (3, 11):
        assert "fit's first step: nothing was trained" in error.value.__notes__[0]
    assert signal.getsignal(signal.SIGINT) is handler


class FailingSGD(optim.SGD):
    """Raises after updating the first parameter in its third step."""

    def update(self, p, g, state, group):
        super().update(p, g, state, group)
        self.calls = getattr(self, "calls", 0) + 1
        if self.calls == 2 * 4 + 1:  # 4 parameters per step
            raise RuntimeError("a bug in my optimizer")


def test_an_exception_in_the_optimizer_step_says_the_step_may_be_partly_applied(moons):
    model = moons_model()
    history = fit(model, FailingSGD(model.parameters()), nn.CrossEntropyLoss(), *moons, verbose=False)
    stop = history.stop
    assert (stop.kind, stop.step, stop.phase) == ("error", 3, "optimizer")
    assert stop.message.startswith("RuntimeError: a bug in my optimizer (in the optimizer step of step 3 (epoch 1))")
    assert "the 2 completed steps are kept, but that step's update may be partly applied" in stop.message
    assert len(history.loss) == len(history.effective_lr) == len(history.update_size) == 2


def test_an_exception_in_the_validation_is_recorded_after_the_epoch_s_steps(moons):
    model = moons_model()
    bad_validation = (np.zeros((5, 2)), np.full(5, 7))  # class 7 for a 2-class model: only the loss finds out
    history = fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), *moons, batch_size=50,
                  validation_data=bad_validation, verbose=False)  # fmt: skip
    stop = history.stop
    assert (stop.kind, stop.step, stop.epoch, stop.phase) == ("error", 4, 1, "validation")
    assert "while evaluating the validation data after step 4 (epoch 1)" in stop.message
    assert len(history.loss) == 4 and model.training
    # the epoch's steps all completed: it is recorded, without the validation that failed
    assert [sorted(record) for record in history.epochs] == [["epoch", "seconds", "train_accuracy", "train_loss"]]


# ------------------------------------------------------------------ Ctrl-C lands between steps


def send_ctrl_c():
    # to this thread, handled before raise_signal returns (os.kill's may be taken by any thread, and
    # handled whenever the main thread next looks)
    signal.raise_signal(signal.SIGINT)


class InterruptedAdam(optim.Adam):
    """Sends itself Ctrl-C while updating the first parameter in its third step."""

    def update(self, p, g, state, group):
        if state["step"] == 2 and p is self.param_groups[0]["params"][0]:
            send_ctrl_c()
        super().update(p, g, state, group)


def test_ctrl_c_inside_the_optimizer_step_waits_for_the_step_to_end(moons):
    model = moons_model()
    handler = signal.getsignal(signal.SIGINT)
    optimizer = InterruptedAdam(model.parameters(), lr=0.01)
    history = fit(model, optimizer, nn.CrossEntropyLoss(), *moons, epochs=2, verbose=False)
    assert [state["step"] for state in optimizer.state.values()] == [3, 3, 3, 3]
    assert len(history.loss) == len(history.effective_lr) == len(history.update_size) == 3
    stop = history.stop
    assert (stop.kind, stop.step, stop.epoch, stop.phase) == ("interrupted", 3, 1, None)
    assert stop.message == "interrupted after step 3 (epoch 1); the 3 completed steps are kept"
    assert isinstance(stop.exception, KeyboardInterrupt)
    assert signal.getsignal(signal.SIGINT) is handler


def test_ctrl_c_inside_the_loss_waits_for_the_step_to_end(moons):
    calls = []

    def loss_fn(output, target):
        calls.append(1)
        if len(calls) == 2:
            send_ctrl_c()
        return nn.functional.cross_entropy(output, target)

    model = moons_model()
    optimizer = optim.Adam(model.parameters())
    history = fit(model, optimizer, loss_fn, *moons, verbose=False)
    assert history.stop.kind == "interrupted" and history.stop.step == 2
    assert len(history.loss) == len(history.effective_lr) == len(history.update_size) == 2
    assert [state["step"] for state in optimizer.state.values()] == [2, 2, 2, 2]


def ctrl_c_in_call(n):
    """A loss function that sends Ctrl-C while computing the n-th training step's loss (the
    validation's calls, under no_grad, do not count)."""
    calls = []

    def loss_fn(output, target):
        calls.append(output.requires_grad)
        if output.requires_grad and sum(calls) == n:
            send_ctrl_c()
        return nn.functional.cross_entropy(output, target)

    return loss_fn


@pytest.mark.parametrize("validate", [False, True])
def test_ctrl_c_in_the_last_step_of_the_last_epoch_keeps_that_epoch(moons, validate):
    model = moons_model()
    validation = moons if validate else None
    history = fit(model, optim.SGD(model.parameters()), ctrl_c_in_call(30), *moons, epochs=3, batch_size=20,
                  validation_data=validation, verbose=False)  # fmt: skip
    stop = history.stop
    assert (stop.kind, stop.step, stop.epoch, stop.phase) == ("interrupted", 30, 3, None)
    assert len(history.loss) == 30
    assert [record["epoch"] for record in history.epochs] == [1, 2, 3]
    assert ("val_loss" in history.epochs[-1]) is validate


def test_ctrl_c_in_the_last_step_of_an_epoch_keeps_that_epoch_and_takes_no_further_step(moons):
    model = moons_model()
    history = fit(model, optim.SGD(model.parameters()), ctrl_c_in_call(10), *moons, epochs=3, batch_size=20,
                  validation_data=moons, verbose=False)  # fmt: skip
    assert (history.stop.kind, history.stop.step, history.stop.epoch) == ("interrupted", 10, 1)
    assert len(history.loss) == 10 and [record["epoch"] for record in history.epochs] == [1]
    assert "val_accuracy" in history.epochs[0]


def test_a_second_ctrl_c_inside_a_step_interrupts_at_once(moons):
    def loss_fn(output, target):
        send_ctrl_c()  # held until the step ends
        send_ctrl_c()  # the user insists
        return nn.functional.cross_entropy(output, target)

    model = moons_model()
    history = fit(model, optim.Adam(model.parameters()), loss_fn, *moons, verbose=False)
    stop = history.stop
    assert (stop.kind, stop.step, stop.phase) == ("interrupted", 1, "loss")
    assert history.loss == [] and history.effective_lr == [] and history.update_size == []


def test_a_held_ctrl_c_goes_to_the_previous_handler_after_the_step(moons):
    losses, seen = [], []  # the losses computed so far; how many when the handler ran

    def handler(signum, frame):
        seen.append(len(losses))

    def loss_fn(output, target):
        if len(losses) == 2:
            send_ctrl_c()
        loss = nn.functional.cross_entropy(output, target)
        losses.append(loss)
        return loss

    previous = signal.signal(signal.SIGINT, handler)
    try:
        model = moons_model()
        history = fit(model, optim.SGD(model.parameters()), loss_fn, *moons, verbose=False)
        assert signal.getsignal(signal.SIGINT) is handler
    finally:
        signal.signal(signal.SIGINT, previous)
    assert seen == [3]  # called once, after the third step was complete, not inside it
    assert history.stop is None and len(history.loss) == 10 * 7  # a handler that does not raise: training went on


def test_fit_outside_the_main_thread_installs_no_handler(moons):
    results = []

    def train():
        model = moons_model()
        try:
            results.append(fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), *moons, epochs=1,
                               verbose=False))  # fmt: skip
        except Exception as error:  # signal.signal raises ValueError outside the main thread
            results.append(error)

    thread = threading.Thread(target=train)
    thread.start()
    thread.join()
    assert isinstance(results[0], mg.train.History) and results[0].stop is None


# ------------------------------------------------------------------ bad data


def test_nan_in_X_is_bad_data_named_with_its_count_and_place(moons):
    X, y = moons
    X = X.copy()
    X[7, 1] = np.nan
    X[12, 0] = np.inf
    model = moons_model()
    history = fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), X, y, verbose=False)
    stop = history.stop
    assert (stop.kind, stop.array, stop.count, stop.index, stop.step, stop.epoch) == ("bad_data", "X", 2, (7, 1), 0, 0)
    assert stop.message.startswith("X holds 2 values that are nan or inf, the first at X[7, 1]; this run did not start")
    assert "learning rate" not in stop.message
    assert history.loss == [] and history.epochs == []


def test_nan_in_regression_targets_is_bad_data():
    X, y = data.make_sine(40, seed=0)
    y = y.copy()
    y[3] = np.nan
    model = nn.Sequential(nn.Linear(1, 4), nn.Tanh(), nn.Linear(4, 1))
    history = fit(model, optim.SGD(model.parameters()), nn.MSELoss(), X, y, verbose=False)
    assert (history.stop.kind, history.stop.array, history.stop.count) == ("bad_data", "y", 1)
    assert "the first at y[3" in history.stop.message


def test_nan_only_in_the_validation_data_is_reported_not_shown_as_an_accuracy(moons):
    X_val, y_val = data.make_moons(20, seed=1)
    X_val[4, 0] = np.nan
    model = moons_model()
    history = fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), *moons, epochs=2,
                  validation_data=(X_val, y_val), verbose=False)  # fmt: skip
    assert (history.stop.kind, history.stop.array, history.stop.index) == ("bad_data", "X_val", (4, 0))
    assert history.stopped.startswith(  # fmt: skip
        "X_val (validation_data) holds 1 value that is nan or inf, the first at X_val[4, 0]"
    )
    assert history.final_accuracy is None


def test_evaluate_refuses_bad_data_and_gives_no_accuracy_for_non_finite_outputs(moons):
    X, y = moons
    model = moons_model()
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match=re.escape("X holds 1 value that is nan or inf, the first at X[0, 0]")):
        evaluate(model, nn.CrossEntropyLoss(), bad, y)
    model[0].weight.data[...] = np.nan  # a model whose weights diverged
    result = evaluate(model, nn.CrossEntropyLoss(), X, y, prefix="val_")
    assert set(result) == {"val_loss", "val_accuracy"}
    assert math.isnan(result["val_loss"]) and math.isnan(result["val_accuracy"])
    assert model.training, "evaluate restores the mode it found"


@pytest.mark.parametrize(
    "optimizer, message",
    [
        (None, "optimizer must be a minigrad optimizer (with zero_grad(), step(), effective_lr() and param_groups), "
               "got None"),
        ("adam", "got 'adam'"),
        (object, "got <class 'object'>"),
        (optim.SGD, "optimizer is the class SGD; pass an instance of it"),
    ],
)  # fmt: skip
def test_an_object_that_is_not_an_optimizer_is_refused_before_any_forward_pass(moons, optimizer, message):
    calls = []

    def model(x):
        calls.append(x)
        return moons_model()(x)

    model.train = model.eval = lambda *args: None
    with pytest.raises(TypeError, match=re.escape(message)):
        fit(model, optimizer, nn.CrossEntropyLoss(), *moons, verbose=False)
    assert calls == []  # refused up front, not after a forward pass


@pytest.mark.parametrize("name", ["model", "loss_fn"])
def test_model_and_loss_fn_must_be_callable(moons, name):
    model = moons_model()
    arguments = {"model": model, "optimizer": optim.SGD(model.parameters()), "loss_fn": nn.CrossEntropyLoss()}
    arguments[name] = "nope"
    with pytest.raises(TypeError, match=f"{name} must be callable, got 'nope'"):
        fit(*arguments.values(), *moons, verbose=False)


def test_an_optimizer_without_lr_that_keeps_the_base_effective_lr_of_is_told_to_define_it():
    class StepSize(optim.Optimizer):
        defaults = {"step_size": 0.1}

        def update(self, param, grad, state, group):
            param.data -= group["step_size"] * grad

    model = nn.Linear(2, 2)
    X, y = np.ones((4, 2), np.float32), np.array([0, 1, 0, 1])
    no_lr = r"StepSize has no 'lr' hyper-parameter \(its defaults: \['step_size'\]\)"
    with pytest.raises(TypeError, match=no_lr) as caught:
        fit(model, StepSize(model.parameters()), nn.CrossEntropyLoss(), X, y, epochs=1, batch_size=2, verbose=False)
    assert "define effective_lr_of(self, state, group)" in str(caught.value)
    assert sys.version_info < (3, 11) or caught.value.__notes__ == [
        "(raised in the effective learning rate summary (after the optimizer step) of fit's first step: "
        "its update was applied)"
    ]


def test_a_stop_asked_for_between_steps_ends_the_run_as_a_ctrl_c_would(moons, monkeypatch):
    # what a worker of mg.compare's parallel runs does when the main process has seen Ctrl-C
    import minigrad.train

    asked = []
    monkeypatch.setattr(minigrad.train, "stop_requested", lambda: len(asked) >= 3)
    model = moons_model()

    def loss_fn(output, target):
        asked.append(1)
        return nn.functional.cross_entropy(output, target)

    history = fit(model, optim.SGD(model.parameters(), lr=0.1), loss_fn, *moons, epochs=2, verbose=False)
    assert len(history.loss) == 3 and history.stop.kind == "interrupted"
    assert history.stop.message == "interrupted after step 3 (epoch 1); the 3 completed steps are kept"
    asked += [1] * 3
    history = fit(model, optim.SGD(model.parameters(), lr=0.1), loss_fn, *moons, epochs=2, verbose=False)
    assert history.loss == [] and history.stop.message == "interrupted before its first step; nothing was trained"


# ------------------------------------------------------------------ stops that must not lose work


def test_a_nan_gradient_with_a_finite_loss_stops_the_run_before_its_step(moons):
    X, y = moons
    model = moons_model()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    ce, calls, before = nn.CrossEntropyLoss(), [0], {}

    def loss_fn(output, target):
        calls[0] += 1
        loss = ce(output, target)
        if calls[0] == 5:  # sqrt's derivative at 0 is infinite: the loss stays finite, its gradient is nan
            before["weights"] = [p.data.copy() for p in model.parameters()]
            before["state"] = [optimizer.state[p]["exp_avg_sq"].copy() for p in model.parameters()]
            loss = loss + (output * 0).sum().sqrt()
        return loss

    with pytest.warns(RuntimeWarning, match=r"fit stopped early: the gradient of '0\.weight' \(shape \(16, 2\)\) held"):
        history = fit(model, optimizer, loss_fn, X, y, epochs=2, batch_size=50, verbose=False)
    stop = history.stop
    assert (stop.kind, stop.phase, stop.step, stop.epoch) == ("diverged", "backward", 5, 2)
    assert math.isfinite(stop.loss) and f"while the loss was finite ({stop.loss:.6g})" in stop.message
    assert len(history.loss) == len(history.effective_lr) == 4
    # that step was not applied: weights and Adam's state are bit for bit those it started from
    for p, weights, state in zip(model.parameters(), before["weights"], before["state"], strict=True):
        assert np.array_equal(p.data, weights) and np.array_equal(optimizer.state[p]["exp_avg_sq"], state)


def test_fit_warns_when_it_stops_early_and_only_then(moons):
    X, y = moons
    model = moons_model()
    with pytest.warns(RuntimeWarning, match=r"^fit stopped early: the loss became inf at step 1") as caught:
        history = fit(model, optim.SGD(model.parameters()), lambda out, t: (out * 0).sum() + math.inf, X, y,
                      verbose=False)  # fmt: skip
    assert history.stop.kind == "diverged" and len(caught) == 1
    assert caught[0].filename == __file__  # pointing at the caller's line, not into minigrad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = moons_model()
        history = fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), X, y, epochs=1, verbose=False)
    assert history.stop is None


@pytest.mark.parametrize(
    "validation, error, message",
    [
        ((np.zeros((5, 1)), np.zeros(5, int)), ValueError, r"X_val has shape \(5, 1\) but X has shape \(200, 2\)"),
        ((np.zeros((5, 2)), np.zeros((5, 1), int)), ValueError, r"y_val has shape \(5, 1\) but y has shape \(200,\)"),
        ((np.zeros((5, 2)), np.zeros(5)), TypeError, r"y_val has dtype float64 but y has dtype int64: both must be "
                                                     r"integer class labels"),
        ((np.zeros((5, 2)), np.zeros(5, int), None), ValueError, r"must be a pair \(X, y\), got a tuple of 3 items"),
    ],
)
def test_validation_data_unlike_the_training_data_is_refused_before_training(moons, validation, error, message):
    model = moons_model()
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(error, match=message):
        fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), *moons, validation_data=validation,
            verbose=False)  # fmt: skip
    assert all(np.array_equal(p.data, b) for p, b in zip(model.parameters(), before, strict=True))


def test_a_loss_class_or_another_model_s_optimizer_is_refused_before_training(moons):
    model = moons_model()
    with pytest.raises(TypeError, match=r"loss_fn is the class CrossEntropyLoss; pass an instance of it: "
                                        r"CrossEntropyLoss\(\)"):  # fmt: skip
        fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss, *moons, verbose=False)
    stale = optim.SGD(model.parameters())
    model = moons_model()  # made again after its optimizer
    with pytest.raises(ValueError, match="the optimizer holds none of the model's parameters"):
        fit(model, stale, nn.CrossEntropyLoss(), *moons, verbose=False)


def test_a_ctrl_c_while_the_last_summaries_are_made_keeps_the_history(moons, monkeypatch):
    flush, calls = train._StepSummarizer.flush, [0]

    def flush_and_ctrl_c(self):
        calls[0] += 1
        if calls[0] == 3:  # two epochs' flushes, then the one on the way out
            send_ctrl_c()
        return flush(self)

    monkeypatch.setattr(train._StepSummarizer, "flush", flush_and_ctrl_c)
    model = moons_model()
    history = fit(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(), *moons, epochs=2, batch_size=50,
                  verbose=False)  # fmt: skip
    assert history.stop.kind == "interrupted" and "interrupted after step 8 (epoch 2)" in history.stopped
    assert len(history.loss) == len(history.effective_lr) == 8 and len(history.epochs) == 2


def test_manual_seed_makes_a_run_without_seeds_repeatable():
    def run(seed):
        mg.manual_seed(seed)
        X, y = data.make_moons(60)
        X_train, _, y_train, _ = data.train_test_split(X, y)
        model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
        return fit(model, optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss(), X_train, y_train, epochs=2,
                   batch_size=8, verbose=False).loss  # fmt: skip

    first = run(3)
    assert run(3) == first and run(4) != first
    mg.manual_seed(3)
    order = next(iter(data.DataLoader(np.arange(60), np.arange(60), batch_size=60)))[1]
    mg.manual_seed(3)
    assert np.array_equal(next(iter(data.DataLoader(np.arange(60), np.arange(60), batch_size=60)))[1], order)


def test_newcomers_mixups_of_fit_s_arguments_say_what_to_do(moons):
    model = moons_model()

    def build():
        return moons_model()

    optimizer = optim.Adam(model.parameters())
    with pytest.raises(TypeError, match=re.escape("model must be a Module (nn.Sequential(...) or a subclass of "
                                                  "nn.Module), got <function")):  # fmt: skip
        fit(build, optimizer, nn.CrossEntropyLoss(), *moons, verbose=False)
    with pytest.raises(TypeError, match=re.escape("if build() builds the model, call it: fit(build(), ...)")):
        fit(build, optimizer, nn.CrossEntropyLoss(), *moons, verbose=False)
    with pytest.raises(TypeError, match=re.escape("loss_fn got an optimizer (Adam): the order is fit(model, "
                                                  "optimizer, loss_fn, X, y)")):  # fmt: skip
        fit(model, nn.CrossEntropyLoss(), optimizer, *moons, verbose=False)
    with pytest.raises(TypeError, match=re.escape("optimizer is the class Adam; pass an instance of it: "
                                                  "Adam(model.parameters(), lr=...)")):  # fmt: skip
        fit(model, optim.Adam, nn.CrossEntropyLoss(), *moons, verbose=False)
    with pytest.raises(TypeError, match=r"got CrossEntropyLoss\(\); the order is fit\(model, optimizer, loss_fn"):
        fit(model, nn.CrossEntropyLoss(), nn.CrossEntropyLoss(), *moons, verbose=False)

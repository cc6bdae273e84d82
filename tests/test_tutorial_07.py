"""The claims of tutorials/07_comparing_on_digits.py, reproduced with minigrad directly.

The tutorial trains a 64-64-10 network on the digits for 10 epochs per run (batches of 32),
averaging 2 or 3 seeds. Here every claim is checked on seed 0, the tutorial's first seed
(with more seeds where the tutorial's claim is about its mean or about a set of runs). ``train`` is a plain
training loop that gives exactly the run ``mg.compare`` gives (the first test checks this)
at less cost, because it skips the per-step summaries of the effective learning rate and
the per-epoch evaluation. Claims about runs that fail, or about the tiniest learning rate,
are checked on fewer epochs: a run that fails does so in its first epoch, and the ordering
at lr = 1e-4 is already clear after three.

Training a network is chaotic where the learning rate is near an edge (a run that barely
fails or barely works): there, the last bit of a matmul, which differs between CPUs (OpenBLAS
picks its kernel per CPU), decides the outcome of a single run. So no test pins such a run;
each asserts either a run far from the edge or what a set of runs shows. The margins quoted
were measured over OpenBLAS's Haswell, Sandybridge, Nehalem and Prescott kernels and over
runs with every matmul result nudged up or down by one ulp at random, a stand-in for the
kernels of other CPUs."""

import functools
from typing import NamedTuple

import numpy as np
import pytest

import minigrad as mg
from minigrad import data, nn, optim
from minigrad.comparison import OPTIMIZERS

X, y = data.load_digits()
X_train, X_test, y_train, y_test = data.train_test_split(X / 16, y, test_size=0.2, seed=0)
STEPS_PER_EPOCH = 45  # ceil(1437 / 32)
OPTIMIZER_NAMES = ["sgd", "momentum", "adagrad", "rmsprop", "adam"]


def build():
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


class Result(NamedTuple):
    loss: np.ndarray  # per step
    accuracy: float  # on the test set, at the end
    model: nn.Module
    median_lr: dict  # step -> median effective lr over the coordinates that got a gradient


@functools.cache
def train(name, lr=None, epochs=10, seed=0):
    """One run as mg.compare makes it: manual_seed(seed), build, then fit's batches."""
    cls, options = OPTIMIZERS[name]
    options = {**options, **({} if lr is None else {"lr": lr})}
    mg.manual_seed(seed)
    model = build()
    optimizer = cls(model.parameters(), **options)
    loader = data.DataLoader(X_train, y_train, batch_size=32, shuffle=True, seed=seed)
    loss_fn = nn.CrossEntropyLoss()
    losses, median_lr = [], {}
    last = epochs * STEPS_PER_EPOCH
    for _ in range(epochs):
        for X_batch, y_batch in loader:
            loss = loss_fn(model(X_batch), y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if len(losses) in (1, STEPS_PER_EPOCH, last):
                moved = np.concatenate([(p.grad != 0).ravel() for p in model.parameters()])
                median_lr[len(losses)] = float(np.median(optimizer.effective_lr()[moved]))
    return Result(np.array(losses), accuracy(model), model, median_lr)


def accuracy(model):
    with mg.no_grad():
        return float(np.mean(model(mg.Tensor(X_test)).data.argmax(axis=1) == y_test))


def dead_units_and_digits(model):
    with mg.no_grad():
        hidden = model[1](model[0](mg.Tensor(X_train))).data
        predicted = model(mg.Tensor(X_test)).data.argmax(axis=1)
    return int((hidden.max(axis=0) == 0).sum()), len(np.unique(predicted))


def test_the_training_loop_here_gives_the_runs_mg_compare_gives():
    result = mg.compare(
        build,
        X_train,
        y_train,
        optimizers=["sgd", "adam"],
        epochs=1,
        seeds=[0],
        validation_data=(X_test, y_test),
        verbose=False,
    )
    for name in ["sgd", "adam"]:
        run, mine = result.runs[name][0], train(name, epochs=1)
        np.testing.assert_array_equal(mine.loss, run.history.loss)
        assert mine.accuracy == run.history.final_accuracy
        assert mine.median_lr[1] == pytest.approx(run.history.effective_lr[0].median, rel=1e-2)


# ------------------------------------------------------------------------ part 1


# "With these learning rates, all five end with a mean test accuracy between 95.5% and 97%."
# (Here: seed 0, each between 94% and 98.5%, within 3 points of each other.)
def test_at_the_learning_rates_of_OPTIMIZERS_all_five_end_near_96_percent():
    accuracies = [train(name).accuracy for name in OPTIMIZER_NAMES]
    assert min(accuracies) >= 0.94 and max(accuracies) <= 0.985, accuracies
    assert max(accuracies) - min(accuracies) <= 0.03


# "SGD's training loss falls the slowest and ends about twice as high as the other four's."
# (Here: the mean loss of the last epoch, at least 1.7 times each of the others'.)
def test_sgd_ends_with_about_twice_the_training_loss_of_the_others():
    last_epoch = {name: train(name).loss[-STEPS_PER_EPOCH:].mean() for name in OPTIMIZER_NAMES}
    for name in OPTIMIZER_NAMES[1:]:
        assert last_epoch["sgd"] >= 1.7 * last_epoch[name], last_epoch
    assert last_epoch["sgd"] <= 3 * max(last_epoch[name] for name in OPTIMIZER_NAMES[1:]), last_epoch


# "SGD's effective learning rate is its lr, and so is momentum's."
# "AdaGrad's falls for the whole run ... From the end of the first epoch to the end of the run it
# fell by another half."
# "RMSprop's and Adam's drop about tenfold and thirtyfold in the first epoch ... Then they rise
# again, RMSprop's to 1.8 times and Adam's to 1.2 times the value after one epoch."
# "At step 1, with the same lr and the same gradient, Adam's is sqrt(10) = 3.16 times RMSprop's."
def test_effective_learning_rates_over_the_run():
    end = 10 * STEPS_PER_EPOCH
    for name, lr in [("sgd", 0.1), ("momentum", 0.03)]:
        assert list(train(name).median_lr.values()) == pytest.approx([lr] * 3)
    ada = train("adagrad").median_lr
    assert ada[1] > ada[STEPS_PER_EPOCH] > ada[end]
    assert 0.4 <= ada[end] / ada[STEPS_PER_EPOCH] <= 0.6
    rms, adam = train("rmsprop").median_lr, train("adam").median_lr
    assert 8 <= rms[1] / rms[STEPS_PER_EPOCH] <= 12
    assert 24 <= adam[1] / adam[STEPS_PER_EPOCH] <= 33
    assert 1.4 <= rms[end] / rms[STEPS_PER_EPOCH] <= 2.2
    assert 1.05 <= adam[end] / adam[STEPS_PER_EPOCH] <= 1.4
    assert rms[end] / rms[STEPS_PER_EPOCH] > adam[end] / adam[STEPS_PER_EPOCH]
    assert adam[1] / rms[1] == pytest.approx(10**0.5, rel=1e-3)


# "While they keep pointing the same way, it [momentum's buffer] grows to about
# 1 / (1 - 0.9) = 10 gradients, so momentum moves up to 10 times further than SGD at the same lr."
def test_momentums_step_grows_to_ten_times_sgds_on_a_constant_gradient():
    theta = mg.Tensor(np.zeros(1), requires_grad=True)
    optimizer = optim.SGD([theta], lr=0.01, momentum=0.9)
    steps = []
    for _ in range(200):
        before = theta.data.copy()
        optimizer.zero_grad()
        (2.0 * theta).sum().backward()
        optimizer.step()
        steps.append(abs(theta.data[0] - before[0]) / (0.01 * 2.0))
    assert max(steps) <= 10 and steps[-1] == pytest.approx(10, rel=1e-6)


# ------------------------------------------------------------------------ part 2: failures


def failed(run):
    """The tutorial's criterion: the loss blew up above twice its start, and accuracy ended below 20%."""
    return run.loss.max() > 2 * run.loss[0] and run.accuracy < 0.2


# "Not one run diverged in the strict sense: no loss became nan or inf." "We count a run as failed
# when its loss rose above twice its starting value and its test accuracy ended below 20%."
# "Every failed network has lost nearly all of its 64 hidden units ..., and most of them predict
# one and the same digit for every image. Its last-epoch loss stays at about 2 or more." SGD
# fails at 3, and momentum, RMSprop and Adam fail there too: at lr = 3 every run of the four
# fails, far from the edge (seeds 0 to 3, on every kernel and perturbation: accuracy at most
# 16%, the loss at least twice its start). Seed 0 is checked, for 3 epochs, by which SGD's,
# momentum's and Adam's networks are settled (63 or 64 units dead, one digit, the same on every
# kernel); RMSprop's, for the tutorial's 10, as after 3 its loss is still thrashing (a last
# epoch at 3.5 to 150). Measured on seed 0: at least 62 units dead, RMSprop's network predicting
# 1 or 2 digits, a last-epoch loss of 2.33 or more.
EPOCHS_AT_LR_3 = {"sgd": 3, "momentum": 3, "rmsprop": 10, "adam": 3}


def test_too_large_learning_rates_kill_the_network_without_any_nan():
    digits_predicted = []
    for name, epochs in EPOCHS_AT_LR_3.items():
        run = train(name, 3.0, epochs=epochs)
        assert np.all(np.isfinite(run.loss)), name
        assert failed(run), (name, run.loss.max() / run.loss[0], run.accuracy)
        dead, digits = dead_units_and_digits(run.model)
        assert dead >= 60, (name, dead)
        assert run.loss[-STEPS_PER_EPOCH:].mean() >= 1.9, name
        digits_predicted.append(digits)
    assert digits_predicted.count(1) >= 3, digits_predicted


# "It [momentum] works from 0.01. At 1 it no longer learns: most of its runs fail, and the others
# end far below 90%." RMSprop and Adam: "at 1 both fail." (An optimizer fails at a learning
# rate when at least one of its seeds fails.) Whether one run at lr = 1 fails is decided by
# round-off, so this asks what the tutorial asks of a set of seeds, after 3 epochs. RMSprop's
# two seeds failed on every kernel and perturbation, and Adam's seed 1 (its seed 0 survived on 2
# of 8). Momentum's runs at 1 fail about two times in three: 3 to 5 of its seeds 0 to 5 failed on
# each; the best of them reached 37%.
def test_momentum_rmsprop_and_adam_fail_from_lr_1():
    for name, seeds in [("momentum", range(6)), ("rmsprop", [0, 1]), ("adam", [0, 1])]:
        runs = [train(name, 1.0, epochs=3, seed=seed) for seed in seeds]
        assert all(np.all(np.isfinite(run.loss)) for run in runs), name
        assert any(failed(run) for run in runs), (name, [(run.loss.max() / run.loss[0], run.accuracy) for run in runs])
        assert max(run.accuracy for run in runs) < 0.5, name


# "The loss shoots up early on: to about 20 for SGD and momentum, and to hundreds or tens of
# thousands for RMSprop and Adam." (Here: at most 50 against at least 100, and 10,000 for
# RMSprop at lr = 3.) The peaks come in the first steps, before round-off differences have
# grown: all but momentum's at lr = 1 (3.4 to 8.0) agree to four digits on every kernel and
# perturbation (SGD 17.2 and momentum 9.5 at lr = 3; RMSprop 2,924 and Adam 312 at lr = 1,
# 25,937 and 3,692 at lr = 3).
def test_the_loss_peaks_at_tens_for_sgd_and_momentum_and_far_higher_for_rmsprop_and_adam():
    assert train("sgd", 3.0, epochs=3).loss.max() <= 50
    assert train("momentum", 1.0, epochs=3).loss.max() <= 50
    assert train("momentum", 3.0, epochs=1).loss.max() <= 50
    for name in ["rmsprop", "adam"]:
        assert train(name, 1.0, epochs=3).loss.max() >= 100
    assert train("adam", 3.0, epochs=1).loss.max() >= 1000
    assert train("rmsprop", 3.0, epochs=1).loss.max() >= 10_000


# "AdaGrad never fails on this grid, not even at 3, although its loss blows up there too."
# "The huge gradients of that blow-up stay in its sum, which never forgets: after one epoch at
# lr = 3, its median effective learning rate is about what it is at lr = 0.1 (lower, in both seeds
# here), although its lr is 30 times larger." (Lower for seeds 0 to 3; seed 4 gives 2.6 times,
# so "about" is checked as less than 3 times.)
def test_adagrad_survives_lr_3_although_its_loss_blows_up():
    run = train("adagrad", 3.0, epochs=3)
    assert run.loss.max() > 100 * run.loss[0]
    assert run.accuracy >= 0.3
    for seed in [0, 1]:
        at_3 = train("adagrad", 3.0, epochs=1, seed=seed).median_lr[STEPS_PER_EPOCH]
        at_01 = train("adagrad", 0.1, epochs=1, seed=seed).median_lr[STEPS_PER_EPOCH]
        assert at_3 < 3 * at_01 and at_3 < at_01, (seed, at_3, at_01)


# ------------------------------------------------------------------------ part 2: good ranges


# "SGD needs the largest learning rate. It works only from 0.1 up: at 0.01 it reaches about 68%
# in ten epochs, while each of the other four works at some learning rate below 0.1. Its good
# range is the narrowest, from 0.1 to 1 (a factor of 10), and at 3 it fails."
# "So ... at lr = 1, where SGD works, Adam and RMSprop both fail." (the failures: tests above)
def test_sgd_needs_the_largest_learning_rate():
    assert 0.55 <= train("sgd", 1e-2).accuracy <= 0.85
    assert train("sgd").accuracy >= 0.9  # lr 0.1
    assert train("sgd", 1.0).accuracy >= 0.9
    others_below_01 = {
        "momentum": train("momentum", 1e-2).accuracy,
        "adagrad": train("adagrad").accuracy,  # lr 0.05
        "rmsprop": train("rmsprop", 1e-3).accuracy,
        "adam": train("adam", 1e-3).accuracy,
    }
    assert min(others_below_01.values()) >= 0.9, others_below_01


# "Momentum is SGD shifted left by a factor of 10 ... Up to lr = 0.01 for momentum, the two agree
# to within about one point." (Here: the pair at 0.01 and 0.1, within 2 points.)
def test_momentum_at_lr_matches_sgd_at_ten_times_lr():
    assert abs(train("momentum", 1e-2).accuracy - train("sgd", 0.1).accuracy) <= 0.02


def mean_accuracy(name, lr):
    """The tutorial's measure: the mean over its two seeds, after 10 epochs."""
    return (train(name, lr).accuracy + train(name, lr, seed=1).accuracy) / 2


# "Adam works over the widest range, a factor of 100 from 0.001 to 0.1. RMSprop works from 0.001
# to 0.03; at 0.1 it is near the 90% line and may land on either side of it." Over 15 kernels
# and perturbations, the mean at 0.03 is 92.6% to 96.7%; at 0.1, 89.0% to 95.0% (below 90% on
# 2 of 15), which is why 0.1 is not claimed; Adam's seed 0 at 0.1 ends between 95.0% and 97.2%.
# At 0.001 the runs are slow enough that round-off never grows: 95% on every kernel.
def test_adam_works_from_0_001_to_0_1_and_rmsprop_to_0_03_with_0_1_on_the_edge():
    for name in ["rmsprop", "adam"]:
        assert train(name, 1e-3).accuracy >= 0.9, name
    assert mean_accuracy("rmsprop", 0.03) >= 0.9
    assert train("adam", 0.1).accuracy >= 0.9
    assert 0.85 <= mean_accuracy("rmsprop", 0.1) <= 0.97


# "RMSprop and Adam are the only ones that learn much at 0.0001 (67% and 73%, against at most 14%
# for the others)." "At 0.0001 it [AdaGrad] reaches 14%, no better than momentum."
# (Here after 3 epochs instead of 10: RMSprop and Adam above 20%, the others below 18%.)
def test_only_rmsprop_and_adam_learn_at_lr_1e_4():
    accuracy_at = {name: train(name, 1e-4, epochs=3).accuracy for name in OPTIMIZER_NAMES}
    assert min(accuracy_at["rmsprop"], accuracy_at["adam"]) >= 0.2, accuracy_at
    assert max(accuracy_at["sgd"], accuracy_at["momentum"], accuracy_at["adagrad"]) <= 0.18, accuracy_at
    assert accuracy_at["adagrad"] <= accuracy_at["momentum"] + 0.02

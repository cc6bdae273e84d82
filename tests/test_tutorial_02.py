"""The claims of tutorials/02_first_mlp.py, reproduced with minigrad directly.

The tutorial trains with ``fit``; these tests train with the same hand-written loop the
tutorial shows first (same DataLoader seed, same four lines per step), which is about
three times faster. ``test_fit_runs_the_same_loop`` checks that the two give bit-identical
weights, so the other tests measure exactly what the tutorial's ``fit`` runs produce.
"""

import math
from functools import cache

import numpy as np

import minigrad as mg
from minigrad import data, nn, optim
from minigrad.train import evaluate, fit

# the tutorial's full-mode configuration
N_SAMPLES, NOISE, TEST_SIZE, SEED = 400, 0.2, 0.25, 0
LR, BATCH_SIZE, EPOCHS = 0.5, 32, 100


@cache
def split():
    X, y = data.make_moons(N_SAMPLES, noise=NOISE, seed=SEED)
    return data.train_test_split(X, y, test_size=TEST_SIZE, seed=SEED)


def make_model(hidden):
    mg.manual_seed(SEED)
    if hidden == 0:
        return nn.Sequential(nn.Linear(2, 2))
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 2))


def train_by_hand(model, epochs):
    X_train, _, y_train, _ = split()
    optimizer, loss_fn = optim.SGD(model.parameters(), lr=LR), nn.CrossEntropyLoss()
    loader = data.DataLoader(X_train, y_train, batch_size=BATCH_SIZE, seed=SEED)  # one loader: a new order each epoch
    losses = []
    for _ in range(epochs):
        for X_batch, y_batch in loader:
            loss = loss_fn(model(X_batch), y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


@cache
def accuracies(hidden):
    """(train accuracy, test accuracy) of the final weights after the tutorial's training."""
    X_train, X_test, y_train, y_test = split()
    model = make_model(hidden)
    train_by_hand(model, EPOCHS)
    loss_fn = nn.CrossEntropyLoss()
    return evaluate(model, loss_fn, X_train, y_train)["accuracy"], evaluate(model, loss_fn, X_test, y_test)["accuracy"]


# "fit runs exactly this loop ... it must end with the same weights, to the last bit"
# (and the same per-step losses).
def test_fit_runs_the_same_loop():
    X_train, X_test, y_train, y_test = split()
    by_hand = make_model(16)
    losses = train_by_hand(by_hand, epochs=3)
    with_fit = make_model(16)
    history = fit(
        with_fit,
        optim.SGD(with_fit.parameters(), lr=LR),
        nn.CrossEntropyLoss(),
        X_train,
        y_train,
        epochs=3,
        batch_size=BATCH_SIZE,
        seed=SEED,
        validation_data=(X_test, y_test),
        verbose=False,
    )
    assert history.loss == losses
    for name, array in by_hand.state_dict().items():
        assert np.array_equal(array, with_fit.state_dict()[name]), name


# "the loss starts near ln 2" (within 0.1); the 16-unit model has 82 parameters, the 64-unit one 322.
def test_initial_loss_and_parameter_counts():
    X_train, _, y_train, _ = split()
    model = make_model(16)
    initial = nn.CrossEntropyLoss()(model(mg.Tensor(X_train)), y_train).item()
    assert abs(initial - math.log(2)) < 0.1
    assert sum(p.size for p in model.parameters()) == 82
    assert sum(p.size for p in make_model(64).parameters()) == 322


# "After 100 epochs the network classifies more than 95% of the training points correctly,
# and more than 93% of the test points"; "16 hidden units: ... above 95% on the training set
# and above 93% on the test set".
def test_sixteen_units_learn_the_moons():
    train, test = accuracies(16)
    assert train > 0.95 and test > 0.93


# "The test accuracy ends within 3 points of the training accuracy".
def test_little_overfitting_with_sixteen_units():
    train, test = accuracies(16)
    assert abs(train - test) <= 0.03


# "No hidden layer: ... It stays below 88% on the training set and on the test set."
def test_a_linear_model_cannot_separate_the_moons():
    train, test = accuracies(0)
    assert train < 0.88 and test < 0.88


# "2 hidden units: ... it ends within 3 points of [the linear model], on both sets."
def test_two_units_do_no_better_than_linear_from_this_start():
    (train2, test2), (train0, test0) = accuracies(2), accuracies(0)
    assert abs(train2 - train0) <= 0.03 and abs(test2 - test0) <= 0.03


# "64 hidden units: ... its test accuracy is no higher than the 16-unit model's, and within
# 3 points of it."
def test_sixty_four_units_gain_nothing_on_the_test_set():
    test64, test16 = accuracies(64)[1], accuracies(16)[1]
    assert test64 <= test16 and test16 - test64 <= 0.03

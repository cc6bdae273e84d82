"""Wilson, Roelofs, Stern, Srebro & Recht, "The Marginal Value of Adaptive Gradient Methods in
Machine Learning" (NeurIPS 2017, arXiv:1705.08292), section 3.3.

Claim: on an over-parameterised problem (more weights than examples, many exact fits), the
optimizer decides which fit you get.

What the paper reports, read in its abstract (papers.neurips.cc, paper 7003): on a linearly
separable binary classification problem it constructs, GD and SGD reach zero test error, while
AdaGrad, Adam and RMSprop reach test errors as close to one half as one likes. Section 3.3
itself, where the construction and its limit are, was not at hand to re-read here: the
construction below is the one an earlier reading of it recorded. It does not rest on that
reading alone: the script checks on every data set the condition Lemma 3.1 needs, so the
adaptive methods' limit below is exact for this data whatever the paper's details.

The construction: labels y_i = +1 with probability p > 1/2,
else -1; each example x_i has x_i1 = y_i (the one feature that matters), x_i2 = x_i3 = 1 (a
constant "bias" pair), and features of its own that no other example has: one if y_i = +1,
five if y_i = -1 (columns 4 + 5(i-1) ... 4 + 5(i-1) + 2(1 - y_i)). Loss: the squared error
(X w - y)^2, from w = 0. Gradient descent stays in the span of the rows and converges to the
minimum-norm fit, which puts almost all its weight on x_1 = y. Adaptive methods move every
coordinate at the same speed, so (the paper's Lemma 3.1) they converge to w proportional to
sign(X^T y) = (1, 1, 1, +-1 ...), here w = sign(X^T y) / 4: a new point, whose own features
are all 0, scores (y + 2) / 4 > 0 and is always called +1, so the test error is the share of
negatives, 1 - p.

Here: p = 0.55, n = 60 training examples (d = 303 weights), full-batch training for 1,500
steps (400 in quick mode), five draws (two) of the data set; the paper's construction asks for more
positives than negatives among the training labels (so that sign(sum y) = +1), so a draw
without that majority is redrawn. Besides GD we run SGD on one random example per step. Where
it differs: the paper states a limit rather than a table; n, p and the learning rates are ours.

Runs in about 8.6 s (1.9 s with MINIGRAD_QUICK=1) on two cores (wall time, nearly all of it CPU).
"""

import os

import numpy as np

import minigrad as mg
from minigrad import optim

QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: a short run with the same code
STEPS = 400 if QUICK else 1500
DRAWS = 2 if QUICK else 5  # independent data sets
N, P, N_TEST = 60, 0.55, 2000
D = 3 + 5 * N
OPTIMIZERS = {  # the learning rates are ours: each fits the training data within the steps
    "GD": lambda w: optim.SGD([w], lr=0.05),
    "SGD": lambda w: optim.SGD([w], lr=0.05),  # one random example per step
    "AdaGrad": lambda w: optim.Adagrad([w], lr=0.1),
    "RMSprop": lambda w: optim.RMSprop([w], lr=0.01),
    "Adam": lambda w: optim.Adam([w], lr=0.01),
}


def make_data(n, rng):
    y = np.where(rng.random(n) < P, 1.0, -1.0)
    X = np.zeros((n, D))
    X[:, 0] = y
    X[:, 1:3] = 1.0
    for i in range(min(n, N)):  # features unique to each training example; test points have none
        start = 3 + 5 * i
        X[i, start : start + (1 if y[i] > 0 else 5)] = 1.0
    return X, y


def train(name, X, y, rng):
    w = mg.Tensor(np.zeros(D), requires_grad=True)
    opt = OPTIMIZERS[name](w)
    for _ in range(STEPS):
        rows = rng.integers(0, len(y), size=1) if name == "SGD" else slice(None)
        opt.zero_grad()
        ((mg.Tensor(X[rows]) @ w - mg.Tensor(y[rows])) ** 2).mean().backward()
        opt.step()
    return w.data


errors = {name: [] for name in OPTIMIZERS}
train_errors = {name: [] for name in OPTIMIZERS}
negatives = []
for draw in range(DRAWS):
    rng = np.random.default_rng(draw)
    X, y = make_data(N, rng)
    while y.sum() <= 0:  # the construction's majority of positive labels
        X, y = make_data(N, rng)
    assert np.array_equal(X @ np.sign(X.T @ y), 4 * y)  # Lemma 3.1's condition, X sign(X^T y) = c y with c = 4
    X_test = np.zeros((N_TEST, D))
    y_test = np.where(rng.random(N_TEST) < P, 1.0, -1.0)
    X_test[:, 0], X_test[:, 1:3] = y_test, 1.0
    negatives.append(np.mean(y_test < 0))
    for name in OPTIMIZERS:
        w = train(name, X, y, rng)
        errors[name].append(np.mean(np.sign(X_test @ w) != y_test))
        train_errors[name].append(np.mean(np.sign(X @ w) != y))

print(f"section 3.3 construction: p = {P}, n = {N}, d = {D}; {STEPS} steps; {DRAWS} data sets; mean test error")
print("paper (abstract; its section 3.3 construction): test error 0 for GD and SGD; for AdaGrad, RMSprop and Adam")
print("  as close to 1/2 as one likes (here 1 - p, the share of negatives, by our reading of the construction)")
print(f"minigrad (share of negatives in the test sets: {np.mean(negatives):.3f}):")
for name in OPTIMIZERS:
    print(f"  {name:8s} test error {np.mean(errors[name]):.3f}   training error {np.mean(train_errors[name]):.3f}")

for name in OPTIMIZERS:
    assert max(train_errors[name]) == 0.0, (name, train_errors[name])  # every method fits the training data
for name in ["GD", "SGD"]:
    assert max(errors[name]) < 0.02, (name, errors[name])
for name in ["AdaGrad", "RMSprop", "Adam"]:  # they call every new point +1: the error is the share of negatives
    assert np.allclose(errors[name], negatives), (name, errors[name], negatives)
    assert min(errors[name]) > 0.3, (name, errors[name])
print("claim holds: GD/SGD generalise perfectly; the adaptive methods label every new point +1")

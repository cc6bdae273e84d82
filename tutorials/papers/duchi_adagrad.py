"""Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
Optimization" (JMLR 12, 2011): AdaGrad and rare, informative features.

Claim: with sparse data, a feature that appears rarely gets few gradient steps; one learning
rate for all features (SGD) must be small enough for the frequent ones, so the rare ones are
learned slowly. AdaGrad divides each coordinate's step by the root of its own sum of squared
gradients, so a rare feature keeps a large step.

What the paper reports: not read. No copy of the paper's text could be found here beyond its
abstract and one sentence of its introduction quoted by others; its motivating example (section
1.3) and its experiments (section 6, with their numbers) were not read. The abstract says, in
words, that the adaptation finds very predictive but rarely seen features and that in its
experiments the adaptive methods outperform non-adaptive subgradient methods; the introduction
gives frequent features low learning rates and infrequent ones high, so that the learner takes
notice each time a rare feature is seen.

What we run (our own example, not the paper's): 200 binary features, feature i on with
probability 1/i (feature 1 always, most of them in well under 5% of the examples), power-law
frequencies as in the example we recall from section 1.3, unchecked; a true weight of +-1 on
every feature, so the rare ones carry as much signal as the frequent ones; label 1 if
w* . x > 0. Online logistic regression (a 2-class nn.Linear(200, 2) without bias, from zero
weights, cross-entropy), one pass over 3,000 examples in batches of 10. SGD and AdaGrad each at
every lr of a grid, the lr of each chosen by its own online loss (the mean training loss over
the pass, the regret up to a constant), and scored on 3,000 new examples; 4 draws of the data
(2 in quick mode). Where it differs: the paper proves regret bounds and runs experiments of its
own (not read); every number below is ours.

Seen here: both learn the sign of almost every rare weight; what SGD lacks is their size
(rare / frequent weight below: the truth is 1), and it pays in online loss and test error.

Runs in about 4.3 s (2.4 s with MINIGRAD_QUICK=1) on two cores (wall time, nearly all of it CPU).
"""

import os

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.train import fit

QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: a short run with the same code
DRAWS = [0, 1] if QUICK else [0, 1, 2, 3]
D, N = 200, 3000
FREQUENCY = 1.0 / np.arange(1, D + 1)  # feature i appears in a share 1/i of the examples
RARE = FREQUENCY < 0.05  # 180 of the 200 features
GRIDS = {"SGD": (optim.SGD, [0.1, 0.3, 1.0, 3.0, 10.0]), "AdaGrad": (optim.Adagrad, [0.03, 0.1, 0.3, 1.0, 3.0])}


def make_data(rng, w_true):
    X = (rng.random((N, D)) < FREQUENCY).astype(np.float32)
    return X, (X @ w_true > 0).astype(np.int64)


def train(optimizer_class, lr, seed, X, y):
    """One online pass; returns (online loss, learned weights as one score per feature)."""
    mg.manual_seed(seed)
    model = nn.Linear(D, 2, bias=False)
    nn.init.zeros_(model.weight)
    history = fit(model, optimizer_class(model.parameters(), lr=lr), nn.CrossEntropyLoss(), X, y,
                  epochs=1, batch_size=10, seed=seed, verbose=False)  # fmt: skip
    online = history.final_loss if history.stop is None else np.inf
    return online, model.weight.data[1] - model.weight.data[0]


table = {name: [] for name in GRIDS}  # per draw: (chosen lr, online loss, test error, rare/frequent weight)
for seed in DRAWS:
    rng = np.random.default_rng(seed)
    w_true = rng.choice([-1.0, 1.0], D)
    X, y = make_data(rng, w_true)
    X_test, y_test = make_data(rng, w_true)
    for name, (cls, lrs) in GRIDS.items():
        runs = [(train(cls, lr, seed, X, y), lr) for lr in lrs]
        (online, w), lr = min(runs, key=lambda run: run[0][0])
        error = np.mean((X_test @ w > 0) != y_test)
        aligned = w * w_true  # each weight along its true sign; the truth is 1 for every feature
        rare = np.mean(aligned[RARE]) / np.mean(aligned[~RARE])  # 1 would weigh them as the truth does
        table[name].append((lr, online, error, rare))

print(f"{D} binary features, feature i on with probability 1/i; one online pass over {N} examples")
print("paper: not read: its section 1.3 example and section 6 experiments (no copy of its text found); its")
print("  abstract says, without a number, that the adaptive methods outperform non-adaptive subgradient methods")
print(f"minigrad, each at its best lr (by online loss), mean over {len(DRAWS)} draws:")
print(f"  {'':8s} {'chosen lr':>10s} {'online loss':>12s} {'test error':>11s} {'rare / frequent weight':>23s}")
for name, rows in table.items():
    lrs, online, error, rare = zip(*rows, strict=True)
    print(f"  {name:8s} {'/'.join(f'{lr:g}' for lr in sorted(set(lrs))):>10s} {np.mean(online):12.4f}"
          f" {np.mean(error):11.3f} {np.mean(rare):23.3f}")  # fmt: skip

for sgd, ada in zip(table["SGD"], table["AdaGrad"], strict=True):
    (_, sgd_online, sgd_error, sgd_rare), (_, ada_online, ada_error, ada_rare) = sgd, ada
    assert ada_online < 0.9 * sgd_online, (ada_online, sgd_online)
    assert ada_error < 0.85 * sgd_error, (ada_error, sgd_error)
    assert ada_rare > 1.1 * sgd_rare, (ada_rare, sgd_rare)  # the rare weights closer to their true size
for name, (_, lrs) in GRIDS.items():  # each best lr is inside its grid, not at an edge
    assert all(lrs[0] < row[0] < lrs[-1] for row in table[name]), (name, table[name])
print("claim holds: each at its best lr, AdaGrad has the lower online loss and test error, and weighs")
print("  the rare features closer to their true size than SGD does")

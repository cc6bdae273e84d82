"""Zeiler, "ADADELTA: An Adaptive Learning Rate Method" (arXiv:1212.5701, 2012), section 4.1.

Claim: ADADELTA needs no hand-set learning rate and is robust to its own hyper-parameters
(the decay rho and the constant eps): its step is RMS[dx] / RMS[g] * g, in the units of the
weights, so the result varies little across settings, while SGD's depends heavily on its lr.

The paper's setup, as recalled and not checked against its text: MNIST, a network of two tanh hidden
layers (500 and 300 units) and a softmax, minibatches of 100, 6 epochs; tables of the test error
of SGD, momentum and AdaGrad over learning rates and of ADADELTA over rho in {0.9, 0.95, 0.99}
and eps in {1e-2, 1e-4, 1e-6, 1e-8}. Not read: section 4.1 and its tables (no copy of the
paper's text could be found here), so no figure of the paper is quoted; only its abstract was
read, which says in words that the method needs no hand-tuned learning rate, appears robust
to the choice of its hyper-parameters and gives promising results on MNIST.

What we run: the 8x8 digits (1,257 training and 540 test images) with a 64-50-10 tanh network,
batches of 32, 15 epochs (4 in quick mode), two seeds of the initial weights and batch order;
ADADELTA (minigrad's Adadelta, lr = 1, the rule with no learning rate) over the 12 (rho, eps)
settings above, SGD over lr in {1, 0.1, 0.01, 0.001}. Where it differs: a smaller data set and
network, and far fewer steps (about 600, against 3,600 for 6 epochs of MNIST's 60,000 images in
batches of 100), which is what eps = 1e-8 feels: its first steps are about sqrt(eps) = 1e-4
long, so it starts slowest.

Runs in about 13.5 s (5.8 s with MINIGRAD_QUICK=1) on two cores (wall time, nearly all of it CPU).
"""

import os

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import load_digits, train_test_split
from minigrad.train import fit

QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: a short run with the same code
EPOCHS = 4 if QUICK else 15
SEEDS = [0, 1]
RHOS, EPSS = [0.9, 0.95, 0.99], [1e-2, 1e-4, 1e-6, 1e-8]
SGD_LRS = [1.0, 0.1, 0.01, 0.001]

X, y = load_digits()
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.3, seed=0)


def test_error(make_optimizer, seed):
    mg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 50), nn.Tanh(), nn.Linear(50, 10))
    fit(model, make_optimizer(model.parameters()), nn.CrossEntropyLoss(), X_train, y_train,
        epochs=EPOCHS, batch_size=32, seed=seed, verbose=False)  # fmt: skip
    with mg.no_grad():
        scores = model(mg.Tensor(X_test)).data
    return np.mean(scores.argmax(axis=1) != y_test)


adadelta = {
    (rho, eps): np.mean([test_error(lambda p: optim.Adadelta(p, rho=rho, eps=eps), s) for s in SEEDS])  # noqa: B023
    for rho in RHOS
    for eps in EPSS
}
sgd = {lr: np.mean([test_error(lambda p: optim.SGD(p, lr=lr), s) for s in SEEDS]) for lr in SGD_LRS}  # noqa: B023

print(f"digits, 64-50-10 tanh, {EPOCHS} epochs of batches of 32; test error, mean over {len(SEEDS)} seeds")
print("paper: not read: section 4.1's tables of MNIST test errors (no copy of its text found); its abstract")
print("  says ADADELTA needs no hand-tuned lr and appears robust to its hyper-parameters (no number)")
print("minigrad, ADADELTA:   " + "  ".join(f"eps={eps:<6g}" for eps in EPSS))
for rho in RHOS:
    print(f"  rho = {rho:<5g}         " + "  ".join(f"{adadelta[rho, eps]:>9.1%} " for eps in EPSS))
print("minigrad, SGD:        " + "  ".join(f"lr={lr:<7g}" for lr in SGD_LRS))
print("                      " + "  ".join(f"{sgd[lr]:>9.1%} " for lr in SGD_LRS))
spread_adadelta = max(adadelta.values()) - min(adadelta.values())
spread_sgd = max(sgd.values()) - min(sgd.values())
print(f"spread (worst - best): ADADELTA {spread_adadelta:.1%} over 12 settings, SGD {spread_sgd:.1%} over 4")

assert max(adadelta.values()) < 0.35, adadelta  # every setting learns (eps = 1e-8 the slowest)
assert max(sgd.values()) > 0.5, sgd  # SGD fails at its small learning rates
assert spread_sgd > 3 * spread_adadelta, (spread_sgd, spread_adadelta)
print("claim holds: ADADELTA's result varies far less over its settings than SGD's over its lr")

# %% [markdown]
# # 02 · A first MLP
#
# In tutorial 01 we computed gradients. Now we use them: a small multi-layer perceptron
# (MLP) learns to tell apart two interleaving half-moons, a problem no straight line
# solves.
#
# In this tutorial we
#
# 1. make the data and hold out a test set;
# 2. build an MLP with `nn.Sequential` and train it with a hand-written loop, to see the
#    three calls every training step makes: `zero_grad`, `backward`, `step`;
# 3. let `minigrad.train.fit` run the same loop and keep the records: the loss curve, the
#    train and test accuracy, the decision boundary;
# 4. change the hidden size (none, 2, 16, 64 units) and see what a hidden layer buys.
#
# Open it as a notebook from `tutorials/` (Jupyter or VS Code) or run it as a script
# (`python tutorials/02_first_mlp.py`). It `assert`s every claim it makes as it runs, and
# ends with exercises.

# %%
import math
import os

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import data, nn, optim, plot
from minigrad.train import evaluate, fit

# ----------------------------------------------------------------------------- config
QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # fewer epochs in a few seconds, same code and claims
N_SAMPLES = 400  # points in the moons data set, half per moon
NOISE = 0.2  # standard deviation of the noise added to each point: the moons overlap a little
TEST_SIZE = 0.25  # fraction held out for testing
SEED = 0  # seeds the data, the split, the initial weights and the batch order
HIDDEN = 16  # hidden units of the main model
LR = 0.5  # plain SGD's learning rate (PyTorch: torch.optim.SGD); large, but fine for this small problem
BATCH_SIZE = 32  # samples per gradient step
EPOCHS = 50 if QUICK else 100  # passes over the training set
HIDDEN_SIZES = (0, 2, 16, 64)  # for the comparison in section 4; 0 = no hidden layer at all
DPI = 100  # figure resolution (dots per inch)

# %% [markdown]
# ## 1. The data
#
# `data.make_moons` draws points on two half circles, class 0 on the upper one and
# class 1 on the lower one, which reaches into the first one's hollow, plus some Gaussian
# noise. We keep a quarter of the points aside as a test set: the model never trains on
# them, so its accuracy there tells us how well it *generalises*, not how well it
# memorised.

# %%
X, y = data.make_moons(N_SAMPLES, noise=NOISE, seed=SEED)
X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=TEST_SIZE, seed=SEED)
print(f"X: {X.shape} {X.dtype}, y: {y.shape} {y.dtype}, classes {np.bincount(y)}")
print(f"train: {len(X_train)} points, test: {len(X_test)} points")
assert len(X_test) == round(TEST_SIZE * N_SAMPLES) and len(X_train) + len(X_test) == N_SAMPLES

# %% [markdown]
# ## 2. The model and a training loop written by hand
#
# An MLP alternates linear layers and non-linearities. Ours maps the 2 coordinates of a
# point to 16 hidden units, applies ReLU (max(0, x)), and maps the 16 units to 2 scores,
# one per class. `nn.CrossEntropyLoss` turns the scores into probabilities with a softmax
# and returns the mean of -log(probability of the right class).
#
# `mg.manual_seed` fixes the random initial weights, so every run of this file starts
# from the same place.


# %%
def make_model(hidden):
    """2 inputs -> `hidden` ReLU units -> 2 class scores; hidden = 0 means a single linear layer."""
    if hidden == 0:
        return nn.Sequential(nn.Linear(2, 2))
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 2))


mg.manual_seed(SEED)
model = make_model(HIDDEN)
print(model)
print("parameters:", {name: p.shape for name, p in model.named_parameters()})
print("number of parameters:", sum(p.size for p in model.parameters()))
loss_fn = nn.CrossEntropyLoss()
initial_loss = loss_fn(model(mg.Tensor(X_train)), y_train).item()
print(f"loss before training: {initial_loss:.3f} (ln 2 = {math.log(2):.3f})")
assert abs(initial_loss - math.log(2)) < 0.15, "an untrained model should be close to a coin flip"

# %% [markdown]
# Before training, the scores are small and the model is close to a coin flip: the loss
# starts near ln 2, the cross-entropy of answering "50/50" everywhere.
#
# Now the loop. A `DataLoader` serves the training set in shuffled mini-batches, one pass
# (epoch) per `for`. Each step:
#
# 1. **forward**: compute the loss of this batch (this records the graph);
# 2. `optimizer.zero_grad()`: forget the previous step's gradients, which would
#    otherwise accumulate (tutorial 01);
# 3. `loss.backward()`: fill `p.grad` for every parameter;
# 4. `optimizer.step()`: move every parameter against its gradient, `p -= lr * p.grad`
#    for plain SGD.

# %%
optimizer = optim.SGD(model.parameters(), lr=LR)
loader = data.DataLoader(X_train, y_train, batch_size=BATCH_SIZE, seed=SEED)
step_losses = []
for epoch in range(1, EPOCHS + 1):
    for X_batch, y_batch in loader:
        loss = loss_fn(model(X_batch), y_batch)  # 1. forward
        optimizer.zero_grad()  # 2. forget old gradients
        loss.backward()  # 3. new gradients
        optimizer.step()  # 4. update
        step_losses.append(loss.item())
    if epoch == 1 or epoch % max(1, EPOCHS // 5) == 0:
        print(f"epoch {epoch:3d}: mean batch loss {np.mean(step_losses[-len(loader) :]):.3f}")

hand_train = evaluate(model, loss_fn, X_train, y_train)
hand_test = evaluate(model, loss_fn, X_test, y_test)
print(f"{len(step_losses)} steps; accuracy on train {hand_train['accuracy']:.1%}, on test {hand_test['accuracy']:.1%}")
assert hand_train["accuracy"] > 0.93 and hand_test["accuracy"] > 0.90, "the 16-unit MLP should learn the moons"

# %% [markdown]
# `evaluate` computes the loss and accuracy on a whole set in one pass, in eval mode and
# without recording a graph. The network now classifies more than 93% of the training
# points correctly, and more than 90% of the test points it never saw.

# %% [markdown]
# ## 3. The same with `fit`
#
# `minigrad.train.fit` runs exactly this loop (same `DataLoader`, same four lines per
# step) and records what happens: the loss of every step, and per epoch the training
# loss and accuracy, and the loss and accuracy on `validation_data`. Started from the
# same weights with the same batch order, it must end with the same weights, to the
# last bit:

# %%
mg.manual_seed(SEED)
fit_model = make_model(HIDDEN)
history = fit(
    fit_model,
    optim.SGD(fit_model.parameters(), lr=LR),
    loss_fn,
    X_train,
    y_train,
    epochs=EPOCHS,
    batch_size=BATCH_SIZE,
    seed=SEED,
    validation_data=(X_test, y_test),
)
same_losses = history.loss == step_losses
fit_weights = fit_model.state_dict()
same_weights = all(np.array_equal(array, fit_weights[name]) for name, array in model.state_dict().items())
print(f"same per-step losses: {same_losses}, same final weights: {same_weights}")
assert same_losses and same_weights, "fit should run exactly the hand-written loop"
print("last epoch:", {k: round(v, 4) for k, v in history.epochs[-1].items()})

# %% [markdown]
# One subtlety in that record: `train_accuracy` is counted batch by batch *during* the
# epoch, while the weights are still moving, so it is not quite the accuracy of the final
# weights that `evaluate` measured above (compare the two printouts). `val_accuracy` is
# measured after the epoch, on the test set, with the weights of the end of the epoch.


# %%
def boundary(model, ax, title, resolution=200):
    return plot.decision_boundary(model, X_train, y_train, ax=ax, resolution=resolution, title=title)


fig = Figure(figsize=(11, 3.4), layout="constrained")
ax_loss, ax_acc, ax_boundary = fig.subplots(1, 3, width_ratios=[1.2, 1.2, 1])
plot.loss_curves({f"SGD, {HIDDEN} hidden units": history}, ax=ax_loss)
epochs = [record["epoch"] for record in history.epochs]
ax_acc.plot(epochs, [record["train_accuracy"] for record in history.epochs], label="train (during the epoch)")
ax_acc.plot(epochs, [record["val_accuracy"] for record in history.epochs], label="test (after the epoch)")
ax_acc.set_xlabel("epoch")
ax_acc.set_ylabel("accuracy")
ax_acc.set_title("Accuracy")
ax_acc.legend(loc="lower right")
ax_acc.grid(alpha=0.3)
boundary(fit_model, ax_boundary, "Boundary (x: test points)")
ax_boundary.scatter(
    X_test[:, 0], X_test[:, 1], c=[plot.CLASS_COLORS[k] for k in y_test], marker="x", s=14, linewidths=0.8
)
ax_boundary.set(xlabel="x₁", ylabel="x₂")
plot.show(fig, "02_training", dpi=DPI)

# %% [markdown]
# Left, the training loss of every step (smoothed over a few steps; mini-batches make it
# noisy). Middle, the accuracy per epoch: the test accuracy jumps up and down by several
# points from one epoch to the next, because with this large learning rate every step
# moves the boundary a little, and the points near it flip sides. Right, the class the
# model predicts at every point of the plane (dots: training points, crosses: test
# points). The boundary is no longer a straight line but a chain of straight pieces
# (each ReLU unit can add a kink where it switches on) that dips between the two moons.

# %%
final = history.epochs[-1]
late = [record["val_accuracy"] for record in history.epochs[EPOCHS // 2 :]]
jumps = max(late) - min(late)
gap = hand_train["accuracy"] - final["val_accuracy"]
print(
    f"after {EPOCHS} epochs: train loss {final['train_loss']:.3f}, "
    f"train accuracy (final weights) {hand_train['accuracy']:.1%}, test accuracy {final['val_accuracy']:.1%}, "
    f"gap {gap:+.1%}"
)
print(f"test accuracy over the second half of the epochs: from {min(late):.0%} to {max(late):.0%}")
assert jumps >= 0.05, "the test accuracy should move by several points from epoch to epoch"
assert abs(gap) <= 0.05, "train and test accuracy should end within 5 points"

# %% [markdown]
# The test accuracy ends within 5 points of the training accuracy: with 300 training
# points and 16 hidden units (82 parameters) there is little room to memorise noise.

# %% [markdown]
# ## 4. What does the hidden layer buy?
#
# Now the same training for three more models: no hidden layer (a linear model, whose
# decision boundary can only be a straight line), and 2 and 64 hidden units. Each starts
# from weights drawn with the same seed and sees the same batches; the 16-unit model is
# the one `fit` just trained.

# %%
results = {}
for hidden in HIDDEN_SIZES:
    if hidden == HIDDEN:
        candidate = fit_model
    else:
        mg.manual_seed(SEED)
        candidate = make_model(hidden)
        sgd = optim.SGD(candidate.parameters(), lr=LR)
        fit(candidate, sgd, loss_fn, X_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE, seed=SEED, verbose=False)
    results[hidden] = {
        "model": candidate,
        "train": evaluate(candidate, loss_fn, X_train, y_train)["accuracy"],
        "test": evaluate(candidate, loss_fn, X_test, y_test)["accuracy"],
        "parameters": sum(p.size for p in candidate.parameters()),
    }
print("hidden units  parameters  train acc  test acc")
for hidden, r in results.items():
    print(f"{hidden:12d}  {r['parameters']:10d}  {r['train']:9.1%}  {r['test']:8.1%}")
assert results[HIDDEN]["parameters"] == 82

# %%
fig = Figure(figsize=(11, 2.55), layout="constrained")
for ax, (hidden, r) in zip(fig.subplots(1, len(results)), results.items(), strict=True):
    name = "no hidden layer" if hidden == 0 else f"{hidden} hidden units"
    boundary(r["model"], ax, f"{name}\ntrain {r['train']:.0%}, test {r['test']:.0%}", resolution=150)
plot.show(fig, "02_hidden_sizes", dpi=DPI)

# %% [markdown]
# - **No hidden layer**: the boundary is a straight line, and the best line leaves the
#   tips of both moons on the wrong side. It stays below 88% on the training set and on
#   the test set.
# - **2 hidden units**: two ReLUs give the boundary only a couple of kinks to work with,
#   and from these starting weights training found nothing better than the linear model:
#   it ends within 4 points of it, on both sets.
# - **16 hidden units**: enough pieces to bend the boundary between the moons; above 93%
#   on the training set and above 90% on the test set.
# - **64 hidden units**: four times as many units, and no clear gain on the test set: its
#   test accuracy ends within 5 points of the 16-unit model's, less than the 16-unit
#   model's own test accuracy swings over its last epochs (printed in section 3). For two
#   noisy moons and 300 training points, 16 units are already plenty.

# %%
linear, two, sixteen, sixty_four = (results[h] for h in HIDDEN_SIZES)
print(f"linear: train {linear['train']:.1%}, test {linear['test']:.1%}")
print(f"2 units vs linear: train {two['train'] - linear['train']:+.1%}, test {two['test'] - linear['test']:+.1%}")
print(f"16 units: train {sixteen['train']:.1%}, test {sixteen['test']:.1%}")
print(f"64 units vs 16: test {sixty_four['test'] - sixteen['test']:+.1%}")
assert linear["train"] < 0.88 and linear["test"] < 0.88, "a straight line cannot separate the moons"
assert abs(two["train"] - linear["train"]) <= 0.04 and abs(two["test"] - linear["test"]) <= 0.04
assert sixteen["train"] > 0.93 and sixteen["test"] > 0.90
difference = abs(sixty_four["test"] - sixteen["test"])
assert difference <= 0.05 and difference < jumps, "64 units should end within 5 points of 16 on test"

# %% [markdown]
# ## What to take away
#
# - A training step is four lines: forward, `zero_grad()`, `backward()`, `step()`.
#   `fit` runs exactly those and keeps the records.
# - Judge a model on data it did not train on: `train_test_split` before anything else.
# - A linear model draws a straight boundary; one hidden layer of ReLUs bends it. Too few
#   units may not find the bend; more units than the problem needs cost computation and
#   buy nothing here.
#
# ## Exercises
#
# Each exercise has a checker in `exercises/first_mlp.py`: write your function, then call
# the checker with it (uncomment the line). It tests your function on cases of its own
# and says what it verified, or what is wrong with a hint. Worked solutions are in
# `solutions/first_mlp.py` (`python -m solutions.first_mlp` from `tutorials/` runs them
# through the checkers).
#
# 1. **One training step.** Write `train_step(model, optimizer, loss_fn, X_batch, y_batch)`:
#    the four lines of section 2, returning the batch's loss as a float. The checker runs
#    it for three steps against plain SGD written out in numpy (p = p - lr · grad). What
#    goes wrong on the second step if you leave out `zero_grad()`?
# 2. **Accuracy.** Write `accuracy(scores, labels)`: the fraction of rows of `scores`
#    (shape (N, 2) here, (N, C) in general) whose largest entry is at the row's label.
#    The checker compares with hand-counted cases and with `evaluate`.
# 3. **Cross-entropy in numpy.** Write `cross_entropy(scores, labels)`, the mean over the
#    samples of -log(softmax(row)[label]), as `nn.CrossEntropyLoss` computes it (PyTorch's
#    `torch.nn.CrossEntropyLoss` too). Make it work for scores of 1000: `np.exp(1000)`
#    overflows, but the softmax does not change when you subtract a row's maximum.

# %%
from exercises.first_mlp import check_accuracy, check_cross_entropy, check_train_step

# check_train_step(train_step)  # 1. def train_step(model, optimizer, loss_fn, X_batch, y_batch): ... return a float
# check_accuracy(accuracy)  # 2. def accuracy(scores, labels): ... return a float between 0 and 1
# check_cross_entropy(cross_entropy)  # 3. def cross_entropy(scores, labels): ... return a float

# %% [markdown]
# # 08 · Comparing optimizers on real data: the digits
#
# The earlier tutorials studied each optimizer on toy problems small enough to follow step
# by step. Here all five meet a real, if small, dataset: 1,797 handwritten digits, 8x8
# pixels each. "Which optimizer is best?" is only a fair question if every optimizer gets
# the same chance, so this tutorial is as much about *how* to compare as about the result:
#
# 1. **Tune each optimizer the same way.** Every optimizer trains at every learning rate of
#    one grid, for the same budget of epochs, on several seeds. This also answers a second
#    question: how much does each optimizer care about its learning rate?
# 2. **Compare the tuned optimizers on fresh seeds, with an interval.** Each optimizer runs
#    at its best learning rate from step 1 on seeds the tuning never saw, and we report the
#    mean test accuracy with a 95% confidence interval, not one number.
#
# Every run goes through `mg.compare`. For a given seed, it trains one copy of the same
# network per optimizer, from the same initial weights, on the same batches in the same
# order, so the update rule is the only thing that differs between two runs.
#
# Run it as a script (`python tutorials/08_comparing_on_digits.py`, about two minutes) or
# open it as a notebook in Jupyter (jupytext) or VS Code.

# %%
import os
import time

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import data, nn, plot
from minigrad.comparison import OPTIMIZERS, Comparison

# ----------------------------------------------------------------------------- config
QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: a short run with the same code (less data, fewer runs)
NAMES = ["sgd", "momentum", "adagrad", "rmsprop", "adam"]  # the optimizers compared
TRAIN_SAMPLES = 480 if QUICK else None  # train on a subset in quick mode (None: all 1,437)
HIDDEN = 64  # units in the hidden layer: a 64-64-10 network
EPOCHS = 2 if QUICK else 10  # the budget: epochs per run, the same for every run
LRS = [1e-3, 1e-2, 0.1, 1.0, 3.0] if QUICK else [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0]
TUNE_SEEDS = [0] if QUICK else [0, 1]  # step 1: seeds per (optimizer, lr)
FINAL_SEEDS = [10, 11, 12] if QUICK else [10, 11, 12, 13, 14]  # step 2: fresh seeds
NEAR_BEST = 0.05  # a learning rate is "good" if its mean accuracy is within 5 points of the optimizer's best
DEAD = 48  # a network is "dead" if at least this many of its 64 hidden units output 0 for every image
FAILED = 0.20  # ... and its test accuracy is below this (twice chance)
BEST_AT_LEAST = 0.3 if QUICK else 0.93  # every optimizer, well tuned, reaches this mean test accuracy
CLOSE = 0.04  # tuned, the five means end within this (a claim that needs the full budget)
DPI = 90  # figure resolution, in dots per inch
T95 = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 6: 2.57, 8: 2.36, 10: 2.26}  # Student's t, 97.5% quantile, by n seeds

# %% [markdown]
# ## The data and the network
#
# `data.load_digits()` returns the images as rows of 64 pixel values, each counting inked
# sub-pixels from 0 to 16. Dividing by 16 puts them in [0, 1]. A fifth of the images is
# held out as a test set, never trained on; every accuracy below is measured on it.

# %%
X, y = data.load_digits()
X = X / 16
X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.2, seed=0)
if TRAIN_SAMPLES is not None:
    X_train, y_train = X_train[:TRAIN_SAMPLES], y_train[:TRAIN_SAMPLES]
print(f"train {X_train.shape}, test {X_test.shape}; images per digit in the test set: {np.bincount(y_test)}")

examples = np.hstack([np.pad(X[np.nonzero(y == d)[0][0]].reshape(8, 8), 1) for d in range(10)])
fig = Figure(figsize=(8, 1.3))
ax = fig.add_axes((0.02, 0.02, 0.96, 0.75))
ax.imshow(examples, cmap="Greys")
ax.set_xticks(np.arange(10) * 10 + 4.5, [str(d) for d in range(10)])
ax.set_yticks([])
ax.tick_params(length=0, labeltop=True, labelbottom=False)
plot.show(fig, "08_digits", dpi=DPI)


# %% [markdown]
# The network is a multi-layer perceptron with one hidden layer of 64 ReLU units. Passing
# `mg.compare` the function that builds it, rather than a built network, lets every seed
# draw fresh initial weights.


# %%
def build():
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


def dead_units(model):
    """Hidden units that output 0 for every training image: a dead ReLU gets no gradient, so it stays dead."""
    with mg.no_grad():
        hidden = model[1](model[0](mg.Tensor(X_train))).data
    return int((hidden.max(axis=0) == 0).sum())


print(f"{sum(p.size for p in build().parameters())} parameters")

# %% [markdown]
# ## Step 1: the same learning-rate grid for every optimizer
#
# A comparison at each optimizer's default learning rate would mostly measure how well
# those defaults happen to suit this problem. So each optimizer trains at every learning
# rate of a grid spaced by factors of about 3, for the same number of epochs: one
# `mg.compare` per learning rate, with the same `lr` for all five. That is
# `len(LRS) * 5 * len(TUNE_SEEDS)` trainings, the longest cell of this tutorial, so it
# prints a line as each learning rate finishes.

# %%
sweep = {}  # lr -> Comparison
start = time.perf_counter()
for i, lr in enumerate(LRS):
    same_lr = {name: lr for name in NAMES}
    sweep[lr] = mg.compare(build, X_train, y_train, optimizers=NAMES, lr=same_lr, epochs=EPOCHS, seeds=TUNE_SEEDS,
                           validation_data=(X_test, y_test), verbose=False)  # fmt: skip
    print(f"lr {lr:<6g} done ({i + 1} of {len(LRS)}), {time.perf_counter() - start:3.0f} s so far")

runs = {name: [sweep[lr].runs[name] for lr in LRS] for name in NAMES}  # name -> per lr -> per seed
accuracy = {name: np.array([[run.history.final_accuracy for run in r] for r in runs[name]]) for name in NAMES}
dead = {name: np.array([[dead_units(run.model) for run in r] for r in runs[name]]) for name in NAMES}
failed = {name: (dead[name] >= DEAD) & (accuracy[name] < FAILED) for name in NAMES}
mean = {name: accuracy[name].mean(axis=1) for name in NAMES}
best = {name: LRS[int(np.argmax(mean[name]))] for name in NAMES}
good = {name: [lr for lr, a in zip(LRS, mean[name], strict=True) if a >= max(mean[name]) - NEAR_BEST] for name in NAMES}

print(f"mean test accuracy (%) after {EPOCHS} epochs, over {len(TUNE_SEEDS)} seed(s); * = a dead network")
print("lr        " + "".join(f"{lr:>8.0e}" for lr in LRS) + "   best lr   good lrs (within 5 points of the best)")
for name in NAMES:
    cells = "".join(f"{100 * a:7.0f}{'*' if f.any() else ' '}" for a, f in zip(mean[name], failed[name], strict=True))
    print(f"{name:<10}{cells}   {best[name]:7.0e}   {min(good[name]):.0e} .. {max(good[name]):.0e}")
n_runs = sum(len(r) for name in NAMES for r in runs[name])
n_nan = sum(run.diverged for name in NAMES for r in runs[name] for run in r)
print(f"{n_nan} of {n_runs} runs had a loss that became nan or inf")

# %% [markdown]
# Read the table row by row; the figure below shows the same numbers. What it shows:
#
# - **Every optimizer has a range of good learning rates, and fails outside it.** Too
#   small, and the budget runs out before it learns; too large, and it breaks.
# - **SGD's range starts far higher than RMSprop's and Adam's**: its lowest good learning
#   rate is at least ten times theirs.
# - **Momentum acts like SGD with a larger learning rate.** With momentum 0.9 its steps are
#   up to `1 / (1 - 0.9) = 10` times SGD's at the same `lr` (tutorial 03), so at every `lr`
#   up to 0.1 it does at least as well as SGD (to within a few points), and at small ones
#   far better. The second line below pairs momentum at `lr` with SGD at `10 lr`: how close
#   do they come, and why can the factor 10 only be an upper bound?
# - **RMSprop and Adam learn at the smallest learning rate**, where the other three barely
#   move: they divide by the gradient's own size (tutorials 05 and 07), so even tiny
#   gradients give steps of about `lr`.

# %%
good_low = {name: min(good[name]) for name in NAMES}
small = [i for i, lr in enumerate(LRS) if lr <= 0.1]
momentum_gain = 100 * (mean["momentum"][small] - mean["sgd"][small])
print("momentum minus SGD at the same lr, in points:", np.round(momentum_gain, 1), f"(lr {LRS[0]:g} to 0.1)")
print("momentum at lr / SGD at 10 lr:", ", ".join(
    f"{LRS[i]:g}: {mean['momentum'][i]:.0%} / {mean['sgd'][j]:.0%}"
    for i in small for j in range(len(LRS)) if np.isclose(LRS[j], 10 * LRS[i])))  # fmt: skip
at_smallest = {name: mean[name][0] for name in NAMES}
print(f"at lr = {LRS[0]:g}: " + ", ".join(f"{name} {a:.0%}" for name, a in at_smallest.items()))
for name in NAMES:
    ends = mean[name][[0, -1]]
    assert mean[name].max() >= BEST_AT_LEAST, f"{name} should reach {BEST_AT_LEAST:.0%} at its best lr"
    assert np.all(ends <= mean[name].max() - 0.1), f"{name} should do clearly worse at both ends of the grid"
ten_times = good_low["sgd"] >= 9.9 * max(good_low["rmsprop"], good_low["adam"])
assert ten_times, "SGD's good range should start at least ten times higher than RMSprop's and Adam's"
assert momentum_gain.min() >= -3 and momentum_gain.max() >= 10, "momentum should do like SGD with a larger lr"
adaptive, others = min(at_smallest["rmsprop"], at_smallest["adam"]), max(at_smallest[n] for n in NAMES[:3])
assert adaptive >= others + 0.1, "RMSprop and Adam should learn at the smallest lr, where the others barely move"

# %% [markdown]
# What happens at a learning rate that is too large? Look inside the networks at the
# largest one: how many of the 64 hidden ReLU units output 0 for every training image
# (such a unit gets no gradient, so it stays that way), and how many different digits
# the network still predicts on the test set. First, though, how far does each
# optimizer's very first step move the weights, from the same start and on the same
# batch? We print the median over the weights (those with a nonzero gradient) of
# `|step| / lr`.

# %%
first_step = {}  # name -> median |first step| / lr at the largest lr
for name in NAMES:
    mg.manual_seed(TUNE_SEEDS[0])
    model = build()
    optimizer_class, options = OPTIMIZERS[name]
    optimizer = optimizer_class(model.parameters(), **{**options, "lr": LRS[-1]})
    before = [p.data.copy() for p in model.parameters()]
    nn.CrossEntropyLoss()(model(mg.Tensor(X_train[:32])), y_train[:32]).backward()
    optimizer.step()
    moved = [np.abs(p.data - b)[p.grad != 0] for p, b in zip(model.parameters(), before, strict=True)]
    first_step[name] = np.median(np.concatenate(moved)) / LRS[-1]
print(f"first step at lr {LRS[-1]:g}, median |step| / lr: " + ", ".join(f"{n} {v:.3g}" for n, v in first_step.items()))
digits = {}  # name -> distinct digits predicted on the test set, per seed, at the largest lr
with mg.no_grad():
    for name in NAMES:
        digits[name] = [len(np.unique(run.model(mg.Tensor(X_test)).data.argmax(axis=1))) for run in runs[name][-1]]
        report = [
            f"{units} dead, {d} digit(s), accuracy {a:.0%}"
            for units, d, a in zip(dead[name][-1], digits[name], accuracy[name][-1], strict=True)
        ]
        peak = max(max(run.history.loss) for run in runs[name][-1])
        print(f"lr {LRS[-1]:g} {name:>9}: highest loss {peak:8.3g}; " + "; ".join(report))
adaptive = ["adagrad", "rmsprop", "adam"]
dying = ["sgd", "momentum", "adam"] + ([] if QUICK else ["rmsprop"])  # a short run can stop while RMSprop's dies
peaks = {name: [max(run.history.loss) / run.history.loss[0] for run in runs[name][-1]] for name in NAMES}
assert abs(first_step["adagrad"] - 1) < 0.01 and abs(first_step["adam"] - 1) < 0.01, "first steps of lr"
assert abs(first_step["rmsprop"] - np.sqrt(10)) < 0.03, "RMSprop's first step should be 3.16 lr"
assert max(first_step["sgd"], first_step["momentum"]) < 0.1, "SGD's first steps should be far below lr"
assert min(min(peaks[name]) for name in adaptive) >= 100, "the adaptive optimizers' losses should soar 100-fold"
assert min(min(peaks[name]) for name in adaptive) >= 10 * max(peaks["sgd"] + peaks["momentum"]), "far above SGD's"
for name in NAMES:
    assert dead[name][-1].min() > HIDDEN / 2, f"{name} should lose most of its hidden units at lr {LRS[-1]}"
for name in dying:
    assert failed[name][-1].all(), f"{name} should end with a dead network at lr {LRS[-1]}"
    assert max(digits[name]) <= 3, f"{name}'s dead networks should predict one or a few digits only"
assert n_nan == 0, "too large a learning rate should break these networks without any nan"
killed = max(mean[name][-1] for name in dying)
assert accuracy["adagrad"][-1].min() >= FAILED and mean["adagrad"][-1] >= killed + 0.05, "AdaGrad should do better"

# %% [markdown]
# Oversized steps push the hidden units to where they output 0 for every image: at
# `lr = 3` every optimizer's network lost most of its 64 hidden units, on every seed.
#
# The loss of the three adaptive optimizers, AdaGrad, RMSprop and Adam, soared to a
# hundred times its start or more (the highest loss printed), at least ten times as high
# as SGD's and momentum's. Their first step does not depend on the size of the gradient:
# it is `lr` for AdaGrad (tutorial 04) and Adam (tutorial 07), and `1 / sqrt(1 - alpha)
# = 3.16 lr` for RMSprop with `alpha = 0.9` (tutorial 05), as the first line printed
# shows. So with `lr = 3` nearly every weight that has a gradient moves by 3 or more at
# once, however small its gradient. SGD and momentum move each weight by `lr` times its
# gradient, which is small for most weights here.
#
# SGD's, momentum's, RMSprop's and Adam's networks are dead, on every seed: at least 48
# of their 64 units output 0 for every image (`DEAD` in the config), they score below
# 20%, and they predict only one or a few digits for every image, near chance. (A short
# run, `MINIGRAD_QUICK=1`, can stop while RMSprop's network is still dying, with more
# units alive and more digits predicted.) Yet no loss became `nan` (the count above). In
# this ReLU network, a too-large learning rate did not show up as an overflow, but as a
# network that quietly stopped learning; the table marks such dead networks with `*`.
# AdaGrad is the hardest to kill: its loss soared too, but the huge gradients of the
# blow-up stay in its sum, which never forgets, and shrink its steps from then on; its
# networks still score well above chance.

# %%
fig = Figure(figsize=(11, 4.4))
fig.subplots_adjust(left=0.06, right=0.99, bottom=0.12, top=0.76, wspace=0.2)
ax_acc, ax_dead = fig.subplots(1, 2)
for name in NAMES:
    color, bad = plot.COLORS[name], failed[name].any(axis=1)
    low, high = 100 * (mean[name] - accuracy[name].min(axis=1)), 100 * (accuracy[name].max(axis=1) - mean[name])
    ax_acc.errorbar(LRS, 100 * mean[name], yerr=[low, high], fmt="o-", ms=4, color=color, capsize=2, label=name)
    ax_dead.plot(LRS, dead[name].mean(axis=1), "o-", ms=4, color=color)
    ax_acc.plot(np.array(LRS)[bad], 100 * mean[name][bad], "x", color="k", ms=9, mew=1.5)
ax_acc.plot([], [], "x", color="k", ms=9, mew=1.5, label="a dead network")
ax_acc.axhline(10, color="grey", lw=0.8, ls=":", label="chance, 10%")
ax_dead.axhline(DEAD, color="grey", lw=0.8, ls="--")
ax_dead.annotate(f"{DEAD}: 'dead network' threshold", (LRS[0], DEAD + 1.5), fontsize=8, color="grey")
range_note = "\n(bars: lowest to highest seed)" if len(TUNE_SEEDS) > 1 else ""
ax_acc.set(xscale="log", xlabel="learning rate", ylabel="test accuracy (%)", ylim=(0, 100),
           title=f"Test accuracy after {EPOCHS} epochs, mean of {len(TUNE_SEEDS)} seed(s){range_note}")  # fmt: skip
ax_dead.set(xscale="log", xlabel="learning rate", ylabel=f"dead hidden units (of {HIDDEN})", ylim=(0, HIDDEN + 2),
            title=f"Dead hidden units after {EPOCHS} epochs,\nmean of {len(TUNE_SEEDS)} seed(s)")  # fmt: skip
fig.legend(*ax_acc.get_legend_handles_labels(), loc="upper center", ncol=7, fontsize=9)
plot.show(fig, "08_lr_sweep", dpi=DPI)

# %% [markdown]
# ## Step 2: the tuned optimizers on fresh seeds
#
# Each optimizer now trains at its best learning rate from step 1 (the `best lr` column),
# on seeds that step 1 never saw, for the same budget. Fresh seeds matter: the best
# learning rate was picked *because* it scored highest on the tuning seeds, so part of its
# score there is luck that would flatter it.
#
# The mean over a handful of seeds is itself uncertain. With `n` seeds whose accuracies
# have standard deviation `s`, the 95% confidence interval of the mean is
# `mean +- t * s / sqrt(n)`, where `t` is Student's t quantile for `n - 1` degrees of
# freedom (2.78 for 5 seeds; it is larger than the normal 1.96 because `s` is estimated
# from so few runs).
#
# We run one `mg.compare` per seed, to print a line as each seed finishes, and put the
# runs together in one `Comparison`, the object `mg.compare` returns.

# %%
parts, start = [], time.perf_counter()  # one Comparison per seed
for i, seed in enumerate(FINAL_SEEDS):
    parts.append(mg.compare(build, X_train, y_train, optimizers=NAMES, lr=best, epochs=EPOCHS, seeds=[seed],
                            validation_data=(X_test, y_test), verbose=False))  # fmt: skip
    print(f"seed {seed} done ({i + 1} of {len(FINAL_SEEDS)}), {time.perf_counter() - start:3.0f} s so far")
final = Comparison({name: [run for part in parts for run in part.runs[name]] for name in NAMES})
print()
print(final.format_table())
print()
scores = {name: np.array([run.history.final_accuracy for run in final.runs[name]]) for name in NAMES}
half_width = {name: T95[len(FINAL_SEEDS)] * s.std(ddof=1) / np.sqrt(len(s)) for name, s in scores.items()}
print(f"test accuracy over {len(FINAL_SEEDS)} fresh seeds: mean and 95% interval")
for name in NAMES:
    m, h = scores[name].mean(), half_width[name]
    per_seed = np.round(100 * scores[name], 1)
    print(f"{name:>9} at lr {best[name]:<6g}: {m:6.1%}  [{m - h:6.1%}, {m + h:6.1%}]   per seed {per_seed}")
means = np.array([scores[name].mean() for name in NAMES])
gap = means.max() - means.min()
seed_spread = max(np.ptp(s) for s in scores.values())
print(f"best and worst mean {100 * gap:.1f} points apart; largest spread between the seeds of one optimizer"
      f" {100 * seed_spread:.1f} points")  # fmt: skip
assert all(s.mean() >= BEST_AT_LEAST for s in scores.values()), "every tuned optimizer should reach BEST_AT_LEAST"
if not QUICK:  # claims that need the full budget: in a short run SGD has too few steps to catch up
    assert gap <= CLOSE, "tuned, the five should end within a few points of each other"
    assert gap <= 2 * seed_spread, "the gap between the optimizers should be about the seeds' own spread"

# %% [markdown]
# Tuned the same way, all five end within a few points of each other (the gap printed
# last), about as much as the seeds of a single optimizer differ among themselves. Where
# two intervals overlap, these seeds cannot tell the two optimizers apart, and a ranking by
# the last digit would mostly rank the seeds. On a problem this size, with its learning
# rate tuned, the choice of optimizer hardly matters for the final accuracy; what it
# changes is the range of learning rates that work (step 1).
#
# They do get there differently. The figure shows the interval of each optimizer, the
# training loss (mean over the seeds, with a band from the lowest to the highest), and the
# effective learning rate: the factor each weight's update direction was multiplied by, not
# the step itself (its median over the weights, with a band from the 10th to the 90th
# percentile, for the first seed).

# %%
fig = Figure(figsize=(13, 4.2))
fig.subplots_adjust(left=0.05, right=0.99, bottom=0.12, top=0.8, wspace=0.25)
ax_ci, ax_loss, ax_lr = fig.subplots(1, 3)
for i, name in enumerate(NAMES):
    ax_ci.errorbar(i, 100 * scores[name].mean(), yerr=100 * half_width[name], fmt="o", color=plot.COLORS[name],
                   capsize=4, label=name)  # fmt: skip
    ax_ci.plot(np.full(len(FINAL_SEEDS), i + 0.2), 100 * scores[name], ".", color="grey", ms=4)
ax_ci.plot([], [], ".", color="grey", label="one seed")
ax_ci.set_xticks(range(len(NAMES)), [f"{name}\nlr {best[name]:g}" for name in NAMES], fontsize=8)
ax_ci.set(ylabel="test accuracy (%)", title=f"Mean and 95% interval, {len(FINAL_SEEDS)} fresh seeds")
plot.loss_curves(final, ax=ax_loss)
plot.effective_lr_curves(final, ax=ax_lr)
ax_loss.set_title(f"Training loss, median and range of {len(FINAL_SEEDS)} seeds")
ax_lr.set_title("Effective lr, first seed (median, 10-90%)")
for ax in (ax_loss, ax_lr):
    ax.get_legend().remove()
fig.legend(*ax_ci.get_legend_handles_labels(), loc="upper center", ncol=6, fontsize=9)
plot.show(fig, "08_comparison", dpi=DPI)

steps_per_epoch = len(final["sgd"].loss) // EPOCHS
median = {name: np.array(final[name].effective_lr)[:, 0] for name in NAMES}
for name in NAMES:
    first, epoch, last = median[name][0], median[name][steps_per_epoch - 1], median[name][-1]
    print(f"{name:>9}: median effective lr {first:.3g} at step 1, {epoch:.3g} after one epoch, {last:.3g} at the end")
for name in ["sgd", "momentum"]:
    assert np.allclose(median[name], best[name]), f"{name}'s effective lr should be its lr"
ada = median["adagrad"]
assert ada[0] > ada[steps_per_epoch - 1] > ada[-1], "AdaGrad's effective lr should fall for the whole run"
anchor = round(np.sqrt(len(ada)))  # the dashed guide c / sqrt(t) goes through AdaGrad's median here
guide = ada[anchor - 1] * np.sqrt(anchor / np.arange(1, len(ada) + 1))
print(f"AdaGrad's median over the dashed 1/sqrt(t) guide (through step {anchor}): {ada[-1] / guide[-1]:.2f} at the end")
if not QUICK:  # a short run ends before the gradients have shrunk much
    assert ada[-1] > 1.3 * guide[-1], "AdaGrad's median should end above its 1/sqrt(t) guide"
for name in ["rmsprop", "adam"]:
    assert median[name][0] >= 3 * median[name][steps_per_epoch - 1], f"{name}'s should drop in the first epoch"

# %% [markdown]
# - SGD's effective learning rate is its `lr`, and so is momentum's, because
#   `effective_lr()` reports the factor applied to the update direction. For momentum that
#   direction is the velocity buffer, which adds up gradients.
# - AdaGrad's falls for the whole run: it divides by the root of an ever-growing sum. The
#   dashed red line is `c / sqrt(t)` through its median at step `round(sqrt(T))`, where a
#   steady gradient size would take it; the median falls more slowly than that and ends
#   above it (the printed ratio), because the gradients get smaller as the network learns.
# - RMSprop's and Adam's drop several-fold in the first epoch, while the first large
#   gradients fill their moving averages; afterwards they follow the size of the recent
#   gradients. Adam's `v` averages over about 1,000 steps (`beta2 = 0.999`), RMSprop's over
#   about 10 (`alpha = 0.9`), so Adam's follows more slowly. At step 1, Adam's is large
#   because it is the factor in front of the *uncorrected* `m` (tutorial 07).
#
# A note on edges. Close to the edge of a good range, training is chaotic: change the last
# bit of a single number and, a few hundred steps later, the run has taken another path.
# Your CPU changes such bits: numpy hands every matrix product to a BLAS library that picks
# code tuned for the processor it finds, and code that adds the terms in another order
# rounds differently. Far from an edge, that moves an accuracy by a point or so; at an
# edge, a single run can land on either side. That is why every claim above is about
# several seeds, with margins, never about the fate of one run at an edge.
#
# ## What to take away
#
# - Compare optimizers fairly: the same network, initial weights, batches and budget, the
#   same tuning grid for each, several seeds, the final scores on fresh seeds, and an
#   interval around each mean.
# - Across the grid, the learning rate matters far more than the choice of optimizer.
#   Every optimizer has a good range; SGD's sits highest, momentum's lower, and RMSprop's
#   and Adam's lowest. A too-large rate killed the ReLU units without any `nan`.
# - Tuned, all five end within a few points on the digits.
#
# ## Exercises
#
# The checkers are in `tutorials/exercises/comparing.py`, worked solutions in
# `tutorials/solutions/comparing.py`. Uncomment a call once your function is written.
#
# 1. **The interval.** Write `confidence_interval(scores)`: the mean of an array of
#    accuracies and the half-width of its 95% interval, `t * s / sqrt(n)`. The checker
#    compares it with a simulation: the fraction of intervals that contain the true mean.
# 2. **The good range.** Write `good_range(lrs, accuracies, near=0.05)`: the lowest and the
#    highest learning rate whose accuracy is within `near` of the best. The checker tries it
#    on hand-made tables, including a tie and a best at the edge of the grid.
# 3. **Dead units.** Write `count_dead(model, X)`, the number of hidden units of a
#    `Linear, ReLU, Linear` network that output 0 for every row of `X`. The checker builds
#    networks with a known number of dead units.

# %%
from exercises.comparing import check_confidence_interval, check_count_dead, check_good_range

# check_confidence_interval(confidence_interval)
# check_good_range(good_range)
# check_count_dead(count_dead)

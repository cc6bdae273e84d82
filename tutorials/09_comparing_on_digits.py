# %% [markdown]
# # 09 · Comparing optimizers on real data: the digits
#
# The earlier tutorials studied each optimizer on toy problems small enough to follow step
# by step. Here all five meet a real, if small, dataset: 1,797 handwritten digits, 8x8
# pixels each. "Which optimizer is best?" is only a fair question if every optimizer gets
# the same chance, and if the answer is measured on data that played no part in getting
# it. So this tutorial is as much about *how* to compare as about the result:
#
# 1. **Sweep one learning-rate grid for every optimizer.** Every optimizer trains at every
#    learning rate of one grid, for the same budget of epochs, on several seeds, and is
#    measured on a *validation split* carved from the training data. This shows how much
#    each optimizer cares about its learning rate, and what a too-large one does.
# 2. **Tune, then compare on fresh seeds and the test set, with intervals.**
#    `mg.compare(..., tune=True)` gives every optimizer the same tuning budget, chooses
#    each one's learning rate on the validation split, reruns the chosen rate on several
#    seeds, and reports the median test accuracy with a 95% interval, not one number.
#
# Every run goes through `mg.compare`. For a given seed, it trains one copy of the same
# network per optimizer, from the same initial weights, on the same batches in the same
# order, so the update rule is the only thing that differs between two runs.
#
# Run it as a script (`python tutorials/09_comparing_on_digits.py`, about two minutes) or
# open it as a notebook in Jupyter (jupytext) or VS Code.

# %%
import os
import time

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import data, nn, plot
from minigrad.comparison import OPTIMIZERS, lr_grid

# ----------------------------------------------------------------------------- config
QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: a short run with the same code (less data, fewer runs)
NAMES = ["sgd", "momentum", "adagrad", "rmsprop", "adam"]  # the optimizers compared
TRAIN_SAMPLES = 480 if QUICK else None  # train on a subset in quick mode (None: all 1,437)
HIDDEN = 64  # units in the hidden layer: a 64-64-10 network
EPOCHS = 2 if QUICK else 10  # the budget: epochs per run, the same for every run
LRS = [1e-3, 1e-2, 0.1, 1.0, 3.0] if QUICK else [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0]
SWEEP_SEEDS = [0] if QUICK else [0, 1]  # step 1: seeds per (optimizer, lr)
SEEDS = [10, 11, 12] if QUICK else [10, 11, 12, 13, 14]  # step 2: the tuning's seed (the first), then the reruns
VALIDATION = 0.2  # the fraction of the training data held out to measure the sweep and choose the rates
BUDGET = 5  # step 2: learning rates tried per optimizer
NEAR_BEST = 0.05  # a learning rate is "good" if its mean accuracy is within 5 points of the optimizer's best
DEAD = 48  # a network is "dead" if at least this many of its 64 hidden units output 0 for every image
FAILED = 0.20  # ... and its validation accuracy is below this (twice chance)
SWEEP_BEST = 0.3 if QUICK else 0.92  # step 1: every optimizer reaches this mean validation accuracy at its best lr
TUNED_AT_LEAST = 0.5 if QUICK else 0.95  # step 2: every tuned optimizer's median test accuracy reaches this
CLOSE = 0.03  # tuned, the five medians end within this (a claim that needs the full budget)
DPI = 90  # figure resolution, in dots per inch

# %% [markdown]
# ## The data and the network
#
# `data.load_digits()` returns the images as rows of 64 pixel values, each counting inked
# sub-pixels from 0 to 16. Dividing by 16 puts them in [0, 1]. A fifth of the images is
# held out as the **test set**. Nothing in this tutorial trains on it or chooses anything
# by it: only the final runs of step 2 are measured on it.
#
# Everything that does choose (which learning rates are good, which one each optimizer
# gets) looks at a **validation split** instead: a fifth of the *training* images, held
# out of training while the learning rates are tried. It is carved with the first seed of
# step 2, exactly as `mg.compare(..., tune=True)` carves its own, so the sweep of step 1
# and the tuning of step 2 hold out the same images.

# %%
X, y = data.load_digits()
X = X / 16
X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.2, seed=0)
if TRAIN_SAMPLES is not None:
    X_train, y_train = X_train[:TRAIN_SAMPLES], y_train[:TRAIN_SAMPLES]
X_fit, X_val, y_fit, y_val = data.train_test_split(X_train, y_train, test_size=VALIDATION, seed=SEEDS[0])
print(f"train {X_train.shape} = fit {X_fit.shape} + validation {X_val.shape}; test {X_test.shape}")
print(f"images per digit in the validation split: {np.bincount(y_val)}, in the test set: {np.bincount(y_test)}")

examples = np.hstack([np.pad(X[np.nonzero(y == d)[0][0]].reshape(8, 8), 1) for d in range(10)])
fig = Figure(figsize=(8, 1.3))
ax = fig.add_axes((0.02, 0.02, 0.96, 0.75))
ax.imshow(examples, cmap="Greys")
ax.set_xticks(np.arange(10) * 10 + 4.5, [str(d) for d in range(10)])
ax.set_yticks([])
ax.tick_params(length=0, labeltop=True, labelbottom=False)
plot.show(fig, "09_digits", dpi=DPI)


# %% [markdown]
# The network is a multi-layer perceptron with one hidden layer of 64 ReLU units. Passing
# `mg.compare` the function that builds it, rather than a built network, lets every seed
# draw fresh initial weights.


# %%
def build():
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


def dead_units(model):
    """Hidden units that output 0 for every image it trained on: a dead ReLU gets no gradient, so it stays dead."""
    with mg.no_grad():
        hidden = model[1](model[0](mg.Tensor(X_fit))).data
    return int((hidden.max(axis=0) == 0).sum())


print(f"{sum(p.size for p in build().parameters())} parameters")

# %% [markdown]
# ## Step 1: the same learning-rate grid for every optimizer
#
# A comparison at each optimizer's default learning rate would mostly measure how well
# those defaults happen to suit this problem. So each optimizer trains at every learning
# rate of a grid spaced by factors of about 3, for the same number of epochs: one
# `mg.compare` per learning rate, with the same `lr` for all five. That is
# `len(LRS) * 5 * len(SWEEP_SEEDS)` trainings, the longest cell of this tutorial, so it
# prints a line as each learning rate finishes.
#
# They train on the training images less the validation split, and are measured on the
# validation split. Why not on the test set? Because we are about to *pick* by these
# numbers: each optimizer's best rate, its good range. Of ten rates, the one that scores
# highest on a given set of images is partly the one that got lucky on those images, so
# its score there flatters it. Had we picked on the test set and then reported the test
# accuracy at the picked rates, the report would carry that luck, and nothing would be
# left to measure it honestly. Measured on the validation split, the luck stays there.

# %%
sweep = {}  # lr -> Comparison
start = time.perf_counter()
for i, lr in enumerate(LRS):
    same_lr = {name: lr for name in NAMES}
    sweep[lr] = mg.compare(build, X_fit, y_fit, optimizers=NAMES, lr=same_lr, epochs=EPOCHS, seeds=SWEEP_SEEDS,
                           validation_data=(X_val, y_val), verbose=False)  # fmt: skip
    print(f"lr {lr:<6g} done ({i + 1} of {len(LRS)}), {time.perf_counter() - start:3.0f} s so far")

runs = {name: [sweep[lr].runs[name] for lr in LRS] for name in NAMES}  # name -> per lr -> per seed
accuracy = {name: np.array([[run.history.final_accuracy for run in r] for r in runs[name]]) for name in NAMES}
dead = {name: np.array([[dead_units(run.model) for run in r] for r in runs[name]]) for name in NAMES}
failed = {name: (dead[name] >= DEAD) & (accuracy[name] < FAILED) for name in NAMES}
mean = {name: accuracy[name].mean(axis=1) for name in NAMES}
best = {name: LRS[int(np.argmax(mean[name]))] for name in NAMES}
good = {name: [lr for lr, a in zip(LRS, mean[name], strict=True) if a >= max(mean[name]) - NEAR_BEST] for name in NAMES}

print(f"mean validation accuracy (%) after {EPOCHS} epochs, over {len(SWEEP_SEEDS)} seed(s); * = a dead network")
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
#   move: they divide by the gradient's own size (tutorials 06 and 08), so even tiny
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
    assert mean[name].max() >= SWEEP_BEST, f"{name} should reach {SWEEP_BEST:.0%} at its best lr"
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
# the network still predicts on the validation split. First, though, how far does each
# optimizer's very first step move the weights, from the same start and on the same
# batch? We print the median over the weights (those with a nonzero gradient) of
# `|step| / lr`.

# %%
first_step = {}  # name -> median |first step| / lr at the largest lr
for name in NAMES:
    mg.manual_seed(SWEEP_SEEDS[0])
    model = build()
    optimizer_class, options = OPTIMIZERS[name]
    optimizer = optimizer_class(model.parameters(), **{**options, "lr": LRS[-1]})
    before = [p.data.copy() for p in model.parameters()]
    nn.CrossEntropyLoss()(model(mg.Tensor(X_fit[:32])), y_fit[:32]).backward()
    optimizer.step()
    moved = [np.abs(p.data - b)[p.grad != 0] for p, b in zip(model.parameters(), before, strict=True)]
    first_step[name] = np.median(np.concatenate(moved)) / LRS[-1]
print(f"first step at lr {LRS[-1]:g}, median |step| / lr: " + ", ".join(f"{n} {v:.3g}" for n, v in first_step.items()))
digits = {}  # name -> distinct digits predicted on the validation split, per seed, at the largest lr
with mg.no_grad():
    for name in NAMES:
        digits[name] = [len(np.unique(run.model(mg.Tensor(X_val)).data.argmax(axis=1))) for run in runs[name][-1]]
        report = [
            f"{units} dead, {d} digit(s), accuracy {a:.0%}"
            for units, d, a in zip(dead[name][-1], digits[name], accuracy[name][-1], strict=True)
        ]
        peak = max(max(run.history.loss) for run in runs[name][-1])
        print(f"lr {LRS[-1]:g} {name:>9}: highest loss {peak:8.3g}; " + "; ".join(report))
adaptive = ["adagrad", "rmsprop", "adam"]
dying = ["momentum", "adam"] + ([] if QUICK else ["sgd"])  # a short run can stop while SGD's still dies
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
if not QUICK:  # a short run can stop while RMSprop's network still learns a little
    assert accuracy["rmsprop"][-1].max() <= 0.35, "RMSprop's networks should score low at the largest lr"
    assert mean["adagrad"][-1] >= mean["rmsprop"][-1] + 0.2, "AdaGrad should do far better than RMSprop"

# %% [markdown]
# Oversized steps push the hidden units to where they output 0 for every image: at
# `lr = 3` every optimizer's network lost most of its 64 hidden units, on every seed.
#
# The loss of the three adaptive optimizers, AdaGrad, RMSprop and Adam, soared to a
# hundred times its start or more (the highest loss printed), at least ten times as high
# as SGD's and momentum's. Their first step does not depend on the size of the gradient:
# it is `lr` for AdaGrad (tutorial 04) and Adam (tutorial 08), and `1 / sqrt(1 - alpha)
# = 3.16 lr` for RMSprop with `alpha = 0.9` (tutorial 06), as the first line printed
# shows. So with `lr = 3` nearly every weight that has a gradient moves by 3 or more at
# once, however small its gradient. SGD and momentum move each weight by `lr` times its
# gradient, which is small for most weights here.
#
# SGD's, momentum's and Adam's networks are dead, on every seed: at least 48 of their 64
# units output 0 for every image (`DEAD` in the config), they score below 20%, and they
# predict only one or a few digits for every image, near chance. RMSprop's are nearly
# so: most units dead and a low score, though a seed can keep a few units alive and
# still tell a few digits apart. (A short run, `MINIGRAD_QUICK=1`, can stop while
# SGD's and RMSprop's networks are still dying, with more units alive and more digits
# predicted.) Yet no loss became `nan` (the count above). In this ReLU network, a
# too-large learning rate did not show up as an overflow, but as a network that quietly
# stopped learning; the table marks such dead networks with `*`. AdaGrad is the hardest
# to kill: its loss soared too, but the huge gradients of the blow-up stay in its sum,
# which never forgets, and shrink its steps from then on; its networks still score well
# above chance.

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
range_note = "\n(bars: lowest to highest seed)" if len(SWEEP_SEEDS) > 1 else ""
title = f"Validation accuracy after {EPOCHS} epochs, mean of {len(SWEEP_SEEDS)} seed(s){range_note}"
ax_acc.set(xscale="log", xlabel="learning rate", ylabel="validation accuracy (%)", ylim=(0, 100), title=title)
ax_dead.set(xscale="log", xlabel="learning rate", ylabel=f"dead hidden units (of {HIDDEN})", ylim=(0, HIDDEN + 2),
            title=f"Dead hidden units after {EPOCHS} epochs,\nmean of {len(SWEEP_SEEDS)} seed(s)")  # fmt: skip
fig.legend(*ax_acc.get_legend_handles_labels(), loc="upper center", ncol=7, fontsize=9)
plot.show(fig, "09_lr_sweep", dpi=DPI)

# %% [markdown]
# ## Step 2: tuned the same way, compared on fresh seeds and the test set
#
# Step 1 showed each optimizer's whole curve, but a fair verdict needs a choice made one
# documented way for every optimizer, and scores measured where the choice could not look.
# `mg.compare(..., tune=True)` does both, in two stages:
#
# - **Tuning.** Each optimizer gets the same budget of `BUDGET` trials, at the learning
#   rates `lr_grid(center, BUDGET)`: half a decade apart, `center * 10 ** k` for
#   `k = -1, -0.5, 0, 0.5, 1`. The center is the optimizer's default, or the `lr` given;
#   we give each one its best rate from step 1, so the grid spans a factor of 10 on either
#   side of where step 1 found it working. Every trial trains with the first seed on the
#   training data less a validation split (the same images step 1 held out), for the same
#   epochs, and is scored by its **validation loss** after the last epoch: finer-grained
#   than the accuracy of a few hundred images, which moves in steps of one image. The
#   lowest wins; a trial that diverged or learned nothing is never chosen while another
#   learned.
# - **Reruns.** The chosen rate trains again from scratch, on all the training data, with
#   each seed of `SEEDS`. Only these runs are measured on the test set, which the choice
#   never saw. (The first seed also drove the trials, but on other data: these are new
#   runs, and the test set is new to all of them.)
#
# The table then gives, for each optimizer, the **median** over the seeds with a **95%
# bootstrap interval of the median** (`scipy.stats.bootstrap`): draw the seeds' scores
# again with replacement, thousands of times, take each draw's median, and keep the
# middle 95% of those medians. A median is not dragged by one seed that went wrong, and
# the bootstrap assumes no bell curve of the scores. With a handful of seeds the interval
# is rough: it can only end at scores that were seen.
#
# This is the longest cell after step 1 (`BUDGET * 5` trials, then `len(SEEDS) * 5`
# reruns), and it prints when it is done.

# %%
print(f"step 2: {BUDGET * len(NAMES)} trials, then {len(SEEDS) * len(NAMES)} reruns ...")
start = time.perf_counter()
final = mg.compare(build, X_train, y_train, optimizers=NAMES, lr=best, epochs=EPOCHS, seeds=SEEDS, tune=True,
                   budget=BUDGET, validation_fraction=VALIDATION, validation_data=(X_test, y_test),
                   verbose=False)  # fmt: skip
print(f"done in {time.perf_counter() - start:.0f} s")
print(f"trials: validation loss after {EPOCHS} epochs (seed {SEEDS[0]}, {final.settings['validation_size']} "
      f"validation images) at each lr of the grid; [ ] = chosen")  # fmt: skip
for name in NAMES:
    cells = [f"{trial.lr:.3g}: {trial.val_loss:.3f}" + ("" if trial.status == "ok" else f" ({trial.status})")
             for trial in final.trials[name]]  # fmt: skip
    marked = [f"[{c}]" if t.lr == final.chosen[name] else c for c, t in zip(cells, final.trials[name], strict=True)]
    print(f"{name:>9}: " + ", ".join(marked))
print("chosen lr / step 1's best lr: " + ", ".join(f"{name} {final.chosen[name] / best[name]:.3g}" for name in NAMES))
default = OPTIMIZERS["sgd"][1]["lr"]
around_default = ", ".join(f"{rate:.3g}" for rate in lr_grid(default, BUDGET))
print(f"around SGD's default lr {default:g} the grid would be: {around_default}")
print()
print(final.format_table())
print()
rows = {row["optimizer"]: row for row in final.table()}
scores = {name: np.array([run.history.final_accuracy for run in final.runs[name]]) for name in NAMES}
for name in NAMES:
    low, high = rows[name]["accuracy_ci"]
    print(f"{name:>9} at lr {final.chosen[name]:<7.3g}: median {rows[name]['accuracy']:.1%}, interval "
          f"[{low:.1%}, {high:.1%}]; the seeds: {', '.join(f'{a:.1%}' for a in sorted(scores[name]))}")  # fmt: skip
medians = np.array([rows[name]["accuracy"] for name in NAMES])
gap = medians.max() - medians.min()
seed_spread = max(np.ptp(s) for s in scores.values())
common = (max(rows[name]["accuracy_ci"][0] for name in NAMES), min(rows[name]["accuracy_ci"][1] for name in NAMES))
print(f"best and worst median {100 * gap:.1f} points apart; largest spread between the seeds of one optimizer"
      f" {100 * seed_spread:.1f} points")  # fmt: skip
inside = f"{common[0]:.1%} .. {common[1]:.1%}" if common[0] <= common[1] else "none"
print(f"the scores inside all five intervals: {inside}")
assert final.settings["validation_size"] == len(y_val), "compare should hold out as many images as step 1"
assert all(rows[name]["status"] == "ok" for name in NAMES), "every tuned optimizer should train fine on every seed"
assert medians.min() >= TUNED_AT_LEAST, f"every tuned optimizer's median should reach {TUNED_AT_LEAST:.0%}"
if not QUICK:  # claims that need the full budget: in a short run SGD has too few steps to catch up
    assert not any(final.at_edge(name) for name in NAMES), "each chosen lr should lie inside its grid"
    assert gap <= CLOSE, "tuned, the five medians should end within a few points of each other"
    assert gap <= 2 * seed_spread, "the gap between the optimizers should be about the seeds' own spread"

# %% [markdown]
# The trials first. For every optimizer the validation loss is lowest inside its grid and
# higher at both ends; at SGD's two largest rates its network learned nothing. So no
# chosen rate (in brackets) sits at an edge of its grid, where the table would mark it
# with `*` and say which way to look. Had we tuned around the defaults instead (leaving
# out `lr=best`), SGD's grid would have ended at 1 (the line above the table), its best
# rate here, and the table would have marked that choice as one at the edge. The chosen
# rates land near step 1's best ones (the ratios printed: here none is more than one step
# of the grid away): the validation loss of one seed and the validation accuracy of two
# point the same way.
#
# Then the verdict. Tuned the same way, all five medians end within a couple of points of
# each other (the gap printed), about as much as the seeds of a single optimizer differ
# among themselves, and the intervals overlap widely. So these seeds give no reason to
# rank one above another, and a ranking by the last digit would mostly rank the seeds. On
# a problem this size, with its learning rate tuned, the choice of optimizer hardly
# matters for the final accuracy; what it changes is the range of learning rates that
# work (step 1). The table's "steps to target" counts the steps until the training
# loss, averaged over an epoch, first fell to a tenth of its start.
#
# They do get there differently. In the figure: the median test accuracy and its interval
# for each optimizer (grey dots: one seed each); the trials of the tuning
# (`plot.lr_sensitivity`, the chosen rate ringed); below, the training loss (median over
# the seeds, with a band from the lowest to the highest); the effective learning rate,
# the factor each weight's update direction was multiplied by (`History.effective_lr`);
# and the update size, how far each weight actually moved in the step
# (`History.update_size`). The last two are the first seed's, as a median over the
# weights with a band from the 10th to the 90th percentile.

# %%
fig = Figure(figsize=(13, 8.6), layout="constrained")
grid = fig.add_gridspec(2, 3)
ax_ci = fig.add_subplot(grid[0, 0])
plot.lr_sensitivity(final, ax=fig.add_subplot(grid[0, 1:]))
ax_loss, ax_lr, ax_size = (fig.add_subplot(grid[1, i]) for i in range(3))
for i, name in enumerate(NAMES):
    middle, (low, high) = rows[name]["accuracy"], rows[name]["accuracy_ci"]
    ax_ci.errorbar(i, 100 * middle, yerr=[[100 * (middle - low)], [100 * (high - middle)]], fmt="o",
                   color=plot.COLORS[name], capsize=4)  # fmt: skip
    ax_ci.plot(np.full(len(SEEDS), i + 0.2), 100 * scores[name], ".", color="grey", ms=4)
ax_ci.plot([], [], ".", color="grey", label="one seed")
ax_ci.legend(fontsize=8)
ax_ci.set_xticks(range(len(NAMES)), [f"{name}\nlr {final.chosen[name]:.3g}" for name in NAMES], fontsize=8)
ax_ci.set(ylabel="test accuracy (%)", title=f"Median and 95% bootstrap interval,\n{len(SEEDS)} seeds, test set")
plot.loss_curves(final, ax=ax_loss)
plot.effective_lr_curves(final, ax=ax_lr)
plot.update_size_curves(final, ax=ax_size)
ax_loss.get_legend().remove()
ax_size.get_legend().remove()
ax_lr.legend(fontsize=7)
plot.show(fig, "09_comparison", dpi=DPI)

steps_per_epoch = len(final["sgd"].loss) // EPOCHS
chosen = final.chosen
median = {name: np.array(final[name].effective_lr)[:, 0] for name in NAMES}
moved = {name: np.array(final[name].update_size)[:, 0] for name in NAMES}
for name in NAMES:
    first, epoch, last = median[name][0], median[name][steps_per_epoch - 1], median[name][-1]
    print(f"{name:>9}: median effective lr {first:.3g} at step 1, {epoch:.3g} after one epoch, {last:.3g} at the end;"
          f" median update size / lr {moved[name][0] / chosen[name]:.3g} at step 1")  # fmt: skip
for name in ["sgd", "momentum"]:
    assert np.allclose(median[name], chosen[name]), f"{name}'s effective lr should be its lr"
ada = median["adagrad"]
assert ada[0] > ada[steps_per_epoch - 1] > ada[-1], "AdaGrad's effective lr should fall for the whole run"
anchor, c = plot.sqrt_guide(ada)  # the dashed guide c / sqrt(t), through AdaGrad's median at step `anchor`
above_guide = ada[-1] / (c / np.sqrt(len(ada)))
print(f"AdaGrad's median over the dashed 1/sqrt(t) guide (through step {anchor}): {above_guide:.2f} at the end")
if not QUICK:  # a short run ends before the gradients have shrunk much
    assert above_guide > 1.3, "AdaGrad's median should end above its 1/sqrt(t) guide"
for name in ["rmsprop", "adam"]:
    assert median[name][0] >= 3 * median[name][steps_per_epoch - 1], f"{name}'s should drop in the first epoch"
ratio = {name: moved[name][0] / chosen[name] for name in NAMES}
assert abs(ratio["adagrad"] - 1) < 0.01 and abs(ratio["adam"] - 1) < 0.01, "AdaGrad's and Adam's first steps: lr"
assert abs(ratio["rmsprop"] - np.sqrt(10)) < 0.03, "RMSprop's first step should be 3.16 lr"
assert max(ratio["sgd"], ratio["momentum"]) < 0.1, "SGD's first steps should be far below lr"
assert median["adagrad"][0] >= 10 * chosen["adagrad"], "AdaGrad's first factor should be far above its lr"

# %% [markdown]
# - SGD's effective learning rate is its `lr`, and so is momentum's, because
#   `effective_lr()` reports the factor applied to the update direction. For momentum that
#   direction is the velocity buffer, which adds up gradients. How far SGD's weights move
#   is `lr * |gradient|`: its first step moves the median weight by a small fraction of
#   `lr` (the last number printed on its line).
# - AdaGrad's factor starts far above its `lr`: at step 1 it is `lr / |g|`, and most
#   gradients here are small. Yet its first step moves each weight by `lr` (the printed
#   `update size / lr` of 1), because the factor multiplies the direction `g`: the factor
#   is not the step. Adam's first step also moves each weight by `lr`, and RMSprop's by
#   `sqrt(10) lr = 3.16 lr` (step 1's first-step line printed the same at `lr = 3`).
# - AdaGrad's factor falls for the whole run: it divides by the root of an ever-growing
#   sum. The dashed line is `c / sqrt(t)` through its median at step `round(sqrt(T))`,
#   where a steady gradient size would take it; the median falls more slowly than that and
#   ends above it (the printed ratio), because the gradients get smaller as the network
#   learns.
# - RMSprop's and Adam's drop several-fold in the first epoch, while the first large
#   gradients fill their moving averages; afterwards they follow the size of the recent
#   gradients. Adam's `v` averages over about 1,000 steps (`beta2 = 0.999`), RMSprop's over
#   about 10 (`alpha = 0.9`), so Adam's follows more slowly. At step 1, Adam's is large
#   because it is the factor in front of the *uncorrected* `m` (tutorial 08).
#
# A note on edges. Close to the edge of a good range, training is chaotic: change the last
# bit of a single number and, a few hundred steps later, the run has taken another path.
# Your CPU changes such bits: numpy hands every matrix product to a BLAS library that picks
# code tuned for the processor it finds, and code that adds the terms in another order
# rounds differently. Far from an edge, that moves an accuracy by a point or so; at an
# edge, a single run can land on either side, and a trial's validation loss can swap
# places with its neighbour's. That is why every claim above has a margin and, wherever a
# run could sit near an edge, is about several seeds: never about the fate of one run at an
# edge.
#
# ## What to take away
#
# - Compare optimizers fairly: the same network, initial weights, batches and budget, the
#   same tuning grid rule and budget for each, the choice made on a validation split of
#   the training data, the final scores on the untouched test set over several seeds, and
#   an interval around each median.
# - Never choose by the test set: whatever is chosen by it looks better there than it is.
# - Across the grid, the learning rate matters far more than the choice of optimizer.
#   Every optimizer has a good range; SGD's sits highest, momentum's lower, and RMSprop's
#   and Adam's lowest. A too-large rate killed the ReLU units without any `nan`.
# - Tuned, all five end within a couple of points on the digits.
#
# ## Exercises
#
# The checkers are in `tutorials/exercises/comparing.py`, worked solutions in
# `tutorials/solutions/comparing.py`. Uncomment a call once your function is written.
#
# 1. **The interval of a mean.** `mg.compare` gives the median a bootstrap interval; the
#    classic interval is the one of the mean. Write `confidence_interval(scores)`: the
#    mean of an array of accuracies and the half-width `t * s / sqrt(n)` of its 95%
#    interval, with `s` the standard deviation (`n - 1` in its denominator) and `t` Student's
#    t quantile for `n - 1` degrees of freedom, from the library:
#    `scipy.stats.t.ppf(0.975, n - 1)` (2.78 for 5 seeds; larger than the normal 1.96
#    because `s` is estimated from so few scores). The checker compares it with a
#    simulation: the fraction of intervals that contain the true mean.
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

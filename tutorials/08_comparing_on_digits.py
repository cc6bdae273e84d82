"""Tutorial 07: comparing optimizers on real data, the 8x8 handwritten digits.

Run it as a script (figures go to tutorials/figures/, or to $MINIGRAD_FIGURES):

    python tutorials/07_comparing_on_digits.py
    MINIGRAD_QUICK=1 python tutorials/07_comparing_on_digits.py     # shorter runs, same code

or open it as a notebook (Jupyter with jupytext, or VS Code): every `# %%` starts a cell.
"""

# %% [markdown]
# # Comparing optimizers on real data: the digits
#
# The earlier tutorials studied each optimizer on toy problems small enough to follow
# step by step. Here all five meet a real, if small, dataset: 1,797 handwritten digits,
# 8x8 pixels each. Two questions:
#
# 1. Each optimizer gets a learning rate known to work. How different are the results?
# 2. How much does each optimizer care about its learning rate? We train every optimizer
#    over a grid of learning rates from 0.0001 to 3 and see where each works and where
#    it breaks.
#
# Every run goes through `mg.compare`. For a given seed, it trains one copy of the same
# network per optimizer, from the same initial weights, on the same batches in the same
# order. The update rule is then the only thing that differs between two runs.

# %%
import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import data, nn, plot
from minigrad.comparison import OPTIMIZERS

# ---- configuration ---------------------------------------------------------------------
QUICK = os.environ.get("MINIGRAD_QUICK", "") not in ("", "0")  # 1: short runs (for the test suite)
if os.environ.get("MINIGRAD_FIGURES"):  # where the figures go
    FIGURES = Path(os.environ["MINIGRAD_FIGURES"])
elif "__file__" in globals():
    FIGURES = Path(__file__).resolve().parent / "figures"
else:  # in a notebook started from the repository root
    FIGURES = Path("tutorials/figures")
FIGURES.mkdir(parents=True, exist_ok=True)
NAMES = ["sgd", "momentum", "adagrad", "rmsprop", "adam"]  # the optimizers compared
TRAIN_SAMPLES = 480 if QUICK else None  # train on a subset in quick mode (None: all 1,437)
HIDDEN = 64  # units in the hidden layer: a 64-64-10 network
COMPARE_EPOCHS = 3 if QUICK else 10  # part 1: epochs per run
COMPARE_SEEDS = [0, 1] if QUICK else [0, 1, 2]  # part 1: seeds (initial weights and batch order)
SWEEP_LRS = [1e-3, 1e-2, 0.1, 1.0] if QUICK else [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0]  # part 2
SWEEP_EPOCHS = 2 if QUICK else 10  # part 2: a fixed budget of epochs per run
SWEEP_SEEDS = [0] if QUICK else [0, 1]  # part 2: seeds per (optimizer, lr)
GOOD = 0.90  # part 2: a learning rate "works" if the mean test accuracy reaches this
FAILED = 0.20  # part 2: a run "failed" if its loss blew up and its test accuracy ends below this
BLOWUP = 2.0  # part 2: "blew up": the loss rose above BLOWUP times its value at the first step
DPI = 90  # figure resolution (the PNGs are committed, so keep them small)

# %% [markdown]
# ## The data
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

fig = Figure(figsize=(8, 1.2), layout="constrained")
for digit, ax in enumerate(fig.subplots(1, 10)):
    ax.imshow(X[np.nonzero(y == digit)[0][0]].reshape(8, 8), cmap="Greys")
    ax.set_title(str(digit))
    ax.set_axis_off()
fig.savefig(FIGURES / "07_digits.png", dpi=DPI)


# %% [markdown]
# The network is a multi-layer perceptron with one hidden layer of 64 ReLU units. Passing
# `mg.compare` the function that builds it, rather than a built network, lets every seed
# draw fresh initial weights.


# %%
def build():
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


print(f"{sum(p.size for p in build().parameters())} parameters")

# %% [markdown]
# ## Part 1: five optimizers at learning rates that work
#
# `minigrad.comparison.OPTIMIZERS` holds a learning rate for each optimizer that works on
# the toy problems:

# %%
for name in NAMES:
    cls, options = OPTIMIZERS[name]
    print(f"{name:>9}: {cls.__name__}({', '.join(f'{k}={v}' for k, v in options.items())})")

comparison = mg.compare(
    build,
    X_train,
    y_train,
    optimizers=NAMES,
    epochs=COMPARE_EPOCHS,
    seeds=COMPARE_SEEDS,
    validation_data=(X_test, y_test),
    verbose=False,
)
print()
print(comparison.format_table())

# %% [markdown]
# `Comparison.table()` gives the same rows as dicts, averaged over the seeds.
# `comparison.runs[name]` keeps every run, so we can look at the spread between seeds:

# %%
rows = {row["optimizer"]: row for row in comparison.table()}
per_seed = {name: np.array([run.history.final_accuracy for run in comparison.runs[name]]) for name in NAMES}
for name in NAMES:
    print(f"{name:>9}: mean {rows[name]['accuracy']:.1%}, per seed {np.round(100 * per_seed[name], 1)}")
means = np.array([rows[name]["accuracy"] for name in NAMES])
gap_between = means.max() - means.min()
gap_within = max(accuracies.max() - accuracies.min() for accuracies in per_seed.values())
print(f"all means between {means.min():.1%} and {means.max():.1%}: {100 * gap_between:.1f} points apart")
print(f"largest spread between the seeds of one optimizer: {100 * gap_within:.1f} points")
sgd_loss, others = rows["sgd"]["final_loss"], max(rows[name]["final_loss"] for name in NAMES if name != "sgd")
print(f"SGD's final training loss {sgd_loss:.3f}: {sgd_loss / others:.1f}x the highest of the other four")

# %% [markdown]
# With these learning rates, all five end with a mean test accuracy between 95.5% and
# 97%. At a good learning rate, on a problem this size, the choice of optimizer hardly
# matters for the final accuracy. Before ranking them by the last digit, compare the two
# lines that count points: how far apart the optimizers' means are, and how much the
# seeds of a single optimizer differ. One seed is not enough to rank them.
#
# They do get there differently. SGD's training loss falls the slowest and ends about
# twice as high as the other four's. The figure shows the training loss (mean over the
# seeds, with a band from the lowest to the highest) and the effective learning rate, the
# step size each weight actually got (its median over the weights, with a band from the
# 10th to the 90th percentile, for the first seed).

# %%
fig = Figure(figsize=(11, 4), layout="constrained")
ax_loss, ax_lr = fig.subplots(1, 2)
plot.loss_curves(comparison, ax=ax_loss)
plot.effective_lr_curves(comparison, ax=ax_lr)
ax_loss.set_title(f"Training loss, mean and range over {len(COMPARE_SEEDS)} seeds")
fig.savefig(FIGURES / "07_comparison.png", dpi=DPI)

steps_per_epoch = len(comparison.runs["sgd"][0].history.loss) // COMPARE_EPOCHS
median = {name: np.array(comparison.runs[name][0].history.effective_lr)[:, 0] for name in NAMES}
for name in NAMES:
    after_one_epoch, last = median[name][steps_per_epoch - 1], median[name][-1]
    print(
        f"{name:>9}: median effective lr {median[name][0]:.3g} at step 1, {after_one_epoch:.3g} after one epoch,"
        f" {last:.3g} at the end ({last / after_one_epoch:.2f}x the value after one epoch)"
    )
print(f"at step 1, Adam's median is {median['adam'][0] / median['rmsprop'][0]:.3f}x RMSprop's (same lr, same gradient)")

# %% [markdown]
# - SGD's effective learning rate is its `lr`, and so is momentum's, because
#   `effective_lr()` reports the factor applied to the update direction. For momentum that
#   direction is the velocity buffer, which adds up gradients. While they keep pointing
#   the same way, it grows to about `1 / (1 - 0.9) = 10` gradients, so momentum moves up to
#   10 times further than SGD at the same `lr`. Part 2 measures this.
# - AdaGrad's falls for the whole run: it divides by the root of an ever-growing sum. From
#   the end of the first epoch to the end of the run it fell by another half.
# - RMSprop's and Adam's drop about tenfold and thirtyfold in the first epoch, while the
#   first large gradients fill their moving averages. Then they *rise* again, RMSprop's
#   to 1.8 times and Adam's to 1.2 times the value after one epoch. Their effective
#   learning rate is `lr / sqrt(v)` (for Adam, `v_hat`, with `1 - beta1^t` near 1 by
#   then), so a rise means `v` fell: the recent gradients are smaller than the early
#   ones. Adam's `v` averages over about 1,000 steps
#   (`beta2 = 0.999`), RMSprop's over about 10 (`alpha = 0.9`), so Adam's follows more
#   slowly.
# - At step 1, with the same `lr` and the same gradient, Adam's is `sqrt(10) = 3.16`
#   times RMSprop's. As tutorial 06 showed, Adam's is the factor in front of the
#   uncorrected `m`, `lr / ((1 - beta1) |g|) = 10 lr / |g|`. RMSprop's first step divides
#   by `sqrt(v) = sqrt(1 - alpha) |g|`, which gives `3.16 lr / |g|`.
#
# ## Part 2: how much does each optimizer care about its learning rate?
#
# Now each optimizer trains at every learning rate of a grid spaced by factors of about
# 3, from 0.0001 to 3, for a fixed budget of epochs. That is one `mg.compare` per learning
# rate, with the same `lr` for all five optimizers.

# %%
sweep = {}  # lr -> Comparison
for lr in SWEEP_LRS:
    sweep[lr] = mg.compare(
        build,
        X_train,
        y_train,
        optimizers=NAMES,
        lr={name: lr for name in NAMES},
        epochs=SWEEP_EPOCHS,
        seeds=SWEEP_SEEDS,
        validation_data=(X_test, y_test),
        verbose=False,
    )


def final_accuracy(run):
    """Test accuracy after the last epoch; 0 for a run stopped because its loss became nan or inf."""
    return 0.0 if run.diverged else run.history.final_accuracy


runs = {name: [sweep[lr].runs[name] for lr in SWEEP_LRS] for name in NAMES}  # name -> per lr, per seed
accuracy = {name: np.array([[final_accuracy(run) for run in r] for r in runs[name]]) for name in NAMES}
final_loss = {name: np.array([[run.history.final_loss for run in r] for r in runs[name]]) for name in NAMES}
peak_loss = {
    name: np.array([[max(run.history.loss, default=np.inf) for run in r] for r in runs[name]]) for name in NAMES
}


def run_failed(run):
    """Diverged (nan or inf), or blew up (loss above BLOWUP x its start) and ended below FAILED accuracy."""
    loss = run.history.loss
    blew_up = len(loss) > 0 and max(loss) > BLOWUP * loss[0]
    return run.diverged or (blew_up and final_accuracy(run) < FAILED)


failed = {name: np.array([[run_failed(run) for run in r] for r in runs[name]]) for name in NAMES}
mean_accuracy = {name: accuracy[name].mean(axis=1) for name in NAMES}

print("mean test accuracy (%) after", SWEEP_EPOCHS, "epochs; * = a seed failed")
print("lr        " + "".join(f"{lr:>8.0e}" for lr in SWEEP_LRS))
for name in NAMES:
    cells = [f"{100 * a:7.0f}{'*' if f.any() else ' '}" for a, f in zip(mean_accuracy[name], failed[name], strict=True)]
    print(f"{name:<10}" + "".join(cells))
n_runs = sum(len(r) for name in NAMES for r in runs[name])
n_diverged = sum(run.diverged for name in NAMES for r in runs[name] for run in r)
print(f"{n_diverged} of {n_runs} runs had a loss that became nan or inf (Run.diverged)")

# %% [markdown]
# The table (and the figure below) answers the second question. First, what "works" and
# "failed" mean here:
#
# - Not one run *diverged* in the strict sense: no loss became `nan` or `inf`, so
#   `Run.diverged` is False everywhere. Too large a learning rate still breaks training,
#   in another way (see below). We count a run as *failed* when its loss rose above twice
#   its starting value and its test accuracy ended below 20%, twice chance. A run at a
#   tiny learning rate can also end near chance, but it is only slow: its loss never
#   went up. An optimizer *fails* at a learning rate if at least one of its seeds failed
#   there (marked `*` in the table, `x` in the figure).
# - An optimizer *works* at a learning rate if its mean test accuracy reaches 90% within
#   the budget of epochs.
#
# What happens inside a failed run? Look at its network at the end: how many of the 64
# hidden ReLU units output 0 for every training image (such a unit gets no gradient, so
# it stays that way), and how many different digits it ever predicts on the test set.


# %%
def inspect(model):
    """(dead hidden units, number of distinct classes predicted on the test set)."""
    with mg.no_grad():
        hidden = model[1](model[0](mg.Tensor(X_train))).data
        predicted = model(mg.Tensor(X_test)).data.argmax(axis=1)
    return int((hidden.max(axis=0) == 0).sum()), len(np.unique(predicted))


broken = [
    (name, lr, run)
    for name in NAMES
    for lr, r, f in zip(SWEEP_LRS, runs[name], failed[name], strict=True)
    for run, bad in zip(r, f, strict=True)
    if bad
]
for name, lr, run in broken:
    dead, classes = inspect(run.model)
    print(
        f"{name:>9} at lr {lr:.0e} (seed {run.seed}): loss {run.history.loss[0]:.2f} -> peak"
        f" {max(run.history.loss):.3g} -> {run.history.final_loss:.2f} at the end;"
        f" {dead} of {HIDDEN} hidden units dead; predicts {classes} distinct digit(s)"
    )
if broken:
    inspected = [inspect(run.model) for _, _, run in broken]
    peaks = {name: max(max(run.history.loss) for n, _, run in broken if n == name) for name, _, _ in broken}
    print(
        f"{len(broken)} failed runs: {min(d for d, _ in inspected)} to {max(d for d, _ in inspected)} dead units,"
        f" at most {max(c for _, c in inspected)} distinct digits predicted, last-epoch loss"
        f" {min(run.history.final_loss for _, _, run in broken):.2f} or more; highest loss per optimizer:"
        f" {', '.join(f'{name} {peak:.3g}' for name, peak in peaks.items())}"
    )

# %% [markdown]
# The loss shoots up early on: to about 20 for SGD and momentum, and to hundreds or tens
# of thousands for RMSprop and Adam. Those oversized steps push the hidden units to
# where they output 0 for every image. Every failed network has lost nearly all of its
# 64 hidden units (the summary line above gives the range), and most of them predict one
# and the same digit for every image. Its last-epoch loss stays at about 2 or more, close
# to the `ln 10 = 2.30` of a uniform guess or above it, and no gradient can bring the dead
# units back. Here, that is how a too-large learning rate showed up: not as `nan`, but as a
# network that quietly stopped learning.
#
# Now the good range of each optimizer:

# %%
print(f"optimizer  best lr  best acc   works (>= {GOOD:.0%}) from .. to    width   failed at lr")
summary = {}
for name in NAMES:
    works = [lr for lr, a in zip(SWEEP_LRS, mean_accuracy[name], strict=True) if a >= GOOD]
    best = int(np.argmax(mean_accuracy[name]))
    failed_at = [lr for lr, f in zip(SWEEP_LRS, failed[name], strict=True) if f.any()]
    summary[name] = {"works": works, "best": SWEEP_LRS[best], "failed_at": failed_at}
    span = f"{min(works):8.0e} .. {max(works):8.0e} {max(works) / min(works):7.0f}x" if works else " " * 26 + "-"
    highest = max(peak_loss[name][SWEEP_LRS.index(lr)].max() for lr in failed_at) if failed_at else None
    print(
        f"{name:<10} {SWEEP_LRS[best]:7.0e} {mean_accuracy[name][best]:8.1%}   {span}   "
        + (f"{' '.join(f'{lr:.0e}' for lr in failed_at)} (loss peaked at {highest:.3g})" if failed_at else "none")
    )
lowest = {name: min(summary[name]["works"]) for name in NAMES if summary[name]["works"]}
if lowest:
    print(f"the optimizer that needs the largest lr to work: {max(lowest, key=lowest.get)}")
print(f"at lr = {SWEEP_LRS[0]:g}: " + ", ".join(f"{name} {mean_accuracy[name][0]:.0%}" for name in NAMES))
top = len(SWEEP_LRS) - 1
print(
    f"AdaGrad at lr = {SWEEP_LRS[top]:g}: highest loss {peak_loss['adagrad'][top].max():.3g},"
    f" test accuracy {mean_accuracy['adagrad'][top]:.0%}, failed: {failed['adagrad'][top].any()}"
)
for lr in [0.1, SWEEP_LRS[top]]:
    if lr in SWEEP_LRS:
        after_one_epoch = [
            run.history.effective_lr[steps_per_epoch - 1].median for run in runs["adagrad"][SWEEP_LRS.index(lr)]
        ]
        print(f"AdaGrad at lr = {lr:g}: median effective lr after one epoch {np.round(after_one_epoch, 2)} (per seed)")

# %%
fig = Figure(figsize=(11, 4.2), layout="constrained")
ax_acc, ax_final = fig.subplots(1, 2)
for name in NAMES:
    color = plot.COLORS[name]
    bad = failed[name].any(axis=1)
    ax_acc.plot(SWEEP_LRS, 100 * mean_accuracy[name], "o-", color=color, ms=4)
    ax_acc.plot(np.array(SWEEP_LRS)[bad], 100 * mean_accuracy[name][bad], "x", color="k", ms=8, mew=1.5)
    ax_final.plot(SWEEP_LRS, final_loss[name].mean(axis=1), "o-", color=color, label=name, ms=4)
    ax_final.plot(np.array(SWEEP_LRS)[bad], final_loss[name].mean(axis=1)[bad], "x", color="k", ms=8, mew=1.5)
ax_acc.axhline(100 * GOOD, color="grey", lw=0.8, ls="--")
ax_acc.text(SWEEP_LRS[0], 100 * GOOD + 1, f"works: {GOOD:.0%}", fontsize=8, color="grey")
ax_acc.axhline(10, color="grey", lw=0.8, ls=":")
ax_acc.text(SWEEP_LRS[len(SWEEP_LRS) // 3], 11, "chance: 10%", fontsize=8, color="grey")
ax_acc.set_xscale("log")
ax_acc.set_xlabel("learning rate")
ax_acc.set_ylabel("test accuracy (%)")
ax_acc.set_title(f"Test accuracy after {SWEEP_EPOCHS} epochs (mean of {len(SWEEP_SEEDS)} seeds)")
ax_final.plot([], [], "x", color="k", ms=8, mew=1.5, label="a seed failed")
ax_final.axhline(np.log(10), color="grey", lw=0.8, ls=":", label="ln 10 (uniform guess)")
ax_final.set_xscale("log")
ax_final.set_yscale("log")
ax_final.set_xlabel("learning rate")
ax_final.set_ylabel("training loss, last epoch")
ax_final.set_title("Final training loss (mean of the seeds)")
ax_final.legend(fontsize=8, loc="lower left")
fig.savefig(FIGURES / "07_lr_sweep.png", dpi=DPI)

# %% [markdown]
# What the sweep shows, with the numbers printed above:
#
# - **SGD needs the largest learning rate.** It works only from 0.1 up: at 0.01 it
#   reaches about 68% in ten epochs, while each of the other four works at some learning
#   rate below 0.1. Its good range is narrow, from 0.1 to 1 (a factor of 10), and at 3 it
#   fails.
# - **Momentum is SGD shifted left by a factor of 10.** With momentum 0.9 its steps are up
#   to 10 times SGD's at the same `lr` (checked point by point below). It works from 0.01.
#   At 1 it no longer learns: most of its runs fail, and the others end far below 90%. At
#   3 every run fails.
# - **AdaGrad never fails** on this grid, not even at 3, although its loss blows up there
#   too. The huge gradients of that blow-up stay in its sum, which never forgets: after
#   one epoch at lr = 3, its median effective learning rate is about what it is at
#   lr = 0.1 (lower, in both seeds here), although its lr is 30 times larger. The same
#   ever-falling step sizes make it slow at small learning rates: at 0.0001 it reaches
#   14%, no better than momentum.
# - **RMSprop and Adam are the only ones that learn much at 0.0001** (67% and 73%,
#   against at most 14% for the others), because they divide by the gradient's own size:
#   tiny gradients still give steps of about `lr`. Adam works over the widest range, a
#   factor of 100 from 0.001 to 0.1. RMSprop works from 0.001 to 0.03; at 0.1 it is near
#   the 90% line and may land on either side of it (see the note on edges below). Above
#   0.1 both break down fast, and at 1 both fail.
#
# So the adaptive methods move the good range down and widen it, but they do not remove
# the need to tune: at `lr = 1`, where SGD works, Adam and RMSprop both fail.
#
# A note on edges. Close to the edge of a good range, training is chaotic: change the last
# bit of a single number and, a few hundred steps later, the run has taken another path.
# Your CPU changes such bits. numpy hands every matrix product to OpenBLAS, which picks
# code tuned for the processor it finds, and code that adds the terms in another order
# rounds differently. Far from an edge, that moves a cell of the table by a few points at
# most, but a cell near 90% (RMSprop at 0.1) can land on either side of the line, and a
# seed that barely failed (momentum at 1) can survive elsewhere, or the other way round.
# That is why the claims above are about where each optimizer clearly works or clearly
# fails, and about what most runs do, never about the fate of one run at an edge.
#
# The momentum shift can be checked point by point, comparing momentum at `lr` with SGD
# at `10 lr`:

# %%
pairs = [
    (i, j)
    for i, lr in enumerate(SWEEP_LRS)
    for j, ten_lr in enumerate(SWEEP_LRS)
    if np.isclose(ten_lr, 10 * lr) and lr <= 0.01
]
for i, j in pairs:
    print(
        f"momentum at {SWEEP_LRS[i]:.0e}: {mean_accuracy['momentum'][i]:.1%}   "
        f"sgd at {SWEEP_LRS[j]:.0e}: {mean_accuracy['sgd'][j]:.1%}"
    )
if pairs:
    shift_gap = max(abs(mean_accuracy["momentum"][i] - mean_accuracy["sgd"][j]) for i, j in pairs)
    print(f"largest difference over these pairs: {100 * shift_gap:.1f} points")

# %% [markdown]
# Up to `lr = 0.01` for momentum, the two agree to within about one point. The factor
# of 10 is an upper bound: the buffer `b = g_t + 0.9 g_(t-1) + 0.9^2 g_(t-2) + ...` only
# adds up to 10 gradients while they keep pointing the same way.
#
# ## What to take away
#
# - Compare optimizers fairly: same network, same initial weights, same batches, and
#   several seeds before ranking them.
# - At a well-chosen learning rate, all five reach about 96% on the digits. Across the
#   grid, the learning rate matters far more than the choice of optimizer.
# - Every optimizer has a good range of learning rates. SGD's sits highest (0.1 to 1),
#   momentum's a decade lower, and Adam's and RMSprop's lowest and widest (0.001 to
#   0.1 for Adam; RMSprop's reaches 0.03 and is on the edge at 0.1). In this ReLU network
#   a too-large rate never gave `nan`: it killed nearly every hidden unit, leaving a
#   network that mostly predicts a single digit.
# - At the edge of a good range, whether a single run works is down to chance, and even
#   to the CPU's rounding. Judge an optimizer by what most runs do.
# - AdaGrad's memory makes it hard to break with a large learning rate and slow with a
#   small one.
#
# ## Exercises
#
# 1. Add `"adamw"` to `NAMES` and rerun. Does decoupled weight decay change the good range
#    on this problem? Then try a wider hidden layer (`HIDDEN = 256`): do the good ranges
#    move?
# 2. The budget matters: rerun the sweep with `SWEEP_EPOCHS = 3`. Which optimizers lose
#    the low end of their range? Which keep it, and can you explain why from their
#    effective learning rates in part 1?

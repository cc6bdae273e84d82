"""Tutorial 05: RMSprop, or AdaGrad with a memory that fades.

Run it as a script (figures go to tutorials/figures/, or to $MINIGRAD_FIGURES):

    python tutorials/05_rmsprop.py
    MINIGRAD_QUICK=1 python tutorials/05_rmsprop.py     # shorter runs, same code

or open it as a notebook (Jupyter with jupytext, or VS Code): every `# %%` starts a cell.
"""

# %% [markdown]
# # RMSprop: AdaGrad with a memory that fades
#
# AdaGrad gives every weight its own step size: it divides the gradient by the root of
# the *sum* of all the squared gradients that weight has seen. A weight with big gradients
# gets small steps, a weight with small gradients gets big ones. The catch is the sum: it
# only grows, so every weight's step size only shrinks, whether or not the weight is done
# learning.
#
# RMSprop, from Geoffrey Hinton's 2012 lecture course, changes one line. Instead of the
# sum it keeps a *moving average* of the squared gradients:
#
#     v <- alpha * v + (1 - alpha) * g^2
#     theta <- theta - lr * g / (sqrt(v) + eps)
#
# The average forgets old gradients at a steady rate, so the divisor tracks the *recent*
# size of the gradient instead of its whole history. This tutorial measures what that
# buys, and then walks through the details on which write-ups and libraries disagree:
# where eps goes, what "centered" means, what "momentum" means, and the defaults.
#
# Everything below uses minigrad's `optim.RMSprop` and `optim.Adagrad`, whose steps match
# PyTorch's for the same arguments.

# %%
import math
import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import data, nn, optim, plot

# ---- configuration ---------------------------------------------------------------------
QUICK = os.environ.get("MINIGRAD_QUICK", "") not in ("", "0")  # 1: short runs (for the test suite)
if os.environ.get("MINIGRAD_FIGURES"):  # where the figures go
    FIGURES = Path(os.environ["MINIGRAD_FIGURES"])
elif "__file__" in globals():
    FIGURES = Path(__file__).resolve().parent / "figures"
else:  # in a notebook started from the repository root
    FIGURES = Path("tutorials/figures")
FIGURES.mkdir(parents=True, exist_ok=True)
CONSTANT_STEPS = 1000  # section 2: steps with one constant gradient
PHASE1_STEPS = 200  # section 3: steps on the steep (100x) loss before the shift
PHASE2_STEPS = 400 if QUICK else 1000  # section 3: steps after the shift
SPIRAL_EPOCHS = 10 if QUICK else 60  # section 7: epochs on the spirals
DPI = 40 if QUICK else 100  # figure resolution (the committed PNGs are the full-mode ones)
LAYOUT = None if QUICK else "constrained"  # quick: skip the (slow) automatic spacing of the figures

ADAGRAD_COLOR, RMSPROP_COLOR, OTHER_COLOR = "#d62728", "#2ca02c", "#1f77b4"


def feed(optimizer, p, g):
    """One optimizer step with a gradient we choose ourselves (no loss needed):
    the optimizer only ever looks at p.grad."""
    p.grad = np.broadcast_to(np.asarray(g, dtype=p.dtype), p.shape).copy()
    optimizer.step()


def weight(value=0.0, size=1):
    """A fresh float64 parameter to experiment on."""
    return mg.Tensor(np.full(size, value, dtype=np.float64), requires_grad=True)


def save(fig, name):
    fig.savefig(FIGURES / name, dpi=DPI)
    print(f"wrote {FIGURES / name}")


# %% [markdown]
# ## 1. From a sum to a moving average
#
# Unroll the update. Starting from `v = 0`, after `t` steps
#
#     v_t = (1 - alpha) * (g_t^2 + alpha * g_{t-1}^2 + alpha^2 * g_{t-2}^2 + ...)
#
# so a squared gradient from `k` steps ago enters with weight `(1 - alpha) * alpha^k`.
# The weights fall geometrically. A handy rule of thumb: the average "remembers" about
# `1 / (1 - alpha)` steps, 10 for `alpha = 0.9` and 100 for `alpha = 0.99`. The reason is
# that `alpha^(1/(1-alpha))` is close to `1/e` for any alpha near 1, so that is how long it
# takes for an old gradient's weight to drop by a factor of e.
#
# Let us check both statements. First, how much of the total weight sits in the last
# `1 / (1 - alpha)` steps. Then a measurement on the real optimizer. No loss is needed for
# that: an optimizer only reads `p.grad`, so the helper `feed` above sets it to a gradient
# of our choosing and calls `step()`, and `optimizer.state[p]["square_avg"]` is `v`. Feed a
# gradient of 1 until `v` has settled, switch the gradient to 10 (so `g^2` jumps from 1
# to 100), and count the steps until the gap between `v` and its new level has shrunk by a
# factor e.
#
# For contrast, AdaGrad's *mean* square, `sum / t`, after the same jump, with 200 steps of
# history before it: its memory never fades, so its response depends on how long it has
# been running.

# %%
ALPHAS = (0.9, 0.99)


def steps_to_forget(alpha, before=1.0, after=10.0, settle=None, horizon=None):
    """Feed gradient `before` until v settles, then `after`; return the normalised gap
    (after^2 - v) / (after^2 - v_at_jump) per step and the first step where it is <= 1/e."""
    settle = settle or int(30 / (1 - alpha))
    horizon = horizon or int(5 / (1 - alpha))
    p = weight()
    optimizer = optim.RMSprop([p], alpha=alpha)
    for _ in range(settle):
        feed(optimizer, p, before)
    v_at_jump = optimizer.state[p]["square_avg"][0]
    gaps = []
    for _ in range(horizon):
        feed(optimizer, p, after)
        gaps.append((after**2 - optimizer.state[p]["square_avg"][0]) / (after**2 - v_at_jump))
    gaps = np.array(gaps)
    return gaps, int(np.argmax(gaps <= 1 / math.e)) + 1


def adagrad_steps_to_forget(history, before=1.0, after=10.0, horizon=2000):
    """The same jump for AdaGrad's mean square sum / t, after `history` steps at `before`."""
    p = weight()
    optimizer = optim.Adagrad([p])
    for _ in range(history):
        feed(optimizer, p, before)
    gaps = []
    for _ in range(horizon):
        feed(optimizer, p, after)
        state = optimizer.state[p]
        gaps.append((after**2 - state["sum"][0] / state["step"]) / (after**2 - before**2))
    gaps = np.array(gaps)
    return gaps, int(np.argmax(gaps <= 1 / math.e)) + 1


responses = {}
for alpha in ALPHAS:
    window = round(1 / (1 - alpha))
    share = 1 - alpha**window  # the weights (1 - alpha) alpha^k for k < window, summed
    gaps, steps = steps_to_forget(alpha)
    responses[alpha] = (gaps, steps)
    print(
        f"alpha = {alpha}: 1/(1-alpha) = {window} steps hold {share:.1%} of the weight; "
        f"after a jump in g^2, v closed all but 1/e of the gap in {steps} steps"
    )
ada_gaps, ada_steps = adagrad_steps_to_forget(200)
print(f"AdaGrad's mean square, after 200 steps of history, needed {ada_steps} steps for the same")

# %%
fig = Figure(figsize=(10, 3.8), layout=LAYOUT)
ax_w, ax_r = fig.subplots(1, 2)
k = np.arange(0, 301)
for alpha, color in zip(ALPHAS, (RMSPROP_COLOR, OTHER_COLOR), strict=True):
    window = round(1 / (1 - alpha))
    ax_w.plot(k, (1 - alpha) * alpha**k, color=color, label=f"alpha = {alpha}")
    ax_w.fill_between(k[: window + 1], 0, (1 - alpha) * alpha ** k[: window + 1], color=color, alpha=0.25)
    ax_w.annotate(
        f"last {window} steps:\n{1 - alpha**window:.0%} of the weight",
        xy=(window, (1 - alpha) * alpha**window),
        xytext=(window + 30, (1 - alpha) * alpha**window * (0.3 if alpha == 0.9 else 4)),
        arrowprops={"arrowstyle": "->", "color": color},
        color=color,
        fontsize=9,
    )
ax_w.set_yscale("log")
ax_w.set_ylim(1e-6, 0.2)
ax_w.set_xlabel("k, how many steps ago")
ax_w.set_ylabel("weight (1 - alpha) alpha^k in v")
ax_w.set_title("Weight of an old squared gradient in v")
ax_w.legend(loc="upper right")

for alpha, color in zip(ALPHAS, (RMSPROP_COLOR, OTHER_COLOR), strict=True):
    gaps, steps = responses[alpha]
    t = np.arange(1, len(gaps) + 1)
    ax_r.plot(t, gaps, color=color, label=f"RMSprop, alpha = {alpha}")
    ax_r.plot(steps, gaps[steps - 1], "o", color=color)
    ax_r.annotate(
        f"{steps} steps",
        xy=(steps, gaps[steps - 1]),
        xytext=(steps + 12, 0.5),
        color=color,
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": color},
    )
t = np.arange(1, len(ada_gaps) + 1)
ax_r.plot(t, ada_gaps, color=ADAGRAD_COLOR, label="AdaGrad sum / t (200 steps of history)")
ax_r.axhline(1 / math.e, color="grey", ls=":", lw=1)
ax_r.text(130, 1 / math.e - 0.05, "1/e of the gap left", fontsize=8, color="grey")
ax_r.set_xlim(0, 400)
ax_r.set_ylim(0, 1.02)
ax_r.set_xlabel("steps after g^2 jumps from 1 to 100")
ax_r.set_ylabel("gap to the new level (fraction)")
ax_r.set_title("How fast the average adapts to a new gradient size")
ax_r.legend(loc="upper right", fontsize=8)
save(fig, "05_moving_average.png")

# %% [markdown]
# The measured forgetting times are exactly `1 / (1 - alpha)`: 10 steps for 0.9 and 100
# for 0.99. And the last `1 / (1 - alpha)` steps carry about 63-65% of the weight, close to
# `1 - 1/e`. AdaGrad's mean square, after 200 steps of history, needs 344 steps to move as
# far, and the longer it has run, the longer it would take: its memory is its whole past.

# %% [markdown]
# ## 2. The effective learning rate with a constant gradient
#
# `optimizer.effective_lr()` returns the factor each coordinate's gradient was multiplied
# by in the last step: `lr / (sqrt(sum) + eps)` for AdaGrad and `lr / (sqrt(v) + eps)` for
# RMSprop. Feed both a constant gradient `g` and the difference is plain algebra:
#
# - AdaGrad's sum after `t` steps is `t g^2`, so its effective lr is `lr / (sqrt(t) |g|)`:
#   it falls forever, like `1/sqrt(t)`.
# - RMSprop's average is `(1 - alpha^t) g^2` (it starts at zero, and the geometric weights
#   sum to `1 - alpha^t`), so its effective lr is `lr / (sqrt(1 - alpha^t) |g| + eps)`. As
#   `alpha^t` vanishes it levels off at `lr / |g|`.
#
# Both with the same `lr = 0.01` and `g = 0.5`:

# %%
LR, G = 0.01, 0.5
t = np.arange(1, CONSTANT_STEPS + 1)
runs = {
    "AdaGrad": (optim.Adagrad, {}),
    "RMSprop, alpha 0.9": (optim.RMSprop, {"alpha": 0.9}),
    "RMSprop, alpha 0.99": (optim.RMSprop, {"alpha": 0.99}),
}
eff = {}
for name, (cls, options) in runs.items():
    p = weight()
    optimizer = cls([p], lr=LR, **options)
    trace = []
    for _ in t:
        feed(optimizer, p, G)
        trace.append(optimizer.effective_lr()[0])
    eff[name] = np.array(trace)

formula = {
    "AdaGrad": LR / (np.sqrt(t) * G + 1e-10),
    "RMSprop, alpha 0.9": LR / (np.sqrt(1 - 0.9**t) * G + 1e-8),
    "RMSprop, alpha 0.99": LR / (np.sqrt(1 - 0.99**t) * G + 1e-8),
}
for name in runs:
    error = np.max(np.abs(eff[name] / formula[name] - 1))
    print(
        f"{name:20s} effective lr at step {CONSTANT_STEPS}: {eff[name][-1]:.3g} "
        f"(largest relative difference from the formula: {error:.1e})"
    )
ratio = eff["RMSprop, alpha 0.9"][-1] / eff["AdaGrad"][-1]
print(
    f"lr/|g| = {LR / G:.3g}; after {CONSTANT_STEPS} steps AdaGrad's effective lr is {ratio:.1f}x below "
    f"RMSprop's (sqrt({CONSTANT_STEPS}) = {math.sqrt(CONSTANT_STEPS):.1f})"
)
first = {name: eff[name][0] / (LR / G) for name in runs}
print(
    f"first step, in units of lr/|g|: AdaGrad {first['AdaGrad']:.2f}, RMSprop alpha 0.9 "
    f"{first['RMSprop, alpha 0.9']:.2f}, alpha 0.99 {first['RMSprop, alpha 0.99']:.2f}"
)

# %%
fig = Figure(figsize=(7.5, 4.2), layout=LAYOUT)
ax = fig.add_subplot()
colors = {"AdaGrad": ADAGRAD_COLOR, "RMSprop, alpha 0.9": RMSPROP_COLOR, "RMSprop, alpha 0.99": OTHER_COLOR}
for name in runs:
    ax.plot(t, eff[name], color=colors[name], lw=2, label=f"{name} (measured)")
    ax.plot(t, formula[name], color="k", lw=0.8, ls=":")
ax.plot([], [], color="k", lw=0.8, ls=":", label="formula")
ax.axhline(LR / G, color="grey", lw=0.8, ls="--")
ax.text(1.2, LR / G * 1.12, "lr / |g|", color="grey", fontsize=9)
ax.annotate(
    "",
    xy=(CONSTANT_STEPS, LR / G),
    xytext=(CONSTANT_STEPS, eff["AdaGrad"][-1]),
    arrowprops={"arrowstyle": "<->", "color": "k"},
)
ax.text(
    CONSTANT_STEPS * 0.85,
    math.sqrt(eff["AdaGrad"][-1] * LR / G),
    f"{ratio:.1f}x\n= sqrt({CONSTANT_STEPS})",
    ha="right",
    va="center",
    fontsize=10,
)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("effective learning rate")
ax.set_title(f"Constant gradient g = {G}, same lr = {LR}:\nAdaGrad keeps decaying, RMSprop levels off at lr / |g|")
ax.legend(fontsize=8, loc="lower left")
save(fig, "05_effective_lr_constant.png")

# %% [markdown]
# After 1,000 steps AdaGrad's effective lr is 31.6 times smaller than RMSprop's, which is
# `sqrt(1000)`, and the gap keeps growing. RMSprop's sits on `lr / |g|`: its step,
# effective lr times `|g|`, is simply `lr`. That is the sense in which RMSprop makes the
# step size independent of the gradient's scale.
#
# Notice the start too. Because `v` starts at zero, RMSprop's first steps are *larger*
# than `lr / |g|`: by `1 / sqrt(1 - alpha)`, 3.16 times for alpha 0.9 and 10 times for
# alpha 0.99, and the excess fades as `alpha^t` vanishes. (Adam divides this bias out;
# RMSprop does not.)

# %% [markdown]
# ## 3. When the gradient's scale changes mid-training
#
# The moving average pays off when the size of the gradients changes. Gradients are often
# large early in training and small later, or change scale when the data changes. Here is
# the smallest version of that, a one-dimensional loss in two phases:
#
# 1. For the first 200 steps, `100 * (x - 0)^2 / 2`: a steep bowl with its minimum at 0.
#    The gradients are large, up to 100.
# 2. Then `(x - 1)^2 / 2`: a hundred times flatter, and the minimum moves to 1.
#
# Both optimizers start at `x = -1` with the same `lr = 0.1` and see the same losses.
# A third run, "AdaGrad restarted", starts a fresh AdaGrad at the moment of the shift,
# from where the first AdaGrad was: it shows what AdaGrad does on phase 2 without its
# memory of phase 1.

# %%
SHIFT_LR = 0.1


def two_phase_run(cls, phase1_steps, phase2_steps, start=-1.0, lr=SHIFT_LR):
    """Position, distance to the current minimum and effective lr after every step."""
    x = weight(start)
    optimizer = cls([x], lr=lr)
    positions, distance, rates = [], [], []
    for step in range(phase1_steps + phase2_steps):
        scale, target = (100.0, 0.0) if step < phase1_steps else (1.0, 1.0)
        loss = (scale * 0.5 * (x - target) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        positions.append(x.item())
        distance.append(abs(x.item() - target))
        rates.append(optimizer.effective_lr()[0])
    return np.array(positions), np.array(distance), np.array(rates)


def steps_to_reach(distance, tolerance):
    """How many steps until the distance first drops below tolerance (None: never)."""
    below = np.flatnonzero(distance < tolerance)
    return int(below[0]) + 1 if len(below) else None


ada_x, ada_dist, ada_rate = two_phase_run(optim.Adagrad, PHASE1_STEPS, PHASE2_STEPS)
rms_x, rms_dist, rms_rate = two_phase_run(optim.RMSprop, PHASE1_STEPS, PHASE2_STEPS)
_, fresh_dist, fresh_rate = two_phase_run(optim.Adagrad, 0, PHASE2_STEPS, start=ada_x[PHASE1_STEPS - 1])

TOL = 1e-3
n_rms = steps_to_reach(rms_dist[PHASE1_STEPS:], TOL)
n_fresh = steps_to_reach(fresh_dist, TOL)
n_ada = steps_to_reach(ada_dist[PHASE1_STEPS:], TOL)
last = PHASE1_STEPS - 1  # index of the last phase-1 step
print(
    f"end of phase 1: AdaGrad is {ada_dist[last]:.1e} from the minimum; RMSprop bounces between "
    f"{rms_x[last - 1]:+.4f} and {rms_x[last]:+.4f} with effective lr {rms_rate[last]:.4f} (2/100 = 0.02)"
)
print(
    f"first step after the shift, effective lr: AdaGrad {ada_rate[PHASE1_STEPS]:.1e}, "
    f"RMSprop {rms_rate[PHASE1_STEPS]:.3f}, restarted AdaGrad {fresh_rate[0]:.3f}"
)
print(f"30 steps later: AdaGrad {ada_rate[PHASE1_STEPS + 30]:.1e}, RMSprop {rms_rate[PHASE1_STEPS + 30]:.3f}")
print(
    f"steps after the shift to get within {TOL:g} of the new minimum: RMSprop {n_rms}, "
    f"restarted AdaGrad {n_fresh}, AdaGrad {n_ada if n_ada else f'none of {PHASE2_STEPS}'}"
)
print(
    f"AdaGrad's distance {PHASE2_STEPS} steps after the shift: {ada_dist[-1]:.2f} "
    f"(it started {abs(ada_x[PHASE1_STEPS - 1] - 1):.2f} away)"
)
print(f"RMSprop's last position: x = {float(rms_x[-1])!r} (exactly the minimum), effective lr {rms_rate[-1]:.3g}")

# %%
fig = Figure(figsize=(10, 6.5), layout=LAYOUT)
ax_d, ax_e = fig.subplots(2, 1, sharex=True)
steps = np.arange(1, PHASE1_STEPS + PHASE2_STEPS + 1)
landed = PHASE1_STEPS + int(np.flatnonzero(rms_dist[PHASE1_STEPS:] == 0)[0])  # index of RMSprop's landing
ax_d.plot(steps, ada_dist, color=ADAGRAD_COLOR, lw=2, label="AdaGrad")
ax_d.plot(steps, rms_dist, color=RMSPROP_COLOR, lw=2, label="RMSprop")
ax_d.plot(
    steps[PHASE1_STEPS:],
    fresh_dist,
    color=ADAGRAD_COLOR,
    lw=1.2,
    ls="--",
    label="AdaGrad restarted at the shift (no memory)",
)
ax_e.plot(steps, ada_rate, color=ADAGRAD_COLOR, lw=2, label="AdaGrad")
ax_e.plot(steps[:landed], rms_rate[:landed], color=RMSPROP_COLOR, lw=2, label="RMSprop")
ax_e.plot(
    steps[landed - 1 :],
    rms_rate[landed - 1 :],
    color=RMSPROP_COLOR,
    lw=1,
    alpha=0.5,
    label="RMSprop after landing (gradient exactly 0)",
)
ax_e.plot(steps[PHASE1_STEPS:], fresh_rate, color=ADAGRAD_COLOR, lw=1.2, ls="--", label="AdaGrad restarted")
for ax in (ax_d, ax_e):
    ax.axvline(PHASE1_STEPS + 0.5, color="k", lw=1, ls=":")
ax_d.text(PHASE1_STEPS / 2, 1.1, "phase 1: loss 100 (x - 0)^2 / 2", ha="center", fontsize=9)
ax_d.text(
    PHASE1_STEPS + PHASE2_STEPS / 2,
    1.1,
    "phase 2: loss (x - 1)^2 / 2, 100x flatter, new minimum",
    ha="center",
    fontsize=9,
)
ax_d.annotate(
    f"RMSprop within {TOL:g}\n{n_rms} steps after the shift",
    xy=(PHASE1_STEPS + n_rms, 0),
    xytext=(PHASE1_STEPS + n_rms + 40, 0.3),
    color=RMSPROP_COLOR,
    fontsize=9,
    arrowprops={"arrowstyle": "->", "color": RMSPROP_COLOR},
)
ax_d.annotate(
    f"AdaGrad still {ada_dist[-1]:.2f} away\nafter {PHASE2_STEPS} steps",
    xy=(steps[-1], ada_dist[-1]),
    xytext=(steps[-1] - 0.3 * PHASE2_STEPS, 0.52),
    color=ADAGRAD_COLOR,
    fontsize=9,
    arrowprops={"arrowstyle": "->", "color": ADAGRAD_COLOR},
)
ax_d.annotate(
    "RMSprop hops\nbetween +-lr/2",
    xy=(PHASE1_STEPS - 15, 0.06),
    xytext=(PHASE1_STEPS - 175, 0.42),
    color=RMSPROP_COLOR,
    fontsize=9,
    arrowprops={"arrowstyle": "->", "color": RMSPROP_COLOR},
)
ax_d.set_ylim(-0.03, 1.22)
ax_d.set_ylabel("distance to the current minimum")
ax_d.set_title(f"The gradient scale drops 100x after step {PHASE1_STEPS} (lr = {SHIFT_LR} for both)")
ax_d.legend(loc="center right", bbox_to_anchor=(1.0, 0.25), fontsize=8)
ax_e.axhline(SHIFT_LR / 1e-8, color="grey", lw=0.8, ls=":")
ax_e.text(steps[-1], SHIFT_LR / 1e-8 * 2, "lr / eps", ha="right", fontsize=8, color="grey")
ax_e.plot([1, PHASE1_STEPS], [2 / 100, 2 / 100], color="grey", lw=0.8, ls="--")
ax_e.text(PHASE1_STEPS - 5, 4e-3, "- - 2 / curvature = 0.02", fontsize=8, color="grey", ha="right", va="center")
ax_e.annotate(
    "AdaGrad still divides by\nthe phase-1 gradients",
    xy=(PHASE1_STEPS + 0.6 * PHASE2_STEPS, ada_rate[-1]),
    xytext=(PHASE1_STEPS + 0.45 * PHASE2_STEPS, 1e-4 / 30),
    color=ADAGRAD_COLOR,
    fontsize=9,
    arrowprops={"arrowstyle": "->", "color": ADAGRAD_COLOR},
)
ax_e.annotate(
    "v forgets phase 1,\neffective lr rises",
    xy=(PHASE1_STEPS + 25, rms_rate[PHASE1_STEPS + 24]),
    xytext=(PHASE1_STEPS + 60, 5e-5),
    color=RMSPROP_COLOR,
    fontsize=9,
    arrowprops={"arrowstyle": "->", "color": RMSPROP_COLOR},
)
ax_e.set_yscale("log")
ax_e.set_ylim(1e-6, 1e9)
ax_e.set_ylabel("effective learning rate")
ax_e.set_xlabel("step")
ax_e.legend(loc="upper left", fontsize=8)
save(fig, "05_scale_change.png")

# %% [markdown]
# The numbers tell the story. At the shift AdaGrad's sum is still full of the large
# phase-1 gradients, so its effective lr is about 3e-4, more than 300 times smaller than
# the 0.1 a fresh AdaGrad would start with, and it can never grow again: a thousand steps
# later AdaGrad is still 0.73 away from the new minimum. RMSprop's average forgets the
# old gradients within a few dozen steps, its effective lr grows more than fourfold in the
# first 30, and it is within 1e-3 of the new minimum 56 steps after the shift. The
# restarted AdaGrad needs 204 steps, so AdaGrad's rule is not the problem; its memory is.
#
# Two things in RMSprop's curves need a word.
#
# - **The bounce in phase 1.** RMSprop reaches the first minimum, is thrown back out, and
#   ends phase 1 hopping between -0.05 and +0.05. Close to a minimum the gradient shrinks
#   faster than `v` forgets it, so the effective lr grows. Plain gradient descent on a bowl
#   of curvature `c` is stable only with a learning rate below `2 / c`, here 2/100. Once
#   RMSprop's effective lr passes that, each step overshoots by more than it corrects, and
#   it settles where its effective lr is exactly 0.02: hopping by `lr` across the minimum,
#   `lr / 2` on either side. With a constant lr RMSprop keeps taking steps of about `lr`,
#   one reason it is usually combined with a learning-rate schedule.
# - **The climb after landing in phase 2.** Here RMSprop lands on `x = 1` exactly (floating
#   point numbers are spaced about 2e-16 apart near 1), where the gradient is exactly zero.
#   `v` then decays for good and the effective lr climbs to `lr / eps`, 1e7 here. It
#   multiplies a zero gradient, so nothing moves, but it shows the ceiling that eps sets,
#   the topic of the next section.

# %% [markdown]
# ## 4. eps inside or outside the square root
#
# eps keeps the division safe when `v` is zero. Where it goes is not agreed on. Many
# write-ups, and PyTorch, put it after the square root, `lr * g / (sqrt(v) + eps)`; others,
# and Keras and TensorFlow, put it under the root, `lr * g / sqrt(v + eps)`. minigrad does
# the first by default and the second with `eps_inside_sqrt=True`.
#
# When does it matter? With a steady gradient `v` is about `g^2`, so the two divisors are
#
#     outside:  |g| + eps          eps matters once |g| is as small as eps       (1e-8)
#     inside:   sqrt(g^2 + eps)    eps matters once g^2 is as small as eps, i.e.
#                                  |g| as small as sqrt(eps)                        (1e-4)
#
# For any gradient much larger than 1e-4 both divisors are `|g|`, and the two forms take
# the same step. For smaller gradients they part ways. As `g -> 0` the effective lr tends
# to `lr / eps` outside and to `lr / sqrt(eps)` inside, and the step to `lr * g / eps` and
# `lr * g / sqrt(eps)`: with eps = 1e-8 the outside form allows a ten-thousand times larger
# effective lr.
#
# To measure it, we give one parameter 131 coordinates, each with its own constant gradient
# from 1e-12 to 10, and run 400 steps so that `v` has settled to `g^2`.

# %%
magnitudes = np.logspace(-12, 1, 131)
EPS_LR = 1e-3


def settled_effective_lr(eps, inside, steps=400):
    p = weight(size=len(magnitudes))
    optimizer = optim.RMSprop([p], lr=EPS_LR, eps=eps, eps_inside_sqrt=inside)
    for _ in range(steps):
        feed(optimizer, p, magnitudes)
    return optimizer.effective_lr()


def where_eps_matters(rates, shrink=0.9):
    """The largest gradient at which the step (rate * |g|) is `shrink` times lr or less, by
    interpolating log |g| between grid points."""
    step = rates * magnitudes / EPS_LR
    i = np.flatnonzero(step <= shrink)[-1]
    x0, x1, y0, y1 = np.log10(magnitudes[i]), np.log10(magnitudes[i + 1]), step[i], step[i + 1]
    return 10 ** (x0 + (shrink - y0) * (x1 - x0) / (y1 - y0))


outside = settled_effective_lr(1e-8, inside=False)
inside = settled_effective_lr(1e-8, inside=True)
keras = settled_effective_lr(1e-7, inside=True)
ordinary = magnitudes >= 1e-3
gap_ordinary = np.max(np.abs(inside[ordinary] / outside[ordinary] - 1))
print(f"|g| >= 1e-3: the two forms' effective lrs differ by at most {gap_ordinary:.2%}")
matter = {
    name: where_eps_matters(rates)
    for name, rates in (
        ("outside, eps 1e-8", outside),
        ("inside, eps 1e-8", inside),
        ("inside, eps 1e-7 (Keras)", keras),
    )
}
for name, value in matter.items():
    print(f"{name:26s}: the step is 10% below lr once |g| < {value:.1e}")
print(
    f"smallest |g| ({magnitudes[0]:.0e}): effective lr outside {outside[0]:.3g} (lr/eps = {EPS_LR / 1e-8:.3g}), "
    f"inside {inside[0]:.3g} (lr/sqrt(eps) = {EPS_LR / 1e-4:.3g}): {outside[0] / inside[0]:.0f}x apart"
)
i = np.argmin(np.abs(magnitudes - 1e-5))
print(
    f"at |g| = 1e-5 the step is {outside[i] * magnitudes[i] / EPS_LR:.2f} lr outside, "
    f"{inside[i] * magnitudes[i] / EPS_LR:.2f} lr inside"
)

# %%
fig = Figure(figsize=(10, 4), layout=LAYOUT)
ax_l, ax_s = fig.subplots(1, 2)
curves = (
    ("eps outside, 1e-8 (PyTorch)", outside, RMSPROP_COLOR, "-"),
    ("eps inside, 1e-8", inside, OTHER_COLOR, "-"),
    ("eps inside, 1e-7 (Keras default)", keras, OTHER_COLOR, "--"),
)
ax_l.plot(magnitudes, 1 / magnitudes, color="grey", lw=0.8, ls=":", label="1 / |g| (no eps)")
for label, rates, color, style in curves:
    ax_l.plot(magnitudes, rates / EPS_LR, color=color, ls=style, lw=2, label=label)
    ax_s.plot(magnitudes, rates * magnitudes / EPS_LR, color=color, ls=style, lw=2, label=label)
for ax in (ax_l, ax_s):
    ax.axvline(1e-8, color=RMSPROP_COLOR, lw=0.8, ls=":")
    ax.axvline(1e-4, color=OTHER_COLOR, lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("gradient magnitude |g|")
ax_l.text(1.3e-8, 3e-1, "|g| = eps", color=RMSPROP_COLOR, fontsize=8, rotation=90)
ax_l.text(1.3e-4, 3e-1, "|g| = sqrt(eps)", color=OTHER_COLOR, fontsize=8, rotation=90)
ax_l.text(2e-12, 1 / 1e-8 * 2, "cap 1/eps", color=RMSPROP_COLOR, fontsize=8)
ax_l.text(2e-12, 1 / 1e-4 * 2, "cap 1/sqrt(eps)", color=OTHER_COLOR, fontsize=8)
ax_l.set_yscale("log")
ax_l.set_ylim(1e-2, 1e10)
ax_l.set_ylabel("effective lr / lr  =  1 / divisor")
ax_l.set_title("Effective learning rate, v settled at g^2")
ax_l.legend(fontsize=8, loc="upper right")
ax_s.set_ylim(-0.03, 1.08)
ax_s.set_ylabel("step size / lr")
ax_s.set_title("Step taken: the same for ordinary gradients")
ax_s.legend(fontsize=8, loc="center right")
save(fig, "05_eps.png")

# %% [markdown]
# For every gradient of 1e-3 or more the two forms agree to within 0.5%, and the curves lie
# on top of each other. Below that they split where the derivation says. With eps under
# the root the step is already 10% short of `lr` at `|g|` of about 2e-4 (twice
# `sqrt(eps) = 1e-4`); with eps outside that happens only at about 9e-8 (nine times eps).
# Keras' default eps of 1e-7 moves its threshold up to about 6.6e-4.
#
# So the choice matters for weights whose gradients are tiny but not zero. At `|g| = 1e-5`
# the outside form still takes a full step of `lr`, the inside form a tenth of that: it
# quietly damps such weights. eps also sets the ceiling on the effective lr when the
# gradient vanishes, the climb you saw at the end of section 3: `lr / eps = 1e8 lr`
# outside against `lr / sqrt(eps) = 1e4 lr` inside. Neither form is "right"; they are
# different algorithms for small gradients, and code ported between libraries should keep
# track of which one it uses.

# %% [markdown]
# ## 5. Two variants: centered, and momentum
#
# ### Centered RMSprop
#
# Alex Graves (2013) proposed dividing by an estimate of the gradient's *spread* rather than
# its raw size. Keep a moving average `m` of the gradient itself next to `v`; then
# `v - m^2` estimates the gradient's variance, and the divisor becomes `sqrt(v - m^2) + eps`
# (`optim.RMSprop(..., centered=True)`).
#
# Since `v - m^2 <= v`, centered steps are never smaller, and they are much larger when
# the gradient is consistent: if every gradient is about the same, `m^2` is close to `v`
# and the divisor is small. For a noisy gradient with mean zero, `m` stays near zero and
# the two variants agree. We feed both variants the same two gradient streams: a
# consistent one, 1 plus noise of size 0.1, and pure noise of size 1.

# %%
CENTER_STEPS = 300
rng = np.random.default_rng(0)
noise = rng.standard_normal(CENTER_STEPS)
streams = {"consistent: 1 + 0.1 noise": 1.0 + 0.1 * noise, "pure noise: 1.0 noise": noise}
centered_runs = {}
for stream_name, grads in streams.items():
    for centered in (False, True):
        p = weight()
        optimizer = optim.RMSprop([p], lr=1e-3, centered=centered)
        trace = []
        for g in grads:
            feed(optimizer, p, g)
            trace.append(optimizer.effective_lr()[0])
        centered_runs[stream_name, centered] = (np.array(trace), abs(p.item()))
settle = slice(100, None)
for stream_name in streams:
    plain, plain_moved = centered_runs[stream_name, False]
    cent, cent_moved = centered_runs[stream_name, True]
    print(
        f"{stream_name}: median effective lr over steps 100-{CENTER_STEPS}: plain {np.median(plain[settle]):.2e}, "
        f"centered {np.median(cent[settle]):.2e} ({np.median(cent[settle]) / np.median(plain[settle]):.1f}x); "
        f"distance moved: plain {plain_moved:.3f}, centered {cent_moved:.3f}"
    )

# An exactly constant gradient has no variance at all: v - m^2 shrinks towards zero.
constant_rates = {}
for g in (1.0, 0.1):
    p = weight()
    optimizer = optim.RMSprop([p], lr=1e-3, centered=True)
    with np.errstate(invalid="ignore"):  # sqrt of a negative number, see below
        for _ in range(CENTER_STEPS + 100):
            feed(optimizer, p, g)
            rate = optimizer.effective_lr()[0]
            if not np.isfinite(rate):
                break
    constant_rates[g] = rate, optimizer.state[p]["step"]
rate, n = constant_rates[1.0]
print(f"constant g = 1: after {n} steps centered's effective lr is {rate:.3g}, {rate / 1e-3:.1e} times lr")
rate, n = constant_rates[0.1]
print(f"constant g = 0.1: at step {n} v - m^2 rounded below zero and the effective lr became {rate}")

# %%
fig = Figure(figsize=(10, 3.8), layout=LAYOUT)
axes = fig.subplots(1, 2, sharey=True)
for ax, stream_name in zip(axes, streams, strict=True):
    for centered, color, label in (
        (False, RMSPROP_COLOR, "plain: sqrt(v)"),
        (True, OTHER_COLOR, "centered: sqrt(v - m^2)"),
    ):
        trace, _ = centered_runs[stream_name, centered]
        ax.plot(np.arange(1, CENTER_STEPS + 1), trace, color=color, lw=1.5, label=label)
    ratio_c = np.median(centered_runs[stream_name, True][0][settle]) / np.median(
        centered_runs[stream_name, False][0][settle]
    )
    ax.set_title(f"gradient = {stream_name}\ncentered / plain = {ratio_c:.1f}x (median, steps 100+)")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.legend(fontsize=8, loc="upper right")
axes[0].set_ylabel("effective learning rate (lr = 1e-3)")
save(fig, "05_centered.png")

# %% [markdown]
# With the consistent gradient the centered variant's effective lr is about ten times the
# plain one (the gradient's mean is ten times its spread), and it travels almost nine times
# as far in the same 300 steps (it first has to learn that the gradient is consistent).
# With pure noise the two are within a few percent of each other.
#
# The flip side shows with an exactly constant gradient, which has no spread at all: the
# divisor falls towards eps and the effective lr explodes, to about 3e7 times lr after
# 400 steps with `g = 1`. With `g = 0.1`, rounding even made `v - m^2` slightly
# negative at step 331, and the square root returned nan. PyTorch's centered RMSprop
# computes the same `sqrt(v - m^2)` and runs the same risk. Centered RMSprop is meant for
# noisy mini-batch gradients; on a noise-free toy problem, use the plain form.
#
# ### Momentum, two meanings
#
# "Momentum" is used loosely around RMSprop. Some write-ups describe RMSprop as AdaGrad
# combined with momentum, meaning the moving average itself, and some libraries' docs call
# the decay rate `alpha` "momentum" (Keras calls it `rho`). None of that is the
# `momentum` argument of `optim.RMSprop`. That one adds a separate velocity buffer `b`:
#
#     b <- momentum * b + g / d            (d = sqrt(v) + eps)
#     theta <- theta - lr * b
#
# PyTorch and minigrad keep `lr` outside the buffer, as written above. Keras folds it in:
# `b <- momentum * b + lr * g / d`, then `theta <- theta - b`. While `lr` is constant the
# two are the same algorithm (multiply the first buffer by `lr` and you get the second).
# When `lr` changes they differ: in the PyTorch form the new lr applies at once to the whole
# velocity, in the Keras form the velocity built at the old lr keeps coasting and decays at
# the rate `momentum`.
#
# Below, a constant gradient, `momentum = 0.9`, and `StepLR` cutting the lr tenfold after
# 40 steps, against a line-by-line numpy transcription of the Keras form. To compare the
# momentum conventions alone, minigrad runs with eps inside the root as Keras does.

# %%
MOMENTUM_STEPS, CUT_AT, LR0 = 75, 40, 0.01  # fewer than 2 * CUT_AT steps: a single cut


def keras_rmsprop(grads, lrs, rho=0.9, momentum=0.9, eps=1e-7):
    """Keras' RMSprop with momentum, transcribed: eps under the root, lr inside the buffer."""
    theta = v = b = 0.0
    path = []
    for g, lr in zip(grads, lrs, strict=True):
        v = rho * v + (1 - rho) * g * g
        b = momentum * b + lr * g / np.sqrt(v + eps)
        theta = theta - b
        path.append(theta)
    return np.array(path)


p = weight()
optimizer = optim.RMSprop([p], lr=LR0, alpha=0.9, eps=1e-7, momentum=0.9, eps_inside_sqrt=True)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=CUT_AT, gamma=0.1)
lrs, torch_path = [], []
for _ in range(MOMENTUM_STEPS):
    lrs.append(optimizer.param_groups[0]["lr"])
    feed(optimizer, p, 1.0)
    scheduler.step()  # once per step here (usually once per epoch)
    torch_path.append(p.item())
torch_path = np.array(torch_path)
keras_path = keras_rmsprop(np.ones(MOMENTUM_STEPS), lrs)
torch_steps = np.abs(np.diff(np.concatenate([[0.0], torch_path])))
keras_steps = np.abs(np.diff(np.concatenate([[0.0], keras_path])))
before = np.max(np.abs(torch_path[:CUT_AT] - keras_path[:CUT_AT]))
print(f"lr {lrs[0]} for steps 1-{CUT_AT}, then {lrs[CUT_AT]:.3g}")
print(f"steps 1-{CUT_AT}: positions agree to {before:.1e}")
print(
    f"first step after the cut: minigrad/PyTorch moves {torch_steps[CUT_AT]:.4f}, Keras {keras_steps[CUT_AT]:.4f} "
    f"({keras_steps[CUT_AT] / torch_steps[CUT_AT]:.1f}x)"
)
travelled_torch = torch_path[-1] - torch_path[CUT_AT - 1]
travelled_keras = keras_path[-1] - keras_path[CUT_AT - 1]
print(
    f"distance travelled after the cut: minigrad/PyTorch {abs(travelled_torch):.3f}, Keras {abs(travelled_keras):.3f}"
)
excess = keras_steps[CUT_AT:] - torch_steps[CUT_AT:]
print(f"Keras' extra step shrinks by a factor {np.median(excess[1:] / excess[:-1]):.3f} per step after the cut")

# %%
fig = Figure(figsize=(8, 4), layout=LAYOUT)
ax = fig.add_subplot()
steps = np.arange(1, MOMENTUM_STEPS + 1)
ax.plot(steps, torch_steps, color=RMSPROP_COLOR, lw=2.5, label="minigrad / PyTorch: theta -= lr * b")
ax.plot(steps, keras_steps, color=OTHER_COLOR, lw=1.5, ls="--", label="Keras form: b includes lr; theta -= b")
ax.axvline(CUT_AT + 0.5, color="k", lw=1, ls=":")
ax.text(CUT_AT + 1.5, 0.15, f"StepLR: lr {LR0} -> {LR0 / 10:g}", fontsize=9)
ax.annotate(
    f"{keras_steps[CUT_AT] / torch_steps[CUT_AT]:.1f}x larger step:\nold velocity keeps coasting",
    xy=(CUT_AT + 1, keras_steps[CUT_AT]),
    xytext=(CUT_AT + 12, 0.05),
    color=OTHER_COLOR,
    fontsize=9,
    arrowprops={"arrowstyle": "->", "color": OTHER_COLOR},
)
ax.set_yscale("log")
ax.set_ylim(3e-3, 0.3)
ax.set_xlabel("step")
ax.set_ylabel("step size |theta_t - theta_(t-1)|")
ax.set_title("RMSprop with momentum 0.9, constant gradient: same steps until the lr changes")
ax.legend(fontsize=8, loc="lower left")
save(fig, "05_momentum_lr_change.png")

# %% [markdown]
# Until the cut, the two forms agree to rounding error. On the first step after it the
# PyTorch form moves 10 times less than before, while the Keras form still moves 9.1 times
# as far as the PyTorch form. Its extra step shrinks by the factor `momentum = 0.9` per
# step, so it coasts on for a few tens of steps: over the 35 steps after the cut the Keras
# form travels 1.16 against 0.35. Neither is a bug, but a schedule tuned for one library
# does not transfer exactly to the other.

# %% [markdown]
# ## 6. Defaults
#
# | | minigrad | PyTorch | Keras / TensorFlow |
# |---|---|---|---|
# | lr | 1e-3 | 1e-2 | 1e-3 |
# | decay (`alpha` / `rho`) | 0.9 | 0.99 | 0.9 |
# | eps | 1e-8, outside the root | 1e-8, outside | 1e-7, inside |
# | momentum | 0 (lr outside the buffer) | 0 (lr outside) | 0 (lr inside) |
#
# minigrad follows Hinton's lecture, lr 1e-3 and decay 0.9; pass `lr=1e-2, alpha=0.99`
# to get PyTorch's. The decay rate is the one to watch: 0.99 means a memory of about 100
# steps instead of 10 (section 1), and a first step 10 times `lr / |g|` rather than 3.16
# times (section 2).

# %%
defaults = optim.RMSprop([weight()]).defaults
print({name: defaults[name] for name in ("lr", "alpha", "eps", "momentum", "centered", "eps_inside_sqrt")})

# %% [markdown]
# ## 7. On a real network
#
# Finally, the same comparison on real training: a 2-64-64-3 network on the three-armed
# spirals, trained by `mg.compare` with AdaGrad and RMSprop from the same initial weights
# on the same batches (each with the learning rate `mg.compare` uses for it, 0.05 and
# 0.003). `fit` records, after every step, the median effective lr over the weights that
# received a gradient.

# %%
X, y = data.make_spirals(300, noise=0.2, seed=0)
X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.2, seed=0)


def network():
    return nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))


result = mg.compare(
    network,
    X_train,
    y_train,
    optimizers=["adagrad", "rmsprop"],
    epochs=SPIRAL_EPOCHS,
    validation_data=(X_test, y_test),
    verbose=False,
)
print(result.format_table())
medians = {name: np.array(histories[0].effective_lr)[:, 0] for name, histories in result.histories().items()}
for name, median in medians.items():
    print(
        f"{name}: median effective lr at step 10 {median[9]:.3g}, lowest {median.min():.3g}, "
        f"last {median[-1]:.3g} (step 10 / last = {median[9] / median[-1]:.2f}, "
        f"last / lowest = {median[-1] / median.min():.2f})"
    )

# %%
fig = Figure(figsize=(10, 7.5), layout=LAYOUT)
grid = fig.add_gridspec(2, 2)
plot.loss_curves(result, ax=fig.add_subplot(grid[0, 0]))
ax_lr = plot.effective_lr_curves(result, ax=fig.add_subplot(grid[0, 1]))
ax_lr.set_title("Effective learning rate (median, 10-90% band)")
end = len(medians["adagrad"]) - 1
ax_lr.annotate(
    "AdaGrad: only goes down",
    xy=(end, medians["adagrad"][end]),
    xytext=(0.45 * end, 0.25),
    color=ADAGRAD_COLOR,
    fontsize=9,
    arrowprops={"arrowstyle": "->", "color": ADAGRAD_COLOR},
)
ax_lr.annotate(
    "RMSprop: back up as\nthe gradients shrink",
    xy=(end, medians["rmsprop"][end]),
    xytext=(0.3 * end, 20),
    color=RMSPROP_COLOR,
    fontsize=9,
    arrowprops={"arrowstyle": "->", "color": RMSPROP_COLOR},
)
for column, name in enumerate(result.runs):
    run = result.runs[name][0]
    plot.decision_boundary(
        run.model,
        X_train,
        y_train,
        ax=fig.add_subplot(grid[1, column]),
        title=f"{name}: test accuracy {run.history.final_accuracy:.1%}",
    )
fig.suptitle(f"AdaGrad vs RMSprop on the spirals, {SPIRAL_EPOCHS} epochs (below: decision regions, training points)")
save(fig, "05_spirals.png")

# %% [markdown]
# The picture on real training matches the toy ones. AdaGrad's median effective lr only
# goes down: it ends at its lowest value, 3.8 times below where it was at step 10. RMSprop's
# goes down at first, while the gradients are large, and then *up* again, to 2.9 times its
# lowest value by the end: as the network fits the data its gradients shrink, and RMSprop
# answers with larger effective lrs, so its steps do not shrink with the gradients.
#
# Be careful with what this does and does not show. On this small, fixed problem AdaGrad's
# decay does not hurt: in 480 steps its effective lr falls only 3.8-fold, and both reach a
# low loss (AdaGrad's test accuracy is even a little higher here). RMSprop's advantage
# shows in long runs and on objectives that change under the optimizer, like section 3's.
# That is everyday life in deep learning: the data are sampled, the layers below keep
# changing, and gradients shrink as a network learns.

# %% [markdown]
# ## What to take away
#
# - RMSprop is AdaGrad with the sum of squared gradients replaced by a moving average. Its
#   memory is about `1 / (1 - alpha)` steps: 10 for 0.9, 100 for 0.99.
# - With a steady gradient RMSprop's effective lr settles at `lr / |g|` (its step at
#   `lr`), while AdaGrad's keeps falling like `1 / sqrt(t)`.
# - When the gradient scale changes, RMSprop adapts within its window; AdaGrad carries
#   the old scale for ever and can stall.
# - eps outside the root (PyTorch) and inside (Keras) agree for gradients above about
#   1e-3 and differ below about 1e-4; they also cap the effective lr differently.
# - Centered RMSprop divides by the gradient's spread, so consistent gradients get larger
#   steps. The momentum option is a separate velocity buffer, and PyTorch and Keras put lr
#   in different places in it, which matters once the lr changes.
#
# ## Exercises
#
# 1. In section 3, give AdaGrad a larger lr (try 0.3 and 1.0). Does it still stall after
#    the shift? What happens in phase 1? Is there a single lr that works for both phases?
# 2. Run section 3's RMSprop with `alpha=0.99` (PyTorch's default). Predict from section 1
#    how much longer it takes to recover after the shift, then measure it.
# 3. Train the spirals network with RMSprop and `eps_inside_sqrt=True, eps=1e-7`, and
#    record what fraction of gradient coordinates fall below `sqrt(eps)` during training.
#    Do the two eps conventions end at different losses?

# %% [markdown]
# # 06 · RMSprop: AdaGrad with a memory that fades
#
# AdaGrad (tutorial 04) gives every weight its own learning rate by dividing its gradient by
# the root of the *sum* of all the squared gradients that weight has seen. The sum only
# grows, so every one of these rates only shrinks, whether or not the weight is done learning.
#
# RMSprop, from Geoffrey Hinton's 2012 lecture course (Neural Networks for Machine
# Learning, lecture 6e), changes one line: it keeps a *moving average* of the squared
# gradients instead of their sum. (Tutorial 05 showed the lecture's reason for it: Rprop,
# which steps by the gradient's sign alone, goes wrong on mini-batches.) In the form
# PyTorch's `torch.optim.RMSprop` uses:
#
#     v <- alpha * v + (1 - alpha) * g^2          (v starts at 0)
#     theta <- theta - lr * g / (sqrt(v) + eps)
#
# The average forgets old gradients at a steady rate, so the divisor follows the *recent*
# size of the gradient. In this tutorial we
#
# 1. write the rule in numpy and check it against `optim.RMSprop`, step for step;
# 2. measure how long the average remembers (its window of about `1 / (1 - alpha)` steps);
# 3. see the effective learning rate level off where AdaGrad's keeps falling;
# 4. change the gradient's scale in the middle of training: AdaGrad stalls, RMSprop recovers;
#    then watch the two race on Rosenbrock's valley, where the scale changes by itself;
# 5. train a small network on the spirals with both.
#
# Tutorial 07 takes up the details on which write-ups and libraries disagree: where eps
# goes, what "momentum" means, and the centered variant.
#
# Run it as a script (`python tutorials/06_rmsprop.py`) or open it as a notebook in
# Jupyter (jupytext) or VS Code.

# %%
import math
import os

import numpy as np
from exercises.update_rule import check_update_rule
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import data, nn, optim, plot

# ----------------------------------------------------------------------------- config
QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: shorter runs through the same code and claims
CONSTANT_STEPS = 1000  # section 3: steps with one constant gradient
PHASE1_STEPS = 200  # section 4: steps on the steep loss before the shift
PHASE2_STEPS = 400 if QUICK else 1000  # section 4: steps after the shift
SPIRAL_EPOCHS = 60  # section 5: epochs on the spirals (about a second per optimizer)
DPI = 100  # figure resolution
ADAGRAD, RMSPROP, OTHER = plot.COLORS["adagrad"], plot.COLORS["rmsprop"], plot.COLORS["sgd"]


def weight(value=0.0, size=1):
    """A fresh float64 parameter to experiment on."""
    return mg.Tensor(np.full(size, value, dtype=np.float64), requires_grad=True)


def feed(optimizer, p, g):
    """One optimizer step with a gradient we choose (no loss needed: an optimizer only reads p.grad)."""
    p.grad = np.broadcast_to(np.asarray(g, dtype=p.dtype), p.shape).copy()
    optimizer.step()


# %% [markdown]
# ## 1. Write the rule yourself first
#
# Before using the library's optimizer, write the two lines above in numpy. Try it
# yourself first; here is one way. `state` is a dict that starts empty and is kept from one
# step to the next, so `v` lives there.

# %%
def rmsprop_step(theta, grad, state, lr, alpha, eps):
    v = state.get("v", np.zeros_like(theta))
    v = alpha * v + (1 - alpha) * grad**2  # moving average of the squared gradient
    state["v"] = v
    return theta - lr * grad / (np.sqrt(v) + eps)


# PyTorch's defaults (lr 0.01, alpha 0.99), then minigrad's (alpha 0.9 from Hinton's lecture, lr 0.001 from Keras)
check_update_rule(rmsprop_step, optim.RMSprop, {"lr": 0.01, "alpha": 0.99, "eps": 1e-8})
check_update_rule(rmsprop_step, optim.RMSprop, {"lr": 0.001, "alpha": 0.9, "eps": 1e-8})

# %% [markdown]
# `check_update_rule` runs your function and `optim.RMSprop` side by side on a bowl with
# noisy gradients, and stops at the first step where they differ. From here on we use the
# library's class; `help(optim.RMSprop)` shows the same rule, with its options.
#
# ## 2. From a sum to a moving average
#
# Unroll the update. Starting from `v = 0`, after `t` steps
#
#     v_t = (1 - alpha) * (g_t^2 + alpha * g_{t-1}^2 + alpha^2 * g_{t-2}^2 + ...)
#
# so a squared gradient from `k` steps ago counts with weight `(1 - alpha) * alpha^k`: the
# weights fall geometrically, and over a long run they add up to 1 (`1 - alpha^t` after `t`
# steps), so `v` is a true weighted average. Three numbers describe how long it remembers:
#
# - the **window**, about `1 / (1 - alpha)` steps (10 for `alpha = 0.9`, 100 for `0.99`):
#   for alpha near 1, `alpha^(1 / (1 - alpha))` is close to `1/e`, so that is how long an
#   old gradient's weight takes to shrink by a factor e;
# - the **mean age** of the weights, `sum_k k (1 - alpha) alpha^k = alpha / (1 - alpha)`
#   steps (9 and 99): the window minus one, since the newest gradient has age 0;
# - the **half-life**, `ln 0.5 / ln alpha` steps (6.6 for 0.9, 69 for 0.99): how long a
#   weight takes to halve. It is shorter than the window, by a factor of about `ln 2`.
#
# Some popular texts get this wrong. The RMSProp section of *Dive into Deep Learning*
# (d2l), for one, calls `1 / gamma` (its name for our `1 / alpha`) the half-life of an
# observation: about 1.1 steps for 0.9, when a weight in fact takes 6.6 steps to halve;
# `1 / alpha` is the factor by which a weight shrinks in *one* step, not a time.
#
# We check the numbers twice: from the weights themselves, and by a measurement on the
# real optimizer, where `optimizer.state[p]["square_avg"]` is `v`. Feed a gradient of 1
# until `v` has settled, switch to 10 (so `g^2` jumps from 1 to 100), and count the steps
# until the gap between `v` and its new level has halved, and until it has shrunk by a
# factor e. For contrast, AdaGrad's *mean* square `sum / t` after the same jump: its memory
# never fades, so its answer depends on how long it has been running.

# %%
ALPHAS = (0.9, 0.99)


def jump_response(make_optimizer, mean_square, history, horizon, before=1.0, after=10.0):
    """Feed `before` for `history` steps, then `after`; return the gap (after^2 - mean square)
    as a fraction of the gap at the jump, after each step, and the first steps it is <= 1/e and <= 1/2."""
    p = weight()
    optimizer = make_optimizer(p)
    for _ in range(history):
        feed(optimizer, p, before)
    at_jump = mean_square(optimizer.state[p])
    gaps = []
    for _ in range(horizon):
        feed(optimizer, p, after)
        gaps.append((after**2 - mean_square(optimizer.state[p])) / (after**2 - at_jump))
    gaps = np.array(gaps)
    return gaps, int(np.argmax(gaps <= 1 / math.e)) + 1, int(np.argmax(gaps <= 0.5)) + 1


responses = {}
for alpha in ALPHAS:
    window = round(1 / (1 - alpha))
    k = np.arange(20 * window)  # ages of the weights; older ones add less than alpha^(20 window) < 1e-8
    weights = (1 - alpha) * alpha**k
    share = 1 - alpha**window  # the weights (1 - alpha) alpha^k for k < window, summed
    mean_age, half_life = np.sum(k * weights) / np.sum(weights), math.log(0.5) / math.log(alpha)
    responses[alpha] = jump_response(
        lambda p, alpha=alpha: optim.RMSprop([p], alpha=alpha), lambda s: s["square_avg"][0],
        history=10 * window, horizon=5 * window,
    )  # fmt: skip
    _, steps, halved = responses[alpha]
    print(f"alpha = {alpha}: weights sum to {np.sum(weights):.6f}, mean age {mean_age:.2f} steps, "
          f"half-life {half_life:.2f} steps (d2l's 1/alpha: {1 / alpha:.2f}); the last {window} steps hold "
          f"{share:.1%} of the weight")  # fmt: skip
    print(f"    after the jump, v closed half the gap in {halved} steps and all but 1/e of it in {steps} steps")
    assert abs(np.sum(weights) - 1) < 1e-6 and abs(mean_age - alpha / (1 - alpha)) < 1e-4, "not a weighted average"
    assert halved == math.ceil(half_life), "the gap did not halve in ln 0.5 / ln alpha steps"
    assert halved > 5 / alpha, "the half-life came out close to 1 / alpha after all"
    assert abs(steps - window) <= 1 and 0.6 < share < 0.7, "the window is not about 1 / (1 - alpha)"

adagrad_forget = {}
for history in (200, 400):
    adagrad_forget[history] = jump_response(
        lambda p: optim.Adagrad([p]), lambda s: s["sum"][0] / s["step"], history=history, horizon=2 * history
    )
    print(f"AdaGrad's sum / t, after {history} steps of history, needed {adagrad_forget[history][1]} steps")
assert adagrad_forget[200][1] > 3 * responses[0.99][1], "AdaGrad forgot as fast as RMSprop with alpha 0.99"
assert adagrad_forget[400][1] > 1.8 * adagrad_forget[200][1], "AdaGrad's memory did not grow with its history"

# %%
fig = Figure(figsize=(10, 3.8), layout="constrained")
ax_w, ax_r = fig.subplots(1, 2)
k = np.arange(0, 301)
for alpha, color in zip(ALPHAS, (RMSPROP, OTHER), strict=True):
    window = round(1 / (1 - alpha))
    ax_w.plot(k, (1 - alpha) * alpha**k, color=color, label=f"alpha = {alpha}")
    ax_w.fill_between(k[: window + 1], 1e-9, (1 - alpha) * alpha ** k[: window + 1], color=color, alpha=0.25)
    note = f"last {window} steps (shaded):\n{1 - alpha**window:.0%} of the weight"
    offset = (30, 8 if alpha == 0.9 else 15)
    plot.mark_point(ax_w, window, (1 - alpha) * alpha**window, note, color=color, offset=offset)
ax_w.set(yscale="log", ylim=(1e-6, 1), xlabel="k, how many steps ago", ylabel="weight (1 - alpha) alpha^k in v",
         title="Weight of an old squared gradient in v")  # fmt: skip
ax_w.legend(loc="lower right")
plot.step_curves(
    {f"RMSprop, alpha = {alpha}": responses[alpha][0] for alpha in ALPHAS}
    | {"AdaGrad sum / t, after 200 steps": adagrad_forget[200][0]},
    ax=ax_r, log=False, ylabel="gap to the new level (fraction)",
    colors={f"RMSprop, alpha = {alpha}": c for alpha, c in zip(ALPHAS, (RMSPROP, OTHER), strict=True)},
    references={"1/e of the gap left": 1 / math.e},
)  # fmt: skip
for (gaps, steps, _), color in [(responses[0.9], RMSPROP), (responses[0.99], OTHER), (adagrad_forget[200], ADAGRAD)]:
    plot.mark_point(ax_r, steps, gaps[steps - 1], f"{steps} steps", color=color, offset=(8, 18))
ax_r.set(xlim=(0, 400), ylim=(0, 1.02), xlabel="steps after g^2 jumps from 1 to 100",
         title="How fast the average adapts to a new gradient size")  # fmt: skip
plot.show(fig, "06_moving_average", dpi=DPI)

# %% [markdown]
# Both measurements land on the formulas: the weights add up to 1 with a mean age of
# `alpha / (1 - alpha)` steps; the gap halves in `ln 0.5 / ln alpha` steps (rounded up: 7
# and 69), not in d2l's `1 / alpha`; it closes to `1/e` in about `1 / (1 - alpha)` steps,
# and those steps hold close to `1 - 1/e` (about two thirds) of the weight. AdaGrad's mean
# square needs several times as long as even `alpha = 0.99`, and after twice the history,
# about twice as long again: its memory is its whole past.

# %% [markdown]
# ## 3. The effective learning rate with a constant gradient
#
# `optimizer.effective_lr()` returns the factor each coordinate's gradient was multiplied
# by in the last step: `lr / (sqrt(sum) + eps)` for AdaGrad and `lr / (sqrt(v) + eps)` for
# RMSprop. Feed both a constant gradient `g` and the difference is plain algebra:
#
# - AdaGrad's sum after `t` steps is `t g^2`, so its effective lr is `lr / (sqrt(t) |g|)`:
#   it falls for ever, like `1/sqrt(t)`.
# - RMSprop's average is `(1 - alpha^t) g^2` (it starts at zero, and the geometric weights
#   add up to `1 - alpha^t`), so its effective lr is `lr / (sqrt(1 - alpha^t) |g| + eps)`,
#   which levels off at `lr / |g|` as `alpha^t` vanishes.

# %%
LR, G = 0.01, 0.5
t = np.arange(1, CONSTANT_STEPS + 1)
runs = {"AdaGrad": (optim.Adagrad, {}, LR / (np.sqrt(t) * G + 1e-10))}
for alpha in ALPHAS:
    runs[f"RMSprop, alpha {alpha}"] = (optim.RMSprop, {"alpha": alpha}, LR / (np.sqrt(1 - alpha**t) * G + 1e-8))
eff = {}
for name, (cls, options, formula) in runs.items():
    p = weight()
    optimizer = cls([p], lr=LR, **options)
    eff[name] = np.array([(feed(optimizer, p, G), optimizer.effective_lr()[0])[1] for _ in t])
    error = np.max(np.abs(eff[name] / formula - 1))
    print(f"{name:20s} effective lr at step {CONSTANT_STEPS}: {eff[name][-1]:.3g} (formula: {error:.0e} apart)")
    assert error < 1e-9, f"{name} does not follow its formula"
ratio = eff["RMSprop, alpha 0.9"][-1] / eff["AdaGrad"][-1]
first = {alpha: eff[f"RMSprop, alpha {alpha}"][0] / (LR / G) for alpha in ALPHAS}
print(f"after {CONSTANT_STEPS} steps AdaGrad's effective lr is {ratio:.1f}x below RMSprop's "
      f"(sqrt({CONSTANT_STEPS}) = {math.sqrt(CONSTANT_STEPS):.1f}); RMSprop's is lr/|g| = {LR / G:g}")  # fmt: skip
print("first step, in units of lr/|g|: " + ", ".join(f"alpha {a}: {first[a]:.2f}" for a in ALPHAS))
assert abs(ratio / math.sqrt(CONSTANT_STEPS) - 1) < 1e-3 and abs(eff["RMSprop, alpha 0.9"][-1] * G / LR - 1) < 1e-6
assert all(abs(first[a] * math.sqrt(1 - a) - 1) < 1e-3 for a in ALPHAS), "first step is not 1/sqrt(1 - alpha) lr/|g|"

# %%
fig = Figure(figsize=(7.5, 4.2), layout="constrained")
ax = plot.step_curves(eff, ax=fig.add_subplot(), references={"lr / |g|": LR / G},
                      colors={"RMSprop, alpha 0.99": OTHER})  # fmt: skip
ax.set_xscale("log")
plot.mark_point(ax, CONSTANT_STEPS, eff["AdaGrad"][-1], f"{ratio:.1f}x below lr / |g|\n= sqrt({CONSTANT_STEPS})",
                color=ADAGRAD, offset=(-20, 25))  # fmt: skip
plot.mark_point(ax, 1, eff["RMSprop, alpha 0.99"][0], f"first step: {first[0.99]:.0f}x lr / |g|",
                color=OTHER, offset=(40, -30))  # fmt: skip
ax.set_title(f"Constant gradient g = {G}, lr = {LR}:\nAdaGrad keeps decaying, RMSprop levels off at lr / |g|")
ax.legend(fontsize=8, loc="lower left")
plot.show(fig, "06_effective_lr_constant", dpi=DPI)

# %% [markdown]
# Measured and formula agree to rounding. After the thousand steps AdaGrad's effective lr
# is `sqrt(1000)` times below RMSprop's, and the gap keeps growing; RMSprop's sits on
# `lr / |g|`, so its step, effective lr times `|g|`, is simply `lr`. That is the sense in
# which RMSprop makes the step size independent of the gradient's scale.
#
# Notice the start too. Because `v` starts at zero, RMSprop's first steps are *larger*
# than `lr / |g|`, by `1 / sqrt(1 - alpha)` (about 3.2 times for 0.9, 10 times for 0.99),
# and the excess fades as `alpha^t` vanishes. Adam (tutorial 08) divides this bias out;
# RMSprop does not.

# %% [markdown]
# ## 4. When the gradient's scale changes mid-training
#
# The moving average pays off when the size of the gradients changes, as it does in real
# training: large gradients early, small ones later, or a change of data. The smallest
# version is a one-dimensional loss in two phases:
#
# 1. For the first 200 steps, `100 * x^2 / 2`: a steep bowl with its minimum at 0, and
#    gradients up to 100.
# 2. Then `(x - 1)^2 / 2`: a hundred times flatter, with the minimum moved to 1.
#
# Both optimizers start at `x = -1` with the same `lr = 0.1`. RMSprop runs with
# `alpha = 0.9`, minigrad's default (Hinton's value; PyTorch's default is 0.99), so its
# window is about 10 steps (section 2). A third run, "AdaGrad
# restarted", starts a fresh AdaGrad at the moment of the shift from where the first one
# was: AdaGrad on phase 2 without its memory of phase 1.

# %%
SHIFT_LR, SHIFT_ALPHA, TOL = 0.1, 0.9, 1e-3


def two_phase_run(cls, phase1_steps, phase2_steps, start=-1.0, lr=SHIFT_LR, **options):
    """Position, distance to the current minimum and effective lr after every step."""
    x = weight(start)
    optimizer = cls([x], lr=lr, **options)
    positions, distance, rates = [], [], []
    for step in range(phase1_steps + phase2_steps):
        curvature, target = (100.0, 0.0) if step < phase1_steps else (1.0, 1.0)
        optimizer.zero_grad()
        (curvature * 0.5 * (x - target) ** 2).sum().backward()
        optimizer.step()
        positions.append(x.item())
        distance.append(abs(x.item() - target))
        rates.append(optimizer.effective_lr()[0])
    return np.array(positions), np.array(distance), np.array(rates)


def steps_to_reach(distance, tolerance=TOL):
    """How many steps until the distance first drops below tolerance (None: never)."""
    below = np.flatnonzero(distance < tolerance)
    return int(below[0]) + 1 if len(below) else None


ada_x, ada_dist, ada_rate = two_phase_run(optim.Adagrad, PHASE1_STEPS, PHASE2_STEPS)
rms_x, rms_dist, rms_rate = two_phase_run(optim.RMSprop, PHASE1_STEPS, PHASE2_STEPS, alpha=SHIFT_ALPHA)
_, fresh_dist, fresh_rate = two_phase_run(optim.Adagrad, 0, PHASE2_STEPS, start=ada_x[PHASE1_STEPS - 1])
n_rms, n_fresh, n_ada = (steps_to_reach(d) for d in (rms_dist[PHASE1_STEPS:], fresh_dist, ada_dist[PHASE1_STEPS:]))
last, shift = PHASE1_STEPS - 1, PHASE1_STEPS  # indices of the last phase-1 step and the first phase-2 step
print(f"end of phase 1: AdaGrad is {ada_dist[last]:.1e} from the minimum; RMSprop hops between "
      f"{rms_x[last - 1]:+.4f} and {rms_x[last]:+.4f}, effective lr {rms_rate[last]:.4f} (2/100 = 0.02)")  # fmt: skip
print(f"first step after the shift, effective lr: AdaGrad {ada_rate[shift]:.1e}, RMSprop {rms_rate[shift]:.3f}, "
      f"restarted AdaGrad {fresh_rate[0]:.3f}; 30 steps later RMSprop's is {rms_rate[shift + 30]:.3f}")  # fmt: skip
print(f"steps after the shift to get within {TOL:g} of the new minimum: RMSprop {n_rms}, "
      f"restarted AdaGrad {n_fresh}, AdaGrad {n_ada or f'none of {PHASE2_STEPS}'}")  # fmt: skip
print(f"AdaGrad is still {ada_dist[-1]:.2f} away after {PHASE2_STEPS} steps; "
      f"RMSprop's last effective lr {rms_rate[-1]:.3g} (lr / eps = {SHIFT_LR / 1e-8:.3g})")  # fmt: skip
above = shift + int(np.argmax(rms_rate[shift:] > 2.0))  # the first phase-2 step above the stability limit 2 / 1
print(f"RMSprop's effective lr passes phase 2's limit 2 at step {above + 1}; from there on its largest distance to "
      f"the minimum is {rms_dist[above:].max():.1e}")  # fmt: skip
assert ada_dist[last] < 5e-3 and ada_dist[-1] > 0.5 and n_ada is None, "AdaGrad did not solve phase 1 and stall after"
assert fresh_rate[0] > 300 * ada_rate[shift] and np.all(np.diff(ada_rate[shift:]) <= 0), "AdaGrad's lr is not stuck"
assert n_rms < 100 and n_rms * 2 < n_fresh < PHASE2_STEPS, "RMSprop did not recover faster than a fresh AdaGrad"
assert rms_rate[shift + 30] > 4 * rms_rate[shift], "RMSprop's effective lr did not grow after the shift"
assert abs(rms_x[last] + rms_x[last - 1]) < 0.01 and abs(abs(rms_x[last]) / (SHIFT_LR / 2) - 1) < 0.05, "no bounce"
assert abs(rms_rate[last] / 0.02 - 1) < 0.05, "RMSprop did not settle at the stability limit 2 / curvature"
assert rms_rate[-1] > 1e-3 * SHIFT_LR / 1e-8, "RMSprop's effective lr did not climb towards lr / eps"
assert rms_rate[above] > 2 and rms_dist[above:].max() < 1e-6, "RMSprop was not at the minimum when it passed 2 / c"

# %%
fig = Figure(figsize=(10, 7), layout="constrained")
ax_d, ax_e = fig.subplots(2, 1, sharex=True)
restarted = {"AdaGrad restarted at the shift (no memory)": (np.arange(shift + 1, shift + PHASE2_STEPS + 1), None)}
dashed = {name: {"ls": "--", "lw": 1.2} for name in restarted}
plot.step_curves({"AdaGrad": ada_dist, "RMSprop": rms_dist} | {n: (s, fresh_dist) for n, (s, _) in restarted.items()},
                 ax=ax_d, log=False, ylabel="distance to the current minimum", styles=dashed)  # fmt: skip
plot.step_curves({"AdaGrad": ada_rate, "RMSprop": rms_rate} | {n: (s, fresh_rate) for n, (s, _) in restarted.items()},
                 ax=ax_e, styles=dashed, references={"lr / eps: RMSprop's ceiling": SHIFT_LR / 1e-8})  # fmt: skip
# the stability limit 2 / curvature of each phase, drawn only over its own phase
ax_e.hlines([2 / 100, 2 / 1], [0.5, shift + 0.5], [shift + 0.5, shift + PHASE2_STEPS + 0.5], color="k",
            lw=1, ls="-.", label="2 / curvature: 0.02 in phase 1, 2 in phase 2")  # fmt: skip
for ax in (ax_d, ax_e):
    plot.mark_step(ax, PHASE1_STEPS, None)
ax_d.text(PHASE1_STEPS / 2, 1.08, "phase 1:\nloss 100 x^2 / 2", ha="center", va="bottom", fontsize=9)
ax_d.text(shift + PHASE2_STEPS / 2, 1.08, "phase 2: loss (x - 1)^2 / 2,\n100x flatter, new minimum",
          ha="center", va="bottom", fontsize=9)  # fmt: skip
plot.mark_point(ax_d, shift + n_rms, rms_dist[shift + n_rms - 1],
                f"RMSprop within {TOL:g}\n{n_rms} steps after the shift", color=RMSPROP, offset=(40, 45))  # fmt: skip
plot.mark_point(ax_d, shift + PHASE2_STEPS, ada_dist[-1],
                f"AdaGrad still {ada_dist[-1]:.2f} away\nafter {PHASE2_STEPS} steps",
                color=ADAGRAD, offset=(-20, 30))  # fmt: skip
plot.mark_point(ax_d, last - 15, abs(rms_x[last - 15]), "RMSprop hops\nbetween +-lr/2", color=RMSPROP, offset=(-60, 55))
plot.mark_point(ax_e, shift + PHASE2_STEPS * 0.6, ada_rate[-1], "AdaGrad still divides by\nthe phase-1 gradients",
                color=ADAGRAD, offset=(20, -8))  # fmt: skip
plot.mark_point(ax_e, shift + 30, rms_rate[shift + 29], "v forgets phase 1,\neffective lr rises",
                color=RMSPROP, offset=(35, -45))  # fmt: skip
ax_d.set(ylim=(-0.03, 1.32), xlabel="", title=f"The gradient scale drops 100x after step {PHASE1_STEPS} "
         f"(lr = {SHIFT_LR} for both; RMSprop with alpha = {SHIFT_ALPHA})")  # fmt: skip
ax_d.legend(loc="center right", bbox_to_anchor=(1.0, 0.35), fontsize=8)
ax_e.set_ylim(1e-8, 1e10)
ax_e.legend(loc="upper left", fontsize=8, ncols=2)
plot.show(fig, "06_scale_change", dpi=DPI)

# %% [markdown]
# At the shift AdaGrad's sum is still full of the large phase-1 gradients, so its
# effective lr is hundreds of times smaller than the `lr = 0.1` a fresh AdaGrad starts
# with, and it can never grow again: at the end AdaGrad has covered less than half the way
# to the new minimum. RMSprop's average, with `alpha = 0.9` and its window of about 10
# steps, forgets the old gradients within a few dozen steps (PyTorch's 0.99 has a window
# of 100 steps and would forget more slowly): its effective lr grows more than fourfold in
# the first 30, and it reaches the new minimum first. The restarted AdaGrad gets there
# too, though more slowly than RMSprop: AdaGrad's rule is not the problem here, its memory
# is. (The printout above has the numbers; the code asserts each of these comparisons.)
#
# Two things in RMSprop's curves need a word.
#
# - **The bounce in phase 1.** RMSprop reaches the first minimum and is thrown back out.
#   Close to a minimum the gradient shrinks faster than `v` forgets it, so the effective
#   lr grows. Gradient descent on a bowl of curvature `c` is stable only with a learning
#   rate below `2 / c` (tutorial 03), here 0.02; once RMSprop's effective lr passes that,
#   each step overshoots by more than it corrects. It settles where its effective lr is
#   `2 / c`, hopping across the minimum by `lr`, `lr / 2` on either side (the printout
#   shows both). With a constant lr, RMSprop keeps taking steps of about `lr`, one reason
#   it is usually paired with a learning-rate schedule.
# - **The climb after arriving in phase 2.** At the new minimum the gradient vanishes, so
#   `v` decays for good and the effective lr climbs towards `lr / eps`, far past phase 2's
#   stability limit `2 / 1 = 2` (the dash-dot line). There is no bounce this time: by the
#   time it passes the limit, `x` sits on the minimum to rounding (the printout has the
#   largest distance from then on), so the effective lr multiplies a gradient that is
#   (almost) zero and nothing moves. It shows the ceiling that eps sets; tutorial 07 looks
#   at eps closely.

# %% [markdown]
# ### The same on a landscape: a race on Rosenbrock's valley
#
# Rosenbrock's valley changes the gradient's scale by itself. From the start `(-1.2, 1)`
# the way down the valley's steep wall has large gradients (the printout below has the
# first), and the curved floor that leads to the minimum at `(1, 1)` is nearly flat. Below,
# AdaGrad and RMSprop race there with the same `lr = 0.01`, every frame at the same step:
# left, each one's path over the contour lines, a marker where it has got to; right, the
# loss and each one's effective learning rate per coordinate (x solid, y dashed), against
# the step on a square-root scale (the frames' own spacing, so the first steps spread out).
#
# ![AdaGrad and RMSprop racing on Rosenbrock's valley with the same lr](figures/06_race.gif)
#
# Watch the lower right panel. AdaGrad's sum keeps the wall's large gradients for ever, so
# its effective lr falls in the first steps and stays down, and its marker stops near the
# start. RMSprop's average forgets them within its window, so its effective lr climbs as
# the gradients shrink, and its marker walks down the valley floor towards the minimum.
# The GIF was made in `tutorials/` with `minigrad race --optimizers adagrad,rmsprop --lr
# adagrad=0.01 --lr rmsprop=0.01 --steps 1000 --out figures/06_race.gif`; in Jupyter the
# cell below plays the same race with a player that also steps frame by frame (change the
# learning rates and run it again), and checks what this paragraph says.

# %%
RACE_LR, RACE_STEPS = 0.01, 1000
race = plot.race("rosenbrock", ["adagrad", "rmsprop"], lr={"adagrad": RACE_LR, "rmsprop": RACE_LR},
                 steps=RACE_STEPS, frames=20 if QUICK else 100)  # fmt: skip
runs, rosenbrock = race.comparison.runs, race.comparison.problem
start = mg.Tensor(rosenbrock.start.copy(), requires_grad=True)
rosenbrock.loss(start).backward()
print(f"the gradient at the start {rosenbrock.start}: {start.grad.round(1)}")
travelled = {}
for name, run in runs.items():
    travelled[name] = float(np.linalg.norm(run.path[-1] - run.path[0]))
    first, last = run.effective_lr[0], run.effective_lr[-1]
    print(f"{name:>8}: after {RACE_STEPS} steps {travelled[name]:.2f} from the start, loss {run.final_loss:.3g}; "
          f"effective lr (x, y) {first[0]:.2g}, {first[1]:.2g} at step 1 -> {last[0]:.2g}, {last[1]:.2g}")
adagrad_run, rmsprop_run = runs["adagrad"], runs["rmsprop"]
assert np.all(adagrad_run.effective_lr[-1] < adagrad_run.effective_lr[0] / 3)  # falls in both coordinates
assert np.all(rmsprop_run.effective_lr[-1] > 5 * rmsprop_run.effective_lr[0])  # climbs in both coordinates
assert travelled["rmsprop"] > 5 * travelled["adagrad"]  # AdaGrad stops near the start
assert adagrad_run.final_loss > 100 * rmsprop_run.final_loss
race  # noqa: B018 (a cell's last value: in Jupyter the animation shows here, with a player)

# %% [markdown]
# ## 5. On a real network
#
# The same comparison on real training: a 2-64-64-3 network on the three-armed spirals,
# trained by `mg.compare` with AdaGrad and RMSprop from the same initial weights on the
# same batches, each with the learning rate `mg.compare` uses for it. `fit` records, after
# every step, the median effective lr over the weights that received a gradient, and
# `plot.effective_lr_curves` draws it, with a dashed `c / sqrt(t)` guide on AdaGrad's: where
# its rate would go if the gradients kept a steady size (the sum would then grow like `t`).

# %%
X, y = data.make_spirals(200, noise=0.2, seed=0)
X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.2, seed=0)


def network():
    return nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))


result = mg.compare(network, X_train, y_train, optimizers=["adagrad", "rmsprop"], epochs=SPIRAL_EPOCHS,
                    validation_data=(X_test, y_test), verbose=False)  # fmt: skip
print(result.format_table())
medians = {name: np.array(histories[0].effective_lr)[:, 0] for name, histories in result.histories().items()}
for name, median in medians.items():
    print(f"{name}: median effective lr at step 10 {median[9]:.3g}, lowest {median.min():.3g}, "
          f"last {median[-1]:.3g} (last / lowest = {median[-1] / median.min():.2f})")  # fmt: skip
ada, rms = medians["adagrad"], medians["rmsprop"]
assert ada[9] > 2 * ada[-1] and ada[-1] < 1.1 * ada.min(), "AdaGrad's median did not fall and stay near its lowest"
assert rms.min() < 0.8 * rms[9] and rms[-1] > 1.5 * rms.min(), "RMSprop's effective lr did not go down and back up"
assert rms[-1] / rms.min() > 1.3 * ada[-1] / ada.min(), "RMSprop's median did not climb back more than AdaGrad's"
anchor = round(math.sqrt(len(ada)))  # the guide's step: the middle of the run on a log scale
guide = ada[anchor - 1] * np.sqrt(anchor / np.arange(1, len(ada) + 1))  # the dashed c / sqrt(t) of the figure
print(f"AdaGrad's median over the 1/sqrt(t) guide through step {anchor}: {ada[0] / guide[0]:.2f} at step 1, "
      f"{ada[-1] / guide[-1]:.2f} at the end")  # fmt: skip
assert ada[-1] > 1.5 * guide[-1], "AdaGrad's median should end well above the 1/sqrt(t) guide"
assert all(run[0].history.final_loss < 0.1 for run in result.runs.values()), "an optimizer did not fit the spirals"

# %%
fig = Figure(figsize=(10, 7.5), layout="constrained")
grid = fig.add_gridspec(2, 2)
plot.loss_curves(result, ax=fig.add_subplot(grid[0, 0]))
ax_lr = plot.effective_lr_curves(result, ax=fig.add_subplot(grid[0, 1]))
end = len(ada)
plot.mark_point(ax_lr, end, ada[-1], f"AdaGrad: falls, then ends\n{ada[-1] / ada.min() - 1:.0%} above its lowest",
                color=ADAGRAD, offset=(-30, 60))  # fmt: skip
plot.mark_point(ax_lr, end, rms[-1], f"RMSprop: back up to {rms[-1] / rms.min():.1f}x\n"
                "its lowest as the gradients shrink", color=RMSPROP, offset=(-30, -45))  # fmt: skip
# the label just left of its dot: any further left, it would run over the panel's left edge
plot.mark_point(ax_lr, int(np.argmin(rms)) + 1, rms.min(), "RMSprop's lowest", color=RMSPROP, offset=(-15, -25))
for column, name in enumerate(result.runs):
    run = result.runs[name][0]
    plot.decision_boundary(run.model, X_train, y_train, ax=fig.add_subplot(grid[1, column]),
                           title=f"{name}: test accuracy {run.history.final_accuracy:.1%}")  # fmt: skip
fig.suptitle(f"AdaGrad vs RMSprop on the spirals, {SPIRAL_EPOCHS} epochs (below: decision regions, training points)")
plot.show(fig, "06_spirals", dpi=DPI)

# %% [markdown]
# Real training shows the same picture as the toy problems. AdaGrad's median effective lr
# falls early and then stays within a few percent of its lowest value. (Each weight's own
# effective lr can only go down; the median can still tick up a little, because it is
# taken over the weights that got a non-zero gradient in that step, a set that changes
# from batch to batch.) RMSprop's also goes down at first, while the gradients are large, and then
# climbs back *up*, well above its lowest (the printout has both ratios): as the
# network fits the data its gradients shrink, and RMSprop answers with larger effective
# lrs, so its steps do not shrink with the gradients.
#
# The dashed red line is `c / sqrt(t)` through AdaGrad's median at the run's middle step on a
# log scale. Over the first steps the median falls faster than the line (the first
# gradients grow), then more slowly, and it ends about twice above it: the later gradients
# are smaller than the earlier ones, so the sum grows more slowly than `t`. AdaGrad's rate
# follows `1 / sqrt(t)` only while the gradients keep a steady size.
#
# Be careful with what this shows. On this small, fixed problem AdaGrad's decay does not
# hurt: both reach a low loss. RMSprop's advantage shows in long runs and on objectives
# that change under the optimizer, like section 4's. That is everyday life in deep
# learning: the batches are sampled, the layers below keep changing, and gradients shrink
# as a network learns.
#
# ## What to take away
#
# - RMSprop is AdaGrad with the sum of squared gradients replaced by a moving average whose
#   weights sum to 1. Its window is about `1 / (1 - alpha)` steps (10 for 0.9, 100 for
#   0.99) and a weight halves every `ln 0.5 / ln alpha` steps (6.6 and 69).
# - With a steady gradient RMSprop's effective lr settles at `lr / |g|` (its step at `lr`),
#   while AdaGrad's keeps falling like `1 / sqrt(t)`.
# - When the gradient scale changes, RMSprop adapts within its window; AdaGrad carries the
#   old scale for ever and can stall.
# - Next, tutorial 07: the conventions on which RMSprop's write-ups and libraries disagree.

# %% [markdown]
# ## Exercises
#
# Each exercise has a checker in `exercises/rmsprop.py`: write the function, then uncomment
# the call. Worked solutions are in `solutions/rmsprop.py` (`python -m solutions.rmsprop`
# from `tutorials/` runs them through the checkers).
#
# 1. **The effective lr with a constant gradient.** Write `constant_gradient_lr(t, g, lr,
#    alpha, eps)`, RMSprop's effective learning rate after `t` steps of the same gradient
#    `g` (section 3's formula, with eps). The checker compares it with `optim.RMSprop`.
# 2. **The moving average, unrolled.** Write `unrolled_square_avg(grads, alpha)`: given the
#    gradients of `t` steps as an array of shape `(t,)`, return `v` after the last one,
#    starting from `v = 0`. Section 2's unrolled sum gives it in one line of numpy, with
#    no loop over the steps: try it that way. The checker compares your value with the
#    optimizer's `square_avg` on random gradients (it checks the value, not how you got it).

# %%
from exercises.rmsprop import check_constant_gradient_lr, check_unrolled_square_avg

# check_constant_gradient_lr(constant_gradient_lr)  # 1. def constant_gradient_lr(t, g, lr, alpha, eps): ...
# check_unrolled_square_avg(unrolled_square_avg)  # 2. def unrolled_square_avg(grads, alpha): ... return v

# %% [markdown]
# # 05 · From Rprop to RMSprop: why the sign is not enough on mini-batches
#
# AdaGrad (tutorial 04) divides each coordinate's gradient by the root of the sum of its
# squared gradients. An older idea goes further and throws the gradient's size away
# altogether: **Rprop** (resilient backpropagation; Riedmiller & Braun, 1993) moves every
# coordinate by a step size of its own, in the direction opposite to the *sign* of its
# gradient, and adapts that step size from the signs alone:
#
#     s <- sign(g * prev)                          has the sign stayed the same? (prev starts at 0)
#     step_size <- step_size * etaplus             where s > 0: it has, speed up (etaplus = 1.2)
#     step_size <- step_size * etaminus            where s < 0: it flipped, slow down (etaminus = 0.5)
#     step_size <- clip(step_size, step_size_min, step_size_max)
#     g <- 0                                       where s < 0: after a flip that coordinate waits a step
#     theta <- theta - sign(g) * step_size
#     prev <- g
#
# That is the form `torch.optim.Rprop` and `optim.Rprop` use (every `step_size` starts at
# `lr`). In his 2012 lecture course (Neural Networks for Machine Learning, lecture 6e, with
# Srivastava and Swersky) Geoffrey Hinton introduced RMSprop as the version of this idea
# that survives mini-batches. In this tutorial we
#
# 1. write Rprop's rule in numpy and check it against `optim.Rprop`;
# 2. watch it shine on full batches: a quadratic scaled 10,000 times more steeply in one
#    direction than in the other, where it ignores the scale and plain gradient descent crawls;
# 3. measure Hinton's argument against it on mini-batches: a weight whose mini-batch
#    gradients average to zero, which Rprop moves anyway;
# 4. fix it the way RMSprop does, by dividing by a moving average of the squared gradient,
#    which keeps the gradient's size, so that the mini-batches cancel.
#
# Tutorial 06 then takes RMSprop apart. Run it as a script (`python
# tutorials/05_rprop_to_rmsprop.py`; `MINIGRAD_QUICK=1` for a shorter run) or open it as a
# notebook in Jupyter (jupytext) or VS Code.

# %%
import math
import os

import numpy as np
from exercises.update_rule import check_update_rule
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import optim, plot

# ----------------------------------------------------------------------------- config
QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: shorter runs through the same code and claims
CURVATURES = np.array([0.01, 100.0])  # section 2: a quadratic 10,000 times steeper along y than along x
START = (3.0, 2.0)  # section 2: where every run on the quadratic starts
RPROP_STEPS = 120  # section 2: Rprop's steps on the quadratic
SGD_STEPS = 2000  # section 2: plain gradient descent's steps on it
TARGET = 1e-10  # section 2: "converged" means the loss fell below this
CYCLE = [0.1] * 9 + [-0.9]  # section 3: a weight's gradients on ten mini-batches (Hinton's example)
CYCLES = 30 if QUICK else 100  # sections 3 and 4: passes through the ten mini-batches
LR = 0.01  # sections 3 and 4: lr of every optimizer on the mini-batches
DPI = 100  # figure resolution
RPROP, SGD, RMSPROP, OTHER = plot.COLORS["rprop"], plot.COLORS["sgd"], plot.COLORS["rmsprop"], plot.COLORS["adam"]


def weight(value=0.0, size=1):
    """A fresh float64 parameter to experiment on."""
    return mg.Tensor(np.full(size, value, dtype=np.float64), requires_grad=True)


def feed(optimizer, p, g):
    """One optimizer step with a gradient we choose (an optimizer only reads p.grad)."""
    p.grad = np.broadcast_to(np.asarray(g, dtype=p.dtype), p.shape).copy()
    optimizer.step()


# %% [markdown]
# ## 1. Write the rule yourself first
#
# Write the rule above in numpy before using the library's class. Try it yourself first;
# here is one way. `state` is a dict that starts empty and is kept from one step to the
# next, so `prev` and `step_size` live there.

# %%
def rprop_step(theta, grad, state, lr, etas, step_sizes):
    etaminus, etaplus = etas
    prev = state.get("prev", np.zeros_like(theta))
    size = state.get("step_size", np.full_like(theta, lr))
    same = np.sign(grad * prev)  # +1: the sign held, -1: it flipped, 0: no previous gradient
    size = np.clip(np.where(same > 0, size * etaplus, np.where(same < 0, size * etaminus, size)), *step_sizes)
    grad = np.where(same < 0, 0.0, grad)  # a coordinate that just flipped does not move
    state["prev"], state["step_size"] = grad, size
    return theta - np.sign(grad) * size


# PyTorch's defaults, then a faster, narrower setting
check_update_rule(rprop_step, optim.Rprop, {"lr": 0.01, "etas": (0.5, 1.2), "step_sizes": (1e-6, 50.0)})
check_update_rule(rprop_step, optim.Rprop, {"lr": 0.1, "etas": (0.3, 1.5), "step_sizes": (1e-3, 1.0)})

# %% [markdown]
# `check_update_rule` runs your function and `optim.Rprop` side by side on a bowl with
# noisy gradients, where signs flip often, and stops at the first step where they differ.
# From here on we use the library's class. Its `effective_lr()` returns each coordinate's
# `step_size`: the factor in front of the direction `sign(g)`.
#
# ## 2. On full batches Rprop ignores the scale
#
# Take `f(x, y) = 0.5 (0.01 x^2 + 100 y^2)`, with curvatures 10,000 apart. Plain gradient
# descent has one learning rate for both coordinates; it must stay below `2 / 100` for y,
# and x then moves by a factor `1 - lr * 0.01` per step. Its best single learning rate,
# `2 / (0.01 + 100)`, shrinks both coordinates by the same factor `(kappa - 1) / (kappa +
# 1)` per step, with `kappa = 10,000` (tutorial 03). Rprop starts both step sizes at
# `lr = 0.01`: x's grows by 1.2 per step for as long as x has not reached the minimum,
# y's halves each time y jumps across it.
#
# To see that Rprop ignores the gradient's size, we also run it on `1000 f` and on `f /
# 1000`: every gradient is 1000 times larger or smaller, and every sign the same.

# %%
def quadratic(p, scale=1.0):
    """scale * 0.5 * (0.01 x^2 + 100 y^2) for a Tensor p of shape (2,)."""
    return (scale * 0.5 * CURVATURES * p * p).sum()


def descend(make_optimizer, steps, scale=1.0):
    """The points visited, the loss of f (unscaled) and the effective lr after every step."""
    p = mg.Tensor(np.array(START), requires_grad=True)
    optimizer = make_optimizer([p])
    points, rates = [], []
    for _ in range(steps):
        optimizer.zero_grad()
        quadratic(p, scale).backward()
        optimizer.step()
        points.append(p.data.copy())
        rates.append(optimizer.effective_lr().copy())
    points = np.array(points)
    return points, 0.5 * (CURVATURES * points**2).sum(axis=1), np.array(rates)


def first_below(losses, target=TARGET):
    below = np.flatnonzero(losses < target)
    return int(below[0]) + 1 if len(below) else None


rprop_points, rprop_loss, rprop_sizes = descend(lambda ps: optim.Rprop(ps, lr=0.01), RPROP_STEPS)
same_path = all(
    np.array_equal(descend(lambda ps: optim.Rprop(ps, lr=0.01), RPROP_STEPS, scale)[0], rprop_points)
    for scale in (1000.0, 1e-3)
)
best_lr = 2 / CURVATURES.sum()
_, sgd_loss, _ = descend(lambda ps: optim.SGD(ps, lr=best_lr), SGD_STEPS)
rate = (1 - best_lr * CURVATURES[0]) ** 2  # the factor by which SGD's loss shrinks per step
loss0 = 0.5 * np.sum(CURVATURES * np.array(START) ** 2)
sgd_needs = math.ceil(math.log(TARGET / loss0) / math.log(rate))
_, blown_loss, _ = descend(lambda ps: optim.SGD(ps, lr=best_lr), 20, scale=1000.0)
n_rprop = first_below(rprop_loss)
print(f"Rprop: loss below {TARGET:g} after {n_rprop} steps; the same path, bit for bit, on 1000 f and f / 1000: "
      f"{same_path}")  # fmt: skip
print(f"Rprop's last step sizes {rprop_sizes[-1]} (step_size_min 1e-6), loss {rprop_loss[-1]:.1e}")
print(f"SGD at its best lr {best_lr:.5f}: loss {sgd_loss[-1]:.3g} after {SGD_STEPS} steps (shrinking by "
      f"{rate:.6f} a step: {sgd_needs} steps to reach {TARGET:g}); on 1000 f the same lr gives "
      f"{blown_loss[-1]:.1e} in 20")  # fmt: skip
grow = rprop_sizes[:10, 0] / 0.01  # x's step size, in units of lr, over the first ten steps
print("x's step size over the first 10 steps, in units of lr: " + " ".join(f"{v:.2f}" for v in grow))
assert same_path, "Rprop's path changed with the scale of the loss"
assert n_rprop is not None and n_rprop < 100 and sgd_needs > 100 * n_rprop, "Rprop is not far faster here"
assert abs(sgd_loss[-1] / (loss0 * rate**SGD_STEPS) - 1) < 1e-6, "SGD does not shrink by (kappa-1)^2/(kappa+1)^2"
assert np.allclose(grow, 1.2 ** np.arange(10), rtol=1e-12), "x's step size did not grow by 1.2 per step"
assert np.all(rprop_sizes[-1] == 1e-6) and blown_loss[-1] > 1e10, "Rprop did not end at step_size_min"

# %%
fig = Figure(figsize=(11, 4.2), layout="constrained")
ax_loss, ax_size = fig.subplots(1, 2)
plot.step_curves({"Rprop (also on 1000 f, f / 1000)": rprop_loss,
                  f"SGD, best lr {best_lr:.2g}": sgd_loss}, ax=ax_loss, ylabel="loss f(x, y)",
                 colors={"Rprop (also on 1000 f, f / 1000)": RPROP,
                         f"SGD, best lr {best_lr:.2g}": SGD},
                 references={f"target {TARGET:g}": TARGET})  # fmt: skip
ax_loss.set_xscale("log")
plot.mark_point(ax_loss, n_rprop, rprop_loss[n_rprop - 1], f"Rprop: {n_rprop} steps", color=RPROP, offset=(20, 40))
plot.mark_point(ax_loss, SGD_STEPS, sgd_loss[-1], f"SGD needs {sgd_needs:,} steps", color=SGD, offset=(-60, -45))
ax_loss.set_title("Loss on f = 0.5 (0.01 x^2 + 100 y^2)")
ax_loss.legend(fontsize=8, loc="center right")
plot.step_curves({"x (curvature 0.01)": rprop_sizes[:, 0], "y (curvature 100)": rprop_sizes[:, 1]}, ax=ax_size,
                 ylabel="Rprop's step size", colors={"x (curvature 0.01)": RPROP, "y (curvature 100)": OTHER},
                 styles={"x (curvature 0.01)": {"lw": 4, "alpha": 0.6}, "y (curvature 100)": {"ls": "--"}},
                 references={"step_size_min": 1e-6})  # fmt: skip
# x drawn wide underneath, y dashed on top: until step 22 the two are one line
flip = int(np.argmax(np.diff(rprop_sizes[:, 0]) < 0)) + 1  # the last step before x's first flip
plot.mark_point(ax_size, flip, rprop_sizes[flip - 1, 0],
                "x 1.2 per step until\nthe minimum is jumped,\nthen halved at each flip", color=RPROP, offset=(40, -12))
ax_size.set_title("Rprop's step sizes: alike in x and y,\nthough their curvatures are 10,000 apart")
ax_size.legend(fontsize=8, loc="lower left")
plot.show(fig, "05_full_batch", dpi=DPI)

# %% [markdown]
# Rprop gets below the target in a few dozen steps; plain gradient descent at its best
# single learning rate would need tens of thousands (the printout has both counts). The
# two step sizes on the right behave almost alike, though one coordinate is 10,000 times
# steeper than the other: each grows by 1.2 per step, from 0.01 until its coordinate has
# covered the distance to the minimum (3 along x, 2 along y) and jumps across it, and
# then mostly halves, as the coordinate hops from side to side closer and closer. Scaling
# the loss by 1000 in either direction changes every gradient and not one step of Rprop,
# while it sends plain gradient descent at the same learning rate off to infinity. The
# floor at the end is `step_size_min = 1e-6`: Rprop cannot take a step finer than that.
#
# ## 3. On mini-batches the sign goes wrong
#
# Hinton's argument against Rprop on mini-batches fits in one weight. Suppose its gradient
# is `+0.1` on nine mini-batches and `-0.9` on the tenth. Over the ten, the gradients add up
# to zero: the full-batch gradient is 0 and the weight should, on balance, stay where it is.
# Plain SGD does just that, since its ten steps add up to `lr` times the sum of the
# gradients. A rule that looks only at the sign sees nine votes for "down" and one for "up".
#
# We feed these gradients, in this order, `CYCLES` times to three optimizers, all with
# `lr = 0.01`: `optim.SGD`; the plain sign rule `theta <- theta - lr * sign(g)` (Rprop
# with its step size frozen: the one line of numpy below); and `optim.Rprop`.

# %%
grads = np.array(CYCLE * CYCLES)
print(f"the ten gradients add up to {sum(CYCLE):.1e} (0 but for round-off in 0.1 and 0.9)")


def run(make_optimizer, gradients=grads):
    """The weight after every mini-batch, and the optimizer's effective lr after each."""
    p = weight()
    optimizer = make_optimizer([p])
    positions, rates = [], []
    for g in gradients:
        feed(optimizer, p, g)
        positions.append(p.item())
        rates.append(optimizer.effective_lr()[0])
    return np.array(positions), np.array(rates)


def per_cycle(positions):
    """The weight at the end of each pass through the ten mini-batches (0 before the first)."""
    return np.concatenate([[0.0], positions[len(CYCLE) - 1 :: len(CYCLE)]])


sgd_w, _ = run(lambda ps: optim.SGD(ps, lr=LR))
sign_w = -np.cumsum(LR * np.sign(grads))  # theta <- theta - lr * sign(g), from theta = 0
rprop_w, rprop_steps = run(lambda ps: optim.Rprop(ps, lr=LR))
moves = np.diff(np.concatenate([[0.0], rprop_w])).reshape(CYCLES, len(CYCLE))
down, up = int(np.sum(moves[-1] < 0)), int(np.sum(moves[-1] > 0))
growth = rprop_steps[2 * len(CYCLE) - 1] / rprop_steps[len(CYCLE) - 1]  # step size, second cycle over first
print(f"SGD: the largest distance from 0 at the end of a pass is {np.max(np.abs(per_cycle(sgd_w))):.1e}")
print(f"sign rule: {np.sum(np.diff(per_cycle(sign_w)) < 0)} of {CYCLES} passes end lower, by "
      f"{-np.diff(per_cycle(sign_w))[-1] / LR:.2f} lr each (nine steps down, one up)")  # fmt: skip
print(f"Rprop: in the last pass, {down} steps down, {up} up (after the flip it waits); its step size grows "
      f"{growth:.3f}x per pass (1.2^8 * 0.5 = {1.2**8 * 0.5:.3f}) up to step_size_max = 50, "
      f"and the weight ends at {rprop_w[-1]:.4g}")  # fmt: skip
assert np.max(np.abs(per_cycle(sgd_w))) < 1e-12, "SGD did not come back to 0 after each pass"
assert np.allclose(np.diff(per_cycle(sign_w)), -8 * LR, rtol=1e-9), "the sign rule did not drift by 8 lr per pass"
assert (down, up) == (9, 0) and np.all(np.sum(moves < 0, axis=1) == 9), "Rprop did not take 9 steps down per pass"
assert abs(growth / (1.2**8 * 0.5) - 1) < 1e-12 and rprop_steps.max() == 50.0 and rprop_w[-1] < -1000, "no runaway"

# %% [markdown]
# The sign rule ends each pass 8 steps lower: nine steps down, one up, exactly as Hinton
# put it. `optim.Rprop` does worse. After the sign flips on the tenth mini-batch it halves
# the step size and skips that step (the `g <- 0` line), so it takes nine steps down and
# *none* up; and because the sign then holds for eight mini-batches in a row, the step
# size grows by `1.2^8 = 4.3` and halves only once, a net factor of 2.15 per pass, until it
# hits `step_size_max = 50`. A weight that should stay at 0 runs away by thousands.
#
# (On the full batch, Rprop would see only the sum of the ten gradients. In exact
# arithmetic that is 0, and Rprop would not move; in floating point it is a round-off
# error of order `1e-16` (the printout has it), whose *sign* is as good as any other to
# Rprop: it would step by the full step size, growing by 1.2 every time. The sign throws
# away the size, however small.)
#
# ## 4. The fix: divide by a moving average of the squared gradient
#
# Rprop's step is `g / |g|` times a step size. RMSprop keeps the division but replaces the
# current `|g|` by the root of a *moving average* of the squared gradients over many
# mini-batches:
#
#     v <- alpha * v + (1 - alpha) * g^2          (v starts at 0)
#     theta <- theta - lr * g / (sqrt(v) + eps)
#
# When the average spans many mini-batches, `sqrt(v)` is about the same on all ten of them,
# so each step is proportional to its gradient, as SGD's is, and the ten steps add up to
# about `lr / sqrt(v)` times the sum of the gradients: about zero. The division still
# makes the step size independent of the gradient's overall scale, as Rprop's is. Here
# `sqrt(v)` should settle near `sqrt((9 * 0.1^2 + 0.9^2) / 10) = 0.3`, so the small steps
# should be about `lr / 3` and the big one `3 lr`.
#
# We run RMSprop with `alpha = 0.9` (minigrad's default, the lecture's value; a window of
# about 10 steps, one pass) and `alpha = 0.99` (PyTorch's; about 100 steps, ten passes), and
# measure the drift per pass over the second half of the run, once the start from `v = 0`
# is forgotten.

# %%
rms = {alpha: run(lambda ps, alpha=alpha: optim.RMSprop(ps, lr=LR, alpha=alpha)) for alpha in (0.9, 0.99)}
half = CYCLES // 2
drift, first_pass = {}, {}
for alpha, (positions, rates) in rms.items():
    ends = per_cycle(positions)
    drift[alpha] = (ends[-1] - ends[half]) / (CYCLES - half) / LR
    first_pass[alpha] = ends[1] / LR
    last = rates[-len(CYCLE) :] * np.abs(CYCLE) / LR  # the last pass's step sizes, in units of lr
    print(f"RMSprop, alpha {alpha}: first pass {first_pass[alpha]:+.1f} lr; later, {drift[alpha]:+.3f} lr per pass; "
          f"last pass's steps in lr: small {last[0]:.3f}..{last[-2]:.3f}, big {last[-1]:.2f}")  # fmt: skip
print(f"drift per pass in units of lr: sign rule -8, RMSprop {drift[0.9]:+.3f} (alpha 0.9) and "
      f"{drift[0.99]:+.3f} (alpha 0.99): {8 / abs(drift[0.9]):.0f} and {8 / abs(drift[0.99]):.0f} times smaller")
assert abs(drift[0.9]) < 8 / 10 and abs(drift[0.99]) < 0.1, "RMSprop's mini-batches did not (nearly) cancel"
settled = rms[0.99][1][-len(CYCLE) :] * np.abs(CYCLE) / LR
assert np.allclose(settled[:-1], 1 / 3, rtol=0.1) and abs(settled[-1] / 3 - 1) < 0.1, "steps not lr / 3 and 3 lr"
assert all(first_pass[a] < -5 for a in rms), "the start from v = 0 did not push the weight down in the first pass"

# %%
fig = Figure(figsize=(12, 4.2), layout="constrained")
ax_w, ax_run, ax_steps = fig.subplots(1, 3, width_ratios=(1.3, 1, 1))
shown = min(CYCLES, 30) * len(CYCLE)  # the first 30 passes at most
plot.step_curves({"SGD": sgd_w[:shown], "sign rule, lr sign(g)": sign_w[:shown],
                  "RMSprop, alpha 0.9": rms[0.9][0][:shown], "RMSprop, alpha 0.99": rms[0.99][0][:shown]},
                 ax=ax_w, log=False, ylabel="weight",
                 colors={"SGD": SGD, "sign rule, lr sign(g)": RPROP, "RMSprop, alpha 0.9": RMSPROP,
                         "RMSprop, alpha 0.99": OTHER},
                 styles={"sign rule, lr sign(g)": {"ls": "--"}})  # fmt: skip
plot.mark_point(ax_w, shown, sign_w[shown - 1], "sign rule:\n8 lr lower\nper pass", color=RPROP,
                offset=(-75, 30))  # fmt: skip
ax_w.set(xlabel="mini-batch", title="Gradients +0.1 (x9), -0.9: the mean is 0")
ax_w.legend(fontsize=8, loc="lower left")
plot.step_curves({"optim.Rprop: |weight|": np.abs(rprop_w), "optim.Rprop: step size": rprop_steps}, ax=ax_run,
                 ylabel="", colors={"optim.Rprop: |weight|": RPROP, "optim.Rprop: step size": OTHER},
                 references={"step_size_max = 50": 50.0})  # fmt: skip
ax_run.set(xlabel="mini-batch", title="Rprop on the same mini-batches")
ax_run.legend(fontsize=8, loc="lower right")
position = np.arange(1, len(CYCLE) + 1)
ax_steps.bar(position - 0.2, -LR * np.sign(CYCLE) / LR, width=0.4, color=RPROP, label="sign rule")
ax_steps.bar(position + 0.2, -rms[0.99][1][-len(CYCLE) :] * np.array(CYCLE) / LR, width=0.4, color=OTHER,
             label="RMSprop, alpha 0.99 (last pass)")  # fmt: skip
ax_steps.axhline(0, color="k", lw=0.8)
ax_steps.set(xlabel="mini-batch within a pass", ylabel="step, in units of lr", xticks=position,
             title="The steps within one pass")  # fmt: skip
ax_steps.legend(fontsize=8, loc="upper left")
plot.show(fig, "05_minibatches", dpi=DPI)

# %% [markdown]
# RMSprop keeps the size of each gradient. With `alpha = 0.99` its divisor `sqrt(v)` sits
# near 0.3, so the nine small steps are about a third of `lr` each and the big one about
# three `lr`: they cancel, and what is left over is a drift of less than a tenth of `lr`
# per pass, around a hundred times less than the sign rule's 8 (the printout has the
# numbers). With `alpha = 0.9` the window is about one pass, so `v` swings within each
# pass (it jumps after the `-0.9` and decays over the next nine) and the cancellation is
# rougher, yet still more than ten times better than the sign rule. This is the sense in
# which RMSprop is "Rprop for mini-batches": the divisor is averaged over enough
# mini-batches to be about the same for all of them.
#
# One thing RMSprop does not cancel: the first pass. Because `v` starts at 0, the first
# few divisors are too small and the first nine steps too large (tutorial 06, section 3,
# measures this), so both runs are pushed down in the first pass and stay there. Adam's
# bias correction (tutorial 08) removes this.
#
# ## What to take away
#
# - Rprop moves each coordinate by a step size of its own, against the sign of its
#   gradient; it grows the step by `etaplus` while the sign holds and shrinks it by
#   `etaminus` when it flips. It ignores the gradient's size, which on a full batch is its
#   strength: a badly scaled problem is no harder for it than a well scaled one.
# - On mini-batches, ignoring the size is its undoing: gradients that should cancel
#   (+0.1 nine times, -0.9 once) become nine steps one way and one (or, in PyTorch's
#   Rprop, none) the other.
# - RMSprop divides by the root of a moving average of the squared gradient instead. The
#   steps stay proportional to the gradients within the average's window, so mini-batches
#   cancel as they do in SGD, while the step size stays independent of the overall scale.
# - Next, tutorial 06: RMSprop in detail.

# %% [markdown]
# ## Exercises
#
# Each exercise has a checker in `exercises/rprop.py`: write the function, then uncomment
# the call. Worked solutions are in `solutions/rprop.py` (`python -m solutions.rprop` from
# `tutorials/` runs them through the checkers).
#
# 1. **How fast Rprop covers ground.** Write `steps_to_cover(distance, lr, etaplus)`: the
#    number of Rprop steps a coordinate whose gradient keeps its sign needs to travel at
#    least `distance` (its step sizes are `lr, lr * etaplus, lr * etaplus^2, ...`; assume
#    `step_size_max` is not reached). The checker runs `optim.Rprop` on a constant
#    gradient and counts.
# 2. **RMSprop's settled steps.** Write `settled_steps(cycle, lr)`: for gradients that
#    repeat the values in `cycle` (an array) for ever, RMSprop's step on each of them once
#    the average spans many passes, so that `v` is the mean of `g^2` over the cycle (ignore
#    eps). Return an array like `cycle` of the changes of theta. The checker runs
#    `optim.RMSprop(alpha=0.995)` for many passes and compares the last one.

# %%
from exercises.rprop import check_settled_steps, check_steps_to_cover

# check_steps_to_cover(steps_to_cover)  # 1. def steps_to_cover(distance, lr, etaplus): ... return n
# check_settled_steps(settled_steps)  # 2. def settled_steps(cycle, lr): ... return steps

# %% [markdown]
# # 04 · AdaGrad: a learning rate for every coordinate
#
# In tutorial 03, plain gradient descent on `f(x, y) = 0.5 (x^2 + kappa y^2)` had one learning
# rate for both coordinates. The steep coordinate y capped it below `2 / kappa`, and the flat
# coordinate x then crawled. AdaGrad (Duchi, Hazan & Singer, 2011) gives every coordinate a
# learning rate of its own, worked out from the gradients that coordinate has seen. You will
# write its rule in a few lines of numpy and check it against `optim.Adagrad`; then we use
# the library's class to see what the rule buys on the same quadratic, and what it costs:
# AdaGrad's learning rates only ever shrink.
#
# Run it with `python tutorials/04_adagrad.py` (set `MINIGRAD_QUICK=1` for a shorter run), or
# open it as a notebook.

# %%
import os

import numpy as np
from exercises.update_rule import check_update_rule
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import optim, plot

# -----------------------------------------------------------------------------
QUICK = os.environ.get("MINIGRAD_QUICK") == "1"  # shorter runs through the same code
KAPPA = 25.0  # how much steeper y is than x in the quadratic, as in tutorial 03
START = (-5.0, 1.0)  # where every run on the quadratic starts (in the bowl's own axes)
PATH_STEPS = 40  # steps drawn in the path figure
LOSS_STEPS = 250  # steps of the loss curves next to the paths
SGD_LR = 0.07  # a good plain-SGD learning rate on this quadratic (tutorial 03)
ADAGRAD_LR = 1.2  # AdaGrad's learning rate in the path figure
SCAN_STEPS = 220 if QUICK else 1000  # step budget when counting steps to TARGET
TARGET = 1e-6  # "converged" means the loss fell below this
DECAY_STEPS = 300 if QUICK else 10000  # steps with a constant gradient
GRADIENTS = (0.01, 1.0, 100.0)  # the constant gradients whose effective lr we follow
FAR_LR = 0.1  # learning rate of the runs towards a far-away minimum
DISTANCES = (4, 6) if QUICK else (5, 10, 20)  # how far away that minimum is
FAR_STEPS = 800 if QUICK else 12000  # step budget of those runs
# -----------------------------------------------------------------------------

# %% [markdown]
# ## The rule, written by you
#
# From the docstring of `minigrad/optim/adagrad.py`, which follows `torch.optim.Adagrad`
# (leaving out weight decay and `lr_decay`, which default to 0), for every coordinate
# separately:
#
#     sum   <- sum + g^2                  sum starts at initial_accumulator_value (0)
#     theta <- theta - lr * g / (sqrt(sum) + eps)
#
# Write it yourself first, as a function of numpy arrays that keeps `sum` in `state`; here
# is one way. `check_update_rule` runs it next to `optim.Adagrad` on the same noisy
# gradients, once with PyTorch's defaults and once with Keras's start of 0.1 and `eps = 1e-7`.


# %%
def adagrad_step(theta, grad, state, lr, eps=1e-10, initial_accumulator_value=0.0):
    """One step of AdaGrad (no weight decay, no lr_decay)."""
    if "sum" not in state:
        state["sum"] = np.full_like(theta, initial_accumulator_value)
    state["sum"] = state["sum"] + grad**2
    return theta - lr * grad / (np.sqrt(state["sum"]) + eps)


check_update_rule(adagrad_step, optim.Adagrad, {"lr": 0.5, "eps": 1e-10})
check_update_rule(adagrad_step, optim.Adagrad, {"lr": 0.5, "eps": 1e-7, "initial_accumulator_value": 0.1})

# %% [markdown]
# The factor in front of `g`, `lr / (sqrt(sum) + eps)`, is the coordinate's *effective
# learning rate*; `optimizer.effective_lr()` returns it for every coordinate. Two things
# follow straight from the rule.
#
# 1. On the first step `sum = g^2`, so the step is `lr * g / |g| = lr * sign(g)`: every
#    coordinate moves by `lr`, however large or small its gradient.
# 2. `sum` includes the current `g^2`, so `|g| <= sqrt(sum)` and no step is ever longer than
#    `lr`, however large the gradient. That rules out the runaway of plain SGD above
#    `2 / kappa` in tutorial 03, where every step was a fixed factor longer than the last.
#
# From here on we use `optim.Adagrad`. We reuse tutorial 03's quadratic and a helper,
# `descend`, that runs an optimizer and returns the points it visited and the optimizer
# itself (to read `effective_lr()` from).

# %%
CURVATURES = np.array([1.0, KAPPA])


def quadratic(p):
    """f(x, y) = 0.5 * (x^2 + kappa * y^2), for a Tensor p of shape (2,)."""
    return (0.5 * CURVATURES * p * p).sum()


def loss_of(path):
    """The quadratic at every row of an array of points, in numpy."""
    return (0.5 * CURVATURES * path**2).sum(axis=1)


def descend(fn, start, steps, optimizer, **options):
    """Run ``optimizer`` on ``fn`` from ``start``; return (points visited, the optimizer)."""
    point = mg.Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    opt = optimizer([point], **options)
    trail = [point.data.copy()]
    for _ in range(steps):
        opt.zero_grad()
        fn(point).backward()
        opt.step()
        trail.append(point.data.copy())
    return np.array(trail), opt


def steps_to(losses, target=TARGET):
    """The first step at which the loss is below ``target``, or None if it never is."""
    below = np.flatnonzero(np.asarray(losses) < target)
    return int(below[0]) if below.size else None


def steps_text(steps, budget):
    return str(steps) if steps is not None else f"> {budget}"


sgd_path, _ = descend(quadratic, START, 1, optim.SGD, lr=SGD_LR)
ada_path, _ = descend(quadratic, START, 1, optim.Adagrad, lr=ADAGRAD_LR)
sgd_move, ada_move = np.abs(sgd_path[1] - sgd_path[0]), np.abs(ada_path[1] - ada_path[0])
for name, lr, move in (("SGD", SGD_LR, sgd_move), ("AdaGrad", ADAGRAD_LR, ada_move)):
    print(f"first step of {name} (lr {lr}): |dx| = {move[0]:.3f}, |dy| = {move[1]:.3f}, ratio {move[1] / move[0]:.1f}")
assert np.allclose(ada_move, ADAGRAD_LR) and np.isclose(sgd_move[1] / sgd_move[0], 5), "first steps not as predicted"

# %% [markdown]
# SGD's first step along the steep y is five times its step along x, even though y starts
# five times closer to the minimum. AdaGrad moves both coordinates by the same `lr`.
#
# ## On the quadratic
#
# Here are both optimizers for 40 steps, drawn with `plot.quadratic_paths`, which circles
# where each path ends and gives its final loss in the legend. In the middle is the same
# quadratic turned by 45 degrees: `f(R^T p)` with `R` a rotation, so its steep and flat
# directions are now the diagonals instead of the axes, and the run starts from the same
# point of the bowl. Plain SGD does not care about the rotation (its path is the same path,
# turned). AdaGrad does, because it scales each *coordinate*. On the right, the loss of the
# runs for longer, with the step where each first falls below the target. SGD's losses on
# the two bowls are equal at every step (the code checks it), so they are drawn as one curve.

# %%
TURN = np.array([[1.0, -1.0], [1.0, 1.0]]) / np.sqrt(2)  # the rotation R by 45 degrees


def rotated(p):
    """The quadratic turned by 45 degrees: steep and flat along the diagonals (p @ R = R^T p)."""
    return quadratic(p @ TURN)


ROTATED_START = tuple(TURN @ np.array(START))  # the same point of the turned bowl
runs = {"SGD": (optim.SGD, {"lr": SGD_LR}), "AdaGrad": (optim.Adagrad, {"lr": ADAGRAD_LR})}
losses = {}
for name, (cls, options) in runs.items():
    losses[f"{name}, axes"] = loss_of(descend(quadratic, START, LOSS_STEPS, cls, **options)[0])
    losses[f"{name}, turned"] = loss_of(descend(rotated, ROTATED_START, LOSS_STEPS, cls, **options)[0] @ TURN)
assert np.allclose(losses["SGD, turned"], losses["SGD, axes"], rtol=1e-9), "SGD should not see the rotation"

fig = Figure(figsize=(12, 4.6), layout="constrained")
left, middle, right = fig.subplots(1, 3, width_ratios=[1.4, 1, 1.6])
_, paths = plot.quadratic_paths(runs, CURVATURES, START, PATH_STEPS, bounds=((-5.5, 1.5), (-2, 2)), ax=left)
left.set_title(f"0.5 (x² + {KAPPA:g} y²), {PATH_STEPS} steps")
_, turned = plot.quadratic_paths(
    runs, CURVATURES, START, PATH_STEPS, angle=45, bounds=((-5, 1.5), (-5, 1.5)), ax=middle
)
middle.set_title("the same bowl, turned 45°")
ONE_SGD_CURVE = "SGD, both bowls (one curve)"  # SGD's two losses are equal (asserted above)
drawn = {ONE_SGD_CURVE: losses["SGD, axes"], "AdaGrad, axes": losses["AdaGrad, axes"]}
drawn["AdaGrad, turned"] = losses["AdaGrad, turned"]
styles = {ONE_SGD_CURVE: {"color": plot.COLORS["sgd"]}, "AdaGrad, axes": {"color": plot.COLORS["adagrad"]},
          "AdaGrad, turned": {"color": plot.COLORS["adagrad"], "ls": ":", "lw": 2}}  # fmt: skip
right.axvline(PATH_STEPS, color="k", lw=0.6, ls="--", label=f"step {PATH_STEPS}: the end of the paths")
plot.losses_to_target(drawn, TARGET, ax=right, styles=styles, legend_loc="upper right")
right.set_ylim(1e-12, 1e10)  # room for the legend above the curves
right.set_title("loss on both bowls")
plot.show(fig, "04_paths", dpi=90)

for name in runs:
    after = losses[f"{name}, axes"][PATH_STEPS], losses[f"{name}, turned"][PATH_STEPS]
    print(f"{name:>8}: loss after {PATH_STEPS} steps {after[0]:.1e} (axes), {after[1]:.1e} (turned)")
_, adagrad = descend(quadratic, START, PATH_STEPS, optim.Adagrad, lr=ADAGRAD_LR)
flat_lr, steep_lr = adagrad.effective_lr()
print(f"AdaGrad's effective lr after {PATH_STEPS} steps: x {flat_lr:.4f}, y {steep_lr:.4f}", end=" ")
print(f"({flat_lr / steep_lr:.1f} times smaller along the steep y)")
sgd_end = losses["SGD, axes"][PATH_STEPS]
assert losses["AdaGrad, axes"][PATH_STEPS] < sgd_end / 100, "AdaGrad should end far lower on the axis-aligned bowl"
assert losses["AdaGrad, turned"][PATH_STEPS] > 2 * sgd_end, "AdaGrad should end higher than SGD on the turned bowl"
assert flat_lr > 2 * steep_lr, "AdaGrad should have found a smaller step for the steep y"

# %% [markdown]
# On the axis-aligned bowl, AdaGrad heads straight down the valley instead of zig-zagging,
# and ends far lower than SGD: it has found a smaller effective learning rate for the steep
# y than for the flat x on its own (the printed effective learning rates). On the turned
# bowl, each coordinate mixes steep and flat, so there is no good per-coordinate step:
# AdaGrad zig-zags much like SGD and ends higher (its circle is further from the `+`, and
# its dotted loss curve lies above SGD's at step 40).
#
# How much does this depend on AdaGrad's learning rate? We count steps to the target for a
# range of them, on both bowls, next to the best plain SGD from tutorial 03, and record the
# longest single step as a fraction of `lr`.

# %%
print(f"{'optimizer':>20} {'steps (axes)':>13} {'steps (turned)':>15} {'longest step / lr':>18}")
scan, longest = {}, {}
for lr in (0.3, 1.2, 3.0, 10.0, 30.0):
    path, _ = descend(quadratic, START, SCAN_STEPS, optim.Adagrad, lr=lr)
    turned_path, _ = descend(rotated, ROTATED_START, SCAN_STEPS, optim.Adagrad, lr=lr)
    longest[lr] = max(np.abs(np.diff(p, axis=0)).max() for p in (path, turned_path)) / lr
    scan[lr] = (steps_to(loss_of(path)), steps_to(loss_of(turned_path @ TURN)))
    assert np.allclose(np.abs(path[1] - path[0]), lr), f"lr {lr}: the first step should move each coordinate by lr"
    assert loss_of(path)[-1] < loss_of(path)[0] and loss_of(turned_path @ TURN)[-1] < loss_of(path)[0], lr
    print(f"{'AdaGrad lr ' + str(lr):>20} {steps_text(scan[lr][0], SCAN_STEPS):>13}", end=" ")
    print(f"{steps_text(scan[lr][1], SCAN_STEPS):>15} {longest[lr]:18.4f}")
best_sgd = 2 / (1 + KAPPA)
path, _ = descend(quadratic, START, SCAN_STEPS, optim.SGD, lr=best_sgd)
turned_path, _ = descend(rotated, ROTATED_START, SCAN_STEPS, optim.SGD, lr=best_sgd)
sgd_steps = (steps_to(loss_of(path)), steps_to(loss_of(turned_path @ TURN)))
sgd_name = f"SGD lr {best_sgd:.4f}"
print(f"{sgd_name:>20} {steps_text(sgd_steps[0], SCAN_STEPS):>13} {steps_text(sgd_steps[1], SCAN_STEPS):>15}")
turned_best = min((s for _, s in scan.values() if s is not None), default=None)
print(f"best AdaGrad on the turned bowl: {steps_text(turned_best, SCAN_STEPS)} steps;", end=" ")
print(f"best SGD: {steps_text(sgd_steps[1], SCAN_STEPS)}")
assert max(longest.values()) <= 1 + 1e-9, "a step longer than lr"
assert all(scan[lr][0] is not None and scan[lr][0] < sgd_steps[0] for lr in scan if lr >= 1.2), "AdaGrad should win"
assert turned_best is not None and turned_best > 1.2 * sgd_steps[1], "on the turned bowl SGD should win"

# %% [markdown]
# Three things to read from the table:
#
# - No learning rate in the scan diverges, and no step was ever longer than `lr`, as the
#   rule promised. Large learning rates throw the point far on the first step (`lr = 30`
#   moves it 30 units), but the sum of squares catches up and reins it in.
# - On the axis-aligned bowl, AdaGrad beats the best plain SGD for every learning rate from
#   1.2 up.
# - On the turned bowl, the best AdaGrad in the scan is *slower* than the best plain SGD.
#   Per-coordinate learning rates help exactly as much as the steep and flat directions line up
#   with the coordinates. In a neural network they line up in part: different weights can
#   see gradients of very different sizes, and that is where per-coordinate steps pay off.
#
# ## The decay of the effective learning rate
#
# `sum` only grows, so the effective learning rate only falls. With a constant gradient `g`
# the sum after `t` steps is `t * g^2` (starting from 0), so
#
#     effective lr after t steps = lr / (sqrt(t * g^2) + eps) = lr / (sqrt(t) * |g| + eps)
#
# It falls as `1 / sqrt(t)`: a straight line of slope -1/2 on log-log axes. The step itself,
# effective lr times `g`, is `lr / sqrt(t)` whatever `|g|` is. We measure it on a linear
# loss `L(w) = g_1 w_1 + g_2 w_2 + g_3 w_3`, whose gradient is the constant vector `g`, reading
# `effective_lr()` after every step.

# %%
g = np.array(GRADIENTS)
w = mg.Tensor(np.zeros(len(g)), requires_grad=True)
optimizer = optim.Adagrad([w], lr=FAR_LR)
measured, moves = [], []
for _ in range(DECAY_STEPS):
    before = w.data.copy()
    optimizer.zero_grad()
    (w * g).sum().backward()
    optimizer.step()
    measured.append(optimizer.effective_lr())
    moves.append(np.abs(w.data - before))
measured, moves = np.array(measured), np.array(moves)
t = np.arange(1, DECAY_STEPS + 1)[:, None]
eps = optimizer.param_groups[0]["eps"]
formula = FAR_LR / (np.sqrt(t) * np.abs(g) + eps)
gap = np.max(np.abs(measured / formula - 1))
print(f"largest relative gap between effective_lr() and the formula: {gap:.1e}")
slopes = [np.polyfit(np.log(t[:, 0]), np.log(measured[:, i]), 1)[0] for i in range(len(g))]
print("fitted log-log slopes:", ", ".join(f"{s:.4f}" for s in slopes))
print(f"step {DECAY_STEPS}: every coordinate moved {moves[-1].round(6)},", end=" ")
print(f"lr / sqrt(t) = {FAR_LR / np.sqrt(DECAY_STEPS):.6f}")
assert gap < 1e-9 and np.allclose(slopes, -0.5, atol=1e-3), "effective_lr() should follow lr / (sqrt(t) |g| + eps)"
assert np.allclose(moves[-1], FAR_LR / np.sqrt(DECAY_STEPS), rtol=1e-6), "the step should be lr / sqrt(t) for every |g|"

fig = Figure(figsize=(6.5, 3.8), layout="constrained")
ax = fig.add_subplot()
for index, size in enumerate(GRADIENTS):
    ax.plot(t[:, 0], measured[:, index], color=f"C{index}", lw=2.5, alpha=0.6, label=f"measured, |g| = {size:g}")
    ax.plot(t[:, 0], formula[:, index], "k--", lw=0.8, label="lr / (sqrt(t) |g| + eps)" if index == 0 else None)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("step t")
ax.set_ylabel("effective learning rate")
ax.set_title(f"AdaGrad (lr {FAR_LR}) with a constant gradient: slope -1/2")
ax.legend(fontsize=8)
plot.show(fig, "04_effective_lr", dpi=90)

# %% [markdown]
# `effective_lr()` follows the formula to rounding error, and each line has slope -1/2.
# The three lines are the same line shifted by `|g|`: the gradient's size only sets the
# height, and the decay happens regardless.
#
# ## What the decay costs: a far-away minimum
#
# Suppose the minimum is far away and the slope on the way there is steady. We use
# `f(x) = sqrt(1 + (x - D)^2) - 1`: a smoothed `|x - D|`, with slope close to -1 everywhere
# except within about 1 of the minimum at `D`. Start at 0 and take steps with `lr = 0.1`:
#
# - plain SGD moves about `lr` per step, so it covers `lr * t` in `t` steps;
# - AdaGrad moves `lr / sqrt(k)` on step `k` (the step size we just measured), so it covers
#   `lr * (1 + 1/sqrt(2) + ... + 1/sqrt(t))`, about `2 lr sqrt(t)`.
#
# To get within 1 of the minimum, SGD needs about `(D - 1) / lr` steps and AdaGrad about
# `((D - 1) / (2 lr))^2`: twice as far means twice the steps for SGD, four times for AdaGrad,
# and AdaGrad needs about `(D - 1) / (4 lr)` times as many steps as SGD. (Both estimates
# leave out the last stretch, where the slope flattens, so the real counts come out a little
# higher.) The runs are long, so we hand the optimizers the gradient from its formula,
# `(x - D) / sqrt(1 + (x - D)^2)`, after checking it against autograd.


# %%
def far_loss(D):
    return lambda x: (((x - D) ** 2 + 1).sqrt() - 1).sum()


def gradient_of(fn, at):
    point = mg.Tensor(np.array(at, dtype=np.float64), requires_grad=True)
    fn(point).backward()
    return point.grad


def far_gradient(x, D):
    return (x - D) / np.sqrt(1 + (x - D) ** 2)


for x in (0.0, 4.5, 7.0):
    assert np.allclose(far_gradient(x, 5), gradient_of(far_loss(5), [x]), rtol=1e-12), x


def walk(optimizer, D, steps):
    """The positions x of ``steps`` steps from 0 towards the minimum at D."""
    x = mg.Tensor(np.zeros(1), requires_grad=True)
    opt = optimizer([x], lr=FAR_LR)
    positions = [0.0]
    for _ in range(steps):
        x.grad = far_gradient(x.data, D)
        opt.step()
        positions.append(x.data[0])
    return np.array(positions)


def arrival(positions, D):
    """The first step within 1 of the minimum at D, or None."""
    close = np.flatnonzero(np.abs(positions - D) < 1)
    return int(close[0]) if close.size else None


walks = {D: {"SGD": walk(optim.SGD, D, FAR_STEPS), "AdaGrad": walk(optim.Adagrad, D, FAR_STEPS)} for D in DISTANCES}
print(f"{'D':>3} {'SGD arrives':>12} {'(D-1)/lr':>9} {'AdaGrad arrives':>16} {'((D-1)/(2 lr))^2':>17}", end=" ")
print(f"{'ratio':>6} {'(D-1)/(4 lr)':>13}")
arrivals = {}
for D, walked in walks.items():
    sgd_at, ada_at = arrivals[D] = arrival(walked["SGD"], D), arrival(walked["AdaGrad"], D)
    sgd_guess, ada_guess, ratio_guess = (D - 1) / FAR_LR, ((D - 1) / (2 * FAR_LR)) ** 2, (D - 1) / (4 * FAR_LR)
    sgd_text, ada_text = steps_text(sgd_at, FAR_STEPS), steps_text(ada_at, FAR_STEPS)
    print(f"{D:>3} {sgd_text:>12} {sgd_guess:9.0f} {ada_text:>16} {ada_guess:17.0f}", end=" ")
    print(f"{ada_at / sgd_at:6.1f} {ratio_guess:13.1f}")
    assert 1 <= sgd_at / sgd_guess < 1.2 and 1 <= ada_at / ada_guess < 1.3, f"D = {D}: counts off the predictions"
    assert abs(ada_at / sgd_at / ratio_guess - 1) < 0.2, f"D = {D}: the ratio is off (D - 1) / (4 lr)"
farthest = max(DISTANCES)
partial_sums = FAR_LR * np.cumsum(1 / np.sqrt(np.arange(1, FAR_STEPS + 1)))
for steps in (s for s in (100, 1000) if s <= FAR_STEPS):
    print(f"after {steps:>4} steps towards D = {farthest}: SGD at {walks[farthest]['SGD'][steps]:.2f},", end=" ")
    print(f"AdaGrad at {walks[farthest]['AdaGrad'][steps]:.2f} (lr * sum of 1/sqrt(k): {partial_sums[steps - 1]:.2f})")
far_off = partial_sums < farthest - 3  # while the slope is still close to 1
assert np.allclose(walks[farthest]["AdaGrad"][1:][far_off], partial_sums[far_off], rtol=0.02), "not 2 lr sqrt(t)"

# %%
fig = Figure(figsize=(9, 3.6), layout="constrained")
left, right = fig.subplots(1, 2)
steps_axis = np.arange(FAR_STEPS + 1)
COLOR = {"SGD": "C0", "AdaGrad": "C3"}  # the colours plot.optimizer_paths gives them
left.plot(steps_axis, walks[farthest]["SGD"], color=COLOR["SGD"], label="SGD")
left.plot(steps_axis, walks[farthest]["AdaGrad"], color=COLOR["AdaGrad"], label="AdaGrad")
left.plot(steps_axis[1:], partial_sums, "k--", lw=0.8, label="lr · Σ 1/√k ≈ 2 lr √t")
left.axhline(farthest, color="grey", lw=0.8, ls="-.", label=f"the minimum, x = {farthest}")
left.set_ylim(0, farthest + 2)
left.set_xlabel("step")
left.set_ylabel("position x")
left.set_title(f"Walking to a minimum at D = {farthest}, lr {FAR_LR}")
left.legend(fontsize=8, loc="center right")
distances = np.array(DISTANCES, dtype=float)
for name, index in (("SGD", 0), ("AdaGrad", 1)):
    reached = [(D, arrivals[D][index]) for D in DISTANCES if arrivals[D][index] is not None]
    if reached:
        right.plot(*zip(*reached, strict=True), "o", color=COLOR[name], label=f"{name}, measured")
right.plot(distances, (distances - 1) / FAR_LR, "--", color=COLOR["SGD"], lw=0.8, label="(D - 1) / lr")
right.plot(
    distances, ((distances - 1) / (2 * FAR_LR)) ** 2, "--", color=COLOR["AdaGrad"], lw=0.8, label="((D - 1) / (2 lr))²"
)
right.set_xscale("log")
right.set_xticks(DISTANCES, labels=[str(D) for D in DISTANCES])
right.set_xticks([], minor=True)
right.set_yscale("log")
right.set_xlabel("distance D to the minimum")
right.set_ylabel("steps to get within 1")
right.set_title("Steps needed against distance")
right.legend(fontsize=8)
plot.show(fig, "04_far_minimum", dpi=90)

# %% [markdown]
# AdaGrad's position follows `2 lr sqrt(t)` closely until it nears the minimum, and the step
# counts follow the two predictions. The gap grows with the distance, in proportion to
# `D - 1` (the last two columns). Its first step was just as long as SGD's; it is the
# shrinking of every later step that costs it.
#
# You could raise AdaGrad's learning rate for this problem. But `lr` is also the length of
# the first step of every coordinate, and how far a run will need to travel is rarely known in
# advance. Training a network is a long walk of this kind: thousands of steps, most of them
# far from any minimum.
#
# ## AdaGrad never forgets
#
# The sum weighs a gradient from step 1 exactly as much as one from step 1000. Take two
# coordinates of a linear loss, both with gradient 1, except that the first one gets
# gradient 100 for its first 10 steps. After 1000 steps both have seen the same recent
# gradients, but the first one's sum is `10 * 100^2 + 990 = 100,990` against `1000`.

# %%
MEMORY_STEPS = 1000
w = mg.Tensor(np.zeros(2), requires_grad=True)
optimizer = optim.Adagrad([w], lr=FAR_LR)
for step in range(MEMORY_STEPS):
    spiked_grad = np.array([100.0 if step < 10 else 1.0, 1.0])
    optimizer.zero_grad()
    (w * spiked_grad).sum().backward()
    optimizer.step()
print(f"sums after {MEMORY_STEPS} steps: {optimizer.state[w]['sum']}")
spiked, steady = optimizer.effective_lr()
print(f"after {MEMORY_STEPS} steps the steady coordinate's effective lr is {steady / spiked:.1f} times", end=" ")
print("the spiked one's")
assert np.allclose(optimizer.state[w]["sum"], [100_990, 1000]) and 9.5 < steady / spiked < 10.5
within_2x = int(np.ceil((10 * 100**2 - 10) / 3))  # sums within 4x once 100,000 + t - 10 < 4 t
print(f"the spiked coordinate's effective lr gets within 2x of the steady one's only after {within_2x:,} steps")

# %% [markdown]
# Ten unusual steps at the start slow that coordinate down for tens of thousands of steps.
#
# ## `initial_accumulator_value` and `eps`
#
# Libraries differ in two small settings (see the table in `minigrad/optim/adagrad.py`):
# PyTorch (and minigrad) start `sum` at 0 with `eps = 1e-10`; Keras starts it at 0.1 with
# `eps = 1e-7` (and uses `lr = 0.001` by default). Starting at 0 is what makes the first
# step exactly `lr` for every coordinate. Starting at 0.1 changes that for coordinates whose
# `g^2` is small next to 0.1. Below, the length of the first step, as a fraction of `lr`,
# for gradients from 10 down to 0, and a third column that changes only `eps`.

# %%
first_gradients = np.array([10.0, 1.0, 0.01, 1e-9, 0.0])
conventions = {
    "PyTorch (0, 1e-10)": {"initial_accumulator_value": 0.0, "eps": 1e-10},
    "Keras (0.1, 1e-7)": {"initial_accumulator_value": 0.1, "eps": 1e-7},
    "only eps 1e-7": {"initial_accumulator_value": 0.0, "eps": 1e-7},
}
first_steps, zero_gradient_lr = {}, {}
for name, options in conventions.items():
    w = mg.Tensor(np.zeros(len(first_gradients)), requires_grad=True)
    optimizer = optim.Adagrad([w], lr=FAR_LR, **options)
    optimizer.zero_grad()
    (w * first_gradients).sum().backward()
    optimizer.step()
    first_steps[name] = np.abs(w.data) / FAR_LR
    zero_gradient_lr[name] = optimizer.effective_lr()[-1] / FAR_LR
print(f"{'gradient':>9}" + "".join(f"{name:>21}" for name in conventions))
for i, first_g in enumerate(first_gradients):
    print(f"{first_g:>9g}" + "".join(f"{first_steps[name][i]:>21.3g}" for name in conventions))
print(
    "effective lr / lr of the coordinate with gradient 0:",
    ", ".join(f"{name}: {value:.0e}" for name, value in zero_gradient_lr.items()),
)
torch, keras, only_eps = (first_steps[name] for name in conventions)
assert np.all(np.abs(torch[:2] / keras[:2] - 1) < 0.05), "for |g| >= 1 the conventions should agree within 5%"
assert np.allclose(torch[:3], 1) and keras[2] < 0.05, "a start of 0.1 should shrink the first step of g = 0.01"
assert np.allclose(only_eps[:3], 1) and only_eps[3] < 0.1 < torch[3], "eps should matter only near its own size"

# When does the 0.1 stop mattering? Once t * g^2 is large next to 0.1: follow g = 0.01.
KERAS_STEPS = 1000
ratios = {}
for name in ("PyTorch (0, 1e-10)", "Keras (0.1, 1e-7)"):
    w = mg.Tensor(np.zeros(1), requires_grad=True)
    optimizer = optim.Adagrad([w], lr=FAR_LR, **conventions[name])
    for _ in range(KERAS_STEPS):
        optimizer.zero_grad()
        (w * 0.01).sum().backward()
        optimizer.step()
    ratios[name] = optimizer.effective_lr()[0]
keras_share = ratios["Keras (0.1, 1e-7)"] / ratios["PyTorch (0, 1e-10)"]
print(f"g = 0.01 after {KERAS_STEPS} steps: Keras's effective lr is {keras_share:.2f} of PyTorch's")
assert keras_share < 0.9, "after 1000 small gradients the start of 0.1 should still matter"

# %% [markdown]
# - For gradients of size 1 or more, the conventions agree to within a few percent.
# - With a start of 0.1, a coordinate with a small gradient takes a small first step, in
#   proportion to its gradient, like SGD with learning rate `lr / sqrt(0.1)`. With a start of 0,
#   even a gradient of `0.01` moves its coordinate by a full `lr`. The difference fades only
#   once `t * g^2` is large next to 0.1: for `g = 0.01`, after 1000 steps, the two effective
#   learning rates still differ by the printed factor.
# - `eps` matters only for gradients near its own size (`1e-9` here): it keeps the division
#   finite. A coordinate that has only ever seen zero gradients reports an effective learning
#   rate of `lr / eps` (or `lr / (sqrt(0.1) + eps)` with Keras's start); harmless, since its
#   step is that times 0, but worth knowing before you plot `effective_lr()`.
#
# ## The question for the next tutorial
#
# AdaGrad's per-coordinate scaling is what we wanted: each coordinate's step is divided by
# the typical size of its gradients. Its *memory* is the problem. Because `sum` adds up every
# squared gradient since the start, the effective learning rate falls as `1 / sqrt(t)` even
# when nothing about the problem changes, and one burst of large gradients lowers it for a
# very long time.
#
# So: can we keep dividing by the size of a coordinate's gradients, but measure that size
# from the *recent* gradients only, so that the effective learning rate stops falling when
# the gradients stop changing? That is what RMSprop does: tutorial 05 shows where it came
# from (Rprop, and why Rprop fails on mini-batches), and tutorial 06 takes it apart.
#
# ## What to take away
#
# - AdaGrad divides each coordinate's step by the root of the sum of its squared gradients.
#   The first step is exactly `lr` for every coordinate, and no step is ever longer than `lr`.
# - That helps most when the steep and flat directions are the coordinates themselves; on
#   the same bowl turned by 45 degrees, it lost to plain SGD.
# - With a constant gradient the effective learning rate is `lr / (sqrt(t) |g| + eps)`: it
#   falls as `1 / sqrt(t)`, and the distance covered grows only as `2 lr sqrt(t)`.
# - PyTorch starts the sum at 0, Keras at 0.1; the difference matters for small gradients
#   early in training.
#
# ## Exercises
#
# Each exercise has a checker in `exercises/adagrad.py`: write the function, then uncomment
# the call. Worked solutions are in `solutions/adagrad.py`.
#
# 1. **The effective learning rate.** Write `effective_lr(t, g, lr, eps,
#    initial_accumulator_value)`: AdaGrad's effective learning rate after `t` steps of the
#    constant gradient `g` (a number, maybe negative). The checker compares it with
#    `optim.Adagrad(...).effective_lr()`.
# 2. **How far does it get?** Write `steps_to_travel(distance, lr)`: the fewest steps after
#    which AdaGrad, fed a gradient of constant sign, has moved at least `distance`. Then
#    compare with `(distance / (2 lr))^2`. The checker runs `optim.Adagrad` on a linear loss.
# 3. **The first step under each convention.** Write `first_step(g, lr,
#    initial_accumulator_value, eps)`: how far the first step moves a coordinate with
#    gradient `g`. For which gradients do PyTorch's and Keras's settings differ by more than a
#    factor of two? The checker steps `optim.Adagrad` once for gradients from 10 down to 0.

# %%
from exercises.adagrad import check_effective_lr, check_first_step, check_steps_to_travel

# check_effective_lr(effective_lr)
# check_steps_to_travel(steps_to_travel)
# check_first_step(first_step)

# %% [markdown]
# # 03 · Gradient descent's troubles
#
# Gradient descent takes one step size, the learning rate, and uses it for every direction
# at once. This tutorial shows what goes wrong when the loss is steep in one direction and
# flat in another, which is the normal case in deep learning. We work on two functions of
# two numbers, small enough to draw:
#
# - an *ill-conditioned* quadratic, `f(x, y) = 0.5 (x^2 + kappa y^2)`, where we can work out
#   every step by hand and then check it against minigrad;
# - the Rosenbrock function, a curved valley.
#
# We use the real optimizer classes, `optim.SGD` with and without momentum, and
# `plot.optimizer_paths` to draw where they go.
#
# Run it with `python tutorials/03_gradient_descent_troubles.py` (set `MINIGRAD_QUICK=1` for a
# short run), or open it as a notebook.

# %%
import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import optim, plot

# -----------------------------------------------------------------------------
QUICK = os.environ.get("MINIGRAD_QUICK") == "1"  # shorter runs through the same code
try:  # figures go next to this file, unless MINIGRAD_FIGURES names another folder
    FIGURES = Path(os.environ.get("MINIGRAD_FIGURES") or Path(__file__).parent / "figures")
except NameError:  # in a notebook there is no __file__
    FIGURES = Path(os.environ.get("MINIGRAD_FIGURES") or "tutorials/figures")
FIGURES.mkdir(parents=True, exist_ok=True)
KAPPA = 25.0  # how much steeper y is than x in the quadratic (its condition number)
START = (-5.0, 1.0)  # where every run on the quadratic starts
PATH_STEPS = 40  # steps drawn in the path figures
CURVE_STEPS = 150 if QUICK else 1000  # steps for the loss curves on the quadratic
TARGET = 1e-6  # "converged" means the loss fell below this
ROSEN_START = (-1.2, 1.0)  # the classic starting point on the Rosenbrock function
ROSEN_PATH_STEPS = 500  # steps drawn on the Rosenbrock contours
ROSEN_STEPS = 200 if QUICK else 10000  # steps for the Rosenbrock measurements
# -----------------------------------------------------------------------------

# %% [markdown]
# ## The problem and a helper
#
# `CURVATURES` holds the second derivative along each axis: 1 along x, `kappa` along y. The
# gradient is `(x, kappa * y)`, so the same distance from the minimum gives a gradient
# `kappa` times larger along y. `descend` runs an optimizer from a starting point and
# returns every point it visits; `loss_of` evaluates the quadratic on those points with numpy.

# %%
CURVATURES = np.array([1.0, KAPPA])


def quadratic(p):
    """f(x, y) = 0.5 * (x^2 + kappa * y^2), for a Tensor p of shape (2,)."""
    return (0.5 * CURVATURES * p * p).sum()


def loss_of(path):
    """The quadratic at every row of an array of points, in numpy."""
    return (0.5 * CURVATURES * path**2).sum(axis=1)


def descend(fn, start, steps, optimizer=optim.SGD, **options):
    """Run ``optimizer`` on ``fn`` from ``start``; return the points visited, shape (steps + 1, 2)."""
    point = mg.Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    opt = optimizer([point], **options)
    trail = [point.data.copy()]
    for _ in range(steps):
        opt.zero_grad()
        fn(point).backward()
        opt.step()
        trail.append(point.data.copy())
    return np.array(trail)


def steps_to(losses, target=TARGET):
    """The first step at which the loss is below ``target``, or None if it never is."""
    below = np.flatnonzero(np.asarray(losses) < target)
    return int(below[0]) if below.size else None


def show(steps, budget):
    return str(steps) if steps is not None else f"not within {budget}"


def times(slow, fast):
    """How many times more steps ``slow`` needed than ``fast`` (when both got there)."""
    return f"{slow / fast:.1f}x" if slow is not None and fast is not None else "(not measured in this short run)"


def save(fig, name):
    fig.savefig(FIGURES / name, dpi=90)


# %% [markdown]
# ## Each coordinate on its own
#
# Plain gradient descent updates `p <- p - lr * grad`. With the gradient `(x, kappa * y)`:
#
#     x <- x - lr * x          = (1 - lr) * x
#     y <- y - lr * kappa * y  = (1 - lr * kappa) * y
#
# The two coordinates never mix. Each one is multiplied by a fixed factor on every step, so
# after `t` steps `y_t = (1 - lr * kappa)^t * y_0`. That shrinks to zero only if the factor
# lies between -1 and 1:
#
#     |1 - lr * kappa| < 1   <=>   0 < lr < 2 / kappa
#
# The steep direction sets the limit on the learning rate, and the flat direction, whose
# factor `1 - lr` stays close to 1 for any learning rate below that limit, sets how long it
# takes. Let us check the per-step factor against one real step of `optim.SGD`, then try a
# learning rate just below and just above `2 / kappa`.

# %%
limit = 2 / KAPPA
print(f"the limit 2 / kappa = {limit:.3f}")
for lr in (0.05, 0.079):
    path = descend(quadratic, START, 1, lr=lr)
    print(f"lr = {lr}: measured factors {path[1] / path[0]}, predicted ({1 - lr:.3f}, {1 - lr * KAPPA:.3f})")

THRESHOLD_STEPS = 300
for lr in (0.079, 0.081):
    path = descend(quadratic, START, THRESHOLD_STEPS, lr=lr)
    y_ratio = abs(path[-1, 1] / path[0, 1])
    verdict = "converges" if y_ratio < 1 else "diverges"
    print(
        f"lr = {lr}: factor |1 - lr * kappa| = {abs(1 - lr * KAPPA):.3f}; "
        f"after {THRESHOLD_STEPS} steps |y| is {y_ratio:.2g} times its start: {verdict}"
    )

# %% [markdown]
# Just below the limit, `y` still shrinks, by the printed factor per step; just above it,
# `y` grows by a factor barely above 1 per step, and after a few hundred steps it is far
# away. There is no gentle failure: cross `2 / kappa` and the run blows up.
#
# ## Too small, too large, and the zig-zag in between
#
# Here are three learning rates, drawn with `plot.optimizer_paths`. It runs each optimizer
# from the star and returns the points it visited along with the axes, so we can measure what
# the picture shows.

# %%
fig = Figure(figsize=(7.5, 3.6), layout="constrained")
ax, paths = plot.optimizer_paths(
    quadratic,
    {f"lr = {lr}": (optim.SGD, {"lr": lr}) for lr in (0.01, 0.07, 0.081)},
    start=START,
    steps=PATH_STEPS,
    bounds=((-5.5, 1.0), (-2.0, 2.0)),
    ax=fig.add_subplot(),
    levels=20,
)
ax.legend(loc="lower left", fontsize=8)
ax.set_title(f"SGD on 0.5 (x² + {KAPPA:g} y²), {PATH_STEPS} steps")
ax.set_xlabel("x (flat)")
ax.set_ylabel("y (steep)")
save(fig, "03_learning_rates.png")

small, zigzag, large = paths["lr = 0.01"], paths["lr = 0.07"], paths["lr = 0.081"]
covered = 1 - small[-1, 0] / small[0, 0]
print(f"lr = 0.01:  after {PATH_STEPS} steps |y| = {abs(small[-1, 1]):.1e}, but x has covered only {covered:.0%}")
flips = int(np.sum(np.sign(zigzag[1:, 1]) != np.sign(zigzag[:-1, 1])))
print(f"lr = 0.07:  y changed sign on {flips} of {PATH_STEPS} steps; x covered {1 - zigzag[-1, 0] / zigzag[0, 0]:.0%}")
print(f"lr = 0.081: |y| went from {abs(large[0, 1]):.1f} to {abs(large[-1, 1]):.2f}")
fig  # noqa: B018 (a notebook shows the cell's last value)

# %% [markdown]
# - **Too small** (`lr = 0.01`): the steep direction settles quickly, then the path crawls
#   along the flat valley floor, covering only the printed fraction of the way in the steps
#   shown.
# - **In between** (`lr = 0.07`): the factor for y is `1 - 0.07 * 25 = -0.75`, negative, so y
#   jumps to the other side of the valley on every step: the zig-zag. It still shrinks,
#   because `|-0.75| < 1`, and x gets much further than with `lr = 0.01`.
# - **Too large** (`lr = 0.081`): the zig-zag grows instead of shrinking.
#
# ## Loss against step, and the best single learning rate
#
# Since each coordinate follows its own geometric sequence, the loss has a closed form:
#
#     f_t = 0.5 * x_0^2 * (1 - lr)^(2t) + 0.5 * kappa * y_0^2 * (1 - lr * kappa)^(2t)
#
# The slower of the two factors wins in the end. Making `|1 - lr|` small asks for a large
# learning rate; making `|1 - lr * kappa|` small asks for `lr` near `1 / kappa`. The best
# compromise makes them equal, `1 - lr = lr * kappa - 1`, that is `lr = 2 / (1 + kappa)`,
# where both factors are `(kappa - 1) / (kappa + 1)`. For large `kappa` that is close to 1,
# and the number of steps grows in proportion to `kappa`. Below, solid lines are minigrad's
# measured losses and dashed lines the closed form.

# %%
best_lr = 2 / (1 + KAPPA)
rate = (KAPPA - 1) / (KAPPA + 1)
print(f"best lr 2 / (1 + kappa) = {best_lr:.4f}; both factors are then {rate:.4f} per step")


def closed_form(lr, steps):
    t = np.arange(steps + 1)
    x0, y0 = START
    return 0.5 * x0**2 * (1 - lr) ** (2 * t) + 0.5 * KAPPA * y0**2 * (1 - lr * KAPPA) ** (2 * t)


rates = {"0.01": 0.01, "0.02": 0.02, "0.05": 0.05, f"{best_lr:.4f} (best)": best_lr, "0.079": 0.079, "0.081": 0.081}
curves, reached = {}, {}
print(f"{'lr':>15} {'steps to 1e-6':>15} {'closed form':>12} {'max rel. gap':>13}")
for name, lr in rates.items():
    losses = loss_of(descend(quadratic, START, CURVE_STEPS, lr=lr))
    exact = closed_form(lr, CURVE_STEPS)
    gap = np.max(np.abs(losses - exact) / exact)
    curves[name] = (losses, exact)
    reached[lr] = steps_to(losses)
    print(f"{name:>15} {show(steps_to(losses), CURVE_STEPS):>15} {show(steps_to(exact), CURVE_STEPS):>12} {gap:13.1e}")

# %%
fig = Figure(figsize=(7.5, 3.8), layout="constrained")
ax = fig.add_subplot()
for index, (name, (losses, exact)) in enumerate(curves.items()):
    ax.plot(losses, color=f"C{index}", label=f"lr = {name}")
    ax.plot(exact, color=f"C{index}", ls="--", lw=0.8)
ax.axhline(TARGET, color="grey", lw=0.6)
ax.set_yscale("log")
ax.set_ylim(1e-12, 1e6)
ax.set_xlabel("step")
ax.set_ylabel("loss")
ax.set_title("SGD on the quadratic: measured (solid) and closed form (dashed)")
ax.legend(fontsize=8, ncol=2)
save(fig, "03_loss_curves.png")
print(f"lr = 0.079 needs {times(reached[0.079], reached[best_lr])} the steps of the best lr")
fig  # noqa: B018

# %% [markdown]
# The measured curves sit on the closed form to rounding error (the last column of the
# table), so the dashed lines hide under the solid ones. The best learning rate reaches
# `1e-6` in the number of steps printed in the table; `lr = 0.079`, closer to the limit,
# takes about three times longer, because now the steep direction shrinks by only 0.975 per
# step. The two smallest learning rates fall fast at first (the steep part of the loss goes
# away) and then slowly, along the flat direction.
#
# ## Momentum
#
# SGD with momentum keeps a running buffer `b` of past gradients and steps along it
# (minigrad follows PyTorch's form, see `minigrad/optim/sgd.py`):
#
#     b <- momentum * b + g
#     p <- p - lr * b
#
# Two things follow.
#
# **Along the flat direction** the gradient barely changes from one step to the next. If it
# were constant, `b` would grow to `g * (1 + m + m^2 + ...) = g / (1 - m)`: with `m = 0.5`, every
# step would be twice what plain SGD takes from the same point. On our quadratic the gradient
# along x shrinks a little each step, so the remembered older gradients are larger and the
# buffer ends up a bit more than twice the current gradient. We can read the buffer from
# `optimizer.state`.
#
# **Along the steep direction** the gradient flips sign at every step of the zig-zag, so the
# buffer's terms partly cancel. Eliminating `b` gives a recurrence for y alone,
#
#     y_{t+1} = (1 + m - lr * kappa) * y_t - m * y_{t-1},
#
# and its edge of stability is the pure flip-flop `y_t = (-1)^t * c`. Substituting it gives
# `-1 = 1 + 2m - lr * kappa`, so momentum moves the limit from `2 / kappa` to
# `2 (1 + m) / kappa`: only 1.5 times higher for `m = 0.5`, while the flat direction goes about
# twice as fast.

# %%
MOMENTUM = 0.5
point = mg.Tensor(np.array(START), requires_grad=True)
optimizer = optim.SGD([point], lr=0.07, momentum=MOMENTUM)
for _ in range(15):
    optimizer.zero_grad()
    quadratic(point).backward()
    gradient = point.grad.copy()
    optimizer.step()
buffer = optimizer.state[point]["momentum_buffer"]
print(f"after 15 steps (lr 0.07, m {MOMENTUM}) the buffer along x is {buffer[0] / gradient[0]:.2f} times the gradient")
print(f"1 / (1 - m) = {1 / (1 - MOMENTUM):.2f}")

momentum_limit = 2 * (1 + MOMENTUM) / KAPPA
print(f"with m = {MOMENTUM} the limit is 2 (1 + m) / kappa = {momentum_limit:.3f}")
for lr in (0.119, 0.121):
    path = descend(quadratic, START, THRESHOLD_STEPS, lr=lr, momentum=MOMENTUM)
    y_ratio = abs(path[-1, 1] / path[0, 1])
    verdict = "converges" if y_ratio < 1 else "diverges"
    print(f"lr = {lr}, m = {MOMENTUM}: after {THRESHOLD_STEPS} steps |y| is {y_ratio:.2g} times its start: {verdict}")

# %% [markdown]
# Now we try it at the same learning rate as before, 0.07, with no momentum, `m = 0.5` and
# `m = 0.9`.
#
# There is also a classic answer to "which lr and m are best on a quadratic" (Polyak's heavy
# ball): `lr = 4 / (1 + sqrt(kappa))^2` and `m = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2`,
# which shrink the error by `(sqrt(kappa) - 1) / (sqrt(kappa) + 1)` per step instead of plain
# SGD's best `(kappa - 1) / (kappa + 1)`. The number of steps then grows like `sqrt(kappa)`
# rather than `kappa`. We measure it too, next to the best plain learning rate. On the left,
# the paths of the first three settings; on the right, the loss of all five.

# %%
root = np.sqrt(KAPPA)
polyak_lr, polyak_m = 4 / (1 + root) ** 2, ((root - 1) / (root + 1)) ** 2
print(f"Polyak's choice: lr = {polyak_lr:.4f}, m = {polyak_m:.4f}, factor {(root - 1) / (root + 1):.3f} per step")
settings = {
    "plain SGD, lr 0.07": (0.07, 0.0),
    "m = 0.5, lr 0.07": (0.07, 0.5),
    "m = 0.9, lr 0.07": (0.07, 0.9),
    f"best plain SGD, lr {best_lr:.4f}": (best_lr, 0.0),
    "Polyak's lr and m": (polyak_lr, polyak_m),
}
momentum_curves = {}
for name, (lr, m) in settings.items():
    momentum_curves[name] = loss_of(descend(quadratic, START, CURVE_STEPS, lr=lr, momentum=m))
    print(f"{name:>26}: reaches 1e-6 in {show(steps_to(momentum_curves[name]), CURVE_STEPS)} steps")
polyak_gain = times(
    steps_to(momentum_curves[f"best plain SGD, lr {best_lr:.4f}"]), steps_to(momentum_curves["Polyak's lr and m"])
)
print(f"best plain SGD needs {polyak_gain} the steps of Polyak's momentum")

fig = Figure(figsize=(10, 3.6), layout="constrained")
left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
ax, paths = plot.optimizer_paths(
    quadratic,
    {
        name: (optim.SGD, {"lr": 0.07, "momentum": m})
        for name, m in (("plain SGD", 0), ("m = 0.5", 0.5), ("m = 0.9", 0.9))
    },
    start=START,
    steps=PATH_STEPS,
    bounds=((-5.5, 3.5), (-2.0, 2.0)),
    ax=left,
    levels=20,
)
ax.set_title(f"lr 0.07, {PATH_STEPS} steps")
ax.legend(loc="lower left", fontsize=8)
ax.set_xlabel("x (flat)")
ax.set_ylabel("y (steep)")
for name, path in paths.items():
    print(f"{name:>10}: loss after {PATH_STEPS} steps {loss_of(path)[-1]:.1e}", end=", ")
    print(f"largest x reached {path[:, 0].max():.2f}")
for index, (name, losses) in enumerate(momentum_curves.items()):  # C0-C2: the colours on the left
    right.plot(losses[:250], color=f"C{index}", label=name)
right.axhline(TARGET, color="grey", lw=0.6)
right.set_yscale("log")
right.set_ylim(1e-12, 1e2)
right.set_xlabel("step")
right.set_ylabel("loss")
right.set_title("Momentum on the quadratic")
right.legend(fontsize=7)
save(fig, "03_momentum.png")
fig  # noqa: B018

# %% [markdown]
# With `m = 0.5` the path runs down the valley much faster and the zig-zag dies out; it needs
# far fewer steps than plain SGD. With `m = 0.9` the buffer remembers too much: the path
# overshoots the minimum, circles back, and its loss drops in waves; it needs more steps
# than plain SGD. Polyak's tuned pair beats even the best plain learning rate by more than a
# factor of three here (exercise 1 asks what happens to the gap as `kappa` grows). Momentum
# is not free speed, though: it is one more knob, and a wrong setting can cost more than it
# gains.
#
# ## The Rosenbrock function: a curved valley
#
# `f(x, y) = (1 - x)^2 + 100 (y - x^2)^2` has its minimum at `(1, 1)`, at the end of a long,
# curved, narrow valley along `y = x^2`. Near the minimum it looks like a quadratic, and its
# Hessian (the matrix of second derivatives) tells us which one:
#
#     H = [[2 - 400 y + 1200 x^2, -400 x],
#          [-400 x,                200   ]]
#
# Its eigenvalues are the curvatures across and along the valley. We check the formula with
# finite differences of minigrad's own gradients.


# %%
def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def gradient(fn, at):
    point = mg.Tensor(np.array(at, dtype=np.float64), requires_grad=True)
    fn(point).backward()
    return point.grad


def hessian_from_gradients(fn, at, h=1e-5):
    """Central differences of the gradient: column i is d(grad)/d(p_i)."""
    at = np.asarray(at, dtype=np.float64)
    return np.array([(gradient(fn, at + h * e) - gradient(fn, at - h * e)) / (2 * h) for e in np.eye(2)])


x, y = 1.0, 1.0
hessian = np.array([[2 - 400 * y + 1200 * x**2, -400 * x], [-400 * x, 200]])
print("Hessian at (1, 1), formula:\n", hessian)
print("from minigrad's gradients:\n", hessian_from_gradients(rosenbrock, [x, y]).round(3))
flat_curvature, steep_curvature = np.linalg.eigvalsh(hessian)
rosen_limit = 2 / steep_curvature
print(
    f"curvatures: {steep_curvature:.1f} across the valley, {flat_curvature:.4f} along it; "
    f"kappa = {steep_curvature / flat_curvature:.0f}"
)
print(f"so plain SGD can settle at (1, 1) only if lr < 2 / {steep_curvature:.1f} = {rosen_limit:.6f}")

# %% [markdown]
# A condition number in the thousands: far worse than our quadratic, and a limit on the
# learning rate just under 0.002. We run plain SGD just below it (0.0019) and just above it
# (0.0021), a safer 0.0015, and momentum 0.9 at 0.0015.

# %%
rosen_runs = {
    "SGD lr 0.0015": {"lr": 0.0015},
    "SGD lr 0.0019": {"lr": 0.0019},
    "SGD lr 0.0021": {"lr": 0.0021},
    "momentum 0.9, lr 0.0015": {"lr": 0.0015, "momentum": 0.9},
}
rosen_losses, rosen_ends = {}, {}
for name, options in rosen_runs.items():
    path = descend(rosenbrock, ROSEN_START, ROSEN_STEPS, **options)
    rosen_losses[name] = (1 - path[:, 0]) ** 2 + 100 * (path[:, 1] - path[:, 0] ** 2) ** 2
    rosen_ends[name] = path[-3:]
    print(
        f"{name:>24}: steps to 1e-3: {show(steps_to(rosen_losses[name], 1e-3), ROSEN_STEPS)}, "
        f"to 1e-6: {show(steps_to(rosen_losses[name]), ROSEN_STEPS)}; final loss {rosen_losses[name][-1]:.1e}"
    )
stuck = rosen_losses["SGD lr 0.0021"]
print(f"lr 0.0021: lowest loss {stuck.min():.1e} at step {stuck.argmin()}, final loss {stuck[-1]:.1e}")
last = rosen_ends["SGD lr 0.0021"]
print(
    f"lr 0.0021: its last points alternate between {last[-2].round(3)} and {last[-1].round(3)} "
    f"(two steps apart they differ by {np.abs(last[-1] - last[-3]).max():.0e})"
)
momentum_gain = times(
    steps_to(rosen_losses["SGD lr 0.0015"], 1e-3), steps_to(rosen_losses["momentum 0.9, lr 0.0015"], 1e-3)
)
print(f"to reach 1e-3 at lr 0.0015, plain SGD needs {momentum_gain} the steps of momentum 0.9")

# %% [markdown]
# Just below the limit, SGD gets to the minimum (slowly). Just above it, nothing blows up,
# unlike on the quadratic. The valley gets narrower (more curved across) towards the
# minimum, and the run with `lr = 0.0021` goes down it like the others until the valley is
# too narrow for its step. There the bouncing across the valley grows, throws the run back
# up the valley, and it ends up hopping between two points on opposite walls, short of
# `(1, 1)`: its loss in the figure below falls, jumps up, and levels off. A learning rate
# that is "too large" can look like a run that has stopped improving rather than like a
# divergence.
#
# Momentum at 0.0015 reaches a loss of `1e-3` more than ten times sooner than plain SGD at
# the same learning rate (the ratio printed above). The paths show why: plain SGD creeps
# along the curved floor, while momentum builds up speed along it.

# %%
fig = Figure(figsize=(9, 3.6), layout="constrained")
left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
ax, paths = plot.optimizer_paths(
    rosenbrock,
    {
        "SGD lr 0.0015": (optim.SGD, {"lr": 0.0015}),
        "momentum 0.9, lr 0.0015": (optim.SGD, {"lr": 0.0015, "momentum": 0.9}),
    },
    start=ROSEN_START,
    steps=ROSEN_PATH_STEPS,
    bounds=((-1.5, 1.5), (-0.5, 1.6)),
    ax=left,
    levels=20,
)
ax.plot(1, 1, "r+", ms=12)
ax.legend(loc="lower left", fontsize=8)
ax.set_title(f"Rosenbrock, {ROSEN_PATH_STEPS} steps")
for name, path in paths.items():
    print(
        f"{name}: after {ROSEN_PATH_STEPS} steps at {path[-1].round(3)}, "
        f"distance to (1, 1) {np.linalg.norm(path[-1] - 1):.3f}"
    )
for color, (name, losses) in zip(("C0", "C1", "C2", "C9"), rosen_losses.items(), strict=True):
    right.plot(losses, color=color, label=name)  # C0 and C9 are the colours of the paths on the left
right.set_yscale("log")
right.set_ylim(1e-12, 1e2)
right.set_xlabel("step")
right.set_ylabel("loss")
right.set_title("Loss")
right.legend(fontsize=8)
save(fig, "03_rosenbrock.png")
fig  # noqa: B018

# %% [markdown]
# ## What to take away
#
# - On a quadratic, plain gradient descent multiplies the distance along each direction of
#   curvature `h` by `1 - lr * h` per step. It diverges once `lr > 2 / h_max`, and below that
#   limit the flattest direction sets the pace: the number of steps grows in proportion to the
#   condition number `kappa = h_max / h_min`.
# - Too small a learning rate crawls, too large a one diverges (or, on a non-quadratic
#   valley, stalls bouncing between the walls), and in between the path zig-zags.
# - Momentum speeds up directions where the gradient keeps its sign (by `1 / (1 - m)` for a
#   steady gradient) and damps the ones where it flips; its stability limit is
#   `2 (1 + m) / h_max`. Too much momentum overshoots.
# - One learning rate for every coordinate is the root of the problem. The next tutorial
#   gives each coordinate its own.
#
# ## Exercises
#
# 1. Set `KAPPA = 100` and rerun. How do the limit, the best learning rate and the number of
#    steps to `1e-6` change? Does Polyak's momentum keep its advantage, and by how much?
# 2. When the roots of `z^2 - (1 + m - lr * h) z + m` are complex, momentum shrinks the error
#    by exactly `sqrt(m)` per step along that direction. Check this with `m = 0.9, lr = 0.07`
#    by measuring the loss every few steps, and explain why `m = 0.9` was slower than `m = 0.5`.
# 3. Try `nesterov=True` on the Rosenbrock function with the same learning rate and momentum.

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
# You will write plain SGD and SGD with momentum yourself in a few lines of numpy, check them
# against `optim.SGD` step for step, and then use the library's class to measure what they do.
#
# Run it with `python tutorials/03_gradient_descent_troubles.py` (set `MINIGRAD_QUICK=1` for a
# shorter run), or open it as a notebook.

# %%
import os

import numpy as np
from exercises.update_rule import check_update_rule
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import optim, plot

# -----------------------------------------------------------------------------
QUICK = os.environ.get("MINIGRAD_QUICK") == "1"  # shorter runs through the same code
KAPPA = 25.0  # how much steeper y is than x in the quadratic (its condition number)
START = (-5.0, 1.0)  # where every run on the quadratic starts
PATH_STEPS = 40  # steps drawn in the path figures
CURVE_STEPS = 350 if QUICK else 1000  # steps for the loss curves on the quadratic
MOMENTUM_STEPS = 250  # steps for the momentum loss curves
TARGET = 1e-6  # "converged" means the loss fell below this
ROSEN_START = (-1.2, 1.0)  # the classic starting point on the Rosenbrock function
ROSEN_PATH_STEPS = 500  # steps drawn on the Rosenbrock contours
ROSEN_STEPS = 4500 if QUICK else 10000  # steps for the Rosenbrock measurements
# -----------------------------------------------------------------------------

# %% [markdown]
# ## The rule, written by you
#
# Plain gradient descent, as `torch.optim.SGD` does it without momentum, is one line:
# `theta <- theta - lr * g`. Write it yourself first, as a function of numpy arrays; here is
# one way. `check_update_rule` runs your function and `optim.SGD` side by side on the same
# noisy gradients and stops at the first step where they differ.


# %%
def sgd_step(theta, grad, state, lr):
    """One step of plain gradient descent (``state`` is unused: SGD remembers nothing)."""
    return theta - lr * grad


check_update_rule(sgd_step, optim.SGD, {"lr": 0.05})

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


def steps_text(steps, budget):
    return str(steps) if steps is not None else f"not within {budget}"  # for printing steps_to


# %% [markdown]
# ## Each coordinate on its own
#
# With the gradient `(x, kappa * y)`, one step of plain gradient descent is
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
# takes. We check the per-step factor against one real step of `optim.SGD`, then try a
# learning rate just below and just above `2 / kappa`.

# %%
limit = 2 / KAPPA
print(f"the limit 2 / kappa = {limit:.3f}")
for lr in (0.05, 0.079):
    path = descend(quadratic, START, 1, lr=lr)
    predicted = np.array([1 - lr, 1 - lr * KAPPA])
    print(f"lr = {lr}: measured factors {path[1] / path[0]}, predicted {predicted}")
    assert np.allclose(path[1] / path[0], predicted, rtol=1e-12), "one SGD step is not the predicted factor"

THRESHOLD_STEPS = 300
y_ratio = {}
for lr in (0.079, 0.081):
    path = descend(quadratic, START, THRESHOLD_STEPS, lr=lr)
    y_ratio[lr] = abs(path[-1, 1] / path[0, 1])
    print(f"lr = {lr}: factor |1 - lr * kappa| = {abs(1 - lr * KAPPA):.3f}; after {THRESHOLD_STEPS} steps", end=" ")
    print(f"|y| is {y_ratio[lr]:.2g} times its start")
assert y_ratio[0.079] < 1e-2 and y_ratio[0.081] > 1e2, "just below 2 / kappa should converge, just above diverge"

# %% [markdown]
# Just below the limit, `y` still shrinks, by the printed factor per step; just above it,
# `y` grows by a factor barely above 1 per step, and after a few hundred steps it is far
# away. There is no gentle failure: cross `2 / kappa` and the run blows up.
#
# ## Too small, too large, and the zig-zag in between
#
# Here are three learning rates, drawn with `plot.quadratic_paths`. It runs each optimizer
# on the bowl from the star, circles where each path ends, and returns the points it
# visited, so we can measure what the picture shows.

# %%
fig = Figure(figsize=(7.5, 4.4), layout="constrained")
ax, paths = plot.quadratic_paths(
    {f"lr = {lr}": (optim.SGD, {"lr": lr}) for lr in (0.01, 0.07, 0.081)},
    curvatures=CURVATURES,
    start=START,
    steps=PATH_STEPS,
    bounds=((-5.5, 1.0), (-3.0, 3.0)),
    ax=fig.add_subplot(),
)
ax.set_title(f"SGD on 0.5 (x² + {KAPPA:g} y²), {PATH_STEPS} steps")
ax.set_xlabel("x (the flat direction)")
ax.set_ylabel("y (the steep direction)")
plot.show(fig, "03_learning_rates", dpi=90)

small, zigzag, large = paths["lr = 0.01"], paths["lr = 0.07"], paths["lr = 0.081"]
covered = {name: 1 - path[-1, 0] / path[0, 0] for name, path in paths.items()}
flips = int(np.sum(np.sign(zigzag[1:, 1]) != np.sign(zigzag[:-1, 1])))
print(f"lr = 0.01:  after {PATH_STEPS} steps |y| = {abs(small[-1, 1]):.1e}, x has covered {covered['lr = 0.01']:.0%}")
print(f"lr = 0.07:  y changed sign on {flips} of {PATH_STEPS} steps; x covered {covered['lr = 0.07']:.0%}")
print(f"lr = 0.081: |y| went from {abs(large[0, 1]):.1f} to {abs(large[-1, 1]):.2f}")
assert abs(small[-1, 1]) < 1e-3 and covered["lr = 0.01"] < 0.5, "lr 0.01 should settle y but crawl along x"
assert flips == PATH_STEPS and covered["lr = 0.07"] > 0.9, "lr 0.07 should zig-zag on every step and get far"
assert abs(large[-1, 1]) > abs(large[0, 1]), "at lr 0.081 the zig-zag should grow"

# %% [markdown]
# - **Too small** (`lr = 0.01`): the steep direction settles quickly, then the path crawls
#   along the flat valley floor, covering less than half of the way in the steps shown.
# - **In between** (`lr = 0.07`): the factor for y is `1 - 0.07 * 25 = -0.75`, negative, so y
#   jumps to the other side of the valley on every step: the zig-zag. It still shrinks,
#   because `|-0.75| < 1`, and x gets much further than with `lr = 0.01`.
# - **Too large** (`lr = 0.081`): the zig-zag grows instead of shrinking; its last point (the
#   circle) is further from the valley floor than its start.
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
# and the number of steps grows in proportion to `kappa`. Below, the wide coloured lines are
# minigrad's measured losses and the thin dark dashed lines, drawn over them, the closed form;
# the dot on each curve is where it first falls below the target.

# %%
best_plain_lr = 2 / (1 + KAPPA)
rate = (KAPPA - 1) / (KAPPA + 1)
print(f"best lr 2 / (1 + kappa) = {best_plain_lr:.4f}; both factors are then {rate:.4f} per step")


def closed_form(lr, steps):
    t = np.arange(steps + 1)
    x0, y0 = START
    return 0.5 * x0**2 * (1 - lr) ** (2 * t) + 0.5 * KAPPA * y0**2 * (1 - lr * KAPPA) ** (2 * t)


rates = {"0.01": 0.01, "0.02": 0.02, "0.05": 0.05, f"{best_plain_lr:.4f} (best)": best_plain_lr}
rates.update({"0.079": 0.079, "0.081": 0.081})
curves, exact, reached = {}, {}, {}
print(f"{'lr':>15} {'steps to target':>16} {'closed form':>15} {'max rel. gap':>13}")
for name, lr in rates.items():
    curves[f"lr = {name}"] = measured = loss_of(descend(quadratic, START, CURVE_STEPS, lr=lr))
    exact[f"lr = {name}"] = formula = closed_form(lr, CURVE_STEPS)
    gap = np.max(np.abs(measured - formula) / formula)
    reached[lr] = steps_to(measured)
    measured_at, formula_at = steps_text(reached[lr], CURVE_STEPS), steps_text(steps_to(formula), CURVE_STEPS)
    print(f"{name:>15} {measured_at:>16} {formula_at:>15} {gap:13.1e}")
    assert gap < 1e-9, f"lr {name}: the measured loss left the closed form"
slowdown = reached[0.079] / reached[best_plain_lr]
print(f"lr = 0.079 needs {slowdown:.1f}x the steps of the best lr")
assert all(reached[best_plain_lr] <= n for n in reached.values() if n is not None), "the best lr is not first"
assert 2.5 < slowdown < 3.5, "lr 0.079 should take about three times as long as the best lr"
assert reached[0.081] is None and curves["lr = 0.081"][-1] > curves["lr = 0.081"][0], "lr 0.081 should diverge"
for name in ("lr = 0.01", "lr = 0.02"):  # fast while the steep part goes, then slowly along x
    assert curves[name][0] / curves[name][5] > 1.5 * curves[name][200] / curves[name][205], name

fig = Figure(figsize=(9.5, 4.0), layout="constrained")
ax = plot.losses_to_target(curves, TARGET, ax=fig.add_subplot(), predicted=exact, legend_loc="outside")
ax.set_ylim(1e-12, 1e6)
ax.set_title("SGD on the quadratic: measured (wide, coloured) and closed form (dark dashes)")
plot.show(fig, "03_loss_curves", dpi=90)

# %% [markdown]
# The measured curves sit on the closed form to rounding error (the last column of the
# table), so each dashed line runs down the middle of its coloured line from start to end.
# The best learning rate reaches the target first; `lr = 0.079`, closer to the limit, takes
# about three times longer (the printed factor), because now the steep direction shrinks by
# only `|1 - 0.079 * 25| = 0.975` per step. The two smallest learning rates lose the steep
# part of the loss in their first ten steps or so, a drop too quick to see on this 1000-step axis,
# and then fall slowly, along the flat direction: the long straight part of their lines.
# `lr = 0.081` climbs off the top.
#
# ## Momentum, written by you
#
# SGD with momentum keeps a running buffer `b` of past gradients and steps along it. We use
# PyTorch's form (`torch.optim.SGD(momentum=m)`, which minigrad's `optim/sgd.py` follows),
# where the buffer starts at the first gradient:
#
#     b <- g                    on the first step
#     b <- momentum * b + g     on later steps
#     theta <- theta - lr * b
#
# As PyTorch's documentation notes, this differs from Sutskever et al. (2013) in where `lr`
# sits: they (and Keras) fold it into the velocity, `v <- momentum * v + lr * g`, then
# `theta <- theta - v`. At a constant `lr`, `v` is `lr * b` on every step, so the two forms
# take the same steps and no step-for-step check at a constant `lr` can tell them apart. They
# part only when `lr` changes mid-run: PyTorch's new `lr` scales the whole buffer at once,
# while a velocity built at the old `lr` fades out gradually. Tutorial 07 shows it for RMSprop.
#
# Write it yourself first; here is one way. Keep `b` in `state` between calls.


# %%
def momentum_step(theta, grad, state, lr, momentum):
    """One step of SGD with momentum, PyTorch's form (no dampening, no Nesterov)."""
    buffer = state.get("buffer")
    state["buffer"] = buffer = grad.copy() if buffer is None else momentum * buffer + grad
    return theta - lr * buffer


check_update_rule(momentum_step, optim.SGD, {"lr": 0.05, "momentum": 0.9})

# %% [markdown]
# Two things follow from the rule.
#
# **Along the flat direction** the gradient barely changes from one step to the next. If it
# were constant, `b` would grow to `g * (1 + m + m^2 + ...) = g / (1 - m)`: with `m = 0.5`, every
# step would be twice what plain SGD takes from the same point. On our quadratic the gradient
# along x shrinks a little each step, so the remembered older gradients are larger and the
# buffer ends up somewhat more than twice the current gradient. We read the buffer from
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
    last_grad = point.grad.copy()
    optimizer.step()
buffer_ratio = optimizer.state[point]["momentum_buffer"][0] / last_grad[0]
print(f"after 15 steps (lr 0.07, m {MOMENTUM}) the buffer along x is {buffer_ratio:.2f} times the gradient")
print(f"1 / (1 - m) = {1 / (1 - MOMENTUM):.2f}")
assert 1 / (1 - MOMENTUM) < buffer_ratio < 1.5 / (1 - MOMENTUM), "the buffer along x should be a bit over g / (1 - m)"

limit_with_momentum = 2 * (1 + MOMENTUM) / KAPPA
print(f"with m = {MOMENTUM} the limit is 2 (1 + m) / kappa = {limit_with_momentum:.3f}")
for lr in (0.119, 0.121):
    path = descend(quadratic, START, THRESHOLD_STEPS, lr=lr, momentum=MOMENTUM)
    y_ratio[lr] = abs(path[-1, 1] / path[0, 1])
    print(f"lr = {lr}, m = {MOMENTUM}: after {THRESHOLD_STEPS} steps |y| is {y_ratio[lr]:.2g} times its start")
assert y_ratio[0.119] < 1e-2 and y_ratio[0.121] > 1e2, "momentum's limit should sit between 0.119 and 0.121"

# %% [markdown]
# Now we try it at the same learning rate as before, 0.07, with no momentum, `m = 0.5` and
# `m = 0.9`.
#
# There is also a classic answer to "which lr and m are best on a quadratic" (Polyak's heavy
# ball, 1964): `lr = 4 / (1 + sqrt(kappa))^2` and `m = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2`,
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
    f"best plain SGD, lr {best_plain_lr:.4f}": (best_plain_lr, 0.0),
    "Polyak's lr and m": (polyak_lr, polyak_m),
}
momentum_curves = {
    name: loss_of(descend(quadratic, START, MOMENTUM_STEPS, lr=lr, momentum=m)) for name, (lr, m) in settings.items()
}
reach = {name: steps_to(curve) for name, curve in momentum_curves.items()}
for name in settings:
    print(f"{name:>26}: reaches the target in {steps_text(reach[name], MOMENTUM_STEPS)} steps")
polyak_gain = reach[f"best plain SGD, lr {best_plain_lr:.4f}"] / reach["Polyak's lr and m"]
print(f"best plain SGD needs {polyak_gain:.1f}x the steps of Polyak's momentum")
ordered = reach["m = 0.5, lr 0.07"] < 0.6 * reach["plain SGD, lr 0.07"] < 0.6 * reach["m = 0.9, lr 0.07"]
assert ordered, "m 0.5 should need far fewer steps than plain SGD at lr 0.07, and m 0.9 more"
assert polyak_gain > 3, "Polyak's momentum should beat the best plain lr by more than a factor of three"

fig = Figure(figsize=(10, 4.5), layout="constrained")
left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
ax, paths = plot.quadratic_paths(
    {
        name: (optim.SGD, {"lr": 0.07, "momentum": m})
        for name, m in (("plain SGD", 0), ("m = 0.5", 0.5), ("m = 0.9", 0.9))
    },
    curvatures=CURVATURES,
    start=START,
    steps=PATH_STEPS,
    bounds=((-5.5, 3.5), (-2.0, 2.0)),
    ax=left,
)
ax.set_title(f"lr 0.07, {PATH_STEPS} steps")
ax.set_xlabel("x (flat)")
ax.set_ylabel("y (steep)")
plot.losses_to_target(momentum_curves, TARGET, ax=right, legend_loc="upper right")
right.set_ylim(1e-12, 1e9)  # room for the legend above the curves
right.set_title("Momentum on the quadratic")
plot.show(fig, "03_momentum", dpi=90)
for name, path in paths.items():
    print(
        f"{name:>10}: loss after {PATH_STEPS} steps {loss_of(path)[-1]:.1e}, largest x reached {path[:, 0].max():.2f}"
    )
assert paths["m = 0.9"][:, 0].max() > 1 > 0.5 > paths["m = 0.5"][:, 0].max(), "m 0.9 should overshoot x = 0, m 0.5 not"

# %% [markdown]
# With `m = 0.5` the path runs down the valley much faster and the zig-zag dies out; it needs
# far fewer steps than plain SGD. With `m = 0.9` the buffer remembers too much: the path
# overshoots the minimum (its largest x is well past 0), circles back, and its loss drops in
# waves; it needs more steps than plain SGD. Polyak's tuned pair beats even the best plain
# learning rate by more than a factor of three here. Momentum is not free speed, though: it is
# one more knob, and a wrong setting can cost more than it gains.
#
# ## The Rosenbrock function: a curved valley
#
# `f(x, y) = (1 - x)^2 + 100 (y - x^2)^2` (Rosenbrock, 1960) has its minimum at `(1, 1)`, at the
# end of a long, curved, narrow valley along `y = x^2`. Near the minimum it looks like a
# quadratic, and its Hessian (the matrix of second derivatives) tells us which one:
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
numeric = hessian_from_gradients(rosenbrock, [x, y])
print("Hessian at (1, 1), formula:\n", hessian)
print("from minigrad's gradients:\n", numeric.round(3))
assert np.allclose(numeric, hessian, atol=1e-3), "the Hessian formula disagrees with minigrad's gradients"
flat_curvature, steep_curvature = np.linalg.eigvalsh(hessian)
rosen_limit = 2 / steep_curvature
print(f"curvatures: {steep_curvature:.1f} across the valley, {flat_curvature:.4f} along it;", end=" ")
print(f"kappa = {steep_curvature / flat_curvature:.0f}")
print(f"so plain SGD can settle at (1, 1) only if lr < 2 / {steep_curvature:.1f} = {rosen_limit:.6f}")
assert steep_curvature / flat_curvature > 1000 and 0.0019 < rosen_limit < 0.002, "not the valley described"

# %% [markdown]
# A condition number in the thousands: far worse than our quadratic, and a limit on the
# learning rate just under 0.002. We run plain SGD just below it (0.0019) and just above it
# (0.0021), a safer 0.0015, and momentum 0.9 at 0.0015. These runs are long, so instead of
# autograd we hand the optimizer the gradient from its formula (an optimizer only reads
# `.grad`), after checking the formula against minigrad's gradients.


# %%
def rosenbrock_gradient(x, y):
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


for at in ([-1.2, 1.0], [0.3, -0.2], [0.97, 0.94]):
    assert np.allclose(rosenbrock_gradient(*at), gradient(rosenbrock, at), rtol=1e-12), at


def descend_rosenbrock(steps, **options):
    """SGD on the Rosenbrock function from ROSEN_START; return (points visited, losses)."""
    point = mg.Tensor(np.array(ROSEN_START), requires_grad=True)
    opt = optim.SGD([point], **options)
    trail = [point.data.copy()]
    for _ in range(steps):
        point.grad = rosenbrock_gradient(*point.data)
        opt.step()
        trail.append(point.data.copy())
    path = np.array(trail)
    return path, (1 - path[:, 0]) ** 2 + 100 * (path[:, 1] - path[:, 0] ** 2) ** 2


rosen_runs = {
    "SGD lr 0.0015": {"lr": 0.0015},
    "SGD lr 0.0019": {"lr": 0.0019},
    "SGD lr 0.0021": {"lr": 0.0021},
    "momentum 0.9, lr 0.0015": {"lr": 0.0015, "momentum": 0.9},
}
rosen_paths, rosen_losses = {}, {}
for name, options in rosen_runs.items():
    rosen_paths[name], rosen_losses[name] = descend_rosenbrock(ROSEN_STEPS, **options)
    print(f"{name:>24}: steps to 1e-3: {steps_text(steps_to(rosen_losses[name], 1e-3), ROSEN_STEPS)},", end=" ")
    print(f"to 1e-6: {steps_text(steps_to(rosen_losses[name]), ROSEN_STEPS)}; final loss {rosen_losses[name][-1]:.1e}")
stuck, last = rosen_losses["SGD lr 0.0021"], rosen_paths["SGD lr 0.0021"]
print(f"lr 0.0021: lowest loss {stuck.min():.1e} at step {stuck.argmin()}, final loss {stuck[-1]:.1e}")
print(f"lr 0.0021: its last points are {last[-2].round(3)} and {last[-1].round(3)}", end=" ")
print(f"(two steps apart they differ by {np.abs(last[-1] - last[-3]).max():.0e})")
sgd_at, momentum_at = (steps_to(rosen_losses[name], 1e-3) for name in ("SGD lr 0.0015", "momentum 0.9, lr 0.0015"))
print(f"to reach 1e-3 at lr 0.0015, plain SGD needs {sgd_at / momentum_at:.1f}x the steps of momentum 0.9")
assert steps_to(rosen_losses["SGD lr 0.0019"], 1e-3 if QUICK else TARGET) is not None, "lr 0.0019 should converge"
thrown_back = stuck[stuck.argmin() :].max() / stuck.min()
print(f"lr 0.0021: after its lowest point its loss rises to {thrown_back:.0f} times that lowest loss")
assert np.all(np.isfinite(stuck)) and thrown_back > 10, "lr 0.0021 should fall, then be thrown back"
assert sgd_at / momentum_at > 10, "momentum should reach 1e-3 more than ten times sooner"
if not QUICK:  # the bounce between two points settles only after several thousand steps
    assert np.abs(last[-1] - last[-3]).max() < 1e-4 < np.abs(last[-1] - last[-2]).max(), "no two-point bounce"

# %% [markdown]
# Just below the limit, SGD gets to the minimum (slowly). Just above it, nothing blows up,
# unlike on the quadratic. The valley gets narrower (more curved across) towards the
# minimum, and the run with `lr = 0.0021` goes down it like the others until the valley is
# too narrow for its step. There the bouncing across the valley grows and throws the run back
# up the valley; in the full run it ends up hopping between two points on opposite walls,
# short of `(1, 1)`. Its loss in the figure below falls, jumps up, and levels off. A learning
# rate that is "too large" can look like a run that has stopped improving rather than like a
# divergence.
#
# Momentum at 0.0015 reaches a loss of `1e-3` more than ten times sooner than plain SGD at
# the same learning rate (the ratio printed above). The paths show why: plain SGD creeps
# along the curved floor, while momentum builds up speed along it.

# %%
fig = Figure(figsize=(10, 3.8), layout="constrained")
left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
ax, paths = plot.optimizer_paths(
    rosenbrock,
    {name: (optim.SGD, rosen_runs[name]) for name in ("SGD lr 0.0015", "momentum 0.9, lr 0.0015")},
    start=ROSEN_START,
    steps=ROSEN_PATH_STEPS,
    bounds=((-1.5, 1.5), (-0.5, 1.6)),
    ax=left,
    levels=20,
)
ax.plot(1, 1, "r+", ms=12, mew=1.5)
for index, path in enumerate(paths.values()):
    ax.plot(*path[-1], "o", ms=9, mfc="none", mec=ax.get_lines()[index].get_color(), mew=1.5)
plot.paths_legend(ax, "lower left", minimum="minimum (1, 1)", minimum_marker="r+")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title(f"Rosenbrock, {ROSEN_PATH_STEPS} steps (ends circled)")
styles = {name: {"color": color} for name, color in zip(rosen_runs, ("C0", "C2", "C3", "C1"), strict=True)}
plot.losses_to_target(rosen_losses, 1e-3, ax=right, styles=styles, legend_loc="upper right")  # C0, C1: as the paths
right.set_ylim(1e-12, 1e8)  # room for the legend above the curves
right.set_title("Loss")
plot.show(fig, "03_rosenbrock", dpi=90)
distance = {name: np.linalg.norm(path[-1] - 1) for name, path in paths.items()}
for name, path in paths.items():
    print(f"{name}: after {ROSEN_PATH_STEPS} steps at {path[-1].round(3)}, distance to (1, 1) {distance[name]:.3f}")
assert distance["momentum 0.9, lr 0.0015"] < 0.1 < 1 < distance["SGD lr 0.0015"], "momentum should get far closer"

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
# Each exercise has a checker in `exercises/gradient_descent.py`: write the function, then
# uncomment the call. Worked solutions are in `solutions/gradient_descent.py`.
#
# 1. **The best single learning rate.** Write `best_lr(h_min, h_max)`, the learning rate
#    that makes the slower of the factors `|1 - lr * h_min|` and `|1 - lr * h_max|` as small
#    as possible. The checker compares it with a fine scan of learning rates.
# 2. **Momentum's limit.** Write `momentum_limit(m, h)`, the largest learning rate at which
#    SGD with momentum `m` still converges along a direction of curvature `h`. The checker
#    runs `optim.SGD` just below and just above your answer.
# 3. **Momentum's rate.** Along a direction of curvature `h`, the error of SGD with momentum
#    follows `e_{t+1} = (1 + m - lr * h) e_t - m e_{t-1}`; it shrinks in the long run by the
#    largest `|z|` among the roots of `z^2 - (1 + m - lr * h) z + m`. Write
#    `momentum_rate(lr, m, h)`. When the roots are complex, what is the rate, and why was
#    `m = 0.9` slower than `m = 0.5` above? The checker measures the rate with `optim.SGD`.

# %%
from exercises.gradient_descent import check_best_lr, check_momentum_limit, check_momentum_rate

# check_best_lr(best_lr)
# check_momentum_limit(momentum_limit)
# check_momentum_rate(momentum_rate)

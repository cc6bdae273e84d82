# %% [markdown]
# # 07 · RMSprop's variants: centered, eps, and "momentum"
#
# Tutorial 06 wrote RMSprop as PyTorch does:
#
#     v <- alpha * v + (1 - alpha) * g^2
#     theta <- theta - lr * g / (sqrt(v) + eps)
#
# Look the algorithm up in a few places and you meet the same two lines with small
# differences that are rarely pointed out: eps added after the square root in one text and
# under it in the next, and the word "momentum" standing for different things. Libraries
# differ in the same ways, so a recipe tuned in one does not always carry over to another.
# In this tutorial we
#
# 1. write the *centered* variant (after Graves, 2013) ourselves, check it against
#    `optim.RMSprop(centered=True)`, and see when it takes larger steps;
# 2. measure when the place of eps matters;
# 3. sort out what "momentum" means, and what PyTorch's and Keras' `momentum` options do
#    when the learning rate changes;
# 4. compare the defaults of minigrad, PyTorch and Keras.
#
# Run it as a script (`python tutorials/07_rmsprop_variants.py`) or open it as a notebook
# in Jupyter (jupytext) or VS Code.

# %%
import os

import numpy as np
from exercises.update_rule import check_update_rule
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import optim, plot

# ----------------------------------------------------------------------------- config
QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: quick mode; the runs here are short, so it changes nothing
CENTER_STEPS = 300  # section 1: steps on each gradient stream
SETTLE_STEPS = 400  # section 2: steps until v has settled at g^2
MOMENTUM_STEPS, CUT_AT, LR0 = 75, 40, 0.01  # section 3: one lr cut, tenfold, after CUT_AT steps
DPI = 100  # figure resolution
PLAIN, CENTERED, KERAS = plot.COLORS["rmsprop"], plot.COLORS["sgd"], plot.COLORS["adadelta"]


def weight(value=0.0, size=1):
    """A fresh float64 parameter to experiment on."""
    return mg.Tensor(np.full(size, value, dtype=np.float64), requires_grad=True)


def feed(optimizer, p, g):
    """One optimizer step with a gradient we choose (no loss needed: an optimizer only reads p.grad)."""
    p.grad = np.broadcast_to(np.asarray(g, dtype=p.dtype), p.shape).copy()
    optimizer.step()


# %% [markdown]
# ## 1. Centered RMSprop
#
# Alex Graves ("Generating Sequences With Recurrent Neural Networks", 2013, eqs. 38-41)
# divides by an estimate of the gradient's *spread* instead of its raw size. Next to `v` he
# keeps a moving average `m` of the gradient itself, with the same decay; `v - m^2` then
# estimates the gradient's variance. The form PyTorch implements as
# `RMSprop(..., centered=True)`, and minigrad too, is
#
#     m <- alpha * m + (1 - alpha) * g
#     theta <- theta - lr * g / (sqrt(v - m^2) + eps)
#
# This is PyTorch's centered form, after Graves; his own update differs in two of the
# conventions this tutorial is about. In our names it reads
#
#     delta <- momentum * delta - lr * g / sqrt(v - m^2 + eps)
#     theta <- theta + delta
#
# with decay 0.95, momentum 0.9, lr 1e-4 and eps 1e-4: eps sits *under* the root (section
# 2), and the update carries a velocity with `lr` *inside* it, the form Keras uses (section
# 3). With `momentum = 0` and eps moved out of the root it is the rule above. Write that
# rule yourself first; here is one way.

# %%
def centered_rmsprop_step(theta, grad, state, lr, alpha, eps, centered=True):
    v, m = state.get("v", np.zeros_like(theta)), state.get("m", np.zeros_like(theta))
    v = alpha * v + (1 - alpha) * grad**2  # as in plain RMSprop
    m = alpha * m + (1 - alpha) * grad  # the gradient's own moving average
    state["v"], state["m"] = v, m
    return theta - lr * grad / (np.sqrt(v - m**2) + eps)


check_update_rule(centered_rmsprop_step, optim.RMSprop, {"lr": 0.01, "alpha": 0.9, "eps": 1e-8, "centered": True})
check_update_rule(centered_rmsprop_step, optim.RMSprop, {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "centered": True})

# %% [markdown]
# Since `v - m^2 <= v`, centered steps are never smaller than plain ones, and they are much
# larger when the gradient is *consistent*: if every gradient is about the same, `m^2` is
# close to `v` and the divisor is small. For a noisy gradient with mean zero, `m` stays
# near zero and the two variants agree. We feed both the same two gradient streams: a
# consistent one, 1 plus noise of size 0.1, and pure noise of size 1.

# %%
rng = np.random.default_rng(0)
noise = rng.standard_normal(CENTER_STEPS)
streams = {"consistent: 1 + 0.1 noise": 1.0 + 0.1 * noise, "pure noise: 1.0 noise": noise}
traces, moved = {}, {}
for stream_name, grads in streams.items():
    for centered in (False, True):
        p = weight()
        optimizer = optim.RMSprop([p], lr=1e-3, centered=centered)
        trace = [(feed(optimizer, p, g), optimizer.effective_lr()[0])[1] for g in grads]
        traces[stream_name, centered] = np.array(trace)
        moved[stream_name, centered] = abs(p.item())
ratios = {}
for stream_name in streams:
    plain, cent = (np.median(traces[stream_name, c][100:]) for c in (False, True))
    ratios[stream_name] = cent / plain
    print(f"{stream_name}: median effective lr after step 100: plain {plain:.2e}, centered {cent:.2e} "
          f"({cent / plain:.1f}x); distance moved: plain {moved[stream_name, False]:.3f}, "
          f"centered {moved[stream_name, True]:.3f}")  # fmt: skip
consistent, pure = streams
assert 5 < ratios[consistent] < 20 and moved[consistent, True] > 5 * moved[consistent, False], "centered not larger"
assert abs(ratios[pure] - 1) < 0.1, "on pure noise the two variants should agree"

# %%
fig = Figure(figsize=(10, 3.8), layout="constrained")
for ax, stream_name in zip(fig.subplots(1, 2, sharey=True), streams, strict=True):
    curves = {"plain: sqrt(v)": traces[stream_name, False], "centered: sqrt(v - m^2)": traces[stream_name, True]}
    colors = dict(zip(curves, (PLAIN, CENTERED), strict=True))
    plot.step_curves(curves, ax=ax, ylabel="effective lr (lr = 1e-3)", colors=colors)
    ax.set_title(f"gradient = {stream_name}\ncentered / plain = {ratios[stream_name]:.1f}x (median, steps 100+)")
    ax.legend(fontsize=8, loc="upper right")
plot.show(fig, "07_centered", dpi=DPI)

# %% [markdown]
# With the consistent gradient the centered variant's effective lr is about as many times
# the plain one as the gradient's mean is times its spread (here ten), and it travels
# several times as far in the same 300 steps (it first has to learn that the gradient is
# consistent). With pure noise the two curves lie on top of each other.
#
# The flip side shows with an *exactly* constant gradient, which has no spread at all. The
# divisor falls towards eps and the effective lr explodes; and because `v - m^2` is the
# difference of two nearly equal numbers, rounding can even make it slightly negative,
# and then the square root returns nan. PyTorch's centered RMSprop computes the same
# `sqrt(v - m^2)` and has the same hazard. Centered RMSprop is meant for noisy mini-batch
# gradients; on a noise-free toy problem, use the plain form.

# %%
for g in (1.0, 0.1, 3.0):
    p = weight()
    optimizer = optim.RMSprop([p], lr=1e-3, centered=True)
    smallest = np.inf
    with np.errstate(invalid="ignore"):  # the square root of a negative number, if rounding makes one
        for _ in range(400):
            feed(optimizer, p, g)
            state = optimizer.state[p]
            smallest = min(smallest, (state["square_avg"][0] - state["grad_avg"][0] ** 2) / g**2)
        rate = optimizer.effective_lr()[0]
    print(f"constant g = {g}: smallest (v - m^2) / g^2 over 400 steps {smallest:.1e}; "
          f"effective lr at the end {rate:.3g}, {rate / 1e-3:.1e} times lr")  # fmt: skip
    assert smallest < 1e-12 and not rate < 1e6 * 1e-3, "the variance of a constant gradient did not vanish"

# %% [markdown]
# The variance estimate falls to the level of rounding noise, and the effective lr ends
# millions of times above `lr`, or nan where the rounding went below zero.
#
# ## 2. eps inside or outside the square root
#
# eps keeps the division safe when `v` is zero. Where it goes is not agreed on. Some
# write-ups print `sqrt(v) + eps`, others `sqrt(v + eps)`, usually without saying that
# the choice matters. Among libraries, PyTorch adds it after the root; Keras and
# TensorFlow put it under the root, and so does optax's `scale_by_rms` by default, and so
# did Graves (section 1, with eps = 1e-4). minigrad does the first by default and the
# second with `eps_inside_sqrt=True`.
#
# With a steady gradient `v` is about `g^2`, so the two divisors are
#
#     outside:  |g| + eps          eps matters once |g| is as small as eps
#     inside:   sqrt(g^2 + eps)    eps matters once g^2 is as small as eps,
#                                  that is once |g| is as small as sqrt(eps)
#
# For gradients well above `sqrt(eps)` both divisors are `|g|`, and the two forms take the
# same step. Below, they part. As `g -> 0` the effective lr tends to `lr / eps` outside and
# to `lr / sqrt(eps)` inside: with eps = 1e-8, the outside form allows a 10^4 times larger
# effective lr. To measure it, one parameter gets 131 coordinates, each with its own
# constant gradient from 1e-12 to 10, for enough steps that `v` settles at `g^2`.

# %%
magnitudes = np.logspace(-12, 1, 131)
EPS_LR = 1e-3


def settled_effective_lr(eps, inside):
    p = weight(size=len(magnitudes))
    optimizer = optim.RMSprop([p], lr=EPS_LR, eps=eps, eps_inside_sqrt=inside)
    for _ in range(SETTLE_STEPS):
        feed(optimizer, p, magnitudes)
    return optimizer.effective_lr()


def where_eps_matters(rates, shrink=0.9):
    """The largest |g| at which the step (rate * |g|) is `shrink` times lr, interpolating in log |g|."""
    step = rates * magnitudes / EPS_LR
    i = np.flatnonzero(step <= shrink)[-1]
    x0, x1, y0, y1 = np.log10(magnitudes[i]), np.log10(magnitudes[i + 1]), step[i], step[i + 1]
    return 10 ** (x0 + (shrink - y0) * (x1 - x0) / (y1 - y0))


forms = {"eps outside, 1e-8 (PyTorch)": (1e-8, False), "eps inside, 1e-8": (1e-8, True),
         "eps inside, 1e-7 (Keras default)": (1e-7, True)}  # fmt: skip
rates = {name: settled_effective_lr(eps, inside) for name, (eps, inside) in forms.items()}
outside, inside, keras = rates.values()
ordinary = magnitudes >= 1e-3
gap = np.max(np.abs(inside[ordinary] / outside[ordinary] - 1))
print(f"|g| >= 1e-3: the two forms' effective lrs differ by at most {gap:.2%}")
thresholds = {}
for name, (eps, is_inside) in forms.items():
    threshold = thresholds[name] = where_eps_matters(rates[name])
    scale = np.sqrt(eps) if is_inside else eps
    print(f"{name:33s}: the step is 10% short of lr once |g| < {threshold:.1e} "
          f"({threshold / scale:.1f} x {'sqrt(eps)' if is_inside else 'eps'})")  # fmt: skip
    assert 1 < threshold / scale < 10, f"{name}: eps does not start to matter where the algebra says"
at = int(np.argmin(np.abs(magnitudes - 1e-5)))
print(f"smallest |g|: effective lr outside {outside[0] / EPS_LR:.3g} lr (1/eps), inside {inside[0] / EPS_LR:.3g} lr "
      f"(1/sqrt(eps)); at |g| = 1e-5 the step is {outside[at] * 1e-5 / EPS_LR:.2f} lr outside, "
      f"{inside[at] * 1e-5 / EPS_LR:.2f} lr inside")  # fmt: skip
assert gap < 0.01, "the two forms should agree for ordinary gradients"
assert thresholds["eps inside, 1e-8"] > 1e3 * thresholds["eps outside, 1e-8 (PyTorch)"], "thresholds too close"
assert thresholds["eps inside, 1e-7 (Keras default)"] > thresholds["eps inside, 1e-8"], "Keras' eps moves it up"
assert abs(outside[0] * 1e-8 / EPS_LR - 1) < 1e-3 and abs(inside[0] * 1e-4 / EPS_LR - 1) < 1e-3, "caps"
assert outside[at] * 1e-5 / EPS_LR > 0.99 and inside[at] * 1e-5 / EPS_LR < 0.2, "the forms should differ at 1e-5"

# %%
fig = Figure(figsize=(10, 4), layout="constrained")
ax_l, ax_s = fig.subplots(1, 2)
ax_l.plot(magnitudes, 1 / magnitudes, color="grey", lw=0.8, ls=":", label="1 / |g| (no eps)")
for (name, rate), color, style in zip(rates.items(), (PLAIN, CENTERED, CENTERED), ("-", "-", "--"), strict=True):
    ax_l.plot(magnitudes, rate / EPS_LR, color=color, ls=style, lw=2, label=name)
    ax_s.plot(magnitudes, rate * magnitudes / EPS_LR, color=color, ls=style, lw=2, label=name)
for ax in (ax_l, ax_s):
    ax.axvline(1e-8, color=PLAIN, lw=0.8, ls=":", label="|g| = eps = 1e-8")
    ax.axvline(1e-4, color=CENTERED, lw=0.8, ls=":", label="|g| = sqrt(eps) = 1e-4")
    ax.set(xscale="log", xlabel="gradient magnitude |g| (v settled at g^2)")
ax_l.set(yscale="log", ylim=(1e-2, 1e11), ylabel="effective lr / lr  =  1 / divisor",
         title="Effective learning rate: capped at 1/eps or 1/sqrt(eps)")  # fmt: skip
ax_l.legend(fontsize=7, loc="upper right")
ax_s.set(ylim=(-0.03, 1.08), ylabel="step size / lr", title="Step taken: the same for ordinary gradients")
ax_s.legend(fontsize=7, loc="center right")
plot.show(fig, "07_eps", dpi=DPI)

# %% [markdown]
# For gradients of 1e-3 or more the two forms agree to within a percent, and the curves
# lie on top of each other. Below that they split where the algebra says: under the root,
# the step is already 10% short of `lr` at a couple of times `sqrt(eps)`; outside, only at
# several times eps, more than three orders of magnitude further down. Keras' larger default eps moves
# its threshold up again (the printout has the numbers; exercise 2 derives them).
#
# So the choice matters for weights whose gradients are tiny but not zero: at `|g| = 1e-5`
# the outside form still takes a full step of `lr`, the inside form a small fraction of it.
# It also sets the ceiling on the effective lr when a gradient vanishes, which is the
# climb at the end of tutorial 06's phase 2. Neither form is "right"; they are different
# algorithms for small gradients, and code ported between libraries should keep track of
# which one it uses.

# %% [markdown]
# ## 3. What "momentum" means
#
# Three different things go by that name around RMSprop:
#
# 1. **The moving average itself.** Some introductions describe RMSprop as "AdaGrad plus
#    momentum", meaning the decaying average of squared gradients. That average only sets
#    the *scale* of the step; it builds up no velocity. (Its decay rate is `alpha` in
#    PyTorch, `rho` in Keras and `decay` in optax.)
# 2. **Adam's first moment.** Texts comparing Adam with RMSprop say Adam "adds momentum",
#    meaning its moving average of the gradient itself (tutorial 08).
# 3. **The `momentum` option** of `torch.optim.RMSprop`, Keras' RMSprop and minigrad's: a
#    separate velocity buffer `b` on top of the scaled gradient.
#
# For the third, PyTorch and minigrad keep `lr` *outside* the buffer:
#
#     b <- momentum * b + g / d            (d = sqrt(v) + eps)
#     theta <- theta - lr * b
#
# Keras folds it *in*: `b <- momentum * b + lr * g / d`, then `theta <- theta - b`; so does
# Graves's centered update (section 1). While `lr` is constant the two are the same
# algorithm (multiply the first buffer by `lr` and you get the second). When `lr` changes
# they differ: in the PyTorch form the new lr applies at once to the whole velocity, in
# the Keras form the velocity built at the old lr keeps coasting, and fades at the rate
# `momentum`.
#
# Plain SGD's momentum comes in the same two forms. PyTorch's `optim.SGD` (and minigrad's,
# tutorial 03) keeps `lr` outside: `v <- mu * v + g`, `theta <- theta - lr * v`. Sutskever
# et al. ("On the importance of initialization and momentum in deep learning", 2013) and
# Keras put it inside: `v <- mu * v - lr * g`, `theta <- theta + v`. Again they differ only
# when `lr` changes.
#
# Below, a constant gradient, `momentum = 0.9`, and `StepLR` cutting the lr tenfold after
# 40 steps, against a line-by-line numpy transcription of the Keras form (which minigrad
# runs with eps under the root, as Keras does, so that only the momentum convention
# differs). Plain RMSprop, with no `momentum`, runs alongside.

# %%
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


def minigrad_path(momentum):
    p = weight()
    optimizer = optim.RMSprop([p], lr=LR0, alpha=0.9, eps=1e-7, momentum=momentum, eps_inside_sqrt=True)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=CUT_AT, gamma=0.1)
    lrs, path = [], []
    for _ in range(MOMENTUM_STEPS):
        lrs.append(optimizer.param_groups[0]["lr"])
        feed(optimizer, p, 1.0)
        scheduler.step()  # once per step here (usually once per epoch)
        path.append(p.item())
    return np.array(lrs), np.array(path)


def step_sizes(path):
    return np.abs(np.diff(np.concatenate([[0.0], path])))


lrs, torch_path = minigrad_path(momentum=0.9)
_, plain_path = minigrad_path(momentum=0.0)
keras_path = keras_rmsprop(np.ones(MOMENTUM_STEPS), lrs)
torch_steps, keras_steps, plain_steps = step_sizes(torch_path), step_sizes(keras_path), step_sizes(plain_path)
before = np.max(np.abs(torch_path[:CUT_AT] - keras_path[:CUT_AT]))
jump = keras_steps[CUT_AT] / torch_steps[CUT_AT]
excess = keras_steps[CUT_AT:] - torch_steps[CUT_AT:]
fade = np.median(excess[1:] / excess[:-1])
travelled = {name: abs(path[-1] - path[CUT_AT - 1]) for name, path in (("PyTorch", torch_path), ("Keras", keras_path))}
print(f"lr {lrs[0]} for steps 1-{CUT_AT}, then {lrs[CUT_AT]:.3g}; before the cut the positions agree to {before:.0e}")
print(f"last step before the cut: momentum {torch_steps[CUT_AT - 1] / LR0:.2f} lr, no momentum "
      f"{plain_steps[CUT_AT - 1] / LR0:.2f} lr")  # fmt: skip
print(f"first step after the cut: PyTorch form {torch_steps[CUT_AT]:.4f}, Keras form {keras_steps[CUT_AT]:.4f} "
      f"({jump:.1f}x); Keras' extra step shrinks by {fade:.3f} per step")  # fmt: skip
print(f"distance after the cut: PyTorch form {travelled['PyTorch']:.3f}, Keras form {travelled['Keras']:.3f}")
assert before < 1e-12, "the two momentum forms should agree while lr is constant"
assert abs(plain_steps[CUT_AT - 1] / LR0 - 1) < 0.02, "plain RMSprop's step should settle at lr"
assert 9 < torch_steps[CUT_AT - 1] / LR0 < 10.5, "with momentum 0.9 the step should approach lr / (1 - 0.9)"
assert abs(torch_steps[CUT_AT - 1] / torch_steps[CUT_AT] / 10 - 1) < 0.05, "PyTorch's step should drop tenfold"
assert jump > 5 and abs(fade - 0.9) < 1e-3 and travelled["Keras"] > 2 * travelled["PyTorch"], "Keras should coast"

# %%
fig = Figure(figsize=(8, 4.2), layout="constrained")
ax = plot.step_curves(
    {"PyTorch / minigrad: theta -= lr * b": torch_steps, "Keras form: b includes lr; theta -= b": keras_steps,
     "no momentum (momentum = 0)": plain_steps},
    ax=fig.add_subplot(), ylabel="step size |theta_t - theta_(t-1)|",
    colors={"PyTorch / minigrad: theta -= lr * b": PLAIN, "Keras form: b includes lr; theta -= b": KERAS,
            "no momentum (momentum = 0)": "grey"},
    styles={"PyTorch / minigrad: theta -= lr * b": {"lw": 3}, "Keras form: b includes lr; theta -= b": {"ls": "--"}},
)  # fmt: skip
plot.mark_step(ax, CUT_AT, f"StepLR: lr {LR0} -> {LR0 / 10:g}")
plot.mark_point(ax, CUT_AT + 1, keras_steps[CUT_AT], f"{jump:.1f}x larger step:\nthe old velocity coasts",
                color=KERAS, offset=(25, 10))  # fmt: skip
ax.set(ylim=(5e-4, 0.5), title="RMSprop with momentum 0.9, constant gradient: same steps until the lr changes")
ax.legend(fontsize=8, loc="lower left")
plot.show(fig, "07_momentum_lr_change", dpi=DPI)

# %% [markdown]
# Before the cut the two momentum forms agree to rounding error, and the velocity makes
# their steps grow to about `lr / (1 - momentum)`, ten times `lr`, while plain RMSprop's
# step stays near `lr`: the moving average of meaning 1 is not a velocity. On the first step
# after the cut the PyTorch form moves ten times less than before; the Keras form still
# moves several times as far, and its extra step shrinks by the factor `momentum` per step,
# so it coasts on for a few tens of steps and travels more than twice as far in all.
# Neither is a bug, but a schedule tuned for one library does not transfer exactly to the
# other.

# %% [markdown]
# ## 4. Defaults
#
# | | minigrad | PyTorch | Keras / TensorFlow |
# |---|---|---|---|
# | lr | 1e-3 | 1e-2 | 1e-3 |
# | decay (`alpha` / `rho`) | 0.9 | 0.99 | 0.9 |
# | eps | 1e-8, outside the root | 1e-8, outside | 1e-7, inside |
# | momentum | 0 (lr outside the buffer) | 0 (lr outside) | 0 (lr inside) |
# | centered | False | False | False |
#
# Where minigrad's come from: the decay 0.9 is the one in Hinton's lecture (slide 6e
# updates the mean square as `0.9 * MeanSquare + 0.1 * (dE/dw)^2`); the lecture gives no
# learning rate. The lr of 1e-3 is Keras's default (`keras.optimizers.RMSprop(learning_rate=
# 0.001, rho=0.9)`, whose docstring advises leaving every argument except the learning rate
# at its default), often quoted as Hinton's. Pass `lr=1e-2, alpha=0.99` to get PyTorch's.
# The decay is the one to watch: 0.99 means a window of about 100 steps instead of 10 (a
# half-life of 69 steps instead of 6.6), and a first step of 10 `lr` rather than about 3 `lr`
# (a factor of 10 `lr / |g|` on the gradient instead of about 3; tutorial 06, sections 2 and 3).

# %%
defaults = optim.RMSprop([weight()]).defaults
print({name: defaults[name] for name in ("lr", "alpha", "eps", "momentum", "centered", "eps_inside_sqrt")})
assert (defaults["lr"], defaults["alpha"], defaults["eps"], defaults["momentum"]) == (1e-3, 0.9, 1e-8, 0.0)
assert defaults["centered"] is False and defaults["eps_inside_sqrt"] is False

# %% [markdown]
# ## What to take away
#
# - Centered RMSprop divides by the gradient's spread, so consistent gradients get larger
#   steps; with an exactly constant gradient its divisor collapses to eps (or nan).
# - eps outside the root (PyTorch) and inside (Keras, TensorFlow, optax) agree for ordinary
#   gradients and differ for tiny ones; they also cap the effective lr at different heights.
# - "Momentum" near RMSprop means the squared-gradient average, Adam's first moment, or a
#   velocity buffer. For the buffer, PyTorch and Keras put `lr` in different places, which
#   matters once the lr changes.
#
# ## Exercises
#
# Each exercise has a checker in `exercises/rmsprop_variants.py`: write the function, then
# uncomment the call. Worked solutions are in `solutions/rmsprop_variants.py`
# (`python -m solutions.rmsprop_variants` from `tutorials/` runs them through the checkers).
#
# 1. **Momentum, PyTorch's way.** Write `momentum_rmsprop_step(theta, grad, state, lr,
#    alpha, eps, momentum)`, RMSprop with a velocity buffer in PyTorch's form. The checker
#    runs it against `optim.RMSprop(momentum=...)`, first with a constant lr and then with
#    an lr that is cut halfway, which the Keras form does not pass; it names the first step
#    where yours differs.
# 2. **Where eps starts to matter.** Write `ten_percent_gradient(eps, inside)`: the
#    gradient magnitude at which RMSprop's settled step is 90% of `lr`, with eps outside
#    (`inside=False`) or under the root. Derive it from the two divisors in section 2; the
#    checker runs `optim.RMSprop` at your gradient and measures the step.

# %%
from exercises.rmsprop_variants import check_momentum_rule, check_ten_percent_gradient

# check_momentum_rule(momentum_rmsprop_step)  # 1. def momentum_rmsprop_step(theta, grad, state, lr, ...): ...
# check_ten_percent_gradient(ten_percent_gradient)  # 2. def ten_percent_gradient(eps, inside): ... return |g|

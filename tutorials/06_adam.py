"""Tutorial 06: Adam, and why it corrects its moving averages for starting at zero.

Run it as a script (figures go to tutorials/figures/, or to $MINIGRAD_FIGURES):

    python tutorials/06_adam.py
    MINIGRAD_QUICK=1 python tutorials/06_adam.py     # shorter runs, same code

or open it as a notebook (Jupyter with jupytext, or VS Code): every `# %%` starts a cell.
"""

# %% [markdown]
# # Adam: momentum, RMSprop, and a correction for starting at zero
#
# Adam keeps two moving averages per weight. The first, `m`, averages the gradients: it is
# momentum's smoothed direction. The second, `v`, averages the *squared* gradients: it is
# RMSprop's estimate of how large the gradient usually is. Each step moves a weight by
# about `lr * m / sqrt(v)`, a smoothed direction measured in units of the gradient's own
# size. The third ingredient, the *bias correction*, is the one this tutorial is about:
# both averages start at zero, which makes them too small at first, and Adam divides
# that out.

# %%
import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import data, nn, optim
from minigrad.train import fit

QUICK = os.environ.get("MINIGRAD_QUICK", "0") not in ("", "0")  # shorter runs, same code paths
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path("tutorials")  # notebook: repo root
FIGURES = Path(os.environ.get("MINIGRAD_FIGURES") or HERE / "figures")  # where the PNGs go
FIGURES.mkdir(parents=True, exist_ok=True)
BETAS = (0.9, 0.999)  # Adam's default decay rates for m and v (PyTorch's and Keras' too)
CONSTANT_STEPS = 300 if QUICK else 3000  # steps on a constant gradient (the bias fades over ~1000)
NET_LR = 0.03  # a large learning rate for Adam (its default is 0.001), which it still handles
NET_EPOCHS = 1 if QUICK else 3  # epochs of the digits network, with and without correction
NET_SEED = 0  # initial weights and batch order of that network
EQUIV_STEPS = 60  # steps of the Adam(beta1 = 0) vs RMSprop check
DECAY_STEPS = 500  # steps of the weight-decay toy problem
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. The rule
#
# The docstring at the top of `minigrad/optim/adam.py` states the rule. Written with the
# corrected averages `m_hat` and `v_hat`, and without weight decay, it reads, for every
# weight `theta` with gradient `g`, at step `t = 1, 2, ...`:
#
# ```
# m <- beta1 * m + (1 - beta1) * g          momentum: a moving average of g, starting at 0
# v <- beta2 * v + (1 - beta2) * g^2        RMSprop: a moving average of g^2, starting at 0
# theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)
#     with m_hat = m / (1 - beta1^t)  and  v_hat = v / (1 - beta2^t)
# ```
#
# minigrad's code (like PyTorch's) folds the two corrections into the step size and the
# denominator instead of forming `m_hat` and `v_hat`. That gives the same steps, up to
# where `eps` sits.
#
# ## 2. Where the bias comes from
#
# Take a gradient that never changes, `g`. After one step, `m = (1 - beta1) g` and
# `v = (1 - beta2) g^2`: each average is its first gradient times a small weight,
# because the other part of the average is the zero it started from. After `t` steps
# the weights add up to a geometric sum:
#
# ```
# m_t = (1 - beta1) (1 + beta1 + ... + beta1^(t-1)) g = (1 - beta1^t) g
# v_t = (1 - beta2^t) g^2
# ```
#
# So `m_t / (1 - beta1^t) = g` and `v_t / (1 - beta2^t) = g^2` exactly: with the
# correction, the step is `lr * g / |g| = lr` from the very first step, whatever the
# size of `g`. Without it, the step is
#
# ```
# lr * m_t / sqrt(v_t) = lr * (1 - beta1^t) / sqrt(1 - beta2^t) * sign(g)
# ```
#
# With the default betas, the first step is `0.1 / sqrt(0.001)`, about 3.16 times `lr`.
# Both corrections shrink to 1 as `t` grows, but `beta2` is much closer to 1, so the
# correction on `v` fades far more slowly. For a while it wins, and the uncorrected step
# *grows* before it shrinks.
#
# To measure this, here is Adam written out by hand with a switch for the bias
# correction. **This class is a demonstration for this tutorial, not part of minigrad**:
# the library's `optim.Adam` always corrects. It subclasses `optim.Optimizer`, whose
# base class runs the loop over parameters. The subclass only says what state each weight
# starts with (`init_state`), how one step updates it (`update`), and what factor it
# applies to its direction `m` (`effective_lr_of`, which `effective_lr()` reports).


# %%
class AdamByHand(optim.Optimizer):
    """Adam transcribed in numpy, with bias_correction=False to switch the correction off.
    A demonstration for this tutorial only; use optim.Adam in real code."""

    defaults = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "bias_correction": True}

    def init_state(self, p, group):
        return {"step": 0, "m": np.zeros_like(p.data), "v": np.zeros_like(p.data)}

    def update(self, p, g, state, group):
        beta1, beta2 = group["betas"]
        state["step"] += 1
        m, v = state["m"], state["v"]
        m[...] = beta1 * m + (1 - beta1) * g
        v[...] = beta2 * v + (1 - beta2) * g * g
        p.data -= self.effective_lr_of(state, group) * m

    def effective_lr_of(self, state, group):
        """The factor in front of m: lr / (1 - beta1^t) / (sqrt(v_hat) + eps), or lr / (sqrt(v) + eps)."""
        (beta1, beta2), t, v = group["betas"], state["step"], state["v"]
        if group["bias_correction"]:
            return group["lr"] / (1 - beta1**t) / (np.sqrt(v / (1 - beta2**t)) + group["eps"])
        return group["lr"] / (np.sqrt(v) + group["eps"])


# %% [markdown]
# Before trusting it, check that with the correction on it takes the same steps as
# `optim.Adam`, on a small quadratic with three curvatures:


# %%
def quadratic_path(optimizer_class, start, curvature, steps, **options):
    """Minimise 0.5 * sum(curvature * x^2) from start; return x after every step (float64)."""
    x = mg.Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    h = mg.Tensor(np.array(curvature, dtype=np.float64))
    optimizer = optimizer_class([x], **options)
    path = [x.data.copy()]
    for _ in range(steps):
        loss = (0.5 * h * x * x).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        path.append(x.data.copy())
    return np.array(path)


library = quadratic_path(optim.Adam, [1.0, -2.0, 3.0], [1.0, 10.0, 0.1], 200, lr=0.05)
by_hand = quadratic_path(AdamByHand, [1.0, -2.0, 3.0], [1.0, 10.0, 0.1], 200, lr=0.05)
print(f"largest difference between optim.Adam and AdamByHand over 200 steps: {np.abs(library - by_hand).max():.1e}")

# %% [markdown]
# They agree to rounding error. Now the experiment: a loss whose gradient we choose,
# `L(theta) = sum(g * theta)`, so every step sees the same gradient `g`. Three coordinates
# with gradients 0.01, 1 and 100 show what happens at very different scales. We record
# each step's size divided by `lr`, and the effective learning rate, the factor applied to
# `m` (from `optimizer.effective_lr()`).


# %%
def constant_gradient_run(optimizer, theta, g, steps):
    """Step `steps` times on the loss sum(g * theta); return |step| / lr and effective_lr() per step."""
    lr = optimizer.param_groups[0]["lr"]
    gradient = mg.Tensor(g)
    sizes, rates = [], []
    for _ in range(steps):
        before = theta.data.copy()
        loss = (gradient * theta).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sizes.append(np.abs(theta.data - before) / lr)
        rates.append(optimizer.effective_lr())
    return np.array(sizes), np.array(rates)


g = np.array([0.01, 1.0, 100.0])
beta1, beta2 = BETAS
theta_adam = mg.Tensor(np.zeros(3), requires_grad=True)
theta_raw = mg.Tensor(np.zeros(3), requires_grad=True)
adam = optim.Adam([theta_adam], lr=1e-3, betas=BETAS)
raw = AdamByHand([theta_raw], lr=1e-3, betas=BETAS, bias_correction=False)
steps_adam, rates_adam = constant_gradient_run(adam, theta_adam, g, CONSTANT_STEPS)
steps_raw, rates_raw = constant_gradient_run(raw, theta_raw, g, CONSTANT_STEPS)

print("step t | step / lr: Adam  no correction | effective lr * |g| / lr: Adam  no correction")
for t in [1, 2, 3, 5, 12, 50, 100, 1000]:
    if t <= CONSTANT_STEPS:
        i = t - 1
        print(
            f"{t:6d} | {steps_adam[i, 1]:15.3f} {steps_raw[i, 1]:14.3f} |"
            f" {rates_adam[i, 1] * g[1] / 1e-3:29.3f} {rates_raw[i, 1] * g[1] / 1e-3:14.3f}"
        )
spread = np.abs(steps_adam - 1).max()
print(f"Adam's step is lr at every step, for all three gradient sizes, to within {spread:.1e} of lr")
print(f"no correction, first step: {steps_raw[0, 1]:.3f} lr; (1 - beta1) / sqrt(1 - beta2) = {0.1 / 0.001**0.5:.3f}")
peak = steps_raw[:, 1].argmax()
print(f"no correction, largest step: {steps_raw[peak, 1]:.2f} lr, at step {peak + 1}")
print(f"at step {peak + 1}: m = {1 - beta1 ** (peak + 1):.0%} of g, v = {1 - beta2 ** (peak + 1):.1%} of g^2")
ratio = steps_raw[:, 1] / steps_adam[:, 1]
print(f"no correction, still at least twice too large until step {np.nonzero(ratio >= 2)[0][-1] + 1}")

# %% [markdown]
# Read the table row by row:
#
# - **Adam's step is `lr` from the first step on**, for a gradient of 0.01 as for one of
#   100. That scale-freeness is RMSprop's contribution; the correction makes it hold from
#   step one.
# - **Adam's effective learning rate starts at 10 `lr / |g|`, not `lr / |g|`.** That is
#   not a bug: it is the factor applied to `m`, and `m` itself starts ten times too small
#   (`m_1 = 0.1 g`). The two tens cancel in the step.
# - **Without the correction, the first step is 3.16 `lr`**, as derived, and the step keeps
#   growing to about 6.6 `lr` at step 12. By then `m` has reached 72% of `g`, while `v`
#   is still at 1.2% of `g^2`. The step stays more than twice `lr` for the first 287
#   steps.
#
# The figure shows the first 50 steps, and the two correction factors over the whole
# run on a log scale. The uncorrected step is `lr` times their ratio,
# `(1 - beta1^t) / sqrt(1 - beta2^t)`.

# %%
t = np.arange(1, CONSTANT_STEPS + 1)
fig = Figure(figsize=(10, 3.8), layout="constrained")
ax_steps, ax_factors = fig.subplots(1, 2)
first = slice(0, 50)
ax_steps.plot(t[first], steps_raw[first, 1], "o-", ms=3, color="#d62728", label="without bias correction")
ax_steps.plot(t[first], steps_adam[first, 1], "o-", ms=3, color="#9467bd", label="Adam (optim.Adam)")
ax_steps.set_xlabel("step t")
ax_steps.set_ylabel("|step| / lr")
ax_steps.set_ylim(0, 7.5)
ax_steps.set_title("Step size on a constant gradient, first 50 steps")
ax_steps.legend()
ax_factors.loglog(t, 1 / (1 - beta1**t), color="#17becf", label="1 / (1 - beta1^t), on m")
ax_factors.loglog(t, 1 / np.sqrt(1 - beta2**t), color="#2ca02c", label="1 / sqrt(1 - beta2^t), on v")
ax_factors.loglog(t, ratio, "--", color="#d62728", label="measured: uncorrected step / Adam's")
ax_factors.axhline(1, color="grey", lw=0.8)
ax_factors.set_xlabel("step t")
ax_factors.set_title(f"Correction factors (beta1 = {beta1}, beta2 = {beta2})")
ax_factors.legend()
fig.savefig(FIGURES / "06_bias_correction.png", dpi=90)
formula = (1 - beta1**t) / np.sqrt(1 - beta2**t)
gap = np.abs(ratio / formula - 1).max()
print(f"measured ratio vs (1 - beta1^t) / sqrt(1 - beta2^t): largest relative gap {gap:.1e}")

# %% [markdown]
# ## 3. Does it matter in practice?
#
# First on the simplest problem, `f(x) = x^2 / 2` from `x = 1`, with a large learning rate
# (0.1) and `beta2 = 0.999`. Adam walks down in steps of about 0.1, overshoots a little and
# settles. Without the correction the early steps are several times longer, so it
# overshoots much further.

# %%
QUAD_LR, QUAD_STEPS = 0.1, 300
path_adam = quadratic_path(optim.Adam, [1.0], [1.0], QUAD_STEPS, lr=QUAD_LR, betas=BETAS)[:, 0]
path_raw = quadratic_path(AdamByHand, [1.0], [1.0], QUAD_STEPS, lr=QUAD_LR, betas=BETAS, bias_correction=False)[:, 0]
print(f"deepest overshoot below 0: Adam {path_adam.min():.3f}, no correction {path_raw.min():.3f}")
print(f"after {QUAD_STEPS} steps |x|: Adam {abs(path_adam[-1]):.1e}, no correction {abs(path_raw[-1]):.1e}")

# %% [markdown]
# The uncorrected run overshoots to about -0.68, against -0.27 for Adam. It does not
# diverge, and after 300 steps both sit at the minimum. Adam's step can't grow without
# bound: it is `lr` times a ratio that stays below about 6.6 here. On one quadratic, a
# few oversized steps cost little.
#
# A network is different: every weight takes those oversized steps *at the same time*,
# in directions that were only right for the weights as they were. Here is a small
# three-layer network on the handwritten digits, trained with `lr = 0.03` by Adam and
# by the same rule without correction. Both runs start from the same weights and see the
# same batches.

# %%
X, y = data.load_digits()
X = X / 16  # pixel counts 0..16 -> [0, 1]
X_train, X_test, y_train, y_test = data.train_test_split(X, y, seed=0)


def digits_run(make_optimizer):
    """Train a 64-64-64-10 ReLU network for NET_EPOCHS; return the model and its History."""
    mg.manual_seed(NET_SEED)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    optimizer = make_optimizer(model.parameters())
    history = fit(
        model,
        optimizer,
        nn.CrossEntropyLoss(),
        X_train,
        y_train,
        epochs=NET_EPOCHS,
        seed=NET_SEED,
        validation_data=(X_test, y_test),
        verbose=False,
    )
    return model, history


def dead_units(model, X):
    """How many units of each hidden layer output 0 for every image in X (a dead ReLU gets no gradient)."""
    counts, h = [], mg.Tensor(X)
    with mg.no_grad():
        for layer in model:
            h = layer(h)
            if isinstance(layer, nn.ReLU):
                counts.append(int((h.data.max(axis=0) == 0).sum()))
    return counts


model_adam, net_adam = digits_run(lambda params: optim.Adam(params, lr=NET_LR, betas=BETAS))
model_raw, net_raw = digits_run(lambda params: AdamByHand(params, lr=NET_LR, betas=BETAS, bias_correction=False))
for name, model, history in [("Adam", model_adam, net_adam), ("no correction", model_raw, net_raw)]:
    loss = np.array(history.loss)
    print(
        f"{name:>13}: loss at step 1 {loss[0]:.2f}, highest in the first 10 steps {loss[:10].max():.2f}"
        f" (step {loss[:10].argmax() + 1}); test accuracy after {NET_EPOCHS} epochs {history.final_accuracy:.1%};"
        f" dead units per hidden layer (of 64) {dead_units(model, X_train)}"
    )

# %% [markdown]
# Both runs start at a loss of about 2.30, that is `ln 10`, a uniform guess over ten
# digits. With Adam the loss stays below 2.4 in the first ten steps, then falls. After
# the uncorrected first step, where every weight moved 3.16 `lr` at once, the loss jumps
# to about 5.5. That run never recovers: after three epochs its test accuracy is about
# half, against more than 90% for Adam. The last number on each line says why. A ReLU
# unit that outputs 0 for every image gets no gradient, so it never comes back. Without
# the correction, 61 of the 64 units of the first hidden layer ended up dead, against 18
# with Adam. A learning rate that suits Adam is too large for Adam without its
# correction.

# %%
fig = Figure(figsize=(10, 3.6), layout="constrained")
ax_quad, ax_net = fig.subplots(1, 2)
shown = 40
ax_quad.plot(path_raw[: shown + 1], "o-", ms=3, color="#d62728", label="without bias correction")
ax_quad.plot(path_adam[: shown + 1], "o-", ms=3, color="#9467bd", label="Adam")
ax_quad.axhline(0, color="grey", lw=0.8)
ax_quad.set_xlabel("step")
ax_quad.set_ylabel("x")
ax_quad.set_title(f"x^2 / 2 from x = 1, lr = {QUAD_LR}")
ax_quad.legend()
ax_net.plot(np.arange(1, len(net_raw.loss) + 1), net_raw.loss, color="#d62728", label="without bias correction")
ax_net.plot(np.arange(1, len(net_adam.loss) + 1), net_adam.loss, color="#9467bd", label="Adam")
ax_net.axhline(np.log(10), color="grey", lw=0.8, ls=":", label="ln 10 (uniform guess)")
ax_net.set_yscale("log")
ax_net.set_xlabel("step")
ax_net.set_ylabel("training loss (per batch)")
ax_net.set_title(f"Digits, 64-64-64-10 network, lr = {NET_LR}")
ax_net.legend()
fig.savefig(FIGURES / "06_no_correction_in_practice.png", dpi=90)

# %% [markdown]
# ## 4. Adam with beta1 = 0 is RMSprop with a corrected v
#
# Set `beta1 = 0`. Then `m = g` (no averaging) and `1 - beta1^t = 1`, so Adam's step is
# `lr * g / (sqrt(v / (1 - beta2^t)) + eps)`. RMSprop with `alpha = beta2` keeps the very
# same `v` and steps `lr * g / (sqrt(v) + eps)`. If both see the same gradients, then
# apart from `eps`, Adam's step is RMSprop's times `sqrt(1 - beta2^t)`. That factor is the
# bias correction, and it tends to 1. With `beta2 = 0.9`, RMSprop's default decay, it
# starts at `sqrt(0.1) = 0.316`. RMSprop's first steps are more than three times Adam's.
#
# To feed both optimizers the same gradients, use the chosen-gradient loss again, with a
# fresh random gradient every step. Both get `eps = 0` here, because they add `eps` at
# different places (after the corrected and after the uncorrected square root).

# %%
rng = np.random.default_rng(0)
alpha = 0.9
theta_adam = mg.Tensor(np.zeros(4), requires_grad=True)
theta_rms = mg.Tensor(np.zeros(4), requires_grad=True)
adam0 = optim.Adam([theta_adam], lr=0.01, betas=(0.0, alpha), eps=0.0)
rmsprop = optim.RMSprop([theta_rms], lr=0.01, alpha=alpha, eps=0.0)
step_ratio = []
for _ in range(EQUIV_STEPS):
    gradient = mg.Tensor(rng.normal(size=4) * np.array([0.01, 0.1, 1.0, 10.0]))
    moved = []
    for theta, optimizer in [(theta_adam, adam0), (theta_rms, rmsprop)]:
        before = theta.data.copy()
        loss = (gradient * theta).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        moved.append(theta.data - before)
    step_ratio.append(moved[0] / moved[1])
step_ratio = np.array(step_ratio)
t = np.arange(1, EQUIV_STEPS + 1)
correction = np.sqrt(1 - alpha**t)
print("step t   Adam(beta1=0) step / RMSprop step (4 coordinates)   sqrt(1 - alpha^t)")
for i in [0, 1, 2, 4, 9, 19, 59]:
    if i < EQUIV_STEPS:
        print(f"{i + 1:6d}   {np.array2string(step_ratio[i], precision=6):>45}   {correction[i]:.6f}")
gap = np.abs(step_ratio / correction[:, None] - 1).max()
print(f"largest relative gap from sqrt(1 - alpha^t), over {EQUIV_STEPS} steps and 4 coordinates: {gap:.1e}")
print(f"the correction is above 0.99 from step {t[correction > 0.99][0]} on")

# %% [markdown]
# The ratio is the correction factor in every coordinate, whatever the size of its
# gradient, to rounding error. RMSprop's missing
# correction is what makes its first few steps large. It is above 0.99 from step 38 on,
# so after that the two take steps within 1% of each other.
#
# ## 5. AdamW: weight decay outside the adaptive scaling
#
# `optim.Adam(..., weight_decay=wd)` adds `wd * theta` to the gradient (L2
# regularisation), and then divides by `sqrt(v_hat)` like any gradient. `optim.AdamW`
# instead shrinks every weight by the same fraction `lr * wd` before Adam's step. The two
# are not the same, and a toy problem shows how. The loss is
# `0.5 * sum(s^2 (theta - 1)^2)` with three coordinates of very different gradient scales,
# `s = 10, 1, 0.1`, starting at the unregularised minimum `theta = 1`.


# %%
def decay_run(optimizer_class, s, lr, wd, steps):
    theta = mg.Tensor(np.ones(len(s)), requires_grad=True)
    s2 = mg.Tensor(np.array(s, dtype=np.float64) ** 2)
    optimizer = optimizer_class([theta], lr=lr, weight_decay=wd)
    for _ in range(steps):
        loss = (0.5 * s2 * (theta - 1.0) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return theta.data.copy()


s, wd = np.array([10.0, 1.0, 0.1]), 1.0
with_l2 = decay_run(optim.Adam, s, 0.01, wd, DECAY_STEPS)
decoupled = decay_run(optim.AdamW, s, 0.01, wd, DECAY_STEPS)
print(f"s                                   {s}")
print(f"Adam(weight_decay={wd}) ends at      {with_l2}")
print(f"minimum of loss + wd/2 |theta|^2    {s**2 / (s**2 + wd)}")
print(f"AdamW(weight_decay={wd}) ends at     {decoupled}")

# %% [markdown]
# Adam with `weight_decay` lands on the minimum of the L2-regularised loss,
# `s^2 / (s^2 + wd)`. That is 0.99 for the coordinate with a large gradient scale, 0.5 for
# the middle one and 0.01 for the small one. How much decay a weight gets depends on how
# large its gradients are. AdamW shrinks all three to the same 0.988. Its decay never
# passes through the division by `sqrt(v_hat)`, and Adam's normalised step pulls back
# towards 1 with the same strength in every coordinate. Loshchilov and Hutter proposed
# this decoupling because it made weight decay work for Adam as it does for SGD.
#
# ## What to take away
#
# - Adam = momentum's average of gradients `m` + RMSprop's average of squared gradients
#   `v`, each divided by `1 - beta^t` because it started at zero.
# - Without the correction, a constant gradient gives a first step of
#   `(1 - beta1) / sqrt(1 - beta2)`, about 3.16 `lr`, growing to about 6.6 `lr` with the
#   default betas, and it takes hundreds of steps to fade. With it, the step is `lr`
#   from step one.
# - With a learning rate that Adam handles well (0.03 on the digits network), those
#   oversized first steps killed most ReLU units and wrecked training for good.
# - `effective_lr()` for Adam is the factor in front of the *uncorrected* `m`, so it
#   starts at `lr / ((1 - beta1) |g|)`, ten times `lr / |g|`.
# - Adam with `beta1 = 0` is RMSprop with `v` bias-corrected; AdamW decays every weight by
#   the same fraction, while Adam's `weight_decay` decays weights with small gradients most.
#
# ## Exercises
#
# 1. Predict, from `(1 - beta1^t) / sqrt(1 - beta2^t)`, how large the uncorrected step gets
#    with `betas = (0.9, 0.99)`, and at which step. Then check with `constant_gradient_run`.
# 2. Find the largest learning rate at which the uncorrected network of section 3 still
#    reaches 90% test accuracy, and compare it with Adam's. Is the ratio close to the
#    3.16 of the first step?

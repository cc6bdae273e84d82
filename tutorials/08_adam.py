# %% [markdown]
# # 08 · Adam, and why it corrects its moving averages for starting at zero
#
# Adam keeps two moving averages per weight. The first, `m`, averages the gradients: it is
# momentum's smoothed direction (tutorial 03). The second, `v`, averages the *squared*
# gradients: it is RMSprop's estimate of how large the gradient usually is (tutorials 06
# and 07). Each step moves a weight by about `lr * m / sqrt(v)`, a smoothed direction
# measured in units of the gradient's own size. The third ingredient, the *bias
# correction*, is what this tutorial is about: both averages start at zero, which makes
# them too small at first, and Adam divides that out.
#
# In this tutorial we
#
# 1. write Adam's rule in a few lines of numpy and check it against `optim.Adam`;
# 2. derive and measure what the bias correction does on a constant gradient;
# 3. see what happens to a network trained without it;
# 4. see that Adam with `beta1 = 0` is RMSprop with a corrected `v`;
# 5. compare Adam's `weight_decay` (L2) with AdamW's decoupled decay.
#
# Run it as a script (`python tutorials/08_adam.py`) or open it as a notebook in Jupyter
# (jupytext) or VS Code.

# %%
import os

import numpy as np
from exercises.update_rule import check_update_rule
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import data, nn, optim, plot
from minigrad.train import fit

# ----------------------------------------------------------------------------- config
QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # 1: a short run with the same code (fewer steps and seeds)
BETAS = (0.9, 0.999)  # Adam's default decay rates for m and v (PyTorch's and Keras' too)
CONSTANT_STEPS = 600 if QUICK else 3000  # steps on a constant gradient (the bias on v fades over ~1000)
NET_LR = 0.03  # a large learning rate for Adam (its default is 0.001), which it still handles
NET_EPOCHS = 1 if QUICK else 3  # epochs of the digits network, with and without correction
NET_SEEDS = [0, 1] if QUICK else [0, 1, 2, 3, 4]  # initial weights and batch order, one run each
EQUIV_STEPS = 60  # steps of the Adam(beta1 = 0) vs RMSprop check
DECAY_STEPS = 500  # steps of the weight-decay toy problem
DPI = 90  # figure resolution, in dots per inch
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. The rule, written by you
#
# Kingma and Ba ("Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1)
# give the rule for every weight `theta` with gradient `g`, at step `t = 1, 2, ...`:
#
# ```
# m <- beta1 * m + (1 - beta1) * g          momentum: a moving average of g, starting at 0
# v <- beta2 * v + (1 - beta2) * g^2        RMSprop: a moving average of g^2, starting at 0
# m_hat = m / (1 - beta1^t)                 the bias corrections
# v_hat = v / (1 - beta2^t)
# theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)
# ```
#
# `optim.Adam` follows `torch.optim.Adam`: `eps` is added after the corrected square root,
# as above, and the two corrections are folded into the step size and the denominator
# (`help(optim.Adam)` shows its lines), which gives the same steps up to round-off.
#
# **Write it yourself first**: a function `adam_step(theta, grad, state, lr, betas, eps)`
# that returns the new `theta`, keeping `m`, `v` and `t` in the dict `state` (empty at the
# first call). Here is one way:


# %%
def adam_step(theta, grad, state, lr, betas, eps):
    beta1, beta2 = betas
    if not state:  # first call: both averages start at zero
        state.update(t=0, m=np.zeros_like(theta), v=np.zeros_like(theta))
    state["t"] += 1
    state["m"] = beta1 * state["m"] + (1 - beta1) * grad
    state["v"] = beta2 * state["v"] + (1 - beta2) * grad**2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


# %% [markdown]
# `check_update_rule` runs your function and `optim.Adam` side by side on a small bowl,
# with the same noisy gradients, and stops at the first step where they differ:

# %%
check_update_rule(adam_step, optim.Adam, {"lr": 0.1, "betas": BETAS, "eps": 1e-8})
check_update_rule(adam_step, optim.Adam, {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-3})

# %% [markdown]
# From here on we use the library's `optim.Adam`.
#
# ## 2. Where the bias comes from
#
# Take a gradient that never changes, `g`. After one step, `m = (1 - beta1) g` and
# `v = (1 - beta2) g^2`: each average is its first gradient times a small weight, because
# the rest of the average is the zero it started from. After `t` steps the weights add up
# to a geometric sum:
#
# ```
# m_t = (1 - beta1) (1 + beta1 + ... + beta1^(t-1)) g = (1 - beta1^t) g
# v_t = (1 - beta2^t) g^2
# ```
#
# So `m_hat = g` and `v_hat = g^2` exactly: with the correction, the step is
# `lr * g / |g| = lr` from the very first step, whatever the size of `g`. Without it, the
# step is
#
# ```
# lr * m_t / sqrt(v_t) = lr * (1 - beta1^t) / sqrt(1 - beta2^t) * sign(g)
# ```
#
# With the default betas the first step is `lr * 0.1 / sqrt(0.001)`. Both factors tend to
# 1 as `t` grows, but `beta2` is much closer to 1, so the factor on `v` fades far more
# slowly. For a while it wins, and the uncorrected step *grows* before it shrinks.
#
# To measure this we need Adam without its correction, which minigrad does not offer. Here
# it is as a small optimizer class, **a demonstration for this tutorial, not part of
# minigrad**. It subclasses `optim.Optimizer`, whose base class runs the loop over the
# parameters; the subclass says what state each weight starts with (`init_state`), how one
# step updates it (`update`), and what factor it applies to its direction `m`
# (`effective_lr_of`, which `effective_lr()` reports).


# %%
class AdamByHand(optim.Optimizer):
    """Adam in numpy, with bias_correction=False to switch the correction off (demonstration only)."""

    defaults = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "bias_correction": True}

    def init_state(self, p, group):
        return {"step": 0, "m": np.zeros_like(p.data), "v": np.zeros_like(p.data)}

    def update(self, p, g, state, group):
        beta1, beta2 = group["betas"]
        state["step"] += 1
        state["m"][...] = beta1 * state["m"] + (1 - beta1) * g
        state["v"][...] = beta2 * state["v"] + (1 - beta2) * g * g
        p.data -= self.effective_lr_of(state, group) * state["m"]

    def effective_lr_of(self, state, group):
        """The factor in front of m: lr / (1 - beta1^t) / (sqrt(v_hat) + eps), or lr / (sqrt(v) + eps)."""
        (beta1, beta2), t, v = group["betas"], state["step"], state["v"]
        if group["bias_correction"]:
            return group["lr"] / (1 - beta1**t) / (np.sqrt(v / (1 - beta2**t)) + group["eps"])
        return group["lr"] / (np.sqrt(v) + group["eps"])


# %% [markdown]
# With the correction on it must be `optim.Adam` again (this also checks it the same way as
# your rule). Then the experiment: a loss whose gradient we choose, `L(theta) = sum(g * theta)`,
# so that every step sees the same gradient `g`. Three coordinates with gradients 0.01, 1
# and 100 show what happens at very different scales. We record each step's size divided
# by `lr`, and the effective learning rate, the factor applied to `m`.


# %%
def by_hand_step(theta, grad, state, **hyper):
    """AdamByHand as a step function, for check_update_rule."""
    if not state:
        state["w"] = mg.Tensor(theta.copy(), requires_grad=True)
        state["optimizer"] = AdamByHand([state["w"]], **hyper)
    state["w"].grad = grad
    state["optimizer"].step()
    return state["w"].data.copy()


check_update_rule(by_hand_step, optim.Adam, {"lr": 0.05, "betas": BETAS, "eps": 1e-8})


def constant_gradient_run(optimizer, theta, g, steps):
    """Step `steps` times on the loss sum(g * theta); return |step| / lr and effective_lr() per step."""
    lr = optimizer.param_groups[0]["lr"]
    sizes, rates = [], []
    for _ in range(steps):
        before = theta.data.copy()
        optimizer.zero_grad()
        (mg.Tensor(g) * theta).sum().backward()
        optimizer.step()
        sizes.append(np.abs(theta.data - before) / lr)
        rates.append(optimizer.effective_lr())
    return np.array(sizes), np.array(rates)


g = np.array([0.01, 1.0, 100.0])
beta1, beta2 = BETAS
theta_adam, theta_raw = mg.Tensor(np.zeros(3), requires_grad=True), mg.Tensor(np.zeros(3), requires_grad=True)
steps_adam, rates_adam = constant_gradient_run(optim.Adam([theta_adam], lr=1e-3), theta_adam, g, CONSTANT_STEPS)
raw = AdamByHand([theta_raw], lr=1e-3, betas=BETAS, bias_correction=False)
steps_raw, rates_raw = constant_gradient_run(raw, theta_raw, g, CONSTANT_STEPS)

print("step t | step / lr: Adam  no correction | effective lr * |g| / lr: Adam  no correction")
for t in [t for t in [1, 2, 3, 5, 12, 50, 100, 1000] if t <= CONSTANT_STEPS]:
    i = t - 1
    print(
        f"{t:6d} | {steps_adam[i, 1]:15.3f} {steps_raw[i, 1]:14.3f} |"
        f" {rates_adam[i, 1] * g[1] / 1e-3:29.3f} {rates_raw[i, 1] * g[1] / 1e-3:14.3f}"
    )
spread = np.abs(steps_adam - 1).max()
first_step = (1 - beta1) / np.sqrt(1 - beta2)
peak = int(steps_raw[:, 1].argmax())
ratio = steps_raw[:, 1] / steps_adam[:, 1]
twice = int(np.nonzero(ratio >= 2)[0][-1]) + 1
print(f"Adam's step is lr at every step, for all three gradient sizes, to within {spread:.1e} of lr")
print(f"Adam's effective lr at step 1, times |g| / lr: {rates_adam[0] * g / 1e-3}")
print(f"no correction, first step: {steps_raw[0, 1]:.3f} lr; (1 - beta1) / sqrt(1 - beta2) = {first_step:.3f}")
print(f"no correction, largest step: {steps_raw[peak, 1]:.2f} lr, at step {peak + 1}")
print(f"at step {peak + 1}: m = {1 - beta1 ** (peak + 1):.0%} of g, v = {1 - beta2 ** (peak + 1):.1%} of g^2")
print(f"no correction, still at least twice too large until step {twice}")
assert spread < 1e-4, "Adam's step should be lr from the first step, whatever the gradient's size"
np.testing.assert_allclose(rates_adam[0] * g / 1e-3, 1 / (1 - beta1), rtol=1e-5)
assert abs(steps_raw[0, 1] - first_step) < 1e-4, "the first uncorrected step should be (1 - beta1) / sqrt(1 - beta2)"
assert 5 < peak + 1 < 50 and steps_raw[peak, 1] > 2 * first_step, "the uncorrected step should grow, then shrink"
assert steps_raw[-1, 1] < steps_raw[peak, 1] / 4, "the uncorrected step should fade back towards lr"
assert twice > 100, "the uncorrected step should stay over twice lr for hundreds of steps"
assert 1 - beta1 ** (peak + 1) > 0.5 > 0.05 > 1 - beta2 ** (peak + 1), "at the peak, m is mostly there, v is not"

# %% [markdown]
# Read the table and the lines below it:
#
# - **Adam's step is `lr` from the first step on**, for a gradient of 0.01 as for one of
#   100. That scale-freeness is RMSprop's contribution; the correction makes it hold from
#   step one.
# - **Adam's effective learning rate starts at `10 lr / |g|`, not `lr / |g|`.** That is not
#   a bug: it is the factor applied to `m`, and `m` itself starts ten times too small
#   (`m_1 = 0.1 g`). The two tens cancel in the step.
# - **Without the correction the first step is `0.1 / sqrt(0.001)`, about 3.16 `lr`**, as
#   derived, and the step keeps growing to the peak printed above. By then `m` has nearly
#   reached `g`, while `v` is still a small fraction of `g^2`. The step stays more than
#   twice `lr` for hundreds of steps (the last line gives the count).
#
# The figure shows the first 50 steps, and the two correction factors over the whole run
# on a log scale. The uncorrected step is `lr` times their ratio,
# `(1 - beta1^t) / sqrt(1 - beta2^t)` (the thick pale line), and the measured ratio of the
# two steps (dashed) lies on it. Once `1 - beta1^t` has reached 1, after about 50 steps,
# the ratio is the factor on `v` alone.

# %%
t = np.arange(1, CONSTANT_STEPS + 1)
fig = Figure(figsize=(10, 3.8))
fig.subplots_adjust(left=0.06, right=0.98, bottom=0.13, top=0.92, wspace=0.18)
ax_steps, ax_factors = fig.subplots(1, 2)
first = slice(0, 50)
ax_steps.plot(t[first], steps_raw[first, 1], "o-", ms=3, color="#d62728", label="without bias correction")
ax_steps.plot(t[first], steps_adam[first, 1], "o-", ms=3, color="#9467bd", label="Adam (optim.Adam)")
ax_steps.annotate(f"peak {steps_raw[peak, 1]:.2f} lr\nat step {peak + 1}", (peak + 1, steps_raw[peak, 1]),
                  (peak + 8, 4.5), arrowprops={"arrowstyle": "->", "color": "grey"}, fontsize=8)  # fmt: skip
ax_steps.set(xlabel="step t", ylabel="|step| / lr", ylim=(0, 7.5), title="Step size on a constant gradient")
ax_steps.legend(loc="upper right", bbox_to_anchor=(1, 0.42))
formula = (1 - beta1**t) / np.sqrt(1 - beta2**t)
ax_factors.loglog(t, formula, color="#f4a582", lw=5, label="their ratio, (1 - beta1^t) / sqrt(1 - beta2^t)")
ax_factors.loglog(t, 1 / (1 - beta1**t), color="#17becf", label="1 / (1 - beta1^t), on m")
ax_factors.loglog(t, 1 / np.sqrt(1 - beta2**t), color="#2ca02c", label="1 / sqrt(1 - beta2^t), on v")
ax_factors.loglog(t, ratio, "--", color="#d62728", label="measured: uncorrected step / Adam's")
ax_factors.axhline(1, color="grey", lw=0.8, label="1 (no correction needed)")
ax_factors.set(xlabel="step t", ylabel="factor", ylim=(0.8, 120),
               title=f"Correction factors (beta1 = {beta1}, beta2 = {beta2})")  # fmt: skip
ax_factors.legend(fontsize=8)
plot.show(fig, "08_bias_correction", dpi=DPI)
gap = np.abs(ratio / formula - 1).max()
print(f"measured ratio vs (1 - beta1^t) / sqrt(1 - beta2^t): largest relative gap {gap:.1e}")
assert gap < 1e-4, "the uncorrected step should be lr * (1 - beta1^t) / sqrt(1 - beta2^t)"
on_v = np.abs(ratio[49:] * np.sqrt(1 - beta2 ** t[49:]) - 1).max()
assert on_v < 0.01, "from step 50 on, the ratio should be the factor on v alone, to within 1%"

# %% [markdown]
# ## 3. Does it matter in practice?
#
# First on the simplest problem, `f(x) = x^2 / 2` from `x = 1`, with a large learning rate
# (0.1). Adam walks down in steps of about 0.1. Its steps do not shrink as the gradient
# does near the minimum, and `m` keeps pointing the old way for a while after `x` passes
# 0, so Adam goes well past: to about a quarter of the starting distance on the other side
# (the deepest overshoot printed), before it settles. Without the correction the first
# step is over three times longer, as on the constant gradient.


# %%
def quadratic_path(optimizer_class, steps, **options):
    """Minimise x^2 / 2 from x = 1; return x after every step."""
    x = mg.Tensor(np.array([1.0]), requires_grad=True)
    optimizer = optimizer_class([x], **options)
    path = [1.0]
    for _ in range(steps):
        optimizer.zero_grad()
        (0.5 * x * x).sum().backward()
        optimizer.step()
        path.append(x.data[0])
    return np.array(path)


QUAD_LR, QUAD_STEPS = 0.1, 300
path_adam = quadratic_path(optim.Adam, QUAD_STEPS, lr=QUAD_LR, betas=BETAS)
path_raw = quadratic_path(AdamByHand, QUAD_STEPS, lr=QUAD_LR, betas=BETAS, bias_correction=False)
first_adam, first_raw = 1 - path_adam[1], 1 - path_raw[1]
print(f"first step: Adam {first_adam:.3f}, no correction {first_raw:.3f}")
print(f"deepest overshoot below 0: Adam {path_adam.min():.3f}, no correction {path_raw.min():.3f}")
print(f"after {QUAD_STEPS} steps |x|: Adam {abs(path_adam[-1]):.1e}, no correction {abs(path_raw[-1]):.1e}")
assert abs(first_adam - QUAD_LR) < 1e-6 and first_raw > 3 * first_adam, "the uncorrected first step should be 3x Adam's"
assert -0.35 < path_adam.min() < -0.2, "Adam should overshoot to about a quarter of the start, past the minimum"
assert path_raw.min() < 2 * path_adam.min() < 0, "without correction the overshoot should be over twice as deep"
assert max(abs(path_adam[-1]), abs(path_raw[-1])) < 1e-4, "both should settle at the minimum"

# %% [markdown]
# The uncorrected run overshoots more than twice as far, but it does not diverge, and after
# 300 steps both sit at the minimum. Its step can't grow without bound: it is `lr` times a
# ratio that stays below the peak of section 2. On one quadratic, a few oversized steps
# cost little.
#
# A network is different: every weight takes those oversized steps *at the same time*, in
# directions that were only right for the weights as they were. Here is a small
# three-layer network on the handwritten digits, trained with `lr = 0.03` by Adam and by
# the same rule without correction. For each seed both runs start from the same weights and
# see the same batches, and we use several seeds, so that what we see is not the luck of
# one start.

# %%
X, y = data.load_digits()
X_train, X_test, y_train, y_test = data.train_test_split(X / 16, y, seed=0)  # pixels 0..16 -> [0, 1]


def digits_run(make_optimizer, seed):
    """Train a 64-64-64-10 ReLU network for NET_EPOCHS; return the model and its History."""
    mg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    history = fit(model, make_optimizer(model.parameters()), nn.CrossEntropyLoss(), X_train, y_train,
                  epochs=NET_EPOCHS, seed=seed, validation_data=(X_test, y_test), verbose=False)  # fmt: skip
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


makers = {
    "Adam": lambda params: optim.Adam(params, lr=NET_LR, betas=BETAS),
    "no correction": lambda params: AdamByHand(params, lr=NET_LR, betas=BETAS, bias_correction=False),
}
print(f"{NET_EPOCHS} epoch(s), lr = {NET_LR}; per seed, as each finishes: highest loss in the first 10 steps,")
print("test accuracy, dead units in hidden layers 1 and 2 (of 64 each)")
net = {name: [] for name in makers}  # name -> one (model, History) per seed
rows = {name: [] for name in makers}  # name -> one (early peak, accuracy, dead units) per seed
for seed in NET_SEEDS:
    for name, make in makers.items():
        model, history = digits_run(make, seed)
        net[name].append((model, history))
        rows[name].append((max(history.loss[:10]), history.final_accuracy, dead_units(model, X_train)))
        early, accuracy, dead = rows[name][-1]
        print(f"seed {seed} {name:>13}: early peak {early:5.2f}  accuracy {accuracy:6.1%}  dead units {dead}")
early_adam, accuracy_adam, dead_adam = (np.array(column) for column in zip(*rows["Adam"], strict=True))
early_raw, accuracy_raw, dead_raw = (np.array(column) for column in zip(*rows["no correction"], strict=True))
print(f"mean accuracy: Adam {accuracy_adam.mean():.1%}, no correction {accuracy_raw.mean():.1%}")
first_losses = [history.loss[0] for runs in net.values() for _, history in runs]
assert np.allclose(first_losses, np.log(10), atol=0.1), "every run should start near ln 10, a uniform guess"
assert np.all(early_adam < 2.5) and np.all(early_raw > 1.5 * early_adam), "the uncorrected loss should spike early"
assert np.all(dead_raw[:, 0] >= 48), "without the correction, most first-layer units should die"
assert np.all(dead_raw[:, 0] >= dead_adam[:, 0] + 15), "no correction should kill far more first-layer units"
assert np.all(accuracy_raw < accuracy_adam - 0.2), "no correction should end far below Adam on every seed"

# %% [markdown]
# Every run starts at a loss of about `ln 10 = 2.30`, a uniform guess over ten digits. With
# Adam the loss barely rises in the first ten steps, then falls. After the uncorrected first
# step, where every weight moved 3.16 `lr` at once, the loss jumps far higher, on every
# seed, and those runs never recover: their test accuracy ends far below Adam's. The dead
# units say why. A ReLU unit that outputs 0 for every image gets no gradient, so it never
# comes back; without the correction most units of the first hidden layer died, many more
# than with Adam. A learning rate that suits Adam is too large for Adam without its
# correction.
#
# The figure shows the quadratic, and the digits loss of the first seed (both runs).

# %%
fig = Figure(figsize=(10, 3.6))
fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.92, wspace=0.22)
ax_quad, ax_net = fig.subplots(1, 2)
shown = 40
ax_quad.plot(path_raw[: shown + 1], "o-", ms=3, color="#d62728", label="without bias correction")
ax_quad.plot(path_adam[: shown + 1], "o-", ms=3, color="#9467bd", label="Adam")
ax_quad.axhline(0, color="grey", lw=0.8, label="minimum, x = 0")
ax_quad.set(xlabel="step", ylabel="x", title=f"x^2 / 2 from x = 1, lr = {QUAD_LR}")
ax_quad.legend(fontsize=8)
for name, color in [("no correction", "#d62728"), ("Adam", "#9467bd")]:
    loss = net[name][0][1].loss
    ax_net.plot(np.arange(1, len(loss) + 1), loss, color=color, lw=1, label=name)
raw_loss = net["no correction"][0][1].loss
spike = int(np.argmax(raw_loss[:10]))
ax_net.annotate(f"step {spike + 1}: loss {raw_loss[spike]:.2f}", (spike + 1, raw_loss[spike]), (25, 4.5),
                arrowprops={"arrowstyle": "->"}, fontsize=8)  # fmt: skip
ax_net.axhline(np.log(10), color="grey", lw=0.8, ls=":", label="ln 10 (uniform guess)")
ax_net.set(yscale="log", xlabel="step", ylabel="training loss (per batch)")
ax_net.set_title(f"Digits, 64-64-64-10 network, lr = {NET_LR}, seed {NET_SEEDS[0]}")
ax_net.legend(fontsize=8, loc="lower left")
plot.show(fig, "08_no_correction_in_practice", dpi=DPI)

# %% [markdown]
# ## 4. Adam with beta1 = 0 is RMSprop with a corrected v
#
# Set `beta1 = 0`. Then `m = g` (no averaging) and `1 - beta1^t = 1`, so Adam's step is
# `lr * g / (sqrt(v / (1 - beta2^t)) + eps)`. RMSprop (tutorial 06) with `alpha = beta2`
# keeps the very same `v` and steps `lr * g / (sqrt(v) + eps)`. If both see the same
# gradients, then apart from `eps`, Adam's step is RMSprop's times `sqrt(1 - beta2^t)`. That
# factor is the bias correction, and it tends to 1. With `beta2 = 0.9`, RMSprop's default
# decay in minigrad, it starts at `sqrt(0.1)`: RMSprop's first steps are about three times
# Adam's. (Tutorial 07 shows why `eps` placement matters, and that is why both get
# `eps = 0` here: they add it at different places.)

# %%
rng = np.random.default_rng(0)
alpha = 0.9
theta_adam, theta_rms = mg.Tensor(np.zeros(4), requires_grad=True), mg.Tensor(np.zeros(4), requires_grad=True)
adam0 = optim.Adam([theta_adam], lr=0.01, betas=(0.0, alpha), eps=0.0)
rmsprop = optim.RMSprop([theta_rms], lr=0.01, alpha=alpha, eps=0.0)
step_ratio = []
for _ in range(EQUIV_STEPS):
    gradient = rng.normal(size=4) * np.array([0.01, 0.1, 1.0, 10.0])
    moved = []
    for theta, optimizer in [(theta_adam, adam0), (theta_rms, rmsprop)]:
        before = theta.data.copy()
        theta.grad = gradient.copy()
        optimizer.step()
        moved.append(theta.data - before)
    step_ratio.append(moved[0] / moved[1])
step_ratio = np.array(step_ratio)
t = np.arange(1, EQUIV_STEPS + 1)
correction = np.sqrt(1 - alpha**t)
print("step t   Adam(beta1=0) step / RMSprop step (4 coordinates)   sqrt(1 - alpha^t)")
for i in [0, 1, 2, 4, 9, 19, 59]:
    print(f"{i + 1:6d}   {np.array2string(step_ratio[i], precision=6):>45}   {correction[i]:.6f}")
gap = np.abs(step_ratio / correction[:, None] - 1).max()
close = int(t[correction > 0.99][0])
print(f"largest relative gap from sqrt(1 - alpha^t), over {EQUIV_STEPS} steps and 4 coordinates: {gap:.1e}")
print(f"the correction is above 0.99 from step {close} on")
assert gap < 1e-10, "Adam(beta1=0)'s step should be RMSprop's times sqrt(1 - alpha^t)"

# %% [markdown]
# The ratio is the correction factor in every coordinate, whatever the size of its
# gradient, to rounding error. RMSprop's missing correction is what makes its first few
# steps large; from the step printed last on, the two take steps within 1% of each other.
#
# ## 5. AdamW: weight decay outside the adaptive scaling
#
# `optim.Adam(..., weight_decay=wd)` adds `wd * theta` to the gradient (L2
# regularisation), which is then divided by `sqrt(v_hat)` like any gradient. `optim.AdamW`
# instead shrinks every weight by the same fraction before Adam's step, `theta <- theta *
# (1 - lr * wd)`, the rule of `torch.optim.AdamW`. The idea is Loshchilov and Hutter's
# ("Decoupled Weight Decay Regularization", ICLR 2019), but in their Algorithm 2 the decay
# `wd * theta` is multiplied by the schedule multiplier `eta_t` (1 when the learning rate
# is not scheduled), not by the learning rate `alpha` (our `lr`): their decay with `wd`
# is PyTorch's with `wd / lr`. A toy problem shows what decoupling changes: the loss
# `0.5 * sum(s^2 (theta - 1)^2)` with three coordinates of very different gradient scales,
# `s = 10, 1, 0.1`, starting at the unregularised minimum `theta = 1`.


# %%
def decay_run(optimizer_class, s, lr, wd, steps):
    theta = mg.Tensor(np.ones(len(s)), requires_grad=True)
    optimizer = optimizer_class([theta], lr=lr, weight_decay=wd)
    for _ in range(steps):
        optimizer.zero_grad()
        (0.5 * mg.Tensor(s**2) * (theta - 1.0) ** 2).sum().backward()
        optimizer.step()
    return theta.data.copy()


s, wd = np.array([10.0, 1.0, 0.1]), 1.0
with_l2 = decay_run(optim.Adam, s, 0.01, wd, DECAY_STEPS)
decoupled = decay_run(optim.AdamW, s, 0.01, wd, DECAY_STEPS)
l2_minimum = s**2 / (s**2 + wd)
print(f"s                                   {s}")
print(f"Adam(weight_decay={wd}) ends at      {with_l2}")
print(f"minimum of loss + wd/2 |theta|^2    {l2_minimum}")
print(f"AdamW(weight_decay={wd}) ends at     {decoupled}")
assert np.allclose(with_l2, l2_minimum, atol=1e-3), "Adam's weight_decay should land on the L2 minimum"
assert np.ptp(decoupled) < 1e-3 and decoupled.min() > 0.9, "AdamW should shrink every coordinate alike, a little"

# %% [markdown]
# Adam with `weight_decay` lands on the minimum of the L2-regularised loss,
# `s^2 / (s^2 + wd)`: barely below 1 for the coordinate with a large gradient scale, 0.5
# for the middle one and close to 0 for the small one. How much decay a weight gets depends
# on how large its gradients are. AdamW shrinks all three to the same value, a little
# below 1. Its decay never passes through the division by `sqrt(v_hat)`, and Adam's normalised
# step pulls back towards 1 with the same strength in every coordinate. Loshchilov and
# Hutter proposed this decoupling because it made weight decay work for Adam as it does for
# SGD.
#
# ## What to take away
#
# - Adam = momentum's average of gradients `m` + RMSprop's average of squared gradients
#   `v`, each divided by `1 - beta^t` because it started at zero.
# - Without the correction, a constant gradient gives a first step of
#   `(1 - beta1) / sqrt(1 - beta2)` times `lr`, growing for a dozen steps and taking
#   hundreds of steps to fade. With it, the step is `lr` from step one.
# - With a learning rate that Adam handles well (0.03 on the digits network), those
#   oversized first steps killed most first-layer ReLU units, on every seed.
# - `effective_lr()` for Adam is the factor in front of the *uncorrected* `m`, so it
#   starts at `lr / ((1 - beta1) |g|)`, ten times `lr / |g|`.
# - Adam with `beta1 = 0` is RMSprop with `v` bias-corrected; AdamW decays every weight by
#   the same fraction, while Adam's `weight_decay` decays weights with small gradients most.
#
# ## Exercises
#
# The checkers are in `tutorials/exercises/adam.py`, worked solutions in
# `tutorials/solutions/adam.py`. Uncomment a call once your function is written.
#
# 1. **AdamW's rule.** Write `adamw_step(theta, grad, state, lr, betas, eps, weight_decay)`:
#    shrink `theta` by `1 - lr * weight_decay` (PyTorch's form, as in section 5), then take
#    your Adam step with the plain gradient. The checker runs it against `optim.AdamW`.
# 2. **The uncorrected step.** Write `uncorrected_step(t, beta1, beta2)`, the size of the
#    uncorrected step at step `t` on a constant gradient, in units of `lr` (an array of `t`
#    works too). The checker compares it with the running averages themselves, for several
#    betas, and prints where the step peaks for `betas = (0.9, 0.99)`: predict it first.
# 3. **Where Adam's L2 decay stops.** Write `l2_fixed_point(s, wd)`: where `optim.Adam(...,
#    weight_decay=wd)` ends on the loss of section 5 (set the gradient of the loss plus
#    `wd / 2 |theta|^2` to zero). The checker runs `optim.Adam` for several `s` and `wd`.

# %%
from exercises.adam import check_adamw_step, check_l2_fixed_point, check_uncorrected_step

# check_adamw_step(adamw_step)
# check_uncorrected_step(uncorrected_step)
# check_l2_fixed_point(l2_fixed_point)

# %% [markdown]
# # 01 · Autograd from scratch
#
# Training a network means nudging its weights downhill on a loss, and for that we need
# the derivative of the loss with respect to every weight. Autograd computes all of them
# in one backward pass over the computation, using nothing but the chain rule.
#
# In this tutorial we
#
# 1. work out the gradients of a three-line expression by hand, with the chain rule;
# 2. let minigrad do the same with `.backward()`, and look at the graph it records;
# 3. see why gradients *accumulate* (and why `zero_grad` exists);
# 4. see what broadcasting does on the way back;
# 5. check gradients numerically with finite differences, write the backward rule of an
#    op yourself and check it that way, and measure how the step size `eps` makes or breaks
#    such a check;
# 6. let `mg.gradcheck` do the checking.
#
# Open it as a notebook from `tutorials/` (Jupyter or VS Code) or run it as a script
# (`python tutorials/01_autograd_from_scratch.py`). It `assert`s every claim it makes as it
# runs, and ends with exercises.

# %%
import os
import re

import numpy as np
from matplotlib.figure import Figure

import minigrad as mg
from minigrad import optim, plot

# ----------------------------------------------------------------------------- config
QUICK = os.environ.get("MINIGRAD_QUICK", "0") == "1"  # a smaller experiment in a few seconds, same code
TRIALS = 5 if QUICK else 20  # random points over which the finite-difference errors are averaged
EPS_PER_DECADE = 4  # step sizes tried per power of ten, from 1e-13 to 1
DPI = 100  # figure resolution (dots per inch)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. A tiny expression, by hand
#
# Take three numbers and a loss built from them:
#
#     u = a * b
#     v = u + c
#     L = v ** 2
#
# Each line is one *op*. To get dL/da we go backwards, one op at a time, multiplying the
# local derivatives as we go (the chain rule):
#
# - `L = v**2`, so dL/dv = 2v.
# - `v = u + c`: addition passes the gradient through unchanged, so dL/du = dL/dv · 1
#   and dL/dc = dL/dv · 1.
# - `u = a * b`: each factor's gradient is the other factor, so dL/da = dL/du · b and
#   dL/db = dL/du · a.
#
# Here it is in plain Python, forward pass first, then the backward pass in reverse order.

# %%
a, b, c = 2.0, -3.0, 10.0

# forward
u = a * b
v = u + c
L = v**2

# backward: start from dL/dL = 1 and walk the ops in reverse
dL_dL = 1.0
dL_dv = dL_dL * 2 * v
dL_du = dL_dv * 1.0
dL_dc = dL_dv * 1.0
dL_da = dL_du * b
dL_db = dL_du * a
print(f"forward:  u = {u}, v = {v}, L = {L}")
print(f"backward: dL/dv = {dL_dv}, dL/du = {dL_du}, dL/da = {dL_da}, dL/db = {dL_db}, dL/dc = {dL_dc}")
assert dL_da == 2 * (a * b + c) * b == -24, "the chain rule step by step disagrees with the whole formula"

# %% [markdown]
# Sanity check on one of them: dL/da = 2(ab + c) · b, and with a = 2, b = -3, c = 10 that
# is 2 · 4 · (-3) = -24. The step-by-step version gets the same number without ever
# writing out the whole formula, which is what makes it scale to networks with millions
# of ops.

# %% [markdown]
# ## 2. The same with minigrad
#
# A `Tensor` created with `requires_grad=True` is a *leaf* whose gradient we want. Every op
# on it returns a new tensor that remembers which op made it and what its inputs were:
# that is the computation graph. The `repr` shows the op as `grad_fn=<...>`.

# %%
a_t = mg.Tensor(a, requires_grad=True)
b_t = mg.Tensor(b, requires_grad=True)
c_t = mg.Tensor(c, requires_grad=True)

u_t = a_t * b_t
v_t = u_t + c_t
L_t = v_t**2
for name, t in [("a", a_t), ("u", u_t), ("v", v_t), ("L", L_t)]:
    print(f"{name} = {t!r}")

# %% [markdown]
# `L_t.backward()` walks that graph from `L` back to the leaves, in the same order as our
# hand-written backward pass, and stores dL/d(leaf) in each leaf's `.grad`. Intermediate
# tensors such as `u` and `v` pass their gradient on and keep nothing.

# %%
L_t.backward()
by_hand = np.array([dL_da, dL_db, dL_dc])
by_backward = np.array([a_t.grad, b_t.grad, c_t.grad])
print("by hand:       ", by_hand)
print("by backward(): ", by_backward)
print("identical:", np.array_equal(by_hand, by_backward))
print("u.grad:", u_t.grad, " v.grad:", v_t.grad)
assert np.array_equal(by_hand, by_backward), "backward() should give the hand-computed gradients"
assert u_t.grad is None and v_t.grad is None, "intermediate tensors should keep no gradient"

# %% [markdown]
# Below is that graph, with the op names read from the reprs above. Data flows left to
# right (black: each node's value); `backward()` sends gradients right to left (red: dL/d
# of that node, from our hand computation, since minigrad keeps only the leaves'). At
# every op, the gradient leaving to the left is the gradient arriving from the right
# times the op's local derivative.


# %%
def op_name(tensor):
    """The op that made a tensor, read from its repr: 'mul' from 'tensor(-6., grad_fn=<mul>)'."""
    found = re.search(r"grad_fn=<(\w+)>", repr(tensor))
    return found.group(1) if found else "leaf"


def draw_graph(ax):
    # tensor name: (x, y, value, gradient); the op nodes sit between the tensors they connect
    tensors = {
        "a": (0.0, 2.0, a, dL_da),
        "b": (0.0, 1.0, b, dL_db),
        "c": (2.0, 0.0, c, dL_dc),
        "u": (2.0, 1.5, u, dL_du),
        "v": (4.0, 0.75, v, dL_dv),
        "L": (6.0, 0.75, L, dL_dL),
    }
    ops = {  # op node: (x, y, inputs, output)
        op_name(u_t): (1.0, 1.5, ["a", "b"], "u"),
        op_name(v_t): (3.0, 0.75, ["u", "c"], "v"),
        op_name(L_t): (5.0, 0.75, ["v"], "L"),
    }
    arrow = {"arrowstyle": "-|>", "color": "0.45", "shrinkA": 16, "shrinkB": 16}
    centred = {"ha": "center", "va": "center"}
    for op, (x, y, inputs, output) in ops.items():
        for name in inputs:
            ax.annotate("", (x, y), tensors[name][:2], arrowprops=arrow)
        ax.annotate("", tensors[output][:2], (x, y), arrowprops=arrow)
        ax.text(x, y, op, fontsize=9, bbox={"boxstyle": "circle,pad=0.3", "fc": "#fff3c4", "ec": "0.3"}, **centred)
    for name, (x, y, value, grad) in tensors.items():
        box = {"boxstyle": "round,pad=0.35", "fc": "white", "ec": "0.2"}
        ax.text(x, y, f"{name} = {value:g}", fontsize=10, bbox=box, **centred)
        ax.text(x, y - 0.32, f"dL/d{name} = {grad:g}", fontsize=8.5, color="#c0392b", **centred)
    ax.set_xlim(-0.7, 6.7)
    ax.set_ylim(-0.6, 2.4)
    ax.axis("off")
    ax.set_title("L = (a*b + c)**2: values forward (black), gradients backward (red)", fontsize=10)


fig = Figure(figsize=(7.5, 3.0), layout="constrained")
draw_graph(fig.add_subplot())
plot.show(fig, "01_graph", dpi=DPI)

# %% [markdown]
# ### A variable used twice
#
# When a tensor feeds two ops, it gets a gradient from each, and the chain rule says to
# add them. For f = x·x + x, the `mul` sends back x + x (one x per input slot) and the
# `add` sends back 1, so df/dx = 2x + 1.

# %%
x = mg.Tensor(3.0, requires_grad=True)
f = x * x + x
f.backward()
print(f"df/dx from backward(): {x.grad}, from 2x + 1: {2 * 3.0 + 1}")
assert x.grad == 2 * 3.0 + 1, "a tensor used twice should get the sum of both gradients"

# %% [markdown]
# ## 3. Gradients accumulate
#
# `backward()` *adds* into `.grad`, it does not overwrite it. Run the same backward
# pass a second time and every gradient doubles:

# %%
L_t.backward()
print("after two backward() calls:", np.array([a_t.grad, b_t.grad, c_t.grad]))
print("twice the first:           ", 2 * by_hand)
assert np.array_equal([a_t.grad, b_t.grad, c_t.grad], 2 * by_hand), "a second backward() should double .grad"

# %% [markdown]
# Adding is the right thing when one tensor really does contribute through several paths
# (as `x` did above), or when you want the gradient of a sum of losses computed in pieces.
# But in a training loop each step needs the gradient of *this* batch's loss only, so the
# old gradients must be forgotten first. That is what `optimizer.zero_grad()` (or
# `model.zero_grad()`) does: it sets every `.grad` back to `None`, and the next backward
# starts from nothing.

# %%
optimizer = optim.SGD([a_t, b_t, c_t], lr=0.1)
optimizer.zero_grad()
print("after zero_grad():", a_t.grad, b_t.grad, c_t.grad)
L_t.backward()
print("one fresh backward():", np.array([a_t.grad, b_t.grad, c_t.grad]))
assert np.array_equal([a_t.grad, b_t.grad, c_t.grad], by_hand), "after zero_grad(), backward() starts afresh"

# %% [markdown]
# ## 4. Broadcasting on the way back
#
# A layer adds one bias vector to every row of a batch: `X + bias` with `X` of shape
# (4, 3) and `bias` of shape (3,). numpy *broadcasts* the bias, as if it were copied into
# each of the 4 rows. On the way back each copy receives the gradient of its own row, and
# since all copies are the same tensor, the bias gets their **sum**: nudging the bias by δ
# moves all four rows by δ at once.
#
# To see it, we hand `backward()` an upstream gradient `G` of the output's shape (as if
# some loss further on had produced it).

# %%
rng = np.random.default_rng(0)
X = mg.Tensor(rng.normal(size=(4, 3)))  # float64 data, no gradient needed
bias = mg.Tensor(np.zeros(3), requires_grad=True)
out = X + bias
G = rng.normal(size=(4, 3))  # stands for dLoss/dout
out.backward(G)
print("G (one row per sample):\n", G)
print("bias.grad:      ", bias.grad)
print("G.sum(axis=0):  ", G.sum(axis=0))
print("equal up to rounding:", np.allclose(bias.grad, G.sum(axis=0), rtol=0, atol=1e-12))
assert np.allclose(bias.grad, G.sum(axis=0), rtol=0, atol=1e-12), "a broadcast bias should get the sum over rows"

# %% [markdown]
# The same rule holds for any broadcast dimension: a (4, 1) column added to a (4, 3)
# matrix gets the sum over its row's 3 entries. minigrad does this in one place (an
# "un-broadcast" step after every op), so every op gets it right.

# %% [markdown]
# ## 5. Checking gradients with finite differences
#
# How do we know `backward()` is right for an op we just wrote? Go back to the definition
# of a derivative. For a small step eps,
#
#     forward difference:  (f(x + eps) - f(x)) / eps              error shrinks like eps
#     central difference:  (f(x + eps) - f(x - eps)) / (2 eps)    error shrinks like eps**2
#
# (Taylor-expand f(x ± eps): in the central difference the f'' terms cancel, which leaves
# an error of order eps² instead of eps.) For a
# function of many inputs we nudge one coordinate at a time. Here it is by hand in numpy,
# on one neuron with two inputs and a squared error:
#
#     loss = (tanh(w · x + bias) - target) ** 2

# %%
x_in = np.array([0.5, -1.5])  # one sample with two features
target = 0.3


def neuron_loss(w, bias_value):
    """w: Tensor (2,), bias_value: Tensor (). Returns the scalar loss as a Tensor, computed in w's dtype."""
    return (((w * x_in.astype(w.dtype)).sum() + bias_value).tanh() - target) ** 2


def central_differences(f, array, eps):
    """d f / d array, one coordinate at a time: f takes the array and returns a float."""
    grad = np.zeros_like(array)
    for index in np.ndindex(*array.shape):
        original = array[index]
        array[index] = original + eps
        plus = f(array)
        array[index] = original - eps
        minus = f(array)
        array[index] = original  # put it back
        grad[index] = (plus - minus) / (2 * eps)
    return grad


w0 = np.array([0.8, -0.4])  # float64: the precision a check needs (more on that below)
b0 = np.array(0.1)

w = mg.Tensor(w0.copy(), requires_grad=True)
bias_t = mg.Tensor(b0.copy(), requires_grad=True)
neuron_loss(w, bias_t).backward()

with mg.no_grad():  # finite differences only evaluate f: no graph needed
    numeric_w = central_differences(lambda arr: neuron_loss(mg.Tensor(arr), mg.Tensor(b0)).item(), w0.copy(), 1e-6)
    numeric_b = central_differences(lambda arr: neuron_loss(mg.Tensor(w0), mg.Tensor(arr)).item(), b0.copy(), 1e-6)
print("backward():            w.grad =", w.grad, " bias.grad =", bias_t.grad)
print("central differences:   dw     =", numeric_w, " dbias     =", numeric_b)
hand_check_error = max(np.abs(w.grad - numeric_w).max(), abs(bias_t.grad - numeric_b))
print(f"largest difference: {hand_check_error:.1e}")
assert hand_check_error < 1e-9, "backward() and central differences should agree to 1e-9"

# %% [markdown]
# They agree to better than 1e-9. Finite differences cost two evaluations of f per
# coordinate, far too slow for training, but perfect as an independent check.
#
# ### Your turn: a backward rule
#
# Every op in minigrad comes with a *backward rule*: given the gradient of the loss with
# respect to the op's output (`grad_out`, from the ops after it), return the gradient with
# respect to its input. For an elementwise op that is `grad_out` times the op's
# derivative, entry by entry. Take the sigmoid, s(x) = 1 / (1 + exp(-x)), whose
# derivative is s(x) · (1 - s(x)) (PyTorch's sigmoid backward computes the same from its
# output). Write `sigmoid_backward(x, grad_out)` yourself first; here is one way.

# %%
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_backward(x, grad_out):
    """dLoss/dx for out = sigmoid(x), from grad_out = dLoss/dout (same shape as x)."""
    s = sigmoid(x)
    return grad_out * s * (1 - s)


# %% [markdown]
# To check it by finite differences we need a number to differentiate. If the op's output
# is multiplied by a fixed `grad_out` and summed, the loss `sum(grad_out * sigmoid(x))`
# has exactly `grad_out` as its gradient with respect to the output, so its gradient with
# respect to `x` is what the backward rule must return. minigrad's own `sigmoid` must
# agree too.

# %%
x_op, grad_out = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
rule = sigmoid_backward(x_op, grad_out)
numeric = central_differences(lambda arr: float((grad_out * sigmoid(arr)).sum()), x_op.copy(), 1e-6)
x_t = mg.Tensor(x_op, requires_grad=True)
x_t.sigmoid().backward(grad_out)
rule_error, library_error = np.abs(rule - numeric).max(), np.abs(rule - x_t.grad).max()
print(f"your rule vs central differences: largest difference {rule_error:.1e}")
print(f"your rule vs minigrad's sigmoid:  largest difference {library_error:.1e}")
assert rule_error < 1e-8 and library_error < 1e-12, "the backward rule of sigmoid disagrees"

# %% [markdown]
# ### How small should eps be?
#
# Smaller is not always better. Two errors pull in opposite directions:
#
# - **truncation**: the formula is only exact in the limit; for the central difference the
#   error is about eps² · |f'''| / 6, so it shrinks as eps shrinks;
# - **round-off**: f(x + eps) and f(x - eps) are computed with about 16 significant digits
#   in float64 (7 in float32). Their difference loses digits as they get closer, and
#   dividing by 2 eps blows that loss up: an error of about machine-epsilon · |f| / eps.
#
# Let's measure both, for the gradient of the neuron's loss with respect to w[0], over a
# range of eps, at several random (w, bias), in float64 and float32. `backward()` in
# float64 serves as the exact answer.

# %%
eps_grid = np.logspace(-13, 0, 13 * EPS_PER_DECADE + 1)


def finite_difference(w_value, b_value, eps, dtype, central):
    """Forward or central difference of the neuron's loss in w[0], evaluated in ``dtype``."""
    step = np.array([eps, 0.0])

    def f(w_arr):
        with mg.no_grad():
            loss = neuron_loss(mg.Tensor(w_arr.astype(dtype)), mg.Tensor(np.asarray(b_value, dtype=dtype)))
        return float(loss.item())

    if central:
        return (f(w_value + step) - f(w_value - step)) / (2 * eps)
    return (f(w_value + step) - f(w_value)) / eps


def fd_errors(dtype, central, trials, seed=0):
    """Median over random points of |finite difference - backward()|, for every eps in eps_grid."""
    points = np.random.default_rng(seed).normal(size=(trials, 3))
    errors = []
    for w0_, w1_, b_ in points:
        w_value = np.array([w0_, w1_])
        w_exact = mg.Tensor(w_value.copy(), requires_grad=True)
        neuron_loss(w_exact, mg.Tensor(np.array(b_))).backward()
        exact = w_exact.grad[0]
        errors.append([abs(finite_difference(w_value, b_, eps, dtype, central) - exact) for eps in eps_grid])
    return np.median(errors, axis=0)


def slope(errors, lo, hi):
    """Slope of log10(error) against log10(eps), fitted over lo <= eps <= hi."""
    keep = (eps_grid >= lo) & (eps_grid <= hi)
    return np.polyfit(np.log10(eps_grid[keep]), np.log10(errors[keep]), 1)[0]


curves = {
    "central, float64": fd_errors(np.float64, True, TRIALS),
    "forward, float64": fd_errors(np.float64, False, TRIALS),
    "central, float32": fd_errors(np.float32, True, TRIALS),
}
best = {name: (eps_grid[np.argmin(err)], err.min()) for name, err in curves.items()}
for name, (eps, err) in best.items():
    print(f"{name}: smallest error {err:.1e} at eps = {eps:.0e}")

# %%
fig = Figure(figsize=(6.4, 4.2), layout="constrained")
ax = fig.add_subplot()
colors = {"central, float64": "C0", "forward, float64": "C1", "central, float32": "C3"}
for name, err in curves.items():
    ax.loglog(eps_grid, err, ".-", color=colors[name], label=name, ms=4)
    ax.plot(*best[name], "o", color=colors[name], ms=9, mfc="none")
guide = (eps_grid > 1e-3) & (eps_grid < 0.3)
ax.loglog(eps_grid[guide], 0.01 * eps_grid[guide] ** 2, "k--", lw=1)
ax.text(0.06, 3e-6, "~eps²", fontsize=9)
guide = eps_grid < 1e-9
ax.loglog(eps_grid[guide], 1e-16 / eps_grid[guide], "k:", lw=1)
ax.text(2e-12, 3e-4, "~1/eps", fontsize=9)
ax.set_xlabel("step size eps")
ax.set_ylabel("|finite difference - backward()|")
ax.set_title(f"Finite-difference error (median of {TRIALS} points)", fontsize=10)
ax.legend(fontsize=8, loc="lower left")
ax.grid(True, which="major", alpha=0.3)
plot.show(fig, "01_fd_error", dpi=DPI)

# %% [markdown]
# The V shape is the two errors meeting; a circle marks each curve's smallest error.
# Reading the slopes off the measured curves:

# %%
central64, forward64, central32 = (curves[k] for k in curves)
slopes = {"central": slope(central64, 1e-3, 1e-1), "forward": slope(forward64, 1e-3, 1e-1)}
slopes["round-off"] = slope(central64, 1e-13, 1e-8)
print(f"central, large eps (1e-3..1e-1): slope {slopes['central']:.2f}  (truncation ~ eps^2)")
print(f"forward, large eps (1e-3..1e-1): slope {slopes['forward']:.2f}  (truncation ~ eps)")
print(f"central, small eps (1e-13..1e-8): slope {slopes['round-off']:.2f}  (round-off ~ 1/eps)")
assert 1.8 < slopes["central"] < 2.2 and 0.8 < slopes["forward"] < 1.2, "truncation slopes should be 2 and 1"
assert -1.3 < slopes["round-off"] < -0.7, "the round-off slope should be about -1"
machine64, machine32 = np.finfo(np.float64).eps, np.finfo(np.float32).eps
for name, predicted, rule in [
    ("central, float64", machine64 ** (1 / 3), "cube root of float64's"),
    ("forward, float64", machine64**0.5, "square root of float64's"),
    ("central, float32", machine32 ** (1 / 3), "cube root of float32's"),
]:
    print(f"{name}: best eps {best[name][0]:.0e}; the {rule} machine epsilon is {predicted:.0e}")
    assert predicted / 10 <= best[name][0] <= predicted * 10, f"{name}: best eps not within 10x of {predicted:.0e}"
assert best["forward, float64"][1] > best["central, float64"][1], "the forward difference should be less accurate"
ratio = best["central, float32"][1] / best["central, float64"][1]
print(f"float32's best error is {ratio:.0e} times float64's")
assert ratio > 1000, "float32's best check should be over a thousand times less accurate"
at_default = central64[np.argmin(np.abs(eps_grid - 1e-6))]
print(f"central, float64, at eps = 1e-6: error {at_default:.0e}, {at_default / central64.min():.0f}x the minimum")
assert at_default < 30 * central64.min(), "eps = 1e-6 should be within 30x of the best error"
spacing = np.spacing(np.float32(w0[0]))
print(f"spacing of float32 numbers near w[0] = {w0[0]}: {spacing:.1e}")
tiny = eps_grid[eps_grid < 1e-8]
zero_differences = all(finite_difference(w0, b0, eps, np.float32, True) == 0.0 for eps in tiny)
print(f"float32 at w = {w0}: every eps below 1e-8 gives a difference of exactly 0: {zero_differences}")
assert 5e-8 < spacing < 7e-8 and zero_differences, "float32 should round w + eps back to w for eps < 1e-8"

# %% [markdown]
# What the curves say:
#
# - On the right, truncation wins: the central difference's error falls with slope about
#   2 (like eps²), the forward difference's with slope about 1 (like eps).
# - On the left, round-off wins: the error *grows* as eps shrinks, with slope about -1.
# - The best eps sits where the two meet. Balancing eps² against machine-epsilon / eps puts
#   it near the cube root of machine epsilon, about 6e-6 in float64, and the measured
#   minimum lands within a factor of ten of that. The forward difference's best eps is
#   near the square root of machine epsilon, about 1e-8, and its best error is larger.
# - float32 keeps only about 7 digits. Its best central difference is at a much larger eps
#   (again within a factor of ten of its own cube root of machine epsilon, 5e-3) and more
#   than a thousand times less accurate than float64's. And for tiny eps, `w + eps` rounds
#   back to `w`: float32 numbers near our w[0] = 0.8 are about 6e-8 apart, so every eps
#   below 1e-8 gives two identical evaluations, a difference of exactly 0, and an error as
#   large as the gradient itself (the flat line at the top left).
#   A gradient check in float32 would flag correct code, or let small bugs through.
#
# That is why `mg.gradcheck` copies its inputs to float64 and uses the central difference
# with eps = 1e-6 by default: there the measured error is within a factor of 30 of the
# best one, and the default tolerances (`atol=1e-5`, `rtol=1e-3`) leave a wide margin.

# %% [markdown]
# ## 6. `mg.gradcheck`
#
# `mg.gradcheck(fn, *inputs)` does all of the above for you: it runs `backward()` once,
# then nudges every coordinate of every input that requires grad, and raises an
# `AssertionError` naming the input and the index if any gradient disagrees. (PyTorch's
# `torch.autograd.gradcheck` has the same defaults and also wants float64 inputs.) Here it
# checks a small layer with a bias broadcast over a batch of 5 samples:

# %%
X_batch = rng.normal(size=(5, 3))
W = mg.Tensor(rng.normal(size=(3, 2)), requires_grad=True)
bias2 = mg.Tensor(rng.normal(size=2), requires_grad=True)
passed = mg.gradcheck(lambda W, bias: ((X_batch @ W + bias).tanh() ** 2).mean(), W, bias2)
print("gradcheck:", passed)
assert passed

# %% [markdown]
# And here is a classic bug it catches. Reading `.data` gives a plain numpy array: the
# graph cannot see through it. So `w * mg.Tensor(w.data)` computes w², but `backward()`
# only knows about one of the two factors and returns w instead of 2w.

# %%
w_bug = mg.Tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
try:
    mg.gradcheck(lambda w: (w * mg.Tensor(w.data)).sum(), w_bug)
    caught = None
except AssertionError as error:
    caught = str(error)
print(caught)
assert caught is not None and "backward() gives 1.0" in caught, "gradcheck should catch the .data bug"

# %% [markdown]
# ## What to take away
#
# - A computation is a graph of small ops; `backward()` walks it from the loss to the
#   leaves, multiplying local derivatives (the chain rule) and adding the contributions
#   that meet at a tensor used more than once.
# - `.grad` accumulates across `backward()` calls; call `zero_grad()` before each step.
# - A broadcast input receives the sum of the gradients of its copies: a bias gets the
#   sum over the batch.
# - Check gradients with central finite differences in float64, with eps near 1e-6: much
#   smaller and round-off takes over, much larger and truncation does, and float32 is not
#   precise enough for the job. `mg.gradcheck` does this and names the culprit.
#
# ## Exercises
#
# Each exercise has a checker in `exercises/autograd.py`: write your function, then call
# the checker with it (uncomment the line). It tests your function on cases of its own
# and says what it verified, or what is wrong with a hint. Worked solutions are in
# `solutions/autograd.py` (`python -m solutions.autograd` from `tutorials/` runs them
# through the checkers).
#
# 1. **The backward rule of matrix multiplication.** For `out = A @ B` (2-d arrays), write
#    `matmul_backward(A, B, grad_out)` returning `(grad_A, grad_B)`. Work it out on one
#    entry: `out[i, j] = sum_k A[i, k] * B[k, j]`. The checker compares with central
#    differences of `sum(grad_out * (A @ B))`, as we did for the sigmoid.
# 2. **Un-broadcasting.** Write `unbroadcast(grad, shape)`: the gradient of an input of
#    `shape` that numpy broadcast to `grad.shape`, as in section 4 but for any shapes
#    (a (4, 1) column, a scalar, a missing leading axis). The checker compares with
#    minigrad's backward.
# 3. **A more accurate finite difference.** Write `four_point_difference(f, x, eps)`, the
#    gradient of `f` at `x` by the fourth-order central difference
#    (-f(x+2eps) + 8f(x+eps) - 8f(x-eps) + f(x-2eps)) / (12 eps), per coordinate. Its
#    truncation error shrinks like eps⁴: which slope would it have on the right of the
#    plot above, and where would its minimum move?

# %%
from exercises.autograd import check_four_point_difference, check_matmul_backward, check_unbroadcast

# check_matmul_backward(matmul_backward)  # 1. def matmul_backward(A, B, grad_out): ... return grad_A, grad_B
# check_unbroadcast(unbroadcast)  # 2. def unbroadcast(grad, shape): ... return an array of that shape
# check_four_point_difference(four_point_difference)  # 3. def four_point_difference(f, x, eps): ...

"""Functions behind the layers and losses.

Most are built from the engine's ops. The ones below with their own backward are single
ops because one node is faster than several and, for the losses, because the fused
gradient is exact where a composition has kinks or loses precision: ``linear``
(x W^T + b), the losses ``mse_loss``, ``l1_loss``, ``cross_entropy`` (softmax - one-hot),
``binary_cross_entropy_with_logits`` (sigmoid(x) - y) and ``binary_cross_entropy``
(PyTorch's clamped form).

Every loss takes ``input`` (a Tensor), ``target`` (a Tensor or an ndarray) and
``reduction``: ``'mean'`` (the default; a 0-d Tensor), ``'sum'`` (a 0-d Tensor) or
``'none'`` (one loss per element, or per row for the class losses). As in PyTorch, a
floating-point target Tensor that requires grad gets its gradient too, wherever PyTorch
computes one (mse_loss, l1_loss, binary_cross_entropy, binary_cross_entropy_with_logits);
class targets are integers and cannot require grad. The result has the input's dtype.

Each formula is written so that it keeps full float64 precision at extreme inputs (log1p,
expm1, no cancellation between large terms); where PyTorch's own formula loses precision
the docstring says so and this one gives the exact value.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_alias, check_bool, check_choice, check_number, check_probability
from ..rng import as_generator
from ..tensor import Tensor, _node, get_default_dtype

__all__ = [
    "relu",
    "tanh",
    "sigmoid",
    "leaky_relu",
    "softmax",
    "log_softmax",
    "linear",
    "dropout",
    "mse_loss",
    "l1_loss",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]

REDUCTIONS = ("mean", "sum", "none")

# PyTorch clamps the denominator of binary_cross_entropy's gradient at EPSILON, a C++
# float constant 1e-12, i.e. 9.999999960041972e-13 once widened to double.
_BCE_EPSILON = float(np.float32(1e-12))


# --------------------------------------------------------------------- activations
def relu(x: Tensor) -> Tensor:
    return x.relu()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def sigmoid(x: Tensor) -> Tensor:
    return x.sigmoid()


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, negative_slope * x elsewhere (``torch.nn.functional.leaky_relu``).
    ``negative_slope`` is a finite number (TypeError / ValueError otherwise)."""
    return x.leaky_relu(check_number("negative_slope", negative_slope))


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    return x.softmax(axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    return x.log_softmax(axis)


# --------------------------------------------------------------------- layers
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` as one op (``torch.nn.functional.linear``).

    ``input`` is (..., in_features), ``weight`` (out_features, in_features), ``bias``
    (out_features,) or None; the result is (..., out_features) in the weight's dtype.
    A wrong number of input features raises ValueError naming both numbers.
    """
    input = _as_tensor(input)
    x, w = input.data, weight.data
    n_out, n_in = w.shape
    if x.ndim == 0 or x.shape[-1] != n_in:
        raise ValueError(
            f"Linear(in_features={n_in}, out_features={n_out}) got an input with "
            f"{x.shape[-1] if x.ndim else 'no'} features (shape {x.shape}); its last dimension must be {n_in}"
        )
    if x.dtype is not w.dtype:  # a float32 layer computes in float32 whatever it is fed
        x = x.astype(w.dtype)
    out = x @ w.T
    if bias is not None:
        out += bias.data

    def backward(g):
        rows_g, rows_x = g.reshape(-1, n_out), x.reshape(-1, n_in)
        grads = (
            g @ w if input.requires_grad else None,
            rows_g.T @ rows_x if weight.requires_grad else None,
        )
        if bias is not None:
            grads += (rows_g.sum(axis=0) if bias.requires_grad else None,)
        return grads

    parents = (input, weight) if bias is None else (input, weight, bias)
    return _node(out, parents, backward, "linear")


def dropout(x: Tensor, p: float = 0.5, training: bool = True, rng=None, *, generator=None) -> Tensor:
    """Inverted dropout (``torch.nn.functional.dropout``): zero each entry with probability
    ``p`` and scale the rest by 1/(1-p), so the expected value is unchanged and evaluation
    needs no rescaling. ``p`` is a number in [0, 1]: 0 (or ``training=False``) returns
    ``x`` itself, 1 returns zeros. Same shape and dtype as ``x``; the gradient flows
    through the kept entries, scaled by 1/(1-p). A ``p`` that is not a number raises
    TypeError, one outside [0, 1] ValueError; ``training`` must be a bool. The mask comes
    from ``generator`` (an ``mg.Generator``, a numpy Generator or a seed; ``rng`` is its
    older name, give one or the other), by default from minigrad's generator."""
    p = check_probability("p", p)
    if not check_bool("training", training) or p == 0:
        return x
    if p == 1:
        return x * 0.0
    if rng is not None:
        generator = check_alias("generator", generator, "rng", rng)
    keep = as_generator(generator, "generator").random(x.shape) >= p
    return x * (keep.astype(x.dtype) * (1.0 / (1.0 - p)))


# --------------------------------------------------------------------- losses
def mse_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """(input - target)^2, averaged, summed or kept per element (``F.mse_loss``).

    ``input`` and ``target`` have the same shape (no broadcasting: a mismatch is a
    ValueError). Gradients: 2 (input - target) for the input, its negative for a target
    that requires grad, divided by the number of elements for 'mean'.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    input = _as_tensor(input)
    x, t, parents = _same_shape_target(input, target, "mse_loss")
    diff = x - t
    norm = 2.0 / diff.size if reduction == "mean" else 2.0

    def backward(g):
        # PyTorch's mse_loss_backward: (input - target) * norm * grad
        return _input_and_target_grads(parents, diff * norm * g)

    return _node(_reduce_array(diff * diff, reduction), parents, backward, "mse_loss")


def l1_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """|input - target|, averaged, summed or kept per element (``F.l1_loss``).

    Same shapes as ``mse_loss``. Gradients: sign(input - target) for the input, its
    negative for a target that requires grad (0 where they are equal, as in PyTorch),
    divided by the number of elements for 'mean'.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    input = _as_tensor(input)
    x, t, parents = _same_shape_target(input, target, "l1_loss")
    diff = x - t

    def backward(g):
        return _input_and_target_grads(parents, _scaled(np.sign(diff), g, reduction, diff.size))

    return _node(_reduce_array(np.abs(diff), reduction), parents, backward, "l1_loss")


def nll_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood -input[i, target[i]] (``F.nll_loss``).

    ``input``: log-probabilities (N, C), floating point. ``target``: integer classes (N,)
    in [0, C), an ndarray or an integer Tensor (never differentiable; a float target is a
    TypeError, a class out of range a ValueError). 'none' gives one loss per row (N,).
    """
    check_choice("reduction", reduction, REDUCTIONS)
    input = _as_tensor(input)
    labels = _class_targets(input, target, "nll_loss")
    return _reduce(-input[np.arange(len(labels)), labels], reduction)


def cross_entropy(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """-log softmax(input)[target] for raw logits (N, C) and integer classes (N,)
    (``F.cross_entropy`` with class-index targets; targets as in ``nll_loss``).

    Finite for logits of any size. With m the row's largest logit and r the sum of
    exp(x_j - m) over the other entries, log-sum-exp is m + log1p(r), so a confident
    correct prediction gets its true loss (logits [0, -40], class 0: 4.25e-18, where
    PyTorch's log(1 + r) rounds to 0). The gradient with respect to the logits is
    softmax(input) - one_hot(target), with the target entry computed as
    expm1(log_softmax) (-4.25e-18 there, not 0).
    """
    check_choice("reduction", reduction, REDUCTIONS)
    input = _as_tensor(input)
    labels = _class_targets(input, target, "cross_entropy")
    a = input.data
    n = len(labels)
    rows = np.arange(n)
    top = a.argmax(axis=1)  # each row's largest logit (the first if several tie)
    shifted = a - a[rows, top][:, None]  # finite for any finite logits; 0 at the max
    others = np.exp(shifted)
    others[rows, top] = 0.0  # exp(0) = 1 is the "1" of log1p
    log_p = shifted - np.log1p(others.sum(axis=1, keepdims=True))
    losses = -log_p[rows, labels]

    def backward(g):
        grad = np.exp(log_p)
        grad[rows, labels] = np.expm1(-losses)  # p - 1 without cancellation
        # PyTorch's order: nll_loss's backward hands on g / n (mean) or g, then log_softmax's
        # backward multiplies the probabilities by it
        return (grad * (g[:, None] if reduction == "none" else g / n if reduction == "mean" else g),)

    return _node(_reduce_array(losses, reduction), (input,), backward, "cross_entropy")


def binary_cross_entropy_with_logits(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))] for raw scores x and targets y
    of the same shape (``F.binary_cross_entropy_with_logits``; y is usually in [0, 1] but
    is not checked, as in PyTorch).

    Computed as (1 - y) max(x, 0) + y max(-x, 0) + log1p(exp(-|x|)): for y in [0, 1]
    every term is >= 0, so nothing cancels and each loss has full relative precision for
    any x (PyTorch's (1 - y) x - log_sigmoid(x) cancels for x << 0 and small y: at
    x = -40, y = 1e-10 it is 8e-8 off in relative terms).
    Gradients: sigmoid(x) - y for the input, written as (1 - y) - sigmoid(-x) for x >= 0
    so that it stays exact where sigmoid(x) rounds to 1; -x for a target that requires
    grad; divided by the number of elements for 'mean'.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    input = _as_tensor(input)
    x, y, parents = _same_shape_target(input, target, "binary_cross_entropy_with_logits")
    e = np.exp(-np.abs(x))  # never overflows
    positive = x >= 0
    losses = (1 - y) * np.maximum(x, 0) + y * np.maximum(-x, 0) + np.log1p(e)

    def backward(g):
        sigmoid_of_minus_abs = e / (1 + e)  # sigmoid(-|x|), exact in both tails
        # x >= 0: sigmoid(x) - y = (1 - y) - sigmoid(-x);  x < 0: sigmoid(x) - y
        difference = np.where(positive, (1 - y) - sigmoid_of_minus_abs, sigmoid_of_minus_abs - y)
        grad_input = _scaled(difference, g, reduction, x.size) if input.requires_grad else None
        if len(parents) == 1:
            return (grad_input,)
        return grad_input, _scaled(-x, g, reduction, x.size)

    return _node(_reduce_array(losses, reduction), parents, backward, "binary_cross_entropy_with_logits")


def binary_cross_entropy(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """-[y log p + (1 - y) log(1 - p)] for probabilities p and targets y, both in [0, 1]
    and of the same shape (``F.binary_cross_entropy``); a value outside [0, 1] or nan in
    either raises ValueError, as PyTorch refuses it.

    As in PyTorch, log(1 - p) is computed as log1p(-p) (exact for tiny p: p = 1e-17 with
    y = 0 gives 1e-17, not 0) and each log is clamped at -100, so p = 0 or 1 gives a large
    but finite loss. Gradients, as PyTorch computes them:
      input:  (p - y) / max(p (1 - p), eps), eps = 1e-12 as a float32 (9.99999996e-13);
      target: -logit(p) = -log(p / (1 - p)), NOT clamped: +-inf at p = 0 or 1, and not
              the slope of the clamped loss where p < exp(-100) = 3.7e-44;
    each divided by the number of elements for 'mean'.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    input = _as_tensor(input)
    p, y, parents = _same_shape_target(input, target, "binary_cross_entropy")
    _check_probabilities(p, "inputs", "; apply sigmoid first, or use binary_cross_entropy_with_logits on raw scores")
    _check_probabilities(y, "targets", "")
    with np.errstate(divide="ignore"):  # log(0) = -inf is expected; the clamp handles it
        log_p = np.maximum(np.log(p), -100.0)
        log_1mp = np.maximum(np.log1p(-p), -100.0)
    losses = (y - 1) * log_1mp - y * log_p  # PyTorch's order of operations

    def backward(g):
        grad_input = None
        if input.requires_grad:
            grad_input = _scaled(p - y, g, reduction, p.size, divisor=np.maximum((1 - p) * p, _BCE_EPSILON))
        if len(parents) == 1:
            return (grad_input,)
        with np.errstate(divide="ignore"):  # logit(0) = -inf and logit(1) = inf, as in PyTorch
            return grad_input, _scaled(-np.log(p / (1 - p)), g, reduction, p.size)

    return _node(_reduce_array(losses, reduction), parents, backward, "binary_cross_entropy")


# --------------------------------------------------------------------- shared checks and reductions
def _as_tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _reduce_array(losses: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return losses.sum() / losses.size
    if reduction == "sum":
        return losses.sum()
    return losses


def _scaled(grad, g, reduction: str, count: int, divisor=None):
    """An elementwise loss gradient times the incoming gradient ``g``, in PyTorch's order:
    (grad * g) [/ divisor] [/ count for 'mean']."""
    out = grad * g
    if divisor is not None:
        out = out / divisor
    return out / count if reduction == "mean" else out


def _input_and_target_grads(parents: tuple, grad):
    """For a loss of input - target: d loss / d input is ``grad``, d loss / d target -grad."""
    grad_input = grad if parents[0].requires_grad else None
    return (grad_input,) if len(parents) == 1 else (grad_input, -grad)


def _same_shape_target(input: Tensor, target, fn: str) -> tuple[np.ndarray, np.ndarray, tuple]:
    """The input's and the target's arrays in the dtype the loss is computed in, the
    target checked to have the input's shape (no silent broadcasting), and the op's
    parents: (input, target) if the target is a Tensor that requires grad, so that it
    receives its gradient, else (input,).

    A floating-point input keeps its dtype whatever the target's (a float32 model stays
    float32); integer or bool input is promoted as PyTorch would, to the target's float
    dtype or else the default one, instead of wrapping around in integer arithmetic."""
    wants_grad = isinstance(target, Tensor) and target.requires_grad
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: the target must hold numbers, got dtype {t.dtype}")
    if t.shape != input.shape:
        hint = " (reshape one of them, e.g. target.reshape(-1, 1))" if t.size == input.data.size else ""
        raise ValueError(f"{fn}: input shape {input.shape} and target shape {t.shape} differ{hint}")
    x = input.data
    if x.dtype.kind != "f":
        x = x.astype(t.dtype if t.dtype.kind == "f" else get_default_dtype())
    return x, t.astype(x.dtype, copy=False), ((input, target) if wants_grad else (input,))


def _check_probabilities(values: np.ndarray, what: str, hint: str) -> None:
    inside = (values >= 0) & (values <= 1)  # False for nan
    if not inside.all():
        bad = values[~inside].flat[0]
        raise ValueError(f"binary_cross_entropy: {what} must be probabilities in [0, 1], found {bad}{hint}")


def _class_targets(input: Tensor, target, fn: str) -> np.ndarray:
    """Integer class labels (N,) for scores (N, C), checked against N and C."""
    if input.ndim != 2:
        raise ValueError(f"{fn}: expects scores of shape (batch, classes), got shape {input.shape}")
    n, classes = input.shape
    labels = np.asarray(target.data if isinstance(target, Tensor) else target)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{fn}: targets must be integer class indices, got dtype {labels.dtype} (use y.astype(int))")
    if labels.shape != (n,):
        raise ValueError(f"{fn}: {n} rows of scores need {n} targets of shape ({n},), got shape {labels.shape}")
    if n and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)][0]
        raise ValueError(f"{fn}: target class {bad} is out of range for {classes} classes (0 to {classes - 1})")
    return labels

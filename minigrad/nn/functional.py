"""Functions behind the layers and losses.

Most are built from the engine's ops. Four are single ops with their own backward,
because one node is faster than several and, for the losses, because the fused
gradient is exact where a composition has kinks: ``linear`` (x W^T + b),
``cross_entropy`` (softmax - one-hot), ``binary_cross_entropy_with_logits``
(sigmoid(x) - y) and ``binary_cross_entropy`` (PyTorch's clamped form).
"""

from __future__ import annotations

import numpy as np

from ..rng import as_generator
from ..tensor import Tensor, _node

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


# --------------------------------------------------------------------- activations
def relu(x: Tensor) -> Tensor:
    return x.relu()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def sigmoid(x: Tensor) -> Tensor:
    return x.sigmoid()


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    return x.leaky_relu(negative_slope)


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    return x.softmax(axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    return x.log_softmax(axis)


# --------------------------------------------------------------------- layers
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` as one op; ``weight`` is shaped (out_features, in_features)."""
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


def dropout(x: Tensor, p: float = 0.5, training: bool = True, rng=None) -> Tensor:
    """Inverted dropout: zero each entry with probability p and scale the rest by 1/(1-p),
    so the expected value is unchanged and evaluation needs no rescaling."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    keep = as_generator(rng).random(x.shape) >= p
    return x * (keep.astype(x.dtype) * (1.0 / (1.0 - p)))


# --------------------------------------------------------------------- losses
def mse_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """mean or sum of (input - target)^2."""
    _check_reduction(reduction)
    t = _same_shape_target(input, target, "mse_loss")
    return _reduce((input - t) ** 2, reduction)


def l1_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """mean or sum of |input - target|."""
    _check_reduction(reduction)
    t = _same_shape_target(input, target, "l1_loss")
    return _reduce((input - t).abs(), reduction)


def nll_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of the target classes, from log-probabilities (N, C)."""
    _check_reduction(reduction)
    labels = _class_targets(input, target, "nll_loss")
    return _reduce(-input[np.arange(len(labels)), labels], reduction)


def cross_entropy(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """-log softmax(input)[target] for raw logits (N, C) and integer classes (N,).

    Its gradient with respect to the logits is softmax(input) - one_hot(target).
    """
    _check_reduction(reduction)
    labels = _class_targets(input, target, "cross_entropy")
    a = input.data
    rows = np.arange(len(labels))
    shifted = a - a.max(axis=1, keepdims=True)  # finite for any logits
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    losses = -log_p[rows, labels]

    def backward(g):
        grad = np.exp(log_p)
        grad[rows, labels] -= 1
        upstream = _upstream(g, reduction, len(labels))
        return (grad * (upstream[:, None] if reduction == "none" else upstream),)

    return _node(_reduce_array(losses, reduction), (input,), backward, "cross_entropy")


def binary_cross_entropy_with_logits(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))], computed as
    max(x, 0) - x y + log(1 + exp(-|x|)), which is finite for any logit x."""
    _check_reduction(reduction)
    x = input.data
    y = _same_shape_target(input, target, "binary_cross_entropy_with_logits")
    losses = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))

    def backward(g):
        e = np.exp(-np.abs(x))
        probability = np.where(x >= 0, 1, e) / (1 + e)
        return ((probability - y) * _upstream(g, reduction, x.size),)

    return _node(_reduce_array(losses, reduction), (input,), backward, "binary_cross_entropy_with_logits")


def binary_cross_entropy(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """-[y log p + (1 - y) log(1 - p)] for probabilities p in [0, 1]. As in PyTorch, each
    log is clamped at -100 and the gradient's denominator p(1 - p) at 1e-12, so that
    p = 0 or 1 gives a large but finite loss and gradient."""
    _check_reduction(reduction)
    p = input.data
    y = _same_shape_target(input, target, "binary_cross_entropy")
    if p.size and (np.nanmin(p) < 0 or np.nanmax(p) > 1 or np.isnan(p).any()):
        bad = p[(p < 0) | (p > 1) | np.isnan(p)].flat[0]
        raise ValueError(
            f"binary_cross_entropy: inputs must be probabilities in [0, 1], found {bad}; "
            "apply sigmoid first, or use binary_cross_entropy_with_logits on raw scores"
        )
    with np.errstate(divide="ignore"):  # log(0) = -inf is expected; the clamp handles it
        losses = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))

    def backward(g):
        return ((p - y) / np.maximum(p * (1 - p), 1e-12) * _upstream(g, reduction, p.size),)

    return _node(_reduce_array(losses, reduction), (input,), backward, "binary_cross_entropy")


# --------------------------------------------------------------------- shared checks and reductions
def _as_tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}; got {reduction!r}")


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


def _upstream(g, reduction: str, count: int):
    """d(reduced loss) / d(each element's loss) times the incoming gradient g."""
    return g / count if reduction == "mean" else g


def _same_shape_target(input: Tensor, target, fn: str) -> np.ndarray:
    """The target as an array of the input's dtype and shape (no silent broadcasting)."""
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    if t.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: the target must hold numbers, got dtype {t.dtype}")
    if t.shape != input.shape:
        hint = " (reshape one of them, e.g. target.reshape(-1, 1))" if t.size == input.data.size else ""
        raise ValueError(f"{fn}: input shape {input.shape} and target shape {t.shape} differ{hint}")
    return t.astype(input.dtype, copy=False)


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

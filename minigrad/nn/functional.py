"""Functions behind the layers and losses.

Most are built from the engine's ops. The ones below with their own backward are single
ops because one node is faster than several and, for the losses and activations, because
the fused gradient is exact where a composition has kinks or loses precision: the
activations ``gelu``, ``elu``, ``softplus``, ``silu``; ``linear`` (x W^T + b) and
``embedding`` (rows picked by index); the losses ``mse_loss``, ``l1_loss``, ``nll_loss``,
``cross_entropy`` (softmax - one-hot), ``binary_cross_entropy_with_logits``
(sigmoid(x) - y) and ``binary_cross_entropy`` (PyTorch's clamped form).

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

import math

import numpy as np

from ..checks import (
    check_alias,
    check_bool,
    check_choice,
    check_int,
    check_non_negative,
    check_number,
    check_positive,
    check_probability,
    check_range,
    shown,
)
from ..rng import as_generator
from ..tensor import Tensor, _floating, _matmul_2d, _node, get_default_dtype

__all__ = [
    "relu",
    "tanh",
    "sigmoid",
    "leaky_relu",
    "softmax",
    "log_softmax",
    "gelu",
    "elu",
    "softplus",
    "silu",
    "linear",
    "embedding",
    "one_hot",
    "dropout",
    "mse_loss",
    "l1_loss",
    "huber_loss",
    "smooth_l1_loss",
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
def relu(input: Tensor) -> Tensor:
    """max(input, 0) elementwise (``F.relu``); same shape and dtype, integers become float.
    Like every function here, it takes an ndarray (or list) too, as a Tensor."""
    return _as_tensor(input).relu()


def tanh(input: Tensor) -> Tensor:
    """tanh elementwise (``F.tanh``); same shape, integers become the default float dtype."""
    return _as_tensor(input).tanh()


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-input)) elementwise (``F.sigmoid``), exact for any input."""
    return _as_tensor(input).sigmoid()


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, negative_slope * x elsewhere (``torch.nn.functional.leaky_relu``).
    ``negative_slope`` is a finite number (TypeError / ValueError otherwise)."""
    return _as_tensor(input).leaky_relu(check_number("negative_slope", negative_slope))


def softmax(input: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (``torch.nn.functional.softmax``); ``axis`` is the
    same argument by numpy's name (both: TypeError). Neither means the last axis (PyTorch
    would guess an axis from the number of dimensions, with a warning). Same shape as
    ``input``; integers become the default float dtype."""
    return _as_tensor(input).softmax(check_alias("dim", dim, "axis", axis, default=-1))


def log_softmax(input: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """log(softmax(x)) along ``dim`` (or ``axis``; default the last), computed stably
    (``torch.nn.functional.log_softmax``)."""
    return _as_tensor(input).log_softmax(check_alias("dim", dim, "axis", axis, default=-1))


# sqrt(1/2) and 1/sqrt(2 pi) as PyTorch writes them (M_SQRT1_2, M_2_SQRTPI * M_SQRT1_2 * 0.5),
# so the same constants round the same way
_SQRT1_2 = 0.70710678118654752440
_INV_SQRT_2PI = 1.12837916709551257390 * _SQRT1_2 * 0.5
_TANH_BETA = 1.41421356237309504880 * 1.12837916709551257390 * 0.5  # sqrt(2 / pi)
_TANH_KAPPA = 0.044715


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal CDF (Hendrycks & Gimpel, 2016;
    ``torch.nn.functional.gelu``). Same shape and dtype as ``input`` (integers become the
    default float dtype); ``approximate`` other than 'none' or 'tanh' is a ValueError.

    'none' (exact): Phi(x) = erfc(-x / sqrt(2)) / 2 and the gradient Phi(x) + x phi(x),
    phi(x) = exp(-x^2 / 2) / sqrt(2 pi). numpy has no erf, so each element goes through
    Python's ``math.erfc`` (exact to the last bit or two, about 0.1 us per element: a few times
    slower than tanh). PyTorch writes Phi as (1 + erf(x / sqrt(2))) / 2, which cancels to 0 for
    x < -8.3: there it gives gelu(x) = -0 and the gradient x phi(x) alone, where this gives the
    tiny true values (gelu(-10) = -7.6e-23).

    'tanh': Phi(x) ~ (1 + tanh(u)) / 2 with u = sqrt(2 / pi) (x + 0.044715 x^3), PyTorch's
    constants, computed as sigmoid(2u) (the same number, without the cancellation of 1 + tanh(u)
    for x << 0). Where x^3 overflows (|x| > 5e102 in float64, 7e12 in float32) the gradient
    is 1 or 0, where PyTorch's formula gives nan.
    """
    approximate = check_choice("approximate", approximate, ("none", "tanh"))
    input = _as_tensor(input)
    a = _floating(input.data)
    if approximate == "none":
        x = a.astype(np.float64, copy=False)  # a float32 input is computed in float64, rounded once
        cdf = 0.5 * np.fromiter(map(math.erfc, (x * -_SQRT1_2).ravel().tolist()), np.float64, x.size).reshape(x.shape)
        out = (x * cdf).astype(a.dtype, copy=False)

        def backward(g):
            with np.errstate(over="ignore"):  # x^2 = inf for |x| > 1e154: the density is 0 there
                pdf = np.exp(-0.5 * (x * x)) * _INV_SQRT_2PI
            return ((g * (cdf + x * pdf)).astype(a.dtype, copy=False),)

        return _node(out, (input,), backward, "gelu")

    with np.errstate(over="ignore"):  # x^3 = inf makes u = +-inf: the tails, handled exactly
        u = _TANH_BETA * (a + _TANH_KAPPA * (a * a * a))
        e = np.exp(-2 * np.abs(u))
        s = np.where(u >= 0, 1, e) / (1 + e)  # sigmoid(2u) = (1 + tanh(u)) / 2, exact in both tails
    out = a * s

    def backward(g):
        # d/dx x sigmoid(2u) = s + x * 2 s (1 - s) du/dx, with s (1 - s) = e / (1 + e)^2; where e
        # is 0 that term is 0, even if x du/dx overflowed
        with np.errstate(over="ignore", invalid="ignore"):
            slope = a * (2 * e / ((1 + e) * (1 + e))) * (_TANH_BETA * (1 + 3 * _TANH_KAPPA * (a * a)))
        return (g * (s + np.where(e > 0, slope, 0)),)

    return _node(out, (input,), backward, "gelu")


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """x where x > 0, alpha (exp(x) - 1) elsewhere (Clevert et al., 2015;
    ``torch.nn.functional.elu``), with expm1 for exp(x) - 1 as PyTorch. Gradient 1 where
    x > 0, alpha exp(x) elsewhere (alpha at x = 0, PyTorch's choice). ``alpha`` is a finite
    number (TypeError / ValueError otherwise). Same shape and dtype as ``input``."""
    alpha = check_number("alpha", alpha)
    input = _as_tensor(input)
    a = _floating(input.data)
    positive = a > 0
    negative_part = np.minimum(a, 0)  # exp of the positive entries is never needed, and could overflow
    out = np.where(positive, a, alpha * np.expm1(negative_part))

    def backward(g):
        return (np.where(positive, g, g * (alpha * np.exp(negative_part))),)

    return _node(out, (input,), backward, "elu")


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold
    (``torch.nn.functional.softplus``): a smooth relu. Gradient sigmoid(beta x), 1 above the
    threshold. ``beta`` is a finite non-zero number, ``threshold`` a finite number
    (TypeError / ValueError otherwise). Same shape and dtype as ``input``.

    log(1 + exp(y)) is computed as max(y, 0) + log1p(exp(-|y|)), which cannot overflow: with a
    threshold above exp's range (e.g. threshold=1000 at x = 1000) PyTorch gives inf and a nan
    gradient, this gives x and 1.
    """
    beta, threshold = _softplus_arguments(beta, threshold)
    input = _as_tensor(input)
    a = _floating(input.data)
    y = a * beta
    linear = y > threshold
    e = np.exp(-np.abs(y))
    out = np.where(linear, a, (np.maximum(y, 0) + np.log1p(e)) / beta)

    def backward(g):
        sigmoid_y = np.where(y >= 0, 1, e) / (1 + e)
        return (np.where(linear, g, g * sigmoid_y),)

    return _node(out, (input,), backward, "softplus")


def _softplus_arguments(beta, threshold) -> tuple[float, float]:
    beta, threshold = check_number("beta", beta), check_number("threshold", threshold)
    if beta == 0:
        raise ValueError("beta must be non-zero: softplus divides by it")
    return beta, threshold


def silu(input: Tensor) -> Tensor:
    """x * sigmoid(x), also called swish (``torch.nn.functional.silu``). Gradient
    sigmoid(x) (1 + x (1 - sigmoid(x))), PyTorch's formula. Same shape and dtype as
    ``input``."""
    input = _as_tensor(input)
    a = _floating(input.data)
    e = np.exp(-np.abs(a))
    s = np.where(a >= 0, 1, e) / (1 + e)  # sigmoid, exact in both tails
    out = a * s

    def backward(g):
        return (g * s * (1 + a * (1 - s)),)

    return _node(out, (input,), backward, "silu")


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
    out = _matmul_2d(x, w.T) if x.ndim == 2 else x @ w.T
    if bias is not None:
        out += bias.data
    rows_x = x if x.ndim == 2 else x.reshape(-1, n_in)

    def backward(g):
        rows_g = g if g.ndim == 2 else g.reshape(-1, n_out)
        grads = (
            (_matmul_2d(g, w) if g.ndim == 2 else g @ w) if input.requires_grad else None,
            _matmul_2d(rows_g.T, rows_x) if weight.requires_grad else None,
        )
        if bias is not None:  # np.add.reduce: rows_g.sum(axis=0) without numpy's Python-level wrapper
            grads += (np.add.reduce(rows_g, axis=0) if bias.requires_grad else None,)
        return grads

    parents = (input, weight) if bias is None else (input, weight, bias)
    return _node(out, parents, backward, "linear")


def embedding(input, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` picked by integer indices: ``weight[input]``
    (``torch.nn.functional.embedding``).

    ``input`` is an integer Tensor, ndarray or list of any shape (...), each entry in
    [0, num_embeddings); ``weight`` is (num_embeddings, embedding_dim); the result is
    (..., embedding_dim) in the weight's dtype. The gradient of ``weight`` is dense: each
    row gets the sum of the output gradients of every position that picked it (a repeated
    index adds up), except the row ``padding_idx`` (if given; negative counts from the end),
    which gets none. Float or bool indices raise TypeError, an index out of range IndexError
    (as PyTorch's) naming it; a ``weight`` that is not a Tensor TypeError, one that is not 2-D
    or a ``padding_idx`` out of range ValueError.
    """
    if not isinstance(weight, Tensor):
        raise TypeError(f"embedding: weight must be a Tensor, got {type(weight).__name__}")
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {weight.shape}")
    num_embeddings = weight.shape[0]
    if padding_idx is not None:
        padding_idx = _padding_index(padding_idx, num_embeddings)
    indices = _indices(input, "embedding")
    if indices.size and (indices.min() < 0 or indices.max() >= num_embeddings):
        bad = indices[(indices < 0) | (indices >= num_embeddings)][0]
        raise IndexError(
            f"embedding: index {bad} is out of range for num_embeddings={num_embeddings} "
            f"(indices must be in [0, {num_embeddings - 1}])"
        )
    w = weight.data

    def backward(g):
        grad = np.zeros(w.shape, w.dtype)
        np.add.at(grad, indices, g)  # a repeated index adds each of its gradients
        if padding_idx is not None:
            grad[padding_idx] = 0
        return (grad,)

    return _node(w[indices], (weight,), backward, "embedding")


def one_hot(tensor, num_classes: int = -1) -> Tensor:
    """Integer classes (...) -> int64 (..., num_classes), 1 at each class and 0 elsewhere
    (``torch.nn.functional.one_hot``). ``tensor`` is an integer Tensor, ndarray or list;
    ``num_classes=-1`` means one more than the largest class. Float or bool input is a
    TypeError; a negative class, a class >= num_classes, num_classes < -1, or -1 with an
    empty input (nothing to count from) is a ValueError. Use ``.float()`` or
    ``mg.Tensor(one_hot(y).data, dtype=np.float32)`` to compute with it."""
    num_classes = check_int("num_classes", num_classes, minimum=-1)
    labels = _indices(tensor, "one_hot")
    if labels.size and labels.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {labels.min()}")
    if num_classes == -1:
        if labels.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor; pass num_classes")
        num_classes = int(labels.max()) + 1
    elif labels.size and labels.max() >= num_classes:
        raise ValueError(f"one_hot: class {labels.max()} is out of range for num_classes={num_classes}")
    return Tensor(labels[..., None] == np.arange(num_classes), dtype=np.int64)


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
    x = _as_tensor(x)
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


def huber_loss(input: Tensor, target, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Squared error near the target, absolute error beyond ``delta`` (``F.huber_loss``):
    with x = input - target, 0.5 x^2 where |x| < delta, else delta (|x| - 0.5 delta), so an
    outlier pulls with force delta at most. Same shapes as ``mse_loss``. Gradients: x,
    clipped to [-delta, delta], for the input (its negative for a target that requires
    grad), divided by the number of elements for 'mean'. ``delta`` is a number > 0
    (TypeError / ValueError otherwise, as PyTorch refuses delta <= 0)."""
    check_choice("reduction", reduction, REDUCTIONS)
    delta = check_positive("delta", delta)
    return _huber(input, target, reduction, delta, 1.0, "huber_loss")


def smooth_l1_loss(input: Tensor, target, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Huber's loss divided by ``beta`` (``F.smooth_l1_loss``): with x = input - target,
    0.5 x^2 / beta where |x| < beta, else |x| - 0.5 beta; beta = 0 is ``l1_loss``. Same
    shapes as ``mse_loss``. Gradients: x / beta, clipped to [-1, 1] (sign(x) for beta = 0),
    for the input (its negative for a target that requires grad), divided by the number of
    elements for 'mean'. ``beta`` is a number >= 0 (TypeError / ValueError otherwise)."""
    check_choice("reduction", reduction, REDUCTIONS)
    beta = check_non_negative("beta", beta)
    if beta == 0:  # PyTorch's own special case: the quadratic part has no width
        return l1_loss(input, target, reduction)
    return _huber(input, target, reduction, beta, beta, "smooth_l1_loss")


def _huber(input, target, reduction: str, width: float, divisor: float, fn: str) -> Tensor:
    """Huber's loss of width ``width`` divided by ``divisor`` (1 for huber_loss, beta for
    smooth_l1_loss): 0.5 x^2 / divisor where |x| < width, else slope (|x| - 0.5 width), with
    slope = width / divisor. Dividing by 1.0 and multiplying by 1.0 are exact, so each loss
    rounds as its own formula would."""
    input = _as_tensor(input)
    x, t, parents = _same_shape_target(input, target, fn)
    diff = x - t
    size = np.abs(diff)
    slope = width / divisor
    losses = np.where(size < width, 0.5 * diff * diff / divisor, slope * (size - 0.5 * width))

    def backward(g):
        clipped = np.clip(diff / divisor, -slope, slope)
        return _input_and_target_grads(parents, _scaled(clipped, g, reduction, diff.size))

    return _node(_reduce_array(losses, reduction), parents, backward, fn)


def nll_loss(
    input: Tensor, target, reduction: str = "mean", *, weight=None, ignore_index: int = -100
) -> Tensor:
    """Negative log-likelihood -weight[target[i]] input[i, target[i]] (``F.nll_loss``).

    ``input``: log-probabilities (N, C), floating point. ``target``: integer classes (N,)
    in [0, C), an ndarray or an integer Tensor (never differentiable; a float target is a
    TypeError, a class out of range a ValueError). ``weight``: one weight per class (C,)
    (a Tensor, ndarray or list; None: all 1), for classes of unequal frequency; 'mean'
    then divides by the sum of the counted targets' weights, as in PyTorch. A target equal
    to ``ignore_index`` (an int, default -100) contributes 0 and no gradient, and 'mean'
    averages over the other targets only: nan if every target is ignored, as in PyTorch.
    'none' gives one loss per row (N,). Gradient: -weight[target[i]] at each counted
    target, divided by their number (or their weights' sum) for 'mean'. A ``weight`` of
    another shape than (C,), or one that requires grad, is a ValueError (PyTorch computes
    no gradient for it either).
    """
    _check_reduction(reduction, "nll_loss")
    if type(ignore_index) is not int:
        ignore_index = check_int("ignore_index", ignore_index)
    input = _as_tensor(input)
    labels, kept = _class_targets(input, target, "nll_loss", ignore_index)
    a = input.data
    rows = np.arange(len(labels))
    losses = -a[rows, labels]
    w = _class_weights(weight, a.shape[1], a.dtype, "nll_loss")
    if w is not None:
        w = w[labels]  # each row's weight
        losses = losses * w
    if kept is not None:
        losses = np.where(kept, losses, 0)
    count = _counted(labels, kept, w)

    def backward(g):
        grad = np.zeros(a.shape, a.dtype)
        scale = -_class_scale(g, reduction, count, weighted=w is not None)
        picked = scale if w is None else scale * w
        grad[rows, labels] = picked if kept is None else np.where(kept, picked, 0)
        return (grad,)

    return _node(_reduce_classes(losses, reduction, count), (input,), backward, "nll_loss")


def cross_entropy(
    input: Tensor,
    target,
    reduction: str = "mean",
    *,
    weight=None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of raw logits (N, C) against class indices (N,) or class probabilities
    (N, C) (``F.cross_entropy``).

    Class indices (integers, as in ``nll_loss``): loss_i = -log softmax(input_i)[target_i].
    A target equal to ``ignore_index`` (an int, default -100) contributes 0 and no gradient,
    and 'mean' averages over the other targets only (nan if every target is ignored, as in
    PyTorch). ``label_smoothing`` eps in [0, 1] mixes in the uniform distribution, PyTorch's
    formula: loss_i = (1 - eps) (-log p_i[target_i]) + eps / C * sum_c (-log p_ic), 0 for an
    ignored target. Gradient with respect to the logits: p_i - (1 - eps) one_hot(target_i) -
    eps / C, divided by the number of counted targets for 'mean'.

    Class probabilities (a floating-point target of the input's shape, e.g. soft labels):
    loss_i = -sum_c q_ic log p_ic with q = (1 - eps) target + eps / C; 'mean' divides by N.
    Gradients: p_i sum_c q_ic - q_i for the logits, -(1 - eps) log p_i for a target Tensor that
    requires grad. ``ignore_index`` does not apply: a non-negative one is a ValueError, as in
    PyTorch.

    ``weight``: one weight w_c per class (C,) (a Tensor, ndarray or list; None: all 1),
    PyTorch's formulas. With class indices, each -log p term of class c is multiplied by
    w_c: loss_i = (1 - eps) w_(target_i) (-log p_i[target_i]) + eps / C * sum_c w_c
    (-log p_ic), and 'mean' divides by the sum of the counted targets' weights, not by
    their number. With class probabilities, loss_i = -sum_c w_c q_ic log p_ic, and 'mean'
    still divides by N.

    Finite for logits of any size. With m the row's largest logit and r the sum of
    exp(x_j - m) over the other entries, log-sum-exp is m + log1p(r), so a confident
    correct prediction gets its true loss (logits [0, -40], class 0: 4.25e-18, where
    PyTorch's log(1 + r) rounds to 0), and the target entry of the gradient is computed as
    expm1(log p) (-4.25e-18 there, not 0). A wrong ``ignore_index`` or ``label_smoothing``
    type is a TypeError, a ``label_smoothing`` outside [0, 1] a ValueError; so is a
    ``weight`` of another shape than (C,), or one that requires grad (PyTorch computes no
    gradient for it either).
    """
    _check_reduction(reduction, "cross_entropy")
    if type(ignore_index) is not int:  # the checks run only when the cheap test fails: this is called every step
        ignore_index = check_int("ignore_index", ignore_index)
    eps = label_smoothing
    if type(eps) is not float or not 0.0 <= eps <= 1.0:
        eps = check_range("label_smoothing", label_smoothing, 0, 1)
    input = _as_tensor(input)
    target_shape = getattr(target, "shape", None)
    if input.ndim == 2 and (np.shape(target) if target_shape is None else target_shape) == input.shape:
        return _cross_entropy_with_probabilities(input, target, reduction, ignore_index, eps, weight)
    labels, kept = _class_targets(input, target, "cross_entropy", ignore_index)
    a = input.data
    n, classes = a.shape
    w = _class_weights(weight, classes, a.dtype, "cross_entropy")
    # where each row starts in the flattened (N, C) array (the step of 0 classes would be an error),
    # and each target's place there: take(at) and put(at) index as [rows, labels] does, faster
    starts = np.arange(0, n * classes, max(classes, 1))
    at = starts + labels.astype(np.intp, copy=False)
    log_p = _log_softmax_rows(a, starts)
    picked = log_p.take(at)
    losses = -picked
    row_weights = None if w is None else w[labels]
    if row_weights is not None:
        losses = losses * row_weights
    if eps:  # PyTorch's order: (1 - eps) * nll + smooth * (eps / C)
        smooth = -log_p.sum(axis=1) if w is None else -(log_p * w).sum(axis=1)
        losses = (1 - eps) * losses + smooth * (eps / classes)
    if kept is not None:
        losses = np.where(kept, losses, 0)
    count = _counted(labels, kept, row_weights)

    def backward(g):
        grad = np.exp(log_p)
        spread = grad * w.sum() - w if eps and w is not None else None  # the smoothing's sum(w) p - w
        grad.put(at, np.expm1(picked))  # p - 1 without cancellation
        if w is not None:  # (1 - eps) w_t (p - one_hot) + eps / C (sum(w) p - w)
            grad *= (row_weights * (1 - eps) if eps else row_weights)[:, None]
            if eps:
                grad += spread * (eps / classes)
        elif eps:  # p - (1 - eps) one_hot - eps / C
            grad.put(at, grad.take(at) + eps)
            grad -= eps / classes
        scale = _class_scale(g, reduction, count, weighted=w is not None)  # nan: every logit of a row gets it
        grad = grad * (scale[:, None] if reduction == "none" else scale)
        if kept is not None:
            grad[~kept] = 0
        return (grad,)

    return _node(_reduce_classes(losses, reduction, count), (input,), backward, "cross_entropy")


def _cross_entropy_with_probabilities(
    input: Tensor, target, reduction: str, ignore_index: int, eps: float, weight
) -> Tensor:
    """cross_entropy's class-probability form (see there)."""
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind != "f":
        raise TypeError(
            f"cross_entropy: a target of the input's shape {input.shape} holds class probabilities and must be "
            f"floating point, got dtype {t.dtype} (class indices have shape ({input.shape[0]},))"
        )
    if ignore_index >= 0:
        raise ValueError(f"cross_entropy: ignore_index={ignore_index} does not apply to class-probability targets")
    x, t, parents = _same_shape_target(input, target, "cross_entropy")
    n, classes = x.shape
    log_p = _log_softmax_rows(x, np.arange(0, n * classes, max(classes, 1)))
    q = t * (1 - eps) + eps / classes if eps else t
    w = _class_weights(weight, classes, x.dtype, "cross_entropy")
    qw = q if w is None else q * w
    losses = -(log_p * qw).sum(axis=1)

    def backward(g):
        scale = _class_scale(g, reduction, n)
        scale = scale[:, None] if reduction == "none" else scale
        grad_input = (np.exp(log_p) * qw.sum(axis=1, keepdims=True) - qw) * scale if input.requires_grad else None
        if len(parents) == 1:
            return (grad_input,)
        return grad_input, -(1 - eps) * (log_p if w is None else log_p * w) * scale

    return _node(_reduce_classes(losses, reduction, n), parents, backward, "cross_entropy")


def _log_softmax_rows(a: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """log softmax of each row of ``a`` (N, C), exact where log(1 + r) would round r away:
    with m the row's largest entry and r the sum of exp(x_j - m) over the others,
    log-sum-exp is m + log1p(r). ``starts`` is np.arange(0, N * C, C), where each row
    starts in the flattened array (take and put index it, faster than [rows, columns])."""
    top = starts + a.argmax(axis=1)  # each row's largest logit (the first if several tie)
    shifted = a - a.take(top)[:, None]  # finite for any finite logits; 0 at the max
    others = np.exp(shifted)
    others.put(top, 0.0)  # exp(0) = 1 is the "1" of log1p
    # np.add.reduce: others.sum(...) without numpy's Python-level wrapper
    return shifted - np.log1p(np.add.reduce(others, axis=1, keepdims=True))


def _reduce_classes(losses: np.ndarray, reduction: str, count) -> np.ndarray:
    """One loss per row reduced; 'mean' divides by ``count``, the rows whose target counts
    or the sum of their class weights (nan when it is 0, as in PyTorch)."""
    if reduction == "none":
        return losses
    total = np.add.reduce(losses, axis=None)  # losses.sum() without numpy's Python-level wrapper
    if reduction == "sum":
        return total
    return total / count if count else np.full((), np.nan, losses.dtype)


def _class_scale(g, reduction: str, count, weighted: bool = False):
    """What each row's gradient is multiplied by: g (one per row for 'none'), divided by
    the number of counted rows (with class weights, the sum of their weights) for 'mean'.
    PyTorch's order: nll_loss's backward hands on g / count, then log_softmax's backward
    multiplies the probabilities by it. count is 0 when no target counts, and every
    gradient is then 0; or, ``weighted``, when the counted targets' weights sum to 0: 0 / 0,
    nan, as in PyTorch."""
    if reduction != "mean":
        return g
    if count:
        return g / count
    return np.nan if weighted else g


def binary_cross_entropy_with_logits(
    input: Tensor, target, reduction: str = "mean", *, weight=None, pos_weight=None
) -> Tensor:
    """-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))] for raw scores x and targets y
    of the same shape (``F.binary_cross_entropy_with_logits``; y is usually in [0, 1] but
    is not checked, as in PyTorch).

    ``weight`` (w) multiplies each element's loss; ``pos_weight`` (a) its positive term:
    -w [a y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))], so a > 1 counts the positives
    more (a = negatives / positives balances a rare class). Each is a Tensor, ndarray,
    list or number that broadcasts to the input's shape (pos_weight usually one per
    column, (C,)), and does not require grad (PyTorch computes no gradient for them
    either; a ValueError here); None means 1. 'mean' divides by the number of elements,
    whatever the weights.

    Computed as (1 - y) max(x, 0) + a y max(-x, 0) + ((1 - y) + a y) log1p(exp(-|x|)):
    for y in [0, 1] every term is >= 0, so nothing cancels and each loss has full
    relative precision for any x (PyTorch's (1 - y) x - log_sigmoid(x) cancels for
    x << 0 and small y: at x = -40, y = 1e-10 it is 8e-8 off in relative terms).
    Gradients: with l = (1 - y) + a y, l sigmoid(x) - a y for the input (sigmoid(x) - y
    without pos_weight), written as (1 - y) - l sigmoid(-x) for x >= 0 so that it stays
    exact where sigmoid(x) rounds to 1; a softplus(-x) - softplus(x) (-x without
    pos_weight) for a target that requires grad; each times w, and divided by the number
    of elements for 'mean'.
    """
    fn = "binary_cross_entropy_with_logits"
    _check_reduction(reduction, fn)
    input = _as_tensor(input)
    x, y, parents = _same_shape_target(input, target, fn)
    w = _elementwise_weight(weight, x, fn, "weight")
    a = _elementwise_weight(pos_weight, x, fn, "pos_weight")
    e = np.exp(-np.abs(x))  # never overflows
    positive = x >= 0
    log1p_e = np.log1p(e)
    if a is None:
        losses = (1 - y) * np.maximum(x, 0) + y * np.maximum(-x, 0) + log1p_e
    else:
        ay = a * y
        losses = (1 - y) * np.maximum(x, 0) + ay * np.maximum(-x, 0) + ((1 - y) + ay) * log1p_e
    if w is not None:
        losses = losses * w

    def backward(g):
        sigmoid_of_minus_abs = e / (1 + e)  # sigmoid(-|x|), exact in both tails
        # x >= 0: sigmoid(x) - y = (1 - y) - sigmoid(-x);  x < 0: sigmoid(x) - y
        if a is None:
            difference = np.where(positive, (1 - y) - sigmoid_of_minus_abs, sigmoid_of_minus_abs - y)
        else:
            scaled = ((1 - y) + ay) * sigmoid_of_minus_abs
            difference = np.where(positive, (1 - y) - scaled, scaled - ay)
        if w is not None:
            difference = difference * w
        grad_input = _scaled(difference, g, reduction, x.size) if input.requires_grad else None
        if len(parents) == 1:
            return (grad_input,)
        if a is None:
            slope = -x
        else:  # a softplus(-x) - softplus(x), each softplus as max(., 0) + log1p(exp(-|x|))
            slope = a * (np.maximum(-x, 0) + log1p_e) - (np.maximum(x, 0) + log1p_e)
        return grad_input, _scaled(slope if w is None else slope * w, g, reduction, x.size)

    return _node(_reduce_array(losses, reduction), parents, backward, "binary_cross_entropy_with_logits")


def binary_cross_entropy(input: Tensor, target, reduction: str = "mean", *, weight=None) -> Tensor:
    """-w [y log p + (1 - y) log(1 - p)] for probabilities p and targets y, both in [0, 1]
    and of the same shape (``F.binary_cross_entropy``); a value outside [0, 1] or nan in
    either raises ValueError, as PyTorch refuses it. ``weight`` (w): a Tensor, ndarray,
    list or number that broadcasts to the input's shape and does not require grad
    (PyTorch computes no gradient for it either; a ValueError here); None means 1. 'mean'
    divides by the number of elements, whatever the weights.

    As in PyTorch, log(1 - p) is computed as log1p(-p) (exact for tiny p: p = 1e-17 with
    y = 0 gives 1e-17, not 0) and each log is clamped at -100, so p = 0 or 1 gives a large
    but finite loss. Gradients, as PyTorch computes them:
      input:  (p - y) / max(p (1 - p), eps), eps = 1e-12 as a float32 (9.99999996e-13);
      target: -logit(p) = -log(p / (1 - p)), NOT clamped: +-inf at p = 0 or 1, and not
              the slope of the clamped loss where p < exp(-100) = 3.7e-44;
    each times w, and divided by the number of elements for 'mean'.
    """
    _check_reduction(reduction, "binary_cross_entropy")
    input = _as_tensor(input)
    p, y, parents = _same_shape_target(input, target, "binary_cross_entropy")
    w = _elementwise_weight(weight, p, "binary_cross_entropy", "weight")
    _check_probabilities(p, "inputs", "; apply sigmoid first, or use binary_cross_entropy_with_logits on raw scores")
    _check_probabilities(y, "targets", "")
    with np.errstate(divide="ignore"):  # log(0) = -inf is expected; the clamp handles it
        log_p = np.maximum(np.log(p), -100.0)
        log_1mp = np.maximum(np.log1p(-p), -100.0)
    losses = (y - 1) * log_1mp - y * log_p  # PyTorch's order of operations
    if w is not None:
        losses = losses * w

    def backward(g):
        grad_input = None
        if input.requires_grad:
            grad_input = _scaled(p - y if w is None else (p - y) * w, g, reduction, p.size,
                                 divisor=np.maximum((1 - p) * p, _BCE_EPSILON))  # fmt: skip
        if len(parents) == 1:
            return (grad_input,)
        with np.errstate(divide="ignore"):  # logit(0) = -inf and logit(1) = inf, as in PyTorch
            slope = -np.log(p / (1 - p))
        return grad_input, _scaled(slope if w is None else slope * w, g, reduction, p.size)

    return _node(_reduce_array(losses, reduction), parents, backward, "binary_cross_entropy")


# --------------------------------------------------------------------- shared checks and reductions
def _as_tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


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


def _check_reduction(reduction, fn: str) -> None:
    """``reduction`` of a loss that takes weights: class weights given third, where PyTorch's
    order has them, are told to go by keyword."""
    if type(reduction) is not str and isinstance(reduction, (Tensor, np.ndarray, list, tuple)):
        raise TypeError(
            f"{fn}'s third argument is reduction ('mean', 'sum' or 'none'), got {shown(reduction)}; "
            f"weights go by keyword here: {fn}(input, target, weight=...)"
        )
    check_choice("reduction", reduction, REDUCTIONS)


def _weight_array(weight, fn: str, name: str) -> np.ndarray:
    """A loss's ``weight`` or ``pos_weight`` as an array of numbers: a constant, so a Tensor
    that requires grad is refused (PyTorch computes no gradient for it either)."""
    if isinstance(weight, Tensor):
        if weight.requires_grad:
            raise ValueError(
                f"{fn}: {name} requires grad, but no gradient is computed for it (nor in PyTorch); "
                f"pass {name}.detach()"
            )
        weight = weight.data
    array = np.asarray(weight)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: {name} must hold numbers, got {weight!r}")
    return array


def _class_weights(weight, classes: int, dtype, fn: str) -> np.ndarray | None:
    """One weight per class, (C,), in the scores' dtype; None for None."""
    if weight is None:
        return None
    w = _weight_array(weight, fn, "weight")
    if w.shape != (classes,):
        raise ValueError(f"{fn}: weight needs one entry per class, shape ({classes},), got shape {w.shape}")
    return w.astype(dtype, copy=False)


def _elementwise_weight(weight, x: np.ndarray, fn: str, name: str) -> np.ndarray | None:
    """A weight that broadcasts to the input ``x``, in its dtype; None for None."""
    if weight is None:
        return None
    w = _weight_array(weight, fn, name)
    try:
        shape = np.broadcast_shapes(w.shape, x.shape)
    except ValueError:
        shape = None
    if shape != x.shape:
        raise ValueError(f"{fn}: {name} of shape {w.shape} does not broadcast to the input's shape {x.shape}")
    return w.astype(x.dtype, copy=False)


def _counted(labels: np.ndarray, kept: np.ndarray | None, row_weights: np.ndarray | None):
    """What 'mean' divides a class loss by: the number of counted targets, or with class
    weights the sum of their weights (in the scores' dtype, as in PyTorch)."""
    if row_weights is None:
        return len(labels) if kept is None else int(np.count_nonzero(kept))
    return (row_weights if kept is None else row_weights[kept]).sum()


def _check_probabilities(values: np.ndarray, what: str, hint: str) -> None:
    inside = (values >= 0) & (values <= 1)  # False for nan
    if not inside.all():
        bad = values[~inside].flat[0]
        raise ValueError(f"binary_cross_entropy: {what} must be probabilities in [0, 1], found {bad}{hint}")


def _class_targets(input: Tensor, target, fn: str, ignore_index: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Integer class labels (N,) for scores (N, C), checked against N and C, and which of
    them count: None if all do, else a bool mask that is False where the target equals
    ``ignore_index``; there the returned label is 0, so that it can index a row."""
    if input.ndim != 2:
        raise ValueError(f"{fn}: expects scores of shape (batch, classes), got shape {input.shape}")
    n, classes = input.shape
    labels = np.asarray(target.data if isinstance(target, Tensor) else target)
    if labels.dtype.kind not in "iu":
        fix = (
            "number the classes 0 to C-1 first, e.g. np.unique(y, return_inverse=True)[1]"
            if labels.dtype.kind in "USO"
            else "convert with y.long(), or y.astype(int) for an array"
        )
        raise TypeError(f"{fn}: targets must be integer class indices, got dtype {labels.dtype} ({fix})")
    if labels.shape != (n,):
        hint = " (one label per row: y.reshape(-1))" if labels.size == n else ""
        raise ValueError(
            f"{fn}: {n} rows of scores need {n} targets of shape ({n},), got shape {labels.shape}{hint}"
        )
    kept = None
    if n:
        lowest, highest = np.minimum.reduce(labels), np.maximum.reduce(labels)
        if lowest <= ignore_index <= highest:  # only then can a target be ignore_index (not for -100)
            ignored = labels == ignore_index
            if np.logical_or.reduce(ignored):
                kept = ~ignored
                labels = np.where(ignored, 0, labels)
                lowest, highest = np.minimum.reduce(labels), np.maximum.reduce(labels)
        if lowest < 0 or highest >= classes:
            bad = labels[(labels < 0) | (labels >= classes)][0]
            raise ValueError(
                f"{fn}: target class {bad} is out of range for scores of {classes} class"
                f"{'es' if classes != 1 else ''} (0 to {classes - 1}): the model must output one score per class, "
                f"here {classes} per row"
            )
    return labels, kept



def _indices(values, fn: str) -> np.ndarray:
    """Integer indices (a Tensor, ndarray, list or int) as an ndarray; anything else TypeError."""
    array = values.data if isinstance(values, Tensor) else np.asarray(values)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{fn}: indices must be integers, got dtype {array.dtype} "
            "(convert with y.long(), or y.astype(int) for an array)"
        )
    return array


def _padding_index(padding_idx, num_embeddings: int) -> int:
    """padding_idx as a row number in [0, num_embeddings); negative counts from the end."""
    padding_idx = check_int("padding_idx", padding_idx)
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"padding_idx must be within num_embeddings={num_embeddings} "
            f"(in [{-num_embeddings}, {num_embeddings - 1}]), got {padding_idx}"
        )
    return padding_idx % num_embeddings

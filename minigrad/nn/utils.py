"""Gradient utilities."""

from __future__ import annotations

import math

import numpy as np

from ..checks import check_bool, check_non_negative
from ..tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients together so that their combined norm is at most ``max_norm``
    (``torch.nn.utils.clip_grad_norm_``).

    ``parameters``: a Tensor or an iterable of Tensors; those whose ``.grad`` is None are
    skipped. The norm is taken over every gradient as if concatenated into one vector:
    (sum |g|^p)^(1/p) for ``norm_type`` p > 0, max |g| for ``inf`` and min |g| for
    ``-inf`` (a number, or the strings 'inf' / '-inf'). It is accumulated in float64 and,
    where the plain sum would overflow or underflow (gradients around 1e160 or 1e-160 for
    p = 2), recomputed with every |g| divided by the largest first, so it stays exact
    where PyTorch's would be inf or 0. If it exceeds ``max_norm`` (a number >= 0, or inf
    for no clipping), each gradient is multiplied in place by max_norm / (norm + 1e-6)
    (PyTorch's rule), keeping its dtype. Returns the norm before clipping, as a 0-d Tensor
    of the gradients' dtype (0.0 if there are none).

    Errors: a wrong type is a TypeError; a negative or nan ``max_norm``, a ``norm_type``
    that is 0, negative (other than -inf) or nan is a ValueError (PyTorch accepts these
    with surprising results: a negative max_norm flips every gradient); a non-finite norm
    with ``error_if_nonfinite=True`` is a RuntimeError.
    """
    max_norm = _max_norm(max_norm)
    norm_type = _norm_type(norm_type)
    error_if_nonfinite = check_bool("error_if_nonfinite", error_if_nonfinite)
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return Tensor(0.0)
    total = _total_norm(grads, norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"the total gradient norm is {total}; pass error_if_nonfinite=False to clip anyway")
    scale = min(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        g *= scale
    return Tensor(np.array(total, dtype=grads[0].dtype))


def clip_grad_value_(parameters, clip_value: float) -> None:
    """Clamp every gradient into [-clip_value, clip_value], in place
    (``torch.nn.utils.clip_grad_value_``). ``parameters``: a Tensor or an iterable of
    Tensors; those whose ``.grad`` is None are skipped. ``clip_value``: a number >= 0
    (TypeError / ValueError otherwise: PyTorch's negative value would set every gradient
    to it); a nan gradient stays nan."""
    clip_value = check_non_negative("clip_value", clip_value)
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    for p in parameters:
        if p.grad is not None:
            np.clip(p.grad, -clip_value, clip_value, out=p.grad)


def _max_norm(value) -> float:
    if isinstance(value, (float, np.floating)) and value == math.inf:
        return math.inf  # no clipping: only the norm is wanted
    return check_non_negative("max_norm", value)


def _norm_type(value) -> float:
    if isinstance(value, str) and value in ("inf", "-inf"):
        return float(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"norm_type must be a number or 'inf', got {value!r}")
    if not (value > 0 or value == -math.inf):
        raise ValueError(f"norm_type must be positive or +-inf, got {value!r}")
    return float(value)


def _total_norm(grads, p: float) -> float:
    magnitudes = [np.abs(g, dtype=np.float64) for g in grads]
    if p == math.inf:
        return _largest(magnitudes)
    if p == -math.inf:  # np.min, unlike Python's min, keeps a nan
        return float(np.min([m.min(initial=math.inf) for m in magnitudes]))
    with np.errstate(over="ignore", under="ignore"):  # handled below
        total = sum(float(np.sum(m**p)) for m in magnitudes)
    if 1e-280 < total < math.inf or math.isnan(total):  # no term overflowed, none that underflowed mattered
        return total ** (1.0 / p)
    top = _largest(magnitudes)
    if top == 0.0 or top == math.inf:
        return top
    # rescue the extremes: (sum |g|^p)^(1/p) = top * (sum (|g| / top)^p)^(1/p)
    return top * sum(float(np.sum((m / top) ** p)) for m in magnitudes) ** (1.0 / p)


def _largest(magnitudes) -> float:
    return float(np.max([m.max(initial=0.0) for m in magnitudes]))  # np.max keeps a nan

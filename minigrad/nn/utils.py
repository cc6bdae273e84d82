"""Gradient utilities."""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor

__all__ = ["clip_grad_norm_"]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients together so that their combined norm is at most ``max_norm``.

    The norm is taken over every gradient as if concatenated into one vector. If it exceeds
    ``max_norm``, each gradient is multiplied in place by max_norm / (norm + 1e-6) (PyTorch's
    rule). Returns the norm before clipping, as a 0-d Tensor.
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if max_norm < 0:
        raise ValueError(f"max_norm must be non-negative, got {max_norm}")
    norm_type = float(norm_type)
    if not (norm_type > 0 or math.isinf(norm_type)):
        raise ValueError(f"norm_type must be positive or +-inf, got {norm_type}")
    if not grads:
        return Tensor(0.0)
    if norm_type == math.inf:
        total = max(float(np.abs(g).max()) for g in grads)
    elif norm_type == -math.inf:
        total = min(float(np.abs(g).min()) for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g, dtype=np.float64) ** norm_type)) for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"the total gradient norm is {total}; pass error_if_nonfinite=False to clip anyway")
    scale = min(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        g *= scale
    return Tensor(np.array(total, dtype=grads[0].dtype))

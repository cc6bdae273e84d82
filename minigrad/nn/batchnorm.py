"""BatchNorm1d: normalise each feature over the batch, then scale and shift it."""

from __future__ import annotations

import numpy as np

from ..checks import check_bool, check_int, check_positive, check_range
from ..tensor import get_default_dtype, no_grad
from .functional import _as_tensor
from .module import Module, Parameter

__all__ = ["BatchNorm1d"]


class BatchNorm1d(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, per feature (Ioffe & Szegedy, 2015;
    ``torch.nn.BatchNorm1d`` with ``track_running_stats=True``).

    Train mode uses the batch's mean and (biased) variance, computed in two passes (the
    mean, then the mean square of x - mean, which cannot go negative or cancel), and
    updates the running estimates: running = (1 - momentum) * running + momentum * batch,
    with the unbiased variance sum((x - mean)^2) / (n - 1), as PyTorch does. Eval mode uses
    the running estimates. Input (N, C) or (N, C, L) with C = num_features, output the
    same shape; parameters and buffers have the default dtype.
    ``num_features`` is an int >= 1, ``eps`` a number > 0, ``momentum`` a number in [0, 1],
    ``affine`` a bool (TypeError for the wrong type, ValueError out of range).
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True):
        super().__init__()
        num_features = self.num_features = check_int("num_features", num_features, minimum=1)
        self.eps = check_positive("eps", eps)
        self.momentum = check_range("momentum", momentum, 0, 1)
        self.affine = affine = check_bool("affine", affine)
        dtype = get_default_dtype()
        self.weight = Parameter(np.ones(num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if affine else None
        self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
        self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))

    def forward(self, x):
        x = _as_tensor(x)
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d({self.num_features}) expects input (N, {self.num_features}) or "
                f"(N, {self.num_features}, L), got shape {x.shape}"
            )
        axes = (0,) if x.ndim == 2 else (0, 2)
        # statistics broadcast over the batch (and length) axes
        stat_shape = (1, self.num_features) if x.ndim == 2 else (1, self.num_features, 1)
        if self.training:
            count = x.size // self.num_features
            if count < 2:
                raise ValueError(
                    f"BatchNorm1d needs more than one value per feature in train mode, got shape {x.shape}"
                )
            mean = x.mean(axis=axes, keepdims=True)
            centered = x - mean
            squares = (centered * centered).sum(axis=axes, keepdims=True)
            var = squares / count
            with no_grad():
                m = self.momentum
                self.running_mean[...] = (1 - m) * self.running_mean + m * mean.data.reshape(-1)
                unbiased = squares.data.reshape(-1) / (count - 1)  # PyTorch: var_sum / (n - 1)
                self.running_var[...] = (1 - m) * self.running_var + m * unbiased
                self.num_batches_tracked += 1
            normalized = centered / (var + self.eps).sqrt()
        else:
            mean = self.running_mean.reshape(stat_shape)
            std = np.sqrt(self.running_var + self.eps).reshape(stat_shape)
            normalized = (x - mean) / std
        if not self.affine:
            return normalized
        return normalized * self.weight.reshape(stat_shape) + self.bias.reshape(stat_shape)

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}"

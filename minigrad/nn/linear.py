"""Linear: y = x W^T + b; and Identity, which passes its input through."""

from __future__ import annotations

import math

import numpy as np

from ..checks import check_bool, check_int
from ..tensor import get_default_dtype
from . import functional as F
from . import init
from .module import Module, Parameter

__all__ = ["Linear", "Identity"]


class Linear(Module):
    """A fully connected layer, y = x W^T + b (``torch.nn.Linear``).

    ``weight`` is (out_features, in_features), as in PyTorch, and both it and ``bias``
    (out_features,) start uniform in +-1/sqrt(in_features), PyTorch's default; their dtype
    is ``dtype`` or the default dtype. Input (..., in_features), output (...,
    out_features). Feature counts are ints >= 1 and ``bias`` a bool (TypeError for the
    wrong type, ValueError for a count below 1).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype=None, generator=None):
        super().__init__()
        self.in_features = check_int("in_features", in_features, minimum=1)
        self.out_features = check_int("out_features", out_features, minimum=1)
        bias = check_bool("bias", bias)
        dtype = dtype or get_default_dtype()
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype=dtype)) if bias else None
        self.reset_parameters(generator)

    def reset_parameters(self, generator=None) -> None:
        # PyTorch's kaiming_uniform_(a=sqrt(5)) works out to a bound of 1/sqrt(fan_in)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)  # which checks the number of features

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input unchanged, the same Tensor (``torch.nn.Identity``): a placeholder,
    e.g. where an optional layer is switched off. Arguments are accepted and ignored, as in
    PyTorch."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input

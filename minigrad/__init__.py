"""minigrad: a small, exact neural-network framework on numpy, for learning deep learning
by building it."""

__version__ = "0.1.0"

from . import data, nn, optim, train
from .checkpoint import CheckpointError, load, save
from .comparison import compare
from .gradcheck import gradcheck
from .rng import manual_seed
from .tensor import (
    Tensor,
    get_default_dtype,
    is_grad_enabled,
    no_grad,
    ones,
    randn,
    set_default_dtype,
    tensor,
    zeros,
)

__all__ = [
    "__version__",
    "nn",
    "optim",
    "data",
    "train",
    "compare",
    "Tensor",
    "tensor",
    "zeros",
    "ones",
    "randn",
    "no_grad",
    "is_grad_enabled",
    "set_default_dtype",
    "get_default_dtype",
    "gradcheck",
    "manual_seed",
    "save",
    "load",
    "CheckpointError",
]

"""minigrad: a small, exact neural-network framework on numpy, for learning deep learning
by building it.

``import minigrad as torch`` runs a learner's PyTorch program for small networks: the
Tensor and its autograd engine (``tensor.py``), PyTorch's factories (``creation.py``) and
``torch.*`` functions (``functions.py``), dtype names (``dtypes.py``), random generators
(``rng.py``), ``nn``, ``optim``; plus minigrad's own data sets, training loop and optimizer
comparison.
"""

__version__ = "0.1.0"

import builtins as _builtins
from math import e, inf, nan, pi  # torch.inf, torch.pi ... are Python floats too

from . import creation, data, dtypes, functions, nn, optim, train, utils
from .checkpoint import CheckpointError, load, save
from .comparison import compare
from .creation import *  # noqa: F403  (its __all__, spliced into this module's below)
from .device import accelerator, backends, cuda, device
from .dtypes import *  # noqa: F403
from .dtypes import bool, float, int  # noqa: F401  (attributes only, kept out of __all__; see dtypes.py)
from .explorer import explore
from .functions import *  # noqa: F403  (abs, sum, max, min, pow, round, all, any too: attributes only)
from .gradcheck import gradcheck
from .rng import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .tensor import (
    Tensor,
    enable_grad,
    get_default_dtype,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_default_dtype,
    set_grad_enabled,
)

__all__ = [
    "__version__",
    "nn",
    "optim",
    "data",
    "train",
    "utils",
    "compare",
    "explore",
    "device",
    "cuda",
    "accelerator",
    "e",
    "inf",
    "nan",
    "pi",
    "backends",
    # tensors and autograd
    "Tensor",
    "no_grad",
    "enable_grad",
    "inference_mode",
    "set_grad_enabled",
    "is_grad_enabled",
    "set_default_dtype",
    "get_default_dtype",
    "gradcheck",
    # making tensors, dtypes, functions: each module's own __all__. A name that is also one of
    # Python's builtins (mg.float, mg.bool, mg.abs, sum, max, min, pow, round, all, any) is left
    # out, so that a star import keeps the builtin; mg.float etc. still work as attributes
    *creation.__all__,
    *dtypes.__all__,
    *(name for name in functions.__all__ if not hasattr(_builtins, name)),
    # random generators
    "Generator",
    "default_generator",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
    # checkpoints
    "save",
    "load",
    "CheckpointError",
]

del _builtins  # only needed to build __all__

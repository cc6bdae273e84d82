"""minigrad: a small, exact neural-network framework on numpy, for learning deep learning
by building it.

``import minigrad as torch`` runs a learner's PyTorch program for small networks: the
Tensor and its autograd engine (``tensor.py``), PyTorch's factories (``creation.py``) and
``torch.*`` functions (``functions.py``), dtype names (``dtypes.py``), random generators
(``rng.py``), ``nn``, ``optim``; plus minigrad's own data sets, training loop and optimizer
comparison.
"""

__version__ = "0.1.0"

from . import data, nn, optim, train, utils
from .checkpoint import CheckpointError, load, save
from .comparison import compare
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    multinomial,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .device import accelerator, cuda, device
from .dtypes import (
    bool,  # noqa: F401  (bool, float, int: attributes only, kept out of __all__; see dtypes.py)
    double,
    float,  # noqa: F401
    float16,
    float32,
    float64,
    half,
    int,  # noqa: F401
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from .functions import (
    abs,  # noqa: F401  (abs, max, min, pow, sum: attributes only, kept out of __all__ like bool)
    argmax,
    argmin,
    cat,
    clamp,
    concat,
    concatenate,
    exp,
    flatten,
    is_floating_point,
    is_tensor,
    log,
    log_softmax,
    logsumexp,
    matmul,
    max,  # noqa: F401
    maximum,
    mean,
    min,  # noqa: F401
    minimum,
    numel,
    permute,
    pow,  # noqa: F401
    relu,
    reshape,
    sigmoid,
    softmax,
    sqrt,
    squeeze,
    stack,
    std,
    sum,  # noqa: F401
    tanh,
    transpose,
    unsqueeze,
    var,
    where,
)
from .gradcheck import gradcheck
from .rng import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .tensor import (
    Tensor,
    enable_grad,
    get_default_dtype,
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
    "device",
    "cuda",
    "accelerator",
    # tensors and autograd
    "Tensor",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "set_default_dtype",
    "get_default_dtype",
    "gradcheck",
    # making tensors
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "rand_like",
    "randn_like",
    "eye",
    "arange",
    "linspace",
    "rand",
    "randn",
    "randint",
    "randperm",
    "multinomial",
    # dtypes (mg.float, mg.int, mg.bool, like mg.abs, sum, max, min and pow below, are left out
    # of __all__, so that a star import keeps Python's builtins)
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "half",
    "double",
    "short",
    "long",
    # functions
    "cat",
    "concat",
    "concatenate",
    "stack",
    "where",
    "maximum",
    "minimum",
    "is_tensor",
    "is_floating_point",
    "numel",
    "tanh",
    "exp",
    "log",
    "sqrt",
    "sigmoid",
    "relu",
    "softmax",
    "log_softmax",
    "logsumexp",
    "mean",
    "argmax",
    "argmin",
    "var",
    "std",
    "matmul",
    "clamp",
    "reshape",
    "flatten",
    "transpose",
    "permute",
    "squeeze",
    "unsqueeze",
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

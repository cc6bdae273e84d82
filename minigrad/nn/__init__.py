"""Neural-network building blocks: Module, layers, losses, initialisers."""

from . import functional, init, utils
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh
from .batchnorm import BatchNorm1d
from .container import ModuleDict, ModuleList, Sequential
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten
from .linear import Identity, Linear
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module, Parameter

__all__ = [
    "functional",
    "init",
    "utils",
    "Module",
    "Parameter",
    "Linear",
    "Identity",
    "Embedding",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "ReLU",
    "Tanh",
    "Sigmoid",
    "LeakyReLU",
    "GELU",
    "ELU",
    "Softplus",
    "SiLU",
    "Softmax",
    "LogSoftmax",
    "Dropout",
    "Flatten",
    "BatchNorm1d",
    "MSELoss",
    "L1Loss",
    "HuberLoss",
    "SmoothL1Loss",
    "CrossEntropyLoss",
    "NLLLoss",
    "BCEWithLogitsLoss",
    "BCELoss",
]

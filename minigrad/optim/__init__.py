"""Optimizers, simplest first. Each class docstring, on the first screen of its file, opens with its update rule."""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "Rprop",
    "RMSprop",
    "Adam",
    "Adamax",
    "AdamW",
    "Adadelta",
    "NAdam",
    "RAdam",
    "lr_scheduler",
]

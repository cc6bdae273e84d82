"""Loss modules: ``loss_fn = nn.CrossEntropyLoss(); loss = loss_fn(logits, labels)``.

Each holds its ``reduction`` ('mean', 'sum' or 'none'; another string is a ValueError,
anything else a TypeError) and calls the function of the same name in ``nn.functional``,
which documents shapes, dtypes, gradients and errors; targets may be Tensors or numpy
arrays, and a target Tensor that requires grad gets its gradient where PyTorch gives one.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_choice, check_int, check_non_negative, check_positive, check_range, shown
from ..tensor import Tensor
from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss",
           "BCELoss"]


class _Loss(Module):
    function = None
    weighted = False  # takes weight= (PyTorch's first positional argument)

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        name = type(self).__name__
        if self.weighted and isinstance(reduction, (Tensor, np.ndarray, list, tuple)):
            raise TypeError(  # PyTorch's first positional argument: the contract made it reduction here
                f"{name}'s first argument is reduction ('mean', 'sum' or 'none'), got {shown(reduction)}; "
                f"class weights go by keyword here: {name}(weight=...)"
            )
        self.reduction = check_choice("reduction", reduction, F.REDUCTIONS)

    def forward(self, input, target):
        return type(self).function(input, target, reduction=self.reduction)

    def extra_repr(self):
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class MSELoss(_Loss):
    """Squared error, inputs and targets of the same shape (``torch.nn.MSELoss``)."""

    function = F.mse_loss


class L1Loss(_Loss):
    """Absolute error, inputs and targets of the same shape (``torch.nn.L1Loss``)."""

    function = F.l1_loss


class HuberLoss(_Loss):
    """Squared error within ``delta`` of the target, absolute beyond (``torch.nn.HuberLoss``);
    see ``F.huber_loss``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction)
        self.delta = check_positive("delta", delta)

    def forward(self, input, target):
        return F.huber_loss(input, target, self.reduction, self.delta)

    def extra_repr(self):
        return _options(self, delta=1.0)


class SmoothL1Loss(_Loss):
    """Huber's loss divided by ``beta`` (``torch.nn.SmoothL1Loss``; ``beta`` after
    ``reduction``, PyTorch's deprecated ``size_average`` and ``reduce`` left out); see
    ``F.smooth_l1_loss``."""

    def __init__(self, reduction: str = "mean", beta: float = 1.0):
        super().__init__(reduction)
        self.beta = check_non_negative("beta", beta)

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)

    def extra_repr(self):
        return _options(self, beta=1.0)


class CrossEntropyLoss(_Loss):
    """Raw logits (N, C) and integer classes (N,) or class probabilities (N, C):
    log-softmax and NLL in one stable step (``torch.nn.CrossEntropyLoss``). ``weight``
    (keyword only here: PyTorch's first positional argument) gives each class a weight
    (C,); targets equal to ``ignore_index`` (an int) are left out; ``label_smoothing``
    (in [0, 1]) mixes in the uniform distribution; see ``F.cross_entropy`` for the formulas."""

    weighted = True

    def __init__(
        self, reduction: str = "mean", *, weight=None, ignore_index: int = -100, label_smoothing: float = 0.0
    ):
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = check_int("ignore_index", ignore_index)
        self.label_smoothing = check_range("label_smoothing", label_smoothing, 0, 1)

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.reduction, weight=self.weight, ignore_index=self.ignore_index,
                               label_smoothing=self.label_smoothing)  # fmt: skip

    def extra_repr(self):
        return _options(self, ignore_index=-100, label_smoothing=0.0)


class NLLLoss(_Loss):
    """Log-probabilities (N, C) and integer classes (N,) (``torch.nn.NLLLoss``);
    ``weight`` (keyword only here) gives each class a weight (C,), targets equal to
    ``ignore_index`` (an int) are left out; see ``F.nll_loss``."""

    weighted = True

    def __init__(self, reduction: str = "mean", *, weight=None, ignore_index: int = -100):
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = check_int("ignore_index", ignore_index)

    def forward(self, input, target):
        return F.nll_loss(input, target, self.reduction, weight=self.weight, ignore_index=self.ignore_index)

    def extra_repr(self):
        return _options(self, ignore_index=-100)


class BCEWithLogitsLoss(_Loss):
    """Raw scores and targets in [0, 1] of the same shape; exact for any score
    (``torch.nn.BCEWithLogitsLoss``). ``weight`` scales each element's loss, ``pos_weight``
    the positive term (both keyword only here, and broadcast to the input's shape); see
    ``F.binary_cross_entropy_with_logits``."""

    weighted = True

    def __init__(self, reduction: str = "mean", *, weight=None, pos_weight=None):
        super().__init__(reduction)
        self.weight, self.pos_weight = weight, pos_weight

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.reduction, weight=self.weight,
                                                  pos_weight=self.pos_weight)  # fmt: skip


class BCELoss(_Loss):
    """Probabilities and targets in [0, 1] of the same shape (``torch.nn.BCELoss``);
    ``weight`` (keyword only here, broadcast to the input's shape) scales each element's
    loss; see ``F.binary_cross_entropy``."""

    weighted = True

    def __init__(self, reduction: str = "mean", *, weight=None):
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.reduction, weight=self.weight)


def _options(loss: _Loss, **defaults) -> str:
    """The loss's reduction and the given options, each shown only if not its default."""
    shown = [_Loss.extra_repr(loss)] + [
        f"{name}={getattr(loss, name)!r}" for name, default in defaults.items() if getattr(loss, name) != default
    ]
    return ", ".join(filter(None, shown))

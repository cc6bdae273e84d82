"""Loss modules: ``loss_fn = nn.CrossEntropyLoss(); loss = loss_fn(logits, labels)``.

Each holds its ``reduction`` ('mean', 'sum' or 'none'; another string is a ValueError,
anything else a TypeError) and calls the function of the same name in ``nn.functional``,
which documents shapes, dtypes, gradients and errors; targets may be Tensors or numpy
arrays, and a target Tensor that requires grad gets its gradient where PyTorch gives one.
"""

from __future__ import annotations

from ..checks import check_choice
from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss", "BCELoss"]


class _Loss(Module):
    function = None

    def __init__(self, reduction: str = "mean"):
        super().__init__()
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


class CrossEntropyLoss(_Loss):
    """Raw logits (N, C) and integer classes (N,): log-softmax and NLL in one stable step
    (``torch.nn.CrossEntropyLoss`` with class-index targets)."""

    function = F.cross_entropy


class NLLLoss(_Loss):
    """Log-probabilities (N, C) and integer classes (N,) (``torch.nn.NLLLoss``)."""

    function = F.nll_loss


class BCEWithLogitsLoss(_Loss):
    """Raw scores and targets in [0, 1] of the same shape; exact for any score
    (``torch.nn.BCEWithLogitsLoss`` without weights)."""

    function = F.binary_cross_entropy_with_logits


class BCELoss(_Loss):
    """Probabilities and targets in [0, 1] of the same shape (``torch.nn.BCELoss`` without
    weights)."""

    function = F.binary_cross_entropy

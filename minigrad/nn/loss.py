"""Loss modules: ``loss_fn = nn.CrossEntropyLoss(); loss = loss_fn(logits, labels)``.

Each holds its ``reduction`` ('mean', 'sum' or 'none') and calls the function of the same
name in ``nn.functional``; targets may be Tensors or numpy arrays.
"""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss", "BCELoss"]


class _Loss(Module):
    function = None

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        F._check_reduction(reduction)
        self.reduction = reduction

    def forward(self, input, target):
        return type(self).function(input, target, reduction=self.reduction)

    def extra_repr(self):
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class MSELoss(_Loss):
    function = F.mse_loss


class L1Loss(_Loss):
    function = F.l1_loss


class CrossEntropyLoss(_Loss):
    """Raw logits (N, C) and integer classes (N,): log-softmax and NLL in one stable step."""

    function = F.cross_entropy


class NLLLoss(_Loss):
    """Log-probabilities (N, C) and integer classes (N,)."""

    function = F.nll_loss


class BCEWithLogitsLoss(_Loss):
    """Raw scores and 0/1 targets of the same shape; stable for any score."""

    function = F.binary_cross_entropy_with_logits


class BCELoss(_Loss):
    """Probabilities in [0, 1] and 0/1 targets of the same shape."""

    function = F.binary_cross_entropy

"""PyTorch's ``torch.utils`` names that learners' programs use: ``utils.data``."""

from . import data

__all__ = ["data"]

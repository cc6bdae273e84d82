"""Argument checks shared by the data functions: one line each, and the message names the
argument and the value it got, so a typo is found from the error alone."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["check_int", "check_number", "check_non_negative", "check_bool", "check_same_length"]


def check_int(name: str, value, minimum: int) -> int:
    # bool is an int subclass in Python, but n_samples=True is always a mistake
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_number(name: str, value) -> float:
    """A finite real number: NaN or infinity would only turn every sample into NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def check_non_negative(name: str, value) -> float:
    """A finite number >= 0 (noise levels, standard deviations)."""
    if check_number(name, value) < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return float(value)


def check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_same_length(X, y) -> int:
    """Inputs and targets (ndarrays or Tensors) pair up row by row, so they must have as
    many rows; returns that number."""
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"X and y must have one row per sample, got shapes {X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got len(X) = {len(X)} and len(y) = {len(y)}")
    return len(X)

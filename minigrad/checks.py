"""The argument checks used at every public boundary of minigrad.

One rule for one kind of bad value, wherever it is passed: a value of the wrong type
raises ``TypeError``, a value of the right type outside its range raises ``ValueError``,
and the message names the argument, what it must be and what it got, so a typo is found
from the error alone. ``bool`` is refused where a number is wanted (``lr=True`` is always
a mistake, although Python counts it as the int 1). Each check returns the value in its
plain Python form (int, float or bool).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "shown",
    "check_pair",
    "check_bool",
    "check_int",
    "check_number",
    "check_range",
    "check_non_negative",
    "check_positive",
    "check_probability",
    "check_decay",
    "check_choice",
    "check_same_length",
    "check_seed",
    "check_alias",
]


def shown(value) -> str:
    """``value`` as a message shows it: its repr, but an array or Tensor by its type and
    shape (a layer class called on a batch, ``nn.ReLU(x)``, would print the whole batch)
    and any other repr cut at 80 characters."""
    if hasattr(value, "shape") and hasattr(value, "dtype") and getattr(value, "size", 1) > 1:
        kind = type(value).__name__
        return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {shown(value)}")
    return bool(value)


def check_int(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number (not a bool), at least ``minimum`` and at most ``maximum`` if given."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {shown(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return int(value)


def check_number(name: str, value) -> float:
    """A finite real number (not a bool): nan or infinity would only make every result nan."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {shown(value)}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def check_range(name: str, value, low=None, high=None, *, low_open: bool = False, high_open: bool = False) -> float:
    """A finite number in the interval from ``low`` to ``high`` (either may be None: no
    bound), each end closed unless ``low_open`` / ``high_open``."""
    number = check_number(name, value)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {_interval(low, high, low_open, high_open)}, got {value!r}")
    return number


def _interval(low, high, low_open, high_open) -> str:
    if high is None:
        return f"{'>' if low_open else '>='} {low}"
    if low is None:
        return f"{'<' if high_open else '<='} {high}"
    return f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"


def check_non_negative(name: str, value) -> float:
    """Learning rates, weight decay, noise levels: a finite number >= 0."""
    return check_range(name, value, 0)


def check_positive(name: str, value) -> float:
    return check_range(name, value, 0, low_open=True)


def check_probability(name: str, value) -> float:
    """A probability: a number in [0, 1], both ends allowed (dropout p=1 zeroes everything)."""
    return check_range(name, value, 0, 1)


def check_decay(name: str, value) -> float:
    """Decay rates and momentum: [0, 1). At 1 a moving average would never take in anything new."""
    return check_range(name, value, 0, 1, high_open=True)


def check_pair(name: str, value, what: str, check_first, check_second) -> tuple:
    """A pair of options such as Adam's betas: a tuple or list of two (else TypeError or
    ValueError, "must be a pair (``what``)"), its items checked by ``check_first`` and
    ``check_second`` under the names ``name[0]`` and ``name[1]``. ``name`` may carry a suffix
    ("betas in parameter group 1"): the index goes after its first word."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a pair ({what}), got {shown(value)}")
    if len(value) != 2:
        raise ValueError(f"{name} must be a pair ({what}), got {value!r}")
    head, _, tail = name.partition(" ")
    first, second = (f"{head}[{i}] {tail}".rstrip() for i in range(2))
    return check_first(first, value[0]), check_second(second, value[1])


def check_choice(name: str, value, choices) -> str:
    """One of a fixed set of strings, such as a loss's reduction."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(map(repr, choices))}; got {shown(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def check_same_length(X, y, names: tuple[str, str] = ("X", "y")) -> int:
    """Inputs and targets (ndarrays or Tensors) pair up row by row, so they must have as
    many rows; returns that number. ``names`` are what the messages call them."""
    a, b = names
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"{a} and {b} must have one row per sample, got shapes {X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"{a} and {b} must have the same length, got len({a}) = {len(X)} and len({b}) = {len(y)}")
    return len(X)


def check_seed(name: str, value):
    """A seed: None, a non-negative int (not a bool) or a numpy Generator. Returns it (an
    int as a plain int). Anything else raises ``TypeError``, a negative int ``ValueError``,
    each naming ``name`` and the value."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be None, a non-negative int or a numpy Generator, got {shown(value)}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value}")
    return int(value)


def check_alias(name: str, value, alias: str, alias_value, default=None):
    """One argument with two accepted spellings, PyTorch's and numpy's (``dim``/``axis``,
    ``keepdim``/``keepdims``), as PyTorch itself accepts both. Giving both is a TypeError;
    giving neither (both None) means ``default``."""
    if value is not None and alias_value is not None:
        raise TypeError(f"give {name} or {alias}, not both (got {name}={value!r} and {alias}={alias_value!r})")
    if value is not None:
        return value
    return default if alias_value is None else alias_value

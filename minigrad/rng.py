"""minigrad's default random generator: what initialisers, dropout and ``randn`` draw from
when they are not handed a generator of their own. ``mg.manual_seed(s)`` makes a run
repeatable, as ``torch.manual_seed`` does.

``check_seed`` is the one check for a seed wherever one is passed (the data generators,
``train_test_split``, ``DataLoader``, ``fit``, ``manual_seed``, ``as_generator``): None
(fresh randomness), a non-negative int (not a bool), or a numpy Generator."""

from __future__ import annotations

import numpy as np

__all__ = ["manual_seed", "as_generator", "check_seed"]

_generator = np.random.default_rng()


def check_seed(name: str, value):
    """A seed: None, a non-negative int (not a bool) or a numpy Generator. Returns it (an
    int as a plain int). Anything else raises ``TypeError``, a negative int ``ValueError``,
    each naming ``name`` and the value."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be None, a non-negative int or a numpy Generator, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value}")
    return int(value)


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the default generator; returns it. ``seed`` is a non-negative int (None:
    fresh randomness; a numpy Generator becomes the default generator itself)."""
    global _generator
    seed = check_seed("seed", seed)
    _generator = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return _generator


def as_generator(rng, name: str = "rng") -> np.random.Generator:
    """``None`` -> the default generator; an int -> a new generator seeded with it; a
    Generator -> itself."""
    rng = check_seed(name, rng)
    if rng is None:
        return _generator
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)

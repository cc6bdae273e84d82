"""minigrad's default random generator: what initialisers, dropout and ``randn`` draw from
when they are not handed a generator of their own. ``mg.manual_seed(s)`` makes a run
repeatable, as ``torch.manual_seed`` does."""

from __future__ import annotations

import numpy as np

__all__ = ["manual_seed", "as_generator"]

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the default generator; returns it."""
    global _generator
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"a seed is a non-negative int, got {seed!r}")
    _generator = np.random.default_rng(seed)
    return _generator


def as_generator(rng) -> np.random.Generator:
    """``None`` -> the default generator; an int -> a new generator seeded with it; a
    Generator -> itself."""
    if rng is None:
        return _generator
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be None, an int seed or a numpy Generator, got {type(rng).__name__}")

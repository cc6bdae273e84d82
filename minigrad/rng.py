"""minigrad's default random generator: what initialisers, dropout and ``randn`` draw from
when they are not handed a generator of their own. ``mg.manual_seed(s)`` makes a run
repeatable, as ``torch.manual_seed`` does. Seeds are checked by ``checks.check_seed``."""

from __future__ import annotations

import numpy as np

from .checks import check_seed

__all__ = ["manual_seed", "as_generator"]

_generator = np.random.default_rng()


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

"""Random generators: ``mg.Generator`` (PyTorch's ``torch.Generator``, drawing from numpy) and
minigrad's default generator, which initialisers, dropout and the random factories (``randn``,
``randint``, ``multinomial``...) draw from when they are not handed a generator of their own.

``mg.manual_seed(s)`` reseeds the default generator and makes a run repeatable, as
``torch.manual_seed`` does; a ``Generator`` of one's own gives a stream that nothing else
touches. The streams are numpy's (PCG64), so the same seed gives other numbers than in PyTorch.
Seeds are checked by ``checks.check_seed``.
"""

from __future__ import annotations

import copy
import secrets

import numpy as np

from .checks import check_seed

__all__ = [
    "Generator",
    "default_generator",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
    "as_generator",
    "generator_source",
]

# The seed of a new torch.Generator() (PyTorch's default_rng_seed_val)
_FIRST_SEED = 67280421310721


class Generator:
    """A random stream of one's own (``torch.Generator``), for ``generator=`` arguments.

    ``Generator(device='cpu')`` starts from the seed PyTorch gives a new generator,
    67280421310721, so two new generators draw the same numbers. ``manual_seed(seed)``
    restarts it (and returns it, so ``g = mg.Generator().manual_seed(42)`` works);
    ``seed()`` restarts it from a fresh non-deterministic seed and returns that seed;
    ``initial_seed()`` is the seed of the latest restart; ``get_state()`` /
    ``set_state(state)`` save and restore the position in the stream. The state is numpy's
    bit-generator state (a dict), where PyTorch's is a uint8 tensor.

    ``seed`` is a non-negative int (TypeError for another type, ValueError if negative);
    like ``mg.manual_seed``, ``manual_seed`` also takes None (a fresh seed, as ``seed()``)
    or a numpy Generator, which the generator then draws from (``initial_seed()`` is None).
    ``device`` other than 'cpu' is a ValueError: minigrad runs on numpy.
    """

    def __init__(self, device: str = "cpu"):
        if device != "cpu":
            raise ValueError(f"minigrad runs on the CPU only: device must be 'cpu', got {device!r}")
        self.device = "cpu"
        self.manual_seed(_FIRST_SEED)

    def manual_seed(self, seed) -> Generator:
        """Restart the stream from ``seed`` (a non-negative int); returns the generator itself."""
        seed = check_seed("seed", seed)
        if seed is None:
            self.seed()
        elif isinstance(seed, np.random.Generator):
            self._numpy, self._initial_seed = seed, None
        else:
            self._numpy, self._initial_seed = np.random.default_rng(seed), seed
        return self

    def seed(self) -> int:
        """Restart from fresh randomness; returns the seed chosen, as PyTorch does."""
        seed = secrets.randbits(64)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int | None:
        """The seed the stream last started from."""
        return self._initial_seed

    def get_state(self) -> dict:
        """The stream's state (numpy's bit-generator state dict), for ``set_state``."""
        return copy.deepcopy(self._numpy.bit_generator.state)

    def set_state(self, new_state: dict) -> Generator:
        """Continue from a state ``get_state`` gave; returns the generator."""
        expected = self._numpy.bit_generator.state["bit_generator"]
        if not isinstance(new_state, dict):
            raise TypeError(f"set_state needs a state from get_state() (a dict), got {type(new_state).__name__}")
        if new_state.get("bit_generator") != expected:
            raise ValueError(
                f"set_state needs a state from get_state() of a {expected} generator, "
                f"got one of {new_state.get('bit_generator')!r}"
            )
        self._numpy.bit_generator.state = copy.deepcopy(new_state)
        return self

    def __repr__(self) -> str:
        return f"<minigrad.Generator device='cpu', initial_seed={self._initial_seed}>"


default_generator = Generator()
default_generator.seed()  # fresh randomness until mg.manual_seed, as in PyTorch


def manual_seed(seed) -> Generator:
    """Reseed the default generator; returns it (``torch.manual_seed``). ``seed`` is a
    non-negative int (None: a fresh seed; a numpy Generator: draw from it)."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Reseed the default generator non-deterministically; returns the seed (``torch.seed``)."""
    return default_generator.seed()


def initial_seed() -> int | None:
    """The default generator's latest seed (``torch.initial_seed``)."""
    return default_generator.initial_seed()


def get_rng_state() -> dict:
    """The default generator's state (``torch.get_rng_state``; numpy's state dict)."""
    return default_generator.get_state()


def set_rng_state(new_state: dict) -> None:
    """Restore the default generator's state from ``get_rng_state()`` (``torch.set_rng_state``)."""
    default_generator.set_state(new_state)


def as_generator(rng, name: str = "rng") -> np.random.Generator:
    """The numpy generator to draw from, for a ``generator=``/``rng=`` argument: ``None`` ->
    the default generator's; an ``mg.Generator`` -> its own; an int -> a new one seeded
    with it; a numpy Generator -> itself. Resolved at each draw, so a generator reseeded
    with ``manual_seed`` is seen by everything that holds it."""
    if rng is None:
        return default_generator._numpy
    if isinstance(rng, Generator):
        return rng._numpy
    rng = check_seed(name, rng)
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def generator_source(generator, name: str = "generator"):
    """What an object that draws again and again (a loader's epochs, dropout's masks) keeps
    of its ``generator`` argument: None (the default generator) and an ``mg.Generator`` as
    they are, so that reseeding them later is seen; a seed becomes a numpy generator once, so
    the draws go on from call to call instead of repeating. Pass the result to
    ``as_generator`` at each draw."""
    if generator is None or isinstance(generator, Generator):
        return generator
    return as_generator(generator, name)

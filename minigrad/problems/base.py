"""What a parameter problem is: a loss of one parameter vector with known optima, a start,
a target and settings that work; and the runs of optimizers on it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..tensor import Tensor

__all__ = ["Problem", "ProblemRun"]


class Problem:
    """A test problem on one parameter vector ``theta`` of shape ``(dim,)``, float64: its
    loss, where to start, where its optima are, what counts as solved, and how many steps
    and which learning rates solve it.

    Attributes (all read-only by convention):

    - ``name`` (str): its key in ``minigrad.problems.PROBLEMS``; ``title`` (str): a
      one-line description; ``source`` (str): where it comes from.
    - ``dim`` (int): the number of parameters.
    - ``start`` (ndarray, ``(dim,)``, float64): the point every optimizer starts from.
    - ``optima`` (ndarray, ``(k, dim)``, float64): its known minimisers, every one.
    - ``optimum_loss`` (float): the loss at each of them (the least loss there is).
    - ``target_loss`` (float): the problem counts as solved at the first step whose loss is
      at most this; ``target`` (str) says so in words.
    - ``steps`` (int): the default run length, in which the best of the optimizers at
      their ``lr`` reach the target (not every one does: that is what is compared).
    - ``lr`` (dict): a learning rate for each name in ``minigrad.comparison.OPTIMIZERS``,
      chosen on a log grid from 1e-5 to 3 (factors of about 3), with seed 0: one that
      reaches the target in few steps and stays there, away from the values that diverge.
      Where no value on the grid reaches the target within ``steps`` (SGD on Rosenbrock,
      RMSprop on the rotated quadratic, ...), the one that ends lowest: missing the target
      is then the optimizer's result, not a bad setting.
    - ``bounds`` (``((x_min, x_max), (y_min, y_max))`` or None): the region to draw, for
      two-dimensional problems.
    - ``stochastic`` (bool): whether a step's gradient is noisy (``sampler``).

    Methods: ``loss(theta)`` (a scalar Tensor, differentiable), ``value(theta)`` (the
    same loss as a float, from numpy), ``surface(x, y)`` (the loss over a grid, 2-D
    problems), ``sampler(seed)`` (the loss each step trains on) and ``distance(theta)``
    (to the nearest optimum). No PyTorch equivalent.
    """

    name: str = ""
    title: str = ""
    source: str = ""
    target: str = ""
    stochastic: bool = False
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None

    def __init__(self, start, optima, optimum_loss: float, target_loss: float, steps: int, lr: dict):
        self.start = np.array(start, dtype=np.float64)
        self.optima = np.array(optima, dtype=np.float64).reshape(-1, self.start.size)
        self.optimum_loss = float(optimum_loss)
        self.target_loss = float(target_loss)
        self.steps = int(steps)
        self.lr = dict(lr)

    @property
    def dim(self) -> int:
        return self.start.size

    def __repr__(self) -> str:
        return f"<problem {self.name}: {self.title}>"

    def loss(self, theta: Tensor) -> Tensor:
        """The loss at ``theta`` (a Tensor of shape ``(dim,)``), a scalar Tensor whose
        ``backward()`` gives the exact gradient (for a stochastic problem, of the expected
        or full-data loss; ``sampler`` gives the noisy one). TypeError unless ``theta`` is
        a Tensor, ValueError for another shape."""
        if not isinstance(theta, Tensor):
            raise TypeError(f"theta must be a Tensor of shape ({self.dim},), got {type(theta).__name__}")
        if theta.shape != (self.dim,):
            raise ValueError(f"theta must have shape ({self.dim},) for {self.name}, got {theta.shape}")
        return self._loss(theta)

    def value(self, theta) -> float:
        """The loss at ``theta`` (array-like of shape ``(dim,)``) as a Python float, from
        numpy (no graph); inf or nan where the loss overflows."""
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.dim,):
            raise ValueError(f"theta must have shape ({self.dim},) for {self.name}, got {theta.shape}")
        with np.errstate(all="ignore"):
            return float(self._value(theta))

    def surface(self, x, y) -> np.ndarray:
        """The loss at every point ``(x[i], y[i])`` of two arrays of the same shape (a grid
        from ``np.meshgrid``, for contours), vectorised: an ndarray of that shape, float64.
        ValueError for a problem that is not two-dimensional or arrays of two shapes."""
        if self.dim != 2:
            raise ValueError(f"{self.name} has {self.dim} parameters; only 2-D problems have a surface to draw")
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if x.shape != y.shape:
            raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
        with np.errstate(all="ignore"):
            return np.asarray(self._expression(x, y), dtype=np.float64)

    def sampler(self, seed: int = 0) -> Callable[[Tensor], Tensor]:
        """The loss each training step differentiates, as a function of ``theta``: each
        call is the next step's. For a deterministic problem it is ``loss`` itself; a
        stochastic one draws its noise from a generator seeded with ``seed``, so the same
        seed gives the same sequence of noisy losses."""
        return self.loss

    def distance(self, theta) -> float:
        """The Euclidean distance from ``theta`` (array-like, ``(dim,)``) to the nearest of
        ``optima``."""
        theta = np.asarray(theta, dtype=np.float64)
        return float(np.min(np.linalg.norm(self.optima - theta, axis=1)))

    # subclasses give _expression (2-D: f(x, y), elementwise on Tensors and ndarrays) or
    # _loss and _value
    def _expression(self, x, y):
        raise NotImplementedError

    def _loss(self, theta: Tensor) -> Tensor:
        return self._expression(theta[0], theta[1])

    def _value(self, theta: np.ndarray) -> float:
        return self._expression(theta[0], theta[1])


@dataclass
class ProblemRun:
    """One optimizer's run on a ``Problem`` (``minigrad.problems.run``).

    ``path`` is ``(steps + 1, dim)``, float64: the start and the point after each step;
    ``losses`` ``(steps + 1,)``: the problem's exact loss (``Problem.value``) at each of
    them; ``effective_lr`` ``(steps, dim)``: the optimizer's effective learning rate per
    coordinate after each step (``Optimizer.effective_lr()``, the factor applied to its
    update direction). A run that diverged (its loss or a coordinate became inf or nan)
    stopped there, so it has fewer rows, and so has one that an exception stopped
    (``error``). ``options`` are the optimizer's settings.
    """

    optimizer: str
    options: dict
    problem: Problem
    path: np.ndarray
    losses: np.ndarray
    effective_lr: np.ndarray
    diverged: bool = False
    seed: int = 0
    error: Exception | None = None  # what stopped the run in a step after the first, if anything

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    @property
    def distance(self) -> float:
        """From the last point to the nearest optimum (nan if it diverged)."""
        return self.problem.distance(self.path[-1]) if not self.diverged else math.nan

    @property
    def steps_to_target(self) -> int | None:
        """The first step after which the loss is at most ``problem.target_loss`` (0: the
        start already is), or None if no step reached it."""
        reached = np.flatnonzero(self.losses <= self.problem.target_loss)
        return int(reached[0]) if reached.size else None

    @property
    def status(self) -> str:
        """One of: "reached target" (and ended there), "reached, ended above" (the last
        loss is above the target again), "missed target", "loss went up" (ended above its
        start), "diverged", "error" (an exception stopped it: ``error``)."""
        if self.error is not None:
            return "error"
        if self.diverged:
            return "diverged"
        if self.steps_to_target is not None:
            return "reached target" if self.losses[-1] <= self.problem.target_loss else "reached, ended above"
        if self.losses[-1] > self.losses[0]:
            return "loss went up"
        return "missed target"

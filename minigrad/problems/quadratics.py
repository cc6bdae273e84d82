"""Stochastic quadratics: DeepOBS's 100-dimensional ``quadratic_deep`` and the noisy
quadratic model of Zhang et al. (2019). Their losses are known in closed form, so the
optimum, the loss there and the noise are exact, not estimated."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..checks import check_int, check_seed
from ..tensor import Tensor
from .base import Problem

__all__ = ["QuadraticDeep", "NoisyQuadratic"]


def deepobs_rotation(dim: int, rng: np.random.RandomState) -> np.ndarray:
    """A rotation drawn from the Haar measure on SO(dim) by the subgroup algorithm of
    Diaconis and Shahshahani (1987), drawing from ``rng`` in DeepOBS's order
    (``deepobs.pytorch.testproblems.quadratic_deep.random_rotation``), so the same
    ``RandomState`` gives DeepOBS's matrix."""
    t = 2 * np.pi * rng.uniform()
    rotation = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])
    for d in range(2, dim):
        v = rng.normal(size=(d + 1, 1))
        v = v / np.sqrt(v.T @ v)
        e = np.zeros((d + 1, 1))
        e[0, 0] = 1.0
        x = (e - v) / np.sqrt((e - v).T @ (e - v))  # a Householder reflection maps e to v
        embedded = np.eye(d + 1)
        embedded[1:, 1:] = rotation
        rotation = embedded - 2 * np.outer(x, x.T @ embedded)
    return -rotation  # DeepOBS negates it too; kept, so that the matrix is DeepOBS's


class QuadraticDeep(Problem):
    """DeepOBS's ``quadratic_deep`` (Schneider, Balles and Hennig 2019, "DeepOBS: A Deep
    Learning Optimizer Benchmark Suite", ICLR): a 100-dimensional noisy quadratic whose
    Hessian has a spectrum like those reported for deep networks (Chaudhari et al. 2017):
    90 eigenvalues uniform in (0, 1) and 10 uniform in (30, 60).

    Reproduced from DeepOBS's source (``deepobs/pytorch/testproblems/quadratic_deep.py``
    and ``testproblems_modules.net_quadratic_deep``, ``deepobs/pytorch/datasets/
    quadratic.py``):

    - ``eigenvalues`` (``(100,)``): ``RandomState(42).uniform(0, 1, 90)`` then
      ``.uniform(30, 60, 10)`` from the same generator, which then draws the rotation
      ``R`` (``deepobs_rotation``); the Hessian is ``Q = R^T diag(eigenvalues) R``
      (``hessian``, ``(100, 100)``).
    - The data: 1000 training points ``RandomState(42).normal(0, 0.6, (1000, 100))`` and
      1000 test points from ``RandomState(43)``, rounded to float32 as DeepOBS stores them
      (``X_train``, ``X_test``, float64 here).
    - The loss of a point ``x`` is ``0.5 (theta - x)^T Q (theta - x)``; a step's loss is its
      mean over a batch (``batch_size``, DeepOBS's default 128), batches drawn without
      replacement in a new random order each epoch, the last incomplete one dropped, so an
      epoch is 7 steps. ``theta`` starts at ones. DeepOBS trains it 100 epochs (700 steps),
      ``steps`` here.

    Where it differs: the arithmetic is float64 (DeepOBS casts the Hessian and the data to
    float32); the batch order comes from numpy's generator seeded with ``seed``, not
    PyTorch's shuffling, so single steps differ from DeepOBS's while their distribution
    is the same. ``loss`` and ``value`` are the mean over the whole training set (DeepOBS's
    "train eval"; ``test_value`` is its test loss), in closed form: ``0.5 (theta - m)^T Q
    (theta - m) + c``, with ``m`` the training mean, which is therefore the optimum
    (``optima``), and ``c`` the loss there (``optimum_loss``, about 84.77). DeepOBS names no
    target; minigrad's is 1 above the optimum's loss (the start is about 269 above). In
    700 steps the optimizers reach it while still about 2 from the optimum: along the 90
    flat directions (curvature below 1) the loss hardly changes.
    ``batch_size`` must be an int from 1 to 1000 (TypeError/ValueError).
    """

    name = "quadratic_deep"
    title = "DeepOBS's 100-d noisy quadratic, eigenvalues 90 in (0, 1) and 10 in (30, 60)"
    source = "Schneider, Balles and Hennig (2019), DeepOBS, ICLR; github.com/fsschneider/DeepOBS"
    stochastic = True

    def __init__(self, batch_size: int = 128):
        self.batch_size = check_int("batch_size", batch_size, 1)
        if self.batch_size > 1000:
            raise ValueError(f"batch_size must be at most the 1000 training points, got {batch_size}")
        rng = np.random.RandomState(42)
        self.eigenvalues = np.concatenate([rng.uniform(0.0, 1.0, 90), rng.uniform(30.0, 60.0, 10)])
        rotation = deepobs_rotation(100, rng)
        self.hessian = rotation.T @ np.diag(self.eigenvalues) @ rotation
        self.X_train = np.random.RandomState(42).normal(0.0, 0.6, (1000, 100)).astype(np.float32).astype(np.float64)
        self.X_test = np.random.RandomState(43).normal(0.0, 0.6, (1000, 100)).astype(np.float32).astype(np.float64)
        self._mean = self.X_train.mean(axis=0)
        self._spread = self._mean_loss(self.X_train, self._mean)
        lr = {"sgd": 0.01, "momentum": 3e-3, "adagrad": 0.3, "rmsprop": 0.01, "adam": 0.03, "adamw": 0.03,
              "adadelta": 3.0}  # fmt: skip
        super().__init__(np.ones(100), [self._mean], self._spread, self._spread + 1.0, 700, lr)
        self.target = f"loss <= {self.target_loss:.4f} (1 above the optimum's {self._spread:.4f})"

    def _mean_loss(self, X: np.ndarray, theta: np.ndarray) -> float:
        diff = theta - X
        return float(0.5 * np.mean(np.einsum("ni,ij,nj->n", diff, self.hessian, diff)))

    def _loss(self, theta: Tensor) -> Tensor:
        diff = theta - Tensor(self._mean)
        return 0.5 * (diff * (Tensor(self.hessian) @ diff)).sum() + self._spread

    def _value(self, theta: np.ndarray) -> float:
        diff = theta - self._mean
        return 0.5 * diff @ self.hessian @ diff + self._spread

    def test_value(self, theta) -> float:
        """The mean loss over the 1000 test points (DeepOBS's test loss) at ``theta``
        (array-like, ``(100,)``), a float."""
        return self._mean_loss(self.X_test, np.asarray(theta, dtype=np.float64))

    def sampler(self, seed: int = 0) -> Callable[[Tensor], Tensor]:
        """Each call is the next batch's loss (mean of ``0.5 (theta - x)^T Q (theta - x)``
        over ``batch_size`` training points), epochs of shuffled batches as in DeepOBS, the
        order from numpy's generator seeded with ``seed`` (None, an int >= 0 or a
        Generator; TypeError/ValueError otherwise)."""
        rng = np.random.default_rng(check_seed("seed", seed))
        per_epoch = len(self.X_train) // self.batch_size
        batches = []
        hessian = Tensor(self.hessian)
        # the batch mean of 0.5 (theta - x)^T Q (theta - x) is 0.5 (theta - m)^T Q (theta - m)
        # + 0.5 mean(x^T Q x) - 0.5 m^T Q m, m the batch's mean: O(dim^2) a step, not O(batch dim^2)
        squares = np.einsum("ni,ij,nj->n", self.X_train, self.hessian, self.X_train)

        def batch_loss(theta: Tensor) -> Tensor:
            if not batches:
                order = rng.permutation(len(self.X_train))
                batches.extend(order[i * self.batch_size : (i + 1) * self.batch_size] for i in range(per_epoch))
            batch = batches.pop(0)
            mean = self.X_train[batch].mean(axis=0)
            diff = theta - Tensor(mean)
            rest = 0.5 * (squares[batch].mean() - mean @ self.hessian @ mean)
            return 0.5 * (diff * (hessian @ diff)).sum() + rest

        return batch_loss


class NoisyQuadratic(Problem):
    """The noisy quadratic model (NQM) of Zhang et al. (2019), "Which Algorithmic Choices
    Matter at Which Batch Sizes? Insights From a Noisy Quadratic Model", NeurIPS: the loss
    ``L(theta) = 0.5 sum_i h_i theta_i^2`` with curvatures ``h_i = 1 / i`` (``curvatures``,
    ``(dim,)``), and each step's gradient ``h * theta + noise``, the noise Gaussian with
    mean 0 and covariance ``diag(h) / batch_size`` (their choice ``C = H``: gradient noise
    proportional to the curvature, as for a well-specified model's Fisher information).

    As a loss to differentiate, step t is ``L(theta) + noise_t . theta`` (``sampler``),
    whose gradient is exactly that noisy gradient. The optimum is 0, loss 0. Zhang et al.
    use ``dim = 10^4``; minigrad's default is 100 (``h`` from 1 down to 0.01) so that
    runs are short. The start ``theta = 1`` (loss ``0.5 sum h_i``, about 2.59 for
    ``dim = 100``) and the target, ``L <= 0.05``, are minigrad's: above the level where
    SGD's noise keeps the loss at the default settings (about ``lr sum h_i / (4
    batch_size)`` for a constant lr). ``dim`` (an int >= 1, default 100) and
    ``batch_size`` (an int >= 1, default 16) raise TypeError/ValueError otherwise.
    """

    name = "noisy_quadratic"
    title = "the noisy quadratic model: h_i = 1/i, gradient noise covariance H / batch size"
    source = "Zhang et al. (2019), Which Algorithmic Choices Matter at Which Batch Sizes?, NeurIPS"
    target = "loss <= 0.05"
    stochastic = True

    def __init__(self, dim: int = 100, batch_size: int = 16):
        dim = check_int("dim", dim, 1)
        self.batch_size = check_int("batch_size", batch_size, 1)
        self.curvatures = 1.0 / np.arange(1, dim + 1)
        lr = {"sgd": 0.3, "momentum": 0.03, "adagrad": 0.1, "rmsprop": 0.01, "adam": 0.01, "adamw": 0.01,
              "adadelta": 3.0}  # fmt: skip
        super().__init__(np.ones(dim), np.zeros((1, dim)), 0.0, 0.05, 1000, lr)

    def _loss(self, theta: Tensor) -> Tensor:
        return 0.5 * (Tensor(self.curvatures) * theta * theta).sum()

    def _value(self, theta: np.ndarray) -> float:
        return 0.5 * float(self.curvatures @ (theta * theta))

    def noise(self, rng: np.random.Generator) -> np.ndarray:
        """One draw of the gradient noise, ``(dim,)`` float64: Gaussian, mean 0, covariance
        ``diag(curvatures) / batch_size``."""
        return np.sqrt(self.curvatures / self.batch_size) * rng.standard_normal(self.dim)

    def sampler(self, seed: int = 0) -> Callable[[Tensor], Tensor]:
        """Each call is the next step's ``L(theta) + noise . theta``, the noise from numpy's
        generator seeded with ``seed`` (None, an int >= 0 or a Generator)."""
        rng = np.random.default_rng(check_seed("seed", seed))

        def noisy_loss(theta: Tensor) -> Tensor:
            return self._loss(theta) + (Tensor(self.noise(rng)) * theta).sum()

        return noisy_loss

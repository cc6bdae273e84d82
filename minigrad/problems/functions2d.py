"""Two-dimensional test functions with known minima: Rosenbrock's valley, Beale's function,
Himmelblau's four minima, a saddle and a rotated ill-conditioned quadratic bowl. Each loss
is written once, elementwise in x and y, so the same expression gives the autograd loss of
a parameter Tensor and the numpy surface over a grid."""

from __future__ import annotations

import math

import numpy as np

from ..checks import check_number, check_range
from .base import Problem

__all__ = ["Rosenbrock", "Beale", "Himmelblau", "Saddle", "RotatedQuadratic"]


def _point(name: str, value, dim: int = 2) -> np.ndarray:
    """A point of ``dim`` finite numbers; TypeError/ValueError naming ``name`` otherwise."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be a sequence of {dim} numbers, got {value!r}")
    if len(value) != dim:
        raise ValueError(f"{name} must hold {dim} numbers, got {len(value)}: {value!r}")
    return np.array([check_number(f"{name}[{i}]", v) for i, v in enumerate(value)])


class Rosenbrock(Problem):
    """Rosenbrock's banana function, ``f(x, y) = (1 - x)^2 + 100 (y - x^2)^2``: a curved,
    narrow valley whose floor falls gently to the one minimum ``(1, 1)``, loss 0.

    Source: H. H. Rosenbrock (1960), "An automatic method for finding the greatest or
    least value of a function", The Computer Journal 3(3): 175-184 (``a = 1``, ``b = 100``
    and the start ``(-1.2, 1)`` are his). Target: loss at most 1e-4 (the point is then
    within about 0.02 of ``(1, 1)``). In the default 2000 steps momentum and Adam reach
    it; SGD, AdaGrad and RMSprop, at every lr of the grid, are still crawling along the
    valley. ``start`` (two numbers, default ``(-1.2, 1.0)``) may be moved, e.g. to
    ``(-1.5, 2)``; TypeError/ValueError for anything but two finite numbers.
    """

    name = "rosenbrock"
    title = "Rosenbrock's valley (1 - x)^2 + 100 (y - x^2)^2, minimum (1, 1)"
    source = "Rosenbrock (1960), The Computer Journal 3(3): 175-184"
    target = "loss <= 1e-4"
    bounds = ((-2.0, 2.0), (-1.0, 3.0))

    def __init__(self, start=(-1.2, 1.0)):
        lr = {"sgd": 1e-3, "momentum": 1e-3, "adagrad": 1.0, "rmsprop": 3e-3, "adam": 0.1, "adamw": 0.03,
              "adadelta": 0.1}  # fmt: skip
        super().__init__(_point("start", start), [(1.0, 1.0)], 0.0, 1e-4, 2000, lr)

    @staticmethod
    def _expression(x, y):
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2


class Beale(Problem):
    """Beale's function, ``f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x +
    xy^3)^2``: flat plateaus and steep ridges around the one minimum ``(3, 0.5)``, loss 0.

    Source: E. M. L. Beale (1958), "On an iterative method for finding a local minimum of
    a function of more than one variable", Technical Report 25, Statistical Techniques
    Research Group, Princeton University; as given in Surjanovic and Bingham's Virtual
    Library of Simulation Experiments (https://www.sfu.ca/~ssurjano/beale.html). Target:
    loss at most 1e-4. ``start`` defaults to ``(1.0, 1.5)``.
    """

    name = "beale"
    title = "Beale's function, minimum (3, 0.5)"
    source = "Beale (1958), Princeton technical report 25; www.sfu.ca/~ssurjano/beale.html"
    target = "loss <= 1e-4"
    bounds = ((-1.0, 4.0), (-1.5, 2.0))

    def __init__(self, start=(1.0, 1.5)):
        lr = {"sgd": 0.01, "momentum": 1e-3, "adagrad": 1.0, "rmsprop": 3e-3, "adam": 0.1, "adamw": 0.1,
              "adadelta": 1.0}  # fmt: skip
        super().__init__(_point("start", start), [(3.0, 0.5)], 0.0, 1e-4, 1500, lr)

    @staticmethod
    def _expression(x, y):
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y * y * y) ** 2


# Newton's method from the textbook values, to the last bit: each has gradient below 2e-14
HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.2831859912861696),
    (3.5844283403304917, -1.8481265269644034),
)


class Himmelblau(Problem):
    """Himmelblau's function, ``f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2``: four
    minima, each of loss 0, at ``(3, 2)``, about ``(-2.805118, 3.131313)``, ``(-3.779310,
    -3.283186)`` and ``(3.584428, -1.848127)`` (``HIMMELBLAU_MINIMA`` to 16 digits), and a
    local maximum at about ``(-0.270845, -0.923039)``. Which minimum an optimizer ends in
    depends on its path.

    Source: D. M. Himmelblau (1972), Applied Nonlinear Programming, McGraw-Hill. Target:
    loss at most 1e-4 at any of the four (the distance in the table is to the nearest).
    ``start`` defaults to ``(0.0, -1.0)``, just below the maximum, where optimizers part:
    at the default learning rates SGD and momentum end in ``(3.584428, -1.848127)``,
    AdaGrad, RMSprop and Adam, whose first steps go along the diagonal, in ``(3, 2)``.
    """

    name = "himmelblau"
    title = "Himmelblau's function, four minima of loss 0"
    source = "Himmelblau (1972), Applied Nonlinear Programming"
    target = "loss <= 1e-4 (at any of the four minima)"
    bounds = ((-5.0, 5.0), (-5.0, 5.0))

    def __init__(self, start=(0.0, -1.0)):
        lr = {"sgd": 0.01, "momentum": 3e-3, "adagrad": 0.3, "rmsprop": 0.01, "adam": 0.1, "adamw": 0.3,
              "adadelta": 0.3}  # fmt: skip
        super().__init__(_point("start", start), HIMMELBLAU_MINIMA, 0.0, 1e-4, 500, lr)

    @staticmethod
    def _expression(x, y):
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


class Saddle(Problem):
    """A saddle with a floor: ``f(x, y) = x^2 - y^2 + y^4 / 4``. The origin is a saddle
    point (loss 0, gradient 0, curvature +2 along x and -2 along y); the minima are
    ``(0, sqrt(2))`` and ``(0, -sqrt(2))``, loss -1. (The plain saddle ``x^2 - y^2`` has no
    minimum: every escape would run to minus infinity.)

    The start ``(1, 1e-3)`` lies almost on the saddle's attracting x axis: gradient descent
    first slides towards the saddle and then has to escape it along y, where the gradient
    is only about ``2 y``. Escaping is measured by the loss: the target is loss at most
    -0.5, half way from the saddle's 0 to the minima's -1, which no point within 0.7 of
    the origin reaches (there ``f >= -y^2 + y^4 / 4 > -0.5``).

    Source: the saddle-point problem of Dauphin et al. (2014), "Identifying and attacking
    the saddle point problem in high-dimensional non-convex optimization", NeurIPS; the
    quartic floor is minigrad's choice. ``start`` defaults to ``(1.0, 1e-3)``.
    """

    name = "saddle"
    title = "a saddle at (0, 0): x^2 - y^2 + y^4 / 4, minima (0, +-sqrt 2)"
    source = "Dauphin et al. (2014), NeurIPS; the quartic floor is minigrad's"
    target = "loss <= -0.5 (escaped the saddle: half way down to the minima's -1)"
    bounds = ((-1.5, 1.5), (-2.0, 2.0))

    def __init__(self, start=(1.0, 1e-3)):
        lr = {"sgd": 0.1, "momentum": 0.03, "adagrad": 0.3, "rmsprop": 0.01, "adam": 0.03, "adamw": 0.03,
              "adadelta": 1.0}  # fmt: skip
        root = math.sqrt(2.0)
        super().__init__(_point("start", start), [(0.0, root), (0.0, -root)], -1.0, -0.5, 200, lr)

    @staticmethod
    def _expression(x, y):
        return x * x - y * y + 0.25 * (y * y) * (y * y)


class RotatedQuadratic(Problem):
    """An ill-conditioned quadratic bowl turned away from the axes: ``f(p) = 0.5 (q_1^2 +
    condition * q_2^2)`` with ``q = R p`` the point in the bowl's own axes, turned by
    ``angle`` degrees counter-clockwise from x and y (``q_1 = cos a x + sin a y``, ``q_2 =
    cos a y - sin a x``). Its Hessian has eigenvalues 1 and ``condition``; the minimum is
    ``(0, 0)``, loss 0. Turned, the bowl's steep direction mixes both coordinates, so a
    per-coordinate step size (AdaGrad, RMSprop, Adam) cannot undo the conditioning.

    Source: the classic worst case of gradient descent, e.g. Nocedal and Wright (2006),
    Numerical Optimization, section 3.3, and Goh (2017), "Why Momentum Really Works",
    Distill. Target: loss at most 1e-6 (from 0.5 * (25 + condition) at the start, which is
    ``(-5, 1)`` in the bowl's axes). ``condition`` (a number >= 1, default 25) and
    ``angle`` (degrees, default 30) raise TypeError/ValueError when not a number or out of
    range. SGD's and momentum's learning rates are ``1 / condition`` (stable below
    ``2 / condition`` and ``3.8 / condition``); ``steps`` grows with ``condition``.
    """

    name = "rotated_quadratic"
    title = "a rotated ill-conditioned quadratic bowl, minimum (0, 0)"
    source = "Nocedal and Wright (2006), Numerical Optimization, 3.3; Goh (2017), Distill"
    target = "loss <= 1e-6"

    def __init__(self, condition: float = 25.0, angle: float = 30.0):
        self.condition = check_range("condition", condition, 1)
        self.angle = check_number("angle", angle)
        a = math.radians(self.angle)
        self._cos, self._sin = math.cos(a), math.sin(a)
        start = np.array([[self._cos, -self._sin], [self._sin, self._cos]]) @ np.array([-5.0, 1.0])
        lr = {"sgd": 1 / self.condition, "momentum": 1 / self.condition, "adagrad": 1.0, "rmsprop": 0.03,
              "adam": 0.1, "adamw": 0.1, "adadelta": 3.0}  # fmt: skip
        steps = max(300, math.ceil(12 * self.condition))
        super().__init__(start, [(0.0, 0.0)], 0.0, 1e-6, steps, lr)
        reach = float(np.abs(start).max()) * 1.3
        self.bounds = ((-reach, reach), (-reach, reach))

    def _expression(self, x, y):
        q1 = self._cos * x + self._sin * y
        q2 = self._cos * y - self._sin * x
        return 0.5 * (q1 * q1 + self.condition * (q2 * q2))

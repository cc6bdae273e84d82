"""The quantitative claims of tutorials/03_gradient_descent_troubles.py, measured again with
minigrad's optimizers (not by running the tutorial). Each test quotes its claim."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim

KAPPA = 25.0
CURVATURES = np.array([1.0, KAPPA])
START = (-5.0, 1.0)
ROSEN_START = (-1.2, 1.0)


def quadratic(p):
    return (0.5 * CURVATURES * p * p).sum()


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def loss_of(path):
    return (0.5 * CURVATURES * path**2).sum(axis=1)


def descend(fn, start, steps, **options):
    point = mg.Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    opt = optim.SGD([point], **options)
    trail = [point.data.copy()]
    for _ in range(steps):
        opt.zero_grad()
        fn(point).backward()
        opt.step()
        trail.append(point.data.copy())
    return np.array(trail)


def rosenbrock_gradient(x, y):
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def descend_rosenbrock(steps, **options):
    """Long Rosenbrock runs with the optimizer, feeding it the gradient's formula (checked
    against minigrad's autograd below) to keep the test fast."""
    point = mg.Tensor(np.array(ROSEN_START), requires_grad=True)
    opt = optim.SGD([point], **options)
    trail = [point.data.copy()]
    for _ in range(steps):
        point.grad = rosenbrock_gradient(*point.data)
        opt.step()
        trail.append(point.data.copy())
    path = np.array(trail)
    return path, (1 - path[:, 0]) ** 2 + 100 * (path[:, 1] - path[:, 0] ** 2) ** 2


def steps_to(losses, target=1e-6):
    below = np.flatnonzero(np.asarray(losses) < target)
    return int(below[0]) if below.size else None


def closed_form(lr, steps):
    t = np.arange(steps + 1)
    x0, y0 = START
    return 0.5 * x0**2 * (1 - lr) ** (2 * t) + 0.5 * KAPPA * y0**2 * (1 - lr * KAPPA) ** (2 * t)


# "x <- (1 - lr) x, y <- (1 - lr kappa) y": one step of optim.SGD multiplies each coordinate
# by its own fixed factor.
@pytest.mark.parametrize("lr", [0.05, 0.079])
def test_each_coordinate_is_multiplied_by_a_fixed_factor(lr):
    path = descend(quadratic, START, 1, lr=lr)
    np.testing.assert_allclose(path[1] / path[0], [1 - lr, 1 - lr * KAPPA], rtol=1e-12)


# "the limit 2 / kappa = 0.080": lr = 0.079 converges, lr = 0.081 diverges (|y| after 300
# steps is 0.0005 times its start, against 1.6e+03 times).
def test_lr_just_below_two_over_kappa_converges_and_just_above_diverges():
    assert 2 / KAPPA == pytest.approx(0.08)
    below = descend(quadratic, START, 300, lr=0.079)
    above = descend(quadratic, START, 300, lr=0.081)
    assert abs(below[-1, 1] / below[0, 1]) < 1e-3
    assert abs(above[-1, 1] / above[0, 1]) > 1e3


# "lr = 0.01: after 40 steps |y| = 1.0e-05, but x has covered only 33%" (too small: crawls);
# "lr = 0.07: y changed sign on 40 of 40 steps; x covered 95%" (the zig-zag);
# "lr = 0.081: |y| went from 1.0 to 2.69" (too large: the zig-zag grows).
def test_too_small_crawls_in_between_zigzags_too_large_grows():
    small = descend(quadratic, START, 40, lr=0.01)
    assert abs(small[-1, 1]) < 2e-5
    assert 1 - small[-1, 0] / small[0, 0] == pytest.approx(0.33, abs=0.01)
    zigzag = descend(quadratic, START, 40, lr=0.07)
    assert np.all(np.sign(zigzag[1:, 1]) != np.sign(zigzag[:-1, 1]))
    assert 1 - zigzag[-1, 0] / zigzag[0, 0] == pytest.approx(0.95, abs=0.01)
    large = descend(quadratic, START, 40, lr=0.081)
    assert abs(large[-1, 1]) == pytest.approx(2.69, abs=0.01)


# "The measured curves sit on the closed form to rounding error", and the table of steps to
# 1e-6: 0.01 -> 813, 0.02 -> 405, 0.05 -> 160, the best lr 2 / (1 + kappa) -> 107,
# 0.079 -> 323, 0.081 -> never (within 1000 steps).
@pytest.mark.parametrize(
    "lr, steps", [(0.01, 813), (0.02, 405), (0.05, 160), (2 / (1 + KAPPA), 107), (0.079, 323), (0.081, None)]
)
def test_loss_curve_matches_the_closed_form_and_the_printed_step_counts(lr, steps):
    budget = 1000 if steps is None else steps + 5
    losses = loss_of(descend(quadratic, START, budget, lr=lr))
    exact = closed_form(lr, budget)
    assert np.max(np.abs(losses - exact) / exact) < 1e-10
    assert steps_to(losses) == steps
    assert steps_to(exact) == steps


# "best lr 2 / (1 + kappa) = 0.0769; both factors are then 0.9231 per step" and
# "lr = 0.079 needs 3.0x the steps of the best lr" ("about three times longer").
def test_best_lr_equalises_the_factors_and_is_three_times_faster_than_0_079():
    best = 2 / (1 + KAPPA)
    assert abs(1 - best) == pytest.approx(abs(1 - best * KAPPA)) == pytest.approx(0.9231, abs=1e-4)
    slow = steps_to(loss_of(descend(quadratic, START, 400, lr=0.079)))
    fast = steps_to(loss_of(descend(quadratic, START, 400, lr=best)))
    assert slow / fast == pytest.approx(3.0, abs=0.1)


# "after 15 steps (lr 0.07, m 0.5) the buffer along x is 2.54 times the gradient", a bit more
# than 1 / (1 - m) = 2.
def test_momentum_buffer_along_the_flat_direction_is_about_two_and_a_half_gradients():
    point = mg.Tensor(np.array(START), requires_grad=True)
    optimizer = optim.SGD([point], lr=0.07, momentum=0.5)
    for _ in range(15):
        optimizer.zero_grad()
        quadratic(point).backward()
        gradient = point.grad.copy()
        optimizer.step()
    ratio = optimizer.state[point]["momentum_buffer"][0] / gradient[0]
    assert ratio == pytest.approx(2.54, abs=0.01)
    assert ratio > 1 / (1 - 0.5)


# "with m = 0.5 the limit is 2 (1 + m) / kappa = 0.120": lr 0.119 converges (|y| 2.8e-07 of
# its start after 300 steps), lr 0.121 diverges (3.3e+06).
def test_momentum_raises_the_limit_to_two_times_one_plus_m_over_kappa():
    assert 2 * (1 + 0.5) / KAPPA == pytest.approx(0.12)
    below = descend(quadratic, START, 300, lr=0.119, momentum=0.5)
    above = descend(quadratic, START, 300, lr=0.121, momentum=0.5)
    assert abs(below[-1, 1] / below[0, 1]) < 1e-6
    assert abs(above[-1, 1] / above[0, 1]) > 1e6


# "With m = 0.5 the path runs down the valley much faster ... With m = 0.9 ... the path
# overshoots the minimum": losses after 40 steps 3.8e-02 (plain), 4.0e-06 (m 0.5), 2.2e-01
# (m 0.9), largest x reached -0.27, -0.00 and 2.71.
def test_momentum_paths_after_forty_steps():
    plain, half, most = (descend(quadratic, START, 40, lr=0.07, momentum=m) for m in (0.0, 0.5, 0.9))
    assert loss_of(plain)[-1] == pytest.approx(3.8e-2, rel=0.05)
    assert loss_of(half)[-1] == pytest.approx(4.0e-6, rel=0.05)
    assert loss_of(most)[-1] == pytest.approx(2.2e-1, rel=0.05)
    assert plain[:, 0].max() < 0 and half[:, 0].max() <= 0 < 2.7 < most[:, 0].max()


# "At the same learning rate, m = 0.5 needs far fewer steps than plain SGD, while m = 0.9
# needs more" (44, 113, 146 steps to 1e-6); "Polyak's choice: lr = 0.1111, m = 0.4444, factor
# 0.667 per step" reaches 1e-6 in 30 steps; "best plain SGD needs 3.6x the steps of Polyak's
# momentum" ("more than a factor of three").
def test_steps_to_one_in_a_million_with_momentum():
    def steps(lr, m):
        return steps_to(loss_of(descend(quadratic, START, 200, lr=lr, momentum=m)))

    assert (steps(0.07, 0.0), steps(0.07, 0.5), steps(0.07, 0.9)) == (113, 44, 146)
    root = np.sqrt(KAPPA)
    polyak_lr, polyak_m = 4 / (1 + root) ** 2, ((root - 1) / (root + 1)) ** 2
    assert (polyak_lr, polyak_m, (root - 1) / (root + 1)) == pytest.approx((1 / 9, 4 / 9, 2 / 3))
    polyak, best = steps(polyak_lr, polyak_m), steps(2 / (1 + KAPPA), 0.0)
    assert (polyak, best) == (30, 107)
    assert best / polyak > 3


# "Hessian at (1, 1)": the formula [[802, -400], [-400, 200]] equals central differences of
# minigrad's gradients; "curvatures: 1001.6 across the valley, 0.3994 along it; kappa = 2508",
# "lr < 2 / 1001.6 = 0.001997". The gradient formula the long runs below use is minigrad's too.
def test_rosenbrock_hessian_curvatures_and_limit():
    def gradient(at):
        point = mg.Tensor(np.array(at, dtype=np.float64), requires_grad=True)
        rosenbrock(point).backward()
        return point.grad

    h = 1e-5
    numeric = np.array([(gradient(np.ones(2) + h * e) - gradient(np.ones(2) - h * e)) / (2 * h) for e in np.eye(2)])
    hessian = np.array([[802.0, -400.0], [-400.0, 200.0]])
    np.testing.assert_allclose(numeric, hessian, atol=1e-4)
    flat, steep = np.linalg.eigvalsh(hessian)
    assert (steep, flat, steep / flat) == pytest.approx((1001.6, 0.3994, 2508), abs=0.5e-1, rel=5e-4)
    assert 2 / steep == pytest.approx(0.001997, abs=1e-6)
    for at in ([-1.2, 1.0], [0.3, -0.2], [0.97, 0.94]):
        np.testing.assert_allclose(gradient(at), rosenbrock_gradient(*at), rtol=1e-12)


# Rosenbrock table: lr 0.0015 reaches 1e-3 in 4353 steps; lr 0.0019 reaches 1e-3 in 3415 and
# 1e-6 in 7901 steps ("Just below the limit, SGD gets to the minimum"); momentum 0.9 at lr
# 0.0015 reaches 1e-3 in 344 and 1e-6 in 877 steps; "plain SGD needs 12.7x the steps of
# momentum 0.9" ("more than ten times sooner").
def test_rosenbrock_step_counts_and_momentum_gain():
    _, sgd = descend_rosenbrock(10_000, lr=0.0015)
    _, below = descend_rosenbrock(10_000, lr=0.0019)
    _, heavy = descend_rosenbrock(1_000, lr=0.0015, momentum=0.9)
    assert steps_to(sgd, 1e-3) == pytest.approx(4353, abs=2)
    assert steps_to(below, 1e-3) == pytest.approx(3415, abs=2) and steps_to(below) == pytest.approx(7901, abs=2)
    assert steps_to(heavy, 1e-3) == pytest.approx(344, abs=2) and steps_to(heavy) == pytest.approx(877, abs=2)
    assert steps_to(sgd, 1e-3) / steps_to(heavy, 1e-3) == pytest.approx(12.7, abs=0.1)


# "Just above it, nothing blows up": lr 0.0021 reaches its lowest loss 2.1e-04 at step 3960,
# is thrown back, ends at loss 3.4e-02 and "alternates between [0.976 0.935] and
# [0.961 0.943]", well short of (1, 1).
def test_rosenbrock_just_above_the_limit_stalls_in_a_two_point_bounce():
    path, losses = descend_rosenbrock(10_000, lr=0.0021)
    assert np.all(np.isfinite(losses))
    assert losses.min() == pytest.approx(2.1e-4, rel=0.05)
    assert losses.argmin() == pytest.approx(3960, abs=10)
    assert losses[-1] == pytest.approx(3.4e-2, rel=0.05)
    np.testing.assert_allclose(path[-2:], [[0.976, 0.935], [0.961, 0.943]], atol=1e-3)
    assert np.abs(path[-1] - path[-3]).max() < 1e-4


# "SGD lr 0.0015: after 500 steps at [-0.018 0.001], distance to (1, 1) 1.427";
# "momentum 0.9, lr 0.0015: after 500 steps at [0.989 0.978], distance to (1, 1) 0.025".
def test_rosenbrock_paths_after_500_steps():
    sgd, _ = descend_rosenbrock(500, lr=0.0015)
    heavy, _ = descend_rosenbrock(500, lr=0.0015, momentum=0.9)
    assert np.linalg.norm(sgd[-1] - 1) == pytest.approx(1.427, abs=1e-3)
    assert np.linalg.norm(heavy[-1] - 1) == pytest.approx(0.025, abs=1e-3)


# Exercise 2: "When the roots of z^2 - (1 + m - lr h) z + m are complex, momentum shrinks the
# error by exactly sqrt(m) per step along that direction", with m = 0.9, lr = 0.07 (complex
# for both h = 1 and h = 25), so the loss shrinks by m per step on average.
def test_momentum_with_complex_roots_shrinks_by_sqrt_m_per_step():
    m, lr = 0.9, 0.07
    for h in CURVATURES:
        assert (1 + m - lr * h) ** 2 < 4 * m
        assert np.abs(np.roots([1, -(1 + m - lr * h), m])) == pytest.approx([np.sqrt(m)] * 2)
    losses = loss_of(descend(quadratic, START, 300, lr=lr, momentum=m))
    slope = np.polyfit(np.arange(301), np.log(losses), 1)[0]
    assert slope == pytest.approx(np.log(m), rel=0.05)

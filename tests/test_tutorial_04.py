"""The quantitative claims of tutorials/04_adagrad.py, measured again with minigrad's
optimizers (not by running the tutorial). Each test quotes its claim."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim

KAPPA = 25.0
CURVATURES = np.array([1.0, KAPPA])
START = (-5.0, 1.0)
ROTATION = np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2)
ROTATED_START = tuple(ROTATION @ np.array(START))
LR = 0.1  # the tutorial's FAR_LR, used from the decay section on


def quadratic(p):
    return (0.5 * CURVATURES * p * p).sum()


def rotated(p):
    return quadratic(p @ ROTATION)


def descend(fn, start, steps, optimizer, **options):
    point = mg.Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    opt = optimizer([point], **options)
    trail = [point.data.copy()]
    for _ in range(steps):
        opt.zero_grad()
        fn(point).backward()
        opt.step()
        trail.append(point.data.copy())
    return np.array(trail), opt


def loss(fn, point):
    with mg.no_grad():
        return fn(mg.Tensor(np.asarray(point))).item()


def steps_to(fn, path, target=1e-6):
    below = [t for t, p in enumerate(path) if loss(fn, p) < target]
    return below[0] if below else None


def stepped(optimizer, gradients, **options):
    """Feed ``optimizer`` a given sequence of gradients for one parameter; return
    (positions, effective_lr() after every step). Gradients are set directly, which is what
    backward() of a linear loss would produce, to keep long runs fast."""
    gradients = [np.asarray(g, dtype=np.float64) for g in gradients]
    w = mg.Tensor(np.zeros_like(gradients[0]), requires_grad=True)
    opt = optimizer([w], lr=LR, **options)
    positions, rates = [], []
    for g in gradients:
        w.grad = g
        opt.step()
        positions.append(w.data.copy())
        rates.append(opt.effective_lr())
    return np.array(positions), np.array(rates)


def walk(optimizer, D, steps):
    """x from 0 towards the minimum of sqrt(1 + (x - D)^2) - 1, gradient from its formula."""
    x = mg.Tensor(np.zeros(1), requires_grad=True)
    opt = optimizer([x], lr=LR)
    trail = [0.0]
    for _ in range(steps):
        d = x.data - D
        x.grad = d / np.sqrt(1 + d * d)
        opt.step()
        trail.append(x.data[0])
    return np.array(trail)


def arrival(positions, D):
    close = np.flatnonzero(np.abs(positions - D) < 1)
    return int(close[0]) if close.size else None


# "first step of SGD (lr 0.07): |dx| = 0.350, |dy| = 1.750, ratio 5.0"; "first step of
# AdaGrad (lr 1.2): |dx| = 1.200, |dy| = 1.200": every coordinate moves by lr.
def test_first_step_is_lr_for_every_coordinate():
    sgd, _ = descend(quadratic, START, 1, optim.SGD, lr=0.07)
    ada, _ = descend(quadratic, START, 1, optim.Adagrad, lr=1.2)
    np.testing.assert_allclose(np.abs(sgd[1] - sgd[0]), [0.35, 1.75])
    np.testing.assert_allclose(np.abs(ada[1] - ada[0]), [1.2, 1.2])


# "SGD: loss after 40 steps 3.8e-02 (axes), 3.8e-02 (turned)"; "AdaGrad: 3.5e-05 (axes),
# 2.4e-01 (turned)": AdaGrad ends far lower on the axis-aligned bowl and higher on the turned
# one. "AdaGrad's effective lr after 40 steps: x 0.1415, y 0.0470 (3.0 times smaller along
# the steep y)".
def test_forty_steps_on_both_bowls_and_the_effective_lr_per_coordinate():
    sgd, _ = descend(quadratic, START, 40, optim.SGD, lr=0.07)
    sgd_turned, _ = descend(rotated, ROTATED_START, 40, optim.SGD, lr=0.07)
    ada, adagrad = descend(quadratic, START, 40, optim.Adagrad, lr=1.2)
    ada_turned, _ = descend(rotated, ROTATED_START, 40, optim.Adagrad, lr=1.2)
    assert loss(quadratic, sgd[-1]) == pytest.approx(3.8e-2, rel=0.02)
    assert loss(rotated, sgd_turned[-1]) == pytest.approx(loss(quadratic, sgd[-1]), rel=1e-9)
    assert loss(quadratic, ada[-1]) == pytest.approx(3.5e-5, rel=0.02)
    assert loss(rotated, ada_turned[-1]) == pytest.approx(2.4e-1, rel=0.03)
    flat, steep = adagrad.effective_lr()
    assert (flat, steep) == pytest.approx((0.1415, 0.0470), abs=1e-4)
    assert flat / steep == pytest.approx(3.0, abs=0.05)


# The scan: steps to 1e-6 on the axis-aligned and the turned bowl, AdaGrad lr 0.3: 622 / 872,
# 1.2: 52 / 166, 3: 11 / 169, 10: 9 / 189, 30: 7 / 198; SGD at 2 / (1 + kappa): 107 / 107.
# "No learning rate in the scan diverges, and no step was ever longer than lr"; "AdaGrad
# beats the best plain SGD for every learning rate from 1.2 up"; "On the turned bowl, the
# best AdaGrad in the scan is slower than the best plain SGD"; "lr = 30 moves it 30 units".
@pytest.mark.parametrize(
    "lr, axes, turned", [(0.3, 622, 872), (1.2, 52, 166), (3.0, 11, 169), (10.0, 9, 189), (30.0, 7, 198)]
)
def test_adagrad_scan(lr, axes, turned):
    path, _ = descend(quadratic, START, axes + 2, optim.Adagrad, lr=lr)
    turned_path, _ = descend(rotated, ROTATED_START, turned + 2, optim.Adagrad, lr=lr)
    assert (steps_to(quadratic, path), steps_to(rotated, turned_path)) == (axes, turned)
    for p in (path, turned_path):
        assert np.abs(np.diff(p, axis=0)).max() <= lr * (1 + 1e-12)
    assert np.abs(path[1] - path[0]) == pytest.approx([lr, lr])
    best_sgd = 107
    assert turned > best_sgd and (lr < 1.2 or axes < best_sgd)


def test_best_plain_sgd_needs_107_steps_on_both_bowls():
    lr = 2 / (1 + KAPPA)
    path, _ = descend(quadratic, START, 110, optim.SGD, lr=lr)
    turned_path, _ = descend(rotated, ROTATED_START, 110, optim.SGD, lr=lr)
    assert steps_to(quadratic, path) == steps_to(rotated, turned_path) == 107


# "effective lr after t steps = lr / (sqrt(t) |g| + eps)": effective_lr() follows it to
# rounding error ("largest relative gap ... 4.7e-14"), "fitted log-log slopes: -0.5000" for
# |g| = 0.01, 1, 100, and "step 10000: every coordinate moved 0.001 = lr / sqrt(t)".
def test_effective_lr_falls_as_lr_over_sqrt_t_times_g():
    g = np.array([0.01, 1.0, 100.0])
    steps = 10_000
    positions, rates = stepped(optim.Adagrad, [g] * steps)
    t = np.arange(1, steps + 1)[:, None]
    formula = LR / (np.sqrt(t) * g + 1e-10)
    assert np.max(np.abs(rates / formula - 1)) < 1e-12
    for i in range(3):
        slope = np.polyfit(np.log(t[:, 0]), np.log(rates[:, i]), 1)[0]
        assert slope == pytest.approx(-0.5, abs=1e-4)
    np.testing.assert_allclose(np.abs(positions[-1] - positions[-2]), LR / np.sqrt(steps), rtol=1e-9)


# The far-away minimum, lr 0.1: SGD gets within 1 of D = 5, 10, 20 after 44, 95, 195 steps
# (about (D - 1) / lr), AdaGrad after 465, 2211, 9484 (about ((D - 1) / (2 lr))^2), ratios 11,
# 23, 49 ("tens of times more steps"); "after 100 steps towards D = 20: SGD at 9.98, AdaGrad
# at 1.86", "after 1000 steps: SGD at 20.00, AdaGrad at 6.18 (lr * sum of 1/sqrt(k): 6.18)".
# In the short run, D = 3: 23 and 125 steps.
@pytest.mark.parametrize("D, sgd_steps, ada_steps", [(3, 23, 125), (5, 44, 465), (10, 95, 2211), (20, 195, 9484)])
def test_far_minimum_step_counts(D, sgd_steps, ada_steps):
    sgd, ada = walk(optim.SGD, D, sgd_steps + 1), walk(optim.Adagrad, D, ada_steps + 1)
    assert (arrival(sgd, D), arrival(ada, D)) == (sgd_steps, ada_steps)
    assert ada[1] == pytest.approx(LR) and sgd[1] == pytest.approx(LR, rel=0.06)  # "just as long as SGD's"
    assert sgd_steps == pytest.approx((D - 1) / LR, rel=0.15)
    assert ada_steps == pytest.approx(((D - 1) / (2 * LR)) ** 2, rel=0.25)
    if D >= 10:
        assert ada_steps / sgd_steps > 20


def test_far_minimum_positions_follow_two_lr_sqrt_t():
    sgd, ada = walk(optim.SGD, 20, 1000), walk(optim.Adagrad, 20, 1000)
    partial_sums = LR * np.cumsum(1 / np.sqrt(np.arange(1, 1001)))
    assert (sgd[100], ada[100], partial_sums[99]) == pytest.approx((9.98, 1.86, 1.86), abs=0.005)
    assert (sgd[1000], ada[1000], partial_sums[999]) == pytest.approx((20.00, 6.18, 6.18), abs=0.005)


# "sums after 1000 steps: [100990. 1000.]"; "after 1000 steps the steady coordinate's effective
# lr is 10.0 times the spiked one's";
# "the spiked coordinate's effective lr gets within 2x of the steady one's only after 33,330
# steps" (ten steps of gradient 100, then 1; the other coordinate always 1).
def test_adagrad_never_forgets_an_early_spike():
    w = mg.Tensor(np.zeros(2), requires_grad=True)
    optimizer = optim.Adagrad([w], lr=LR)
    spike, steady = np.array([100.0, 1.0]), np.array([1.0, 1.0])
    ratio = {}
    for step in range(1, 33_333):
        w.grad = spike if step <= 10 else steady
        optimizer.step()
        if step == 1000:
            np.testing.assert_allclose(optimizer.state[w]["sum"], [100_990.0, 1000.0])
        if step in (1000, 33_329, 33_332):
            spiked, steady_lr = optimizer.effective_lr()
            ratio[step] = steady_lr / spiked
    assert ratio[1000] == pytest.approx(10.0, abs=0.05)
    assert ratio[33_329] > 2 > ratio[33_332]


# First step / lr for gradients 10, 1, 0.01, 1e-9, 0: PyTorch (0, 1e-10): 1, 1, 1, 0.909, 0;
# Keras (0.1, 1e-7): 1 (0.9995), 0.953, 0.0316, 3.16e-09, 0; only eps 1e-7: 1, 1, 1, 0.0099, 0.
# "For gradients of size 1 or more, the conventions agree to within a few percent".
# Effective lr / lr with gradient 0: 1e+10, 3e+00, 1e+07.
def test_initial_accumulator_value_and_eps_on_the_first_step():
    g = np.array([10.0, 1.0, 0.01, 1e-9, 0.0])
    expected = {
        (0.0, 1e-10): ([1, 1, 1, 0.909, 0], 1e10),
        (0.1, 1e-7): ([0.9995, 0.953, 0.0316, 3.16e-9, 0], 3.16),
        (0.0, 1e-7): ([1, 1, 1, 0.0099, 0], 1e7),
    }
    for (start, eps), (steps, zero_rate) in expected.items():
        positions, rates = stepped(optim.Adagrad, [g], initial_accumulator_value=start, eps=eps)
        np.testing.assert_allclose(np.abs(positions[0]) / LR, steps, rtol=2e-3, atol=1e-12)
        assert rates[0, -1] / LR == pytest.approx(zero_rate, rel=2e-3)
        assert np.all(np.abs(positions[0][:2]) / LR > 0.95)


# "g = 0.01 after 1000 steps: Keras's effective lr is 0.71 of PyTorch's".
def test_keras_start_still_matters_after_a_thousand_small_gradients():
    gradients = [np.array([0.01])] * 1000
    _, torch_rates = stepped(optim.Adagrad, gradients)
    _, keras_rates = stepped(optim.Adagrad, gradients, initial_accumulator_value=0.1, eps=1e-7)
    assert keras_rates[-1, 0] / torch_rates[-1, 0] == pytest.approx(0.71, abs=0.005)

"""The claims of tutorials/01_autograd_from_scratch.py, reproduced with minigrad directly."""

from functools import cache

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim

X_IN = np.array([0.5, -1.5])
TARGET = 0.3
EPS_GRID = np.logspace(-13, 0, 53)  # 4 step sizes per decade, as in the tutorial
TRIALS = 12


def expression():
    a, b, c = (mg.Tensor(value, requires_grad=True) for value in (2.0, -3.0, 10.0))
    return a, b, c, (a * b + c) ** 2


def neuron_loss(w, bias):
    return (((w * X_IN.astype(w.dtype)).sum() + bias).tanh() - TARGET) ** 2


def finite_difference(w_value, b_value, eps, dtype, central):
    step = np.array([eps, 0.0])

    def f(w_arr):
        with mg.no_grad():
            return float(
                neuron_loss(mg.Tensor(w_arr.astype(dtype)), mg.Tensor(np.asarray(b_value, dtype=dtype))).item()
            )

    if central:
        return (f(w_value + step) - f(w_value - step)) / (2 * eps)
    return (f(w_value + step) - f(w_value)) / eps


@cache
def fd_errors(dtype, central):
    points = np.random.default_rng(0).normal(size=(TRIALS, 3))
    errors = []
    for w0, w1, b in points:
        w_value = np.array([w0, w1])
        w = mg.Tensor(w_value.copy(), requires_grad=True)
        neuron_loss(w, mg.Tensor(np.array(b))).backward()
        errors.append([abs(finite_difference(w_value, b, eps, dtype, central) - w.grad[0]) for eps in EPS_GRID])
    return np.median(errors, axis=0)


def best_eps(errors):
    return EPS_GRID[np.argmin(errors)]


def slope(errors, lo, hi):
    keep = (EPS_GRID >= lo) & (EPS_GRID <= hi)
    return np.polyfit(np.log10(EPS_GRID[keep]), np.log10(errors[keep]), 1)[0]


# "dL/da = 2(ab + c) · b ... that is 2 · 4 · (-3) = -24"; backward() gives exactly the
# hand-computed gradients (-24, 16, 8).
# "Intermediate tensors such as u and v pass their gradient on and keep nothing."
def test_backward_gives_the_hand_computed_gradients():
    a, b, c = (mg.Tensor(value, requires_grad=True) for value in (2.0, -3.0, 10.0))
    u = a * b
    v = u + c
    L = v**2
    L.backward()
    assert L.item() == 16.0
    assert (a.grad, b.grad, c.grad) == (-24.0, 16.0, 8.0)
    assert u.grad is None and v.grad is None


# The reprs show the op that made each tensor: mul, add, pow.
def test_reprs_name_the_ops():
    a, b, c, _ = expression()
    u = a * b
    v = u + c
    assert "grad_fn=<mul>" in repr(u) and "grad_fn=<add>" in repr(v) and "grad_fn=<pow>" in repr(v**2)


# "For f = x·x + x ... df/dx = 2x + 1" (7 at x = 3).
def test_a_tensor_used_twice_gets_the_sum_of_its_gradients():
    x = mg.Tensor(3.0, requires_grad=True)
    (x * x + x).backward()
    assert x.grad == 7.0


# "Run the same backward pass a second time and every gradient doubles"; zero_grad() sets
# every .grad back to None and one fresh backward gives the first gradients again.
def test_gradients_accumulate_until_zero_grad():
    a, b, c, L = expression()
    L.backward()
    L.backward()
    assert (a.grad, b.grad, c.grad) == (-48.0, 32.0, 16.0)
    optim.SGD([a, b, c], lr=0.1).zero_grad()
    assert a.grad is None and b.grad is None and c.grad is None
    L.backward()
    assert (a.grad, b.grad, c.grad) == (-24.0, 16.0, 8.0)


# "the bias gets their sum": bias.grad equals G.sum(axis=0) up to rounding (1e-12).
def test_a_broadcast_bias_receives_the_sum_over_rows():
    rng = np.random.default_rng(0)
    X = mg.Tensor(rng.normal(size=(4, 3)))
    bias = mg.Tensor(np.zeros(3), requires_grad=True)
    G = rng.normal(size=(4, 3))
    (X + bias).backward(G)
    np.testing.assert_allclose(bias.grad, G.sum(axis=0), rtol=0, atol=1e-12)


# "They agree to better than 1e-9": hand-written central differences (eps = 1e-6) against
# backward() for the neuron at w = (0.8, -0.4), bias = 0.1.
def test_hand_written_central_differences_match_backward():
    w0, b0 = np.array([0.8, -0.4]), np.array(0.1)
    w, bias = mg.Tensor(w0.copy(), requires_grad=True), mg.Tensor(b0.copy(), requires_grad=True)
    neuron_loss(w, bias).backward()
    numeric = [finite_difference(w0, b0, 1e-6, np.float64, True)]
    with mg.no_grad():
        plus = neuron_loss(mg.Tensor(w0), mg.Tensor(b0 + 1e-6)).item()
        minus = neuron_loss(mg.Tensor(w0), mg.Tensor(b0 - 1e-6)).item()
    assert abs(numeric[0] - w.grad[0]) < 1e-9
    assert abs((plus - minus) / 2e-6 - bias.grad) < 1e-9


# "the central difference's error falls with slope about 2 (like eps²), the forward
# difference's with slope about 1"; "On the left ... slope about -1".
def test_error_slopes():
    assert 1.8 < slope(fd_errors(np.float64, True), 1e-3, 1e-1) < 2.2
    assert 0.8 < slope(fd_errors(np.float64, False), 1e-3, 1e-1) < 1.2
    assert -1.3 < slope(fd_errors(np.float64, True), 1e-13, 1e-8) < -0.7


# "the measured minimum lands within a factor of ten of [the cube root of machine epsilon,
# about 6e-6]. The forward difference's best eps is near the square root of machine
# epsilon, about 1e-8, and its best error is larger."
def test_best_eps_in_float64():
    machine = np.finfo(np.float64).eps
    central, forward = fd_errors(np.float64, True), fd_errors(np.float64, False)
    assert machine ** (1 / 3) / 10 <= best_eps(central) <= machine ** (1 / 3) * 10
    assert machine**0.5 / 10 <= best_eps(forward) <= machine**0.5 * 10
    assert forward.min() > central.min()


# "float32 ... Its best central difference is ... within a factor of ten of its own cube
# root of machine epsilon, 5e-3, and more than a thousand times less accurate than float64's."
def test_float32_is_far_less_accurate():
    machine = np.finfo(np.float32).eps
    central32 = fd_errors(np.float32, True)
    assert machine ** (1 / 3) / 10 <= best_eps(central32) <= machine ** (1 / 3) * 10
    assert central32.min() > 1000 * fd_errors(np.float64, True).min()


# "float32 numbers near our w[0] = 0.8 are about 6e-8 apart, so every eps below 1e-8 gives
# ... a difference of exactly 0".
def test_float32_differences_vanish_for_tiny_eps():
    assert np.spacing(np.float32(0.8)) == pytest.approx(6e-8, rel=0.05)
    w0, b0 = np.array([0.8, -0.4]), np.array(0.1)
    assert all(finite_difference(w0, b0, eps, np.float32, True) == 0.0 for eps in EPS_GRID[EPS_GRID < 1e-8])


# "with eps = 1e-6 ... the measured error is within a factor of 30 of the best one".
def test_gradchecks_default_eps_is_near_the_best():
    central = fd_errors(np.float64, True)
    assert central[np.argmin(np.abs(EPS_GRID - 1e-6))] < 30 * central.min()


# gradcheck passes on a layer with a broadcast bias, and catches the `.data` bug: backward()
# gives w (1.0 at index 0) where finite differences give 2w (2.0).
def test_gradcheck_passes_and_catches_the_data_bug():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 3))
    W = mg.Tensor(rng.normal(size=(3, 2)), requires_grad=True)
    bias = mg.Tensor(rng.normal(size=2), requires_grad=True)
    assert mg.gradcheck(lambda W, bias: ((X @ W + bias).tanh() ** 2).mean(), W, bias)
    w = mg.Tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
    with pytest.raises(AssertionError, match=r"index \(0,\): backward\(\) gives 1\.0, finite differences give 2\.0"):
        mg.gradcheck(lambda w: (w * mg.Tensor(w.data)).sum(), w)

"""The exercises of tutorial 03: each worked solution passes its checker, and each checker
rejects a plausible wrong answer with a message that says what is wrong."""

import numpy as np
import pytest


@pytest.fixture
def modules(exercises_of):
    return exercises_of("gradient_descent")


def test_each_solution_passes_its_checker(modules, capsys):
    checkers, solutions = modules
    checkers.check_best_lr(solutions.best_lr)
    checkers.check_momentum_limit(solutions.momentum_limit)
    checkers.check_momentum_rate(solutions.momentum_rate)
    printed = capsys.readouterr().out
    assert "best_lr agrees with a scan" in printed and "momentum_limit matches optim.SGD" in printed
    assert "momentum_rate matches the rates measured" in printed


def test_best_lr_rejects_one_over_the_steep_curvature(modules):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=r"best_lr\(1.0, 25.0\) returned 0.04.*equally large"):
        checkers.check_best_lr(lambda h_min, h_max: 1 / h_max)


def test_momentum_limit_rejects_the_limit_without_momentum(modules):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=r"momentum_limit\(0.5, 25.0\) returned 0.08.*still converges 2% above"):
        checkers.check_momentum_limit(lambda m, h: 2 / h)
    with pytest.raises(AssertionError, match=r"diverges 2% below"):
        checkers.check_momentum_limit(lambda m, h: 2 * (1 + m) / h * 1.1)


def test_momentum_limit_rejects_an_answer_one_percent_low(modules):
    """1% below the edge, runs 2% either side still converge and diverge as they should;
    only the comparison with the exact edge catches it."""
    checkers, _ = modules
    with pytest.raises(AssertionError, match=r"momentum_limit\(0.5, 25.0\) returned 0.1187.*-1.00% off the exact edge"):
        checkers.check_momentum_limit(lambda m, h: 0.99 * 2 * (1 + m) / h)


def test_best_lr_accepts_one_number_in_any_numpy_form(modules, capsys):
    checkers, solutions = modules
    for wrap in (np.float64, np.array, lambda x: np.array([x]), lambda x: np.array([[x]])):
        checkers.check_best_lr(lambda h_min, h_max, wrap=wrap: wrap(solutions.best_lr(h_min, h_max)))
    assert capsys.readouterr().out.count("best_lr agrees with a scan") == 4


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (np.array([0.04, 0.08]), r"returned an array of shape \(2,\): return one number"),
        ([0.04, 0.08], r"returned list \[0.04, 0.08\]: return one number"),
        (None, r"returned None: return the number"),
        ("0.04", r"returned str '0.04': return one number"),
    ],
)
def test_best_lr_says_what_it_got_instead_of_one_number(modules, returned, message):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=r"best_lr\(1.0, 25.0\) " + message):
        checkers.check_best_lr(lambda h_min, h_max: returned)


def test_momentum_rate_rejects_a_complex_root(modules):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=r"momentum_rate\(0.07, 0.9, 1.0\) returned the complex number"):
        checkers.check_momentum_rate(lambda lr, m, h: complex(np.roots([1.0, -(1 + m - lr * h), m])[0]))


def test_momentum_rate_rejects_plain_sgd_factor(modules):
    checkers, _ = modules
    with pytest.raises(
        AssertionError, match=r"momentum_rate\(0.07, 0.9, 1.0\) returned 0.9300.*shrinks by 0\.94\d\d per step"
    ):
        checkers.check_momentum_rate(lambda lr, m, h: abs(1 - lr * h))

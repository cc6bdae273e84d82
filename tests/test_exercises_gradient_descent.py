"""The exercises of tutorial 03: each worked solution passes its checker, and each checker
rejects a plausible wrong answer with a message that says what is wrong."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def modules(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "tutorials"))
    from exercises import gradient_descent as checkers
    from solutions import gradient_descent as solutions

    return checkers, solutions


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


def test_momentum_rate_rejects_plain_sgd_factor(modules):
    checkers, _ = modules
    with pytest.raises(
        AssertionError, match=r"momentum_rate\(0.07, 0.9, 1.0\) returned 0.9300.*shrinks by 0\.94\d\d per step"
    ):
        checkers.check_momentum_rate(lambda lr, m, h: abs(1 - lr * h))

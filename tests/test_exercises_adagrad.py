"""The exercises of tutorial 04: each worked solution passes its checker, and each checker
rejects a plausible wrong answer with a message that says what is wrong."""

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def modules(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "tutorials"))
    from exercises import adagrad as checkers
    from solutions import adagrad as solutions

    return checkers, solutions


def test_each_solution_passes_its_checker(modules, capsys):
    checkers, solutions = modules
    checkers.check_effective_lr(solutions.effective_lr)
    checkers.check_steps_to_travel(solutions.steps_to_travel)
    checkers.check_first_step(solutions.first_step)
    printed = capsys.readouterr().out
    assert "effective_lr matches optim.Adagrad" in printed and "steps_to_travel matches runs" in printed
    assert "first_step matches one step of optim.Adagrad" in printed


def test_effective_lr_rejects_a_signed_gradient(modules):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=r"t=100, g=-0.5.* returned -0.02, .*reports 0.02.*sign does not matter"):
        checkers.check_effective_lr(lambda t, g, lr, eps, start: lr / (np.sqrt(t) * g + eps))


def test_steps_to_travel_rejects_sgds_count(modules):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=r"steps_to_travel\(1.0, 0.1\) returned 10, .*after 33 steps"):
        checkers.check_steps_to_travel(lambda distance, lr: round(distance / lr))


def test_first_step_rejects_a_rule_without_the_starting_sum(modules):
    checkers, _ = modules
    with pytest.raises(
        AssertionError,
        match=r"g=1e-09, lr=0.1, initial_accumulator_value=0.0.*\(PyTorch\) returned 0.1, .*by 0.090909091",
    ):
        checkers.check_first_step(lambda g, lr, start, eps: lr)
    with pytest.raises(AssertionError, match=r"g=10.0, .*initial_accumulator_value=0.1.*\(Keras\)"):
        checkers.check_first_step(lambda g, lr, start, eps: lr * abs(g) / (abs(g) + eps))

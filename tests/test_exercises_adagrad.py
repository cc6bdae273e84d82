"""The exercises of tutorial 04: each worked solution passes its checker, and each checker
rejects a plausible wrong answer with a message that says what is wrong."""

import numpy as np
import pytest


@pytest.fixture
def modules(exercises_of):
    return exercises_of("adagrad")


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
    with pytest.raises(
        AssertionError,
        match=r"t=100, g=-0.5.* returned -0.0200000000004, .*reports 0.0199999999996.*sign does not matter",
    ):
        checkers.check_effective_lr(lambda t, g, lr, eps, start: lr / (np.sqrt(t) * g + eps))


def test_effective_lr_tells_where_eps_goes(modules):
    """eps inside the root, or no eps, changes the answer only in the 7th significant digit
    in the case that catches it: the message shows all the digits, the difference, and the slip."""
    checkers, _ = modules
    with pytest.raises(
        AssertionError,
        match=r"eps=1e-07, .* returned 0.022360674184830048, but optim.Adagrad reports 0.022360674774999437 "
        r"\(difference -5.9e-10, relative -2.6e-08\)\. Hint: eps is added after the square root",
    ):
        checkers.check_effective_lr(lambda t, g, lr, eps, start: lr / np.sqrt(start + t * g * g + eps))
    with pytest.raises(AssertionError, match=r"returned 0.022360679774997897, .*Hint: eps is missing"):
        checkers.check_effective_lr(lambda t, g, lr, eps, start: lr / np.sqrt(start + t * g * g))
    with pytest.raises(AssertionError, match=r"Hint: the sum starts at initial_accumulator_value"):
        checkers.check_effective_lr(lambda t, g, lr, eps, start: lr / (np.sqrt(t * g * g) + eps))


def test_effective_lr_accepts_a_one_element_array_and_refuses_more(modules, capsys):
    checkers, solutions = modules
    checkers.check_effective_lr(lambda *args: np.array([solutions.effective_lr(*args)]))
    assert "effective_lr matches optim.Adagrad" in capsys.readouterr().out
    with pytest.raises(AssertionError, match=r"returned \[0.1, 0.2\]: return one number"):
        checkers.check_effective_lr(lambda *args: [0.1, 0.2])


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

"""Tutorial 05's exercises: each worked solution passes its checker, and each checker turns
down a plausible wrong answer with a message that says what is wrong."""

import math

import numpy as np
import pytest


@pytest.fixture
def modules(exercises_of):
    return exercises_of("rprop")


def test_the_solutions_pass_their_checkers(solutions_printed):
    printed = solutions_printed("rprop")  # python -m solutions.rprop: each solution through its checker
    assert "matches the steps optim.Rprop takes" in printed and "matches optim.RMSprop's last pass" in printed


def test_the_rule_written_in_the_tutorial_passes_check_update_rule(modules):
    from exercises.update_rule import check_update_rule

    from minigrad import optim

    def rprop_step(theta, grad, state, lr, etas, step_sizes):  # as in tutorials/05_rprop_to_rmsprop.py, section 1
        prev = state.get("prev", np.zeros_like(theta))
        size = state.get("step_size", np.full_like(theta, lr))
        same = np.sign(grad * prev)
        size = np.clip(np.where(same > 0, size * etas[1], np.where(same < 0, size * etas[0], size)), *step_sizes)
        grad = np.where(same < 0, 0.0, grad)
        state["prev"], state["step_size"] = grad, size
        return theta - np.sign(grad) * size

    check_update_rule(rprop_step, optim.Rprop, {"lr": 0.01, "etas": (0.5, 1.2), "step_sizes": (1e-6, 50.0)})


def solved(distance, lr, etaplus):
    return math.ceil(math.log(1 + distance * (etaplus - 1) / lr) / math.log(etaplus))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda d, lr, e: solved(d, lr, e) - 1, "one more step is needed"),
        (lambda d, lr, e: solved(d, lr, e) + 1, "one step too many"),
        (lambda d, lr, e: math.ceil(d / lr), "add up to lr"),  # steps of a constant size lr
        (lambda d, lr, e: None, "returned None"),
    ],
)
def test_check_steps_to_cover_turns_down_wrong_counts(modules, wrong, message):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=message):
        checkers.check_steps_to_cover(wrong)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda c, lr: -lr * np.sign(c), "sign rule"),
        (lambda c, lr: lr * c / np.sqrt(np.mean(c * c)), "minus sign"),
        (lambda c, lr: -lr * c / np.mean(np.abs(c)), "root of the mean square"),
        (lambda c, lr: -lr * c, "-lr \\* g / sqrt\\(v\\)"),  # plain SGD
        (lambda c, lr: -lr * c[:1] / np.sqrt(np.mean(c * c)), "one step per gradient"),
        (lambda c, lr: None, "returned None"),
    ],
)
def test_check_settled_steps_turns_down_wrong_steps(modules, wrong, message):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=message):
        checkers.check_settled_steps(wrong)

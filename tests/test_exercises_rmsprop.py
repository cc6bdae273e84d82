"""Tutorial 06's exercises: each worked solution passes its checker, and each checker turns
down a plausible wrong answer with a message that says what is wrong."""

import numpy as np
import pytest


@pytest.fixture
def modules(exercises_of):
    return exercises_of("rmsprop")


def test_the_solutions_pass_their_checkers(modules, capsys):
    checkers, solutions = modules
    checkers.check_constant_gradient_lr(solutions.constant_gradient_lr)
    checkers.check_unrolled_square_avg(solutions.unrolled_square_avg)
    printed = capsys.readouterr().out
    assert "matches optim.RMSprop's effective lr" in printed and "matches optim.RMSprop's square_avg" in printed


def test_the_rule_written_in_the_tutorial_passes_check_update_rule(modules):
    from exercises.update_rule import check_update_rule

    from minigrad import optim

    def rmsprop_step(theta, grad, state, lr, alpha, eps):  # as in tutorials/06_rmsprop.py, section 1
        state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * grad**2
        return theta - lr * grad / (np.sqrt(state["v"]) + eps)

    check_update_rule(rmsprop_step, optim.RMSprop, {"lr": 0.01, "alpha": 0.99, "eps": 1e-8})  # raises if they differ


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda t, g, lr, alpha, eps: lr / (abs(g) + eps), "v starts at zero"),  # the settled value from step 1
        (lambda t, g, lr, alpha, eps: lr / (np.sqrt(1 - alpha**t) * g + eps), "enters as |g|"),
        (lambda t, g, lr, alpha, eps: lr / np.sqrt((1 - alpha**t) * g * g + eps), "after the square root"),
        (lambda t, g, lr, alpha, eps: lr / np.sqrt((1 - alpha**t) * g * g) + eps, "effective lr = lr / "),
        (lambda t, g, lr, alpha, eps: None, "returned None"),
    ],
)
def test_check_constant_gradient_lr_turns_down_wrong_formulas(modules, wrong, message):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=message):
        checkers.check_constant_gradient_lr(wrong)


def unrolled(weights):
    def answer(grads, alpha):
        k = np.arange(len(grads))[::-1]
        return np.sum(weights(alpha, k, len(grads)) * grads**2)

    return answer


@pytest.mark.parametrize(
    "wrong, message",
    [
        (unrolled(lambda alpha, k, t: alpha**k), r"needs its factor \(1 - alpha\)"),
        (unrolled(lambda alpha, k, t: (1 - alpha) * alpha ** k[::-1]), "newest gradient has k = 0"),
        (unrolled(lambda alpha, k, t: (1 - alpha) * alpha**k / (1 - alpha**t)), "bias correction"),
        (lambda grads, alpha: (1 - alpha) * grads**2, "one number"),
    ],
)
def test_check_unrolled_square_avg_turns_down_wrong_sums(modules, wrong, message):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=message):
        checkers.check_unrolled_square_avg(wrong)


def test_check_unrolled_square_avg_accepts_a_loop_as_it_says(modules, capsys):
    """The checker checks the value only, and says so: the update repeated in a loop passes."""
    checkers, _ = modules

    def looped(grads, alpha):
        v = 0.0
        for g in grads:
            v = alpha * v + (1 - alpha) * g * g
        return v

    checkers.check_unrolled_square_avg(looped)
    assert "Only the value is checked" in checkers.check_unrolled_square_avg.__doc__
    assert "matches optim.RMSprop's square_avg" in capsys.readouterr().out

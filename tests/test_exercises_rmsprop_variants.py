"""Tutorial 07's exercises: each worked solution passes its checker, and each checker turns
down a plausible wrong answer with a message that says what is wrong."""

import numpy as np
import pytest


@pytest.fixture
def modules(exercises_of):
    return exercises_of("rmsprop_variants")


def test_the_solutions_pass_their_checkers(modules, capsys):
    checkers, solutions = modules
    checkers.check_momentum_rule(solutions.momentum_rmsprop_step)
    checkers.check_ten_percent_gradient(solutions.ten_percent_gradient)
    printed = capsys.readouterr().out
    assert "when the lr is cut tenfold" in printed and "settled step is 0.9 lr" in printed


def test_the_centered_rule_written_in_the_tutorial_passes_check_update_rule(modules):
    from exercises.update_rule import check_update_rule

    from minigrad import optim

    def centered_step(theta, grad, state, lr, alpha, eps, centered=True):  # as in tutorials/07, section 1
        state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * grad**2
        state["m"] = alpha * state.get("m", 0.0) + (1 - alpha) * grad
        return theta - lr * grad / (np.sqrt(state["v"] - state["m"] ** 2) + eps)

    hyper = {"lr": 0.01, "alpha": 0.9, "eps": 1e-8, "centered": True}
    check_update_rule(centered_step, optim.RMSprop, hyper)  # raises AssertionError at a differing step
    plain = {**hyper, "momentum": 0.0}  # plain RMSprop's rule is not the centered one
    with pytest.raises(AssertionError, match="step 1:"):
        check_update_rule(no_momentum, optim.RMSprop, plain)


def keras_form(theta, grad, state, lr, alpha, eps, momentum):
    """lr inside the buffer: the same steps as PyTorch's form while lr is constant."""
    v = alpha * state.get("v", 0.0) + (1 - alpha) * grad**2
    b = momentum * state.get("b", 0.0) + lr * grad / (np.sqrt(v) + eps)
    state["v"], state["b"] = v, b
    return theta - b


def no_momentum(theta, grad, state, lr, alpha, eps, momentum=0.0, centered=False):
    v = alpha * state.get("v", 0.0) + (1 - alpha) * grad**2
    state["v"] = v
    return theta - lr * grad / (np.sqrt(v) + eps)


def test_check_momentum_rule_turns_down_the_keras_form_once_the_lr_changes(modules, capsys):
    checkers, _ = modules
    with pytest.raises(
        AssertionError,
        match=r"step 21, after the lr was cut from 0.01 to 0.001 at step 21 \(step 1 at the lower lr\)"
        r".*keep lr out of the buffer",
    ):
        checkers.check_momentum_rule(keras_form)
    assert "your rule matches RMSprop" in capsys.readouterr().out  # it passed the constant-lr part


def test_check_momentum_rule_turns_down_a_rule_without_the_buffer(modules):
    checkers, _ = modules
    with pytest.raises(AssertionError, match="step 2:"):
        checkers.check_momentum_rule(no_momentum)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda eps, inside: 9 * eps, r"eps=1e-08, inside=True: .*under the root"),  # the outside answer for both
        (lambda eps, inside: 2 * np.sqrt(eps) if inside else 10 * eps, r"inside=False: .*after the root"),
        (lambda eps, inside: None, "returned None"),
    ],
)
def test_check_ten_percent_gradient_turns_down_wrong_answers(modules, wrong, message):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=message):
        checkers.check_ten_percent_gradient(wrong)


def test_check_momentum_rule_names_a_later_step_after_the_cut(modules):
    checkers, solutions = modules

    def wrong_from_step_25(theta, grad, state, lr, alpha, eps, momentum):
        state["calls"] = state.get("calls", 0) + 1
        new = solutions.momentum_rmsprop_step(theta, grad, state, lr, alpha, eps, momentum)
        return new + 1e-3 if lr < 0.01 and state["calls"] >= 25 else new

    with pytest.raises(AssertionError, match=r"step 25, after the lr was cut .* at step 21 \(step 5 at the lower lr\)"):
        checkers.check_momentum_rule(wrong_from_step_25)


def test_check_momentum_rule_says_when_a_rule_fails_before_the_cut(modules):
    checkers, solutions = modules
    memory = {}  # state kept outside `state`: right in the first run, stale in the second

    def remembers_outside_state(theta, grad, state, lr, alpha, eps, momentum):
        new = solutions.momentum_rmsprop_step(theta, grad, memory, lr, alpha, eps, momentum)
        return new

    with pytest.raises(AssertionError, match=r"step 1, before the lr was cut at step 21 .*keep everything your rule"):
        checkers.check_momentum_rule(remembers_outside_state)

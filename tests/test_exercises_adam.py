"""The exercises of tutorial 08 (Adam): each worked solution passes its checker, and each
checker rejects a plausible wrong answer with a message that says what is wrong."""

import numpy as np
import pytest


@pytest.fixture
def modules(exercises_of):
    return exercises_of("adam")


def test_the_solutions_pass_their_checkers(solutions_printed):
    printed = solutions_printed("adam")  # python -m solutions.adam: each solution through its checker
    assert "matches AdamW(" in printed and "peaks at 2.131 lr, at step 13" in printed
    assert "matches where optim.Adam(weight_decay=wd) ends" in printed


def test_adamw_with_the_decay_added_to_the_gradient_is_rejected(modules):
    checkers, solutions = modules

    def coupled(theta, grad, state, lr, betas, eps, weight_decay):  # Adam's L2, not AdamW
        return solutions.adamw_step(theta, grad + weight_decay * theta, state, lr, betas, eps, 0.0)

    with pytest.raises(AssertionError, match=r"(?s)step \d+: your theta .*AdamW first shrinks theta"):
        checkers.check_adamw_step(coupled)


def test_adamw_in_the_papers_form_is_rejected_with_a_hint_about_lr(modules):
    checkers, solutions = modules

    def paper(theta, grad, state, lr, betas, eps, weight_decay):  # decay not multiplied by lr
        return solutions.adamw_step(theta * (1 - weight_decay), grad, state, lr, betas, eps, 0.0)

    with pytest.raises(AssertionError, match=r"(?s)step 1: your theta .*Algorithm 2.*1 - lr \* weight_decay"):
        checkers.check_adamw_step(paper)


def test_adamw_that_decays_after_the_step_gets_the_general_hint(modules):
    checkers, solutions = modules

    def late(theta, grad, state, lr, betas, eps, weight_decay):
        return solutions.adamw_step(theta, grad, state, lr, betas, eps, 0.0) * (1 - lr * weight_decay)

    with pytest.raises(AssertionError, match="AdamW first shrinks theta") as error:
        checkers.check_adamw_step(late)
    assert "Algorithm 2" not in str(error.value)


def test_an_uncorrected_step_with_the_corrections_applied_is_rejected(modules):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=r"at step t = 1 your function gives 1, but running m and v gives 3.16"):
        checkers.check_uncorrected_step(lambda t, beta1, beta2: 1.0)
    with pytest.raises(AssertionError, match="Hint: m_t = "):  # forgot the square root on v
        checkers.check_uncorrected_step(lambda t, beta1, beta2: (1 - beta1**t) / (1 - beta2**t))


def test_a_fixed_point_without_the_gradient_scale_is_rejected(modules):
    checkers, _ = modules
    with pytest.raises(AssertionError, match=r"(?s)optim.Adam ends at .* your function gives .* Hint"):
        checkers.check_l2_fixed_point(lambda s, wd: np.full(len(s), 1 / (1 + wd)))

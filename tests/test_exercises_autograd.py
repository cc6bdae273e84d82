"""The exercises of tutorial 01: each worked solution passes its checker, and each checker
rejects plausible wrong answers with a message that says what is wrong."""

import numpy as np
import pytest


@pytest.fixture
def modules(exercises_of):
    return exercises_of("autograd")


def test_each_solution_passes_its_checker(modules, capsys):
    checks, solutions = modules
    assert checks.check_matmul_backward(solutions.matmul_backward) < 1e-6
    checks.check_unbroadcast(solutions.unbroadcast)
    assert checks.check_four_point_difference(solutions.four_point_difference) < 1e-7
    printed = capsys.readouterr().out
    assert "matches finite differences" in printed and "matches minigrad's backward for 7" in printed
    assert "exact gradients of sum(sin(x)) and sum(x**4)" in printed


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda A, B, G: (G @ B.T, (A.T @ G).T), r"grad_B has shape \(4, 3\).*shape of its input: \(3, 4\)"),
        (lambda A, B, G: (G @ B.T, 2 * A.T @ G), r"(?s)grad_B differs from finite differences.*A\.T @ grad_out"),
        (lambda A, B, G: G @ B.T, "must return a pair"),
    ],
)
def test_matmul_checker_rejects_wrong_rules(modules, wrong, message):
    checks, _ = modules
    with pytest.raises(AssertionError, match=message):
        checks.check_matmul_backward(wrong)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda grad, shape: grad.sum(axis=0), r"\(4, 1\)\) returned shape \(3,\), expected \(4, 1\).*keepdims"),
        (lambda grad, shape: grad.mean(axis=0), r"\(3,\)\) gives .*sum \(not average\)"),
        (lambda grad, shape: None, "return a numpy array"),
    ],
)
def test_unbroadcast_checker_rejects_wrong_sums(modules, wrong, message):
    checks, _ = modules
    with pytest.raises(AssertionError, match=message):
        checks.check_unbroadcast(wrong)


def central(f, x, eps):
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        grad[index] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def changes_x(f, x, eps):
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        x[index] += eps  # and never puts it back
        grad[index] = 0.0
    return grad


@pytest.mark.parametrize(
    "wrong, message",
    [
        (central, r"sum\(sin\(x\)\) at eps = 1e-2.*central difference's size of error"),
        (lambda f, x, eps: 2 * central(f, x, eps), "divide by 12 eps"),
        (changes_x, "changed x"),
    ],
)
def test_four_point_checker_rejects_other_formulas(modules, wrong, message):
    checks, _ = modules
    with pytest.raises(AssertionError, match=message):
        checks.check_four_point_difference(wrong)

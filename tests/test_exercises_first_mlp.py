"""The exercises of tutorial 02: each worked solution passes its checker, and each checker
rejects plausible wrong answers with a message that says what is wrong."""

import numpy as np
import pytest


@pytest.fixture
def modules(exercises_of):
    return exercises_of("first_mlp")


def test_each_solution_passes_its_checker(modules, capsys):
    checks, solutions = modules
    checks.check_train_step(solutions.train_step)
    checks.check_accuracy(solutions.accuracy)
    checks.check_cross_entropy(solutions.cross_entropy)
    printed = capsys.readouterr().out
    assert "matches plain SGD" in printed and "3 hand-counted cases" in printed and "without overflow" in printed


def without_zero_grad(model, optimizer, loss_fn, X, y):
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def zero_grad_too_late(model, optimizer, loss_fn, X, y):
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return loss.item()


def returns_the_tensor(model, optimizer, loss_fn, X, y):
    loss = loss_fn(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


@pytest.mark.parametrize(
    "wrong, message",
    [
        (without_zero_grad, r"step 2: .* differs .*zero_grad\(\) before loss\.backward\(\)"),
        (zero_grad_too_late, r"step 1: the parameters did not move"),
        (returns_the_tensor, r"returned a Tensor: return a plain float \(\.item\(\) of a 0-d Tensor\)"),
    ],
)
def test_train_step_checker_rejects_wrong_steps(modules, wrong, message):
    checks, _ = modules
    with pytest.raises(AssertionError, match=message):
        checks.check_train_step(wrong)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda scores, labels: np.sum(scores.argmax(axis=1) == labels), "that is a count"),
        (lambda scores, labels: np.mean(scores.argmax(axis=0) == labels[: scores.shape[1]]), r"axis=1"),
    ],
)
def test_accuracy_checker_rejects_wrong_counts(modules, wrong, message):
    checks, _ = modules
    with pytest.raises(AssertionError, match=message):
        checks.check_accuracy(wrong)


def naive(scores, labels):
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    return float(np.mean(-np.log(probabilities[np.arange(len(labels)), labels])))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (naive, "scores of 1000: you gave nan.*overflows"),
        (lambda scores, labels: len(labels) * naive(scores, labels), "sum over the samples: take the mean"),
        (lambda scores, labels: naive(scores, (labels + 1) % scores.shape[1]), "random scores: you gave"),
    ],
)
def test_cross_entropy_checker_rejects_wrong_losses(modules, wrong, message):
    checks, _ = modules
    with pytest.raises(AssertionError, match=message):
        checks.check_cross_entropy(wrong)

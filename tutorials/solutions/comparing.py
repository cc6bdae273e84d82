"""Worked solutions for the exercises of tutorial 09 (comparing optimizers). From tutorials/,
run ``python -m solutions.comparing`` to check them with their checkers."""

import numpy as np
from scipy import stats

import minigrad as mg


def confidence_interval(scores):
    """Exercise 1: the mean, and the half-width t * s / sqrt(n) of its 95% interval, with t
    Student's 97.5% quantile for n - 1 degrees of freedom (from scipy, not a hand-typed table)."""
    scores = np.asarray(scores, dtype=np.float64)
    n = len(scores)
    return scores.mean(), stats.t.ppf(0.975, n - 1) * scores.std(ddof=1) / np.sqrt(n)


def good_range(lrs, accuracies, near=0.05):
    """Exercise 2: the lowest and highest lr whose accuracy is within `near` of the best."""
    good = [lr for lr, a in zip(lrs, accuracies, strict=True) if a >= max(accuracies) - near]
    return min(good), max(good)


def count_dead(model, X):
    """Exercise 3: hidden units whose ReLU output is 0 for every row of X."""
    with mg.no_grad():
        hidden = model[1](model[0](mg.Tensor(X))).data
    return int((hidden.max(axis=0) == 0).sum())


if __name__ == "__main__":
    from exercises.comparing import check_confidence_interval, check_count_dead, check_good_range

    check_confidence_interval(confidence_interval)
    check_good_range(good_range)
    check_count_dead(count_dead)

"""The exercises of tutorial 09 (comparing optimizers): each worked solution passes its
checker, and each checker rejects a plausible wrong answer with a message that says what is
wrong."""

import numpy as np
import pytest
from scipy import stats

import minigrad as mg


@pytest.fixture
def modules(exercises_of):
    return exercises_of("comparing")


def test_the_solutions_pass_their_checkers(solutions_printed):
    # python -m solutions.comparing puts each solution through its checker, as test_exercises.py runs it: read
    # once, for the confidence interval's checker simulates 8000 experiments
    printed = solutions_printed("comparing")
    assert "covers the true mean about 95% of the time" in printed
    assert "right range for 4 hand-made tables" in printed and "counts 0, 3 and 8 dead units right" in printed


def test_an_interval_with_the_normal_quantile_is_rejected(modules):
    checkers, _ = modules

    def normal(scores):  # 1.96 instead of Student's t: too narrow for a few seeds
        return np.mean(scores), 1.96 * np.std(scores, ddof=1) / np.sqrt(len(scores))

    with pytest.raises(AssertionError, match=r"half-width 0\.0226; expected 0\.9200 and 0\.0497"):
        checkers.check_confidence_interval(normal)


def test_an_interval_with_the_wrong_standard_deviation_is_rejected(modules):
    checkers, _ = modules

    def population_std(scores):  # np.std's default ddof=0
        n = len(scores)
        return np.mean(scores), stats.t.ppf(0.975, n - 1) * np.std(scores) / np.sqrt(n)

    with pytest.raises(AssertionError, match="ddof=1"):
        checkers.check_confidence_interval(population_std)


def test_a_coverage_that_is_too_wide_is_rejected_by_the_simulation(modules):
    checkers, solutions = modules

    def right_on_the_example_only(scores):
        mean, half = solutions.confidence_interval(scores)
        return mean, half * (1 if len(scores) == 3 and np.isclose(mean, 0.92) else 3)

    too_wide = r"in 99\.\d% of 4000 simulated experiments instead of about 95%\. Hint: your intervals are too wide"
    with pytest.raises(AssertionError, match=too_wide):
        checkers.check_confidence_interval(right_on_the_example_only)


def test_a_range_that_is_only_the_best_lr_is_rejected(modules):
    checkers, _ = modules

    def best_only(lrs, accuracies, near=0.05):
        best = lrs[int(np.argmax(accuracies))]
        return best, best

    with pytest.raises(AssertionError, match=r"you give \(0\.1, 0\.1\), expected \(0\.01, 0\.1\)"):
        checkers.check_good_range(best_only)


def test_counting_units_that_are_zero_for_some_row_is_rejected(modules):
    checkers, _ = modules

    def sometimes_zero(model, X):
        with mg.no_grad():
            hidden = model[1](model[0](mg.Tensor(X))).data
        return int((hidden.min(axis=0) == 0).sum())

    with pytest.raises(AssertionError, match="not the minimum"):
        checkers.check_count_dead(sometimes_zero)

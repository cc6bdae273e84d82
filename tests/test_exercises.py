"""What every tutorial's exercises share: each worked solution in tutorials/solutions/ runs
as ``python -m solutions.<topic>`` and passes its checkers; and check_update_rule
(tutorials/exercises/update_rule.py), which the optimizer tutorials use to check a rule the
learner writes in numpy against minigrad's optimizer, step for step. The checkers of each
tutorial have their own tests, in test_exercises_<topic>.py."""

import importlib
import inspect
from pathlib import Path

import numpy as np
import pytest

from minigrad import optim

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"
TOPICS = sorted(path.stem for path in (TUTORIALS / "solutions").glob("[a-z]*.py"))


def test_every_exercise_module_has_its_solutions_and_tests():
    checkers = sorted(path.stem for path in (TUTORIALS / "exercises").glob("[a-z]*.py") if path.stem != "update_rule")
    assert checkers == TOPICS
    tests = Path(__file__).parent.glob("test_exercises_*.py")
    tested = sorted(path.stem.removeprefix("test_exercises_") for path in tests)
    assert tested == TOPICS


@pytest.mark.parametrize("topic", TOPICS)
def test_each_solutions_module_run_as_a_program_passes_its_checkers(topic, solutions_printed):
    # a checker that fails raises AssertionError
    assert solutions_printed(topic).strip(), f"python -m solutions.{topic} printed nothing"


@pytest.fixture
def check_update_rule(monkeypatch):
    monkeypatch.syspath_prepend(str(TUTORIALS))
    from exercises.update_rule import check_update_rule

    return check_update_rule


def adagrad(theta, g, state, lr, eps):
    state["sum"] = state.get("sum", 0.0) + g * g
    return theta - lr * g / (np.sqrt(state["sum"]) + eps)


def rmsprop_eps_inside(theta, g, state, lr, alpha, eps):
    state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g * g
    return theta - lr * g / np.sqrt(state["v"] + eps)


def test_a_correct_rule_passes_and_the_report_names_the_optimizer(check_update_rule, capsys):
    assert check_update_rule(adagrad, optim.Adagrad, {"lr": 0.5, "eps": 1e-10}) is None
    assert "your rule matches Adagrad(lr=0.5, eps=1e-10) for 30 steps" in capsys.readouterr().out


def test_eps_under_the_root_is_caught_at_the_first_step_with_digits_that_differ(check_update_rule):
    with pytest.raises(AssertionError) as caught:
        check_update_rule(rmsprop_eps_inside, optim.RMSprop, {"lr": 0.1, "alpha": 0.9, "eps": 1e-8})
    message = str(caught.value)
    assert message.startswith("step 1: ") and "apart in coordinate" in message
    yours, theirs = message.split("your theta is ")[1].split(", RMSprop's is ")
    assert yours.split("]")[0] != theirs.split("]")[0], "the two values print alike"


@pytest.mark.parametrize(
    "step, message",
    [
        (lambda theta, g, state, lr, eps: None, "returned None"),
        (lambda theta, g, state, lr, eps: theta[:2], r"shape \(2,\)"),
        (lambda theta, g, state, lr, eps: theta - lr * g, "step 1: "),  # plain SGD is not AdaGrad
    ],
)
def test_a_wrong_rule_is_refused_with_what_is_wrong(check_update_rule, step, message):
    with pytest.raises(AssertionError, match=message):
        check_update_rule(step, optim.Adagrad, {"lr": 0.5, "eps": 1e-10})


def _checkers():
    """Every checker in tutorials/exercises/: (module name, function name)."""
    found = []
    for path in sorted((TUTORIALS / "exercises").glob("[a-z]*.py")):
        source = path.read_text()
        found += [(path.stem, line.split("(")[0][4:]) for line in source.splitlines() if line.startswith("def check_")]
    return found


@pytest.mark.parametrize("topic, name", _checkers())
def test_every_checker_given_an_unfinished_function_says_it_returned_none(topic, name, monkeypatch):
    monkeypatch.syspath_prepend(str(TUTORIALS))
    check = getattr(importlib.import_module(f"exercises.{topic}"), name)
    assert inspect.isfunction(check)
    extra = (optim.Adagrad, {"lr": 0.5, "eps": 1e-10}) if name == "check_update_rule" else ()
    with pytest.raises(AssertionError) as caught:
        check(lambda *args, **kwargs: None, *extra)  # an exercise not done yet: its body is `pass`
    message = str(caught.value)
    assert " returned None: return " in message and message.endswith(" (did you forget the return?)"), message
    assert "\n" not in message, "no hint about a rule the function does not have yet"

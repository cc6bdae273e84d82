import contextlib
import importlib
import io
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import minigrad as mg

# No per-example deadline: timing belongs to the benchmarks, and CI machines vary.
settings.register_profile("minigrad", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("minigrad")


@pytest.fixture(autouse=True)
def _restore_engine_globals():
    """Tests that change the default dtype or grad mode must not leak it into others."""
    dtype, grad_enabled = mg.get_default_dtype(), mg.is_grad_enabled()
    yield
    mg.set_default_dtype(dtype)
    assert mg.is_grad_enabled() == grad_enabled, "a test left grad mode changed"


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def exercises_of(monkeypatch):
    """``exercises_of("adagrad")`` imports ``(checkers, solutions)`` of a tutorial's exercises:
    tutorials/exercises/adagrad.py and tutorials/solutions/adagrad.py, with tutorials/ on the
    path as it is for a learner's notebook."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "tutorials"))
    return lambda topic: (importlib.import_module(f"exercises.{topic}"), importlib.import_module(f"solutions.{topic}"))


@pytest.fixture(scope="session")
def solutions_printed():
    """``solutions_printed("comparing")`` is what ``python -m solutions.comparing`` (from
    tutorials/, as a learner runs it) prints: each worked solution put through its checker, a
    checker that fails raising AssertionError. Run once per topic, as a checker's simulation can
    take seconds: test_exercises.py runs every topic's, and a topic's own tests read it."""
    printed = {}
    tutorials = str(Path(__file__).resolve().parent.parent / "tutorials")

    def run(topic):
        if topic not in printed:
            sys.path.insert(0, tutorials)
            try:
                with contextlib.redirect_stdout(io.StringIO()) as out:
                    runpy.run_module(f"solutions.{topic}", run_name="__main__")
            finally:
                sys.path.remove(tutorials)
            printed[topic] = out.getvalue()
        return printed[topic]

    return run

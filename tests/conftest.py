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

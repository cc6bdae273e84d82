"""mg.Generator and the default generator: reproducible and independent streams, PyTorch's
methods, and generator= accepted wherever minigrad draws random numbers."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.data import DataLoader
from minigrad.nn import functional as F
from minigrad.rng import as_generator


def test_a_new_generator_starts_from_pytorchs_seed():
    g = mg.Generator()
    assert g.initial_seed() == 67280421310721 and g.device == "cpu"
    np.testing.assert_array_equal(mg.randn(5, generator=g).data, mg.randn(5, generator=mg.Generator()).data)


def test_manual_seed_returns_the_generator_and_repeats_the_stream():
    g = mg.Generator()
    assert g.manual_seed(42) is g
    first = mg.rand(10, generator=g).data
    mg.rand(3, generator=g)
    g.manual_seed(42)
    np.testing.assert_array_equal(mg.rand(10, generator=g).data, first)
    assert g.initial_seed() == 42
    other = mg.rand(10, generator=mg.Generator().manual_seed(43)).data
    assert not np.array_equal(first, other)


def test_a_generator_is_independent_of_the_default_one():
    g = mg.Generator().manual_seed(0)
    a = mg.randn(4, generator=g).data
    g.manual_seed(0)
    mg.manual_seed(1)
    mg.randn(100)  # draws from the default generator in between
    np.testing.assert_array_equal(mg.randn(4, generator=g).data, a)
    mg.manual_seed(7)
    state = mg.get_rng_state()
    mg.randn(3, generator=g)
    assert mg.get_rng_state() == state  # drawing from g left the default generator alone


def test_seed_draws_a_fresh_seed_that_initial_seed_reports():
    g = mg.Generator()
    s = g.seed()
    assert isinstance(s, int) and 0 <= s < 2**64 and g.initial_seed() == s
    a = mg.rand(5, generator=g).data
    g.manual_seed(s)
    np.testing.assert_array_equal(mg.rand(5, generator=g).data, a)


def test_get_state_and_set_state_resume_the_stream():
    g = mg.Generator().manual_seed(3)
    mg.rand(2, generator=g)
    state = g.get_state()
    a = mg.rand(4, generator=g).data
    assert g.set_state(state) is g
    state["state"]["state"] = 0  # g took a copy: changing this changes nothing in g
    np.testing.assert_array_equal(mg.rand(4, generator=g).data, a)
    with pytest.raises(TypeError, match=r"set_state needs a state from get_state\(\) \(a dict\), got int"):
        g.set_state(3)
    with pytest.raises(ValueError, match="of a PCG64 generator, got one of 'MT19937'"):
        g.set_state(np.random.MT19937(0).state)


def test_bad_seeds_and_devices():
    with pytest.raises(ValueError, match="seed must be a non-negative int, got -1"):
        mg.Generator().manual_seed(-1)
    with pytest.raises(TypeError, match="seed must be None, a non-negative int or a numpy Generator, got 1.5"):
        mg.Generator().manual_seed(1.5)
    with pytest.raises(ValueError, match="device must be 'cpu', got 'cuda'"):
        mg.Generator(device="cuda")


def test_the_default_generator_functions():
    assert mg.manual_seed(5) is mg.default_generator
    assert isinstance(mg.default_generator, mg.Generator)
    assert mg.initial_seed() == 5
    a = mg.randn(3).data
    mg.manual_seed(5)
    np.testing.assert_array_equal(mg.randn(3).data, a)
    state = mg.get_rng_state()
    b = mg.rand(3).data
    mg.set_rng_state(state)
    np.testing.assert_array_equal(mg.rand(3).data, b)
    s = mg.seed()
    assert mg.initial_seed() == s


def test_manual_seed_with_a_numpy_generator_draws_from_it():
    mg.manual_seed(np.random.default_rng(9))
    a = mg.rand(3).data
    np.testing.assert_array_equal(a, np.random.default_rng(9).random(3, dtype=np.float32))
    assert mg.initial_seed() is None
    mg.manual_seed(0)


def test_as_generator_resolves_each_kind():
    g = mg.Generator().manual_seed(1)
    assert as_generator(g) is g._numpy
    assert as_generator(None) is mg.default_generator._numpy
    numpy_generator = np.random.default_rng(0)
    assert as_generator(numpy_generator) is numpy_generator
    with pytest.raises(TypeError, match="generator must be None, a non-negative int or a numpy Generator, got 'a'"):
        mg.rand(2, generator="a")


# Every function that draws random numbers, as draw(generator) -> array.
DRAWS = {
    "rand": lambda g: mg.rand(3, generator=g).data,
    "randn": lambda g: mg.randn(3, generator=g).data,
    "randint": lambda g: mg.randint(100, (5,), generator=g).data,
    "randperm": lambda g: mg.randperm(10, generator=g).data,
    "multinomial": lambda g: mg.multinomial(mg.ones(10), 3, generator=g).data,
    "rand_like": lambda g: mg.rand_like(mg.zeros(3), generator=g).data,
    "randn_like": lambda g: mg.randn_like(mg.zeros(3), generator=g).data,
    "init.uniform_": lambda g: nn.init.uniform_(mg.zeros(3), generator=g).data,
    "init.normal_": lambda g: nn.init.normal_(mg.zeros(3), generator=g).data,
    "init.xavier_uniform_": lambda g: nn.init.xavier_uniform_(mg.zeros(2, 3), generator=g).data,
    "init.xavier_normal_": lambda g: nn.init.xavier_normal_(mg.zeros(2, 3), generator=g).data,
    "init.kaiming_uniform_": lambda g: nn.init.kaiming_uniform_(mg.zeros(2, 3), generator=g).data,
    "init.kaiming_normal_": lambda g: nn.init.kaiming_normal_(mg.zeros(2, 3), generator=g).data,
    "F.dropout": lambda g: F.dropout(mg.ones(20), 0.5, generator=g).data,
    "nn.Dropout": lambda g: nn.Dropout(0.5, generator=g)(mg.ones(20)).data,
    "DataLoader": lambda g: next(iter(DataLoader(np.arange(20.0)[:, None], np.arange(20), 20, generator=g)))[1],
}


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS.keys())
def test_every_random_function_takes_a_generator(draw):
    mg.manual_seed(0)
    default_state = mg.get_rng_state()
    a = draw(mg.Generator().manual_seed(11))
    assert mg.get_rng_state() == default_state  # the default generator was not touched
    np.testing.assert_array_equal(draw(mg.Generator().manual_seed(11)), a)
    np.testing.assert_array_equal(draw(np.random.default_rng(11)), a)  # the same stream as numpy's
    np.testing.assert_array_equal(draw(11), a)  # a seed
    assert not np.array_equal(draw(mg.Generator().manual_seed(12)), a)


def test_holders_see_a_generator_reseeded_later():
    g = mg.Generator().manual_seed(0)
    dropout = nn.Dropout(0.5, generator=g)
    loader = DataLoader(np.arange(20.0)[:, None], np.arange(20), 20, generator=g)
    first_mask, first_order = dropout(mg.ones(20)).data, next(iter(loader))[1]
    g.manual_seed(0)
    np.testing.assert_array_equal(dropout(mg.ones(20)).data, first_mask)
    np.testing.assert_array_equal(next(iter(loader))[1], first_order)


def test_older_names_still_work_and_both_names_are_refused():
    a = F.dropout(mg.ones(20), 0.5, rng=4).data
    np.testing.assert_array_equal(F.dropout(mg.ones(20), 0.5, generator=4).data, a)
    with pytest.raises(TypeError, match="give generator or rng, not both"):
        F.dropout(mg.ones(2), 0.5, rng=1, generator=1)
    with pytest.raises(TypeError, match="give generator or seed, not both"):
        DataLoader(np.zeros((2, 1)), np.zeros(2), seed=1, generator=mg.Generator())
    with pytest.raises(TypeError, match="generator must be None"):
        DataLoader(np.zeros((2, 1)), np.zeros(2), generator="a")

"""One rule for a seed wherever one is passed: None, a non-negative int (not a bool) or a
numpy Generator; anything else is refused at the boundary with the argument named, never
numpy's SeedSequence error from inside."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import data, nn, optim
from minigrad.rng import as_generator
from minigrad.train import fit

X = np.arange(20, dtype=np.float32).reshape(10, 2)
Y = np.arange(10) % 2

TAKES_A_SEED = [
    pytest.param(lambda seed: data.make_moons(10, seed=seed), id="make_moons"),
    pytest.param(lambda seed: data.make_circles(10, seed=seed), id="make_circles"),
    pytest.param(lambda seed: data.make_spirals(10, seed=seed), id="make_spirals"),
    pytest.param(lambda seed: data.make_xor(10, seed=seed), id="make_xor"),
    pytest.param(lambda seed: data.make_blobs(10, seed=seed), id="make_blobs"),
    pytest.param(lambda seed: data.make_sine(10, seed=seed), id="make_sine"),
    pytest.param(lambda seed: data.train_test_split(X, Y, seed=seed), id="train_test_split"),
    pytest.param(lambda seed: data.DataLoader(X, Y, seed=seed), id="DataLoader"),
    pytest.param(
        lambda seed: fit(
            (m := nn.Linear(2, 2)), optim.SGD(m.parameters(), lr=0.1), nn.CrossEntropyLoss(), X, Y, seed=seed
        ),
        id="fit",
    ),
    pytest.param(lambda seed: mg.manual_seed(seed), id="manual_seed"),
    pytest.param(lambda seed: as_generator(seed), id="as_generator"),
]

BAD_SEEDS = [
    pytest.param(-1, ValueError, "-1", id="negative"),
    pytest.param(1.5, TypeError, "1.5", id="float"),
    pytest.param("a", TypeError, "'a'", id="string"),
    pytest.param(True, TypeError, "True", id="bool"),
    pytest.param([1, 2], TypeError, r"\[1, 2\]", id="list"),
]


@pytest.mark.parametrize("call", TAKES_A_SEED)
@pytest.mark.parametrize("seed, error, shown", BAD_SEEDS)
def test_a_bad_seed_is_refused_naming_the_argument_and_the_value(call, seed, error, shown):
    with pytest.raises(error, match=rf"(seed|rng) must be .*{shown}"):
        call(seed)


@pytest.mark.parametrize("call", TAKES_A_SEED)
@pytest.mark.parametrize("seed", [None, 0, np.int64(3), np.random.default_rng(0)])
def test_good_seeds_are_accepted(call, seed):
    call(seed)
    mg.manual_seed(0)


def test_manual_seed_still_makes_runs_repeatable():
    mg.manual_seed(5)
    a = mg.randn(3).data
    mg.manual_seed(5)
    assert np.array_equal(a, mg.randn(3).data)

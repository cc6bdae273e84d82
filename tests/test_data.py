"""minigrad.data: the generators' shapes and geometry, the digits file, the train/test split,
the DataLoader, and that the data files ship in the wheel."""

import gzip
import hashlib
import math
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.data import (
    DataLoader,
    load_digits,
    make_blobs,
    make_circles,
    make_moons,
    make_sine,
    make_spirals,
    make_xor,
    shipped,
    train_test_split,
)

ROOT = Path(__file__).resolve().parent.parent
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"

# generator, arguments, expected (n_samples, n_features), number of classes
CLASSIFICATION_SETS = [
    pytest.param(make_moons, {"n_samples": 101}, (101, 2), 2, id="moons"),
    pytest.param(make_circles, {"n_samples": 101}, (101, 2), 2, id="circles"),
    pytest.param(make_spirals, {"n_samples": 301, "n_classes": 4}, (301, 2), 4, id="spirals"),
    pytest.param(make_xor, {"n_samples": 103}, (103, 2), 2, id="xor"),
    pytest.param(make_blobs, {"n_samples": 101, "centers": 5, "n_features": 3}, (101, 3), 5, id="blobs"),
    pytest.param(make_blobs, {"n_samples": 50, "centers": [[0, 0, 0, 0], [5, 5, 5, 5]]}, (50, 4), 2, id="blobs-array"),
]
ALL_GENERATORS = [make_moons, make_circles, make_spirals, make_xor, make_blobs, make_sine]


def on_circle(points, centre, radius):
    return np.allclose(np.linalg.norm(points - np.asarray(centre), axis=1), radius, atol=1e-6)


# --------------------------------------------------------------------- generators
class TestGenerators:
    @pytest.mark.parametrize("make, kwargs, shape, n_classes", CLASSIFICATION_SETS)
    def test_shapes_dtypes_and_balanced_labels(self, make, kwargs, shape, n_classes):
        X, y = make(**kwargs, seed=0)
        assert X.shape == shape and X.dtype == np.float32
        assert y.shape == shape[:1] and y.dtype == np.int64
        counts = np.bincount(y)
        assert len(counts) == n_classes and counts.max() - counts.min() <= 1, counts

    @pytest.mark.parametrize("make, kwargs, shape, n_classes", CLASSIFICATION_SETS)
    def test_rows_come_shuffled_not_class_by_class(self, make, kwargs, shape, n_classes):
        _, y = make(**kwargs, seed=0)
        assert len(set(y[:10].tolist())) > 1, y[:10]

    @pytest.mark.parametrize("make", ALL_GENERATORS)
    def test_same_seed_same_data_other_seed_other_data(self, make):
        X1, y1 = make(seed=7)
        mg.manual_seed(99)  # minigrad's and numpy's global generators play no part
        np.random.seed(99)
        X2, y2 = make(seed=7)
        np.testing.assert_array_equal(X1, X2)
        np.testing.assert_array_equal(y1, y2)
        assert not np.array_equal(X1, make(seed=8)[0])
        assert not np.array_equal(X1, make()[0])  # no seed: fresh randomness

    @pytest.mark.parametrize("make", ALL_GENERATORS)
    def test_inputs_follow_the_default_dtype(self, make):
        mg.set_default_dtype(np.float64)
        X, y = make(seed=0)
        assert X.dtype == np.float64
        assert y.dtype == (np.float64 if make is make_sine else np.int64)

    def test_moons_without_noise_lie_on_two_unit_half_circles(self):
        X, y = make_moons(n_samples=60, noise=0, seed=0)
        upper, lower = X[y == 0], X[y == 1]
        assert on_circle(upper, (0, 0), 1) and (upper[:, 1] >= -1e-6).all()
        assert on_circle(lower, (1, 0.5), 1) and (lower[:, 1] <= 0.5 + 1e-6).all()

    def test_circles_without_noise_have_radius_one_and_factor(self):
        X, y = make_circles(n_samples=80, noise=0, factor=0.3, seed=0)
        assert on_circle(X[y == 0], (0, 0), 1) and on_circle(X[y == 1], (0, 0), 0.3)
        # evenly spaced in angle: 40 distinct angles a full turn / 40 apart
        angles = np.sort(np.arctan2(X[y == 0, 1], X[y == 0, 0]))
        np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 40, atol=1e-5)

    def test_spirals_without_noise_follow_their_arms(self):
        X, y = make_spirals(n_samples=150, n_classes=3, noise=0, seed=0)
        r = np.linalg.norm(X.astype(np.float64), axis=1)
        t = 4 * y + 4 * r  # t runs over [4k, 4k + 4] as r runs over [0, 1]
        np.testing.assert_allclose(X, np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-5)
        for k in range(3):
            assert r[y == k].min() == pytest.approx(0) and r[y == k].max() == pytest.approx(1)

    def test_spirals_split_samples_as_evenly_as_possible(self):
        _, y = make_spirals(n_samples=10, n_classes=3, seed=0)
        assert np.bincount(y).tolist() == [4, 3, 3]

    def test_xor_without_noise_sits_on_the_corners_labelled_by_differing_signs(self):
        X, y = make_xor(n_samples=40, noise=0, seed=0)
        assert set(map(tuple, X.tolist())) == {(1, 1), (1, -1), (-1, -1), (-1, 1)}
        np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))

    def test_noise_is_the_standard_deviation_of_a_gaussian(self):
        X, _ = make_xor(n_samples=20_000, noise=0.3, seed=0)
        np.testing.assert_allclose((X - np.sign(X)).std(axis=0), 0.3, rtol=0.03)
        X, y = make_sine(n_samples=20_000, noise=0.3, seed=0)
        assert (y - np.sin(X)).std() == pytest.approx(0.3, rel=0.03)

    def test_blobs_without_spread_sit_on_their_centers(self):
        centers = np.array([[0.0, 1.0], [2.0, 3.0], [-4.0, 5.0]])
        X, y = make_blobs(n_samples=30, centers=centers, cluster_std=0, seed=0)
        np.testing.assert_array_equal(X, centers[y])

    def test_blobs_drawn_centers_lie_in_the_box(self):
        X, y = make_blobs(n_samples=40, centers=4, n_features=3, cluster_std=0, seed=0)
        centers = np.array([X[y == k][0] for k in range(4)])
        assert (np.abs(centers) <= 10).all()
        np.testing.assert_array_equal(X, centers[y])

    def test_blobs_take_one_spread_per_cluster(self):
        X, y = make_blobs(n_samples=200, centers=[[0, 0], [9, 9]], cluster_std=[0, 2], seed=0)
        assert (X[y == 0] == 0).all()
        assert X[y == 1].std() == pytest.approx(2, rel=0.2)

    def test_sine_is_a_regression_set_shaped_for_one_output_unit(self):
        X, y = make_sine(n_samples=50, noise=0, seed=0)
        assert X.shape == y.shape == (50, 1) and X.dtype == y.dtype == np.float32
        assert (np.abs(X) <= np.pi).all()
        np.testing.assert_allclose(y, np.sin(X), atol=1e-6)

    @pytest.mark.parametrize(
        "make, kwargs, error, message",
        [
            (make_moons, {"n_samples": 0}, ValueError, "n_samples must be at least 2, got 0"),
            (make_moons, {"n_samples": 1}, ValueError, "n_samples must be at least 2, got 1"),
            (make_moons, {"n_samples": 2.5}, TypeError, "n_samples must be an int, got 2.5"),
            (make_moons, {"n_samples": True}, TypeError, "n_samples must be an int, got True"),
            (make_moons, {"noise": -0.1}, ValueError, "noise must be >= 0, got -0.1"),
            (make_circles, {"noise": float("nan")}, ValueError, "noise must be finite, got nan"),
            (make_circles, {"factor": 1}, ValueError, "factor (inner radius / outer radius) must be in (0, 1), got 1"),
            (make_circles, {"factor": 0.0}, ValueError, "must be in (0, 1), got 0.0"),
            (make_circles, {"factor": "half"}, TypeError, "factor must be a number, got 'half'"),
            (make_spirals, {"n_classes": 1}, ValueError, "n_classes must be at least 2, got 1"),
            (make_spirals, {"n_samples": 2, "n_classes": 3}, ValueError, "n_samples = 2 is fewer than n_classes = 3"),
            (make_spirals, {"noise": -1}, ValueError, "noise must be >= 0, got -1"),
            (make_xor, {"noise": "a"}, TypeError, "noise must be a number, got 'a'"),
            (make_blobs, {"centers": 0}, ValueError, "centers must be at least 1, got 0"),
            (make_blobs, {"centers": [1.0, 2.0]}, ValueError, "centers must be an int or an array of shape"),
            (make_blobs, {"centers": [[1, 2], [3]]}, ValueError, "centers must be an int or an array of shape"),
            (make_blobs, {"centers": [[0, np.inf]]}, ValueError, "centers must be finite"),
            (make_blobs, {"n_features": 0}, ValueError, "n_features must be at least 1, got 0"),
            (make_blobs, {"n_samples": 2, "centers": 3}, ValueError, "n_samples = 2 is fewer than the 3 centers"),
            (make_blobs, {"cluster_std": -1}, ValueError, "cluster_std must be >= 0, got -1"),
            (make_blobs, {"cluster_std": [1, 2]}, ValueError, "one per center (3), got shape (2,)"),
            (make_blobs, {"cluster_std": [1, -2, 1]}, ValueError, "cluster_std values must be finite and >= 0"),
            (make_sine, {"n_samples": 0}, ValueError, "n_samples must be at least 1, got 0"),
        ],
    )
    def test_bad_arguments_are_named_with_their_value(self, make, kwargs, error, message):
        with pytest.raises(error, match=re.escape(message)):
            make(**kwargs)


# --------------------------------------------------------------------- digits
class TestDigits:
    def test_shapes_dtypes_labels_and_pixel_range(self):
        X, y = load_digits()
        assert X.shape == (1797, 64) and X.dtype == np.float32
        assert y.shape == (1797,) and y.dtype == np.int64
        assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
        assert X.min() == 0 and X.max() == 16 and (X == np.round(X)).all()

    def test_first_image_is_a_zero_as_in_the_file(self):
        X, y = load_digits()
        assert X[0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0] and y[0] == 0

    def test_follows_the_default_dtype(self):
        mg.set_default_dtype(np.float64)
        assert load_digits()[0].dtype == np.float64

    def test_shipped_file_is_the_documented_one(self):
        digest = hashlib.sha256((ROOT / "datasets" / "digits.csv.gz").read_bytes()).hexdigest()
        assert digest == DIGITS_SHA256
        assert DIGITS_SHA256 in (ROOT / "datasets" / "README.md").read_text()

    def test_installed_location_first_then_the_clone(self, tmp_path, monkeypatch):
        package = tmp_path / "minigrad"
        (package / "datasets").mkdir(parents=True)
        (tmp_path / "datasets").mkdir()
        monkeypatch.setattr(shipped, "PACKAGE_DIR", package)
        (tmp_path / "datasets" / "f.csv.gz").touch()
        assert shipped.shipped_file("f.csv.gz") == tmp_path / "datasets" / "f.csv.gz"
        (package / "datasets" / "f.csv.gz").touch()
        assert shipped.shipped_file("f.csv.gz") == package / "datasets" / "f.csv.gz"

    def test_missing_file_names_both_places_looked_in(self, tmp_path, monkeypatch):
        (tmp_path / "datasets").mkdir()  # a folder of that name is not enough
        monkeypatch.setattr(shipped, "PACKAGE_DIR", tmp_path / "minigrad")
        with pytest.raises(FileNotFoundError) as raised:
            load_digits()
        message = str(raised.value)
        assert str(tmp_path / "minigrad" / "datasets" / "digits.csv.gz") in message
        assert str(tmp_path / "datasets" / "digits.csv.gz") in message

    def test_damaged_file_is_reported(self, tmp_path, monkeypatch):
        (tmp_path / "datasets").mkdir()
        with gzip.open(tmp_path / "datasets" / "digits.csv.gz", "wt") as file:
            file.write("1,2,3\n4,5,6\n")
        monkeypatch.setattr(shipped, "PACKAGE_DIR", tmp_path / "minigrad")
        with pytest.raises(ValueError, match=r"shape \(2, 3\), expected \(1797, 65\)"):
            load_digits()


# --------------------------------------------------------------------- train_test_split
def numbered(n):
    """X whose rows carry their index, and y = 10 * index, to follow rows through a shuffle."""
    X = np.repeat(np.arange(n, dtype=np.float64)[:, None], 3, axis=1)
    return X, 10 * np.arange(n)


class TestTrainTestSplit:
    @pytest.mark.parametrize("test_size, n_test", [(0.25, 3), (0.2, 2), (0.01, 1), (4, 4), (np.int64(9), 9)])
    def test_sizes_fraction_rounded_up_or_a_count(self, test_size, n_test):
        X, y = numbered(10)
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, seed=0)
        assert len(X_test) == len(y_test) == n_test
        assert len(X_train) == len(y_train) == 10 - n_test

    @given(n=st.integers(2, 60), data=st.data())
    def test_parts_are_disjoint_complete_and_keep_rows_paired(self, n, data):
        test_size = data.draw(st.integers(1, n - 1))
        X, y = numbered(n)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=test_size, seed=data.draw(st.integers(0, 9))
        )
        ids = np.concatenate([X_train[:, 0], X_test[:, 0]])
        assert sorted(ids.tolist()) == list(range(n))
        np.testing.assert_array_equal(y_train, 10 * X_train[:, 0])
        np.testing.assert_array_equal(y_test, 10 * X_test[:, 0])

    def test_shuffles_with_the_seed(self):
        X, y = numbered(50)
        first = train_test_split(X, y, seed=3)
        for a, b in zip(first, train_test_split(X, y, seed=3), strict=True):
            np.testing.assert_array_equal(a, b)
        assert not np.array_equal(first[1], train_test_split(X, y, seed=4)[1])
        assert not np.array_equal(np.sort(first[1][:, 0]), np.arange(40, 50))  # not simply the tail

    def test_parts_keep_type_and_dtype(self):
        X, y = make_sine(n_samples=20, seed=0)
        parts = train_test_split(mg.Tensor(X.astype(np.float64)), y, seed=0)
        assert isinstance(parts[0], mg.Tensor) and parts[0].dtype == np.float64
        assert isinstance(parts[2], np.ndarray) and parts[2].dtype == np.float32
        from_lists = train_test_split([[1], [2], [3]], [0, 1, 0], test_size=1, seed=0)
        assert all(isinstance(part, np.ndarray) for part in from_lists)

    @pytest.mark.parametrize(
        "n, test_size, error, message",
        [
            (10, 0.0, ValueError, "test_size as a fraction must be in (0, 1), got 0.0"),
            (10, 1.0, ValueError, "test_size as a fraction must be in (0, 1), got 1.0"),
            (10, -0.5, ValueError, "got -0.5"),
            (10, 0, ValueError, "test_size = 0 of 10 samples leaves 0 for testing"),
            (10, 10, ValueError, "test_size = 10 of 10 samples leaves 10 for testing and 0 for training"),
            (10, 0.95, ValueError, "leaves 10 for testing and 0 for training"),
            (1, 0.5, ValueError, "test_size = 0.5 of 1 samples"),
            (10, "20%", TypeError, "test_size must be a fraction in (0, 1) or a number of samples, got '20%'"),
            (10, True, TypeError, "got True"),
        ],
    )
    def test_bad_test_size(self, n, test_size, error, message):
        X, y = numbered(n)
        with pytest.raises(error, match=re.escape(message)):
            train_test_split(X, y, test_size=test_size)

    def test_lengths_must_match(self):
        with pytest.raises(ValueError, match=re.escape("len(X) = 5 and len(y) = 4")):
            train_test_split(np.zeros((5, 2)), np.zeros(4))

    @given(counts=st.lists(st.integers(2, 30), min_size=1, max_size=5), fraction=st.floats(0.05, 0.95),
           seed=st.integers(0, 9))  # fmt: skip
    def test_stratify_gives_each_class_its_share_of_the_test_part(self, counts, fraction, seed):
        y = np.repeat(np.arange(len(counts)), counts)
        X = np.arange(len(y), dtype=np.float64)[:, None]
        n, k = len(y), len(counts)
        n_test = math.ceil(fraction * n)
        if not k <= n_test <= n - k:
            both = f"({k} classes|both parts) need at least"  # the second when one part would be empty
            with pytest.raises(ValueError, match=both):
                train_test_split(X, y, test_size=fraction, seed=seed, stratify=y)
            return
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=fraction, seed=seed, stratify=y)
        assert sorted(np.concatenate([X_train[:, 0], X_test[:, 0]]).tolist()) == list(range(n))
        np.testing.assert_array_equal(y[X_test[:, 0].astype(int)], y_test)  # rows stay paired
        per_class = np.bincount(y_test, minlength=k)
        assert per_class.sum() == n_test and (per_class <= np.array(counts) - 1).all()  # each keeps a training one
        # each class's share n_c * n_test / n, rounded one way or the other (by one more where a class that
        # would have had all its samples taken gives one back)
        assert (np.abs(per_class - np.array(counts) * n_test / n) < 2).all()

    def test_stratify_rounds_shares_down_and_gives_the_rest_to_the_largest_leftovers(self):
        y = np.repeat([0, 1, 2], [10, 6, 4])  # test 5 of 20: shares 2.5, 1.5, 1.0
        *_, y_test = train_test_split(np.zeros((20, 1)), y, test_size=5, seed=0, stratify=y)
        assert np.bincount(y_test).tolist() == [3, 1, 1]  # 2, 1, 1, the one left to class 0 (tied with 1, first)

    def test_stratify_errors(self):
        X, y = np.zeros((6, 1)), np.array([0, 0, 0, 1, 1, 2])
        with pytest.raises(ValueError, match="stratify: class 2 has only 1 sample; each class needs at least 2"):
            train_test_split(X, y, stratify=y)
        with pytest.raises(ValueError, match=re.escape("stratify needs one class label per sample, shape (6,)")):
            train_test_split(X, y, stratify=y[:5])
        with pytest.raises(TypeError, match="'random_state' .scikit-learn's random_state is seed= here."):
            train_test_split(X, y, random_state=0)
        with pytest.raises(TypeError, match=re.escape("stratify needs class labels that sort (numbers or strings)")):
            train_test_split(X, y, stratify=[None] * 6)
        *_, y_test = train_test_split(X, y, test_size=2, seed=0, stratify=np.array(list("aaabbb")))  # strings
        assert len(y_test) == 2


# --------------------------------------------------------------------- DataLoader
def epoch_ids(loader):
    """The sample indices of one epoch, batch by batch (X's first column holds them)."""
    return [X_batch.data[:, 0].astype(int).tolist() for X_batch, _ in loader]


class TestDataLoader:
    @given(n=st.integers(1, 60), batch_size=st.integers(1, 70), shuffle=st.booleans(), drop_last=st.booleans())
    def test_every_sample_once_per_epoch_in_full_batches(self, n, batch_size, shuffle, drop_last):
        assume(not (drop_last and batch_size > n))
        X, y = numbered(n)
        loader = DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=0, drop_last=drop_last)
        for _ in range(2):
            batches = list(loader)
            assert len(batches) == len(loader)
            sizes = [len(y_batch) for _, y_batch in batches]
            assert all(size == batch_size for size in sizes[:-1]) and 0 < sizes[-1] <= batch_size
            ids = [i for X_batch, _ in batches for i in X_batch.data[:, 0].astype(int)]
            expected = n - n % batch_size if drop_last else n
            assert len(ids) == len(set(ids)) == expected
            if not drop_last:
                assert sorted(ids) == list(range(n))
            for X_batch, y_batch in batches:
                assert isinstance(X_batch, mg.Tensor) and isinstance(y_batch, np.ndarray)
                np.testing.assert_array_equal(y_batch, 10 * X_batch.data[:, 0])

    def test_len_and_last_batch(self):
        X, y = numbered(10)
        assert len(DataLoader(X, y, batch_size=4)) == 3
        assert [len(b) for _, b in DataLoader(X, y, batch_size=4)] == [4, 4, 2]
        assert len(DataLoader(X, y, batch_size=4, drop_last=True)) == 2
        assert [len(b) for _, b in DataLoader(X, y, batch_size=4, drop_last=True)] == [4, 4]

    def test_same_seed_same_batches_whatever_else_draws(self):
        X, y = numbered(100)
        a, b = DataLoader(X, y, batch_size=16, seed=5), DataLoader(X, y, batch_size=16, seed=5)
        for _ in range(3):
            first = epoch_ids(a)
            np.random.seed(0)
            mg.manual_seed(0)
            np.random.random(10), mg.randn(10)
            assert epoch_ids(b) == first
        assert epoch_ids(DataLoader(X, y, batch_size=16, seed=6)) != epoch_ids(DataLoader(X, y, batch_size=16, seed=5))

    def test_each_iter_is_a_new_epoch_with_a_new_order(self):
        X, y = numbered(100)
        loader = DataLoader(X, y, batch_size=100, seed=0)
        first, second = iter(loader), iter(loader)  # the order is drawn by iter(), not by next()
        (X1, _), (X2, _) = next(second), next(first)
        assert sorted(X1.data[:, 0]) == sorted(X2.data[:, 0]) == list(range(100))
        assert not np.array_equal(X1.data, X2.data)

    def test_without_shuffle_the_order_is_the_data_order(self):
        X, y = numbered(7)
        assert epoch_ids(DataLoader(X, y, batch_size=3, shuffle=False)) == [[0, 1, 2], [3, 4, 5], [6]]

    @pytest.mark.parametrize("dtype", [np.float32, np.float64])
    def test_keeps_the_dtype_of_X_and_y(self, dtype):
        X, y = make_sine(n_samples=10, seed=0)
        for data in (X.astype(dtype), mg.Tensor(X.astype(dtype))):
            X_batch, y_batch = next(iter(DataLoader(data, y, batch_size=4)))
            assert X_batch.dtype == dtype and y_batch.dtype == np.float32 and y_batch.shape == (4, 1)

    def test_lists_become_the_default_float_dtype_as_in_a_tensor(self):
        X_batch, y_batch = next(iter(DataLoader([[1.0], [2.0]], [0, 1], batch_size=2)))
        assert X_batch.dtype == mg.get_default_dtype() and y_batch.dtype == np.int64

    def test_batches_are_copies(self):
        X, y = numbered(4)
        X_batch, _ = next(iter(DataLoader(X, y, batch_size=4)))
        X_batch.data[...] = -1
        np.testing.assert_array_equal(X, numbered(4)[0])

    def test_repr_says_what_it_serves(self):
        X, y = numbered(10)
        assert repr(DataLoader(X, y, batch_size=4)) == (
            "DataLoader(10 samples, batch_size=4, shuffle=True, drop_last=False, 3 batches)"
        )

    @pytest.mark.parametrize(
        "kwargs, error, message",
        [
            ({"batch_size": 0}, ValueError, "batch_size must be at least 1, got 0"),
            ({"batch_size": 2.0}, TypeError, "batch_size must be an int, got 2.0"),
            ({"shuffle": "yes"}, TypeError, "shuffle must be True or False, got 'yes'"),
            ({"drop_last": None}, TypeError, "drop_last must be True or False, got None"),
            ({"batch_size": 11, "drop_last": True}, ValueError, "batch_size 11 > 10 samples would serve no batch"),
        ],
    )
    def test_bad_arguments(self, kwargs, error, message):
        X, y = numbered(10)
        with pytest.raises(error, match=re.escape(message)):
            DataLoader(X, y, **kwargs)

    def test_bad_data(self):
        with pytest.raises(ValueError, match=re.escape("len(X) = 10 and len(y) = 9")):
            DataLoader(np.zeros((10, 2)), np.zeros(9))
        with pytest.raises(ValueError, match="at least one sample"):
            DataLoader(np.zeros((0, 2)), np.zeros(0))
        with pytest.raises(ValueError, match=re.escape("one row per sample, got shapes () and (1,)")):
            DataLoader(np.float64(1.0), np.zeros(1))
        with pytest.raises(TypeError, match="dtype <U1"):
            DataLoader(np.array([["a"]]), np.zeros(1))


# --------------------------------------------------------------------- packaging
def test_wheel_ships_every_module_and_the_data_files(tmp_path):
    """A plain ``pip install .`` installs the wheel; a package left out of pyproject.toml
    would be missing from it. The source is copied first: setuptools reuses a stale
    ``build/`` folder, which could hide a file that the configuration no longer ships."""
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", ".venv", "tests"
        ),
    )
    wheels = tmp_path / "wheels"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--quiet", "-w", str(wheels)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = wheels.glob("minigrad-*.whl")
    modules = {path.relative_to(source).as_posix() for path in (source / "minigrad").rglob("*.py")}
    expected = modules | {
        "minigrad/nn/__init__.py",
        "minigrad/optim/__init__.py",
        "minigrad/datasets/digits.csv.gz",
        "minigrad/datasets/README.md",
    }
    with zipfile.ZipFile(wheel) as archive:
        missing = expected - set(archive.namelist())
        assert not missing, f"missing from the wheel: {sorted(missing)}"
        assert hashlib.sha256(archive.read("minigrad/datasets/digits.csv.gz")).hexdigest() == DIGITS_SHA256

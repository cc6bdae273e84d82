"""minigrad.utils.data: PyTorch's Dataset / TensorDataset / DataLoader / random_split."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split


def numbered(n):
    """Features whose first column is the row number, so a batch tells which rows it holds."""
    X = mg.tensor(np.stack([np.arange(n), np.arange(n) ** 2], axis=1).astype(np.float32))
    y = mg.tensor(np.arange(n) % 3)
    return X, y


def test_tensor_dataset_serves_rows_of_every_tensor():
    X, y = numbered(5)
    dataset = TensorDataset(X, y)
    assert len(dataset) == 5
    row, label = dataset[3]
    assert row.tolist() == [3.0, 9.0] and label.item() == 0
    with pytest.raises(ValueError, match=r"same first dimension, got shapes \(5, 2\), \(4,\)"):
        TensorDataset(X, y[:4])
    with pytest.raises(TypeError, match="tensor 1 must be a Tensor or an ndarray, got list"):
        TensorDataset(X, [0, 1, 2, 3, 4])


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("drop_last", [False, True])
def test_each_epoch_serves_every_sample_once(shuffle, drop_last):
    X, y = numbered(10)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=shuffle, drop_last=drop_last, generator=0)
    assert len(loader) == (2 if drop_last else 3)
    for _ in range(2):
        rows = []
        for xb, yb in loader:
            assert isinstance(xb, mg.Tensor) and xb.dtype == np.float32 and yb.dtype == np.int64
            assert (yb.numpy() == xb.numpy()[:, 0].astype(int) % 3).all()  # rows and labels stay paired
            rows += xb.numpy()[:, 0].astype(int).tolist()
        assert len(rows) == (8 if drop_last else 10) and len(set(rows)) == len(rows)
        if not shuffle:
            assert rows == list(range(len(rows)))


def test_shuffled_order_follows_the_generator():
    X, y = numbered(20)

    def first_batch(generator):
        return next(iter(DataLoader(TensorDataset(X, y), batch_size=20, shuffle=True, generator=generator)))[1]

    a = first_batch(mg.Generator().manual_seed(3))
    b = first_batch(mg.Generator().manual_seed(3))
    c = first_batch(mg.Generator().manual_seed(4))
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist()
    mg.manual_seed(5)
    d = first_batch(None)
    mg.manual_seed(5)
    assert first_batch(None).tolist() == d.tolist()


class Squares(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return {"x": np.array([i, i * i], dtype=np.float32), "label": i % 2, "weight": 0.5 * i}


def test_a_custom_dataset_is_collated_field_by_field():
    batch = next(iter(DataLoader(Squares(), batch_size=4)))
    assert batch["x"].shape == (4, 2) and batch["x"].dtype == np.float32
    assert batch["label"].dtype == np.int64 and batch["label"].tolist() == [0, 1, 0, 1]
    assert batch["weight"].dtype == np.float64 and batch["weight"].tolist() == [0.0, 0.5, 1.0, 1.5]
    pairs = default_collate([(mg.tensor([1.0, 2.0]), 1), (mg.tensor([3.0, 4.0]), 0)])
    assert pairs[0].tolist() == [[1.0, 2.0], [3.0, 4.0]] and pairs[1].tolist() == [1, 0]


def test_random_split_gives_disjoint_subsets_of_the_requested_sizes():
    X, y = numbered(10)
    dataset = TensorDataset(X, y)
    parts = random_split(dataset, [0.33, 0.33, 0.34], generator=mg.Generator().manual_seed(0))
    # PyTorch's rule: floor(10 * fraction) each, the remainder added from the first subset on
    assert [len(p) for p in parts] == [4, 3, 3]
    assert sorted(i for p in parts for i in p.indices) == list(range(10))
    train, test = random_split(dataset, [7, 3], generator=1)
    assert isinstance(train, Subset) and train[0][0].tolist()[0] == train.indices[0]
    with pytest.raises(ValueError, match=r"the lengths \[7, 2\] sum to 9, not to the dataset's 10 samples"):
        random_split(dataset, [7, 2])


def test_bad_arguments_are_named():
    X, y = numbered(4)
    with pytest.raises(TypeError, match="DataLoader needs a dataset with __getitem__ and __len__, got int"):
        DataLoader(3)
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        DataLoader(TensorDataset(X, y), batch_size=0)
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        DataLoader(TensorDataset(X, y), shuffle="yes")


def test_numpy_float32_samples_stay_float32():
    assert default_collate([np.float32(1.5), np.float32(2.0)]).dtype == np.float32
    assert default_collate([1.5, 2.0]).dtype == np.float64


def test_a_seeded_loader_draws_a_new_order_each_epoch_and_the_same_run_each_time():
    X, y = numbered(30)

    def epochs(seed):
        loader = DataLoader(TensorDataset(X, y), batch_size=30, shuffle=True, generator=seed)
        return [next(iter(loader))[1].tolist() for _ in range(2)]

    first, second = epochs(7)
    assert first != second  # a seed starts one stream; it is not restarted at every epoch
    assert epochs(7) == [first, second]

"""A small network learns, with nothing but the engine, nn, and a hand-written SGD loop."""

import numpy as np

import minigrad as mg
from minigrad import nn


def test_an_mlp_trained_by_hand_written_sgd_solves_xor():
    mg.manual_seed(0)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0])
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    loss_fn = nn.CrossEntropyLoss()
    first_loss = None
    for _ in range(500):
        loss = loss_fn(model(mg.Tensor(X)), y)
        first_loss = first_loss or loss.item()
        model.zero_grad()
        loss.backward()
        with mg.no_grad():
            for p in model.parameters():
                p.data -= 0.5 * p.grad
    assert loss.item() < 0.05 * first_loss
    predictions = model(mg.Tensor(X)).data.argmax(axis=1)
    np.testing.assert_array_equal(predictions, y)
    assert all(p.dtype == np.float32 for p in model.parameters())

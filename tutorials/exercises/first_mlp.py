"""Checkers for the exercises of tutorial 02 (a first MLP): one training step, the
accuracy of a batch of scores, and the cross-entropy loss in numpy.

Each checker calls your function on cases it builds itself, compares the result with
something that does not depend on your code (hand-derived values, plain SGD written out
in numpy, minigrad's own loss and ``evaluate``), prints what it verified, and raises
AssertionError with what differs and a hint.
"""

from __future__ import annotations

import math

import numpy as np

import minigrad as mg
from minigrad import data, nn, optim
from minigrad.train import evaluate

from ._returned import returned

LR = 0.5


def _small_model(seed: int = 0):
    mg.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2))


def _as_float(value, what: str) -> float:
    returned(value, what, "a float")
    if isinstance(value, mg.Tensor):
        raise AssertionError(f"{what} returned a Tensor: return a plain float (.item() of a 0-d Tensor)")
    return float(value)


def check_train_step(train_step, steps: int = 3) -> None:
    """Check ``train_step(model, optimizer, loss_fn, X_batch, y_batch) -> float``: one
    training step on one batch (forward, zero_grad, backward, step), returning the batch's
    loss before the update as a float.

    The reference is plain SGD written out here: the gradient of each parameter, then
    ``p = p - lr * grad`` in numpy, on a twin of the model; the two must agree after every
    one of ``steps`` steps on different batches."""
    X, y = data.make_moons(8 * steps, noise=0.2, seed=1)
    model, twin = _small_model(), _small_model()
    optimizer, loss_fn = optim.SGD(model.parameters(), lr=LR), nn.CrossEntropyLoss()
    for step in range(steps):
        X_batch, y_batch = mg.Tensor(X[8 * step : 8 * (step + 1)]), y[8 * step : 8 * (step + 1)]
        before = [p.data.copy() for p in model.parameters()]
        for p in twin.parameters():
            p.grad = None
        expected_loss = loss_fn(twin(X_batch), y_batch)
        expected_loss.backward()
        for p in twin.parameters():
            p.data = p.data - LR * p.grad
        loss = _as_float(train_step(model, optimizer, loss_fn, X_batch, y_batch), "train_step")
        if not math.isclose(loss, expected_loss.item(), rel_tol=1e-6):
            raise AssertionError(
                f"step {step + 1}: you returned {loss:.6f}, the batch's loss before the update is "
                f"{expected_loss.item():.6f}. Hint: return loss.item() of the loss computed in the forward pass."
            )
        if all(np.array_equal(p.data, old) for p, old in zip(model.parameters(), before, strict=True)):
            raise AssertionError(
                f"step {step + 1}: the parameters did not move. Hint: call optimizer.step() after loss.backward()."
            )
        for (name, p), q in zip(model.named_parameters(), twin.parameters(), strict=True):
            if not np.allclose(p.data, q.data, rtol=1e-5, atol=1e-6):
                hint = (
                    "the first step was right, so the gradients of earlier steps were still in .grad: "
                    "call optimizer.zero_grad() before loss.backward()"
                    if step > 0
                    else "the order is forward, optimizer.zero_grad(), loss.backward(), optimizer.step()"
                )
                raise AssertionError(f"step {step + 1}: {name} differs from plain SGD's update. Hint: {hint}.")
    print(f"your train_step matches plain SGD (p = p - {LR} * grad) for {steps} steps on different batches")


def check_accuracy(accuracy) -> None:
    """Check ``accuracy(scores, labels) -> float``: the fraction of samples whose highest
    score (one row of ``scores``, shape (N, C)) is at their label (``labels``, shape (N,)).

    References: hand-counted cases, then ``evaluate``'s accuracy of a small model."""
    cases = [
        # scores (N, C), labels, expected: counted by hand
        (np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0], [0.2, 0.1]]), np.array([0, 1, 1, 1]), 0.5),
        (np.array([[0.1, 0.5, 0.2], [3.0, -1.0, 0.0], [0.0, 0.0, 4.0]]), np.array([1, 0, 2]), 1.0),
        (np.array([[-1.0, -2.0, -0.5], [1.0, 2.0, 0.0]]), np.array([0, 0]), 0.0),
    ]
    for scores, labels, expected in cases:
        value = _as_float(accuracy(scores.copy(), labels.copy()), "accuracy")
        if value != expected:
            predicted = scores.argmax(axis=1).tolist()
            hint = (
                "that is a count: divide by the number of samples"
                if value == expected * len(labels)
                else f"the predicted classes are the argmax of each row (axis=1): {predicted}"
            )
            raise AssertionError(
                f"scores {scores.tolist()}, labels {labels.tolist()}: you gave {value}, expected {expected}. "
                f"Hint: {hint}."
            )
    X, y = data.make_moons(50, noise=0.3, seed=2)
    model = _small_model()
    with mg.no_grad():
        scores = model(mg.Tensor(X)).data
    library = evaluate(model, nn.CrossEntropyLoss(), X, y)["accuracy"]
    value = _as_float(accuracy(scores, y), "accuracy")
    if not math.isclose(value, library, abs_tol=1e-12):
        raise AssertionError(f"on 50 moons points, you gave {value}, evaluate() gives {library}")
    print(f"your accuracy matches {len(cases)} hand-counted cases and evaluate() on a model ({library:.2f})")


def check_cross_entropy(cross_entropy) -> None:
    """Check ``cross_entropy(scores, labels) -> float`` in numpy: the mean over the samples
    of -log(softmax(scores row)[label]), as ``nn.CrossEntropyLoss`` computes it.

    References: ln C for all-equal scores (by hand), a case with scores of 1000 (by hand:
    it must not overflow), and ``nn.CrossEntropyLoss`` on random scores."""
    rng = np.random.default_rng(4)
    random_scores, random_labels = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6)
    library = nn.CrossEntropyLoss()(mg.Tensor(random_scores), random_labels).item()
    cases = [
        ("all-zero scores, 4 classes", np.zeros((5, 4)), np.array([0, 1, 2, 3, 0]), math.log(4)),
        ("random scores", random_scores, random_labels, library),
        # right with 1000 against 0: loss 0; wrong: loss 1000. Mean (0 + 1000) / 2.
        ("scores of 1000", np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([0, 0]), 500.0),
    ]
    for name, scores, labels, expected in cases:
        with np.errstate(all="ignore"):
            value = _as_float(cross_entropy(scores.copy(), labels.copy()), "cross_entropy")
        if math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12):
            continue
        if not math.isfinite(value):
            hint = "exp(1000) overflows: subtract each row's largest score before exp (log-sum-exp)"
        elif math.isclose(value, expected * len(labels), rel_tol=1e-9):
            hint = "that is the sum over the samples: take the mean"
        else:
            hint = "loss_i = log(sum_c exp(scores[i, c])) - scores[i, labels[i]], then the mean over i"
        raise AssertionError(f"{name}: you gave {value}, expected {expected}. Hint: {hint}.")
    print("your cross_entropy gives ln 4 for equal scores, 500 for scores of 1000 without overflow, "
          f"and nn.CrossEntropyLoss's {library:.4f} on random scores")  # fmt: skip

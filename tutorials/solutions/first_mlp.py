"""Worked solutions to the exercises of tutorial 02 (a first MLP).

Run from tutorials/: ``python -m solutions.first_mlp`` checks each one with its checker.
"""

import numpy as np


def train_step(model, optimizer, loss_fn, X_batch, y_batch):
    """One step: forward, forget the old gradients, backward, update."""
    loss = loss_fn(model(X_batch), y_batch)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def accuracy(scores, labels):
    """Fraction of rows whose largest score is at the label."""
    return float(np.mean(np.argmax(scores, axis=1) == labels))


def cross_entropy(scores, labels):
    """mean_i [log(sum_c exp(s_ic)) - s_i,label]; subtracting each row's maximum first
    changes nothing mathematically and keeps exp from overflowing."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_sum_exp = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(log_sum_exp - shifted[np.arange(len(labels)), labels]))


if __name__ == "__main__":
    from exercises.first_mlp import check_accuracy, check_cross_entropy, check_train_step

    check_train_step(train_step)
    check_accuracy(accuracy)
    check_cross_entropy(cross_entropy)

"""Checkers for the exercises of tutorial 04 (AdaGrad): the effective learning rate after t
steps of a constant gradient, the number of steps AdaGrad needs to travel a distance, and
the length of its first step under PyTorch's and Keras's settings.

Each checker calls your function on a few cases, compares it with ``optim.Adagrad`` run on
the same case, prints what it verified, and raises AssertionError with a hint at the first
case that disagrees.
"""

from __future__ import annotations

import numpy as np

import minigrad as mg
from minigrad import optim

from ._returned import number, returned

# (t, g, lr, eps, initial_accumulator_value)
EFFECTIVE = (
    (1, 2.0, 0.1, 1e-10, 0.0),
    (100, -0.5, 0.1, 1e-10, 0.0),
    (1000, 0.01, 0.01, 1e-7, 0.1),
    (7, 3.0, 1.0, 0.1, 0.5),
)
TRAVELS = ((1.0, 0.1), (5.0, 0.1), (3.3, 0.5), (0.25, 0.3))  # (distance, lr)
CONVENTIONS = {"PyTorch": (0.0, 1e-10), "Keras": (0.1, 1e-7)}  # (initial_accumulator_value, eps)
FIRST_GRADIENTS = (10.0, 1.0, 0.3, 0.01, -0.01, 1e-9, 0.0)


def _adagrad(gradients, lr, eps=1e-10, initial_accumulator_value=0.0):
    """Feed optim.Adagrad a sequence of gradients for one coordinate; return it and the coordinate."""
    w = mg.Tensor(np.zeros(1), requires_grad=True)
    optimizer = optim.Adagrad([w], lr=lr, eps=eps, initial_accumulator_value=initial_accumulator_value)
    for g in gradients:
        w.grad = np.array([g])
        optimizer.step()
    return optimizer, w


def check_effective_lr(effective_lr) -> None:
    """``effective_lr(t, g, lr, eps, initial_accumulator_value)`` should return AdaGrad's
    effective learning rate after ``t`` steps with the constant gradient ``g``. Checked
    against ``optim.Adagrad(...).effective_lr()`` (to a relative 1e-9)."""
    for t, g, lr, eps, start in EFFECTIVE:
        call = f"effective_lr(t={t}, g={g}, lr={lr}, eps={eps}, initial_accumulator_value={start})"
        answer = returned(effective_lr(t, g, lr, eps, start), call, "the number")
        if np.size(answer) != 1:
            raise AssertionError(f"{call} returned {answer!r}: return one number")
        answer = float(np.asarray(answer).reshape(()))
        optimizer, _ = _adagrad([g] * t, lr, eps, start)
        expected = float(optimizer.effective_lr()[0])
        if not np.isclose(answer, expected, rtol=1e-9, atol=0):
            total = start + t * g * g
            candidates = [  # plausible slips, each computed for this case
                (
                    lr / np.sqrt(total + eps),
                    "eps is added after the square root, lr / (sqrt(sum) + eps), not inside it",
                ),
                (lr / np.sqrt(total), "eps is missing: the effective lr is lr / (sqrt(sum) + eps)"),
                (lr / (np.sqrt(t * g * g) + eps), "the sum starts at initial_accumulator_value, not at 0"),
                (lr / (np.sqrt(start + (t - 1) * g * g) + eps), "after t steps the sum holds t squared gradients"),
            ]
            hint = next(
                (text for value, text in candidates if np.isclose(answer, value, rtol=1e-12, atol=0)),
                "g enters squared, so its sign does not matter"
                if answer < 0
                else "after t steps the sum is initial_accumulator_value + t * g^2, and the effective lr is "
                "lr / (sqrt(sum) + eps)",
            )
            raise AssertionError(
                f"{call} returned {answer!r}, but optim.Adagrad reports {expected!r} (difference "
                f"{answer - expected:.3g}, relative {answer / expected - 1:.2g}). Hint: {hint}."
            )
    print(f"effective_lr matches optim.Adagrad for (t, g, lr, eps, initial_accumulator_value) = {list(EFFECTIVE)}")


def check_steps_to_travel(steps_to_travel) -> None:
    """``steps_to_travel(distance, lr)`` should return the fewest steps after which AdaGrad
    (PyTorch's settings), fed the gradient -1 on every step, has moved at least ``distance``.
    Checked by running ``optim.Adagrad`` until it has."""
    for distance, lr in TRAVELS:
        call = f"steps_to_travel({distance}, {lr})"
        answer = int(returned(steps_to_travel(distance, lr), call, "the number of steps"))
        w = mg.Tensor(np.zeros(1), requires_grad=True)
        optimizer = optim.Adagrad([w], lr=lr)
        steps = 0
        while w.data[0] < distance:
            w.grad = np.array([-1.0])
            optimizer.step()
            steps += 1
        if answer != steps:
            raise AssertionError(
                f"{call} returned {answer}, but optim.Adagrad first covers {distance} "
                f"after {steps} steps. Hint: with a constant gradient step k moves lr / sqrt(k); add the steps up "
                "until they reach the distance (np.cumsum helps). It comes to about (distance / (2 lr))^2."
            )
    print(f"steps_to_travel matches runs of optim.Adagrad for (distance, lr) = {list(TRAVELS)}")


def check_first_step(first_step) -> None:
    """``first_step(g, lr, initial_accumulator_value, eps)`` should return how far AdaGrad's
    first step moves a coordinate whose gradient is ``g`` (a length, not negative). Checked
    against one step of ``optim.Adagrad`` under PyTorch's and Keras's settings (to a relative 1e-6)."""
    lr = 0.1
    for name, (start, eps) in CONVENTIONS.items():
        for g in FIRST_GRADIENTS:
            call = f"first_step(g={g}, lr={lr}, initial_accumulator_value={start}, eps={eps})"
            answer = number(first_step(g, lr, start, eps), call)
            _, w = _adagrad([g], lr, eps, start)
            expected = float(abs(w.data[0]))
            if not np.isclose(answer, expected, rtol=1e-6, atol=1e-15):
                raise AssertionError(
                    f"{call} ({name}) returned "
                    f"{answer:.8g}, but optim.Adagrad moves the coordinate by {expected:.8g}. Hint: on the first step "
                    "sum = initial_accumulator_value + g^2, and the step is lr * |g| / (sqrt(sum) + eps)."
                )
    print(f"first_step matches one step of optim.Adagrad ({', '.join(CONVENTIONS)} settings) for g = {FIRST_GRADIENTS}")

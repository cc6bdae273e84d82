"""Check an optimizer's update rule, written in a few lines of numpy, against minigrad's
optimizer, step for step."""

from __future__ import annotations

import numpy as np

import minigrad as mg

from ._returned import returned

CURVATURES = np.array([1.0, 4.0, 25.0])  # a bowl much steeper in some directions than in others
START = np.array([-2.0, 1.0, 0.5])


def check_update_rule(step, optimizer, hyper: dict, steps: int = 30, seed: int = 0) -> None:
    """Run ``step`` (your rule) and ``optimizer`` (a minigrad class such as ``optim.Adagrad``)
    side by side from the same point of a bowl, with the same noisy gradients, and compare
    the parameters after every step.

    ``step(theta, grad, state, **hyper)`` gets numpy arrays of shape (3,) and a dict
    ``state`` that starts empty and is kept from one call to the next (store your running
    sums there), and returns the new ``theta``. ``hyper`` holds the hyper-parameters, with
    the names the optimizer uses (``lr``, ``eps``, ...), given to both.

    Prints how closely they agree; raises AssertionError at the first step where they
    differ by more than round-off, with both values in full and the difference.
    """
    noise = np.random.default_rng(seed).normal(scale=0.5, size=(steps, len(START)))
    theta = START.copy()
    state: dict = {}
    w = mg.Tensor(START.copy(), requires_grad=True)
    reference = optimizer([w], **hyper)
    largest = 0.0
    for t in range(steps):
        grad = CURVATURES * theta + noise[t]
        theta = np.asarray(returned(step(theta.copy(), grad, state, **hyper), "your step", "the new theta"),
                           dtype=np.float64)  # fmt: skip
        if theta.shape != START.shape:
            raise AssertionError(f"your step returned theta of shape {theta.shape}, expected {START.shape}")
        w.grad = CURVATURES * w.data + noise[t]
        reference.step()
        difference = np.max(np.abs(theta - w.data))
        if not np.allclose(theta, w.data, rtol=1e-10, atol=1e-12):
            worst = int(np.argmax(np.abs(theta - w.data)))
            raise AssertionError(
                f"step {t + 1}: your theta is {_full(theta)}, {type(reference).__name__}'s is {_full(w.data)}, "
                f"{difference:.2e} apart in coordinate {worst} (with the same gradient {_full(grad)}). "
                f"Compare your lines with the rule in help(optim.{type(reference).__name__}): where eps goes, "
                "what starts at zero."
            )
        largest = max(largest, float(difference))
    print(f"your rule matches {type(reference).__name__}({_arguments(hyper)}) for {steps} steps "
          f"(largest difference {largest:.1e})")  # fmt: skip


def _full(values: np.ndarray) -> str:
    """Every digit of a float64, so that two values that differ never print alike."""
    return np.array2string(values, precision=17, floatmode="unique", separator=", ")


def _arguments(hyper: dict) -> str:
    return ", ".join(f"{name}={value}" for name, value in hyper.items())

"""Checkers for the exercises of tutorial 05 (from Rprop to RMSprop). Each runs your function
against minigrad's optimizers, prints what it verified, and raises AssertionError with a
hint when something is off."""

from __future__ import annotations

import math

import numpy as np

import minigrad as mg
from minigrad import optim

from ._returned import returned

# (distance, lr, etaplus): each distance lies over 1% away from every point Rprop lands on, so round-off
# cannot change the count
COVER_CASES = [(1.0, 0.01, 1.2), (5.0, 0.1, 1.5), (0.05, 0.01, 1.2), (100.0, 0.001, 1.1), (0.009, 0.01, 1.2)]
CYCLES = [[0.1] * 9 + [-0.9], [1.0, -1.0], [2.0, 0.5, -1.0, 0.25], [-3.0, 1.0, 1.0, 1.0]]


def _steps_rprop_needs(distance, lr, etaplus):
    """Rprop's steps on a gradient that keeps its sign, until the weight is `distance` away."""
    p = mg.Tensor(np.zeros(1), requires_grad=True)
    optimizer = optim.Rprop([p], lr=lr, etas=(0.5, etaplus), step_sizes=(1e-6, 1e12))
    steps = 0
    while abs(p.item()) < distance:
        p.grad = np.ones(1)
        optimizer.step()
        steps += 1
    return steps


def check_steps_to_cover(steps_to_cover) -> None:
    """Exercise 1: ``steps_to_cover(distance, lr, etaplus)`` is the number of Rprop steps a
    coordinate whose gradient keeps its sign needs to travel at least ``distance``, with
    step sizes lr, lr * etaplus, lr * etaplus^2, ... Compared with ``optim.Rprop`` on a
    constant gradient, in five settings."""
    for distance, lr, etaplus in COVER_CASES:
        measured = _steps_rprop_needs(distance, lr, etaplus)
        call = f"steps_to_cover({distance}, {lr}, {etaplus})"
        yours = returned(steps_to_cover(distance, lr, etaplus), call, "the number of steps")
        if yours != measured:
            travelled = lr * (etaplus ** int(yours) - 1) / (etaplus - 1) if float(yours).is_integer() else None
            hint = (
                "the step sizes of the first n steps add up to lr (etaplus^n - 1) / (etaplus - 1); "
                "take the smallest n with that at least distance"
            )
            if yours == measured - 1:
                hint = f"after {yours} steps the weight has travelled only {travelled:.6g}: one more step is needed"
            elif yours == measured + 1:
                hint = "one step too many: the first step already moves by lr (n counts steps, not growths)"
            raise AssertionError(
                f"distance={distance}, lr={lr}, etaplus={etaplus}: yours is {yours!r}, optim.Rprop needs "
                f"{measured} steps. Hint: {hint}."
            )
    print(f"steps_to_cover matches the steps optim.Rprop takes in {len(COVER_CASES)} settings")


def _last_pass(cycle, lr, alpha=0.995, passes=None):
    """The change of theta on each mini-batch of the last pass of RMSprop through `cycle`."""
    passes = passes or math.ceil(10 / (1 - alpha) / len(cycle))  # alpha^steps < 1e-4: the start is forgotten
    p = mg.Tensor(np.zeros(1), requires_grad=True)
    optimizer = optim.RMSprop([p], lr=lr, alpha=alpha)
    changes = []
    for g in cycle * passes:
        before = p.item()
        p.grad = np.array([g])
        optimizer.step()
        changes.append(p.item() - before)
    return np.array(changes[-len(cycle) :])


def check_settled_steps(settled_steps, rtol: float = 0.02) -> None:
    """Exercise 2: ``settled_steps(cycle, lr)`` returns RMSprop's steps (changes of theta) on
    the gradients of ``cycle`` once ``v`` is the mean of g^2 over the cycle. Compared, within
    ``rtol``, with the last pass of ``optim.RMSprop(alpha=0.995)`` run long enough to forget
    its start, for four cycles."""
    for lr in (0.01, 0.1):
        for cycle in CYCLES:
            measured = _last_pass(cycle, lr)
            yours = returned(settled_steps(np.array(cycle), lr), f"settled_steps({cycle}, {lr})", "the array of steps")
            yours = np.asarray(yours, dtype=np.float64)
            if yours.shape != measured.shape:
                raise AssertionError(f"return one step per gradient, shape {measured.shape}, got {yours.shape}")
            if not np.allclose(yours, measured, rtol=rtol, atol=0.0):
                g = np.array(cycle)
                candidates = [
                    (-lr * np.sign(g), "that is the sign rule: RMSprop's step is proportional to g"),
                    (lr * g / np.sqrt(np.mean(g * g)), "theta moves against the gradient (a minus sign)"),
                    (-lr * g / np.mean(np.abs(g)), "v averages g^2, so the divisor is the root of the mean square"),
                ]
                hint = next(
                    (text for value, text in candidates if np.allclose(yours, value, rtol=1e-6)),
                    "each step is -lr * g / sqrt(v), with v the mean of g^2 over the cycle",
                )
                raise AssertionError(
                    f"cycle {cycle}, lr={lr}: yours is {yours}, optim.RMSprop's last pass took {measured}. "
                    f"Hint: {hint}."
                )
    print(f"settled_steps matches optim.RMSprop's last pass within {rtol:.0%} for {len(CYCLES)} cycles and two lrs")

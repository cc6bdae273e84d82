"""How much the engine adds to small ops: minigrad forward + backward against the same math in plain numpy.

Run from the repository root (no installation needed):

    python tests/benchmarks/bench_ops.py

Every op runs on small float32 inputs ((32, 16); (16, 16) for matmul), and every input requires grad.
Columns, each the median time of one call in microseconds:

    numpy fwd         the op's forward math in numpy alone
    numpy fwd+bwd     that forward, ``g = np.ones_like(out)``, and the hand-written gradient of every input
                      (the same numerically stable formulas the engine uses, without its defensive copies)
    minigrad fwd+bwd  ``y = op(x); y.backward(np.ones_like(y.data))``, after resetting each input's ``.grad``
    overhead          minigrad fwd+bwd minus numpy fwd+bwd: the graph, the closures and ``backward()``
    ratio             minigrad fwd+bwd / numpy fwd+bwd

All the measurements take turns within each repeat (every op, its three columns, and an empty call whose
cost is subtracted from the others); each repeat times a batch of calls. The last line compares the largest
overhead with the budget; the exit code is 0 either way. The file name has no ``test_`` prefix, so pytest
does not collect it.
"""

from __future__ import annotations

import gc
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

try:
    import minigrad as mg
except ImportError:  # run from a checkout without installation
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import minigrad as mg

BATCH = 200  # calls timed together in one measurement
REPEATS = 61  # measurements per column; the median is reported
WARMUP = 50  # untimed calls of each step before measuring
BUDGET_US = 10.0


@dataclass(frozen=True)
class Case:
    """One op: its numpy forward, the numpy gradients ``backward(g, out, *inputs)`` and the minigrad op.

    ``op`` may be left out when ``forward`` is written with operators and methods that Tensors share with
    numpy arrays (``a + b``, ``a.sum()``, ``a.T``): the same expression then runs on both.
    """

    name: str
    inputs: tuple[np.ndarray, ...]
    forward: Callable
    backward: Callable
    op: Callable | None = None

    @property
    def minigrad_op(self) -> Callable:
        return self.forward if self.op is None else self.op


# ----------------------------------------------------------------- numpy versions of the engine's formulas
def _sigmoid(a):
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1, e) / (1 + e)


def _softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_backward(g, out, a):
    return (out * (g - (g * out).sum(axis=-1, keepdims=True)),)


def _log_softmax(a):
    shifted = a - a.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _log_softmax_backward(g, out, a):
    return (g - np.exp(out) * g.sum(axis=-1, keepdims=True),)


def _max_backward(g, out, a):
    winners = a == out  # tied maxima share the gradient
    return (g * winners / int(winners.sum()),)


def _scatter_backward(index):
    def backward(g, out, a):
        grad = np.zeros_like(a)
        np.add.at(grad, index, g)
        return (grad,)

    return backward


def make_cases(rng: np.random.Generator) -> list[Case]:
    def rand(*shape, low=-1.0, high=1.0):
        return rng.uniform(low, high, size=shape).astype(np.float32)

    x, y, bias = rand(32, 16), rand(32, 16), rand(16)
    positive = rand(32, 16, low=0.5, high=1.5)
    m1, m2 = rand(16, 16), rand(16, 16)
    rows_labels = (np.arange(32), rng.integers(0, 16, size=32))
    return [
        Case("add", (x, y), lambda a, b: a + b, lambda g, out, a, b: (g, g)),
        Case("add bias (16,)", (x, bias), lambda a, b: a + b, lambda g, out, a, b: (g, g.sum(axis=0))),
        Case("sub", (x, y), lambda a, b: a - b, lambda g, out, a, b: (g, -g)),
        Case("mul", (x, y), lambda a, b: a * b, lambda g, out, a, b: (g * b, g * a)),
        Case("div", (x, positive), lambda a, b: a / b, lambda g, out, a, b: (g / b, -g * a / (b * b))),
        Case("pow 2", (x,), lambda a: a**2, lambda g, out, a: (g * 2 * a,)),
        Case("matmul 16x16", (m1, m2), lambda a, b: a @ b, lambda g, out, a, b: (g @ b.T, a.T @ g)),
        Case("exp", (x,), np.exp, lambda g, out, a: (g * out,), lambda a: a.exp()),
        Case("log", (positive,), np.log, lambda g, out, a: (g / a,), lambda a: a.log()),
        Case("tanh", (x,), np.tanh, lambda g, out, a: (g * (1 - out * out),), lambda a: a.tanh()),
        Case("sigmoid", (x,), _sigmoid, lambda g, out, a: (g * out * (1 - out),), lambda a: a.sigmoid()),
        Case("relu", (x,), lambda a: np.maximum(a, 0), lambda g, out, a: (g * (a > 0),), lambda a: a.relu()),
        Case("sum", (x,), lambda a: a.sum(), lambda g, out, a: (np.full(a.shape, g, a.dtype),)),
        Case("mean", (x,), lambda a: a.mean(), lambda g, out, a: (np.full(a.shape, g / a.size, a.dtype),)),
        Case("max", (x,), lambda a: a.max(), _max_backward),
        Case("reshape", (x,), lambda a: a.reshape(16, 32), lambda g, out, a: (g.reshape(a.shape),)),
        Case("transpose", (x,), lambda a: a.T, lambda g, out, a: (g.T,)),
        Case("getitem [arange, labels]", (x,), lambda a: a[rows_labels], _scatter_backward(rows_labels)),
        Case("log_softmax", (x,), _log_softmax, _log_softmax_backward, lambda a: a.log_softmax()),
        Case("softmax", (x,), _softmax, _softmax_backward, lambda a: a.softmax()),
    ]


# ----------------------------------------------------------------- the three timed steps
def numpy_forward_step(case: Case) -> Callable[[], None]:
    forward, inputs = case.forward, case.inputs
    return lambda: forward(*inputs)


def numpy_forward_backward_step(case: Case) -> Callable[[], None]:
    forward, backward, inputs = case.forward, case.backward, case.inputs

    def step():
        out = forward(*inputs)
        backward(np.ones_like(out), out, *inputs)

    return step


def minigrad_step(case: Case) -> Callable[[], None]:
    op = case.minigrad_op
    leaves = tuple(mg.Tensor(a, requires_grad=True) for a in case.inputs)

    def step():
        for leaf in leaves:
            leaf.grad = None
        y = op(*leaves)
        y.backward(np.ones_like(y.data))

    return step


def check_gradients(case: Case) -> None:
    """The numpy gradients must be minigrad's, or the comparison would be meaningless."""
    leaves = tuple(mg.Tensor(a, requires_grad=True) for a in case.inputs)
    y = case.minigrad_op(*leaves)
    y.backward(np.ones_like(y.data))
    out = case.forward(*case.inputs)
    expected = case.backward(np.ones_like(out), out, *case.inputs)
    for leaf, grad in zip(leaves, expected, strict=True):
        if not np.allclose(leaf.grad, grad, rtol=1e-5, atol=1e-6):
            raise AssertionError(f"{case.name}: the numpy gradient differs from minigrad's")


# ----------------------------------------------------------------- timing
def time_batch_ns(step: Callable[[], None]) -> int:
    start = time.perf_counter_ns()
    for _ in range(BATCH):
        step()
    return time.perf_counter_ns() - start


def median_call_us(steps: list[Callable[[], None]]) -> list[float]:
    """Median time of one call of each step, in µs; the steps take turns within every repeat."""
    for step in steps:
        for _ in range(WARMUP):
            step()
    samples: list[list[int]] = [[] for _ in steps]
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(REPEATS):
            for k in range(len(steps)):
                i = (r + k) % len(steps)  # rotate who goes first, so no step always runs on a cold cache
                samples[i].append(time_batch_ns(steps[i]))
    finally:
        if gc_was_enabled:
            gc.enable()
    return [statistics.median(s) / BATCH / 1000 for s in samples]


def measure(cases: list[Case]) -> list[tuple[float, ...]]:
    """Per case: numpy fwd, numpy fwd+bwd and minigrad fwd+bwd, in µs per call, less the cost of an empty call.

    Every step of every case takes its turn within each repeat, so a slow spell of the machine touches all
    cases and columns alike, and the medians leave it out.
    """
    steps = [lambda: None]
    for case in cases:
        steps += [numpy_forward_step(case), numpy_forward_backward_step(case), minigrad_step(case)]
    empty, *times = median_call_us(steps)
    per_call = [t - empty for t in times]
    return [tuple(per_call[i : i + 3]) for i in range(0, len(per_call), 3)]


# ----------------------------------------------------------------- report
def format_row(name: str, *cells: str) -> str:
    return f"{name:<26}" + "".join(f"{cell:>18}" for cell in cells)


def main() -> int:
    cases = make_cases(np.random.default_rng(0))
    for case in cases:
        check_gradients(case)

    print(f"minigrad {mg.__version__}, numpy {np.__version__}, Python {platform.python_version()}")
    print(f"median of {REPEATS} batches of {BATCH} calls; µs per call, empty-call cost subtracted\n")
    print(format_row("op", "numpy fwd", "numpy fwd+bwd", "minigrad fwd+bwd", "overhead", "ratio"))
    print(format_row("-" * 26, *["-" * 16] * 5))

    overheads = {}
    for case, (np_fwd, np_fwd_bwd, minigrad) in zip(cases, measure(cases), strict=True):
        overheads[case.name] = minigrad - np_fwd_bwd
        times = (np_fwd, np_fwd_bwd, minigrad, overheads[case.name])
        print(format_row(case.name, *(f"{t:.2f}" for t in times), f"{minigrad / np_fwd_bwd:.1f}x"))

    worst = max(overheads, key=overheads.get)
    verdict = "within" if overheads[worst] <= BUDGET_US else "OVER"
    print(f"\nmax overhead: {overheads[worst]:.2f} µs ({worst}), {verdict} the {BUDGET_US:g} µs budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())

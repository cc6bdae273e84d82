"""How fast minigrad trains MLPs, against the same training step written by hand in numpy, and PyTorch.

Run from the repository root (no installation needed: this checkout's minigrad is the one timed):

    python tests/benchmarks/bench_mlp.py            # everything (a few minutes)
    python tests/benchmarks/bench_mlp.py --quick    # fewer repeats
    python tests/benchmarks/bench_mlp.py --torch-python /path/to/venv/bin/python

One training step is: forward through Linear-ReLU-Linear-ReLU-Linear, cross-entropy,
backward, and an SGD update, in float32. The hand-written numpy step computes exactly the
same numbers (checked before timing). The two take turns within every repeat and the
median is reported, so a busy machine slows both alike; the comparison is repeated on
fresh allocations and the median ratio over these memory layouts is reported.

PyTorch is never required. It is timed, in a process of its own (``torch_step.py``, so that
importing it cannot distort numpy's timings here), by the Python given with
``--torch-python``, or by this Python if it can import torch; otherwise its column says how
to enable it. It gets the same weights and batch, and its best thread count. The batch-1
step of the 1024-wide MLP is held to PyTorch's time; for that line numpy and minigrad also
run at their best number of BLAS threads (set with threadpoolctl, from the ``test`` extra),
and minigrad and PyTorch take turns over five rounds (three with --quick), the median of the
rounds' ratios reported. Then:

- each optimizer's step as a share of a 784-256-256-10 training step;
- memory after 10,000 steps against after 100 (the graph of each step must be freed);
- the wall time of ``minigrad compare`` with its defaults.

Each line ends with the target it is held to and whether it is met.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

# this checkout's minigrad, even when another one is installed
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import minigrad as mg  # noqa: E402
from minigrad import nn, optim  # noqa: E402
from minigrad.nn import functional as F  # noqa: E402

SIZES = [  # (layer sizes, batch, target: minigrad / numpy at most, minigrad / PyTorch at most)
    ((2, 16, 16, 2), 32, 1.5, None),
    ((784, 256, 256, 10), 128, 1.10, None),
    ((784, 1024, 1024, 10), 256, 1.05, None),
    ((784, 1024, 1024, 10), 1, None, 1.0),  # batch 1: no slower than PyTorch
]
LR = 0.01  # torch_step.py uses the same
TORCH_STEP = Path(__file__).with_name("torch_step.py")


# --------------------------------------------------------------------- the step, three ways
def make_problem(sizes, batch, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], size=batch)
    mg.manual_seed(seed)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    return X, y, model


def minigrad_step(model, X, y):
    optimizer = optim.SGD(model.parameters(), lr=LR)
    X_tensor = mg.Tensor(X)

    def step():
        loss = F.cross_entropy(model(X_tensor), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


def numpy_step(model, X, y):
    """The same step by hand: forward, softmax cross-entropy, backward, SGD."""
    params = [p.data.copy() for p in model.parameters()]  # W1, b1, W2, b2, ...
    weights, biases = params[0::2], params[1::2]
    n, rows = len(y), np.arange(len(y))

    def step():
        activations, pre = [X], []
        for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
            z = activations[-1] @ W.T + b
            pre.append(z)
            activations.append(np.maximum(z, 0) if i < len(weights) - 1 else z)
        logits = activations[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_p[rows, y].sum() / n
        g = np.exp(log_p)
        g[rows, y] -= 1
        g /= n
        for i in reversed(range(len(weights))):
            if i < len(weights) - 1:
                g = g * (pre[i] > 0)
            grad_W, grad_b = g.T @ activations[i], g.sum(axis=0)
            if i > 0:
                g = g @ weights[i]
            weights[i] -= LR * grad_W
            biases[i] -= LR * grad_b
        return loss

    return step, params


def torch_seconds(python: str, model, X, y, repeats: int, calls: int) -> tuple[float | None, str]:
    """PyTorch's median seconds per step, timed by ``python`` running torch_step.py on the
    same weights and batch, and a note (its version and threads, or why it failed)."""
    linears = [m for m in model if isinstance(m, nn.Linear)]
    arrays = {"X": X, "y": y}
    for i, layer in enumerate(linears):
        arrays[f"W{i}"], arrays[f"b{i}"] = layer.weight.data, layer.bias.data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "problem.npz"
        np.savez(path, **arrays)
        done = subprocess.run([python, str(TORCH_STEP), str(path), str(repeats), str(calls)],
                              capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return None, f"PyTorch failed: {lines[-1] if lines else done.returncode}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["seconds"], f"{result['torch']} at {result['threads']} thread(s)"


def alternate_with_torch(torch_python, sizes, batch, threads, blas_threads, repeats, calls, rounds):
    """PyTorch's median seconds per step, minigrad's median ratio to it and a note, over
    ``rounds`` rounds that each time minigrad (at ``threads`` BLAS threads, None: numpy's
    default) and then PyTorch on the same weights. On a shared machine the load changes
    within seconds: a ratio of two times taken a minute apart says more about that than
    about the steps."""
    X, y, model = make_problem(sizes, batch, seed=0)
    step = minigrad_step(make_problem(sizes, batch, seed=0)[2], X, y)  # a twin: torch gets untrained weights
    minigrad_times, torch_times, ratios, torch_threads = [], [], [], []
    for _ in range(rounds):
        with contextlib.nullcontext() if threads is None else blas_threads(threads):
            minigrad_time = median_times({"minigrad": step}, repeats=repeats, calls=calls)["minigrad"]
        torch_time, note = torch_seconds(torch_python, model, X, y, repeats, calls)
        if torch_time is None:
            return None, None, note
        minigrad_times.append(minigrad_time)
        torch_times.append(torch_time)
        ratios.append(minigrad_time / torch_time)
        torch_threads.append(note.rsplit(" at ", 1)[-1].split()[0])
    mine, theirs = statistics.median(minigrad_times), statistics.median(torch_times)
    note = (f"PyTorch {note.split(' at ')[0]} at {'/'.join(torch_threads)} thread(s); minigrad / PyTorch is the "
            f"median of {rounds} rounds taking turns, {min(ratios):.2f}x to {max(ratios):.2f}x (medians: minigrad "
            f"{mine * 1e6:.0f}us, PyTorch {theirs * 1e6:.0f}us)")  # fmt: skip
    return theirs, statistics.median(ratios), note


def blas_thread_limits():
    """A function of a thread count that returns threadpoolctl's context manager limiting
    numpy's BLAS to that many threads, or None without threadpoolctl (the ``test`` extra)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return lambda threads: threadpool_limits(limits=threads, user_api="blas")


def find_torch_python(given: str | None) -> str | None:
    """The Python that times PyTorch: the one given, else this one if it has torch (looked
    up without importing it), else None."""
    if given is not None:
        return given
    return sys.executable if importlib.util.find_spec("torch") is not None else None


# --------------------------------------------------------------------- timing
def median_times(steps: dict, repeats: int, calls: int) -> dict:
    """Median seconds per call of each step; the steps take turns within every repeat."""
    for step in steps.values():
        for _ in range(3):
            step()
    samples = {name: [] for name in steps}
    gc.disable()
    try:
        for r in range(repeats):
            names = list(steps)
            names = names[r % len(names) :] + names[: r % len(names)]
            for name in names:
                start = time.perf_counter()
                for _ in range(calls):
                    steps[name]()
                samples[name].append((time.perf_counter() - start) / calls)
    finally:
        gc.enable()
    return {name: statistics.median(values) for name, values in samples.items()}


def check_same_numbers(sizes, batch):
    """One step of each must give the same parameters, or the timing compares different work."""
    X, y, model = make_problem(sizes, batch)
    twin = make_problem(sizes, batch)[2]  # same seed, same weights
    minigrad_step(model, X, y)()
    step, params = numpy_step(twin, X, y)
    step()
    for p, q in zip(model.parameters(), params, strict=True):
        if not np.allclose(p.data, q, rtol=1e-4, atol=1e-6):
            raise AssertionError(f"{sizes}: the numpy step and the minigrad step disagree")


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def bench_steps(quick: bool, torch_python: str | None) -> list[bool]:
    blas_threads = blas_thread_limits()
    print("One training step (forward, cross-entropy, backward, SGD), float32, median per step")
    if torch_python is None:
        print("PyTorch not timed: this Python cannot import torch; pass --torch-python PATH (a Python that has torch)")
    header = f"{'MLP':<20} {'batch':>5} {'numpy':>10} {'minigrad':>10} {'/numpy':>7} {'torch':>10} {'/torch':>7}"
    print(f"{header}  target")
    results, notes = [], []
    for sizes, batch, numpy_target, torch_target in SIZES:
        check_same_numbers(sizes, batch)
        repeats = 9 if quick else 21
        calls = 200 if sizes[1] <= 16 else 5  # per timed batch: enough to dwarf the timer
        calls = calls // 4 if quick else calls
        # Where the arrays happen to land in memory moves a BLAS-bound step by up to 10%
        # (cache-set conflicts between particular buffers), for numpy and minigrad alike. So
        # the whole comparison is repeated on fresh allocations and the median ratio reported.
        # Held to PyTorch, which runs at its best thread count: so do numpy and minigrad (BLAS
        # threads that wait for a busy core can make a step several times slower)
        counts = [None] if torch_target is None or blas_threads is None else range(1, (os.cpu_count() or 1) + 1)
        best = None
        for threads in counts:
            per_layout = []
            with contextlib.nullcontext() if threads is None else blas_threads(threads):
                for layout in range(3 if quick else 7):
                    X, y, model = make_problem(sizes, batch, seed=layout)
                    steps = {"numpy": numpy_step(model, X, y)[0], "minigrad": minigrad_step(model, X, y)}
                    per_layout.append(median_times(steps, repeats=repeats, calls=calls))
            times = {name: statistics.median(t[name] for t in per_layout) for name in per_layout[0]}
            ratio = statistics.median(t["minigrad"] / t["numpy"] for t in per_layout)
            if best is None or times["minigrad"] < best[0]["minigrad"]:
                best = times, ratio, threads
        times, ratio, threads = best
        if threads is not None:
            notes.append(f"{'-'.join(map(str, sizes))} batch {batch}: numpy and minigrad at {threads} BLAS thread(s)")
        elif torch_target is not None:
            notes.append(f"{'-'.join(map(str, sizes))} batch {batch}: numpy and minigrad at numpy's default BLAS "
                         "threads (install threadpoolctl to time each count)")
        torch_time = versus_torch = None
        if torch_python is not None and torch_target is not None:
            torch_time, versus_torch, note = alternate_with_torch(torch_python, sizes, batch, threads, blas_threads,
                                                                  repeats, calls, rounds=3 if quick else 5)  # fmt: skip
            notes.append(f"{'-'.join(map(str, sizes))} batch {batch}: {note}")
        elif torch_python is not None:
            X, y, model = make_problem(sizes, batch, seed=0)
            torch_time, note = torch_seconds(torch_python, model, X, y, repeats, calls)
            notes.append(f"{'-'.join(map(str, sizes))} batch {batch}: PyTorch {note}")
            versus_torch = times["minigrad"] / torch_time if torch_time else None
        targets = []
        if numpy_target is not None:
            ok = ratio <= numpy_target
            targets.append(f"<= {numpy_target:.2f}x numpy {verdict(ok)}")
            results.append(ok)
        if torch_target is not None:
            ok = versus_torch is not None and versus_torch <= torch_target
            shown = "" if versus_torch is not None else " (PyTorch not timed)"
            targets.append(f"<= {torch_target:.2f}x PyTorch {verdict(ok)}{shown}")
            results.append(ok)
        name = "-".join(map(str, sizes))
        torch_text = f"{torch_time * 1e6:8.0f}us {versus_torch:6.2f}x" if torch_time else f"{'n/a':>10} {'':>7}"
        print(
            f"{name:<20} {batch:>5} {times['numpy'] * 1e6:8.0f}us {times['minigrad'] * 1e6:8.0f}us {ratio:6.2f}x "
            f"{torch_text}  {'; '.join(targets)}"
        )
    for note in notes:
        print(f"  {note}")
    return results


def fresh_state(params):
    return [(np.zeros_like(p), np.zeros_like(p), np.empty_like(p)) for p in params]


def numpy_floor_updates(params: list[np.ndarray]) -> dict:
    """The same updates written by hand in numpy with in-place operations and one scratch
    buffer per parameter (no temporaries): as few passes over memory as numpy allows."""
    grads = [np.random.default_rng(1).normal(size=p.shape).astype(p.dtype) for p in params]
    lr, eps, alpha, beta1, beta2 = 1e-3, 1e-8, 0.9, 0.9, 0.999

    adagrad_state = fresh_state(params)

    def adagrad():
        for p, g, (total, _, scratch) in zip(params, grads, adagrad_state, strict=True):
            np.multiply(g, g, out=scratch)
            total += scratch
            np.sqrt(total, out=scratch)
            scratch += eps
            np.divide(g, scratch, out=scratch)
            scratch *= lr
            p -= scratch

    rmsprop_state = fresh_state(params)

    def rmsprop():
        for p, g, (v, _, scratch) in zip(params, grads, rmsprop_state, strict=True):
            v *= alpha
            np.multiply(g, g, out=scratch)
            scratch *= 1 - alpha
            v += scratch
            np.sqrt(v, out=scratch)
            scratch += eps
            np.divide(g, scratch, out=scratch)
            scratch *= lr
            p -= scratch

    adam_state = fresh_state(params)

    def adam():
        for p, g, (m, v, scratch) in zip(params, grads, adam_state, strict=True):
            np.subtract(g, m, out=scratch)
            scratch *= 1 - beta1
            m += scratch
            v *= beta2
            np.multiply(g, g, out=scratch)
            scratch *= 1 - beta2
            v += scratch
            np.sqrt(v, out=scratch)
            scratch *= 1 / np.sqrt(1 - beta2)  # step 1's corrections; the pass count is what matters
            scratch += eps
            np.divide(m, scratch, out=scratch)
            scratch *= lr / (1 - beta1)
            p -= scratch

    return {"Adagrad": adagrad, "RMSprop": rmsprop, "Adam": adam}


def bench_optimizer_share(quick: bool) -> list[bool]:
    print("\nOptimizer step as a share of a 784-256-256-10 training step (batch 128)")
    X, y, model = make_problem((784, 256, 256, 10), 128)
    X_tensor = mg.Tensor(X)
    results = []
    for cls in [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW, optim.Adadelta]:
        optimizer = cls(model.parameters())
        total, update = [], []
        for i in range(20 if quick else 60):
            start = time.perf_counter()
            loss = F.cross_entropy(model(X_tensor), y)
            optimizer.zero_grad()
            loss.backward()
            middle = time.perf_counter()
            optimizer.step()
            end = time.perf_counter()
            if i >= 5:
                total.append(end - start)
                update.append(end - middle)
        share = statistics.median(update) / statistics.median(total)
        print(f"{cls.__name__:<9} {statistics.median(update) * 1e3:6.2f} ms of {statistics.median(total) * 1e3:6.2f} ms"
              f" = {share:5.1%}   < 10% {verdict(share < 0.10)}")  # fmt: skip
        results.append(share < 0.10)
    floors = numpy_floor_updates([p.data.copy() for p in model.parameters()])
    floor_times = median_times(floors, repeats=9 if quick else 21, calls=5)
    print("The floor for numpy: the same updates by hand, in place, no temporaries (not a target):")
    print("  " + ", ".join(f"{name} {t * 1e3:.2f} ms" for name, t in floor_times.items()))
    return results


def resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def bench_memory(quick: bool) -> list[bool]:
    steps = 2_000 if quick else 10_000
    print(f"\nMemory over {steps:,} training steps of 2-16-16-2 (the graph of each step must be freed)")
    X, y, model = make_problem((2, 16, 16, 2), 32)
    step = minigrad_step(model, X, y)
    for _ in range(100):
        step()
    gc.collect()
    after_100 = resident_mb()
    for _ in range(steps - 100):
        step()
    gc.collect()
    after_all = resident_mb()
    growth = after_all / after_100 - 1
    print(f"after 100 steps {after_100:.1f} MB, after {steps:,} {after_all:.1f} MB: {growth:+.1%}   within 5% "
          f"{verdict(abs(growth) <= 0.05)}")  # fmt: skip
    return [abs(growth) <= 0.05]


def bench_compare() -> list[bool]:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        # this checkout's minigrad in the child too, installed or not
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        subprocess.run([sys.executable, "-m", "minigrad", "compare", "--quiet"], cwd=folder, check=True,
                       capture_output=True, env={**os.environ, "PYTHONPATH": path})  # fmt: skip
        seconds = time.perf_counter() - start
    print(f"\nminigrad compare with its defaults: {seconds:.1f} s   < 10 s {verdict(seconds < 10)}")
    return [seconds < 10]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke test")
    parser.add_argument("--torch-python", metavar="PATH", default=None,
                        help="a Python that has torch, to time PyTorch in its own process "
                             "(default: this Python, if it can import torch; else PyTorch is not timed)")  # fmt: skip
    args = parser.parse_args()
    cpu = platform.processor() or platform.machine()
    print(f"minigrad {mg.__version__} from {Path(mg.__file__).parent}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {os.cpu_count()} cores ({cpu})\n")  # fmt: skip
    torch_python = find_torch_python(args.torch_python)
    met = bench_steps(args.quick, torch_python) + bench_optimizer_share(args.quick) + bench_memory(args.quick)
    met += bench_compare()
    print(f"\n{sum(met)} of {len(met)} targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

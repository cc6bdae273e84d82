"""What ``fit`` costs on top of the training loop it runs: ``fit`` against the same loop written by hand.

Run from the repository root (no installation needed: this checkout's minigrad is the one timed):

    python tests/benchmarks/bench_fit.py            # about a minute
    python tests/benchmarks/bench_fit.py --quick    # fewer rounds

Both train the same model from the same weights on the same batches with the same optimizer:
each step is forward, cross-entropy, ``.item()`` of the loss (recorded), ``zero_grad()``,
``backward()`` and ``step()``. The hand-written loop does only that, over a ``DataLoader`` with
``fit``'s seed; ``fit`` adds what it records per step (the effective learning rate's and the update
size's median and 10th-90th percentiles, the batch's accuracy) and per epoch, and its guards. Before timing, the
two must record the same losses, bit for bit, or they did different work.

The two take turns in every round (who goes first alternates), each on a fresh copy of the model
and a fresh optimizer, so a busy spell of the machine slows both alike; the line per model and
optimizer gives the median time of a run of each and the median over rounds of the ratio
fit / hand-written, held to the target of 1.15x. The exit code is 0 either way; the file name
has no ``test_`` prefix, so pytest does not collect it.
"""

from __future__ import annotations

import argparse
import copy
import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# this checkout's minigrad, even when another one is installed
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench_mlp import make_problem  # noqa: E402  (beside this script: the same data and MLP)

import minigrad as mg  # noqa: E402
from minigrad.comparison import OPTIMIZERS  # noqa: E402
from minigrad.data import DataLoader  # noqa: E402
from minigrad.nn import functional as F  # noqa: E402

TARGET = 1.15
OPTIMIZER_NAMES = ["sgd", "adagrad", "rmsprop", "adam"]  # with compare's learning rates
MODELS = [  # (layer sizes, samples, batch size, epochs): float32 MLPs with ReLU
    ((2, 16, 16, 2), 1024, 32, 4),
    ((2, 64, 64, 3), 1024, 32, 4),  # minigrad compare's default network
    ((784, 256, 256, 10), 1024, 128, 2),
]
SEED = 0



def with_fit(model, optimizer, X, y, batch, epochs) -> list[float]:
    history = mg.train.fit(model, optimizer, F.cross_entropy, X, y, epochs=epochs, batch_size=batch, seed=SEED,
                           verbose=False)  # fmt: skip
    if history.stop is not None:
        raise RuntimeError(f"fit stopped early: {history.stopped}")
    return history.loss


def by_hand(model, optimizer, X, y, batch, epochs) -> list[float]:
    loader = DataLoader(X, y, batch_size=batch, shuffle=True, seed=SEED)
    losses = []
    for _ in range(epochs):
        model.train()
        for X_batch, y_batch in loader:
            loss = F.cross_entropy(model(X_batch), y_batch)
            losses.append(loss.item())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return losses


LOOPS = {"fit": with_fit, "hand-written": by_hand}


def run(loop: str, template, name: str, X, y, batch, epochs) -> tuple[float, list[float]]:
    """Seconds for one training run with ``loop`` on a fresh copy of ``template``, and its losses."""
    model = copy.deepcopy(template)
    cls, options = OPTIMIZERS[name]
    optimizer = cls(model.parameters(), **options)
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        losses = LOOPS[loop](model, optimizer, X, y, batch, epochs)
        seconds = time.perf_counter() - start
    finally:
        gc.enable()
    return seconds, losses


def bench(sizes, samples, batch, epochs, name, rounds) -> tuple[float, float, float]:
    """Median seconds of fit and of the hand-written loop, and the median ratio over rounds."""
    X, y, template = make_problem(sizes, samples, seed=SEED)
    losses = {loop: run(loop, template, name, X, y, batch, epochs)[1] for loop in LOOPS}
    if losses["fit"] != losses["hand-written"]:
        raise AssertionError(f"{sizes} {name}: fit and the hand-written loop record different losses")
    times = {loop: [] for loop in LOOPS}
    for r in range(rounds):
        order = list(LOOPS) if r % 2 == 0 else list(reversed(LOOPS))
        for loop in order:
            times[loop].append(run(loop, template, name, X, y, batch, epochs)[0])
    ratio = statistics.median(f / h for f, h in zip(times["fit"], times["hand-written"], strict=True))
    return statistics.median(times["fit"]), statistics.median(times["hand-written"]), ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke test")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per line (default 15, 5 with --quick)")
    args = parser.parse_args()
    rounds = args.rounds or (5 if args.quick else 15)
    cpu = platform.processor() or platform.machine()
    print(f"minigrad {mg.__version__} from {Path(mg.__file__).parent}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {os.cpu_count()} cores ({cpu})")  # fmt: skip
    print(f"fit against a hand-written loop, same model, batches and optimizer; median of {rounds} rounds\n")
    header = f"{'MLP':<16} {'batch':>5} {'steps':>5} {'optimizer':<9} {'per step: fit':>14} {'hand':>9}"
    print(f"{header} {'ratio':>7}  target")
    met = []
    for sizes, samples, batch, epochs in MODELS:
        steps = epochs * -(-samples // batch)
        for name in OPTIMIZER_NAMES:
            fit_s, hand_s, ratio = bench(sizes, samples, batch, epochs, name, rounds)
            ok = ratio <= TARGET
            met.append(ok)
            print(f"{'-'.join(map(str, sizes)):<16} {batch:>5} {steps:>5} {name:<9} {fit_s / steps * 1e6:12.0f}us "
                  f"{hand_s / steps * 1e6:7.0f}us {ratio:6.2f}x  <= {TARGET:.2f}x "
                  f"{'met' if ok else 'NOT MET'}")  # fmt: skip
    print(f"\n{sum(met)} of {len(met)} within {TARGET:.2f}x: fit's target {'met' if all(met) else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

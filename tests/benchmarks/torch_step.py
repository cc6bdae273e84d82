"""PyTorch's time for the training step of bench_mlp.py, in a process of its own.

bench_mlp.py runs it with a Python that has torch (``--torch-python``), so that importing
PyTorch (its thread pools, its memory allocator) never touches the process that times numpy
and minigrad. Not meant to be run by hand:

    python torch_step.py PROBLEM.npz REPEATS CALLS

PROBLEM.npz holds X, y and the Linear layers' weights W0, b0, W1, b1, ... (float32). The
step is forward, cross-entropy, zero_grad, backward and an SGD update with lr LR, as in
bench_mlp.py. Each thread count from 1 to the number of cores is timed (median seconds per
step over REPEATS batches of CALLS steps) and the best is printed as JSON:
{"seconds": ..., "threads": ..., "torch": version}.
"""

import json
import os
import statistics
import sys
import time

import numpy as np
import torch

LR = 0.01


def make_step(problem):
    count = sum(1 for key in problem.files if key.startswith("W"))
    layers = []
    for i in range(count):
        weight, bias = problem[f"W{i}"], problem[f"b{i}"]
        layer = torch.nn.Linear(weight.shape[1], weight.shape[0])
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(weight))
            layer.bias.copy_(torch.from_numpy(bias))
        layers += [layer, torch.nn.ReLU()] if i < count - 1 else [layer]
    net = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(net.parameters(), lr=LR)
    X, y = torch.from_numpy(problem["X"]), torch.from_numpy(problem["y"])

    def step():
        loss = torch.nn.functional.cross_entropy(net(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


def median_seconds(step, repeats: int, calls: int) -> float:
    for _ in range(3):
        step()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            step()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def main() -> int:
    path, repeats, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    problem = np.load(path)
    best = None
    for threads in range(1, (os.cpu_count() or 1) + 1):
        torch.set_num_threads(threads)
        seconds = median_seconds(make_step(problem), repeats, calls)
        if best is None or seconds < best[0]:
            best = seconds, threads
    print(json.dumps({"seconds": best[0], "threads": best[1], "torch": torch.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

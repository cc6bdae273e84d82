"""What a change of ``mg.explore``'s controls costs: rerunning the optimizers, and redrawing.

Run from the repository root (no installation needed: this checkout's minigrad is the one timed):

    python tests/benchmarks/bench_explore.py            # about two minutes
    python tests/benchmarks/bench_explore.py --quick    # fewer rounds

On Rosenbrock at its 2000 steps with SGD, momentum, RMSprop and Adam (the defaults), it sets each
control to another value and back, round after round, and gives the median seconds of running the
optimizers that the change concerns and of redrawing the figure (``Explorer.timings``).

Then the redraw itself against the rebuild it avoids: the explorer's redraw (new line data on the
figure it keeps, rendered to PNG) and, in turns, a new figure of the same runs drawn from scratch
(``problems.ProblemComparison.figure()``: contours, paths and loss curves) rendered alike. The line
gives both medians and the median ratio over rounds. The exit code is 0; the file name has no
``test_`` prefix, so pytest does not collect it.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

# this checkout's minigrad, even when another one is installed
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import minigrad as mg  # noqa: E402
from minigrad import problems  # noqa: E402

# each control, and the value it is moved to and back from
MOVES = {
    "lr_scale": 3.0,
    "alpha": 0.99,
    "beta1": 0.5,
    "eps": 1e-3,
    "momentum": 0.5,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    rounds = 3 if parser.parse_args().quick else 9
    explorer = mg.explore()
    print(f"rosenbrock, {explorer.controls['steps'].value} steps, {', '.join(explorer.runs)}; {rounds} rounds")
    for key, value in MOVES.items():
        control = explorer.controls[key]
        start, runs, draws = control.value, [], []
        for _ in range(rounds):
            for target in (value, start):
                control.value = target
                runs.append(explorer.timings["run"])
                draws.append(explorer.timings["draw"])
        print(f"{key:>9}: run {statistics.median(runs):6.3f} s, redraw {statistics.median(draws):6.3f} s")

    comparison = problems.ProblemComparison(explorer.problem, dict(explorer.runs), calls={})
    ours, rebuilt, ratios = [], [], []
    for index in range(rounds):
        times = {}
        for kind in ("ours", "rebuilt") if index % 2 == 0 else ("rebuilt", "ours"):
            begin = time.perf_counter()
            if kind == "ours":
                explorer._redraw()
            else:
                comparison.figure().savefig(io.BytesIO(), format="png", dpi=80, pil_kwargs={"compress_level": 1})
            times[kind] = time.perf_counter() - begin
        ours.append(times["ours"])
        rebuilt.append(times["rebuilt"])
        ratios.append(times["ours"] / times["rebuilt"])
    print(
        f"redraw {statistics.median(ours):.3f} s, a new figure {statistics.median(rebuilt):.3f} s: "
        f"ratio {statistics.median(ratios):.2f}"
    )


if __name__ == "__main__":
    main()

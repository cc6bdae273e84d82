"""The ``minigrad`` command. ``minigrad compare`` trains one network per optimizer from the
same start on the same batches, prints a table and writes a figure:

    minigrad compare                                  # spirals; sgd, adagrad, rmsprop, adam
    minigrad compare --dataset moons --optimizers sgd,momentum,adam --epochs 50
    minigrad compare --lr adagrad=0.1 --lr rmsprop=0.01 --out my_figure.png
    minigrad compare --optimizers sgd,mymodule:MyOptimizer   # your own, from mymodule.py here
    minigrad compare --tune --results results.json    # tuned lrs, 5 seeds, confidence intervals
    minigrad compare --problem rosenbrock --out rosenbrock.png   # a test problem (minigrad.problems)
    minigrad race                                     # an animation: five optimizers on Rosenbrock's valley
    minigrad race --problem saddle --optimizers sgd,adam --lr adam=0.01 --out saddle.html

Everything that can be checked before training is: bad arguments, an ``--out`` path that
cannot be written, a network too big for the memory, each exit 2 with one line saying
what to do, before the first step.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from . import __version__

DATASETS = ("spirals", "moons", "circles", "xor", "blobs", "digits")
DEFAULTS = {"dataset": "spirals", "optimizers": "sgd,adagrad,rmsprop,adam", "epochs": 60, "batch_size": 32}
# with --tune: learning rates tried per optimizer, and seeds the chosen one is rerun with
TUNE_DEFAULTS = {"budget": 6, "seeds": 5}


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one line that says what is wrong, exit status 2. Every error starts
    ``minigrad: error:``, whichever command it is about; the help it points to is that
    command's."""

    def error(self, message):
        self.exit(2, f"{self.prog.split()[0]}: error: {message} (see {self.prog} --help)\n")

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        # a command's parser (prog "minigrad compare") takes every word after the command: one it does
        # not know is a mistyped option of that command, whose help has the right spelling
        if extras and " " in self.prog:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras


def _whole_number(minimum: int):
    """An argparse type: a whole number >= minimum, with a one-line reason otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {minimum}, got {value}")
        return value

    return parse


def _whole_number_in(low: int, high: int):
    """An argparse type: a whole number from low to high, with a one-line reason otherwise."""

    def parse(text: str) -> int:
        value = _whole_number(-math.inf)(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, got {value}")
        return value

    return parse


_positive_int = _whole_number(1)
_seed = _whole_number(0)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (value > 0 and np.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of layer sizes like 64,64") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"layer sizes must be at least 1, got {text!r}")
    return sizes


def _learning_rate(text: str) -> tuple[str, float]:
    name, equals, value = text.partition("=")
    if not equals:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE, e.g. adam=0.01")
    if not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} names no optimizer; write NAME=VALUE, e.g. adam=0.01")
    try:
        lr = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the learning rate {value!r} in {text!r} is not a number, e.g. "
                                         f"{name.strip()}=0.01") from None  # fmt: skip
    if not (lr > 0 and math.isfinite(lr)):  # 1e400 reads as inf
        raise argparse.ArgumentTypeError(f"the learning rate in {text!r} must be a finite positive number, got {lr}")
    return name.strip(), lr


def _optimizer_entries(text: str) -> dict:
    """--optimizers: {name: entry}, a name from OPTIMIZERS for itself (case does not matter),
    and for MODULE:NAME or FILE.py:NAME the object imported, under NAME. ValueError naming
    the entry when it cannot be imported or is neither a class nor a function."""
    from .comparison import OPTIMIZERS

    entries = {}
    for part in (part.strip() for part in text.split(",")):
        if not part:
            continue
        if ":" in part:
            name, entry = part.rpartition(":")[2].strip(), _import_entry(part)
        elif part.lower() in OPTIMIZERS:
            name = entry = part.lower()
        else:
            raise ValueError(
                f"unknown optimizer {part}; choose from {', '.join(OPTIMIZERS)}, or give your own as MODULE:NAME"
            )
        if name in entries:
            raise ValueError(f"--optimizers names {name} twice; each optimizer may appear once")
        entries[name] = entry
    if not entries:
        raise ValueError(f"unknown optimizer (none given); choose from {', '.join(OPTIMIZERS)}")
    return entries


def _import_entry(spec: str):
    """The object named by MODULE:NAME (MODULE importable from the current folder, as with
    ``python -m``) or FILE.py:NAME (which may import the modules beside it, as with ``python
    FILE.py``); it must be a class or a function (a factory)."""
    import importlib
    import importlib.util

    where, _, attribute = spec.rpartition(":")
    where, attribute = where.strip(), attribute.strip()
    if not where or not attribute.isidentifier():
        raise ValueError(f"{spec!r} is not MODULE:NAME, e.g. mymodule:MyOptimizer")
    is_file = where.endswith(".py") or "/" in where or os.sep in where
    path = Path(where).expanduser()
    if is_file and not path.is_file():
        raise ValueError(f"cannot import {spec}: there is no file {path.resolve()}")
    try:
        if is_file:
            # its folder first on the path, as `python FILE.py` puts it, so that it can import its siblings;
            # left there for the imports its code makes later, here and in worker processes (which copy sys.path)
            folder = str(path.resolve().parent)
            if folder not in sys.path:
                sys.path.insert(0, folder)
            # registered as an import would (dataclasses and pickle look modules up), never over another module
            module_name = path.stem if path.stem not in sys.modules else f"_minigrad_file_{path.stem}"
            found = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(found)
            sys.modules[module_name] = module
            found.loader.exec_module(module)
        else:
            if os.getcwd() not in sys.path and "" not in sys.path:
                sys.path.insert(0, os.getcwd())  # as `python -m` does: the current folder's modules come first
            module = importlib.import_module(where)
    except ModuleNotFoundError as error:
        if not is_file and (error.name == where or where.startswith(f"{error.name}.")):
            raise ValueError(
                f"cannot import {spec}: no module named {where} in the current folder ({os.getcwd()}) "
                "or on the Python path"
            ) from None
        raise ValueError(f"cannot import {spec}: importing {where} raised ModuleNotFoundError: {error}") from None
    except Exception as error:  # the module itself failed (a SyntaxError's message gives the file and line)
        raise ValueError(f"cannot import {spec}: importing {where} raised {type(error).__name__}: {error}") from None
    if not hasattr(module, attribute):
        found = sorted(
            name for name, value in vars(module).items() if isinstance(value, type) and _is_optimizer_class(value)
        )
        hint = f"; it defines the optimizer class(es) {', '.join(found)}" if found else ""
        raise ValueError(f"cannot import {spec}: {where} has no {attribute}{hint}")
    entry = getattr(module, attribute)
    _pickle_by_value(module, is_file)
    if not callable(entry):
        raise ValueError(
            f"{spec} is {entry!r}, not an optimizer class or a function that takes the parameters "
            "and returns an optimizer"
        )
    return entry


def _pickle_by_value(module, is_file: bool) -> None:
    """Let worker processes (--jobs, a Dask cluster) unpickle the learner's optimizer: a
    module loaded from a file, or found in the current folder, is sent by value (its code
    goes along), since the workers may not be able to import it; an installed module is
    imported there as usual."""
    where = getattr(module, "__file__", None)
    local = where is not None and Path(where).resolve().is_relative_to(Path.cwd().resolve())
    if not (is_file or local):
        return
    import importlib

    # joblib's worker processes and Dask's pickle with cloudpickle (older joblib with a copy of its own)
    for name in ("cloudpickle", "joblib.externals.cloudpickle"):
        try:
            importlib.import_module(name).register_pickle_by_value(module)
        except ImportError:
            continue


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _cores() -> int:
    """The cores this process may use: joblib's count, which heeds a container's CPU quota."""
    from joblib import cpu_count

    return cpu_count()


def _is_optimizer_class(value) -> bool:
    from .optim import Optimizer

    return issubclass(value, Optimizer) and value is not Optimizer


def build_parser() -> argparse.ArgumentParser:
    from .comparison import OPTIMIZERS

    parser = _Parser(prog="minigrad", description="minigrad: a small, exact neural-network framework on numpy.")
    parser.add_argument("--version", action="version", version=f"minigrad {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND", parser_class=_Parser)
    compare = commands.add_parser(
        "compare",
        help="train the same network with several optimizers and plot how each did",
        description="Train one network per optimizer from the same initial weights on the same batches, "
        "print a table (optimizer, lr, training loss: the mean over the last epoch's batches, test accuracy: on "
        "the held-out 20% of the data, time, status) and write a figure with the loss curves, "
        "the effective learning rates (the factor each optimizer multiplies its update direction by), the "
        "update sizes (how far the weights actually moved in each step) and, for 2-D data, each optimizer's "
        "decision boundary. "
        "The status is ok, or: diverged, loss went up (the final training loss 5% above the first step's), "
        "learned nothing (test accuracy no better than always answering the most common class, or the final "
        "training loss within 5% of the first step's), error, bad data, interrupted. "
        "With several --seeds the numbers are medians with [lo, hi], a 95% bootstrap interval of the median. "
        "--tune makes the comparison fair: the same budget of learning rates for every optimizer, chosen on a "
        "validation split of the training data, then several seeds (see --tune).",
    )
    compare.add_argument(
        "--dataset", choices=DATASETS, default=DEFAULTS["dataset"], help="the data to train on (default: %(default)s)"
    )
    compare.add_argument(
        "--optimizers",
        default=DEFAULTS["optimizers"],
        help=f"comma-separated, from: {', '.join(OPTIMIZERS)}; or your own as MODULE:NAME (e.g. "
        "mymodule:MyOptimizer, with mymodule.py in the current folder) or FILE.py:NAME, where NAME is "
        "a subclass of minigrad.optim.Optimizer or a function that takes the parameters and returns an "
        "optimizer; it is shown as NAME (default: %(default)s)",
    )
    compare.add_argument(
        "--epochs", type=_positive_int, default=DEFAULTS["epochs"], help="passes over the data (default: %(default)s)"
    )
    compare.add_argument(
        "--batch-size",
        type=_positive_int,
        default=DEFAULTS["batch_size"],
        help="samples per step (default: %(default)s)",
    )
    compare.add_argument(
        "--lr",
        type=_learning_rate,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="learning rate for one optimizer, e.g. --lr adam=0.01; repeat for others (defaults: "
        + ", ".join(f"{name} {options['lr']:g}" for name, (_, options) in OPTIMIZERS.items())
        + "; your own optimizer gets its lr as a keyword, MyOptimizer(params, lr=VALUE), and without "
        "--lr its own default)",
    )
    compare.add_argument(
        "--hidden", type=_hidden, default=[64, 64], help="hidden layer sizes, comma-separated (default: 64,64)"
    )
    compare.add_argument(
        "--seed", type=_seed, default=0, help="seed for the data, initial weights and batches (default: 0)"
    )
    compare.add_argument(
        "--seeds",
        type=_positive_int,
        default=None,
        help="run each optimizer with this many seeds (--seed, --seed + 1, ...) and show the median and a 95%% "
        f"bootstrap interval of the median (default: 1; with --tune {TUNE_DEFAULTS['seeds']})",
    )
    compare.add_argument(
        "--tune",
        action="store_true",
        help="tune each optimizer's learning rate with the same budget: --budget rates on a log grid half a decade "
        "apart around its default (lr * 10**((i - budget//2) / 2), the default among them; --lr moves the "
        "center), each trained with the first seed on the training data less a validation split of 20%%; the one "
        "with the lowest validation loss is chosen (never by the test data), then rerun with --seeds seeds on all "
        "the training data and scored on the test data. The table adds steps to the target loss; the figure a "
        "learning-rate sensitivity panel",
    )
    compare.add_argument(
        "--budget",
        type=_positive_int,
        default=None,
        help=f"with --tune: learning rates tried per optimizer (default: {TUNE_DEFAULTS['budget']})",
    )
    compare.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="runs trained at once, in worker processes; the results are the same for any number "
        f"(default: 1; with --tune every core this process may use, here {_cores()}; never more than there are "
        "runs). More jobs than cores is slower, not faster: the processes take turns and each costs its start-up. "
        "For a Dask cluster, call "
        "minigrad.compare inside joblib.parallel_config(backend='dask')",
    )
    compare.add_argument(
        "--target-loss",
        type=_positive_float,
        default=None,
        help="the training loss whose steps to reach the table shows with --tune: the first step at which "
        "the mean loss over the last epoch's steps is at most it (default: a tenth of the first step's loss)",
    )
    compare.add_argument(
        "--results",
        default=None,
        metavar="PATH",
        help="also write the results as JSON to PATH: per optimizer the trials (lr, validation loss, diverged), "
        "the chosen lr, each seed's run (training loss, test accuracy, steps to target) and the medians with "
        "their 95%% intervals; checked before training like --out",
    )
    compare.add_argument(
        "--drop-last",
        action="store_true",
        help="leave out each epoch's last batch when it is smaller than --batch-size",
    )
    compare.add_argument(
        "--out",
        default="compare.png",
        help="where to write the figure; its extension picks the format: .png, .pdf, .svg, ... (default: %(default)s)",
    )
    compare.add_argument("--quiet", action="store_true", help="no progress bars")
    from .problems import names as problem_names

    compare.add_argument(
        "--problem",
        choices=problem_names(),
        metavar="NAME",
        help="a test problem from minigrad.problems instead of --dataset: "
        + ", ".join(problem_names())
        + ". A parameter problem (the 2-D functions, the quadratics) runs each optimizer from its start, full "
        "batch or with its own noise, and prints final loss, distance to the nearest optimum and steps to "
        "its target; a data problem sets --dataset, the network and the target",
    )
    compare.add_argument(
        "--steps",
        type=_positive_int,
        default=None,
        help="steps on a parameter --problem (default: the problem's own); --epochs, --batch-size, "
        "--hidden and --dataset apply to data only",
    )
    race = _add_race(commands, OPTIMIZERS)
    parser.set_defaults(command_parser=parser)
    compare.set_defaults(command_parser=compare)  # errors found after parsing point to this command's help
    race.set_defaults(command_parser=race)
    return parser


def _add_race(commands, optimizers) -> argparse.ArgumentParser:
    """The ``race`` command's parser."""
    from .race import LIMITS, RACE_OPTIMIZERS, two_d_problems

    race = commands.add_parser(
        "race",
        help="animate optimizers racing over a 2-D problem's contours (GIF, MP4 or HTML)",
        description="Run each optimizer from the start of a 2-D test problem (minigrad.problems) and write an "
        "animation of the race, all optimizers at the same step in each frame: left, each one's path growing over "
        "the problem's contour lines, a marker at the point it has reached (an X where a run diverged or "
        "stopped); right, the loss of each (log scale) and its effective learning rate per coordinate (the factor "
        "its update direction is multiplied by; x solid, y dashed), with a cursor at the frame's step. Prints the "
        "table of minigrad compare --problem, then where it wrote the animation. The frames show step 0, the last "
        "step, and steps between them that lie densest at the start, where the optimizers move most.",
    )
    race.add_argument(  # no choices: argparse would list every problem, and _run_race names the 2-D ones
        "--problem",
        default="rosenbrock",
        metavar="NAME",
        help=f"a 2-D problem: {', '.join(two_d_problems())} (default: %(default)s)",
    )
    race.add_argument(
        "--optimizers",
        default=",".join(RACE_OPTIMIZERS),
        help=f"comma-separated, from: {', '.join(optimizers)}; or your own as MODULE:NAME or FILE.py:NAME, as for "
        "minigrad compare (default: %(default)s)",
    )
    race.add_argument(
        "--steps", type=_positive_int, default=None, help="steps of each optimizer (default: the problem's own)"
    )
    race.add_argument(
        "--lr",
        type=_learning_rate,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="learning rate for one of the optimizers raced, e.g. --lr adam=0.01; repeat for others "
        "(default: the problem's lr for each, which `minigrad compare --problem NAME` prints)",
    )
    race.add_argument(
        "--out",
        default="race.gif",
        help="where to write the animation: .gif, .mp4 (needs ffmpeg) or .html (a page with a player that steps "
        "through the frames, which works offline) (default: %(default)s)",
    )
    race.add_argument(
        "--frames",
        type=_whole_number_in(*LIMITS["frames"]),
        default=100,
        help="frames in the animation, {} to {} (default: %(default)s)".format(*LIMITS["frames"]),
    )
    race.add_argument(
        "--fps",
        type=_whole_number_in(*LIMITS["fps"]),
        default=10,
        help="frames per second when played, {} to {}: a GIF's delays count hundredths of a second, and browsers "
        "play a delay under 2 (above 50 fps) slowly (default: %(default)s)".format(*LIMITS["fps"]),
    )
    race.add_argument(
        "--dpi",
        type=_whole_number_in(*LIMITS["dpi"]),
        default=72,
        help="pixels per inch of a frame of about 12 x 4.6 inches, {} to {}: below, the text is too small to draw; "
        "above, frames take minutes (default: %(default)s, 864 x 332 pixels)".format(*LIMITS["dpi"]),
    )
    return race


class _StdoutThatMayClose:
    """``sys.stdout`` while the command runs. A reader that closes the pipe early (``minigrad
    compare | head -1``) must not stop the job: from the first BrokenPipeError on, the
    printing goes to os.devnull (Python's recipe) and the figure and results are still written."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._to_devnull()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._to_devnull()

    def _to_devnull(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:  # under the stream itself, so that what its buffer still holds is flushed there, also at exit
            os.dup2(devnull, self._stream.fileno())
        except (OSError, ValueError):  # a stream without a file descriptor: replaced instead
            self._stream = open(os.devnull, "w")  # noqa: SIM115 (open until the process ends)
        finally:
            os.close(devnull)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    stdout = sys.stdout
    if stdout is not None:  # None (no stdout at all, `minigrad >&-`): print() already drops what it is given
        sys.stdout = _StdoutThatMayClose(stdout)
    try:
        return _main(argv)
    except KeyboardInterrupt:  # also while the parser loads its modules (matplotlib, a second): one line, no traceback
        words = sys.argv[1:] if argv is None else argv
        command = next((word for word in words if not word.startswith("-")), None)
        print("\ninterrupted" + (": no animation written" if command == "race" else ""), file=sys.stderr)
        return 130
    finally:
        sys.stdout = stdout


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        print(f"minigrad {__version__}")
        parser.print_help()
        return 0
    parser = args.command_parser
    try:
        entries = _optimizer_entries(args.optimizers)
    except ValueError as reason:
        parser.error(str(reason))
    names = list(entries)
    rates = {}
    for given, lr in args.lr:
        # a name as in the table, or its case-insensitive spelling if that is unique
        matches = [given] if given in names else [name for name in names if name.lower() == given.lower()]
        if len(matches) != 1:
            parser.error(f"--lr names {given}, which is not among --optimizers {','.join(names)}")
        if matches[0] in rates:  # the last would silently win
            parser.error(f"--lr names {matches[0]} twice ({rates[matches[0]]:g} and {lr:g}); give each optimizer "
                         "one learning rate")  # fmt: skip
        rates[matches[0]] = lr
    if args.command == "race":
        return _run_race(args, entries, rates, parser)
    try:
        out, file_format = _figure_path(args.out)
    except ValueError as reason:
        parser.error(f"argument --out: {reason}")
    if not args.tune:
        for flag, value in (("--budget", args.budget), ("--target-loss", args.target_loss)):
            if value is not None:
                parser.error(f"{flag} only applies with --tune")
    args.budget = args.budget or TUNE_DEFAULTS["budget"]
    args.seeds = args.seeds or (TUNE_DEFAULTS["seeds"] if args.tune else 1)
    args.jobs = args.jobs or (_cores() if args.tune else 1)
    results = None
    if args.results is not None:
        from .comparison import check_results_path

        try:
            results = check_results_path(args.results)
        except ValueError as reason:
            parser.error(f"argument --results: {reason}")
        if results == out.resolve():  # the figure, written last, would silently replace the JSON
            parser.error(f"argument --results: {results} is also the figure's path (--out); give each its own file")
    args.results = results
    try:
        if args.problem is not None:
            given = _given(parser, sys.argv[1:] if argv is None else argv, ("dataset", "hidden", "epochs",
                                                                             "batch_size", "jobs"))  # fmt: skip
            return _run_problem(args, entries, rates, out, file_format, parser, given)
        if args.steps is not None:
            parser.error("--steps needs a parameter --problem (on data, --epochs sets the length)")
        return _run_compare(args, entries, rates, out, file_format, parser)
    except KeyboardInterrupt:  # outside training (fit and compare keep a run's history themselves)
        print("\ninterrupted", file=sys.stderr)
        return 130
    except MemoryError:  # the estimate in _check_memory was too low
        parser.error(f"out of memory with --hidden {','.join(map(str, args.hidden))}; use smaller layers")


def _figure_path(text: str, formats: list[str] | None = None, example: str = "compare.png") -> tuple[Path, str]:
    """The absolute path the figure will be written to, and its format, checked before any
    training: a known extension (``formats``, by default every figure format matplotlib
    writes here; no extension: .png is added, as matplotlib would), not a folder, in a
    folder that exists and can be written. ValueError with the reason, naming ``example``
    where it suggests a file name."""
    if not text.strip():
        raise ValueError(f"give a file name, e.g. --out {example}")
    path = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise ValueError(f"{text} is a folder; give a file name in it, e.g. --out {path / example}")
    _refuse_special_file(path)
    formats = _figure_formats() if formats is None else formats
    file_format = path.suffix[1:].lower()
    if not file_format:  # a plain file name (an existing special file was refused above)
        file_format = "png"
        path = path.with_name(path.name + ".png")
        _refuse_special_file(path)
    elif file_format not in formats:
        known = ", ".join("." + name for name in formats)
        raise ValueError(f"cannot write a {path.suffix} figure ({text}); end the name with one of {known}")
    path = path.resolve()
    folder = path.parent
    if not folder.exists():
        raise ValueError(f"the folder {folder} does not exist; create it first, or choose another place")
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    try:  # the only sure test of writing is to write: root may write anywhere, a read-only disk nowhere
        if path.exists():
            open(path, "ab").close()
        else:
            handle, probe = tempfile.mkstemp(dir=folder, prefix=".minigrad-", suffix=".tmp")
            os.close(handle)
            os.unlink(probe)
    except OSError:  # the reason given is the OS's for the file itself: /proc exists, yet takes no new file
        try:
            open(path, "ab").close()
        except OSError as error:
            raise ValueError(f"cannot write {path}: {error.strerror or error}; choose another place") from None
        path.unlink()  # only the probe's name was refused, and the file, new, can be written
    return path, file_format


def _refuse_special_file(path: Path) -> None:
    """A figure is written to a regular file, new or existing; never to a device (/dev/null),
    a pipe or a socket, which matplotlib would write into or fail on half way."""
    if path.exists() and not path.is_file():
        raise ValueError(f"{path} exists and is not a regular file; give a file name for the figure, e.g. compare.png")


def _figure_formats() -> list[str]:
    """The extensions matplotlib can write here (pgf only with its TeX program installed)."""
    import shutil

    import matplotlib
    from matplotlib.backend_bases import FigureCanvasBase

    formats = sorted(FigureCanvasBase.get_supported_filetypes())
    if not shutil.which(matplotlib.rcParams["pgf.texsystem"]):
        formats.remove("pgf")
    return formats


def _check_memory(parser, args, names, sizes: list[int], n_train: int, n_test: int, itemsize: int) -> None:
    """Refuse, before allocating, a network whose training and figure would not fit in the
    memory: weights, gradients and optimizer state for every run kept, and the
    activations of the largest batch (training, test set, or the decision-boundary grid)."""
    parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:], strict=False))
    runs = args.seeds + (args.budget if args.tune else 0)  # a tuned comparison keeps its trials' models too
    copies = len(names) * runs + 6  # each run's model; the start, gradients, optimizer state, temporaries
    # a training step keeps every layer's output and gradient; an evaluation without a graph
    # holds about two layers' outputs at a time, on the test set or the 200 x 200 grid of a 2-D plot
    training = 4 * min(args.batch_size, n_train) * sum(sizes[1:])
    evaluation = 3 * max(n_test, 200 * 200 if sizes[0] == 2 else 0) * max(sizes[1:])
    need = itemsize * (parameters * copies + max(training, evaluation))
    available = _available_memory()
    budget = int(0.8 * available) if available else 4 * 2**30
    if need > budget:
        have = f"the {available / 2**30:.1f} GB available" if available else "a limit of 4 GB (free memory unknown)"
        parser.error(
            f"--hidden {','.join(map(str, args.hidden))} makes a network of {parameters:,} parameters that would "
            f"need about {_gigabytes(need)} of memory to train and plot, more than {have}; "
            f"use smaller layers, e.g. --hidden 64,64 (or fewer --seeds / optimizers)"
        )


def _gigabytes(n: int) -> str:
    return f"{n / 2**30:,.0f} GB" if n >= 10 * 2**30 else f"{n / 2**30:.1f} GB"


def _available_memory() -> int | None:
    """Bytes of memory this process may still use: the least of the system's available
    memory and a cgroup (container) limit, as far as they can be read; None if unknown."""
    found = []
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text())
            found.append(max(int(limit) - used, 0))
    except (OSError, ValueError):
        pass
    if not found:
        try:
            found.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2)
        except (AttributeError, ValueError, OSError):
            return None
    return min(found)


def _build_learners(parser, entries: dict, params, rates: dict) -> dict[str, dict]:
    """Build each of the learner's optimizers (the entries that are not names) once on
    ``params()``, so that one that cannot be built is a bad argument (exit 2, its reason
    naming it) before any training; their settings by name."""
    from .comparison import _build_optimizer

    built = {}
    for name, entry in entries.items():
        if isinstance(entry, str):
            continue
        try:
            _, built[name] = _build_optimizer(name, entry, params(), rates)
        except (TypeError, ValueError) as reason:  # the message names the optimizer
            parser.error(str(reason))
        except Exception as reason:  # the learner's code may raise anything; it is refused all the same
            parser.error(f"optimizer {name!r} could not be built: {type(reason).__name__}: {reason}")
    return built


def _run_compare(args, entries: dict, rates: dict[str, float], out: Path, file_format: str, parser,
                 report=None) -> int:  # fmt: skip
    """Train, print the table (and ``report(result)``'s lines after it, if given), write the
    JSON and the figure; the exit code."""

    # the table's intervals need scipy.stats, a second to load: loaded before training, not after it,
    # where a Ctrl-C in that second would lose every finished run
    import scipy.stats  # noqa: F401

    from . import nn
    from .comparison import compare
    from .data import train_test_split
    from .rng import manual_seed
    from .tensor import get_default_dtype

    started = time.perf_counter()
    X, y = _load(args.dataset, args.seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=args.seed)
    classes = int(y.max()) + 1
    sizes = [X.shape[1], *args.hidden]
    if args.drop_last and args.batch_size > len(X_train):
        parser.error(
            f"--drop-last with --batch-size {args.batch_size} > {len(X_train)} training samples leaves no batch at all"
        )
    itemsize = max(X.dtype.itemsize, get_default_dtype().itemsize)
    names = list(entries)
    _check_memory(parser, args, names, [*sizes, classes], len(X_train), len(X_test), itemsize)

    def network():
        layers = []
        for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        return nn.Sequential(*layers, nn.Linear(sizes[-1], classes))

    probe = network()  # each optimizer is built once on it, so a learner's that cannot be is a bad argument
    for name, settings in _build_learners(parser, entries, probe.parameters, rates).items():
        center = settings.get("lr")
        if args.tune and (isinstance(center, bool) or not isinstance(center, (int, float)) or not center > 0):
            parser.error(f"--tune needs a learning rate to center the grid on, and optimizer {name!r} has no lr")
        if args.tune:  # the trials pass each lr as a keyword
            _build_learners(parser, {name: entries[name]}, probe.parameters, {name: center})
    failed = _first_data_step_failure(entries, rates, network, X_train, y_train, args)
    if failed:
        print(f"minigrad: error: {failed}", file=sys.stderr)
        return 1
    manual_seed(args.seed)
    left_out = len(X_train) % args.batch_size if args.drop_last and args.batch_size <= len(X_train) else 0
    print(
        f"{args.dataset}: {len(X_train)} training and {len(X_test)} test samples, {classes} classes; "
        f"network {'-'.join(map(str, [*sizes, classes]))}; {_plural(args.epochs, 'epoch')} of batches of "
        f"{args.batch_size}" + (f" ({left_out} samples left out of each epoch: --drop-last)" if left_out else "")
    )
    if args.tune:
        at_once = min(args.jobs, len(names) * max(args.budget, args.seeds))  # as compare caps it
        print(
            f"tuning: {_plural(args.budget, 'learning rate')} per optimizer, chosen by the validation loss on 20% of "
            f"the training data; then {_plural(args.seeds, 'seed')} at the chosen lr; "
            f"{len(names) * (args.budget + args.seeds)} runs, {at_once} at a time"
        )
    result = compare(
        network,
        X_train,
        y_train,
        optimizers=entries,
        lr=rates,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seeds=range(args.seed, args.seed + args.seeds),
        validation_data=(X_test, y_test),
        verbose=False if args.quiet else None,
        drop_last=args.drop_last,
        tune=args.tune,
        budget=args.budget,
        jobs=args.jobs,
        target_loss=args.target_loss if args.tune else None,  # a data --problem sets it, for tuned runs only
    )
    print()
    print(result.format_table())
    _print_rates(result)
    if report is not None and result.runs:
        print(report(result))
    if args.results is not None:
        try:
            result.save_json(args.results, dataset=args.dataset)
        except OSError as error:
            print(f"minigrad: error: could not write {args.results}: {error.strerror or error}", file=sys.stderr)
            return 1
        print(f"wrote {args.results}")
    for name, trials in result.trials.items():  # a diverged trial is expected in a grid; an exception is not
        for trial in trials:
            if trial.status in ("error", "bad data"):
                print(f"{name} (trial at lr {trial.lr:.3g}): {trial.run.history.stopped}")
    for name, runs in result.runs.items():
        for run in runs:
            if run.history.stopped:
                print(f"{name}: {run.history.stopped}")
    tried = any(trial.status != "interrupted" for trials in result.trials.values() for trial in trials)
    if not result.runs and not tried:
        print("no run finished: no figure written")
        return 130

    from .plot import comparison_figure  # interrupted while tuning: the trials that had finished

    # a run reported as diverged (or whose loss went up) has weights that overflow when its
    # decision boundary is drawn; the table already says so, numpy's warnings would only bury it
    reported = any(run.failed for runs in result.runs.values() for run in runs)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore") if reported else contextlib.nullcontext():
        figure = comparison_figure(result, X, y)
    return _write_figure(figure, out, file_format, started, result.interrupted)


def _write_figure(figure, out: Path, file_format: str, started: float, interrupted: bool) -> int:
    """Save the figure and say where, with the time since ``started``; the exit code. The
    file is replaced in one step, so a Ctrl-C while it is written leaves no half a figure."""
    from .plot import _write

    image = io.BytesIO()
    figure.savefig(image, dpi=110, format=file_format)
    try:  # checked before training, but the disk may have filled up or the folder gone since
        _write(out, image.getvalue())
    except OSError as error:
        print(f"minigrad: error: could not write {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({time.perf_counter() - started:.1f} s, start-up not counted)")
    return 130 if interrupted else 0


def _print_rates(result) -> None:
    """The effective learning rate beside the step it led to, at the first and the last
    step (medians over the weights that got a gradient, first seed), so the two are not
    taken for each other; for AdaGrad, where its rate ends against the 1/sqrt(t) guide
    the figure draws."""
    from .optim import Adagrad
    from .plot import sqrt_guide

    rows = []
    for name, runs in result.runs.items():
        history = runs[0].history
        if not history.effective_lr:
            continue
        rates, sizes = history.effective_lr, history.update_size
        width = max(10, len(name))
        row = f"{name:<{width}} " + " ".join(
            f"{value:>15.3g}" for value in (rates[0].median, sizes[0].median, rates[-1].median, sizes[-1].median)
        )
        guide = sqrt_guide([rate.median for rate in rates])
        if runs[0].optimizer_class is not None and issubclass(runs[0].optimizer_class, Adagrad) and guide:
            anchor, c = guide
            ratio = rates[-1].median / (c / np.sqrt(len(rates)))
            row += f"   its rate ends {ratio:.2f}x the c/sqrt(t) guide through step {anchor}"
        rows.append(row)
    if rows:
        seeds = max(len(runs) for runs in result.runs.values())
        width = max(10, *(len(name) for name in result.runs))
        titles = ("factor (step 1)", "moved (step 1)", "factor (last)", "moved (last)")
        print()
        print(
            "effective lr (factor: what the update direction was multiplied by) and update size (moved: "
            "|change of a weight|), medians over the weights that got a gradient"
            + (", first seed:" if seeds > 1 else ":")
        )
        print(f"{'optimizer':<{width}} " + " ".join(f"{title:>15}" for title in titles))
        print("\n".join(rows))


def _given(parser, argv: list[str], dests) -> set[str]:
    """Which of the compare options ``dests`` the command line ``argv`` gave, even at their
    default value: argparse leaves an attribute that the namespace already holds alone
    unless the option is given, so each starts as a marker that only a given option replaces."""
    unset = object()
    seen = argparse.Namespace(**dict.fromkeys(dests, unset))
    parser.parse_args(argv[argv.index("compare") + 1 :], seen)
    return {dest for dest in dests if getattr(seen, dest) is not unset}


def _run_problem(args, entries: dict, rates: dict[str, float], out: Path, file_format: str, parser,
                 given: set[str] = frozenset()) -> int:  # fmt: skip
    """``--problem NAME``: a data problem is the usual compare on its data, network and
    target, followed by whether each optimizer met the target; a parameter problem runs
    each optimizer on the problem's loss from its start, prints the table and writes the
    paths (2-D) and the loss curves. ``given`` names the options the command line gave
    (``_given``): those that the problem sets or ignores are refused, not overridden."""

    from . import problems
    from .tensor import Tensor

    problem = problems.get(args.problem)
    if isinstance(problem, problems.DataProblem):
        if args.steps is not None:
            parser.error(f"--steps counts the steps on a parameter problem; {problem.name} trains --epochs")
        for dest in sorted({"dataset", "hidden"} & given):
            hidden = ",".join(map(str, problem.hidden)) or "none"
            parser.error(f"--{dest} conflicts with --problem {problem.name}, which trains on {problem.dataset} "
                         f"with hidden layers {hidden}; give one or the other")  # fmt: skip
        args.dataset, args.hidden = problem.dataset, problem.hidden
        # the steps-to-target column of compare, where it has one, counts to the problem's target
        if getattr(args, "target_loss", None) is None:
            args.target_loss = problem.target_loss
        print(f"problem {problem.name}: {problem.title}; target: {problem.target}")
        return _run_data_problem(problem, args, entries, rates, out, file_format, parser)
    ignored = [f"--{dest.replace('_', '-')}" for dest in ("epochs", "hidden", "batch_size", "dataset", "jobs")
               if dest in given]  # fmt: skip
    if ignored:
        parser.error(f"{', '.join(ignored)} {'applies' if len(ignored) == 1 else 'apply'} to training on data; "
                     f"{problem.name} is a parameter problem, run once from its start for --steps steps")  # fmt: skip
    if args.tune or args.results is not None:
        parser.error(f"--tune and --results tune and record training on data; {problem.name} is a parameter problem")
    if args.seeds > 1:
        parser.error(f"--seeds repeats training on data; {problem.name} runs once, its noise from --seed")
    started = time.perf_counter()
    _build_learners(parser, entries, lambda: [Tensor(problem.start.copy(), requires_grad=True)], rates)
    failed = _first_step_failure(problem, entries, rates, args.seed)
    if failed:
        print(f"minigrad: error: {failed}", file=sys.stderr)
        return 1
    steps = args.steps or problem.steps
    noise = f"; its noise from seed {args.seed}" if problem.stochastic else ""
    print(f"problem {problem.name}: {problem.title}; {problem.dim} parameters, {steps} steps from "
          f"{_point(problem.start)}{noise}")  # fmt: skip
    print(f"source: {problem.source}")
    result = problems.compare(problem, entries, lr=rates, steps=steps, seed=args.seed)
    print()
    print(result.format_table())
    if not result.runs:
        print("no run finished: no figure written")
        return 130
    return _write_figure(result.figure(), out, file_format, started, result.interrupted)


def _point(point: np.ndarray) -> str:
    """A point as a reader writes it: (-1.2, 1); the first three and the last of a longer one."""
    shown = [f"{value:.4g}" for value in point]
    return f"({', '.join(shown if len(shown) <= 4 else [*shown[:3], '...', shown[-1]])})"


def _first_step_failure(problem, entries: dict, rates: dict[str, float], seed: int) -> str | None:
    """Run one step of each of the learner's optimizers (the entries that are not names) on
    the parameter ``problem``: a step-1 failure, which ``problems.compare`` raises, as one
    line naming the optimizer, the exception and where in the learner's code it was raised
    (``_step_1_failure``), else None. (A built-in optimizer failing is minigrad's bug: its
    traceback shows where, as in ``minigrad compare``.)"""
    from .problems import run

    for name, entry in entries.items():
        if isinstance(entry, str):
            continue
        try:
            run(problem, entry, lr=rates.get(name), steps=1, seed=seed, name=name)
        except Exception as error:  # the learner's code may raise anything
            return _step_1_failure(name, problem.name, error)
    return None


def _first_data_step_failure(entries: dict, rates: dict[str, float], network, X, y, args) -> str | None:
    """Train each of the learner's optimizers (the entries that are not names) for one step,
    on the first batch of (X, y): a step-1 failure, which ``compare`` raises, as one line
    naming the optimizer, the exception and where in the learner's code it was raised,
    else None. (A built-in optimizer failing is minigrad's bug: its traceback shows where.)"""
    from . import nn
    from .comparison import _build_optimizer, _quiet_stops
    from .rng import manual_seed
    from .train import fit

    rows = min(args.batch_size, len(X))
    for name, entry in entries.items():
        if isinstance(entry, str):
            continue
        manual_seed(args.seed)
        model = network()
        optimizer, _ = _build_optimizer(name, entry, model.parameters(), rates)
        try:
            with _quiet_stops():  # only a raise counts here; the comparison reports the rest
                fit(model, optimizer, nn.CrossEntropyLoss(), X[:rows], y[:rows], epochs=1, batch_size=rows,
                    seed=args.seed, verbose=False)  # fmt: skip
        except Exception as error:  # the learner's code may raise anything
            return _step_1_failure(name, args.problem or args.dataset, error)
    return None


def _step_1_failure(name: str, on: str, error: Exception) -> str:
    """The one line saying that optimizer ``name`` raised ``error`` in its first step on
    ``on``, with the file and line of the learner's code where it was raised."""
    reason = " ".join(str(error).split())
    where = _raised_at(error)
    return (f"optimizer {name!r} failed in step 1 on {on} with {type(error).__name__}{': ' + reason if reason else ''} "
            f"({where + '; ' if where else ''}raised in its first step: nothing was run)")  # fmt: skip


def _raised_at(error: BaseException) -> str | None:
    """Where ``error`` was raised in the learner's code, as "mymodule.py line 7" (the path
    relative to the current folder when it is in it): the innermost frame of its traceback
    outside minigrad and the Python installation (numpy's and the standard library's frames
    are not where the learner's bug is); None if there is none."""
    import sysconfig
    import traceback

    outside = {Path(__file__).resolve().parent}
    outside |= {Path(sysconfig.get_path(key)).resolve() for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    here = Path.cwd().resolve()
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename)
        if not path.is_file():  # "<frozen runpy>", "<string>"
            continue
        path = path.resolve()
        installed = {"site-packages", "dist-packages"} & set(path.parts)  # also a user's or a Debian Python's
        if not installed and not any(path.is_relative_to(folder) for folder in outside):
            return f"{path.relative_to(here) if path.is_relative_to(here) else path} line {frame.lineno}"
    return None


def _run_race(args, entries: dict, rates: dict[str, float], parser) -> int:
    """``minigrad race``: check the arguments, run the optimizers, print the table, write the
    animation and say what it shows; the exit code."""
    from . import problems
    from .race import FORMATS, check_format, run_race, two_d_problems
    from .tensor import Tensor

    started = time.perf_counter()
    try:
        check_format(args.out)
        out, _ = _figure_path(args.out, [suffix[1:] for suffix in FORMATS], example="race.gif")
    except (ValueError, RuntimeError) as reason:  # RuntimeError: .mp4 without ffmpeg
        parser.error(f"argument --out: {reason}")
    if args.problem not in problems.names():
        parser.error(f"argument --problem: unknown problem {args.problem!r}; a race runs on a 2-D problem: "
                     f"{', '.join(two_d_problems())}")  # fmt: skip
    problem = problems.get(args.problem)
    if args.problem not in two_d_problems():
        what = "a data problem" if isinstance(problem, problems.DataProblem) else f"{problem.dim}-D"
        parser.error(f"--problem {args.problem} is {what}; a race runs on a 2-D problem: "
                     f"{', '.join(two_d_problems())}")  # fmt: skip
    _build_learners(parser, entries, lambda: [Tensor(problem.start.copy(), requires_grad=True)], rates)
    failed = _first_step_failure(problem, entries, rates, 0)
    if failed:
        print(f"minigrad: error: {failed}; no animation written", file=sys.stderr)
        return 1
    steps = args.steps or problem.steps
    print(f"race on {problem.name}: {problem.title}; {_plural(steps, 'step')} from {_point(problem.start)}")
    try:
        race = run_race(problem, entries, steps, rates, None, 0, args.frames, args.fps, args.dpi)
        print()
        print(race.comparison.format_table())
        race.save(out)
    except KeyboardInterrupt:
        print("\ninterrupted: no animation written", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"minigrad: error: could not write {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    width, height = race.size
    seconds = time.perf_counter() - started
    print(f"wrote {out} ({len(race.steps)} frames of steps 0 to {race.steps[-1]}, {width} x {height} pixels, "
          f"{out.stat().st_size / 1e6:.2f} MB; {seconds:.1f} s, start-up not counted)")  # fmt: skip
    print("left: each optimizer's path over the contour lines, its marker at the frame's step (X: the run "
          "diverged or stopped there); right: the loss and the effective learning rate per coordinate (the factor "
          "on the update direction; x solid, y dashed), a cursor at that step")  # fmt: skip
    return 0


def _run_data_problem(problem, args, entries: dict, rates: dict[str, float], out: Path, file_format: str,
                      parser) -> int:  # fmt: skip
    """The compare run of a data problem, with one line per optimizer after the table saying whether it met
    the problem's targets (median over the seeds of the test accuracy and the training loss)."""
    return _run_compare(args, entries, rates, out, file_format, parser, lambda result: _targets_met(problem, result))


def _targets_met(problem, result) -> str:
    """Per optimizer: its median test accuracy and training loss against the data problem's
    targets, each "met" or "missed"."""
    seeds = max(len(runs) for runs in result.runs.values())
    lines = [f"targets of {problem.name} ({problem.target})" + (f", medians over {seeds} seeds:" if seeds > 1 else ":")]
    width = max(10, *(len(name) for name in result.runs))
    for name, runs in result.runs.items():
        accuracies = [run.history.final_accuracy for run in runs if run.history.final_accuracy is not None]
        losses = [run.history.final_loss for run in runs]
        accuracy = float(np.median(accuracies)) if accuracies else math.nan
        loss = float(np.median(losses))
        # nan (no epoch finished, or outputs not finite) meets no target
        accuracy_met, loss_met = accuracy >= problem.target_accuracy, loss <= problem.target_loss
        lines.append(
            f"{name:<{width}} test accuracy {accuracy:.1%} {'met' if accuracy_met else 'missed'}, "
            f"training loss {loss:.4g} {'met' if loss_met else 'missed'}"
        )
    return "\n".join(lines)


def _load(dataset: str, seed: int):
    from . import data

    if dataset == "digits":
        X, y = data.load_digits()
        return X / 16.0, y  # pixel counts 0..16 -> 0..1
    makers = {
        "spirals": lambda: data.make_spirals(300, n_classes=3, noise=0.2, seed=seed),
        "moons": lambda: data.make_moons(300, noise=0.15, seed=seed),
        "circles": lambda: data.make_circles(300, noise=0.08, seed=seed),
        "xor": lambda: data.make_xor(300, noise=0.25, seed=seed),
        "blobs": lambda: data.make_blobs(300, centers=4, seed=seed),
    }
    return makers[dataset]()


if __name__ == "__main__":
    sys.exit(main())

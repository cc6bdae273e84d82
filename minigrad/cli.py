"""The ``minigrad`` command. ``minigrad compare`` trains one network per optimizer from the
same start on the same batches, prints a table and writes a figure:

    minigrad compare                                  # spirals; sgd, adagrad, rmsprop, adam
    minigrad compare --dataset moons --optimizers sgd,momentum,adam --epochs 50
    minigrad compare --lr adagrad=0.1 --lr rmsprop=0.01 --out my_figure.png
"""

from __future__ import annotations

import argparse
import sys

from . import __version__

DATASETS = ("spirals", "moons", "circles", "xor", "blobs", "digits")
DEFAULTS = {"dataset": "spirals", "optimizers": "sgd,adagrad,rmsprop,adam", "epochs": 60, "batch_size": 32}


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one line that says what is wrong, exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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


_positive_int = _whole_number(1)
_seed = _whole_number(0)


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of layer sizes like 64,64") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"layer sizes must be at least 1, got {text!r}")
    return sizes


def _learning_rate(text: str) -> tuple[str, float]:
    name, _, value = text.partition("=")
    try:
        lr = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE, e.g. adam=0.01") from None
    if not lr > 0:
        raise argparse.ArgumentTypeError(f"the learning rate in {text!r} must be positive")
    return name.strip().lower(), lr


def build_parser() -> argparse.ArgumentParser:
    from .comparison import OPTIMIZERS

    parser = _Parser(prog="minigrad", description="minigrad: a small, exact neural-network framework on numpy.")
    parser.add_argument("--version", action="version", version=f"minigrad {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND", parser_class=_Parser)
    compare = commands.add_parser(
        "compare",
        help="train the same network with several optimizers and plot how each did",
        description="Train one network per optimizer from the same initial weights on the same batches, "
        "print a table (optimizer, lr, final loss, accuracy, time) and write a figure with the loss curves, "
        "the effective learning rates and, for 2-D data, each optimizer's decision boundary.",
    )
    compare.add_argument(
        "--dataset", choices=DATASETS, default=DEFAULTS["dataset"], help="the data to train on (default: %(default)s)"
    )
    compare.add_argument(
        "--optimizers",
        default=DEFAULTS["optimizers"],
        help=f"comma-separated, from: {', '.join(OPTIMIZERS)} (default: %(default)s)",
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
        + ")",
    )
    compare.add_argument(
        "--hidden", type=_hidden, default=[64, 64], help="hidden layer sizes, comma-separated (default: 64,64)"
    )
    compare.add_argument(
        "--seed", type=_seed, default=0, help="seed for the data, initial weights and batches (default: 0)"
    )
    compare.add_argument(
        "--seeds", type=_positive_int, default=1, help="repeat with this many seeds and show mean and band (default: 1)"
    )
    compare.add_argument("--out", default="compare.png", help="where to write the figure (default: %(default)s)")
    compare.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        print(f"minigrad {__version__}")
        parser.print_help()
        return 0
    from .comparison import OPTIMIZERS

    names = [name.strip().lower() for name in args.optimizers.split(",") if name.strip()]
    unknown = [name for name in names if name not in OPTIMIZERS]
    if unknown or not names:
        parser.error(f"unknown optimizer {', '.join(unknown) or '(none given)'}; choose from {', '.join(OPTIMIZERS)}")
    rates = dict(args.lr)
    stray = [name for name in rates if name not in names]
    if stray:
        parser.error(f"--lr names {', '.join(stray)}, which is not among --optimizers {','.join(names)}")
    return _run_compare(args, names, rates)


def _run_compare(args, names: list[str], rates: dict[str, float]) -> int:
    import time

    from . import nn
    from .comparison import compare
    from .data import train_test_split
    from .rng import manual_seed

    started = time.perf_counter()
    X, y = _load(args.dataset, args.seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=args.seed)
    classes = int(y.max()) + 1
    sizes = [X.shape[1], *args.hidden]

    def network():
        layers = []
        for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        return nn.Sequential(*layers, nn.Linear(sizes[-1], classes))

    manual_seed(args.seed)
    print(
        f"{args.dataset}: {len(X_train)} training and {len(X_test)} test samples, {classes} classes; "
        f"network {'-'.join(map(str, [*sizes, classes]))}; {args.epochs} epochs of batches of {args.batch_size}"
    )
    result = compare(
        network,
        X_train,
        y_train,
        optimizers=names,
        lr=rates,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seeds=range(args.seed, args.seed + args.seeds),
        validation_data=(X_test, y_test),
        verbose=False if args.quiet else None,
    )
    print()
    print(result.format_table())
    print("(accuracy on the held-out test samples)")
    for name, runs in result.runs.items():
        for run in runs:
            if run.history.stopped:
                print(f"{name}: {run.history.stopped}")

    from .plot import comparison_figure

    figure = comparison_figure(result, X, y)
    figure.savefig(args.out, dpi=110)
    print(f"wrote {args.out} ({time.perf_counter() - started:.1f} s in all)")
    return 130 if result.interrupted else 0


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

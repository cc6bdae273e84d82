"""The ``minigrad`` command."""

from __future__ import annotations

import argparse
import sys

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minigrad",
        description="minigrad: a small, exact neural-network framework on numpy.",
    )
    parser.add_argument("--version", action="version", version=f"minigrad {__version__}")
    parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        print(f"minigrad {__version__}")
        parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())

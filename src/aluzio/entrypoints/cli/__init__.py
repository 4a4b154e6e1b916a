"""The ``aluzio`` command: one sub-command per module in this package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from aluzio.entrypoints.cli import admin, db, dev, mail, serve, worker
from aluzio.entrypoints.settings import SettingsError

COMMANDS = (dev, serve, worker, db, mail, admin)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aluzio", description="Aluzio, the team retrospective backend."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.run(args)
    except SettingsError as exc:
        print(f"aluzio: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return result

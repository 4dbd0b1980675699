"""The command line: argument parsing, the one error boundary, exit codes.

Exit codes: 0 ok; 1 a problem in the user's input (invalid policy, rejected silence, stale
output); 2 usage; 3 a bug in oncall-policy; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from importlib import import_module
from typing import Protocol, cast

from oncall_policy import __version__
from oncall_policy.problems import OncallPolicyError, PolicyError

# Command modules keep heavy imports inside ``run`` so that ``--help`` and the silence path
# start fast. Each is registered here by name.
COMMANDS = ("check", "compile", "route", "schema", "test")


class Command(Protocol):
    HELP: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _command(name: str) -> Command:
    return cast("Command", import_module(f"oncall_policy.cli.{name.replace('-', '_')}"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oncall-policy",
        description="Compile one typed on-call policy into the configuration that enforces it.",
    )
    parser.add_argument("--version", action="version", version=f"oncall-policy {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        command = _command(name)
        sub = commands.add_parser(name, help=command.HELP, description=command.HELP)
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return cast("int", args.run(args))
    except PolicyError as error:
        for problem in error.problems:
            print(problem)
        return 1
    except OncallPolicyError as error:
        print(f"oncall-policy: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("oncall-policy: interrupted", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - the boundary: anything else is our bug
        traceback.print_exc()
        print(
            "oncall-policy: internal error; this is a bug in oncall-policy, please report it "
            "with the traceback above",
            file=sys.stderr,
        )
        return 3

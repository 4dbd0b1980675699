"""``oncall-policy check [FILE...]``: schema and semantic checks, every problem at once."""

from __future__ import annotations

import argparse

from oncall_policy.cli import reports
from oncall_policy.errors import PolicyError
from oncall_policy.printable import printable
from oncall_policy.problems import Problem


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="*",
        default=["policy.yaml"],
        metavar="FILE",
        help="policy files (default: policy.yaml)",
    )
    parser.add_argument(
        "--format",
        choices=reports.PROBLEM_FORMATS,
        default="text",
        help="text (file:line:col: [error] …), json, or GitHub workflow annotations",
    )


def run(args: argparse.Namespace) -> int:
    from oncall_policy.checks.checked import load_policy  # noqa: PLC0415 - keep --help fast

    problems: list[Problem] = []
    for name in args.files:
        try:
            load_policy(name)
        except PolicyError as error:
            problems.extend(error.problems)
        else:
            if args.format == "text":
                print(f"{printable(name)}: ok")
    print(reports.problems(problems, args.format), end="")
    return 1 if problems else 0

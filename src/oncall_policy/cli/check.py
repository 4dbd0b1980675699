"""``oncall-policy check [FILE...]``: schema and semantic checks, every problem at once."""

from __future__ import annotations

import argparse
import json

from oncall_policy.problems import PolicyError, Problem

HELP = "check policy files: schema and semantic rules; every problem as file:line:col"


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
        choices=("text", "json", "github"),
        default="text",
        help="text (file:line:col: [error] …), json, or GitHub workflow annotations",
    )


def run(args: argparse.Namespace) -> int:
    from oncall_policy.load import load_policy  # noqa: PLC0415 - keep --help fast

    problems: list[Problem] = []
    for name in args.files:
        try:
            load_policy(name)
        except PolicyError as error:
            problems.extend(error.problems)
        else:
            if args.format == "text":
                print(f"{name}: ok")
    print(_render(problems, args.format), end="")
    return 1 if problems else 0


def _render(problems: list[Problem], style: str) -> str:
    if style == "json":
        rows = [
            {
                "file": p.path,
                "line": p.line,
                "column": p.column,
                "field": p.where,
                "message": p.message,
                "rule": p.rule,
            }
            for p in problems
        ]
        return json.dumps(rows, indent=2) + "\n"
    if style == "github":
        return "".join(
            f"::error file={p.path},line={p.line},col={p.column},title={p.rule}::"
            f"{_escape(p.where + ': ' if p.where else '')}{_escape(p.message)}\n"
            for p in problems
        )
    return "".join(f"{p}\n" for p in problems)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

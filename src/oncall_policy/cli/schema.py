"""``oncall-policy schema [--part]``: the JSON Schema of policy.yaml, or of a policy part."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--part",
        action="store_true",
        help="the schema of a policy part (a team's file that a root policy includes)",
    )


def run(args: argparse.Namespace) -> int:
    from oncall_policy.model.json_schema import render  # noqa: PLC0415

    print(render(part=args.part), end="")
    return 0

"""``oncall-policy schema``: the JSON Schema of policy.yaml."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    del args
    from oncall_policy.model.json_schema import render  # noqa: PLC0415

    print(render(), end="")
    return 0

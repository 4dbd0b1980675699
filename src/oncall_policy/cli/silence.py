"""``oncall-policy silence check|add|audit|check-files``: silences against the policy.

``check`` and ``add`` take ``amtool silence add``'s own arguments (intermixed, as amtool reads
them) plus ``--policy``, ``--approved-by`` and ``--format``. Each action has its own parser, so
``oncall-policy silence ACTION --help`` documents it. Nothing here imports pydantic or a YAML
library unless the generated rules are stale (or for ``check-files``).
"""

from __future__ import annotations

import argparse

from oncall_policy.cli.options import (
    add_limit_argument,
    add_peer_argument,
    add_tenant_argument,
    silence_action_parser,
)
from oncall_policy.cli.silence_judge import ACTIONS, judge
from oncall_policy.cli.silence_words import Options
from oncall_policy.silence import amtool


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        str(parser.description) + ". Actions: " + "; ".join(f"{k}: {v}" for k, v in ACTIONS.items())
    )
    parser.add_argument("action", choices=ACTIONS, help="see `oncall-policy silence ACTION --help`")
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="the action's arguments")


def run(args: argparse.Namespace) -> int:
    if args.action in ("approve", "pending"):
        from oncall_policy.cli import silence_approve  # noqa: PLC0415 - only these actions need it

        return silence_approve.run(args.action, ACTIONS[args.action], args.arguments)
    if args.action in ("audit", "check-files"):
        from oncall_policy.cli import silence_audit  # noqa: PLC0415 - only these actions need it

        return silence_audit.run(args.action, args.arguments)
    options = _parser(args.action).parse_intermixed_args(amtool.expand_files(args.arguments))
    return judge(Options(**vars(options)), create=args.action == "add")


def _parser(action: str) -> argparse.ArgumentParser:
    parser = silence_action_parser(action, ACTIONS[action])
    parser.add_argument(
        "--approved-by", action="append", default=[], metavar="EMAIL", help="an approver (repeatable)"
    )
    parser.add_argument(
        "--maintenance", metavar="ID", help="the declared maintenance window this silence belongs to"
    )
    add_peer_argument(parser)
    add_limit_argument(parser)
    add_tenant_argument(parser)
    amtool.add_arguments(parser)
    return parser

"""Options more than one command takes, each declared once so that it reads the same everywhere.

``--policy`` is a plain string here: the silence path does not import ``pathlib`` to read it, and
the commands that need a ``Path`` make one.
"""

from __future__ import annotations

import argparse

from oncall_policy.cli.help import HelpFormatter

POLICY = "policy.yaml"


def add_policy_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", default=POLICY, metavar="FILE", help=f"the policy (default: {POLICY})")


def silence_parser(action: str, description: str) -> argparse.ArgumentParser:
    """The parser of ``silence ACTION``, with no options yet."""
    return argparse.ArgumentParser(
        prog=f"oncall-policy silence {action}",
        description=description,
        allow_abbrev=False,
        formatter_class=HelpFormatter,
    )


def silence_action_parser(action: str, description: str) -> argparse.ArgumentParser:
    """The parser of a ``silence ACTION`` judged by the policy, with the options each such action
    has: --policy, --format."""
    parser = silence_parser(action, description)
    add_policy_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output (default: text)")
    return parser


def add_peer_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--peer",
        action="append",
        default=[],
        metavar="URL",
        help="another Alertmanager of the same cluster whose silences count too (repeatable)",
    )


def add_limit_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-response-size",
        dest="max_response_size",
        metavar="SIZE",
        help="the largest answer read from an Alertmanager, e.g. 256MiB (default: 64MiB, about "
        "150,000 silences); a larger listing is refused unread",
    )


def add_tenant_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tenant",
        metavar="ID",
        help="the tenant of a multi-tenant Alertmanager (Mimir, Cortex), sent as X-Scope-OrgID; "
        "authenticate with --http.config.file",
    )

"""``oncall-policy rules [--policy F] [--format text|json|github] FILE...``: Prometheus alerting
rules checked against the policy's alert catalog."""

from __future__ import annotations

import argparse

from oncall_policy.cli import reports
from oncall_policy.cli.options import add_policy_argument
from oncall_policy.errors import PolicyError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="Prometheus rule files (groups: [...])")
    add_policy_argument(parser)
    parser.add_argument(
        "--format",
        choices=reports.PROBLEM_FORMATS,
        default="text",
        help="text (file:line:col: [error] …), json, or GitHub workflow annotations",
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="the files are only some of the rule files (e.g. those changed): "
        "do not report catalog alerts that have no rule in them",
    )


def run(args: argparse.Namespace) -> int:
    from oncall_policy.checks.checked import load_policy_bytes  # noqa: PLC0415 - keep --help fast
    from oncall_policy.load.policy import read_policy_file  # noqa: PLC0415 - keep --help fast
    from oncall_policy.verify.rule_files import Catalog, check  # noqa: PLC0415

    try:
        raw = read_policy_file(args.policy)
        policy = load_policy_bytes(raw, args.policy)
    except PolicyError as error:
        print(reports.problems(error.problems, args.format), end="")
        return 1
    catalog = Catalog.of(policy, raw.decode("utf-8").removeprefix("\ufeff"), args.policy)
    problems = check(catalog, args.files, partial=args.partial)
    print(reports.problems(problems, args.format), end="")
    return 1 if problems else 0

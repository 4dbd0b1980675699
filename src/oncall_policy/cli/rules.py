"""``oncall-policy rules [--policy F] [--format text|json|github] FILE...``: Prometheus alerting
rules checked against the policy's alert catalog. ``rules --annotations`` prints the annotations
each catalog alert's rule carries (notifications read them), to paste under each rule."""

from __future__ import annotations

import argparse
import sys

from oncall_policy.cli import reports
from oncall_policy.cli.options import add_policy_argument
from oncall_policy.errors import PolicyError
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.model import Policy


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="Prometheus rule files (groups: [...])")
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
    parser.add_argument(
        "--annotations",
        action="store_true",
        help="print the annotations each catalog alert's rule carries (YAML, or JSON with --format json) "
        "instead of checking files",
    )


def run(args: argparse.Namespace) -> int:
    from oncall_policy.checks.checked import load_policy_bytes  # noqa: PLC0415 - keep --help fast
    from oncall_policy.load.policy import read_policy_file  # noqa: PLC0415 - keep --help fast
    from oncall_policy.verify.rule_files import Catalog, check  # noqa: PLC0415

    if bool(args.files) == args.annotations:
        what = "takes no FILE" if args.annotations else "needs a FILE, or --annotations"
        print(f"oncall-policy rules: error: rules {what}", file=sys.stderr)
        return 2

    try:
        raw = read_policy_file(args.policy)
        policy = load_policy_bytes(raw, args.policy)
    except PolicyError as error:
        print(reports.problems(error.problems, args.format), end="")
        return 1
    if args.annotations:
        print(_annotations(policy, args.format), end="")
        return 0
    catalog = Catalog.of(policy, raw.decode("utf-8").removeprefix("\ufeff"), args.policy)
    problems = check(catalog, args.files, partial=args.partial)
    print(reports.problems(problems, args.format), end="")
    return 1 if problems else 0


def _annotations(policy: Policy, style: str) -> str:
    """Alert name → its rule's annotations: JSON, or YAML whose values are JSON strings (which
    YAML reads as they are: no value can turn into a number, a date or a mapping)."""
    import json  # noqa: PLC0415 - only this mode needs it

    from oncall_policy.verify.rule_files import rule_annotations  # noqa: PLC0415

    wanted = rule_annotations(policy)
    if style == "json":
        return json.dumps(wanted, indent=2, ensure_ascii=False) + "\n"
    lines = ["# The annotations of each catalog alert's alerting rule (oncall-policy rules --annotations)."]
    for alert, values in wanted.items():
        lines.append(f"{alert}:")
        lines += [f"  {name}: {json.dumps(value, ensure_ascii=False)}" for name, value in values.items()]
    return "\n".join(lines) + "\n"

"""``oncall-policy check [FILE...]``: schema and semantic checks, every problem at once;
``check --list-rules``: the rules a problem can name."""

from __future__ import annotations

import argparse
import os
import sys

from oncall_policy.cli import reports
from oncall_policy.errors import PolicyError
from oncall_policy.printable import printable
from oncall_policy.problems import Problem


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Each problem ends with the id of the rule it breaks: --list-rules lists them all."
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="policy files (default: policy.yaml)",
    )
    parser.add_argument(
        "--format",
        choices=reports.PROBLEM_FORMATS,
        default="text",
        help="text (file:line:col: [error] …), json, or GitHub workflow annotations",
    )
    parser.add_argument(
        "--list-rules",
        action="store_true",
        help="list every rule a problem can name (loader, check, silence and rule-file rules, by id, "
        "with a one-line summary) and check nothing; --format text or json",
    )


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        return _list_rules(args)
    from oncall_policy.checks.checked import load_policy  # noqa: PLC0415 - keep --help fast

    problems: list[Problem] = []
    for name, checked in _roots(args.files or ["policy.yaml"]):
        try:
            load_policy(checked)
        except PolicyError as error:
            problems.extend(error.problems)
        else:
            if args.format == "text":
                print(f"{printable(name)}: ok" + (f" (with {printable(checked)})" if checked != name else ""))
    print(reports.problems(problems, args.format), end="")
    return 1 if problems else 0


def _roots(names: list[str]) -> list[tuple[str, str]]:
    """Each file and the policy to check for it: itself, or for a policy part (a file a root
    policy above it includes, as pre-commit passes it) that root, each root once."""
    from pathlib import Path  # noqa: PLC0415

    from oncall_policy.load.parts import root_of  # noqa: PLC0415

    found: dict[str, str] = {}
    for name in names:
        root = root_of(Path(name))
        checked = name if root is None else os.path.relpath(root)
        if checked not in found.values():
            found[name] = checked
    return list(found.items())


def _list_rules(args: argparse.Namespace) -> int:
    from oncall_policy.cli import list_rules  # noqa: PLC0415 - it imports every rule's layer

    if args.files or args.format not in list_rules.LIST_FORMATS:
        what = "files" if args.files else f"--format {args.format}"
        print(
            f"oncall-policy check: error: --list-rules takes no {what} (--format text or json)",
            file=sys.stderr,
        )
        return 2
    print(list_rules.listing(list_rules.rulebook(), args.format), end="")
    return 0

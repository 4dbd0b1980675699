"""``oncall-policy test [--policy F] [--format text|json] [--amtool]``: the routing matrix.

Every catalog alert with its guaranteed labels: the receivers, PagerDuty services and Slack
channels the policy promises, and whether the compiled Alertmanager configuration agrees (by our
simulator; with ``--amtool`` also by the real ``amtool config routes test --verify.receivers``);
the minutes until PagerDuty first escalates it, which must be its severity's auto-escalation; and
whether every PagerDuty receiver reads the key of exactly one generated service. Exit 1 when
anything disagrees.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from oncall_policy.cli.options import add_policy_argument
from oncall_policy.printable import printable, printable_lines

if TYPE_CHECKING:
    from oncall_policy.model import Policy
    from oncall_policy.provenance import Source
    from oncall_policy.verify.matrix import Case


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--amtool", action="store_true", help="also check every case with the real amtool (and check-config)"
    )


def run(args: argparse.Namespace) -> int:
    from oncall_policy.checks.checked import load_policy_bytes  # noqa: PLC0415
    from oncall_policy.compile.pd import build  # noqa: PLC0415
    from oncall_policy.load.policy import read_policy_file  # noqa: PLC0415
    from oncall_policy.provenance import Source  # noqa: PLC0415 - keep --help fast
    from oncall_policy.verify import (  # noqa: PLC0415 - keep --help fast
        agreement,
        crosscheck,
    )
    from oncall_policy.verify.matrix import Matrix, generated  # noqa: PLC0415

    raw = read_policy_file(args.policy)
    policy = load_policy_bytes(raw, args.policy)
    files, config = generated(policy, Source.of(Path(args.policy), raw))
    pagerduty = build.build(policy)
    facts: dict[str, list[agreement.Paging]] = {}
    for fact in agreement.paging_facts(policy, pagerduty):
        facts.setdefault(fact.alert, []).append(fact)
    cases = [case.with_paging(facts.get(case.alert, [])) for case in Matrix(policy, config).cases()]
    if args.amtool:
        cases = _with_amtool(files, cases)
    problems = crosscheck.mismatches(config, pagerduty)
    problems += _operator_disagreements(policy, Source.of(Path(args.policy), raw))
    problems += [f"{d.subject}: {d.message}" for d in agreement.disagreements(policy, pagerduty)]
    print(printable_lines(_render(cases, args.format)), end="")
    for problem in problems:
        print(f"oncall-policy: disagreement: {printable(problem)}", file=sys.stderr)
    return 0 if all(case.ok for case in cases) and not problems else 1


def _operator_disagreements(policy: Policy, source: Source) -> list[str]:
    """Where the configuration prometheus-operator assembles from the policy's
    ``AlertmanagerConfig``s sends an alert elsewhere than the policy says."""
    from oncall_policy.verify.operator import OperatorMatrix, deployed  # noqa: PLC0415

    config = deployed(policy, source)
    if config is None:
        return []
    return [
        f"prometheus-operator: {case.alert}: the operator's configuration sends it to"
        f" {', '.join(case.receivers)}; the policy says {', '.join(case.expected_receivers)}"
        for case in OperatorMatrix(policy, config).cases()
        if not case.ok
    ]


def _with_amtool(files: dict[str, str], cases: list[Case]) -> list[Case]:
    from oncall_policy.compile.alertmanager import FILE  # noqa: PLC0415
    from oncall_policy.verify import amtool  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="oncall-policy-") as directory:
        for name, text in files.items():
            Path(directory, name).write_text(text, encoding="utf-8")
        config = Path(directory, FILE)
        amtool.check_config(config)
        verdicts = amtool.routes_verify_many(config, [(c.labels, c.expected_receivers) for c in cases])
    return [case.with_amtool(agrees) for case, agrees in zip(cases, verdicts, strict=True)]


def _render(cases: list[Case], style: str) -> str:
    if style == "json":
        return json.dumps([case.to_json() for case in cases], indent=2) + "\n"
    rows = [("", "ALERT", "RECEIVERS", "PAGERDUTY", "ESCALATES", "SLACK")]
    for case in cases:
        verdict = "ok" if case.ok else "FAIL"
        shown = ",".join(case.receivers)
        if not case.ok:
            shown += f" (expected {','.join(case.expected_receivers)})"
        rows.append(
            (
                verdict,
                case.alert,
                shown,
                ", ".join(case.pagerduty_services) or "-",
                _escalation(case),
                ", ".join(case.slack_channels) or "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    failed = sum(not case.ok for case in cases)
    lines.append(f"{len(cases)} alerts: {len(cases) - failed} ok, {failed} failed")
    return "\n".join(lines) + "\n"


def _escalation(case: Case) -> str:
    """Minutes until the first escalation, with what the severity promises when they differ."""
    if not case.first_escalation_minutes:
        return "-"
    shown = ", ".join("never" if m is None else f"{m}m" for m in case.first_escalation_minutes)
    if any(m != case.expected_escalation_minutes for m in case.first_escalation_minutes):
        expected = case.expected_escalation_minutes
        shown += f" (expected {'never' if expected is None else f'{expected}m'})"
    return shown

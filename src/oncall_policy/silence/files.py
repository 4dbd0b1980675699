"""Silences as code: request files submitted for review, judged like ``silence check``.

A file (YAML or JSON) holds one silence in Alertmanager's API v2 postable shape — ``matchers``,
``startsAt``, ``endsAt``, ``createdBy``, ``comment`` — plus an optional ``approvedBy`` list of
approver emails. Every violation is reported at the line and column of the field it concerns.
"""

from __future__ import annotations

from typing import Any

from oncall_policy.problems import Problem
from oncall_policy.silence.api import from_api
from oncall_policy.silence.evaluate import evaluate
from oncall_policy.silence.rules import Rules


def check(path: str, rules: Rules) -> list[Problem]:
    """Every problem in the silence request file at ``path``."""
    from oncall_policy.load.document import read_document  # noqa: PLC0415 - only here: YAML

    document = read_document(path)
    data: Any = document.data
    if data is None:
        return document.problems
    if not isinstance(data, dict):
        document.problem((), "a silence request is a mapping: Alertmanager's API v2 silence", "bad-silence")
        return document.problems
    approvers = data.get("approvedBy", [])
    if not (isinstance(approvers, list) and all(isinstance(a, str) for a in approvers)):
        document.problem(("approvedBy",), "approvedBy is a list of approver emails", "bad-silence")
        approvers = []
    verdict = evaluate(from_api(data, tuple(approvers)), rules)
    for violation in verdict.violations:
        document.problem(violation.where, f"{violation.message}; fix: {violation.hint}", violation.rule)
    return sorted(document.problems)

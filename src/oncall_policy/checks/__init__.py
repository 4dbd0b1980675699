"""Semantic rules: what a policy must satisfy beyond its schema. One module per rule; the
module's ``RULE`` names it, its docstring is the rule's documentation, and ``check`` yields its
findings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from oncall_policy.checks import (
    approver_roles,
    calendar_size,
    catalog_alerts,
    escalation_timing,
    inhibition_equal,
    maintenance_windows,
    pagerduty_length,
    paging_timing,
    references,
    rotation_turns,
    secret_keys,
    severity_levels,
    silence_reasons,
    unique_ids,
    unknown_unpaged,
    unmatched_unreachable,
)
from oncall_policy.checks.rule_context import Context
from oncall_policy.model import Policy
from oncall_policy.problems import Finding
from oncall_policy.rulebook import Rule


class Check(Protocol):
    """A check module: its ``RULE`` (id, kind, documentation) and ``check``, which finds its breaches."""

    RULE: Rule

    def check(self, context: Context, /) -> Iterable[Finding]: ...


# What every other check takes for granted: ids are unique and every reference resolves, so the
# others may look anything up by id without guarding. They run first, and alone when they find
# anything (the others would only repeat the same mistake in their own words, or fail on it).
PREREQUISITES: tuple[Check, ...] = (unique_ids, references)
# The checks that rely on the prerequisites holding, in the order their findings are reported.
DEPENDENT: tuple[Check, ...] = (
    severity_levels,
    escalation_timing,
    rotation_turns,
    catalog_alerts,
    paging_timing,
    inhibition_equal,
    unmatched_unreachable,
    unknown_unpaged,
    pagerduty_length,
    approver_roles,
    silence_reasons,
    maintenance_windows,
    calendar_size,
    secret_keys,
)
CHECKS = PREREQUISITES + DEPENDENT
RULES: tuple[Rule, ...] = tuple(check.RULE for check in CHECKS)


def run(policy: Policy) -> list[Finding]:
    """Every finding of every check: the prerequisites', or when they find nothing, the others'."""
    context = Context(policy)
    return _findings(PREREQUISITES, context) or _findings(DEPENDENT, context)


def _findings(checks: tuple[Check, ...], context: Context) -> list[Finding]:
    return [finding for check in checks for finding in check.check(context)]

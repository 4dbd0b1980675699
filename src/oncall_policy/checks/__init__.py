"""Semantic rules: what a policy must satisfy beyond its schema. One module per rule; the
module's docstring is the rule's documentation and ``check`` yields its findings."""

from __future__ import annotations

from types import ModuleType

from oncall_policy.checks import (
    approver_roles,
    catalog_alerts,
    escalation_timing,
    maintenance_windows,
    pagerduty_length,
    paging_timing,
    references,
    rotation_turns,
    severity_levels,
    silence_reasons,
    unique_ids,
)
from oncall_policy.checks.rule_context import Context
from oncall_policy.model import Policy
from oncall_policy.problems import Finding

RULES: tuple[ModuleType, ...] = (
    unique_ids,
    references,
    severity_levels,
    escalation_timing,
    rotation_turns,
    catalog_alerts,
    paging_timing,
    pagerduty_length,
    approver_roles,
    silence_reasons,
    maintenance_windows,
)


def run(policy: Policy) -> list[Finding]:
    """Every finding of every rule. Rules after ``references`` may assume references resolve."""
    context = Context(policy)
    findings = list(unique_ids.check(context)) + list(references.check(context))
    if findings:
        return findings
    for rule in RULES[2:]:
        findings.extend(rule.check(context))
    return findings

"""severity-levels: a severity's promises fit together. Auto-escalation comes no later than the
resolution target and no earlier than the response time, and a severity that must escalate is
sent to PagerDuty as ``critical`` or ``error`` (``warning`` and ``info`` are low urgency, and
PagerDuty never escalates low-urgency incidents)."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.durations import format_duration
from oncall_policy.leaks.redact import shown
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("severity-levels", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    for i, severity in enumerate(policy.severities):
        here = ("severities", i)
        escalation = severity.auto_escalation
        if severity.response_time > severity.resolution_target:
            yield Finding(
                (*here, "response_time"),
                "response time is longer than the resolution "
                f"target ({format_duration(severity.resolution_target)})",
                RULE.id,
            )
        if escalation is None:
            continue
        if escalation > severity.resolution_target:
            yield Finding(
                (*here, "auto_escalation"),
                f"auto-escalation after "
                f"{format_duration(escalation)} comes after the resolution target "
                f"({format_duration(severity.resolution_target)})",
                RULE.id,
            )
        if severity.pagerduty_severity in ("warning", "info"):
            yield Finding(
                (*here, "pagerduty_severity"),
                f"{shown(severity.pagerduty_severity)} is low "
                "urgency in PagerDuty and never escalates; use 'critical' or 'error'",
                RULE.id,
            )

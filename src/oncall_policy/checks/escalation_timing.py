"""escalation-timing: each escalation policy's cumulative timing fits its ladder and its severity.
It starts at zero, strictly increases, names no more steps than the ladder has levels, and
reaches its second level exactly when the severity says it auto-escalates (a severity without
auto-escalation has one step)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from oncall_policy.checks.rule_context import Context
from oncall_policy.durations import format_duration
from oncall_policy.leaks.redact import shown
from oncall_policy.model import EscalationPolicy, Severity
from oncall_policy.problems import Finding, Location
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("escalation-timing", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    severities = {s.id: s for s in policy.severities}
    for i, escalation in enumerate(policy.escalation_policies):
        for severity_id, steps in escalation.timing.items():
            here = ("escalation_policies", i, "timing", severity_id)
            yield from _steps(here, escalation, steps)
            yield from _matches_severity(here, steps, severities[severity_id])


def _steps(here: Location, escalation: EscalationPolicy, steps: tuple[timedelta, ...]) -> Iterator[Finding]:
    if steps[0] != timedelta(0):
        yield Finding((*here, 0), "the first level is notified at once: start the timing at 0m", RULE.id)
    if len(steps) > len(escalation.levels):
        yield Finding(here, f"{len(steps)} steps but only {len(escalation.levels)} levels", RULE.id)
    for k in range(1, len(steps)):
        if steps[k] <= steps[k - 1]:
            yield Finding(
                (*here, k),
                f"{format_duration(steps[k])} does not come after "
                f"{format_duration(steps[k - 1])}; times are cumulative and must increase",
                RULE.id,
            )
        elif (steps[k] - steps[k - 1]) % timedelta(minutes=1):
            yield Finding((*here, k), "PagerDuty escalates in whole minutes", RULE.id)


def _matches_severity(here: Location, steps: tuple[timedelta, ...], severity: Severity) -> Iterator[Finding]:
    wanted = severity.auto_escalation
    if wanted is None and len(steps) > 1:
        name = shown(severity.id, quote=False)
        yield Finding(here, f"{name} has no auto-escalation, so its timing is just [0m]", RULE.id)
    elif wanted is not None and (len(steps) < 2 or steps[1] != wanted):
        got = format_duration(steps[1]) if len(steps) > 1 else "never"
        yield Finding(
            here,
            f"{shown(severity.id, quote=False)} auto-escalates after {format_duration(wanted)}, "
            f"but this timing reaches the second level {got}",
            RULE.id,
        )

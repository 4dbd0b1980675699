"""paging-timing: a paging service never receives severities with different escalation timing.
PagerDuty escalates per service (through one escalation policy), so P1's 15 minutes and P2's
hour cannot share a service. Every severity that reaches a service is timed by its policy: each
severity of a catalog alert that pages it, and each severity a route that pages it admits (its
``severities``, else every severity its matchers allow), catalog or not."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.durations import format_duration
from oncall_policy.leaks.redact import shown
from oncall_policy.model import Policy, Route
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("paging-timing", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    services = {s.id: (i, s) for i, s in enumerate(policy.paging_services)}
    escalations = {e.id: e for e in policy.escalation_policies}
    reaching: dict[str, dict[str, str]] = {}  # service -> severity -> first alert
    for alert, destinations in zip(policy.alerts, context.catalog_destinations, strict=True):
        for page in destinations.pages:
            reaching.setdefault(page, {}).setdefault(alert.severity, alert.name)
    for route in policy.routing.routes:
        if route.page:
            for severity in _admitted(policy, route):
                reaching.setdefault(route.page, {}).setdefault(severity, f"any alert of route {route.name}")
    for service_id, severities in sorted(reaching.items()):
        index, service = services[service_id]
        timing = escalations[service.escalation_policy].timing
        here = ("paging_services", index)
        untimed = [s for s in severities if s not in timing]
        for severity in untimed:
            yield Finding(
                (*here, "escalation_policy"),
                f"{_first(severities, severity)} pages {_named(service.name)}, "
                f"but {shown(service.escalation_policy)} "
                f"has no timing for {_named(severity)}",
                RULE.id,
            )
        steps = {s: timing[s] for s in severities if s in timing}
        if len(set(steps.values())) > 1:
            timings = "; ".join(
                f"{_named(s)} ({_named(severities[s])}): {', '.join(map(format_duration, t))}"
                for s, t in sorted(steps.items())
            )
            yield Finding(
                here,
                f"{_named(service.name)} receives severities with different escalation "
                f"timing ({timings}); PagerDuty escalates per service, so give each "
                "timing its own paging service",
                RULE.id,
            )


def _admitted(policy: Policy, route: Route) -> list[str]:
    """The severity ids a route lets through: its ``severities``, else those its matchers allow."""
    if route.severities:
        return list(route.severities)
    label = policy.organisation.severity_label
    on_severity = [m for m in route.matchers if m.name == label]
    return [
        s.id for s in policy.severities if all(m.matches_labels({label: s.label_value}) for m in on_severity)
    ]


def _first(severities: dict[str, str], severity: str) -> str:
    """``DiskFilling (P3)``: the first alert that pages with ``severity``, and the severity."""
    return f"{_named(severities[severity])} ({_named(severity)})"


def _named(name: str) -> str:
    return shown(name, quote=False)

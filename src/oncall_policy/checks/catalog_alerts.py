"""catalog-alerts: every catalog alert has working links, a route that delivers it, and consistent
labels. Its runbook and dashboard resolve to absolute URLs; it is claimed by a routing rule (an
alert that only reaches ``unmatched`` has no planned destination) that delivers it somewhere (a
page or a channel); and its labels do not contradict its name or severity."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.meaning.dispatch import Destinations
from oncall_policy.model import Alert, Policy
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("catalog-alerts", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    for i, alert in enumerate(policy.alerts):
        yield from _links(policy, i, alert)
        for label in {"alertname", policy.organisation.severity_label} & alert.labels.keys():
            yield Finding(
                ("alerts", i, "labels", label),
                f"{shown(label)} is set by the catalog itself (from the alert's name and severity); "
                "remove it",
                RULE.id,
            )
        yield from _carried(policy, i, alert)
        yield from _destinations(i, alert, context.catalog_destinations[i])


def _carried(policy: Policy, i: int, alert: Alert) -> Iterator[Finding]:
    fixed = {"alertname", policy.organisation.severity_label, *alert.labels}
    seen: set[str] = set()
    for j, label in enumerate(alert.carried):
        if label in fixed:
            yield Finding(
                ("alerts", i, "carries", j),
                f"{shown(label)} has a fixed value (in labels, or the alert's name or severity); "
                "a label is either pinned or carried",
                RULE.id,
            )
        seen.add(label)
    if len(seen) < len(alert.carries):
        yield Finding(("alerts", i, "carries"), "a label is carried twice", RULE.id)


def _links(policy: Policy, i: int, alert: Alert) -> Iterator[Finding]:
    bases = {
        "runbook": policy.organisation.runbook_base_url,
        "dashboard": policy.organisation.dashboard_base_url,
    }
    for field, base in bases.items():
        link = getattr(alert, field)
        if link is not None and not link.startswith(("https://", "http://")) and base is None:
            yield Finding(
                ("alerts", i, field),
                f"relative link {shown(link)} needs organisation.{field}_base_url, or give a full URL",
                RULE.id,
            )


def _destinations(i: int, alert: Alert, destinations: Destinations) -> Iterator[Finding]:
    if not destinations.routes:
        yield Finding(
            ("alerts", i),
            f"{shown(alert.name, quote=False)} matches no routing rule and would only reach "
            "routing.unmatched; add a route for it",
            RULE.id,
        )
    elif not (destinations.pages or destinations.channels):
        taken = ", ".join(shown(route.name) for route in destinations.routes)
        yield Finding(
            ("alerts", i),
            f"{shown(alert.name, quote=False)} reaches no one: route {taken} neither pages nor "
            "notifies; give it a destination",
            RULE.id,
        )

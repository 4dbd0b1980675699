"""unknown-unpaged: an unknown alert of a severity that always pages, pages someone.
When every catalog alert of a severity pages, an unknown one of that severity (a new rule, a
typo in its team label) must not quietly land in a channel only: the guide says don't ignore
alerts. Reported at the route that takes such an alert without a page (or at
``routing.unmatched``, when no route takes it). Page from that route or a catch-all after it, or,
when it is meant, list ``unknown-unpaged`` in its ``acknowledged``."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.meaning.dispatch import router_of, unknown_alert
from oncall_policy.model import Policy, Route
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("unknown-unpaged", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    router = router_of(policy)
    paging = _paging(context)
    for severity in policy.severities:
        if severity.id not in paging:
            continue
        destinations = router.route(unknown_alert(policy, severity.label_value))
        if destinations.pages:
            continue
        holder = destinations.routes[0] if destinations.routes else policy.routing.unmatched
        if RULE.id in holder.acknowledged:
            continue
        yield Finding(
            _where(policy, destinations.routes),
            f"an alert the catalog does not know with {policy.organisation.severity_label}="
            f"{shown(severity.label_value)} ({shown(severity.id, quote=False)}, which pages for every "
            f"catalog alert) pages nobody: {_taken_by(destinations.routes)}. Page from there, or "
            f"acknowledge it (acknowledged: [{RULE.id}])",
            RULE.id,
        )


def _paging(context: Context) -> set[str]:
    """The severities whose every catalog alert pages."""
    pages: dict[str, bool] = {}
    for alert, destinations in zip(context.policy.alerts, context.catalog_destinations, strict=True):
        pages[alert.severity] = pages.get(alert.severity, True) and bool(destinations.pages)
    return {severity for severity, always in pages.items() if always}


def _where(policy: Policy, routes: tuple[Route, ...]) -> tuple[str | int, ...]:
    if not routes:
        return ("routing", "unmatched")
    return ("routing", "routes", policy.routing.routes.index(routes[0]))


def _taken_by(routes: tuple[Route, ...]) -> str:
    if not routes:
        return "no route takes it and routing.unmatched does not page"
    named = ", ".join(shown(route.name, quote=False) for route in routes)
    return f"route {named} takes it without a page"

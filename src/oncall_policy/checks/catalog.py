"""catalog-alerts: every catalog alert has a runbook and dashboard that resolve to absolute URLs,
and is claimed by a routing rule (an alert that only reaches ``unmatched`` has no planned
destination); its labels do not contradict its name or severity."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.context import Context
from oncall_policy.problems import Finding

ID = "catalog-alerts"


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    bases = {
        "runbook": policy.organisation.runbook_base_url,
        "dashboard": policy.organisation.dashboard_base_url,
    }
    reserved = {"alertname", policy.organisation.severity_label}
    for i, alert in enumerate(policy.alerts):
        for field, base in bases.items():
            link = getattr(alert, field)
            if link is not None and not link.startswith(("https://", "http://")) and base is None:
                yield Finding(
                    ("alerts", i, field),
                    f"relative link {link!r} needs organisation.{field}_base_url, or give a full URL",
                    ID,
                )
        for label in reserved & alert.labels.keys():
            yield Finding(
                ("alerts", i, "labels", label),
                f"{label!r} is set by the catalog itself (from the alert's name and severity); remove it",
                ID,
            )
        if not context.catalog_destinations[i].routes:
            yield Finding(
                ("alerts", i),
                f"{alert.name} matches no routing rule and would only "
                "reach routing.unmatched; add a route for it",
                ID,
            )

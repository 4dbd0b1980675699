"""What makes one notification: the labels each route groups its alerts by.

A route groups by what the policy says (the route's ``group_by``, else ``routing.group_by``),
else by ``alertname`` and every label the catalog alerts it takes carry: two LowDiskSpace alerts on
``db-1`` and ``web-7`` are two incidents, not one message with two identical blocks. Alerts that no
route takes, and those of a route no catalog alert takes, are grouped by ``alertname`` and every
label any catalog alert carries: what an unknown alert carries is unknown, and the labels the
catalog's alerts carry are the best guess at what tells one system from another.
"""

from __future__ import annotations

from typing import NamedTuple

from oncall_policy.meaning.dispatch import catalog_destinations
from oncall_policy.memo import per_object
from oncall_policy.model import Policy

ALERTNAME = "alertname"


class Grouping(NamedTuple):
    """Route name → its group_by labels; and those of alerts no route takes."""

    routes: dict[str, tuple[str, ...]]
    unmatched: tuple[str, ...]


@per_object
def group_by(policy: Policy) -> Grouping:
    carried: dict[str, set[str]] = {route.name: set() for route in policy.routing.routes}
    every: set[str] = set()
    for alert, destinations in zip(policy.alerts, catalog_destinations(policy), strict=True):
        labels = alert.carried.keys()
        every.update(labels)
        for route in destinations.routes:
            carried[route.name].update(labels)
    default = policy.routing.group_by
    routes = policy.routing.routes
    return Grouping(
        routes={
            route.name: route.group_by or default or _by(carried[route.name] or every) for route in routes
        },
        unmatched=default or _by(every),
    )


def _by(labels: set[str]) -> tuple[str, ...]:
    return (ALERTNAME, *sorted(labels - {ALERTNAME}))

"""Which team a route belongs to: the one team that owns every destination it names.

A route whose paging service and channels all belong to one team is that team's; a route with a
destination of no team, or of several teams, or with none at all, belongs to the organisation.
Deployment targets split the routes by this: a team's ``AlertmanagerConfig`` or tenant holds the
team's routes, and the organisation's stay with the organisation.
"""

from __future__ import annotations

from collections.abc import Collection

from oncall_policy.model import Policy, Route


def team_of(policy: Policy, route: Route) -> str | None:
    """The team that owns every destination of ``route``, or None."""
    services = {s.id: s.team for s in policy.paging_services}
    channels = {c.id: c.team for c in policy.chat_channels}
    owners = {channels[c] for c in route.notify}
    if route.page:
        owners.add(services[route.page])
    if len(owners) != 1:
        return None
    return owners.pop()


def routes_of(policy: Policy, teams: Collection[str]) -> tuple[Route, ...]:
    """The routes, in order, that belong to one of ``teams``."""
    return tuple(route for route in policy.routing.routes if team_of(policy, route) in teams)

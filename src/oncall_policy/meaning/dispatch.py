"""Where an alert goes by the policy's own routing rules (not by any compiled config).

The compilers must agree with this; the routing matrix compares them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol

from oncall_policy.matchers import Matcher, Op
from oncall_policy.memo import per_object
from oncall_policy.model import Alert, Fallback, Policy, Route


class SelectorLike(Protocol):
    @property
    def severities(self) -> tuple[str, ...]: ...
    @property
    def matchers(self) -> tuple[Matcher, ...]: ...


class Destinations(NamedTuple):
    """The routes an alert takes (empty when only ``unmatched`` claims it) and where it lands."""

    routes: tuple[Route, ...]
    pages: tuple[str, ...]
    channels: tuple[str, ...]


def alert_labels(policy: Policy, alert: Alert) -> dict[str, str]:
    """The labels a catalog alert always carries with a known value."""
    severity = next(s for s in policy.severities if s.id == alert.severity)
    return {
        **alert.labels,
        "alertname": alert.name,
        policy.organisation.severity_label: severity.label_value,
    }


class Router:
    """The policy's routing rules, prepared once for many alerts.

    Each route is indexed under one label value it requires (an equality matcher, else its
    severities), so that an alert is only tested against routes that could match it.
    """

    def __init__(self, policy: Policy) -> None:
        self.severity_label = policy.organisation.severity_label
        self.label_values = {s.id: s.label_value for s in policy.severities}
        self.routes = policy.routing.routes
        self.unmatched: Fallback = policy.routing.unmatched
        self._values = [self.values_of(route) for route in self.routes]
        self._index: dict[tuple[str, str], list[int]] = {}
        self._unindexed: list[int] = []
        for number, route in enumerate(self.routes):
            keys = self._required(route, self._values[number])
            for key in keys:
                self._index.setdefault(key, []).append(number)
            if not keys:
                self._unindexed.append(number)
        # The only labels a route looks at: where an alert goes depends on these alone, so alerts
        # that agree on them (most of a catalog, which routes by team and severity) are routed once.
        self._looked_at = tuple(
            sorted({self.severity_label, *(m.name for route in self.routes for m in route.matchers)})
        )
        self._routed: dict[tuple[str | None, ...], Destinations] = {}

    def _required(self, route: Route, values: frozenset[str] | None) -> list[tuple[str, str]]:
        """Label values of which an alert must carry one to match ``route`` (empty: no such)."""
        for matcher in route.matchers:
            if matcher.op is Op.EQUAL and matcher.value:
                return [(matcher.name, matcher.value)]
        if values is not None and "" not in values:
            return [(self.severity_label, value) for value in sorted(values)]
        return []

    def _candidates(self, labels: Mapping[str, str]) -> list[int]:
        found = list(self._unindexed)
        for pair in labels.items():
            found.extend(self._index.get(pair, ()))
        return sorted(set(found))

    def values_of(self, selector: SelectorLike) -> frozenset[str] | None:
        """The severity label values a selector admits (``None``: any)."""
        if not selector.severities:
            return None
        return frozenset(self.label_values.get(s, "") for s in selector.severities)

    def selects(
        self, selector: SelectorLike, labels: Mapping[str, str], values: frozenset[str] | None = None
    ) -> bool:
        values = self.values_of(selector) if values is None else values
        if values is not None and labels.get(self.severity_label, "") not in values:
            return False
        return all(matcher.matches_labels(labels) for matcher in selector.matchers)

    def route(self, labels: Mapping[str, str]) -> Destinations:
        key = tuple(map(labels.get, self._looked_at))
        found = self._routed.get(key)
        if found is None:
            found = self._routed[key] = self._route(labels)
        return found

    def _route(self, labels: Mapping[str, str]) -> Destinations:
        taken = []
        for number in self._candidates(labels):
            route = self.routes[number]
            if self.selects(route, labels, self._values[number]):
                taken.append(route)
                if not route.continue_:
                    break
        if not taken:
            fallback = (self.unmatched.page,) if self.unmatched.page else ()
            return Destinations((), fallback, self.unmatched.notify)
        pages = tuple(dict.fromkeys(r.page for r in taken if r.page))
        channels = tuple(dict.fromkeys(c for r in taken for c in r.notify))
        return Destinations(tuple(taken), pages, channels)


def unknown_alert(policy: Policy, severity_value: str | None) -> dict[str, str]:
    """The labels of an alert the catalog does not know, with only a name (and a severity)."""
    known = _catalog_names(policy)
    name = next(
        f"NotInTheCatalog{n or ''}" for n in range(len(known) + 1) if f"NotInTheCatalog{n or ''}" not in known
    )
    labels = {"alertname": name}
    if severity_value is not None:
        labels[policy.organisation.severity_label] = severity_value
    return labels


@per_object
def _catalog_names(policy: Policy) -> frozenset[str]:
    """The catalog's alert names, gathered once for the probes of every severity."""
    return frozenset(alert.name for alert in policy.alerts)


@per_object
def router_of(policy: Policy) -> Router:
    """The policy's router, made once for every question asked of it."""
    return Router(policy)


def shadowing_route(policy: Policy) -> Route | None:
    """The first route that claims every alert (it claims an alert known only by its name, of
    any severity or none), which leaves ``routing.unmatched`` unreachable; ``None``: no route does."""
    router = router_of(policy)
    probes = [None, *(severity.label_value for severity in policy.severities)]
    taken = [router.route(unknown_alert(policy, value)).routes for value in probes]
    return taken[0][0] if all(taken) else None


@per_object
def catalog_destinations(policy: Policy) -> tuple[Destinations, ...]:
    """Where each catalog alert goes (with the labels it always carries), in catalog order."""
    router = router_of(policy)
    return tuple(router.route(alert_labels(policy, alert)) for alert in policy.alerts)

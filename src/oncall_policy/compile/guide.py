"""The on-call guide, ``ON_CALL.md``, rendered from the policy with the package's jinja2 jinja.

Every fact in it comes from the policy, so the guide cannot drift from what Alertmanager and
PagerDuty enforce. The rotation is shown as one cycle of turns counted from the rotation's
``start`` plus its hand-off rule, never relative to today: the output depends on the policy alone,
so ``compile --check`` does not go stale as the calendar moves on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from oncall_policy.meaning import dispatch, facts, grouping
from oncall_policy.model import EscalationPolicy, Level, Policy, Rotation, Route
from oncall_policy.provenance import Source

if TYPE_CHECKING:
    from jinja2 import BytecodeCache

TEMPLATE = "ON_CALL.md.j2"
OUTPUT = "ON_CALL.md"


class Ladder(NamedTuple):
    escalation: EscalationPolicy
    levels: tuple[tuple[Level, str, dict[str, str | None]], ...]  # level, who, severity → window
    services: tuple[str, ...]
    edges: tuple[tuple[int, str], ...]  # level k (from 1) → k + 1, labelled with when, per severity


class Destination(NamedTuple):
    """A paging service, chat channel or route with the catalog alerts that reach it."""

    name: str
    detail: str
    alerts: tuple[str, ...]
    pages: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()


def build(policy: Policy, source: Source, template_cache: BytecodeCache | None = None) -> dict[str, str]:
    """``ON_CALL.md``; ``template_cache`` keeps compiled templates between runs when given."""
    from oncall_policy.compile import jinja  # noqa: PLC0415 - jinja2 only when compiling

    header = "".join(f"<!-- {line.lstrip('# ')} -->\n" for line in source.header().splitlines())
    text = jinja.render(TEMPLATE, template_cache, header=header, **context(policy))
    return {OUTPUT: text}


def context(policy: Policy) -> dict[str, Any]:
    alerts = facts.alert_facts(policy)
    by_route = _names(alerts, lambda f: f.routes)
    services_of = _services_by_ladder(policy)
    return {
        "policy": policy,
        "rotations": [_rotation(policy, r) for r in policy.rotations],
        "ladders": [_ladder(policy, e, services_of) for e in policy.escalation_policies],
        "routes": [_route(policy, route, by_route) for route in policy.routing.routes],
        "unmatched": _unmatched(policy, alerts),
        "shadowing": dispatch.shadowing_route(policy),
        "grouping": grouping.group_by(policy),
        "services": _services(policy, _names(alerts, lambda f: f.pages)),
        "channels": _channels(policy, _names(alerts, lambda f: f.channels)),
        "catalog": [(s, [f for f in alerts if f.alert.severity == s.id]) for s in policy.severities],
        "rules": [(rule, facts.selects(policy, rule.applies_to)) for rule in policy.silences.rules],
        "unknown_rule": unknown_rule(policy),
        "teams": {team.id: team.name for team in policy.teams},
        "alerts": alerts,
        "destinations": {
            "pages": [s.name for s in policy.paging_services],
            "channels": [c.channel for c in policy.chat_channels],
        },
        "selects": partial(facts.selects, policy),
    }


def _rotation(policy: Policy, rotation: Rotation) -> dict[str, Any]:
    return {
        "rotation": rotation,
        "turns": facts.cycle(policy, rotation),
        "handoff": facts.handoff(rotation),
        "cycle": facts.human(rotation.turn_length * len(rotation.turns)),
    }


def _services_by_ladder(policy: Policy) -> dict[str, tuple[str, ...]]:
    """Escalation policy id → the names of the services that use it, in policy order."""
    grouped: dict[str, list[str]] = {}
    for service in policy.paging_services:
        grouped.setdefault(service.escalation_policy, []).append(service.name)
    return {ladder: tuple(names) for ladder, names in grouped.items()}


def _ladder(policy: Policy, escalation: EscalationPolicy, services_of: dict[str, tuple[str, ...]]) -> Ladder:
    timing = escalation.timing.items()
    levels = tuple(
        (
            level,
            " + ".join(facts.target_text(policy, t) for t in level.targets),
            {s: facts.window(steps, k) for s, steps in escalation.timing.items()},
        )
        for k, level in enumerate(escalation.levels)
    )
    services = services_of.get(escalation.id, ())  # not a scan of every service per ladder
    edges = tuple(
        (k, ", ".join(f"{s} after {facts.short(steps[k])}" for s, steps in timing if len(steps) > k))
        for k in range(1, len(levels))
        if any(len(steps) > k for _, steps in timing)
    )
    return Ladder(escalation, levels, services, edges)


def _names(
    alerts: tuple[facts.AlertFacts, ...], keys: Callable[[facts.AlertFacts], Iterable[str]]
) -> dict[str, tuple[str, ...]]:
    """Catalog alert names grouped by each key ``keys`` gives them (route, service, channel)."""
    grouped: dict[str, list[str]] = {}
    for fact in alerts:
        for key in dict.fromkeys(keys(fact)):
            grouped.setdefault(key, []).append(fact.alert.name)
    return {key: tuple(names) for key, names in grouped.items()}


def _route(policy: Policy, route: Route, taken: dict[str, tuple[str, ...]]) -> Destination:
    pages, channels = facts.destinations(policy, route.page, route.notify)
    detail = facts.selects(policy, route) + (" (later routes are tried too)" if route.continue_ else "")
    return Destination(route.name, detail, taken.get(route.name, ()), pages, channels)


def _unmatched(policy: Policy, alerts: tuple[facts.AlertFacts, ...]) -> Destination:
    fallback = policy.routing.unmatched
    pages, channels = facts.destinations(policy, fallback.page, fallback.notify)
    unrouted = tuple(f.alert.name for f in alerts if not f.routes)
    return Destination("unmatched", "alerts no route claims", unrouted, pages, channels)


def _services(policy: Policy, paged: dict[str, tuple[str, ...]]) -> list[Destination]:
    ladders = {e.id: e.name for e in policy.escalation_policies}
    return [
        Destination(
            s.name,
            f"{s.description or ''} Escalation: {ladders[s.escalation_policy]}.".strip(),
            paged.get(s.name, ()),
        )
        for s in policy.paging_services
    ]


def _channels(policy: Policy, posted: dict[str, tuple[str, ...]]) -> list[Destination]:
    return [Destination(c.channel, c.purpose or "", posted.get(c.channel, ())) for c in policy.chat_channels]


def unknown_rule(policy: Policy) -> str:
    """Which silence rule governs alerts the catalog does not know."""
    if policy.silences.unknown_alerts == "strictest":
        return "the strictest of the rules a silence's matchers can meet on them (every rule, when none can)"
    return f"rule `{policy.silences.unknown_alerts}`"


def _reaching(alerts: tuple[facts.AlertFacts, ...], channel: str) -> tuple[str, ...]:
    return tuple(f.alert.name for f in alerts if channel in f.channels)

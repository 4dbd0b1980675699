"""What a policy means for the people on call, as plain values: where each catalog alert lands
and how fast it escalates, who holds each turn of a rotation, how long a duration reads.

The on-call guide renders these and ``diff`` compares them, so both say the same thing. Pure: no I/O.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import urljoin

from oncall_policy.durations import format_duration
from oncall_policy.meaning.dispatch import alert_labels, catalog_destinations
from oncall_policy.memo import per_object
from oncall_policy.model import Alert, Policy, Rotation, Route, Selector, Target

_UNITS = (("week", 7 * 86_400), ("day", 86_400), ("hour", 3600), ("minute", 60), ("second", 1))


class AlertFacts(NamedTuple):
    """A catalog alert as the person paged for it sees it."""

    alert: Alert
    runbook: str
    dashboard: str | None
    routes: tuple[str, ...]
    pages: tuple[str, ...]
    channels: tuple[str, ...]
    escalation: tuple[tuple[str, timedelta | None], ...]  # (paging service name, time to level 2)
    labels: dict[str, str]  # the labels it always carries with a value

    @property
    def pages_text(self) -> str:
        """``Clipper Critical (escalates after 15 minutes)``, for each service it pages."""
        return ", ".join(
            f"{service} (escalates {'after ' + human(after) if after else 'never'})"
            for service, after in self.escalation
        )

    @property
    def labels_text(self) -> str:
        """``alertname="X"``, … and the labels it carries without a fixed value."""
        text = ", ".join(f'`{name}="{value}"`' for name, value in self.labels.items())
        if carried := self.alert.carried:
            text += "; always has " + ", ".join(_carried(name, values) for name, values in carried.items())
        return text


def _carried(name: str, values: tuple[str, ...] | None) -> str:
    return f"`{name}`" if values is None else f"`{name}` (one of {', '.join(map(repr, values))})"


class Turn(NamedTuple):
    """One turn of a rotation's first cycle: when it starts and who holds each slot."""

    number: int  # from 1
    start: datetime  # UTC
    local_start: datetime  # wall clock in the rotation's time zone
    holders: tuple[tuple[str, str], ...]  # (slot id, person name)


def resolve(base: str | None, reference: str) -> str:
    """A catalog link resolved against its base URL, as a browser resolves a relative link."""
    if base is None or reference.startswith(("http://", "https://")):
        return reference
    if base.endswith("/") and not reference.startswith(("/", ".", "?", "#")) and ":" not in reference:
        return base + reference  # what urljoin gives, without its cost on large catalogs
    return urljoin(base, reference)


def runbook_url(policy: Policy, alert: Alert) -> str:
    return resolve(policy.organisation.runbook_base_url, alert.runbook)


def first_escalations(policy: Policy) -> dict[tuple[str, str], timedelta | None]:
    """(paging service id, severity id) → when its escalation policy reaches the second level."""
    ladders = {e.id: e for e in policy.escalation_policies}
    return {
        (service.id, severity.id): _second(ladders[service.escalation_policy].timing.get(severity.id, ()))
        for service in policy.paging_services
        for severity in policy.severities
    }


def _second(steps: tuple[timedelta, ...]) -> timedelta | None:
    return steps[1] if len(steps) > 1 else None


def alert_facts(policy: Policy) -> tuple[AlertFacts, ...]:
    escalations = first_escalations(policy)
    services = service_names(policy)
    channels = channel_names(policy)
    facts = []
    for alert, where in zip(policy.alerts, catalog_destinations(policy), strict=True):
        labels = alert_labels(policy, alert)
        dashboard = alert.dashboard and resolve(policy.organisation.dashboard_base_url, alert.dashboard)
        escalation = tuple((services[page], escalations[page, alert.severity]) for page in where.pages)
        facts.append(
            AlertFacts(
                alert,
                runbook_url(policy, alert),
                dashboard,
                tuple(route.name for route in where.routes),
                tuple(services[page] for page in where.pages),
                tuple(channels[channel] for channel in where.channels),
                escalation,
                labels,
            )
        )
    return tuple(facts)


# The tables below are asked for once per rotation, ladder level or route: built once per
# policy, so that rendering stays linear in the number of teams.
@per_object
def person_names(policy: Policy) -> dict[str, str]:
    return {person.id: person.name for person in policy.people}


@per_object
def service_names(policy: Policy) -> dict[str, str]:
    return {service.id: service.name for service in policy.paging_services}


@per_object
def channel_names(policy: Policy) -> dict[str, str]:
    return {channel.id: channel.channel for channel in policy.chat_channels}


@per_object
def rotation_names(policy: Policy) -> dict[str, str]:
    return {rotation.id: rotation.name for rotation in policy.rotations}


def cycle(policy: Policy, rotation: Rotation) -> tuple[Turn, ...]:
    """The rotation's first cycle of turns, counted from its ``start``; later cycles repeat it."""
    names = person_names(policy)
    return tuple(
        Turn(
            k + 1,
            rotation.turn_start(k),
            rotation.start + k * rotation.turn_length,
            tuple((slot, names[turn[slot]]) for slot in rotation.slots if slot in turn),
        )
        for k, turn in enumerate(rotation.turns)
    )


def handoff(rotation: Rotation) -> str:
    """The hand-off rule in words: 'every 1 week, Monday at 09:00 (Etc/UTC)'."""
    length = rotation.turn_length
    every = f"every {human(length)}"
    if length % timedelta(weeks=1) == timedelta(0):
        return f"{every}, {rotation.start:%A} at {rotation.start:%H:%M} ({rotation.time_zone})"
    if timedelta(days=1) % length == timedelta(0):
        per_day = timedelta(days=1) // length
        times = sorted({f"{rotation.start + k * length:%H:%M}" for k in range(per_day)})
        return f"{every}, at {' and '.join(times)} ({rotation.time_zone})"
    return f"{every}, counted from {rotation.start:%Y-%m-%d %H:%M} ({rotation.time_zone})"


def target_text(policy: Policy, target: Target) -> str:
    """Whom an escalation level notifies, in words."""
    if target.person is not None:
        return person_names(policy)[target.person]
    return f"{target.slot} of {rotation_names(policy)[target.rotation or '']}"


def human(value: timedelta | None) -> str:
    """``timedelta(hours=1, minutes=30)`` → '1 hour 30 minutes'; ``None`` → 'never'."""
    if value is None:
        return "never"
    remaining = int(value.total_seconds())
    if remaining == 0:
        return "0 minutes"
    parts = []
    for unit, seconds in _UNITS:
        count, remaining = divmod(remaining, seconds)
        if count:
            parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
    return " ".join(parts)


def short(value: timedelta) -> str:
    """A compact duration: '0', '15m', '1h30m'."""
    return "0" if value == timedelta(0) else format_duration(value)


def window(steps: tuple[timedelta, ...], level: int) -> str | None:
    """When a level of a ladder is the one being paged: '15m–30m', '1h+' (``None``: never)."""
    if level >= len(steps):
        return None
    if level + 1 == len(steps):
        return f"{short(steps[level])}+"
    return f"{short(steps[level])}–{short(steps[level + 1])}"


def selects(policy: Policy, selector: Selector | Route) -> str:
    """A selector in words: 'P1 alerts with category="security"', 'every alert'."""
    names = {s.id: f"{s.id} ({s.name})" for s in policy.severities}
    who = " and ".join(names[s] for s in selector.severities) + " alerts" if selector.severities else ""
    matchers = ", ".join(f"`{m}`" for m in selector.matchers)
    if who and matchers:
        return f"{who} with {matchers}"
    return who or (f"alerts with {matchers}" if matchers else "every alert")


def destinations(
    policy: Policy, page: str | None, notify: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names of the paging service and channels a route sends to."""
    services = service_names(policy)
    channels = channel_names(policy)
    return ((services[page],) if page else ()), tuple(channels[c] for c in notify)

"""The intermediate representation of the PagerDuty objects we emit: plain frozen data, no policy.

Named tuples rather than dataclasses: immutable, ordered and cheap to define (this module is
imported by every ``compile``).

Objects PagerDuty assigns ids to are named by a ``Ref``; its placeholder (``@schedule:rot/slot``)
stands for the id in REST bodies until the objects are created in the manifest's order.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Kind = Literal["user", "team", "schedule", "escalation_policy", "service", "integration"]


class Ref(NamedTuple):
    kind: Kind
    key: str

    @property
    def placeholder(self) -> str:
        return f"@{self.kind}:{self.key}"


class User(NamedTuple):
    """A person PagerDuty already knows: looked up by email, never created."""

    ref: Ref
    email: str
    name: str


class Team(NamedTuple):
    """A team PagerDuty already knows: looked up by name, never created."""

    ref: Ref
    name: str


class Restriction(NamedTuple):
    kind: Literal["daily_restriction", "weekly_restriction"]
    start_time_of_day: str  # HH:MM:SS, in the schedule's time zone
    duration_seconds: int
    start_day_of_week: int | None  # ISO, 1 = Monday; weekly only


class Layer(NamedTuple):
    name: str
    start: str  # whole-minute UTC, RFC 3339 with Z
    rotation_virtual_start: str
    rotation_turn_length_seconds: int
    users: tuple[Ref, ...]  # rotation order; a person may appear more than once
    restrictions: tuple[Restriction, ...]


class Schedule(NamedTuple):
    ref: Ref
    name: str
    description: str
    time_zone: str
    layers: tuple[Layer, ...]


class Rule(NamedTuple):
    delay_minutes: int
    targets: tuple[Ref, ...]  # schedules and users


class EscalationPolicy(NamedTuple):
    ref: Ref
    name: str
    description: str
    num_loops: int
    rules: tuple[Rule, ...]
    teams: tuple[Ref, ...]
    severities: tuple[str, ...]


class SeverityFacts(NamedTuple):
    """A severity that reaches a service, and the Events API v2 severity Alertmanager sends."""

    id: str
    event_severity: str


class Service(NamedTuple):
    ref: Ref
    name: str
    description: str
    escalation_policy: Ref
    urgency: Literal["high", "low"]
    acknowledgement_timeout: int | None  # seconds; None disables
    auto_resolve_timeout: int | None
    severities: tuple[SeverityFacts, ...]
    integration: Ref
    routing_key_file: str  # where the Alertmanager host keeps the integration key


class PagerDuty(NamedTuple):
    """Everything we emit, each tuple sorted by ref so output never depends on policy order."""

    users: tuple[User, ...]
    teams: tuple[Team, ...]
    schedules: tuple[Schedule, ...]
    escalation_policies: tuple[EscalationPolicy, ...]
    services: tuple[Service, ...]


INTEGRATION_TYPE = "events_api_v2_inbound_integration"
INTEGRATION_NAME = "Alertmanager (Events API v2)"

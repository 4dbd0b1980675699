"""The intermediate representation of the PagerDuty objects we emit: plain frozen data, no policy.

Objects PagerDuty assigns ids to are named by a ``Ref``; its placeholder (``@schedule:rot/slot``)
stands for the id in REST bodies until the objects are created in the manifest's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["user", "team", "schedule", "escalation_policy", "service", "integration"]


@dataclass(frozen=True, order=True)
class Ref:
    kind: Kind
    key: str

    @property
    def placeholder(self) -> str:
        return f"@{self.kind}:{self.key}"


@dataclass(frozen=True)
class User:
    """A person PagerDuty already knows: looked up by email, never created."""

    ref: Ref
    email: str
    name: str


@dataclass(frozen=True)
class Team:
    """A team PagerDuty already knows: looked up by name, never created."""

    ref: Ref
    name: str


@dataclass(frozen=True)
class Restriction:
    kind: Literal["daily_restriction", "weekly_restriction"]
    start_time_of_day: str  # HH:MM:SS, in the schedule's time zone
    duration_seconds: int
    start_day_of_week: int | None  # ISO, 1 = Monday; weekly only


@dataclass(frozen=True)
class Layer:
    name: str
    start: str  # whole-minute UTC, RFC 3339 with Z
    rotation_virtual_start: str
    rotation_turn_length_seconds: int
    users: tuple[Ref, ...]  # rotation order; a person may appear more than once
    restrictions: tuple[Restriction, ...]


@dataclass(frozen=True)
class Schedule:
    ref: Ref
    name: str
    description: str
    time_zone: str
    layers: tuple[Layer, ...]


@dataclass(frozen=True)
class Rule:
    delay_minutes: int
    targets: tuple[Ref, ...]  # schedules and users


@dataclass(frozen=True)
class EscalationPolicy:
    ref: Ref
    name: str
    description: str
    num_loops: int
    rules: tuple[Rule, ...]
    teams: tuple[Ref, ...]
    severities: tuple[str, ...]


@dataclass(frozen=True)
class SeverityFacts:
    """A severity that reaches a service, and the Events API v2 severity Alertmanager sends."""

    id: str
    event_severity: str


@dataclass(frozen=True)
class Service:
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


@dataclass(frozen=True)
class PagerDuty:
    """Everything we emit, each tuple sorted by ref so output never depends on policy order."""

    users: tuple[User, ...]
    teams: tuple[Team, ...]
    schedules: tuple[Schedule, ...]
    escalation_policies: tuple[EscalationPolicy, ...]
    services: tuple[Service, ...]


INTEGRATION_TYPE = "events_api_v2_inbound_integration"
INTEGRATION_NAME = "Alertmanager (Events API v2)"

"""The whole policy: the root of ``policy.yaml``."""

from typing import Annotated, Literal

from pydantic import Field

from oncall_policy.model.calendars import Calendars
from oncall_policy.model.catalog import Alert
from oncall_policy.model.destinations import ChatChannel, PagingService
from oncall_policy.model.escalation import EscalationPolicy
from oncall_policy.model.roster import Person, Role, Team
from oncall_policy.model.rotation import Rotation
from oncall_policy.model.routing import Routing
from oncall_policy.model.severity import Severity
from oncall_policy.model.silences import SilencePolicy
from oncall_policy.model.targets import Targets
from oncall_policy.model.types import AbsoluteDirectory, Duration, LabelName, Strict, Text, Url

VERSION = "oncall-policy/v1"


class Organisation(Strict):
    name: Text
    severity_label: LabelName = "severity"
    runbook_base_url: Url | None = None
    dashboard_base_url: Url | None = None


class Secrets(Strict):
    """Where the Alertmanager host keeps secret files; the policy holds paths, never values."""

    directory: AbsoluteDirectory


class Deadline(Strict):
    within: Duration
    step: Text


class Postmortems(Strict):
    """When post-mortems are owed beyond each severity's own rule, and by when each step is due."""

    also_required_for: tuple[Text, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    required_sections: tuple[Text, ...] = ()


class Policy(Strict):
    version: Literal["oncall-policy/v1"]
    organisation: Organisation
    secrets: Secrets
    roles: Annotated[tuple[Role, ...], Field(min_length=1)]
    teams: tuple[Team, ...] = ()
    people: Annotated[tuple[Person, ...], Field(min_length=1)]
    rotations: tuple[Rotation, ...] = ()
    severities: Annotated[tuple[Severity, ...], Field(min_length=1)]
    escalation_policies: tuple[EscalationPolicy, ...] = ()
    paging_services: tuple[PagingService, ...] = ()
    chat_channels: tuple[ChatChannel, ...] = ()
    alerts: tuple[Alert, ...] = ()
    routing: Routing
    silences: SilencePolicy
    postmortems: Postmortems = Field(default_factory=Postmortems)
    calendars: Calendars = Field(default_factory=Calendars)
    targets: Targets = Field(default_factory=Targets)

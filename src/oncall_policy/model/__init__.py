"""The typed policy model. Imports nothing of ours but scalar helpers; no I/O."""

from oncall_policy.model.calendars import Calendars
from oncall_policy.model.catalog import Alert
from oncall_policy.model.destinations import ChatChannel, PagingService
from oncall_policy.model.escalation import EscalationPolicy, Level, Target
from oncall_policy.model.policy import VERSION, Deadline, Organisation, Policy, Postmortems, Secrets
from oncall_policy.model.roster import Person, Role, Team
from oncall_policy.model.rotation import Restriction, Rotation, Slot
from oncall_policy.model.routing import Fallback, Inhibition, Route, Routing, Selector
from oncall_policy.model.severity import PagerDutySeverity, PostmortemIfLonger, Severity
from oncall_policy.model.silences import Maintenance, Reason, Reasons, SilencePolicy, SilenceRule
from oncall_policy.model.targets import (
    ConfigSecret,
    Mimir,
    PrometheusOperator,
    Targets,
    TeamNamespace,
    Tenant,
)
from oncall_policy.model.types import Weekday

__all__ = [
    "VERSION",
    "Alert",
    "Calendars",
    "ChatChannel",
    "ConfigSecret",
    "Deadline",
    "EscalationPolicy",
    "Fallback",
    "Inhibition",
    "Level",
    "Maintenance",
    "Mimir",
    "Organisation",
    "PagerDutySeverity",
    "PagingService",
    "Person",
    "Policy",
    "PostmortemIfLonger",
    "Postmortems",
    "PrometheusOperator",
    "Reason",
    "Reasons",
    "Restriction",
    "Role",
    "Rotation",
    "Route",
    "Routing",
    "Secrets",
    "Selector",
    "Severity",
    "SilencePolicy",
    "SilenceRule",
    "Slot",
    "Target",
    "Targets",
    "Team",
    "TeamNamespace",
    "Tenant",
    "Weekday",
]

"""Severities and their service levels."""

from typing import Literal

from oncall_policy.model.types import Id, PositiveDuration, Strict, Text

PagerDutySeverity = Literal["critical", "error", "warning", "info"]


class PostmortemIfLonger(Strict):
    """A post-mortem is required when the incident lasts longer than this."""

    longer_than: PositiveDuration


class Severity(Strict):
    """A severity level: the label value alerts carry and what it promises.

    ``pagerduty_severity`` is the Events API v2 severity sent for it: ``critical`` and ``error``
    are high urgency and escalate; ``warning`` and ``info`` are low urgency and never escalate.
    """

    id: Id
    name: Text
    label_value: Text
    response_time: PositiveDuration
    acknowledgement: Literal["required", "optional"]
    resolution_target: PositiveDuration
    auto_escalation: PositiveDuration | None = None
    status_updates: PositiveDuration | None = None
    postmortem: Literal["always", "never"] | PostmortemIfLonger = "never"
    pagerduty_severity: PagerDutySeverity
    description: Text | None = None


def escalates(severity: Severity) -> bool:
    return severity.auto_escalation is not None

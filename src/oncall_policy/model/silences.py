"""Silence rules: caps, approvals and the reasons a silence may give."""

from typing import Annotated, Literal

from pydantic import Field

from oncall_policy.model.routing import Selector
from oncall_policy.model.types import Bool, Id, PositiveDuration, Strict, Text

Pattern = Annotated[str, Field(min_length=1, max_length=500)]


class Reason(Strict):
    """A reason a silence comment may give; ``patterns`` are case-insensitive regexes."""

    id: Id
    description: Text
    patterns: Annotated[tuple[Pattern, ...], Field(min_length=1)]


class Reasons(Strict):
    valid: Annotated[tuple[Reason, ...], Field(min_length=1)]
    invalid: tuple[Reason, ...] = ()


class SilenceRule(Strict):
    """The cap and approvals for silencing the alerts ``applies_to`` selects."""

    id: Id
    description: Text | None = None
    applies_to: Selector
    max_duration: PositiveDuration
    approvals: tuple[Id, ...] = ()
    relaxed_by_maintenance: Bool = True


class Maintenance(Strict):
    """A silence whose comment gives ``reason`` is a maintenance window: it may last up to
    ``max_duration`` instead of the severity caps, with ``approvals`` beyond ``approval_beyond``.
    Rules with ``relaxed_by_maintenance: false`` (security) still apply in full."""

    reason: Id
    max_duration: PositiveDuration
    approval_beyond: PositiveDuration
    approvals: Annotated[tuple[Id, ...], Field(min_length=1)]


class SilencePolicy(Strict):
    require_comment: Bool = True
    require_author: Bool = True
    reasons: Reasons
    rules: Annotated[tuple[SilenceRule, ...], Field(min_length=1)]
    maintenance: Maintenance | None = None
    unknown_alerts: Literal["strictest"] | Id = "strictest"

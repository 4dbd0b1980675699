"""Silence rules: caps, approvals, the reasons a silence may give, and declared maintenance."""

from datetime import timedelta
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from oncall_policy.model.routing import Selector
from oncall_policy.model.types import (
    Bool,
    Duration,
    Id,
    LocalDateTime,
    PositiveDuration,
    Strict,
    Text,
    TimeOfDay,
    TimeZone,
    Weekday,
)

_MINUTES_5 = timedelta(minutes=5)

Pattern = Annotated[str, Field(min_length=1, max_length=500)]


class Reason(Strict):
    """A reason a silence comment may give: ``patterns`` are case-insensitive RE2 regexes searched
    in the comment."""

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


class Recurrence(Strict):
    """A window that comes back every week: on ``weekdays``, from ``start`` to ``end`` local time
    (an ``end`` at or before ``start`` runs past midnight)."""

    weekdays: Annotated[tuple[Weekday, ...], Field(min_length=1)]
    start: TimeOfDay
    end: TimeOfDay


class Window(Strict):
    """A maintenance window a reviewer approved. A silence is a maintenance silence only when it
    names the window (``--maintenance ID``, or the id in its comment) and lies inside its time
    range and its ``scope``; then rules relaxed by maintenance allow it as long as the window.
    A recurring window with ``mute_in_alertmanager`` also becomes an Alertmanager time interval
    that mutes the notifications of the alerts in its scope, every week, with no silence at all."""

    id: Id
    description: Text | None = None
    change: Text
    scope: Selector
    approved_by: Annotated[tuple[Id, ...], Field(min_length=1)]
    time_zone: TimeZone = "Etc/UTC"
    start: LocalDateTime | None = None
    end: LocalDateTime | None = None
    recurring: Recurrence | None = None
    mute_in_alertmanager: Bool = False

    @model_validator(mode="after")
    def _one_time_range(self) -> Self:
        if self.recurring is None and (self.start is None or self.end is None):
            raise ValueError("a window needs start and end, or recurring")
        if self.recurring is not None and (self.start is not None or self.end is not None):
            raise ValueError("a window has start and end, or recurring, not both")
        if self.mute_in_alertmanager and self.recurring is None:
            raise ValueError("mute_in_alertmanager is for recurring windows; a dated one is silenced")
        return self


class Maintenance(Strict):
    """Declared maintenance ``windows``, and what a window needs: at most ``max_duration`` long,
    and approved by people holding ``approvals`` when longer than ``approval_beyond``. A silence
    naming a window gives the valid reason ``reason``. Words in a comment relax nothing."""

    reason: Id
    max_duration: PositiveDuration
    approval_beyond: PositiveDuration
    approvals: Annotated[tuple[Id, ...], Field(min_length=1)]
    windows: tuple[Window, ...] = ()


class Identity(Strict):
    """Who may author and approve silences. People are compared by identity, never by spelling:
    emails case-insensitively, ``Name <email>`` read as the email, and — with
    ``subaddresses: same-person`` — ``someone+tag@example.com`` as ``someone@example.com``.
    An author outside the roster is refused unless ``guests`` is true; approvers are always
    roster people."""

    guests: Bool = False
    subaddresses: Literal["same-person", "distinct"] = "same-person"


class History(Strict):
    """Re-created, extended and chained silences count together, per alert. Silences closer in
    time than ``chain_gap`` continue one another; up to ``replace_grace`` of time already covered
    is forgiven (replacing a silence to fix a typo costs nothing). When earlier silences cannot
    be read, a silence is refused unless ``required`` is false."""

    required: Bool = True
    chain_gap: Duration = _MINUTES_5
    replace_grace: Duration = _MINUTES_5


class SilencePolicy(Strict):
    require_comment: Bool = True
    require_author: Bool = True
    reasons: Reasons
    rules: Annotated[tuple[SilenceRule, ...], Field(min_length=1)]
    maintenance: Maintenance | None = None
    unknown_alerts: Literal["strictest"] | Id = "strictest"
    identity: Identity = Field(default_factory=Identity)
    history: History = Field(default_factory=History)

"""Rotations: who fills which on-call slot during each turn."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import Field

from oncall_policy.model.types import (
    Id,
    LocalDateTime,
    PagerDutyAddendum,
    PagerDutyName,
    PositiveDuration,
    Strict,
    TimeOfDay,
    TimeZone,
    Weekday,
    zone,
)


class Slot(Strict):
    """An on-call position in a rotation (primary, secondary, manager …)."""

    role: Id
    description: PagerDutyAddendum | None = None


class Restriction(Strict):
    """A window of the week during which a rotation is on call (e.g. business hours)."""

    weekdays: Annotated[tuple[Weekday, ...], Field(min_length=1)]
    start: TimeOfDay
    end: TimeOfDay


class Rotation(Strict):
    """Turns of fixed length, handed off at a local time in a named time zone.

    Turn *k* starts at ``start + k * turn_length`` on the local wall clock, so a daily or weekly
    hand-off stays at the same local time across daylight-saving changes. Turn *k* is staffed by
    ``turns[k % len(turns)]``: the guide's four-week template is four turns.
    """

    id: Id
    name: PagerDutyName
    team: Id | None = None
    time_zone: TimeZone = "Etc/UTC"
    start: LocalDateTime
    turn_length: PositiveDuration
    slots: Annotated[dict[Id, Slot], Field(min_length=1)]
    turns: Annotated[tuple[dict[Id, Id], ...], Field(min_length=1)]
    restrictions: tuple[Restriction, ...] = ()

    def turn_start(self, index: int) -> datetime:
        """The UTC instant turn ``index`` begins."""
        local = self.start + index * self.turn_length
        return local.replace(tzinfo=zone(self.time_zone)).astimezone(UTC)

    def turn_at(self, instant: datetime) -> int:
        """The index of the turn that covers ``instant`` (negative before the first turn)."""
        guess = int((instant - self.turn_start(0)) / self.turn_length)
        while self.turn_start(guess) > instant:
            guess -= 1
        while self.turn_start(guess + 1) <= instant:
            guess += 1
        return guess

    def holders_at(self, instant: datetime) -> dict[str, str]:
        """Slot → person id on call at ``instant``."""
        return dict(self.turns[self.turn_at(instant) % len(self.turns)])

    def next_handoff(self, instant: datetime) -> datetime:
        return self.turn_start(self.turn_at(instant) + 1)

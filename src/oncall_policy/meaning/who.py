"""Who is on call: every slot of every rotation at an instant, from the policy alone.

A rotation with restrictions (business hours) has a turn holder at every instant, but that person
is on duty only inside the restriction windows, read on the wall clock of the rotation's zone; the
generated PagerDuty schedule shows nobody outside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from oncall_policy.model import Person, Policy, Restriction, Rotation
from oncall_policy.model.types import zone

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Holder:
    slot: str
    person: Person
    on_duty: bool  # False outside the rotation's restriction windows


@dataclass(frozen=True)
class RotationNow:
    rotation: Rotation
    turn: int  # index of the current turn (negative before the rotation starts)
    turn_started: datetime
    next_handoff: datetime
    holders: tuple[Holder, ...]


def on_call(policy: Policy, instant: datetime) -> tuple[RotationNow, ...]:
    """Every rotation at ``instant`` (an aware datetime), in policy order."""
    people = {p.id: p for p in policy.people}
    return tuple(rotation_now(rotation, people, instant) for rotation in policy.rotations)


def rotation_now(rotation: Rotation, people: dict[str, Person], instant: datetime) -> RotationNow:
    turn = rotation.turn_at(instant)
    duty = on_duty(rotation, instant)
    holders = rotation.turns[turn % len(rotation.turns)]
    return RotationNow(
        rotation=rotation,
        turn=turn,
        turn_started=rotation.turn_start(turn),
        next_handoff=rotation.turn_start(turn + 1),
        holders=tuple(Holder(slot, people[holders[slot]], duty) for slot in rotation.slots),
    )


def on_duty(rotation: Rotation, instant: datetime) -> bool:
    """Whether ``instant`` falls in one of the rotation's windows (always, without windows)."""
    if not rotation.restrictions:
        return True
    local = instant.astimezone(zone(rotation.time_zone)).replace(tzinfo=None)
    return any(_inside(window, local) for window in rotation.restrictions)


def _inside(window: Restriction, local: datetime) -> bool:
    """A window opens at ``start`` on each of its weekdays and lasts until the next ``end``
    (past midnight when ``end`` is not after ``start``; a whole day when they are equal)."""
    length = window_length(window)
    days = {day.iso for day in window.weekdays}
    for back in (0, 1):
        opened = datetime.combine(local.date() - back * DAY, window.start)
        if opened.isoweekday() in days and opened <= local < opened + length:
            return True
    return False


def window_length(window: Restriction) -> timedelta:
    """How long a window stays open: until the next ``end`` (a whole day when it equals ``start``)."""
    return (_since_midnight(window.end) - _since_midnight(window.start)) % DAY or DAY


def _since_midnight(moment: time) -> timedelta:
    return timedelta(hours=moment.hour, minutes=moment.minute)


def utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

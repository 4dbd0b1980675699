"""Shifts: each slot's consecutive turns held by one person, as calendar events show them.

A shift is a run of consecutive turns in which one person holds a slot of a rotation, within a
window of time: the turns that overlap the window, from the rotation's first turn on. It says who
held the slot before it and who holds it after (the same person when the window cut the run).
With restrictions (business hours) a shift is on duty only in its windows of the week, read on
the wall clock of the rotation's zone, as ``who`` reads them; without, for the whole shift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from oncall_policy.meaning.who import DAY, window_length
from oncall_policy.model import Person, Restriction, Rotation
from oncall_policy.model.types import zone

Span = tuple[datetime, datetime]  # [start, end) in UTC


@dataclass(frozen=True)
class Shift:
    rotation: Rotation
    slot: str
    person: Person
    start: datetime  # UTC: the hand-off to ``person``
    end: datetime  # UTC: the hand-off from ``person``
    before: Person | None  # who held the slot in the turn before (None before the first turn)
    after: Person  # who holds the slot in the turn after
    on_duty: tuple[Span, ...]  # the parts of [start, end) the holder is on duty


def turns_within(rotation: Rotation, since: datetime, until: datetime) -> range:
    """The indexes of the turns that overlap [since, until), never before the first turn."""
    if until <= since:
        return range(0)
    first = max(rotation.turn_at(since), 0)
    last = rotation.turn_at(until - timedelta(microseconds=1))
    return range(first, last + 1)


def shifts(
    rotation: Rotation, people: dict[str, Person], since: datetime, until: datetime
) -> tuple[Shift, ...]:
    """Every shift of every slot of ``rotation`` over [since, until), by slot, then by time."""
    turns = turns_within(rotation, since, until)
    return tuple(shift for slot in rotation.slots for shift in _slot_shifts(rotation, people, slot, turns))


def _slot_shifts(rotation: Rotation, people: dict[str, Person], slot: str, turns: range) -> list[Shift]:
    def holder(k: int) -> str:
        return rotation.turns[k % len(rotation.turns)][slot]

    runs: list[list[int]] = []
    for k in turns:
        if runs and holder(runs[-1][-1]) == holder(k):
            runs[-1].append(k)
        else:
            runs.append([k])
    found = []
    for run in runs:
        start, end = rotation.turn_start(run[0]), rotation.turn_start(run[-1] + 1)
        found.append(
            Shift(
                rotation=rotation,
                slot=slot,
                person=people[holder(run[0])],
                start=start,
                end=end,
                before=people[holder(run[0] - 1)] if run[0] > 0 else None,
                after=people[holder(run[-1] + 1)],
                on_duty=duty_spans(rotation, start, end),
            )
        )
    return found


def duty_spans(rotation: Rotation, start: datetime, end: datetime) -> tuple[Span, ...]:
    """The parts of [start, end) inside the rotation's windows of the week (all of it without),
    adjoining parts joined."""
    if not rotation.restrictions:
        return ((start, end),)
    tz = zone(rotation.time_zone)
    first = start.astimezone(tz).date() - DAY
    days = (end.astimezone(tz).date() - first).days + 1
    opened = sorted(
        span
        for offset in range(days)
        for window in rotation.restrictions
        if (span := _window_on(window, first + offset * DAY, rotation.time_zone)) is not None
    )
    return _joined([(max(a, start), min(b, end)) for a, b in opened if a < end and b > start])


def _window_on(window: Restriction, day: date, time_zone: str) -> Span | None:
    """The window opening on ``day`` (local), in UTC; None when it does not open that day."""
    if day.isoweekday() not in {weekday.iso for weekday in window.weekdays}:
        return None
    opens = datetime.combine(day, window.start)
    closes = opens + window_length(window)
    tz = zone(time_zone)
    return opens.replace(tzinfo=tz).astimezone(UTC), closes.replace(tzinfo=tz).astimezone(UTC)


def _joined(spans: list[Span]) -> tuple[Span, ...]:
    joined: list[Span] = []
    for start, end in spans:
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return tuple(joined)

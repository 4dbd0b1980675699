"""Schedules: one per (rotation, slot), whose single layer reproduces the rotation's turns."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from oncall_policy.compile.pd import ir
from oncall_policy.model import Restriction, Rotation, Weekday

DAY = timedelta(days=1)


def utc_text(instant: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``, to the second (PagerDuty wants the seconds to be zero)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def schedule_ref(rotation_id: str, slot: str) -> ir.Ref:
    return ir.Ref("schedule", f"{rotation_id}/{slot}")


def user_ref(person_id: str) -> ir.Ref:
    return ir.Ref("user", person_id)


def schedule(rotation: Rotation, slot: str) -> ir.Schedule:
    """The schedule of ``slot``: turn *k* is held by ``turns[k % n][slot]``, so the layer's users
    are the slot's holders in turn order (the same person may appear more than once)."""
    start = utc_text(rotation.turn_start(0))
    layer = ir.Layer(
        name=f"{rotation.name}: {slot}",
        start=start,
        rotation_virtual_start=start,
        rotation_turn_length_seconds=int(rotation.turn_length.total_seconds()),
        users=tuple(user_ref(turn[slot]) for turn in rotation.turns),
        restrictions=restrictions(rotation.restrictions),
    )
    return ir.Schedule(
        ref=schedule_ref(rotation.id, slot),
        name=f"{rotation.name}: {slot}",
        description=_description(rotation, slot),
        time_zone=rotation.time_zone,
        layers=(layer,),
    )


def _description(rotation: Rotation, slot: str) -> str:
    text = rotation.slots[slot].description
    every = rotation.turn_length
    return f"{slot} of rotation {rotation.id}, {every.total_seconds() / 3600:g}h turns. {text or ''}".strip()


def restrictions(windows: tuple[Restriction, ...]) -> tuple[ir.Restriction, ...]:
    """Policy windows (weekdays, start, end in the rotation's zone) as PagerDuty restrictions:
    a window on every day of the week is one daily restriction, otherwise one weekly restriction
    per weekday. An end at or before the start runs past midnight."""
    return tuple(r for window in windows for r in _restrictions(window))


def _restrictions(window: Restriction) -> list[ir.Restriction]:
    seconds = window_length(window.start, window.end)
    start = window.start.strftime("%H:%M:%S")
    if set(window.weekdays) == set(Weekday) and seconds < DAY.total_seconds():
        return [ir.Restriction("daily_restriction", start, seconds, None)]
    days = sorted({day.iso for day in window.weekdays})
    return [ir.Restriction("weekly_restriction", start, seconds, day) for day in days]


def window_length(start: time, end: time) -> int:
    """Seconds from ``start`` to the next ``end`` (a whole day when they are equal)."""
    begin = timedelta(hours=start.hour, minutes=start.minute, seconds=start.second)
    finish = timedelta(hours=end.hour, minutes=end.minute, seconds=end.second)
    length = (finish - begin) % DAY or DAY
    return int(length.total_seconds())

"""An independent reading of a generated PagerDuty schedule body: who does it put on call?

It looks only at the JSON (time zone, layer users, virtual start, turn length, restrictions) and
follows the semantics documented in ``oncall_policy.compile.pd``: hand-off *k* is at local
wall-clock ``rotation_virtual_start + k * rotation_turn_length_seconds`` in the schedule's zone, and
restrictions are windows on that wall clock. Nobody is on call before the layer starts.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _restricted_in(restrictions: list[dict[str, Any]], local: datetime) -> bool:
    for window in restrictions:
        opens = time.fromisoformat(window["start_time_of_day"])
        length = timedelta(seconds=window["duration_seconds"])
        for back in range(8):
            day = local.date() - timedelta(days=back)
            if window["type"] == "weekly_restriction" and day.isoweekday() != window["start_day_of_week"]:
                continue
            start = datetime.combine(day, opens)
            if start <= local < start + length:
                return True
    return False


def on_call(body: dict[str, Any], instant: datetime) -> str | None:
    """The user placeholder the schedule puts on call at ``instant``, or ``None``."""
    schedule = body["schedule"]
    tz = ZoneInfo(schedule["time_zone"])
    (layer,) = schedule["schedule_layers"]
    if instant < _parse(layer["start"]):
        return None
    users = [entry["user"]["id"] for entry in layer["users"]]
    length = timedelta(seconds=layer["rotation_turn_length_seconds"])
    origin = _parse(layer["rotation_virtual_start"]).astimezone(tz).replace(tzinfo=None)
    local = instant.astimezone(tz).replace(tzinfo=None)

    def handoff(k: int) -> datetime:
        return (origin + k * length).replace(tzinfo=tz).astimezone(UTC)

    k = (local - origin) // length
    while handoff(k) > instant:
        k -= 1
    while handoff(k + 1) <= instant:
        k += 1
    if layer.get("restrictions") and not _restricted_in(layer["restrictions"], local):
        return None
    return users[k % len(users)]


def handoffs(body: dict[str, Any], count: int) -> list[datetime]:
    """The first ``count`` hand-off instants of the schedule's layer, in UTC."""
    schedule = body["schedule"]
    tz = ZoneInfo(schedule["time_zone"])
    (layer,) = schedule["schedule_layers"]
    origin = _parse(layer["rotation_virtual_start"]).astimezone(tz).replace(tzinfo=None)
    length = timedelta(seconds=layer["rotation_turn_length_seconds"])
    return [(origin + k * length).replace(tzinfo=tz).astimezone(UTC) for k in range(count)]

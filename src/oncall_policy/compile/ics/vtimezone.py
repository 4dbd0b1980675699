"""VTIMEZONE components from the zone database, exact over the span a feed covers.

Written here rather than by ``icalendar.Timezone.from_tzid``, which (7.3) gives a change to
daylight time a DTSTART on the wall clock after the change (03:00 for Berlin's 02:00 → 03:00), not
before it: RFC 5545 reads DTSTART at TZOFFSETFROM, so readers would move the change by an hour.
Each observance here starts at the local time, before the change, of a change the zone makes
inside the span (found by scanning the span a day at a time and bisecting to the second), after
one that holds the offset in force when the span begins.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def vtimezone(name: str, first: datetime, last: datetime) -> Timezone:
    """The VTIMEZONE of zone ``name`` for the UTC instants [first, last]."""
    tz = ZoneInfo(name)
    begin = first - DAY
    component = Timezone()
    component.add("tzid", name)
    component.add_component(_observance(tz, begin, begin))
    for change in changes(tz, begin, last + DAY):
        component.add_component(_observance(tz, change, change - SECOND))
    return component


def changes(tz: ZoneInfo, first: datetime, last: datetime) -> list[datetime]:
    """The UTC instants in (first, last] at which ``tz`` changes its offset or name."""
    found = []
    day = first
    while day < last:
        following = min(day + DAY, last)
        if _state(tz, day) != _state(tz, following):
            found.append(_bisect(tz, day, following))
        day = following
    return found


def _bisect(tz: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first second after ``before`` in the state of ``after`` (one change between them)."""
    while after - before > SECOND:
        middle = before + (after - before) / 2
        middle -= timedelta(microseconds=middle.microsecond)
        if _state(tz, middle) == _state(tz, before):
            before = middle
        else:
            after = middle
    return after


def _state(tz: ZoneInfo, instant: datetime) -> tuple[timedelta | None, str | None]:
    local = instant.astimezone(tz)
    return local.utcoffset(), local.tzname()


def _observance(tz: ZoneInfo, onset: datetime, just_before: datetime) -> TimezoneStandard | TimezoneDaylight:
    """The observance in force from UTC ``onset``, after the one in force at ``just_before``."""
    local, previous = onset.astimezone(tz), just_before.astimezone(tz)
    daylight = bool(local.dst())
    observance = TimezoneDaylight() if daylight else TimezoneStandard()
    offset_from = previous.utcoffset() or timedelta(0)
    observance.add("dtstart", (onset.astimezone(UTC) + offset_from).replace(tzinfo=None))
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", local.utcoffset() or timedelta(0))
    if local.tzname():
        observance.add("tzname", local.tzname())
    return observance

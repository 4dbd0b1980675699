"""RFC 3339 times as amtool's ``--start``/``--end`` and Alertmanager's API read them, or a clear error.

amtool reads them with Go's ``time.Parse(time.RFC3339, …)`` (go1.19 ``src/time/format.go``):
four-digit year, two-digit month, day, minute and second, a one- or two-digit hour, ``T``,
an optional fraction after ``.`` or ``,`` (any number of digits, nanoseconds kept), then ``Z`` or
``±hh:mm``. Only upper-case ``T`` and ``Z`` are accepted; the month, hour (< 24), minute and second
(< 60) and the day of the month are range-checked, the zone offset is not: ``+25:00`` and ``+05:99``
(= +06:39) are taken as Go computes them. Measured with Debian's amtool 0.25 and a real
Alertmanager 0.25: ``…T11:00:00z`` and ``…t11:00:00Z`` are refused by both, ``…T1:00:00Z``,
``,5`` fractions, 13 fraction digits, ``+25:00`` and ``+05:99`` are accepted by both.

Alertmanager's API also accepts times without a zone (read in the server's own zone), with a space
for ``T`` or without seconds; we refuse those rather than guess the server's zone. Times outside
what Python's ``datetime`` holds (years 1–9999 in UTC, e.g. ``9999-12-31T23:59:59-01:00``) are
refused with a clear message; Alertmanager refuses year 10000 too (``timestamp … after 10000-01-01``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_PATTERN = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:[.,](?P<fraction>[0-9]+))?"
    r"(?:(?P<utc>Z)|(?P<sign>[-+])(?P<zh>[0-9]{2}):(?P<zm>[0-9]{2}))",
    re.ASCII,
)
LAYOUT = "2006-01-02T15:04:05Z07:00"
_CANONICAL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class TimeError(ValueError):
    """A text that is not an RFC 3339 time we can judge."""


def parse(text: str) -> datetime:
    """The UTC time ``text`` names, to the microsecond (Go keeps nanoseconds; the rest is cut)."""
    if _CANONICAL.fullmatch(text):  # what Alertmanager writes: Python's own parser, in C
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass  # out of range: the reading below says so as Go says it
    found = _PATTERN.fullmatch(text)
    if found is None:
        raise TimeError(f"{text!r} is not an RFC 3339 time like {LAYOUT} (upper-case T and Z)")
    year, month, day = int(found["year"]), int(found["month"]), int(found["day"])
    hour, minute, second = int(found["hour"]), int(found["minute"]), int(found["second"])
    for name, value, limit in (("month", month - 1, 12), ("hour", hour, 24), ("minute", minute, 60)):
        if not 0 <= value < limit:
            raise TimeError(f"parsing time {text!r}: {name} out of range")
    if second >= 60:
        raise TimeError(f"parsing time {text!r}: second out of range")
    if not 1 <= day <= _days_in(month, year):
        raise TimeError(f"parsing time {text!r}: day out of range")
    offset = 0 if found["utc"] else (int(found["zh"]) * 60 + int(found["zm"])) * 60
    if found["sign"] == "-":
        offset = -offset
    micro = int((found["fraction"] or "0")[:6].ljust(6, "0"))
    seconds = _seconds(year, month, day) + hour * 3600 + minute * 60 + second - offset
    try:
        return _EPOCH + timedelta(seconds=seconds, microseconds=micro)
    except OverflowError:
        raise TimeError(
            f"{text!r} is out of range: times must lie between 0001-01-01 and 9999-12-31 in UTC"
        ) from None


def _days_in(month: int, year: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if month == 2 and leap else _DAYS[month - 1]


def _seconds(year: int, month: int, day: int) -> int:
    """Seconds from 1970-01-01 to the start of that day (proleptic Gregorian; year 0 included)."""
    # Days from civil (Howard Hinnant's algorithm), valid for any year.
    shifted = year - (month <= 2)
    era = shifted // 400
    year_of_era = shifted - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return (era * 146_097 + day_of_era - 719_468) * 86_400


def format_time(value: datetime) -> str:
    """``value`` in UTC as RFC 3339 with ``Z`` (microseconds only when there are some)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def add(start: datetime, duration: timedelta) -> datetime:
    """``start + duration``; raise ``TimeError`` when that is past 9999-12-31 (or before year 1)."""
    try:
        return start + duration
    except OverflowError:
        from oncall_policy.durations import format_duration  # noqa: PLC0415 - only when it fails

        shown = format_duration(duration) if duration > timedelta(0) else str(duration)
        raise TimeError(
            f"{format_time(start)} plus {shown} is out of range: a silence must end by 9999-12-31T23:59:59Z"
        ) from None

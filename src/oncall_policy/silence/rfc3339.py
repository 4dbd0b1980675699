"""RFC 3339 times as amtool's ``--start``/``--end`` and Alertmanager's API read them, or a clear error.

amtool reads them with Go's ``time.Parse(time.RFC3339, …)`` (go1.19 ``src/time/format.go``):
four-digit year, two-digit month, day, minute and second, a one- or two-digit hour, ``T``,
an optional fraction after ``.`` or ``,`` (any number of digits, nanoseconds kept), then ``Z`` or
``±hh:mm``. Only upper-case ``T`` and ``Z`` are accepted; the month, hour (< 24), minute and second
(< 60) and the day of the month are range-checked, the zone offset is not: ``+25:00`` and ``+05:99``
(= +06:39) are taken as Go computes them. The zone's hours and minutes are two characters each read
by Go's ``atoi``, which takes a sign: ``++5:30`` is +05:30, ``+-5:30`` is -04:30 and ``-+1:-1`` is
-00:59. Measured with Debian's amtool 0.25 and a real Alertmanager 0.25: ``…T11:00:00z`` and
``…t11:00:00Z`` are refused by both, ``…T1:00:00Z``, ``,5`` fractions, 13 fraction digits,
``+25:00``, ``+05:99``, ``++5:30``, ``+-5:30``, ``-+1:-1`` and ``+05:+3`` are accepted by both,
``+5-:30`` and ``+ 5:30`` refused.

Alertmanager's API also accepts times without a zone (read in the server's own zone), with a space
for ``T`` or without seconds; we refuse those rather than guess the server's zone. Times outside
what Python's ``datetime`` holds (years 1–9999 in UTC, e.g. ``9999-12-31T23:59:59-01:00``) are
refused with a clear message; Alertmanager refuses year 10000 too (``timestamp … after 10000-01-01``).

Both layouts are read by hand, not with ``re``: importing it (with ``enum``) costs about 8 ms of
``silence check``'s start-up. ``tests/test_rfc3339_scan.py`` holds the readers equal to the
regular expressions they replace.
"""

from __future__ import annotations

from oncall_policy.datetimes import UTC, datetime, timedelta
from oncall_policy.records import Record

LAYOUT = "2006-01-02T15:04:05Z07:00"
# What Alertmanager writes, ``[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z``,
# as its shapes once each ASCII digit is written as NUL (and a NUL as \x01, so none is taken for
# a digit). An audit reads two times a silence: one ``bytes.translate`` and a set lookup take
# less than the regex took (0.2-0.3 µs against 0.35-0.9 µs, measured).
_AS_SHAPE = bytes.maketrans(b"0123456789\0", b"\0\0\0\0\0\0\0\0\0\0\1")
_DIGIT = "\0"
_CANONICAL_SHAPES = frozenset(
    f"{_DIGIT * 4}-{_DIGIT * 2}-{_DIGIT * 2}T{_DIGIT * 2}:{_DIGIT * 2}:{_DIGIT * 2}{fraction}Z".encode()
    for fraction in ["", *(f".{_DIGIT * digits}" for digits in range(1, 10))]
)
# The same with a zone offset of two digits each (``+00:00``, as Python's ``isoformat`` writes
# UTC): read by Python's parser too (in C, a fortieth of the time), whenever it reads the offset
# as Go does; one it refuses (``+25:00``, ``+05:99``: Go takes them) is read by hand below.
_OFFSET_SHAPES = frozenset(
    f"{_DIGIT * 4}-{_DIGIT * 2}-{_DIGIT * 2}T{_DIGIT * 2}:{_DIGIT * 2}:{_DIGIT * 2}{fraction}"
    f"{sign}{_DIGIT * 2}:{_DIGIT * 2}".encode()
    for fraction in ["", *(f".{_DIGIT * digits}" for digits in range(1, 10))]
    for sign in "+-"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class TimeError(ValueError):
    """A text that is not an RFC 3339 time we can judge."""


def parse(text: str, *, end: bool = False, start_ns: int = 0) -> datetime:
    """The UTC time ``text`` names, to the microsecond; ``TypeError`` for what is not a string,
    as when it was read with regular expressions. Go keeps nanoseconds (nine fraction digits,
    the rest dropped): a start's are cut (it starts no later), and an ``end`` is carried up to
    the next microsecond when its nanoseconds past the microsecond are more than ``start_ns``,
    the start's (``nanoseconds``). The silence is then judged to last its length rounded up to
    the microsecond: at least what Alertmanager mutes for (4 h and 1 ns is over a 4 h cap), and
    exactly that when it is whole microseconds (4 h from ``…00.0000001Z`` is 4 h)."""
    if not isinstance(text, str):
        raise TypeError(f"a time must be a string, not {type(text).__name__}")
    if is_canonical(text):  # what Alertmanager writes: Python's own parser, in C
        try:
            found = datetime.fromisoformat(text)
        except ValueError:
            pass  # out of range: the reading below says so as Go says it
        else:
            # Canonical with more than six fraction digits: ``…:SS.fffffffffZ`` is 30 long.
            return _later(found, text[26:-1], text, start_ns) if end and len(text) > 27 else found
    elif _has_offset_shape(text):
        try:
            found = datetime.fromisoformat(text).astimezone(UTC)
        except (ValueError, OverflowError):
            pass  # an offset Python refuses, or out of range in UTC: read below as Go reads it
        else:
            return _later(found, text[26:-6], text, start_ns) if end and len(text) > 32 else found
    found = _read(text)
    fraction = fields(text)
    return (
        _later(found, fraction.fraction[6:], text, start_ns)
        if end and fraction and fraction.fraction
        else found
    )


def nanoseconds(text: object) -> int:
    """The nanoseconds past the microsecond of the time ``text`` names, as Go keeps them (0 for
    what is no time: its reading says why)."""
    if not isinstance(text, str):
        return 0
    if is_canonical(text):
        beyond = text[26:-1]
    elif _has_offset_shape(text):
        beyond = text[26:-6]
    else:
        found = fields(text)
        beyond = found.fraction[6:] if found and found.fraction else ""
    return _nanoseconds(beyond)


def _nanoseconds(beyond: str) -> int:
    """The fraction digits past the microsecond as nanoseconds: Go reads nine digits in all."""
    return int(beyond[:3].ljust(3, "0"))


def _later(moment: datetime, beyond: str, text: str, start_ns: int) -> datetime:
    """``moment`` a microsecond later when the nanoseconds the digits ``beyond`` its
    microseconds give are more than ``start_ns``."""
    if _nanoseconds(beyond) <= start_ns:
        return moment
    try:
        return moment + timedelta(microseconds=1)
    except OverflowError:
        raise TimeError(
            f"{text!r} is out of range: times must lie between 0001-01-01 and 9999-12-31 in UTC"
        ) from None


def _read(text: str) -> datetime:
    """Go's layout read field by field, each range checked as Go checks it."""
    found = fields(text)
    if found is None:
        raise TimeError(f"{text!r} is not an RFC 3339 time like {LAYOUT} (upper-case T and Z)")
    year, month, day = int(found.year), int(found.month), int(found.day)
    hour, minute, second = int(found.hour), int(found.minute), int(found.second)
    for name, value, limit in (("month", month - 1, 12), ("hour", hour, 24), ("minute", minute, 60)):
        if not 0 <= value < limit:
            raise TimeError(f"parsing time {text!r}: {name} out of range")
    if second >= 60:
        raise TimeError(f"parsing time {text!r}: second out of range")
    if not 1 <= day <= _days_in(month, year):
        raise TimeError(f"parsing time {text!r}: day out of range")
    zone = found.zone
    offset = 0 if zone == "Z" else (int(zone[1:3]) * 60 + int(zone[4:6])) * 60  # int() as atoi: "+5", "-1"
    if zone[0] == "-":
        offset = -offset
    micro = int((found.fraction or "0")[:6].ljust(6, "0"))
    seconds = _seconds(year, month, day) + hour * 3600 + minute * 60 + second - offset
    try:
        return _EPOCH + timedelta(seconds=seconds, microseconds=micro)
    except OverflowError:
        raise TimeError(
            f"{text!r} is out of range: times must lie between 0001-01-01 and 9999-12-31 in UTC"
        ) from None


def is_canonical(text: str) -> bool:
    """Whether ``text`` is a time as Alertmanager writes it: UTC (``Z``), seconds and at most
    nine fraction digits after a ``.``, every number in ASCII digits of its full width."""
    return text.isascii() and len(text) <= 30 and text.encode().translate(_AS_SHAPE) in _CANONICAL_SHAPES


def _has_offset_shape(text: str) -> bool:
    return text.isascii() and len(text) <= 35 and text.encode().translate(_AS_SHAPE) in _OFFSET_SHAPES


def fields(text: str) -> Fields | None:
    """The fields of Go's RFC 3339 layout in ``text``, or None if it is not one.

    What the regular expression below matches in full, its groups as ``Fields`` (``zone`` is
    ``utc``, or ``sign``, ``zh``, ``:`` and ``zm``)::

        (?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})
        T(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})
        (?:[.,](?P<fraction>[0-9]+))?
        (?:(?P<utc>Z)|(?P<sign>[-+])(?P<zh>[0-9]{2}|[-+][0-9]):(?P<zm>[0-9]{2}|[-+][0-9]))
    """
    hour_end = 12 if text[12:13] == ":" else 13  # a one-digit hour is followed by its colon
    if not (
        _digits(text, 0, 4)
        and text[4:5] == "-"
        and _digits(text, 5, 7)
        and text[7:8] == "-"
        and _digits(text, 8, 10)
        and text[10:11] == "T"
        and _digits(text, 11, hour_end)
        and text[hour_end : hour_end + 1] == ":"
        and _digits(text, hour_end + 1, hour_end + 3)
        and text[hour_end + 3 : hour_end + 4] == ":"
        and _digits(text, hour_end + 4, hour_end + 6)
    ):
        return None
    index = hour_end + 6
    fraction = None
    if text[index : index + 1] in {".", ","}:
        end = index + 1
        while end < len(text) and "0" <= text[end] <= "9":
            end += 1
        if end == index + 1:
            return None
        fraction, index = text[index + 1 : end], end
    zone = text[index:]
    if zone != "Z" and not (
        len(zone) == 6
        and zone[0] in {"+", "-"}
        and _atoi_field(zone[1:3])
        and zone[3] == ":"
        and _atoi_field(zone[4:6])
    ):
        return None
    year, month, day = text[0:4], text[5:7], text[8:10]
    hour, minute, second = (
        text[11:hour_end],
        text[hour_end + 1 : hour_end + 3],
        text[hour_end + 4 : hour_end + 6],
    )
    return Fields(year, month, day, hour, minute, second, fraction, zone)


class Fields(Record):
    """The digits of an RFC 3339 time as written, and its zone: ``Z`` or ``±hh:mm``."""

    year: str
    month: str
    day: str
    hour: str
    minute: str
    second: str
    fraction: str | None
    zone: str


def _digits(text: str, start: int, stop: int) -> bool:
    """Whether ``text[start:stop]`` is ``stop - start`` ASCII digits (``[0-9]``, not ``str.isdigit``'s
    "١" or "²")."""
    part = text[start:stop]
    return len(part) == stop - start and part.isascii() and part.isdigit()


def _atoi_field(part: str) -> bool:
    """Whether Go's ``atoi`` reads a two-character zone field: two digits, or a sign and one."""
    return _digits(part, 0, 2) or (part[:1] in {"+", "-"} and _digits(part, 1, 2))


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

"""One VEVENT's text, written directly: what icalendar writes for the event, without building it.

A year's feeds of a large organisation hold hundreds of thousands of events, and icalendar's
``Event`` (typed properties, parameters, time-zone lookups, a fold character by character) costs
most of a compile. The event's properties are few and fixed, so their content lines are written
here as icalendar writes them: TEXT escaped (RFC 5545 3.3.11), properties in its order (its
canonical ones first, the rest by name), lines folded before 75 octets without splitting an
escape. How a date-time is written (``Z`` or ``TZID=``) is icalendar's own answer, asked once per
time zone. ``tests/test_ics_events.py`` holds every event to icalendar's text for the same shift.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from oncall_policy.meaning.shifts import Shift, Span

_FOLD_AT = 74  # characters of ASCII before a fold: a line is kept under 75 octets
# icalendar's order: ``\N`` is a line break, then backslashes are escaped, then the rest.
_ESCAPED = (
    ("\\N", "\n"),
    ("\\", "\\\\"),
    (";", "\\;"),
    (",", "\\,"),
    ("\r\n", "\\n"),
    ("\n", "\\n"),
    ("\r", "\\n"),
)


def text(shift: Shift, span: Span, stamp: datetime, description: str) -> tuple[str, frozenset[str]]:
    """The event of ``shift`` over ``span`` (UTC) as icalendar writes it, its times on the
    rotation's wall clock, and the zones (TZID) they are written in."""
    rotation = shift.rotation
    start, start_zone = _date_time("DTSTART", wall_clock(span[0], rotation.time_zone))
    end, end_zone = _date_time("DTEND", wall_clock(span[1], rotation.time_zone))
    lines = [
        _line("SUMMARY", f"On call: {shift.person.name}, {shift.slot} of {rotation.name}"),
        start,
        end,
        _date_time("DTSTAMP", stamp.astimezone(UTC))[0],
        _line("UID", f"{rotation.id}.{shift.slot}.{_utc(span[0])}@oncall-policy"),
        "CATEGORIES:on-call",
        _line("DESCRIPTION", description),
        "TRANSP:TRANSPARENT",
    ]
    if shift.before is not None and shift.before != shift.person:
        lines.append(_line("X-ONCALL-HANDOVER-FROM", shift.before.id))
    if shift.after != shift.person:
        lines.append(_line("X-ONCALL-HANDOVER-TO", shift.after.id))
    lines += (
        _line("X-ONCALL-PERSON", shift.person.id),
        _line("X-ONCALL-ROTATION", rotation.id),
        _line("X-ONCALL-SLOT", shift.slot),
    )
    zones = frozenset(zone for zone in (start_zone, end_zone) if zone is not None)
    return "BEGIN:VEVENT\r\n" + "\r\n".join(map(fold, lines)) + "\r\nEND:VEVENT\r\n", zones


def wall_clock(instant: datetime, zone_name: str) -> datetime:
    """``instant`` on the zone's wall clock; in UTC where that clock reads it twice (the second
    pass of a fall-back hour), since a reader takes the first."""
    local = instant.astimezone(ZoneInfo(zone_name))
    utc = instant.astimezone(UTC)
    return local if local.replace(fold=0).astimezone(UTC) == utc else utc


def escape(value: str) -> str:
    """``value`` as iCalendar TEXT, escaped in icalendar's order."""
    for plain, escaped in _ESCAPED:
        if plain in value:
            value = value.replace(plain, escaped)
    return value


def fold(line: str) -> str:
    r"""``line`` folded as icalendar folds it: a break before a character that would bring the
    line to 75 octets, never just after a ``\\`` or ``^`` (that character moves to the next line)."""
    if line.isascii():
        return _fold_ascii(line)
    pieces: list[str] = []
    current: list[str] = []
    octets = 0
    for character in line:
        size = 1 if character.isascii() else len(character.encode("utf-8", "surrogatepass"))
        if current and octets + size > _FOLD_AT:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else ""
            pieces.append("".join(current))
            current = [carried] if carried else []
            octets = len(carried)
        current.append(character)
        octets += size
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _fold_ascii(line: str) -> str:
    """``fold`` for a line of one octet a character: slices, not a loop over characters."""
    if len(line) <= _FOLD_AT:
        return line
    pieces = []
    start = 0
    while start + _FOLD_AT < len(line):
        end = start + _FOLD_AT
        if line[end - 1] in "\\^" and end - start > 1:
            end -= 1  # an escape is not split: its backslash starts the next line
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return "\r\n ".join(pieces)


def _line(name: str, value: str) -> str:
    return f"{name}:{escape(value)}"


def _date_time(name: str, moment: datetime) -> tuple[str, str | None]:
    """The content line of a date-time property and the zone it names (``None``: UTC)."""
    prefix, zone, utc = _written_in(moment.tzinfo)
    day = f"{moment.year:04}{moment.month:02}{moment.day:02}"
    written = f"{day}T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    return f"{name}{prefix}:{written}{'Z' if utc else ''}", zone


@cache
def _written_in(zone: tzinfo | None) -> tuple[str, str | None, bool]:
    """How icalendar writes a date-time in ``zone``: the parameters after the property's name,
    the TZID they give, and whether the time is UTC (``Z``). Asked of icalendar itself, once."""
    from icalendar import Event  # noqa: PLC0415 - only while compiling calendars

    probe = Event()
    probe.add("dtstart", datetime(2000, 1, 1, tzinfo=zone))
    line = probe.content_line("DTSTART", probe["dtstart"]).removeprefix("DTSTART")
    prefix, _, value = line.rpartition(":")
    return prefix, probe["dtstart"].params.get("TZID"), value.endswith("Z")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

"""A calendar of shifts: one VEVENT per shift (per window on duty, for rotations restricted to
hours of the week), its times on the wall clock of the rotation's zone with that zone's VTIMEZONE.

Nothing depends on when it is made: DTSTAMP is the instant the feed's window of the rotation
begins (``stamps``), and UIDs name the rotation, slot and start, so a compile is byte-identical to
the last one and one event has one UID in every feed it appears in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from icalendar import Calendar, vText

from oncall_policy.compile.ics import event_text
from oncall_policy.compile.ics.vtimezone import vtimezone
from oncall_policy.meaning.shifts import Shift, Span
from oncall_policy.model import Person

PRODID = "-//oncall-policy//on-call calendar//EN"
# How often a subscribed client should fetch the feed again.
REFRESH = timedelta(hours=12)


class Rendered(NamedTuple):
    """One event, written once and shared by every feed it appears in."""

    key: tuple[datetime, str, str]  # the order of events in a feed
    shift: Shift
    text: str
    zones: frozenset[str]  # the zones its times are written in (TZID)


def feed(name: str, description: str, shifts: Iterable[Shift], stamps: Mapping[str, datetime]) -> str:
    """The calendar ``name`` holding ``shifts``; ``stamps`` gives each rotation's DTSTAMP."""
    return calendar(name, description, render(shifts, stamps))


def render(shifts: Iterable[Shift], stamps: Mapping[str, datetime]) -> list[Rendered]:
    """Each shift's events (one per span on duty); ``stamps`` gives each rotation's DTSTAMP."""
    rendered = []
    for shift in shifts:
        stamp = stamps[shift.rotation.id]
        for span in shift.on_duty:
            written, zones = event_text.text(shift, span, stamp, "\n".join(describe(shift, span)))
            rendered.append(Rendered(event_key(shift, span), shift, written, zones))
    return rendered


def calendar(name: str, description: str, events: Iterable[Rendered]) -> str:
    """The calendar ``name`` holding ``events``, in order, after the VTIMEZONE of each zone they
    are written in, over the span of their shifts."""
    ordered = sorted(events, key=lambda rendered: rendered.key)
    zones = sorted(_zone_spans(ordered).items())
    head = _head(description).replace(_NAMED, _named(name), 1)
    end = "END:VCALENDAR\r\n"
    return (
        head.removesuffix(end)
        + "".join(
            vtimezone(zone_name, first, last).to_ical().decode("utf-8") for zone_name, (first, last) in zones
        )
        + "".join(rendered.text for rendered in ordered)
        + end
    )


# The head's name lines, as icalendar writes them for the name ``N``: every feed of a compile has
# the same head but for its name, so icalendar writes it once and each feed's name replaces these.
_NAMED = "\r\nNAME:N\r\nX-WR-CALNAME:N\r\n"


def _named(name: str) -> str:
    text = event_text.escape(name)
    return f"\r\n{event_text.fold('NAME:' + text)}\r\n{event_text.fold('X-WR-CALNAME:' + text)}\r\n"


@lru_cache(maxsize=1024)
def _vtimezone_text(zone_name: str, first: datetime, last: datetime) -> str:
    """A zone's VTIMEZONE over a span, written once for the rotation's feed and its people's."""
    text: str = vtimezone(zone_name, first, last).to_ical().decode("utf-8")
    return text


@lru_cache(maxsize=4)
def _head(description: str) -> str:
    """A calendar without components, named ``N``, as icalendar writes it."""
    head = Calendar()
    for key, value in (
        ("version", "2.0"),
        ("prodid", PRODID),
        ("calscale", "GREGORIAN"),
        ("method", "PUBLISH"),
        # vText: icalendar leaves a plain str of these properties unescaped, and a line break in
        # a person's or rotation's name would then end the content line (TEXT is escaped).
        ("name", vText("N")),
        ("x-wr-calname", vText("N")),
        ("description", description),
        ("x-wr-caldesc", vText(description)),
        ("refresh-interval", REFRESH),
        ("x-published-ttl", vText(_iso_duration(REFRESH))),
    ):
        head.add(key, value)
    head["refresh-interval"].params["VALUE"] = "DURATION"
    text: str = head.to_ical().decode("utf-8")
    if text.count(_NAMED) != 1:
        raise AssertionError(text)  # a head whose name lines cannot be told apart: a bug
    return text


def event_key(shift: Shift, span: Span) -> tuple[datetime, str, str]:
    return span[0], shift.rotation.id, shift.slot


def describe(shift: Shift, span: Span) -> list[str]:
    """The event's text: the slot, the rotation, and who hands over to whom."""
    rotation, zone_name = shift.rotation, shift.rotation.time_zone
    held = f"from {_local(shift.start, zone_name)} to {_local(shift.end, zone_name)} ({zone_name})"
    lines = [f"{_who(shift.person)} holds {shift.slot} of {rotation.name} ({rotation.id}) {held}."]
    if len(shift.on_duty) > 1 or shift.on_duty[0] != (shift.start, shift.end):
        lines.append(f"On duty in the rotation's hours only: this event is {_span(span, zone_name)}.")
    if shift.before is None:
        lines.append("Takes over at the rotation's first turn.")
    elif shift.before == shift.person:
        lines.append("On call since before this calendar begins.")
    else:
        lines.append(f"Takes over from {_who(shift.before)} at {_local(shift.start, zone_name)}.")
    if shift.after == shift.person:
        lines.append("Still on call when this calendar ends.")
    else:
        lines.append(f"Hands over to {_who(shift.after)} at {_local(shift.end, zone_name)}.")
    return lines


def _zone_spans(events: Iterable[Rendered]) -> dict[str, tuple[datetime, datetime]]:
    """Each zone an event's times are written in (icalendar writes UTC zones as ``Z``), and the
    UTC span of the shifts written in it."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for rendered in events:
        shift = rendered.shift
        for name in rendered.zones:
            first, last = spans.get(name, (shift.start, shift.end))
            spans[name] = (min(first, shift.start), max(last, shift.end))
    return spans


def _iso_duration(length: timedelta) -> str:
    hours, rest = divmod(int(length.total_seconds()), 3600)
    return f"PT{hours}H" if not rest else f"PT{int(length.total_seconds())}S"


def _who(person: Person) -> str:
    return f"{person.name} <{person.email}>"


def _local(instant: datetime, zone_name: str) -> str:
    return instant.astimezone(ZoneInfo(zone_name)).strftime("%a %Y-%m-%d %H:%M")


def _span(span: Span, zone_name: str) -> str:
    start, end = (moment.astimezone(ZoneInfo(zone_name)) for moment in span)
    return f"{start:%a %H:%M}–{end:%a %H:%M}"

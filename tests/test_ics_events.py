"""The calendar feeds' events are written directly (``compile.ics.event_text``); icalendar's
``Event``, built property by property as the feeds once did, is the oracle for every shift."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Event

from oncall_policy.compile.ics import event_text
from oncall_policy.meaning.shifts import Shift, Span
from oncall_policy.model import Person, Rotation

ZONES = ["Etc/UTC", "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]
# Names with what TEXT escapes (\ ; , line breaks, a literal \N), what folding must not split
# (an escape's backslash, ^) and characters of two to four octets near a fold.
names = st.text(st.sampled_from("ab ,;\\^\n\rNé€😀x:"), min_size=0, max_size=90)
ids = st.from_regex(r"[a-z][a-z0-9.-]{0,70}", fullmatch=True)
# Instants around the daylight-saving changes of 2026, on the minute, and any second of the year.
instants = st.one_of(
    st.integers(0, 366 * 24 * 60).map(lambda m: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=m)),
    st.sampled_from([datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)]),
)


def oracle(shift: Shift, span: Span, stamp: datetime, description: str) -> tuple[str, frozenset[str]]:
    """The event as icalendar writes it, and the zones of its times."""
    rotation = shift.rotation
    component = Event()
    component.add("uid", f"{rotation.id}.{shift.slot}.{span[0].astimezone(UTC):%Y%m%dT%H%M%SZ}@oncall-policy")
    component.add("dtstamp", stamp.astimezone(UTC))
    component.add("dtstart", event_text.wall_clock(span[0], rotation.time_zone))
    component.add("dtend", event_text.wall_clock(span[1], rotation.time_zone))
    component.add("summary", f"On call: {shift.person.name}, {shift.slot} of {rotation.name}")
    component.add("description", description)
    component.add("categories", ["on-call"])
    component.add("transp", "TRANSPARENT")
    component.add("x-oncall-rotation", rotation.id)
    component.add("x-oncall-slot", shift.slot)
    component.add("x-oncall-person", shift.person.id)
    if shift.before is not None and shift.before != shift.person:
        component.add("x-oncall-handover-from", shift.before.id)
    if shift.after != shift.person:
        component.add("x-oncall-handover-to", shift.after.id)
    zones = {component[key].params.get("TZID") for key in ("dtstart", "dtend")}
    return component.to_ical().decode("utf-8"), frozenset(zone for zone in zones if zone is not None)


@st.composite
def shifts(draw: st.DrawFn) -> tuple[Shift, Span, datetime, str]:
    people = [
        Person.model_construct(id=draw(ids), name=draw(names), email="x@example.invalid") for _ in range(3)
    ]
    rotation = Rotation.model_construct(
        id=draw(ids),
        name=draw(names),
        time_zone=draw(st.sampled_from(ZONES)),
        start=datetime(2026, 1, 5, 9),  # noqa: DTZ001 - a rotation's start is on its wall clock
        turn_length=timedelta(weeks=1),
        slots={},
        turns=(),
    )
    start = draw(instants)
    end = start + draw(st.sampled_from([timedelta(hours=1), timedelta(hours=12), timedelta(weeks=1)]))
    before = draw(st.sampled_from([None, *people]))
    shift = Shift(
        rotation, draw(ids), people[0], start, end, before, draw(st.sampled_from(people)), ((start, end),)
    )
    return shift, (start, end), draw(instants), draw(names)


@given(shifts())
def test_an_event_is_written_as_icalendar_writes_it(drawn: tuple[Shift, Span, datetime, str]) -> None:
    """For any names, ids, zone and times, the written event and its zones are icalendar's."""
    assert event_text.text(*drawn) == oracle(*drawn)


@given(st.text(min_size=0, max_size=300))
def test_any_line_folds_as_icalendar_folds_it(line: str) -> None:
    """Folding is icalendar's for any text, one octet a character or up to four."""
    from icalendar.parser import string  # noqa: PLC0415 - its private fold is the oracle

    line = line.replace("\n", " ")
    assert event_text.fold(line) == string._foldline(line)

"""Calendar feeds (the ``calendars`` target, ``who --format ics``): parsed back with icalendar,
every turn of a year spanning both daylight-saving changes agrees with ``who --at``."""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from oncall_policy.checks.checked import load_policy, load_policy_text
from oncall_policy.cli import main
from oncall_policy.compile import calendars
from oncall_policy.errors import PolicyError
from oncall_policy.meaning.who import on_call, rotation_now
from oncall_policy.model import Calendars, Policy, Rotation
from oncall_policy.provenance import Source
from tests.conftest import ACME, CLIPPER

YEAR = timedelta(days=365)
EXAMPLES = {"clipper": CLIPPER, "acme": ACME}


@dataclass(frozen=True)
class Event:
    uid: str
    rotation: str
    slot: str
    person: str
    start: datetime  # UTC
    end: datetime
    handover_from: str | None
    handover_to: str | None
    description: str


@cache
def year_policy(name: str) -> Policy:
    """The example with feeds a year long: from each rotation's start, which for Acme's (Berlin,
    New York) holds both daylight-saving changes."""
    policy = load_policy(EXAMPLES[name])
    return policy.model_copy(update={"calendars": Calendars(horizon=YEAR)})


@cache
def feeds(name: str) -> dict[str, str]:
    path = EXAMPLES[name]
    return calendars.build(year_policy(name), Source.of(path, path.read_bytes()))


@cache
def parsed(name: str, feed: str) -> tuple[Event, ...]:
    return events(feeds(name)[feed])


def events(text: str) -> tuple[Event, ...]:
    calendar = Calendar.from_ical(text)
    zones = {tz["TZID"]: observances(tz) for tz in calendar.walk("VTIMEZONE")}
    found = []
    for event in calendar.walk("VEVENT"):
        start, end = (instant(event, key, zones) for key in ("DTSTART", "DTEND"))
        found.append(
            Event(
                str(event["UID"]),
                str(event["X-ONCALL-ROTATION"]),
                str(event["X-ONCALL-SLOT"]),
                str(event["X-ONCALL-PERSON"]),
                start,
                end,
                str(event["X-ONCALL-HANDOVER-FROM"]) if "X-ONCALL-HANDOVER-FROM" in event else None,
                str(event["X-ONCALL-HANDOVER-TO"]) if "X-ONCALL-HANDOVER-TO" in event else None,
                str(event["DESCRIPTION"]),
            )
        )
    return tuple(found)


def observances(tz) -> list[tuple[datetime, timedelta]]:
    """A VTIMEZONE's observances as (UTC onset, offset), read as RFC 5545 says: DTSTART is the
    onset on the wall clock of TZOFFSETFROM."""
    found = []
    for part in tz.subcomponents:
        onset = part["DTSTART"].dt.replace(tzinfo=UTC) - part["TZOFFSETFROM"].td
        found.append((onset, part["TZOFFSETTO"].td))
    return sorted(found)


def instant(event, key: str, zones: dict[str, list[tuple[datetime, timedelta]]]) -> datetime:
    """The UTC instant of DTSTART/DTEND, read through the feed's own VTIMEZONE, and held equal to
    icalendar's reading through the zone database."""
    value = event[key].dt
    assert value.tzinfo is not None, f"{key} is a floating time"
    tzid = event[key].params.get("TZID")
    if tzid is None:
        assert value.utcoffset() == timedelta(0)
        return value.astimezone(UTC)
    local = value.replace(tzinfo=None)
    candidates = sorted(
        (local - offset).replace(tzinfo=UTC)
        for _, offset in zones[tzid]
        if offset_at(zones[tzid], (local - offset).replace(tzinfo=UTC)) == offset
    )
    assert candidates, f"{key} {local} does not exist on the {tzid} wall clock of the VTIMEZONE"
    assert candidates[0] == value.astimezone(UTC), "the VTIMEZONE disagrees with the zone database"
    return candidates[0]


def offset_at(observances: list[tuple[datetime, timedelta]], utc: datetime) -> timedelta:
    onsets = [onset for onset, _ in observances]
    index = bisect.bisect_right(onsets, utc) - 1
    assert index >= 0, f"{utc} is before the VTIMEZONE's first observance"
    return observances[index][1]


def rotation_of(name: str, rotation_id: str) -> Rotation:
    return next(r for r in year_policy(name).rotations if r.id == rotation_id)


def covering(found: tuple[Event, ...], slot: str, at: datetime) -> list[Event]:
    """The slot's events in force at ``at`` (those starting after it are skipped by bisection)."""
    ordered = _by_start(found, slot)
    reach = bisect.bisect_right([e.start for e in ordered], at)
    return [e for e in ordered[:reach] if at < e.end]


@cache
def _by_start(found: tuple[Event, ...], slot: str) -> tuple[Event, ...]:
    return tuple(sorted((e for e in found if e.slot == slot), key=lambda e: e.start))


def assert_agrees_with_who(name: str, rotation: Rotation, found: tuple[Event, ...], at: datetime) -> None:
    """At ``at``, each slot's event in the feed is the person ``who --at`` names, exactly when
    ``who`` says they are on duty."""
    people = {p.id: p for p in year_policy(name).people}
    now = rotation_now(rotation, people, at)
    for holder in now.holders:
        events_now = covering(found, holder.slot, at)
        if holder.on_duty:
            assert [e.person for e in events_now] == [holder.person.id], (rotation.id, holder.slot, at)
        else:
            assert events_now == [], (rotation.id, holder.slot, at)


ROTATIONS = [
    (name, rotation.id) for name in ("clipper", "acme") for rotation in load_policy(EXAMPLES[name]).rotations
]


@pytest.mark.parametrize(("name", "rotation_id"), ROTATIONS, ids=[f"{n}-{r}" for n, r in ROTATIONS])
def test_every_turn_of_a_year_agrees_with_who(name, rotation_id):
    """For every turn in the year: at its hand-off, its middle and its last second, and at both
    ends of every event, the rotation's feed names whom ``who --at`` names, on duty or not."""
    rotation = rotation_of(name, rotation_id)
    found = parsed(name, f"calendars/rotations/{rotation_id}.ics")
    since, until = calendars.window(year_policy(name), rotation)
    assert until - since >= YEAR - timedelta(hours=1)
    first, last = rotation.turn_at(since), rotation.turn_at(until - timedelta(seconds=1))
    for k in range(first, last + 1):
        start, end = rotation.turn_start(k), rotation.turn_start(k + 1)
        for at in (start, start + (end - start) / 2, end - timedelta(seconds=1)):
            assert_agrees_with_who(name, rotation, found, at)
    for event in found:
        for at in (event.start, event.end - timedelta(seconds=1)):
            assert_agrees_with_who(name, rotation, found, at)
    assert min(e.start for e in found) <= since
    assert max(e.end for e in found) >= until


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(ROTATIONS), st.integers(min_value=0, max_value=2**40))
def test_any_instant_of_the_year_agrees_with_who(name_and_rotation, seconds):
    """Any instant of the feed's year: the feed and ``who --at`` name the same people."""
    name, rotation_id = name_and_rotation
    rotation = rotation_of(name, rotation_id)
    since, until = calendars.window(year_policy(name), rotation)
    at = since + timedelta(seconds=seconds % int((until - since).total_seconds()))
    assert_agrees_with_who(name, rotation, parsed(name, f"calendars/rotations/{rotation_id}.ics"), at)


def test_the_year_holds_both_daylight_saving_changes():
    """Acme's hand-offs stay at 08:00/20:00 Berlin and 09:00 New York through both changes."""
    berlin, new_york = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
    sun = parsed("acme", "calendars/rotations/infra-sun.ics")
    assert {e.start.astimezone(berlin).strftime("%H:%M") for e in sun} == {"08:00", "20:00"}
    assert {e.start.astimezone(berlin).utcoffset() for e in sun} == {timedelta(hours=1), timedelta(hours=2)}
    business = parsed("acme", "calendars/rotations/payments-business.ics")
    assert {e.start.astimezone(new_york).strftime("%H:%M") for e in business} == {"09:00"}
    assert {e.end.astimezone(new_york).strftime("%H:%M") for e in business} == {"17:00"}
    assert {e.start.astimezone(new_york).utcoffset() for e in business} == {
        timedelta(hours=-5),
        timedelta(hours=-4),
    }
    assert {e.start.astimezone(new_york).isoweekday() for e in business} == {1, 2, 3, 4, 5}


@pytest.mark.parametrize("feed", ["infra-sun", "payments-business"])
def test_each_vtimezone_change_is_the_zone_databases(feed):
    """RFC 5545 reads an observance's DTSTART on the wall clock of TZOFFSETFROM: each change the
    feed's VTIMEZONE declares is one the zone makes, at that instant, between those offsets."""
    calendar = Calendar.from_ical(feeds("acme")[f"calendars/rotations/{feed}.ics"])
    (tz,) = calendar.walk("VTIMEZONE")
    zone_db = ZoneInfo(str(tz["TZID"]))
    changes = observances(tz)[1:]
    assert len(changes) == 2  # spring forward, fall back
    for part in tz.subcomponents[1:]:
        onset = part["DTSTART"].dt.replace(tzinfo=UTC) - part["TZOFFSETFROM"].td
        assert (onset - timedelta(seconds=1)).astimezone(zone_db).utcoffset() == part["TZOFFSETFROM"].td
        assert onset.astimezone(zone_db).utcoffset() == part["TZOFFSETTO"].td


@pytest.mark.parametrize("name", ["clipper", "acme"])
def test_each_event_says_who_hands_over_to_whom(name):
    people = {p.id: p for p in year_policy(name).people}
    for feed in [f for f in feeds(name) if f.startswith("calendars/rotations/")]:
        for event in parsed(name, feed):
            rotation = rotation_of(name, event.rotation)
            shift_end = rotation.turn_start(rotation.turn_at(event.end - timedelta(seconds=1)) + 1)
            after = rotation_now(rotation, people, shift_end)
            successor = next(h.person.id for h in after.holders if h.slot == event.slot)
            assert event.handover_to == (None if successor == event.person else successor)
            assert f"holds {event.slot} of {rotation.name} ({rotation.id})" in event.description
            if event.handover_to is not None:
                assert f"Hands over to {people[event.handover_to].name} <" in event.description
            if event.handover_from is not None:
                assert f"Takes over from {people[event.handover_from].name} <" in event.description


@pytest.mark.parametrize("name", ["clipper", "acme"])
def test_the_people_feeds_hold_exactly_the_rotation_feeds_events(name):
    by_rotation = {e for f in feeds(name) if f.startswith("calendars/rotations/") for e in parsed(name, f)}
    by_person = {}
    for feed in [f for f in feeds(name) if f.startswith("calendars/people/")]:
        person = Path(feed).stem
        mine = parsed(name, feed)
        assert {e.person for e in mine} == {person}
        by_person.update({e.uid: e for e in mine})
    assert set(by_person.values()) == by_rotation
    assert len({e.uid for e in by_rotation}) == len(by_rotation)


def test_feeds_are_the_same_on_every_compile_whatever_the_clock():
    """No DTSTAMP drift: it is the window's start, so a compile repeats the last byte for byte."""
    path = ACME
    source = Source.of(path, path.read_bytes())
    policy = load_policy(path)
    first = calendars.build(policy, source)
    assert calendars.build(load_policy(path), source) == first
    text = first["calendars/rotations/infra-sun.ics"]
    assert "DTSTAMP:20260302T070000Z\r\n" in text  # 2026-03-02 08:00 Berlin
    assert "\n" not in text.replace("\r\n", "")


def test_the_default_horizon_is_thirteen_weeks_and_the_policy_moves_it():
    policy = load_policy(CLIPPER)
    rotation = policy.rotations[0]
    assert calendars.window(policy, rotation) == (
        datetime(2025, 12, 29, 9, tzinfo=UTC),
        datetime(2026, 3, 30, 9, tzinfo=UTC),
    )
    text = CLIPPER.read_text(encoding="utf-8") + 'calendars: {start: "2026-06-01T00:00", horizon: 2w}\n'
    moved = load_policy_text(text)
    assert calendars.window(moved, rotation) == (
        datetime(2026, 6, 1, tzinfo=UTC),
        datetime(2026, 6, 15, tzinfo=UTC),
    )


def test_a_horizon_over_two_years_is_refused_at_its_place():
    text = CLIPPER.read_text(encoding="utf-8") + "calendars: {horizon: 3y}\n"
    with pytest.raises(PolicyError) as raised:
        load_policy_text(text)
    (problem,) = raised.value.problems
    line = text.count("\n")
    assert str(problem).startswith(f"policy.yaml:{line}:")
    assert "calendars.horizon: a calendar horizon is at most 2y" in str(problem)


def test_a_calendar_too_large_to_compile_is_a_problem_at_the_turn_length():
    text = CLIPPER.read_text(encoding="utf-8").replace("turn_length: 1w", "turn_length: 1m")
    with pytest.raises(PolicyError) as raised:
        load_policy_text(f"{text}calendars: {{horizon: 1y}}\n")
    (problem,) = raised.value.problems
    assert str(problem) == (
        "policy.yaml:55:18: [error] rotations[0].turn_length: the calendar of rotation 'clipper-weekly' "
        "would hold about 1,576,806 events over calendars.horizon 1y, more than 20,000; set "
        "calendars.horizon to 4d15h4m or less, or lengthen the turns (calendar-size)"
    )
    load_policy_text(f"{text}calendars: {{horizon: 4d15h4m}}\n")


# --- who --format ics -------------------------------------------------------------------------


def test_who_prints_the_compiled_events_over_any_span(capsys):
    """Across Berlin's spring-forward night: the same events (UID, times, people) as the compiled
    feed, and for each of them ``who --at`` (the command) agrees."""
    args = ["who", "--policy", str(ACME), "--format", "ics", "--from", "2026-03-28T00:00Z"]
    assert main([*args, "--to", "2026-03-30T00:00Z"]) == 0
    printed = events(capsys.readouterr().out)
    compiled = {e.uid: e for e in parsed("acme", "calendars/rotations/infra-sun.ics")}
    sun = [e for e in printed if e.rotation == "infra-sun"]
    assert [e.uid for e in sun] == [
        "infra-sun.responder.20260327T190000Z@oncall-policy",
        "infra-sun.responder.20260328T070000Z@oncall-policy",
        "infra-sun.responder.20260328T190000Z@oncall-policy",
        "infra-sun.responder.20260329T060000Z@oncall-policy",  # 08:00 CEST: eleven hours later
        "infra-sun.responder.20260329T180000Z@oncall-policy",
    ]
    assert all(compiled[e.uid] == e for e in sun)
    for event in sun:
        assert main(["who", "--policy", str(ACME), "--at", event.start.isoformat(), "--format", "json"]) == 0
        rotations = {r["rotation"]: r for r in json.loads(capsys.readouterr().out)["rotations"]}
        assert rotations["infra-sun"]["slots"][0]["person"] == event.person


def test_who_for_one_person(capsys):
    args = ["who", "--policy", str(CLIPPER), "--format", "ics", "--person", "engineer-a"]
    assert main([*args, "--from", "2026-01-01", "--to", "2026-02-01"]) == 0
    printed = events(capsys.readouterr().out)
    assert {e.person for e in printed} == {"engineer-a"}
    assert [(e.slot, e.start.date().isoformat()) for e in printed] == [
        ("primary", "2025-12-29"),
        ("secondary", "2026-01-19"),
        ("primary", "2026-01-26"),
    ]


def test_who_defaults_to_the_horizon_from_at(capsys):
    at = datetime(2026, 5, 4, 10, tzinfo=UTC)
    assert main(["who", "--policy", str(CLIPPER), "--format", "ics", "--at", at.isoformat()]) == 0
    printed = events(capsys.readouterr().out)
    policy = load_policy(CLIPPER)
    assert min(e.start for e in printed) <= at
    assert max(e.end for e in printed) >= at + policy.calendars.horizon
    assert {h.person.id for h in on_call(policy, at)[0].holders} == {
        e.person for e in printed if e.start <= at < e.end
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--from", "2026-02-01", "--to", "2026-01-01"],
            "--to (2026-01-01T00:00:00+00:00) must be after --from",
        ),
        (["--from", "2026-01-01", "--to", "2029-01-01"], "--from and --to are at most 2 years"),
        (["--person", "nobody"], "--person 'nobody' is not a person of the policy"),
    ],
    ids=["backwards", "too-long", "unknown-person"],
)
def test_who_ics_refuses_what_it_cannot_print(extra, message, capsys):
    assert main(["who", "--policy", str(CLIPPER), "--format", "ics", *extra]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert "Traceback" not in captured.err

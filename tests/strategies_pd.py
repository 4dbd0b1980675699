"""Hypothesis strategies for the PagerDuty compiler and ``who``, each documented by what it draws.

Bounded so the suite stays fast: a handful of zones with and without daylight saving, turn lengths
from one hour to four weeks, instants within three years of a rotation's start.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import strategies as st

from oncall_policy.model import Person, Restriction, Rotation, Slot, Weekday

#: Zones with and without DST, north and south, and one with a half-hour offset.
ZONES = ("Etc/UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata")
PEOPLE = tuple(f"p{n}" for n in range(6))
SLOTS = ("primary", "secondary", "manager")


def people() -> dict[str, Person]:
    """The six people random rotations draw from."""
    return {p: Person(id=p, name=f"Person {p}", email=f"{p}@example.invalid") for p in PEOPLE}


@st.composite
def cumulative_timings(draw: st.DrawFn) -> tuple[timedelta, ...]:
    """A policy timing: ``0m`` then up to five strictly increasing whole-minute times (≤ 1 day)."""
    later = draw(st.lists(st.integers(1, 1440), max_size=5, unique=True))
    return (timedelta(0), *(timedelta(minutes=m) for m in sorted(later)))


def turn_lengths() -> st.SearchStrategy[timedelta]:
    """Whole hours from 1 hour to 4 weeks (PagerDuty allows 1 hour to 1 year)."""
    return st.integers(1, 24 * 28).map(lambda hours: timedelta(hours=hours))


@st.composite
def restrictions(draw: st.DrawFn) -> Restriction:
    """A window on some weekdays, on whole quarter hours; the end may wrap past midnight."""
    days = draw(st.lists(st.sampled_from(list(Weekday)), min_size=1, max_size=7, unique=True))
    start, end = draw(st.lists(st.integers(0, 95), min_size=2, max_size=2, unique=True))
    return Restriction(
        weekdays=tuple(days),
        start=time(start // 4, start % 4 * 15),
        end=time(end // 4, end % 4 * 15),
    )


@st.composite
def rotations(draw: st.DrawFn) -> Rotation:
    """A rotation in one of ``ZONES`` starting on a whole minute in 2025–2027, with 1–3 slots and
    1–5 turns, each slot of a turn held by a different person, with or without windows."""
    slots = SLOTS[: draw(st.integers(1, 3))]
    turns = [
        dict(zip(slots, draw(st.permutations(PEOPLE)), strict=False)) for _ in range(draw(st.integers(1, 5)))
    ]
    # Naive on purpose: a rotation starts at a local wall-clock time in its zone.
    first, last = datetime(2025, 1, 1), datetime(2027, 12, 31)  # noqa: DTZ001
    start = draw(st.datetimes(first, last)).replace(second=0, microsecond=0)
    return Rotation(
        id="random",
        name="Random rotation",
        time_zone=draw(st.sampled_from(ZONES)),
        start=start,
        turn_length=draw(turn_lengths()),
        slots={slot: Slot(role="engineer") for slot in slots},
        turns=tuple(turns),
        restrictions=tuple(draw(st.lists(restrictions(), max_size=2))),
    )


def instants_after(start: datetime, years: int = 3) -> st.SearchStrategy[datetime]:
    """Aware UTC instants, to the second, from ``start`` to ``years`` later."""
    naive = start.astimezone(UTC).replace(tzinfo=None)
    return st.datetimes(naive, naive + timedelta(days=365 * years)).map(
        lambda d: d.replace(microsecond=0, tzinfo=UTC)
    )

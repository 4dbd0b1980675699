"""Properties of the PagerDuty compiler and of ``who``; each test's docstring states its property."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import accumulate

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.checks.checked import load_policy
from oncall_policy.compile.pd import rest
from oncall_policy.compile.pd.ladders import rule_delays
from oncall_policy.compile.pd.schedules import schedule
from oncall_policy.meaning.who import on_call, rotation_now
from oncall_policy.model import Person, Rotation
from tests import schedule_reader
from tests.conftest import ACME, CLIPPER
from tests.strategies_pd import cumulative_timings, instants_after, people, rotations

CLIPPER_POLICY = load_policy(CLIPPER)
ACME_POLICY = load_policy(ACME)


@given(cumulative_timings(), st.integers(1, 240))
def test_delays_are_positive_and_add_up_to_the_timing(steps, final_wait):
    """Every rule delay is at least one minute, there is one rule per step, and the delays before
    each level add up to the cumulative time at which the policy notifies it."""
    delays = rule_delays(steps, final_wait)
    assert len(delays) == len(steps)
    assert all(delay >= 1 for delay in delays)
    assert [0, *accumulate(delays[:-1])] == [int(s / timedelta(minutes=1)) for s in steps]


@given(instants_after(datetime(2025, 12, 29, 9, tzinfo=UTC)))
def test_clipper_has_one_distinct_holder_per_slot(instant):
    """At every instant each Clipper slot has exactly one holder, and primary ≠ secondary."""
    (now,) = on_call(CLIPPER_POLICY, instant)
    assert [h.slot for h in now.holders] == ["primary", "secondary", "manager"]
    held = {h.slot: h.person.id for h in now.holders}
    assert held["primary"] != held["secondary"]


@given(st.data(), rotations())
def test_random_rotations_have_one_distinct_holder_per_slot(data, rotation):
    """For any rotation whose turns staff each slot with a different person, every instant after its
    start has exactly one holder per slot, all different."""
    now = rotation_now(rotation, people(), data.draw(instants_after(rotation.turn_start(0))))
    assert [h.slot for h in now.holders] == list(rotation.slots)
    assert len({h.person.id for h in now.holders}) == len(rotation.slots)


@given(instants_after(datetime(2025, 12, 29, 9, tzinfo=UTC)))
def test_clipper_hands_off_on_monday_0900_utc(instant):
    """The turn in force at any instant began, and the next one begins, on a Monday at 09:00 UTC,
    one week apart; the generated schedule's hand-offs fall on the same instants."""
    (now,) = on_call(CLIPPER_POLICY, instant)
    for moment in (now.turn_started, now.next_handoff):
        assert (moment.weekday(), moment.hour, moment.minute, moment.second) == (0, 9, 0, 0)
    assert now.next_handoff - now.turn_started == timedelta(weeks=1)
    body = rest.schedule(schedule(now.rotation, "primary"))
    assert now.next_handoff in schedule_reader.handoffs(body, now.turn + 2)


def _agrees(rotation: Rotation, instant: datetime, holders: dict[str, str | None]) -> None:
    for slot in rotation.slots:
        body = rest.schedule(schedule(rotation, slot))
        assert schedule_reader.on_call(body, instant) == holders[slot], slot


def _who(
    rotation: Rotation, instant: datetime, staff: dict[str, Person] | None = None
) -> dict[str, str | None]:
    now = rotation_now(rotation, staff or people(), instant)
    return {h.slot: f"@user:{h.person.id}" if h.on_duty else None for h in now.holders}


@given(st.data(), rotations())
def test_who_agrees_with_the_generated_schedules_for_random_rotations(data, rotation):
    """For any rotation and instant after its start, ``who`` names the person the generated
    schedule JSON puts on call (nobody outside restriction windows), across DST changes."""
    instant = data.draw(instants_after(rotation.turn_start(0)))
    _agrees(rotation, instant, _who(rotation, instant))


# Acme's zones change clocks on these days in 2026; instants are drawn near them too.
DST_DAYS = (datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 3, 29, tzinfo=UTC),
            datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))  # fmt: skip


def _near_dst() -> st.SearchStrategy[datetime]:
    return st.sampled_from(DST_DAYS).flatmap(
        lambda day: st.integers(-36 * 3600, 36 * 3600).map(lambda s: day + timedelta(seconds=s))
    )


@pytest.mark.parametrize("policy", [CLIPPER_POLICY, ACME_POLICY], ids=["clipper", "acme"])
@given(instant=st.one_of(instants_after(datetime(2026, 3, 3, tzinfo=UTC)), _near_dst()))
def test_who_agrees_with_the_generated_schedules_for_the_examples(policy, instant):
    """For the example policies at any instant (many near Acme's DST changes), every slot's holder
    from ``who`` is the user the generated schedule JSON puts on call."""
    staff = {p.id: p for p in policy.people}
    for rotation in policy.rotations:
        _agrees(rotation, instant, _who(rotation, instant, staff))

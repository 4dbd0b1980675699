"""``oncall-policy who --format ics``: every turn over a span, as a calendar to import or serve."""

from __future__ import annotations

from datetime import datetime

from oncall_policy.checks.calendar_size import MAX_EVENTS
from oncall_policy.compile.ics.feed import calendar, render
from oncall_policy.errors import OncallPolicyError
from oncall_policy.meaning.shifts import shifts
from oncall_policy.model import Policy
from oncall_policy.model.calendars import MAX_HORIZON


def feed(policy: Policy, since: datetime, until: datetime | None, person: str | None) -> str:
    """The feed of every rotation's turns that overlap [since, until) (until: ``since`` plus the
    policy's horizon), only ``person``'s when given. DTSTAMP is ``since``."""
    until = until or since + policy.calendars.horizon
    if until <= since:
        raise OncallPolicyError(f"--to ({until.isoformat()}) must be after --from ({since.isoformat()})")
    if until - since > MAX_HORIZON:
        raise OncallPolicyError("--from and --to are at most 2 years (730 days) apart")
    for rotation in policy.rotations:
        events = ((until - since) // rotation.turn_length + 2) * len(rotation.slots)
        if events > MAX_EVENTS:
            raise OncallPolicyError(
                f"rotation {rotation.id!r} would have about {events:,} events from --from to --to, "
                f"more than {MAX_EVENTS:,}; ask for a shorter span"
            )
    people = {p.id: p for p in policy.people}
    if person is not None and person not in people:
        raise OncallPolicyError(f"--person {person!r} is not a person of the policy; give one of its ids")
    found = [
        shift
        for rotation in policy.rotations
        for shift in shifts(rotation, people, since, until)
        if person is None or shift.person.id == person
    ]
    name = f"On call: {people[person].name if person else policy.organisation.name}"
    about = f"Turns from {since.isoformat()} to {until.isoformat()}, by oncall-policy who --format ics."
    return calendar(name, about, render(found, {rotation.id: since for rotation in policy.rotations}))

"""Target ``calendars``: iCalendar feeds to subscribe to, one per rotation
(``calendars/rotations/<id>.ics``) and one per person who holds a slot
(``calendars/people/<id>.ics``).

Each rotation's feed covers the window the policy's ``calendars`` section gives (by default a year
from the rotation's start), so that it is the same on every compile; a person's feed gathers their
shifts from every rotation's window.
"""

from __future__ import annotations

from datetime import UTC, datetime

from oncall_policy.compile.ics.feed import calendar, render
from oncall_policy.meaning.shifts import shifts
from oncall_policy.model import Policy, Rotation
from oncall_policy.model.types import zone
from oncall_policy.provenance import Source

DIRECTORY = "calendars"


def build(policy: Policy, source: Source) -> dict[str, str]:
    people = {person.id: person for person in policy.people}
    windows = {rotation.id: window(policy, rotation) for rotation in policy.rotations}
    stamps = {rotation_id: since for rotation_id, (since, _) in windows.items()}
    events = {
        rotation.id: render(shifts(rotation, people, *windows[rotation.id]), stamps)
        for rotation in policy.rotations
    }
    about = provenance(source)
    files = {
        f"{DIRECTORY}/rotations/{rotation.id}.ics": calendar(
            f"On call: {rotation.name}", about, events[rotation.id]
        )
        for rotation in policy.rotations
    }
    everyone = [rendered for found in events.values() for rendered in found]
    for person in policy.people:
        theirs = [rendered for rendered in everyone if rendered.shift.person.id == person.id]
        if theirs:
            files[f"{DIRECTORY}/people/{person.id}.ics"] = calendar(f"On call: {person.name}", about, theirs)
    return files


def window(policy: Policy, rotation: Rotation) -> tuple[datetime, datetime]:
    """The UTC instants a rotation's feed covers: from ``calendars.start`` (else the rotation's
    start) on the rotation's wall clock, for ``calendars.horizon`` of that wall clock."""
    local = policy.calendars.start or rotation.start
    tz = zone(rotation.time_zone)
    return (
        local.replace(tzinfo=tz).astimezone(UTC),
        (local + policy.calendars.horizon).replace(tzinfo=tz).astimezone(UTC),
    )


def provenance(source: Source) -> str:
    """The generated-file header, as a calendar's description (iCalendar has no comments)."""
    return " ".join(source.header("").split())

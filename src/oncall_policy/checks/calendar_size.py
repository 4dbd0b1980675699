"""calendar-size: each rotation's calendar feed holds at most 20,000 events over the horizon.
Events are turns times slots over ``calendars.horizon``. Compile writes a feed per rotation and per
person ahead of time, so a very short turn (``1m``) over a long horizon would make millions of
events; the problem says how long a horizon the rotation allows."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.durations import format_duration
from oncall_policy.leaks.redact import shown
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("calendar-size", CHECK, __doc__)
MAX_EVENTS = 20_000


def check(context: Context) -> Iterator[Finding]:
    horizon = context.policy.calendars.horizon
    for i, rotation in enumerate(context.policy.rotations):
        # One more turn for a window that starts inside a turn, one for DST's shorter days.
        events = (horizon // rotation.turn_length + 2) * len(rotation.slots)
        if events > MAX_EVENTS:
            most = rotation.turn_length * (MAX_EVENTS // len(rotation.slots) - 2)
            yield Finding(
                ("rotations", i, "turn_length"),
                f"the calendar of rotation {shown(rotation.id)} would hold about {events:,} events over "
                f"calendars.horizon {format_duration(horizon)}, more than {MAX_EVENTS:,}; set "
                f"calendars.horizon to {format_duration(most)} or less, or lengthen the turns",
                RULE.id,
            )

"""Calendar feeds: how far the compiled on-call calendars reach."""

from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator

from oncall_policy.model.types import LocalDateTime, PositiveDuration, Strict

# A feed is compiled ahead, so it ends. A quarter by default: a year of 12-hour shifts is a few
# MB of feeds and seconds of compile; at most two years.
DEFAULT_HORIZON = timedelta(weeks=13)
MAX_HORIZON = timedelta(days=2 * 365)


def _bounded(value: timedelta) -> timedelta:
    if value > MAX_HORIZON:
        raise ValueError("a calendar horizon is at most 2y; compile again later to move it forward")
    return value


class Calendars(Strict):
    """The window the compiled calendar feeds (``calendars/``) cover.

    Each rotation's feed starts at ``start`` on the wall clock of the rotation's time zone (by
    default at the rotation's own start) and holds every turn that overlaps the following
    ``horizon`` (by default 13 weeks). The window is part of the policy, not of the day it is
    compiled, so the feeds are the same on every compile; move ``start`` forward to publish later
    turns.
    """

    start: LocalDateTime | None = None
    horizon: Annotated[PositiveDuration, AfterValidator(_bounded)] = DEFAULT_HORIZON

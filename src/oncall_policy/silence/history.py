"""History: re-created, extended and chained silences count together, per alert, in time covered.

Recreating or extending a silence is the bypass Alertmanager's maintainers point at. For each
alert a silence reaches (each catalog alert, and the bucket of unknown alerts), every silence
that reaches the same alert — active, pending or expired, whatever its matchers' spelling —
takes part: silences whose times overlap, touch, or leave a gap shorter than the chain gap form
one stretch. The stretch's *covered* time is the union of their intervals (so replacing a
silence costs only the seconds the replaced one ran), and it must fit the smallest cap any of
its silences has for that alert, plus the policy's replace grace. Taking the smallest cap makes
the judgement the same whichever silence of a stretch is judged: what ``add`` accepts, an audit
right after accepts, and a set an audit accepts stays accepted when re-added one by one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort

from oncall_policy.datetimes import datetime, timedelta
from oncall_policy.records import Record
from oncall_policy.rulebook import SILENCE, Rule
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Final

HISTORY_UNREADABLE = Rule(
    "history-unreadable",
    SILENCE,
    "the silences already in Alertmanager can be read, when the policy requires it. Without them "
    "re-created or extended silences cannot be counted, so the silence is refused "
    "(``silences.history.required``).",
)


class Span(Record):
    """One silence's interval and its cap for one alert."""

    silence_id: str
    start: datetime
    end: datetime
    cap: timedelta


class Stretch(Record):
    """Silences chained together on one alert: their covered time and the smallest cap."""

    members: tuple[Span, ...]
    first: datetime
    last: datetime
    covered: timedelta
    cap: timedelta

    def ids(self) -> tuple[str, ...]:
        return tuple(span.silence_id for span in self.members)


def stretches(spans: Sequence[Span], gap: timedelta) -> list[Stretch]:
    """The spans of one alert grouped into stretches (sorted by start)."""
    out: list[Stretch] = []
    group: list[Span] = []
    reach_end = None  # the latest end in the group so far
    for span in sorted(spans, key=_order):
        if group and reach_end is not None and span.start - reach_end > gap:
            out.append(_stretch(group))
            group = []
        reach_end = span.end if not group or reach_end is None else max(reach_end, span.end)
        group.append(span)
    if group:
        out.append(_stretch(group))
    return out


def _order(span: Span) -> tuple[datetime, datetime, str]:
    """Spans in time order: by start, then end, then id."""
    return (span.start, span.end, span.silence_id)


def _stretch(group: list[Span]) -> Stretch:
    covered = timedelta(0)
    start, end = group[0].start, group[0].end
    for span in group[1:]:  # sorted by start: merge overlapping intervals, measure their union
        if span.start > end:
            covered += end - start
            start, end = span.start, span.end
        else:
            end = max(end, span.end)
    covered += end - start
    last = max(span.end for span in group)
    return Stretch(tuple(group), group[0].start, last, covered, min(span.cap for span in group))


def allowed(stretch: Stretch, grace: timedelta) -> bool:
    """Whether a stretch fits its cap: a lone silence exactly, a chain with the replace grace."""
    slack = grace if len(stretch.members) > 1 else timedelta(0)
    return stretch.covered <= stretch.cap + slack


class Timeline:
    """Every span on one alert, grouped into stretches once, so that the stretch of any silence —
    listed, or about to be created — is found without scanning them all again."""

    __slots__ = ("_firsts", "_lasts", "_of", "gap", "stretches")

    def __init__(self, spans: Sequence[Span], gap: timedelta) -> None:
        self.gap: Final = gap
        self.stretches: Final = stretches(spans, gap)
        self._of: Final = {span.silence_id: found for found in self.stretches for span in found.members}
        self._firsts: Final = [found.first for found in self.stretches]
        self._lasts: Final = [found.last for found in self.stretches]  # sorted too: they are disjoint

    def containing(self, span: Span) -> Stretch:
        """The stretch ``span`` belongs to: its own if it is on the timeline, else the one it
        makes with every stretch it touches (it may bridge several)."""
        found = self._of.get(span.silence_id)
        if found is not None:
            return found
        low = bisect_left(self._lasts, _shifted(span.start, -self.gap))
        high = bisect_right(self._firsts, _shifted(span.end, self.gap))
        # The stretches are disjoint and in order, each sorted: their members are sorted already.
        members = [member for touched in self.stretches[low:high] for member in touched.members]
        insort(members, span, key=_order)  # where a stable sort would put it, after its equals
        return _stretch(members)


def _shifted(moment: datetime, by: timedelta) -> datetime:
    """``moment + by``, held at the first or last moment a ``datetime`` has: a silence may start
    in year 1 or end in 9999 (Alertmanager stores both), and nothing is before or after those."""
    try:
        return moment + by
    except OverflowError:
        return (_FIRST if by < timedelta(0) else _LAST).replace(tzinfo=moment.tzinfo)


_FIRST, _LAST = datetime.min, datetime.max

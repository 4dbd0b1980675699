"""Re-creation: silences with the same matchers, back to back, count against one cap.

Recreating or extending a silence is the bypass Alertmanager's maintainers point at. Silences
with the same set of (name, operator, value) matchers whose times overlap, touch, or leave a gap
shorter than ``ADJACENT`` form a chain; the chain covers from its earliest start to its latest
end, and that whole span must fit within the cap. Expired silences still listed count too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from oncall_policy import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import TypeVar

    from oncall_policy.matchers import Matcher

    T = TypeVar("T")

ADJACENT = timedelta(minutes=5)
Key = frozenset[tuple[str, str, str]]


def key(matchers: Iterable[Matcher]) -> Key:
    """Identity of a matcher set, as ``amtool silence query`` compares matchers."""
    return frozenset((m.name, m.op.value, m.value) for m in matchers)


def chains(items: Sequence[tuple[datetime, datetime, T]]) -> list[tuple[datetime, datetime, list[T]]]:
    """Group intervals into chains: (earliest start, latest end, members)."""
    out: list[tuple[datetime, datetime, list[T]]] = []
    for start, end, item in sorted(items, key=lambda entry: (entry[0], entry[1])):
        if out and start - out[-1][1] <= ADJACENT:
            first, last, members = out[-1]
            members.append(item)
            out[-1] = (first, max(last, end), members)
        else:
            out.append((start, end, [item]))
    return out


def span(
    start: datetime, end: datetime, others: Iterable[tuple[datetime, datetime]]
) -> tuple[datetime, datetime]:
    """The span of the chain the interval ``start``–``end`` belongs to among ``others``."""
    items = [(s, e, False) for s, e in others] + [(start, end, True)]
    for first, last, members in chains(items):
        if True in members:
            return first, last
    return start, end

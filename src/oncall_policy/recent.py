"""Answers kept while they are asked for: a cache whose size is bounded, for work keyed by input.

What judging a silence works out once and reuses (a regex's parse, a silence's reach and limits)
is keyed by text the writer chose. A long-running gate judges every write it is sent: caches that
kept every answer grew its memory with every new text for good (a regex's parse per distinct
value, without bound), and those cleared when full held up to 200,000 answers first (bench/gate.py:
the gate's memory grew 2 KB a write, 67 → 130 MiB over 100,000 requests, still climbing).

The answers are held in two generations: a new one goes to the young; when the young is full it
becomes the old (the old one before it is dropped), and an answer found in the old moves back to
the young. At most twice ``capacity`` answers are held, and one asked for again before
``capacity`` new ones have come is never dropped: a clear when full dropped the answers in use
too. It imports nothing else: the silence path imports it.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable
    from typing import Generic, TypeVar

    K = TypeVar("K", bound=Hashable)
    V = TypeVar("V")
else:  # subscripted only for mypy: ``Recent[K, V]`` stands for ``Recent`` when run

    class Generic:
        def __class_getitem__(cls, _: object) -> type:
            return cls

    K = V = None

_MISSING = object()
_LIMIT = [0]  # the capacity no cache goes past (``limit``); 0: each its own
# Under a limit, an answer is kept only if its key holds at most this many characters of text
# (two regex matchers of the longest judged, 8,192 each), and each generation holds keys of at
# most ``TEXT_BUDGET`` characters in all: the text of a silence is the writer's (up to the gate's
# max_body), and an answer often holds it again (a violation quotes it). An answer not kept is
# worked out again when asked again: the answers on a silence of long regexes still are, while
# they are in use (dropping every key of over 2,048 characters made them be worked out again at
# every judgement they take part in).
KEPT_TEXT = 16_384
TEXT_BUDGET = 1 << 20


def limit(capacity: int) -> None:
    """From now on, no cache of this process keeps more than ``2 * capacity`` answers, whatever
    its own capacity, nor one whose key holds more than ``KEPT_TEXT`` characters of text: for a
    server, whose memory must level off whatever it is sent (red team: a count alone let 30
    writes of a 256 KiB ``createdBy`` keep 15 MiB), where a command's batch (an audit of 50,000
    silences) wants its whole working set kept, and pays nothing to weigh keys."""
    _LIMIT[0] = capacity


def text_in(key: object, depth: int = 0) -> int:
    """About how many characters of text ``key`` holds: its strings, those of the tuples and
    sets in it (eight deep), and what any other object's ``repr`` shows (a record's fields: a
    matcher's value, a problem's message that quotes the writer's text); numbers count nothing.
    A key nested deeper counts as over ``KEPT_TEXT``: it is not kept."""
    if isinstance(key, str):
        return len(key)
    if isinstance(key, tuple | frozenset):
        return sum(text_in(item, depth + 1) for item in key) if depth < _DEPTH else KEPT_TEXT + 1
    if key is None or isinstance(key, int | float):
        return 0
    return len(repr(key))


_DEPTH = 8


class Recent(Generic[K, V]):
    """A mapping of at most ``2 * capacity`` answers, keeping those asked for recently; with
    ``weigh``, also of answers weighing about ``budget`` in all (a generation is full at half)."""

    __slots__ = ("_old", "_texted", "_weighed", "_young", "budget", "capacity", "weigh")

    def __init__(self, capacity: int, weigh: Callable[[V], int] | None = None, budget: int = 0) -> None:
        self.capacity = capacity
        self.weigh = weigh
        self.budget = budget
        self._young: dict[K, V] = {}
        self._old: dict[K, V] = {}
        self._weighed = 0  # what the young generation's answers weigh
        self._texted = 0  # the characters of text its keys hold (counted under a limit)

    def get(self, key: K) -> V | None:
        """The answer kept for ``key``, or None."""
        found = self._young.get(key, _MISSING)
        if found is _MISSING:
            found = self._old.pop(key, _MISSING)
            if found is _MISSING:
                return None
            self[key] = found  # type: ignore[assignment]  # not _MISSING: a V
        return found  # type: ignore[return-value]  # not _MISSING: a V

    def __setitem__(self, key: K, value: V) -> None:
        young = self._young
        capacity, text = self.capacity, 0
        if _LIMIT[0]:
            text = text_in(key)
            if text > KEPT_TEXT:
                return
            capacity = min(capacity, _LIMIT[0])
        weight = 0 if self.weigh is None else self.weigh(value)
        full = (
            len(young) >= capacity
            or (weight and 2 * (self._weighed + weight) > self.budget)
            or self._texted + text > TEXT_BUDGET
        )
        if full and key not in young:
            self._old, self._young, self._weighed, self._texted = young, {}, 0, 0
        self._young[key] = value
        self._weighed += weight
        self._texted += text

    def values(self) -> list[V]:
        """Every answer kept."""
        return [*self._young.values(), *self._old.values()]

    def __contains__(self, key: object) -> bool:
        return key in self._young or key in self._old

    def __len__(self) -> int:
        return len(self._young) + len(self._old)

    def clear(self) -> None:
        self._young.clear()
        self._old.clear()
        self._weighed = self._texted = 0

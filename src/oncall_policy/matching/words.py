"""A finite set of strings as a term: a trie that is never built.

The strings are sorted once; a node is the range of them that share the prefix of its depth, so
its derivative by a character (its child) is the sub-range found by two ``bisect`` calls, and a
set of 100,000 names costs one sort up front and a few microseconds per step after.
"""

from __future__ import annotations

from bisect import bisect_left

from oncall_policy.matching.charset import MAX_RUNE, Charset
from oncall_policy.matching.context import EVERYWHERE, NOWHERE
from oncall_policy.matching.term_kinds import WORDS
from oncall_policy.matching.terms import EPSILON, NOTHING, Term, Words, make
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


def strings(texts: Iterable[str]) -> Term:
    """The term matching exactly these strings. A surrogate code point, which no Go string holds,
    is refused with ``ValueError``."""
    ordered = tuple(sorted(set(texts)))
    try:
        "".join(ordered).encode()  # UTF-8 refuses exactly the surrogates, at C speed
    except UnicodeEncodeError:
        raise ValueError("a string holds a surrogate code point, which no label value can") from None
    return _node(Words(ordered), 0, len(ordered), 0)


def child(term: Term, char: int) -> Term:
    """The derivative of a node by ``char``: the strings that go on with it."""
    words, low, high = term.words, term.low, term.high
    assert words is not None  # noqa: S101 - a WORDS term has both, which mypy cannot know
    assert high is not None  # noqa: S101
    texts = words.strings
    prefix = texts[low][: term.depth]
    start = bisect_left(texts, prefix + chr(char), low, high)
    return _node(words, start, _end_of(texts, prefix, char, start, high), term.depth + 1)


def _end_of(texts: tuple[str, ...], prefix: str, char: int, start: int, high: int) -> int:
    """Past the last string of ``texts[start:high]`` that goes on with ``char`` after ``prefix``."""
    return high if char == MAX_RUNE else bisect_left(texts, prefix + chr(char + 1), start, high)


def _node(words: Words, low: int, high: int, depth: int) -> Term:
    if low == high:
        return NOTHING
    texts = words.strings
    ends_here = len(texts[low]) == depth  # the prefix itself sorts first
    if ends_here and high - low == 1:
        return EPSILON
    front = frozenset(Charset.single(char) for char in _next_chars(texts, low + ends_here, high, depth))
    nullable = EVERYWHERE if ends_here else NOWHERE
    return make(WORDS, low=low, high=high, words=words, depth=depth, nullable=nullable, front=front)


def _next_chars(texts: tuple[str, ...], low: int, high: int, depth: int) -> list[int]:
    """The distinct characters at ``depth`` in ``texts[low:high]`` (which share the prefix before)."""
    found = []
    prefix = texts[low][:depth] if low < high else ""
    while low < high:
        char = ord(texts[low][depth])
        found.append(char)
        low = _end_of(texts, prefix, char, low, high)
    return found

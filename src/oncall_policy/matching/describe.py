"""A term as text, for reprs and test failures: regex-like, with ``&`` and ``~`` for intersection
and complement, ``∅`` and ``ε``; cut short (``…``) past a few levels, so it never recurses deep."""

from __future__ import annotations

from oncall_policy.matching.charset import ALPHABET
from oncall_policy.matching.term_kinds import (
    AND,
    ASSERT,
    CHARS,
    CONCAT,
    EPSILON_KIND,
    NOT,
    OR,
    REPEAT,
    STAR,
    WORDS,
    spine,
)
from oncall_policy.matching.tree import Op
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.charset import Charset
    from oncall_policy.matching.terms import Term

_ASSERTIONS = {
    Op.BEGIN_LINE: "(?m:^)",
    Op.END_LINE: "(?m:$)",
    Op.BEGIN_TEXT: r"\A",
    Op.END_TEXT: r"\z",
    Op.WORD_BOUNDARY: r"\b",
    Op.NO_WORD_BOUNDARY: r"\B",
}


def describe(term: Term, depth: int = 8) -> str:  # noqa: PLR0911 - one return per kind reads best
    if depth == 0:
        return "…"
    kind, items = term.kind, term.items
    if kind == CHARS:
        return _charset(term.charset)
    if kind == ASSERT:
        return _ASSERTIONS[Op(term.low)]
    if kind == CONCAT:
        return "".join(_grouped(item, depth - 1) for item in spine(term))
    if kind in (OR, AND):
        return ("|" if kind == OR else "&").join(describe(item, depth - 1) for item in items)
    if kind == STAR:
        return _grouped(items[0], depth - 1) + "*"
    if kind == REPEAT:
        return f"{_grouped(items[0], depth - 1)}{{{term.low},{'' if term.high is None else term.high}}}"
    if kind == NOT:
        return "~" + _grouped(items[0], depth - 1)
    if kind == WORDS:
        return _words(term)
    return "ε" if kind == EPSILON_KIND else "∅"


def _grouped(term: Term, depth: int) -> str:
    text = describe(term, depth)
    return f"({text})" if term.kind in (CONCAT, OR, AND) else text


def _charset(charset: Charset) -> str:
    if charset == ALPHABET:
        return "(?s:.)"
    ranges, negated = charset.ranges(), (~charset).ranges()
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0])
    caret = "^" if len(negated) < len(ranges) - 1 else ""  # the surrogates cut the alphabet in two
    listed = negated if caret else ranges
    shown = "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in listed[:8])
    return f"[{caret}{shown}{'…' if len(listed) > 8 else ''}]"


def _char(code: int) -> str:
    char = chr(code)
    if char.isascii() and (char.isalnum() or char in " _"):
        return char
    return "\\" + char if char.isascii() and char.isprintable() else f"\\x{{{code:x}}}"


def _words(term: Term) -> str:
    assert term.words is not None  # noqa: S101 - a WORDS term has them
    assert term.high is not None  # noqa: S101
    texts = term.words.strings[term.low : term.high]
    shown = "|".join(text[term.depth :] for text in texts[:5])
    return f"{{{shown}{'|…' if len(texts) > 5 else ''}}}"

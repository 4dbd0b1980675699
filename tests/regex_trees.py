"""Test-only helpers for Go parse trees: Go's parse of a label matcher, hand builders, a reference.

``anchored(pattern)`` is ``matching.syntax.parse("^(?:pattern)$")``, the tree Alertmanager matches
a label value with. ``node``, ``literal`` and ``repeat`` build trees by hand, for shapes the parser
never builds or refuses (nested repetitions past Go's 1000 copies, ``a{3,2}``, 1000 levels deep).

``reference_fullmatch(tree, text)`` is a deliberately naive matcher over the tree, by sets of end
positions, with assertions evaluated as Go's ``EmptyOpContext`` does and case folded by Go's
simple folding orbits (``unicode_tables.fold_orbit``): the reference the derivative engine is
checked against on short strings. ``python_pattern(tree)`` renders an assertion-free tree for
Python's ``re``.
"""

from __future__ import annotations

from oncall_policy.matching.syntax import parse
from oncall_policy.matching.tree import Flags, Op, Regexp
from oncall_policy.matching.unicode_tables import fold_orbit

NO_FLAGS = Flags(0)


def node(op: Op, *sub: Regexp, rune: list[int] | None = None, flags: Flags = NO_FLAGS) -> Regexp:
    """A node built by hand, for shapes Go's parser never builds (or refuses to)."""
    built = Regexp(op, flags)
    built.sub = list(sub)
    built.rune = rune or []
    return built


def literal(text: str, *, fold: bool = False) -> Regexp:
    return node(Op.LITERAL, rune=[ord(c) for c in text], flags=Flags.FOLD_CASE if fold else NO_FLAGS)


def repeat(sub: Regexp, low: int, high: int) -> Regexp:
    built = node(Op.REPEAT, sub)
    built.min, built.max = low, high
    return built


def anchored(pattern: str) -> Regexp:
    """The tree Alertmanager matches a label value with: Go's parse of ``^(?:pattern)$``
    (``RegexpError`` where Go refuses it)."""
    return parse(f"^(?:{pattern})$")


# The reference matcher ---------------------------------------------------------------------------


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _holds(op: Op, text: str, at: int) -> bool:
    before = text[at - 1] if at > 0 else None
    after = text[at] if at < len(text) else None
    if op == Op.BEGIN_TEXT:
        return before is None
    if op == Op.END_TEXT:
        return after is None
    if op == Op.BEGIN_LINE:
        return before in (None, "\n")
    if op == Op.END_LINE:
        return after in (None, "\n")
    boundary = _is_word(before or "") != _is_word(after or "")
    return boundary if op == Op.WORD_BOUNDARY else not boundary


def _same_as(rune: int, flags: Flags) -> tuple[int, ...]:
    """The runes a literal rune matches: its simple case-fold orbit under ``(?i)`` (Go's tables:
    k with K and the Kelvin sign, σ with ς and Σ), else itself."""
    return fold_orbit(rune) if flags & Flags.FOLD_CASE else (rune,)


def _one_char(regexp: Regexp, char: str) -> bool:
    code = ord(char)
    if regexp.op == Op.ANY_CHAR:
        return True
    if regexp.op == Op.ANY_CHAR_NOT_NL:
        return char != "\n"
    pairs = zip(regexp.rune[::2], regexp.rune[1::2], strict=True)
    return any(lo <= code <= hi for lo, hi in pairs)


def _ends(regexp: Regexp, text: str, at: int) -> set[int]:  # noqa: C901, PLR0911 - one branch per op
    op = regexp.op
    if op == Op.NO_MATCH:
        return set()
    if op == Op.EMPTY_MATCH:
        return {at}
    if op == Op.LITERAL:
        for rune in regexp.rune:
            if at >= len(text) or ord(text[at]) not in _same_as(rune, regexp.flags):
                return set()
            at += 1
        return {at}
    if op in (Op.CHAR_CLASS, Op.ANY_CHAR, Op.ANY_CHAR_NOT_NL):
        return {at + 1} if at < len(text) and _one_char(regexp, text[at]) else set()
    if op in (Op.BEGIN_LINE, Op.END_LINE, Op.BEGIN_TEXT, Op.END_TEXT, Op.WORD_BOUNDARY, Op.NO_WORD_BOUNDARY):
        return {at} if _holds(op, text, at) else set()
    if op == Op.CAPTURE:
        return _ends(regexp.sub[0], text, at)
    if op == Op.CONCAT:
        positions = {at}
        for sub in regexp.sub:
            positions = {end for start in positions for end in _ends(sub, text, start)}
        return positions
    if op == Op.ALTERNATE:
        return {end for sub in regexp.sub for end in _ends(sub, text, at)}
    low, high = {Op.STAR: (0, -1), Op.PLUS: (1, -1), Op.QUEST: (0, 1)}.get(op, (regexp.min, regexp.max))
    return _repeat_ends(regexp.sub[0], text, at, low, high)


def _repeat_ends(sub: Regexp, text: str, at: int, low: int, high: int) -> set[int]:
    frontier = {at}
    for _ in range(low):
        frontier = {end for start in frontier for end in _ends(sub, text, start)}
    found, extra = set(frontier), 0
    while frontier and (high == -1 or extra < high - low):
        extra += 1
        # a position reached again, later, has fewer repetitions left: it adds nothing
        frontier = {end for start in frontier for end in _ends(sub, text, start)} - found
        found |= frontier
    return found


def reference_fullmatch(regexp: Regexp, text: str) -> bool:
    return len(text) in _ends(regexp, text, 0)


# Rendering for Python's re ------------------------------------------------------------------------


def python_pattern(regexp: Regexp) -> str:  # noqa: C901, PLR0911 - one return per op
    """An equivalent pattern for Python's ``re`` (assertion-free trees only); a case-folded literal
    is written as the class of its runes' orbits, so Python's own folding plays no part."""
    op, subs = regexp.op, [python_pattern(sub) for sub in regexp.sub]
    if op == Op.NO_MATCH:
        return "(?!)"
    if op == Op.EMPTY_MATCH:
        return "(?:)"
    if op == Op.LITERAL:
        return "".join(_python_class(_same_as(r, regexp.flags)) for r in regexp.rune)
    if op == Op.CHAR_CLASS:
        pairs = zip(regexp.rune[::2], regexp.rune[1::2], strict=True)
        inner = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in pairs)
        return f"[{inner}]" if inner else "(?!)"
    if op == Op.ANY_CHAR:
        return "(?s:.)"
    if op == Op.ANY_CHAR_NOT_NL:
        return "[^\\n]"
    if op == Op.CAPTURE:
        return f"({subs[0]})"
    if op == Op.CONCAT:
        return "".join(f"(?:{sub})" for sub in subs)
    if op == Op.ALTERNATE:
        return "(?:" + "|".join(subs) + ")"
    suffix = {Op.STAR: "*", Op.PLUS: "+", Op.QUEST: "?"}.get(op)
    if suffix is None:
        suffix = f"{{{regexp.min},{'' if regexp.max == -1 else regexp.max}}}"
    return f"(?:{subs[0]}){suffix}"


def _python_class(runes: tuple[int, ...]) -> str:
    return "[" + "".join(f"\\U{r:08x}" for r in runes) + "]"

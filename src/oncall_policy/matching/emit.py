r"""A parse tree written as an RE2 pattern that leaves RE2 nothing to interpret: every class,
case-folded rune and ``.`` as explicit code-point ranges, so that what matches is what Go's tree
says, not what RE2's own parser and Unicode tables would make of Go's syntax.

Surrogates (U+D800–U+DFFF) are left out of every class: a Go string never decodes to one (Go reads
a byte that is not UTF-8 as U+FFFD, and the engine hands RE2 the text that way). ``x{0}`` is written
as the empty match it is (Go simplifies it so): RE2 would count the repetitions inside it against
its limit of 1000, where Go does not.

A search starts at a rune, as in Go (``search_pattern``): RE2's own unanchored search steps by
bytes, and ``\B`` holds between two bytes of one character, so Go's ``a)|\B|(b`` never matches
``iẞB`` where RE2 alone would.
"""

from __future__ import annotations

from oncall_policy.matching.tree import Flags, Op, Regexp
from oncall_policy.matching.unicode_tables import MAX_RUNE, fold_orbit
from oncall_policy.matching.walk import fold
from oncall_policy.static import TYPE_CHECKING

# How tightly a piece binds: an atom takes a repetition operator as it is; a sequence (or a
# repeated atom) joins a concatenation as it is; an alternation must be grouped to join either.
_ALTERNATION, _SEQUENCE, _ATOM = 1, 2, 3

NO_MATCH = "[^\\x00-\\x{10ffff}]"
EMPTY = "(?:)"
_ASSERTIONS = {
    Op.BEGIN_LINE: "(?m:^)",
    Op.END_LINE: "(?m:$)",
    Op.BEGIN_TEXT: "\\A",
    Op.END_TEXT: "\\z",
    Op.WORD_BOUNDARY: "\\b",
    Op.NO_WORD_BOUNDARY: "\\B",
}
_ANY = [0, MAX_RUNE]
_ANY_NOT_NL = [0, 0x9, 0xB, MAX_RUNE]
_SUFFIXES = {Op.STAR: "*", Op.PLUS: "+", Op.QUEST: "?"}

if TYPE_CHECKING:
    from collections.abc import Callable

Piece = tuple[str, int]  # the text, and how tightly it binds


def to_re2(tree: Regexp) -> str:
    """The RE2 pattern that matches what ``tree`` matches in Go."""
    return fold(tree, _emit)[0]


def search_pattern(tree: Regexp) -> str:
    """The RE2 pattern whose match anchored at the start of a text is Go's search for ``tree``
    in it: preceded by any runes, unless the tree begins at the beginning of the text."""
    pattern = to_re2(tree)
    if tree.op == Op.BEGIN_TEXT or (tree.op == Op.CONCAT and tree.sub[0].op == Op.BEGIN_TEXT):
        return pattern
    return f"{char_class(_ANY)}*?(?:{pattern})"


def _emit(re: Regexp, subs: list[Piece]) -> Piece:
    return _EMITTERS[re.op](re, subs)


def _class(re: Regexp, _subs: list[Piece]) -> Piece:
    ranges = re.rune if re.op == Op.CHAR_CLASS else _ANY if re.op == Op.ANY_CHAR else _ANY_NOT_NL
    return char_class(ranges), _ATOM


def _assertion(re: Regexp, _subs: list[Piece]) -> Piece:
    return _ASSERTIONS[re.op], _SEQUENCE  # grouped before a repetition, as RE2 may refuse one


def _suffixed(re: Regexp, subs: list[Piece]) -> Piece:
    return _group(subs[0], _ATOM) + _SUFFIXES[re.op], _SEQUENCE


def _concat(_re: Regexp, subs: list[Piece]) -> Piece:
    return "".join(_group(sub, _SEQUENCE) for sub in subs), _SEQUENCE


def _alternate(_re: Regexp, subs: list[Piece]) -> Piece:
    return "|".join(text for text, _ in subs), _ALTERNATION


def _group(piece: Piece, needed: int) -> str:
    text, binding = piece
    return text if binding >= needed else f"(?:{text})"


def _repeat(re: Regexp, subs: list[Piece]) -> Piece:
    if re.max == 0:
        return EMPTY, _ATOM
    counts = f"{re.min}" if re.min == re.max else f"{re.min},{'' if re.max == -1 else re.max}"
    return f"{_group(subs[0], _ATOM)}{{{counts}}}", _SEQUENCE


def _literal(re: Regexp, _subs: list[Piece]) -> Piece:
    folded = re.flags & Flags.FOLD_CASE
    pieces = [char_class(_orbit_ranges(r)) if folded else _rune(r) for r in re.rune]
    if len(pieces) == 1:
        return pieces[0], _ATOM
    return "".join(pieces) or EMPTY, _SEQUENCE if pieces else _ATOM


def _orbit_ranges(r: int) -> list[int]:
    return [c for c in fold_orbit(r) for _ in (0, 1)]


def _rune(r: int) -> str:
    if 0xD800 <= r <= 0xDFFF:
        return NO_MATCH
    return chr(r) if chr(r).isascii() and chr(r).isalnum() else f"\\x{{{r:x}}}"


def char_class(ranges: list[int]) -> str:
    """``[…]`` of the flattened ranges, surrogates left out; an empty class when nothing is left."""
    parts: list[str] = []
    for i in range(0, len(ranges), 2):
        for lo, hi in _without_surrogates(ranges[i], ranges[i + 1]):
            parts.append(f"\\x{{{lo:x}}}" if lo == hi else f"\\x{{{lo:x}}}-\\x{{{hi:x}}}")
    return f"[{''.join(parts)}]" if parts else NO_MATCH


def _without_surrogates(lo: int, hi: int) -> list[tuple[int, int]]:
    if hi < 0xD800 or lo > 0xDFFF:
        return [(lo, hi)]
    return [(a, b) for a, b in ((lo, 0xD7FF), (0xE000, hi)) if a <= b]


_EMITTERS: dict[Op, Callable[[Regexp, list[Piece]], Piece]] = {
    Op.NO_MATCH: lambda _re, _subs: (NO_MATCH, _ATOM),
    Op.EMPTY_MATCH: lambda _re, _subs: (EMPTY, _ATOM),
    Op.LITERAL: _literal,
    Op.CHAR_CLASS: _class,
    Op.ANY_CHAR_NOT_NL: _class,
    Op.ANY_CHAR: _class,
    **dict.fromkeys(_ASSERTIONS, _assertion),
    Op.CAPTURE: lambda _re, subs: subs[0],  # nothing is captured: a match is all we ask
    **dict.fromkeys(_SUFFIXES, _suffixed),
    Op.REPEAT: _repeat,
    Op.CONCAT: _concat,
    Op.ALTERNATE: _alternate,
}

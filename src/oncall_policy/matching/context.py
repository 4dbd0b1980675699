"""The context an empty-width assertion looks at: the class of the character before the position
and of the one after it, as Go's ``syntax.EmptyOpContext`` reads them.

A class is an index: before a position, ``START`` (no character: the start of the text), ``WORD``
(ASCII ``[0-9A-Za-z_]``), ``NEWLINE`` or ``OTHER``; after it, ``END`` (the end of the text) or the
same three. A set of contexts is a 16-bit mask, bit ``4 * before + after``: an assertion is the
mask of the contexts where it holds, and so is the "matches the empty string here" of any term.
"""

from __future__ import annotations

from oncall_policy.matching.charset import NEWLINE, WORD
from oncall_policy.matching.tree import Op
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from oncall_policy.matching.charset import Charset

START = END = 0
WORD_CLASS = 1
NEWLINE_CLASS = 2
OTHER = 3
CLASSES = (START, WORD_CLASS, NEWLINE_CLASS, OTHER)
EVERYWHERE = 0xFFFF
NOWHERE = 0


def class_of(char: int) -> int:
    # word characters and the newline are ASCII
    return _ASCII_CLASSES[char] if char < 128 else OTHER


_ASCII_CLASSES = tuple(
    WORD_CLASS if char in WORD else NEWLINE_CLASS if char in NEWLINE else OTHER for char in range(128)
)


def bit(before: int, after: int) -> int:
    return 1 << (4 * before + after)


def _where(holds: Callable[[int, int], bool]) -> int:
    """The mask of the contexts where ``holds(before, after)``."""
    return sum(bit(before, after) for before in CLASSES for after in CLASSES if holds(before, after))


# Go's EmptyOpContext: start of text is also the start of a line; the end of the text also the end
# of a line; \b holds where exactly one side is a word character (the text's ends are not).
ASSERTIONS = {
    Op.BEGIN_TEXT: _where(lambda before, _after: before == START),
    Op.END_TEXT: _where(lambda _before, after: after == END),
    Op.BEGIN_LINE: _where(lambda before, _after: before in (START, NEWLINE_CLASS)),
    Op.END_LINE: _where(lambda _before, after: after in (END, NEWLINE_CLASS)),
    Op.WORD_BOUNDARY: _where(lambda before, after: (before == WORD_CLASS) != (after == WORD_CLASS)),
    Op.NO_WORD_BOUNDARY: _where(lambda before, after: (before == WORD_CLASS) == (after == WORD_CLASS)),
}


# Which assertions a term holds, as a mask over the ops above: what its meaning depends on.
OP_BITS = {int(op): 1 << index for index, op in enumerate(ASSERTIONS)}
_NEEDS_WORD = OP_BITS[Op.WORD_BOUNDARY] | OP_BITS[Op.NO_WORD_BOUNDARY]
_NEEDS_NEWLINE = OP_BITS[Op.BEGIN_LINE] | OP_BITS[Op.END_LINE]


def classes_needed(assertions: int) -> frozenset[Charset]:
    r"""The character classes a step must tell apart for a term holding these assertions: the
    class of the character read is the "after" of the position before it and the "before" of the
    one after. ``\A`` and ``\z`` need none: no character is the start or the end of the text."""
    found = _CLASSES_NEEDED.get(assertions)
    if found is None:
        word = (WORD,) if assertions & _NEEDS_WORD else ()
        found = _CLASSES_NEEDED[assertions] = frozenset(
            word + ((NEWLINE,) if assertions & _NEEDS_NEWLINE else ())
        )
    return found


def same_before(assertions: int, before: int) -> int:
    """The first class before a position that these assertions cannot tell from ``before``: so
    that states differing only in a class the term ignores are one state."""
    found = _SAME_BEFORE.get(assertions)
    if found is None:
        found = _SAME_BEFORE[assertions] = _representatives(assertions)
    return found[before]


def _representatives(assertions: int) -> tuple[int, ...]:
    held = [mask for op, mask in ASSERTIONS.items() if assertions & OP_BITS[op]]

    def row(before: int) -> tuple[int, ...]:
        return tuple((mask >> (4 * before)) & 0xF for mask in held)

    return tuple(min(other for other in CLASSES if row(other) == row(before)) for before in CLASSES)


# Filled as terms need them (64 possible sets of assertions; usually two or three are met).
_CLASSES_NEEDED: dict[int, frozenset[Charset]] = {}
_SAME_BEFORE: dict[int, tuple[int, ...]] = {}

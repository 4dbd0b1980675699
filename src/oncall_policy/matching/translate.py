"""From Go's parse tree (``tree.Regexp``) to a term matching the same strings, op by op as Go's
``regexp/syntax`` compiles them (``compile.go``). Iterative: Go nests trees up to 1000 deep.

Flags matter in one place only: ``FOLD_CASE`` on a ``LITERAL`` makes each rune match its simple
case-fold orbit. On a ``CHAR_CLASS`` the parser has already added the folds to the ranges (Go's
compiler ignores the flag there); ``NON_GREEDY`` changes which match is found, never whether.
"""

from __future__ import annotations

from oncall_policy.matching.charset import ALPHABET, NEWLINE, Charset
from oncall_policy.matching.terms import (
    EPSILON,
    NOTHING,
    assertion,
    chars,
    either,
    repeat,
    sequence,
)
from oncall_policy.matching.tree import Flags, Op
from oncall_policy.matching.unicode_tables import fold_orbit as unicode_fold_orbit
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.terms import Term
    from oncall_policy.matching.tree import Regexp

_ASSERTIONS = (
    Op.BEGIN_LINE,
    Op.END_LINE,
    Op.BEGIN_TEXT,
    Op.END_TEXT,
    Op.WORD_BOUNDARY,
    Op.NO_WORD_BOUNDARY,
)


def fold_orbit(rune: int) -> list[int]:
    """The runes Go's simple case folding equates with ``rune``, itself included (the Kelvin sign
    U+212A with k, the long s U+017F with s, é with É)."""
    return list(unicode_fold_orbit(rune))


def term_of(tree: Regexp) -> Term:
    """The term matching what ``tree`` matches."""
    done: dict[int, Term] = {}  # by id(): trees are mutable, so not hashable by value
    stack = [tree]
    while stack:
        node = stack[-1]
        if id(node) in done:
            stack.pop()
            continue
        waiting = [sub for sub in node.sub if id(sub) not in done]
        if waiting:
            stack += waiting
            continue
        stack.pop()
        done[id(node)] = _translate(node, [done[id(sub)] for sub in node.sub])
    return done[id(tree)]


def _translate(node: Regexp, subs: list[Term]) -> Term:  # noqa: PLR0911 - one return per op reads best
    op = node.op
    if op in _ASSERTIONS:
        return assertion(op)
    if op == Op.LITERAL:
        fold = bool(node.flags & Flags.FOLD_CASE)
        return sequence(
            chars(Charset.of(fold_orbit(rune)) if fold else Charset.single(rune)) for rune in node.rune
        )
    if op == Op.CHAR_CLASS:
        return chars(Charset.from_ranges(node.rune))
    if op in (Op.ANY_CHAR, Op.ANY_CHAR_NOT_NL):
        return chars(ALPHABET if op == Op.ANY_CHAR else ALPHABET - NEWLINE)
    if op == Op.CONCAT:
        return sequence(subs)
    if op == Op.ALTERNATE:
        return either(subs)
    if op == Op.REPEAT:
        return repeat(subs[0], node.min, None if node.max == -1 else node.max)
    if op in _REPETITIONS:
        return repeat(subs[0], *_REPETITIONS[op])
    if op == Op.CAPTURE:
        return subs[0]
    return EPSILON if op == Op.EMPTY_MATCH else NOTHING


_REPETITIONS: dict[Op, tuple[int, int | None]] = {
    Op.STAR: (0, None),
    Op.PLUS: (1, None),
    Op.QUEST: (0, 1),
}

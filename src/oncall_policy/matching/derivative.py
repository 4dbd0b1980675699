"""Brzozowski derivatives of terms, in context.

A term's meaning is the set of (before, string, after) it matches, where ``before`` is the class
of the character before the string (or the start of the text) and ``after`` that of the character
after it (or the end): the context an assertion inside looks at (see ``context``). The derivative
of a term by ``c``, given the class before, is the term matching (class of c, w, after) exactly
when the term matches (before, c·w, after). Its rules:

- ``d(r·s) = d(r)·s | d(s)`` when r matches the empty string between ``before`` and ``c``
  (an assertion at the front is decided there), else ``d(r)·s``;
- ``d(r*) = d(r)·r*``: empty pieces before the first non-empty one can be dropped;
- ``d(r{n,m}) = d(r)·r{n-1,m-1}``, or ``d(r)·r{0,m-1}`` when r matches the empty string here,
  since then any number of the first pieces may be empty;
- ``d`` goes through ``|``, ``&`` and ``~`` (complement is per context, so it commutes).

Terms can be nested a thousand deep (Go's limit), so the walk keeps its own stack.
"""

from __future__ import annotations

from oncall_policy.matching.charset import partition, readability
from oncall_policy.matching.context import bit, class_of, classes_needed
from oncall_policy.matching.term_kinds import AND, CHARS, CONCAT, NOT, OR, REPEAT, STAR, WORDS
from oncall_policy.matching.terms import EPSILON, NOTHING, Term, both, complement, concat, either, repeat
from oncall_policy.matching.words import child
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.charset import Charset

    # derivatives of subterms, by the context bit of the position and the character read
    Memo = dict[tuple[int, int], dict[Term, Term]]


def derivative(root: Term, before: int, char: int, memo: Memo) -> tuple[Term, int]:
    """The derivative of ``root`` by ``char`` after a character of class ``before``, and the work
    it took, for the budget: a unit per subterm derived and per item of the unions and
    intersections it built (flattening and sorting those is most of the cost of a large state).

    ``memo`` keeps the derivatives of subterms from one call to the next: states share most of
    their subterms (the tail of a concatenation, the body of a repetition), so each is derived
    once per query and position context.
    """
    here = bit(before, class_of(char))
    done = memo.setdefault((here, char), {})
    if root in done:
        return done[root], 0
    work = 0
    stack = [root]
    while stack:
        term = stack[-1]
        if term in done:
            stack.pop()
            continue
        waiting = [item for item in _needed(term, here) if item not in done]
        if waiting:
            stack += waiting
            continue
        stack.pop()
        derived = done[term] = _derive(term, here, char, done)
        work += 1 + len(derived.items)
    return done[root], work


def _needed(term: Term, here: int) -> tuple[Term, ...]:
    """The subterms whose derivatives the rule for ``term`` uses."""
    if term.kind == CONCAT and not term.items[0].nullable & here:
        return term.items[:1]
    return term.items


def _derive(term: Term, here: int, char: int, done: dict[Term, Term]) -> Term:
    rule = _RULES.get(term.kind)
    return NOTHING if rule is None else rule(term, here, char, done)  # ∅, ε, assertions: no character


def _chars(term: Term, _here: int, char: int, _done: dict[Term, Term]) -> Term:
    return EPSILON if char in term.charset else NOTHING


def _words(term: Term, _here: int, char: int, _done: dict[Term, Term]) -> Term:
    return child(term, char)


def _concat(term: Term, here: int, _char: int, done: dict[Term, Term]) -> Term:
    head, tail = term.items
    moved = concat(done[head], tail)
    return either((moved, done[tail])) if head.nullable & here else moved


def _star(term: Term, _here: int, _char: int, done: dict[Term, Term]) -> Term:
    return concat(done[term.items[0]], term)


def _repeat(term: Term, here: int, _char: int, done: dict[Term, Term]) -> Term:
    body = term.items[0]
    low = 0 if body.nullable & here else max(term.low - 1, 0)
    high = None if term.high is None else term.high - 1
    return concat(done[body], repeat(body, low, high))


def _or(term: Term, _here: int, _char: int, done: dict[Term, Term]) -> Term:
    return either(done[item] for item in term.items)


def _and(term: Term, _here: int, _char: int, done: dict[Term, Term]) -> Term:
    return both(done[item] for item in term.items)


def _not(term: Term, _here: int, _char: int, done: dict[Term, Term]) -> Term:
    return complement(done[term.items[0]])


_RULES = {
    CHARS: _chars,
    WORDS: _words,
    CONCAT: _concat,
    STAR: _star,
    REPEAT: _repeat,
    OR: _or,
    AND: _and,
    NOT: _not,
}


def blocks(term: Term) -> list[tuple[Charset, int]]:
    """The alphabet cut into blocks whose characters all give ``term`` the same derivative and
    the same context after, each with a readable representative; the most readable first, so that
    of two shortest witnesses a breadth-first search spells the more readable."""
    if term.blocks is None:
        sets = term.front | classes_needed(term.assertions)
        found = _PARTITIONS.get(sets)
        if found is None:
            found = sorted(((block, block.pick()) for block in partition(sets)), key=_by_readability)
            if len(sets) <= _SMALL:
                if len(_PARTITIONS) >= _PARTITIONS_KEPT:
                    _PARTITIONS.clear()
                _PARTITIONS[sets] = found
        term.blocks = found
    return term.blocks


def _by_readability(block: tuple[Charset, int]) -> tuple[int, int]:
    return readability(block[1])


# Many terms share their front (every derivative of ``a*b`` with ``.*`` after, say): partitions
# of small fronts, kept across queries up to a bound (a large set of strings' front stays with
# its own term).
_PARTITIONS: dict[frozenset[Charset], list[tuple[Charset, int]]] = {}
_PARTITIONS_KEPT = 4096
_SMALL = 64


def forget_partitions() -> None:
    _PARTITIONS.clear()

"""Terms: extended regular expressions (with intersection and complement), hash-consed and built
only through constructors that keep them in a canonical form.

Canonical form is what makes Brzozowski derivatives finitely many: every constructor applies the
identities below, so two derivatives that differ only by them are the same object, and the
explorer sees one state. Structurally equal live terms are one object (a weak table interns
them), so equality and hashing are by identity and cost nothing.

- ``|`` and ``&`` are flattened, deduplicated and sorted (by creation order); ∅ and Σ* are their
  identity and zero; their character sets merge into one; ``r | ~r = Σ*``, ``r & ~r = ∅``.
- concatenation is binary, ε its identity and ∅ its zero, ``r*·r* = r*``. A tree's concatenations
  become right-nested lists (``sequence``), but a derivative's ``d(r)·s`` is not re-associated
  when ``d(r)`` is a concatenation: that would cost the length of ``d(r)`` at every step (through
  ``(a long literal)*``, the length of the literal per character), and Brzozowski's finiteness
  needs only the union's identities, not associativity.
- ``(r*)* = r*``, ``(r{0,1}|…)*`` and ``(r{1,m})* = r*``, ``(ε|r)* = r*``, ``~~r = r``.
- counted repetition ``r{n,m}`` stays symbolic (``m`` is ``None`` for no bound): never expanded.

Each term also records, computed once from its children so that nothing recurses later:
``nullable``, the mask of contexts (see ``context``) where it matches the empty string;
``assertions``, the mask of the assertion ops it holds (what of the context it depends on); and
``front``, the character sets that may decide its first character, whose partition of the
alphabet groups the characters that give the same derivative.
"""

from __future__ import annotations

from _thread import RLock  # not threading: its import would slow `silence check` (bench/silence.py)
from itertools import count
from weakref import ref

from oncall_policy.matching.charset import ALPHABET, EMPTY, Charset
from oncall_policy.matching.context import ASSERTIONS, EVERYWHERE, NOWHERE, OP_BITS
from oncall_policy.matching.term_kinds import (
    AND,
    ASSERT,
    CHARS,
    CONCAT,
    EPSILON_KIND,
    NOT,
    NOTHING_KIND,
    OR,
    REPEAT,
    STAR,
    spine,
)
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from oncall_policy.matching.tree import Op

# The kinds of term, and the fields each uses besides the attributes every term has.

_NO_FRONT: frozenset[Charset] = frozenset()


class Words:
    """A sorted tuple of distinct strings, hashed by identity (hashing 100,000 strings per
    lookup would not do)."""

    __slots__ = ("strings",)

    def __init__(self, strings: tuple[str, ...]) -> None:
        self.strings = strings


class Term:
    __slots__ = (
        "__weakref__",
        "assertions",
        "blocks",
        "charset",
        "depth",
        "front",
        "high",
        "items",
        "kind",
        "low",
        "nullable",
        "serial",
        "words",
    )

    def __init__(self, key: _Key, nullable: int, front: frozenset[Charset]) -> None:
        self.kind, self.items, self.charset, self.low, self.high, self.words, self.depth = key
        self.nullable = nullable
        self.front = front
        self.assertions = OP_BITS[self.low] if self.kind == ASSERT else 0
        for item in self.items:
            self.assertions |= item.assertions
        self.serial = next(_SERIALS)
        # the explorer's cache of this term's alphabet partition: [(block, representative)]
        self.blocks: list[tuple[Charset, int]] | None = None

    def __repr__(self) -> str:
        from oncall_policy.matching.describe import describe  # noqa: PLC0415 - only for debugging

        return f"Term({describe(self)})"


if TYPE_CHECKING:
    _Key = tuple[int, tuple[Term, ...], Charset, int, int | None, Words | None, int]


class _Entry(ref["Term"]):
    """The intern table's weak reference to a term, which knows its key, to leave the table
    when the term dies (``WeakValueDictionary``, which does the same, costs twice as much)."""

    __slots__ = ("key",)
    key: _Key


def _forget(entry: _Entry) -> None:
    with _MAKING:
        if _TABLE.get(entry.key) is entry:
            del _TABLE[entry.key]


_SERIALS = count()
_TABLE: dict[_Key, _Entry] = {}
# Terms are made from two threads at once in the gate (a write judged in a thread while the
# event loop assesses listed silences): the table is looked up without the lock, and changed
# only holding it, so that two threads asking for one term get the same one. Two of one term,
# live at once, would be two states of the explorer and an answer not found again.
_MAKING = RLock()  # reentrant: a term dying inside the block (a collection) leaves the table too


def make(  # noqa: PLR0913 - every field of a term, by name
    kind: int,
    items: tuple[Term, ...] = (),
    *,
    nullable: int,
    front: frozenset[Charset],
    charset: Charset = EMPTY,
    low: int = 0,
    high: int | None = None,
    words: Words | None = None,
    depth: int = 0,
) -> Term:
    """The one live term of this kind and fields; ``nullable`` and ``front`` follow from them."""
    key = (kind, items, charset, low, high, words, depth)
    entry = _TABLE.get(key)
    found = None if entry is None else entry()
    if found is not None:
        return found
    with _MAKING:
        entry = _TABLE.get(key)
        found = None if entry is None else entry()
        if found is None:
            found = Term(key, nullable, front)
            entry = _TABLE[key] = _Entry(found, _forget)
            entry.key = key
        return found


NOTHING = make(NOTHING_KIND, nullable=NOWHERE, front=_NO_FRONT)
EPSILON = make(EPSILON_KIND, nullable=EVERYWHERE, front=_NO_FRONT)


def chars(charset: Charset) -> Term:
    return make(CHARS, charset=charset, nullable=NOWHERE, front=frozenset((charset,))) if charset else NOTHING


def assertion(op: Op) -> Term:
    return make(ASSERT, low=op, nullable=ASSERTIONS[op], front=_NO_FRONT)


UNIVERSAL = make(STAR, (chars(ALPHABET),), nullable=EVERYWHERE, front=frozenset((ALPHABET,)))


def concat(head: Term, tail: Term) -> Term:
    """``head·tail``, in constant time: a head that is itself a concatenation stays nested (see
    the module's docstring)."""
    if head is NOTHING or tail is NOTHING:
        return NOTHING
    if head is EPSILON:
        return tail
    if tail is EPSILON:
        return head
    if head.kind == STAR and (tail is head or (tail.kind == CONCAT and tail.items[0] is head)):
        return tail  # r*·r* = r*
    front = head.front | tail.front if head.nullable else head.front
    return make(CONCAT, (head, tail), nullable=head.nullable & tail.nullable, front=front)


def sequence(items: Iterable[Term]) -> Term:
    """The concatenation of ``items``, as one right-nested list (items that are concatenations
    are spliced in: this is where a tree's concatenations get their canonical shape)."""
    flat = [piece for item in items for piece in spine(item)]
    result = EPSILON
    for item in reversed(flat):
        result = concat(item, result)
    return result


def star(term: Term) -> Term:
    if term is NOTHING or term is EPSILON:
        return EPSILON
    if term.kind == STAR:
        return term
    if term.kind == REPEAT and term.low <= 1:
        return star(term.items[0])
    if term.kind == OR and EPSILON in term.items:
        return star(either(item for item in term.items if item is not EPSILON))
    return make(STAR, (term,), nullable=EVERYWHERE, front=term.front)


def repeat(term: Term, low: int, high: int | None) -> Term:
    if (high is not None and high < low) or (term is NOTHING and low > 0):
        return NOTHING
    if high == 0 or term in (NOTHING, EPSILON):
        return EPSILON
    if term.kind == STAR or (low, high) == (1, 1):
        return term
    if (low, high) == (0, None):
        return star(term)
    if (low, high) == (0, 1):
        return either((EPSILON, term))
    nullable = EVERYWHERE if low == 0 else term.nullable
    return make(REPEAT, (term,), low=low, high=high, nullable=nullable, front=term.front)


def either(items: Iterable[Term]) -> Term:
    """The union."""
    members: set[Term] = set()
    charset = EMPTY
    for item in items:
        for piece in item.items if item.kind == OR else (item,):
            if piece.kind == CHARS:
                charset |= piece.charset
            elif piece is not NOTHING:
                members.add(piece)
    if charset:
        members.add(chars(charset))
    if UNIVERSAL in members or _holds_complement(members):
        return UNIVERSAL
    if EPSILON in members and any(item.nullable == EVERYWHERE for item in members if item is not EPSILON):
        members.discard(EPSILON)
    return _group(OR, members)


def both(items: Iterable[Term]) -> Term:
    """The intersection."""
    members: set[Term] = set()
    charset: Charset | None = None
    for item in items:
        for piece in item.items if item.kind == AND else (item,):
            if piece is NOTHING:
                return NOTHING
            if piece.kind == CHARS:
                charset = piece.charset if charset is None else charset & piece.charset
            elif piece is not UNIVERSAL:
                members.add(piece)
    if charset is not None:
        members.add(chars(charset))
    if NOTHING in members or _holds_complement(members):
        return NOTHING
    if EPSILON in members:
        if any(item.nullable == NOWHERE for item in members):
            return NOTHING  # ε and a term that never matches the empty string
        members = {item for item in members if item.nullable != EVERYWHERE} | {EPSILON}
    return _group(AND, members)


def _holds_complement(members: set[Term]) -> bool:
    return any(item.kind == NOT and item.items[0] in members for item in members)


def _group(kind: int, members: set[Term]) -> Term:
    if len(members) <= 1:
        return members.pop() if members else (NOTHING if kind == OR else UNIVERSAL)
    items = tuple(sorted(members, key=_by_serial))
    nullable = NOWHERE if kind == OR else EVERYWHERE
    for item in items:
        nullable = nullable | item.nullable if kind == OR else nullable & item.nullable
    front = frozenset().union(*(item.front for item in items))
    return make(kind, items, nullable=nullable, front=front)


def _by_serial(term: Term) -> int:
    return term.serial


def complement(term: Term) -> Term:
    if term.kind == NOT:
        return term.items[0]
    if term is NOTHING:
        return UNIVERSAL
    if term is UNIVERSAL:
        return NOTHING
    return make(NOT, (term,), nullable=EVERYWHERE ^ term.nullable, front=term.front)

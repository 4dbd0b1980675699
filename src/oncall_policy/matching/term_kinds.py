"""The kinds of term (``terms``), and the one walk over a term that needs nothing but its kind and
items: kept apart so that ``describe`` can show a term without importing the module that makes
them."""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.terms import Term

NOTHING_KIND = 0
EPSILON_KIND = 1
CHARS = 2  # charset: one character of the set
ASSERT = 3  # low: the tree.Op of an empty-width assertion
CONCAT = 4  # items: (head, tail)
STAR = 5  # items: (term,)
REPEAT = 6  # items: (term,); low, high: the bounds, high None for none
OR = 7  # items: sorted by serial
AND = 8  # items: sorted by serial
NOT = 9  # items: (term,): every string the term does not match (in the same context)
WORDS = 10  # words, low, high, depth: a node of a finite set of strings (see ``words``)


def spine(term: Term) -> list[Term]:
    """The items of a concatenation, in order (a term that is not one: itself)."""
    items = []
    while term.kind == CONCAT:
        items.append(term.items[0])
        term = term.items[1]
    items.append(term)
    return items

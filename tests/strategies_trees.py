"""Hypothesis strategies for Go parse trees and the strings they are tried on, documented one by one.

Trees are small and over a small alphabet (``TREE_CHARS``) so that brute force stays cheap; the
strings tried on them come from ``PROBE_CHARS``, which adds one character of every kind the trees
cannot name: a word character (``z``), a non-word one (``!``) and the other case of each letter
(for ``(?i)``). Every character outside that set behaves, for every tree drawn here, like one of
them, so "no member up to length n over PROBE_CHARS" means "no member up to length n". The same
holds for ``patterns`` (Go pattern text over the same alphabet) and ``PATTERN_PROBE_CHARS``.
"""

from __future__ import annotations

from itertools import product

from hypothesis import strategies as st

from oncall_policy.matching.charset import Charset
from oncall_policy.matching.tree import Op, Regexp
from tests.regex_trees import literal, node, repeat

TREE_CHARS = "ab-\n"
PROBE_CHARS = "abAB-\nz!"
ASSERTIONS = (Op.BEGIN_LINE, Op.END_LINE, Op.BEGIN_TEXT, Op.END_TEXT, Op.WORD_BOUNDARY, Op.NO_WORD_BOUNDARY)

#: a literal of one or two tree characters, case-folded or not.
literals = st.builds(literal, st.text(TREE_CHARS, min_size=1, max_size=2), fold=st.booleans())
#: a character class over the tree characters: a non-empty set, negated or not.
char_classes = st.builds(
    lambda chars, negated: node(
        Op.CHAR_CLASS,
        rune=[
            b
            for lo, hi in (~Charset.of(map(ord, chars)) if negated else Charset.of(map(ord, chars))).ranges()
            for b in (lo, hi)
        ],
    ),
    st.sets(st.sampled_from(TREE_CHARS), min_size=1),
    st.booleans(),
)
#: a leaf that consumes a character or matches the empty string (no assertion).
plain_leaves = st.one_of(
    literals,
    char_classes,
    st.sampled_from([Op.ANY_CHAR, Op.ANY_CHAR_NOT_NL, Op.EMPTY_MATCH, Op.NO_MATCH]).map(node),
)
#: any leaf, assertions included.
leaves = st.one_of(plain_leaves, plain_leaves, st.sampled_from(ASSERTIONS).map(node))


def _compounds(children: st.SearchStrategy[Regexp]) -> st.SearchStrategy[Regexp]:
    many = st.lists(children, min_size=2, max_size=3)
    return st.one_of(
        many.map(lambda subs: node(Op.CONCAT, *subs)),
        many.map(lambda subs: node(Op.ALTERNATE, *subs)),
        st.tuples(st.sampled_from([Op.STAR, Op.PLUS, Op.QUEST, Op.CAPTURE]), children).map(
            lambda pair: node(pair[0], pair[1])
        ),
        st.tuples(children, st.integers(0, 3), st.integers(0, 3), st.booleans()).map(
            lambda t: repeat(t[0], min(t[1], t[2]), -1 if t[3] else max(t[1], t[2]))
        ),
    )


#: a small tree without assertions (Python's ``re`` is a reference for these).
plain_trees = st.recursive(plain_leaves, _compounds, max_leaves=6)
#: a small tree, assertions included.
trees = st.recursive(leaves, _compounds, max_leaves=6)
#: a short string over PROBE_CHARS.
probes = st.text(PROBE_CHARS, max_size=6)

# Pattern text for Go's parser: the same small alphabet, Go's syntax around it (flags, classes,
# POSIX and Perl classes, counted repetition, non-greedy operators, assertions). Classes tell
# apart more kinds of character than trees do, and PATTERN_PROBE_CHARS adds one of each: Z (in
# [[:upper:]], neither a nor b), 0 (a word character that no case folding makes upper-case) and
# the Kelvin sign (Go folds a class under (?i), so (?i:[[:upper:]]) and (?i:\w) hold it, as they
# hold the long s, yet \b reads it as a non-word character).
_ATOMS = ["a", "b", "-", r"\n", ".", "[ab]", "[^a]", "[a-]", "[[:upper:]]", r"\w", r"\W", "(?i:a)", "(?i:ab)"]
_ASSERTION_TEXT = ["^", "$", r"\A", r"\z", r"\b", r"\B", "(?m:^)", "(?m:$)"]
_SUFFIXES = ["*", "+", "?", "{2}", "{0,2}", "{1,}", "*?", "??"]


def _pattern_compounds(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map("".join),
        st.lists(children, min_size=2, max_size=3).map(lambda parts: "(?:" + "|".join(parts) + ")"),
        st.tuples(children, st.sampled_from(_SUFFIXES)).map(lambda pair: f"(?:{pair[0]}){pair[1]}"),
        st.tuples(st.sampled_from(["(", "(?s:", "(?m:", "(?i:"]), children).map(
            lambda pair: f"{pair[0]}{pair[1]})"
        ),
    )


#: a small Go pattern over the tree characters, assertions and flags included.
patterns = st.recursive(st.sampled_from(_ATOMS + _ASSERTION_TEXT), _pattern_compounds, max_leaves=6)
PATTERN_PROBE_CHARS = PROBE_CHARS + "Z0\u212a"
#: a short string over PATTERN_PROBE_CHARS, for ``patterns``.
pattern_probes = st.text(PATTERN_PROBE_CHARS, max_size=6)


def all_probes(max_length: int, chars: str = PROBE_CHARS) -> list[str]:
    """Every string over ``chars`` up to ``max_length``, shortest first."""
    return ["".join(drawn) for length in range(max_length + 1) for drawn in product(chars, repeat=length)]

"""Language, property by property: its answers against references that are slow but obviously
right, on small random trees and the strings over characters that stand for all others.

References: a naive set-of-positions matcher over the tree (``tests.regex_trees``), Python's
``re`` for trees without assertions, and brute force over every short probe string. Then the
other engine: on Go's parse (``matching.syntax``) of Alertmanager's ``^(?:pattern)$`` for patterns
drawn from an RE2-aware grammar, the derivative engine against RE2 (``matching.engine``), which
answers what Go's ``MatchString`` answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import event, given, reject
from hypothesis import strategies as st

from oncall_policy.matching import engine
from oncall_policy.matching.language import UNDECIDED, Language
from oncall_policy.matching.regexp_errors import RegexpError, RegexpTooComplexError
from oncall_policy.matching.syntax import parse
from tests.regex_trees import anchored, python_pattern, reference_fullmatch
from tests.strategies_regex import patterns_with_values, regex_pieces, regexes, values_from
from tests.strategies_trees import (
    PATTERN_PROBE_CHARS,
    all_probes,
    pattern_probes,
    patterns,
    plain_trees,
    probes,
    trees,
)


@given(trees, probes)
def test_membership_agrees_with_the_reference_matcher(regexp, text):
    """matches(s) is the naive set-of-positions matcher's answer, assertions included."""
    assert Language.of_tree(regexp).matches(text) is reference_fullmatch(regexp, text)


@given(plain_trees, probes)
def test_membership_agrees_with_python_re(regexp, text):
    """For assertion-free trees, matches(s) is Python's re.fullmatch on the same tree."""
    expected = re.fullmatch(python_pattern(regexp), text) is not None
    assert Language.of_tree(regexp).matches(text) is expected


PLAIN_PROBES = all_probes(4)
SHORT_PROBES = all_probes(3)


@given(plain_trees)
def test_witness_is_a_shortest_member_plain(regexp):
    """The witness is as short as the shortest member up to length 4 found by brute force (over
    characters that stand for every other), and a member; none found means none that short."""
    pattern = re.compile(python_pattern(regexp))
    shortest = next((text for text in PLAIN_PROBES if pattern.fullmatch(text)), None)
    witness = Language.of_tree(regexp).witness()
    assert witness is not UNDECIDED
    if shortest is not None:
        assert witness is not None
        assert len(witness) == len(shortest)
    if witness is not None:
        assert pattern.fullmatch(witness)
        assert shortest is not None or len(witness) > 4
    assert Language.of_tree(regexp).is_empty() is (witness is None)


@given(trees)
def test_witness_is_a_shortest_member_with_assertions(regexp):
    """As above with assertions, against the reference matcher, up to length 3."""
    shortest = next((text for text in SHORT_PROBES if reference_fullmatch(regexp, text)), None)
    witness = Language.of_tree(regexp).witness()
    assert witness is not UNDECIDED
    if shortest is not None:
        assert witness is not None
        assert len(witness) == len(shortest)
    if witness is not None:
        assert reference_fullmatch(regexp, witness)
        assert shortest is not None or len(witness) > 3


@given(trees, trees)
def test_witnesses_of_combinations_belong_where_they_should(left, right):
    """A witness of L & R is in both; of L - R in L and not in R; of L | R in one of them."""
    one, other = Language.of_tree(left), Language.of_tree(right)
    for combined, in_left, in_right in ((one & other, True, True), (one - other, True, False)):
        witness = combined.witness()
        if isinstance(witness, str):
            assert reference_fullmatch(left, witness) is in_left
            assert reference_fullmatch(right, witness) is in_right
    witness = (one | other).witness()
    assert witness is not UNDECIDED
    if witness is not None:
        assert reference_fullmatch(left, witness) or reference_fullmatch(right, witness)
    else:
        assert one.is_empty() is True
        assert other.is_empty() is True


@given(trees, trees, probes)
def test_de_morgan_and_double_complement(left, right, text):
    """~(L | R) and ~L & ~R have the same members; ~~L is L."""
    one, other = Language.of_tree(left), Language.of_tree(right)
    assert (~(one | other)).matches(text) is (~one & ~other).matches(text)
    assert (~(one | other)).is_equivalent(~one & ~other) in (True, UNDECIDED)
    answers = {(~(one | other)).is_empty(), (~one & ~other).is_empty()} - {UNDECIDED}
    assert len(answers) <= 1
    assert (~~one).witness() == one.witness()
    assert (~one).matches(text) is not one.matches(text)


@given(trees, trees)
def test_subset_agrees_with_its_witness(left, right):
    """is_subset is False exactly when L - R has a witness, which is in L and not in R."""
    one, other = Language.of_tree(left), Language.of_tree(right)
    subset = one.is_subset(other)
    witness = (one - other).witness()
    if subset is UNDECIDED:
        return
    assert subset is (witness is None)
    assert (one & other).is_subset(one) in (True, UNDECIDED)


@given(trees)
def test_members_are_the_language(regexp):
    """When members() lists a language, each is a member and every short member is listed."""
    language = Language.of_tree(regexp)
    listed = language.members(limit=500)
    finite = language.is_finite()
    if listed is UNDECIDED:
        return
    assert finite is True
    assert all(reference_fullmatch(regexp, text) for text in listed)
    assert {text for text in SHORT_PROBES if reference_fullmatch(regexp, text)} <= set(listed)


@given(st.lists(st.text("abc", max_size=4), max_size=8), probes)
def test_string_sets_are_exactly_their_strings(texts, text):
    language = Language.of_strings(texts)
    assert language.matches(text) is (text in texts)
    assert language.members() == tuple(sorted(set(texts), key=lambda text: (len(text), text)))
    assert (Language.any() - language).witness() not in texts


# The derivative engine against RE2, on Go's parse -------------------------------------------------


def go_matcher(pattern: str) -> tuple[Language, engine.Pattern]:
    """The language of Alertmanager's ``^(?:pattern)$`` as Go parses it, and RE2's program for the
    same tree. Rejected (hypothesis draws another): a pattern Go refuses alone, as Alertmanager
    refuses such a silence (``a)|(b`` parses inside the anchors as "starts with a or ends with b",
    a search, not a whole-string language); one Go refuses inside the anchors (``\\Qa``); one RE2
    cannot take (``RegexpTooComplexError``)."""
    try:
        parse(pattern)
        tree = anchored(pattern)
        program = engine.compile(tree)
    except (RegexpError, RegexpTooComplexError):
        reject()
    return Language.of_tree(tree), program


@given(patterns_with_values())
def test_membership_agrees_with_re2(drawn):
    """matches(s) is RE2's fullmatch of the same tree (Go's MatchString), on values built from
    the pattern's own pieces: matches, near misses (case variants, folds, a newline more)."""
    pattern, values = drawn
    language, program = go_matcher(pattern)
    for value in (*values, "\udcff" + values[0]):  # a byte that is not UTF-8: U+FFFD to both
        answer = language.matches(value)
        event(f"matches: {answer}")
        if answer is not UNDECIDED:
            assert answer is program.fullmatch(value), (pattern, value)


@given(patterns, st.lists(pattern_probes, max_size=8))
def test_membership_agrees_with_re2_small_alphabet(pattern, texts):
    """As above, for patterns over a small alphabet tried on strings of every kind of character."""
    language, program = go_matcher(pattern)
    for text in texts:
        answer = language.matches(text)
        event(f"matches: {answer}")
        if answer is not UNDECIDED:
            assert answer is program.fullmatch(text), (pattern, text)


def combinations(
    one: Language, other: Language, in_one: Callable[[str], bool], in_other: Callable[[str], bool]
) -> list[tuple[str, Language, Callable[[str], bool]]]:
    """L, L - R and L & R, each with RE2's membership test for it."""
    return [
        ("L", one, in_one),
        ("L - R", one - other, lambda text: in_one(text) and not in_other(text)),
        ("L & R", one & other, lambda text: in_one(text) and in_other(text)),
    ]


@given(regexes(), regexes())
def test_witnesses_are_members_as_re2_says(left, right):
    """A witness of L is matched by L's RE2 program; of L - R by L's and not R's; of L & R by both."""
    (one, in_one), (other, in_other) = go_matcher(left), go_matcher(right)
    for name, language, member in combinations(one, other, in_one.fullmatch, in_other.fullmatch):
        witness = language.witness()
        event(f"witness of {name}: {'a string' if isinstance(witness, str) else witness}")
        if isinstance(witness, str):
            assert member(witness), (name, left, right, witness)


@given(regex_pieces(), regex_pieces(), st.data())
def test_is_empty_is_sound_against_re2(left, right, data):
    """is_empty() is True only when no string RE2 puts in the language is known: not the
    patterns' own examples, nor values drawn around them (the converse cannot be checked here)."""
    (one, in_one), (other, in_other) = go_matcher(left.pattern), go_matcher(right.pattern)
    examples = [*left.examples, *right.examples]
    texts = {*examples, *data.draw(st.lists(values_from(examples), max_size=8))}
    for name, language, member in combinations(one, other, in_one.fullmatch, in_other.fullmatch):
        empty = language.is_empty()
        event(f"is_empty of {name}: {empty}")
        if empty is True:
            assert not any(member(text) for text in texts), (name, left.pattern, right.pattern)


PATTERN_PROBES = all_probes(3, PATTERN_PROBE_CHARS)


@given(patterns, patterns)
def test_witness_is_a_shortest_member_as_re2_says(left, right):
    """For L, L - R and L & R over the small alphabet: brute force with RE2 over every string up to
    length 3 finds a member exactly when the witness is that short, and of the same length; the
    witness is a member. A witness exists whenever brute force finds one (so is_empty is exact
    up to length 3)."""
    (one, in_one), (other, in_other) = go_matcher(left), go_matcher(right)
    for name, language, member in combinations(one, other, in_one.fullmatch, in_other.fullmatch):
        witness = language.witness()
        event(f"witness of {name}: {'a string' if isinstance(witness, str) else witness}")
        if witness is UNDECIDED:
            continue
        shortest = next((text for text in PATTERN_PROBES if member(text)), None)
        context = (name, left, right, witness, shortest)
        if shortest is not None:
            assert witness is not None, context
            assert len(witness) == len(shortest), context
        if witness is not None:
            assert member(witness), context
            assert shortest is not None or len(witness) > 3, context

"""Language, property by property: its answers against references that are slow but obviously
right, on small random trees and the strings over characters that stand for all others.

References: a naive set-of-positions matcher over the tree (``tests.regex_trees``), Python's
``re`` for trees without assertions, and brute force over every short probe string.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.matching.language import UNDECIDED, Language
from tests.regex_trees import python_pattern, reference_fullmatch
from tests.strategies_trees import all_probes, plain_trees, probes, trees


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

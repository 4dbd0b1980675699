"""Charset: set algebra over the Unicode scalar values, readable picks, and alphabet partitions."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.matching.charset import ALPHABET, EMPTY, MAX_RUNE, Charset, partition

# A small universe with the edges that matter: 0, the surrogates' borders and the last rune.
EDGES = [0, 1, 9, 10, 11, 0x41, 0x5A, 0x61, 0x7A, 0xD7FF, 0xD800, 0xDFFF, 0xE000, MAX_RUNE - 1, MAX_RUNE]
points = st.sampled_from(EDGES) | st.integers(0, 300)
ranges = st.lists(st.tuples(points, points).map(sorted), max_size=4)


def charset_of(pairs: list[list[int]]) -> Charset:
    return Charset.from_ranges([bound for pair in pairs for bound in pair])


def members(charset: Charset) -> set[int]:
    """Its members among the probe points (all of them: the universe is the probes)."""
    return {point for point in [*EDGES, *range(301)] if point in charset}


def test_surrogates_are_never_members():
    assert 0xD800 not in Charset.from_ranges([0, MAX_RUNE])
    assert Charset.from_ranges([0xD800, 0xDFFF]) == EMPTY
    assert Charset.single(0xDC00) == EMPTY
    assert 0xDABC not in ~EMPTY
    assert len(ALPHABET) == 0x110000 - 0x800


def test_go_rune_lists_may_overlap_and_come_in_any_order():
    assert Charset.from_ranges([ord("x"), ord("z"), ord("a"), ord("c"), ord("b"), ord("y")]).ranges() == [
        (ord("a"), ord("z"))
    ]


@pytest.mark.parametrize(
    ("ranges", "expected"),
    [
        ([ord("0"), ord("9"), ord("q"), ord("r")], "q"),  # letters before digits
        ([ord("0"), ord("9"), ord("Q"), ord("R")], "Q"),
        ([0, 0x20, ord("0"), ord("0")], "0"),
        ([0, 0x20, ord("~"), ord("~")], "~"),  # printable ASCII before space and controls
        ([0, 0x20], " "),
        ([0, 0x1F, 0x80, 0xA0, 0xE9, 0xE9], "é"),  # a printable non-ASCII before C1 controls
        ([0, 0x1F, 0x80, 0xA0], "\x00"),
        ([0xD000, 0xE000], "\ud000"),
    ],
    ids=["letters", "upper", "digit", "punctuation", "space", "non-ascii", "control", "around-surrogates"],
)
def test_pick_prefers_readable_characters(ranges, expected):
    assert chr(Charset.from_ranges(ranges).pick()) == expected


def test_pick_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no member"):
        EMPTY.pick()


@given(ranges, ranges)
def test_set_operations_agree_with_python_sets(left_ranges, right_ranges):
    """|, &, - and ~ give the members Python's set operations give, pointwise."""
    left, right = charset_of(left_ranges), charset_of(right_ranges)
    assert members(left | right) == members(left) | members(right)
    assert members(left & right) == members(left) & members(right)
    assert members(left - right) == members(left) - members(right)
    assert members(~left) == members(ALPHABET) - members(left)
    assert ~~left == left
    assert (left | right) - right == left - right


@given(ranges)
def test_a_charset_is_its_ranges(pairs):
    """Ranges are sorted, disjoint, non-adjacent and surrogate-free; len counts the members."""
    charset = charset_of(pairs)
    found = charset.ranges()
    assert all(lo <= hi for lo, hi in found)
    assert all(hi + 1 < next_lo for (_, hi), (next_lo, _) in pairwise(found))
    assert charset_of([list(pair) for pair in found]) == charset
    assert len(charset) == sum(hi - lo + 1 for lo, hi in found)
    if charset:
        assert charset.pick() in charset


@given(st.lists(ranges.map(charset_of), max_size=5))
def test_partition_is_the_coarsest_refinement(charsets):
    """Blocks are non-empty, disjoint and cover the alphabet; every charset is a union of blocks;
    and no two blocks lie in exactly the same charsets (else they would be one)."""
    blocks = partition(charsets)
    assert all(blocks)
    union = EMPTY
    for block in blocks:
        assert not union & block
        union |= block
    assert union == ALPHABET
    for charset in charsets:
        assert all(not block & charset or not block - charset for block in blocks)
    signatures = [tuple(bool(block & charset) for charset in charsets) for block in blocks]
    assert len(set(signatures)) == len(signatures)


def test_partition_of_nothing_is_the_alphabet():
    assert partition([]) == [ALPHABET]

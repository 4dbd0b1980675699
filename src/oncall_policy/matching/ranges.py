"""Character classes as Go's regexp/syntax builds them: sorted inclusive ranges flattened as
``lo, hi, lo, hi, …`` in a list, grown in place as Go grows its ``[]rune``.

Ported from Go 1.19's regexp/syntax/parse.go (BSD licence): ``cleanClass``, ``appendRange``,
``appendFoldedRange``, ``appendClass``, ``appendNegatedClass``, ``negateClass``.
"""

from __future__ import annotations

from oncall_policy.matching.unicode_tables import MAX_FOLD, MAX_RUNE, MIN_FOLD, fold_orbit, fold_runes
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def clean_class(r: list[int]) -> list[int]:
    """The ranges of ``r`` sorted (lo increasing, hi decreasing), overlapping and abutting ones merged."""
    out: list[int] = []
    for lo, hi in sorted(zip(r[::2], r[1::2], strict=True), key=lambda pair: (pair[0], -pair[1])):
        if out and lo <= out[-1] + 1:
            out[-1] = max(out[-1], hi)
        else:
            out += (lo, hi)
    return out


def append_range(r: list[int], lo: int, hi: int) -> list[int]:
    """``r`` with ``lo..hi`` added. Like Go, it widens the last or next-to-last range when the new
    one overlaps or abuts it (two, so that appending a folded alphabet keeps A-Z and a-z)."""
    n = len(r)
    for i in (2, 4):
        if n >= i:
            rlo, rhi = r[n - i], r[n - i + 1]
            if lo <= rhi + 1 and rlo <= hi + 1:
                r[n - i] = min(lo, rlo)
                r[n - i + 1] = max(hi, rhi)
                return r
    r += (lo, hi)
    return r


def append_folded_range(r: list[int], lo: int, hi: int) -> list[int]:
    """``r`` with ``lo..hi`` and every rune that case-folds to one of them.

    Go adds each rune of the range and its orbit one by one; this adds the same set (the range,
    then the orbits of the runes in it that fold), which every caller cleans before use."""
    append_range(r, lo, hi)
    if hi < MIN_FOLD or lo > MAX_FOLD or (lo <= MIN_FOLD and hi >= MAX_FOLD):
        return r  # nothing in the range folds, or the range holds every rune that folds
    for c in fold_runes(lo, hi):
        for f in fold_orbit(c):
            if not lo <= f <= hi:
                append_range(r, f, f)
    return r


def append_literal(r: list[int], x: int, fold: bool) -> list[int]:
    return append_folded_range(r, x, x) if fold else append_range(r, x, x)


def append_class(r: list[int], x: Sequence[int]) -> list[int]:
    """``r`` with the (clean) class ``x`` added."""
    if not r:
        r += x  # what appending a clean class range by range to nothing gives
        return r
    for i in range(0, len(x), 2):
        append_range(r, x[i], x[i + 1])
    return r


def append_folded_class(r: list[int], x: Sequence[int]) -> list[int]:
    """``r`` with the class ``x`` and its case folding added."""
    for i in range(0, len(x), 2):
        append_folded_range(r, x[i], x[i + 1])
    return r


def append_negated_class(r: list[int], x: Sequence[int]) -> list[int]:
    """``r`` with every rune not in the (clean) class ``x`` added."""
    next_lo = 0
    for i in range(0, len(x), 2):
        lo, hi = x[i], x[i + 1]
        if next_lo <= lo - 1:
            append_range(r, next_lo, lo - 1)
        next_lo = hi + 1
    if next_lo <= MAX_RUNE:
        append_range(r, next_lo, MAX_RUNE)
    return r


def negate_class(r: list[int]) -> list[int]:
    """The complement of the clean class ``r``."""
    return append_negated_class([], r)

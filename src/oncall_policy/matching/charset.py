"""``Charset``: an immutable set of characters, stored as the boundaries of its ranges.

The alphabet is the Unicode scalar values: code points 0–0x10FFFF without the surrogates
D800–DFFF, which no Go string decoded from JSON (so no label value) can hold. A set is the sorted
tuple of its half-open range boundaries ``lo, hi + 1, lo, hi + 1, …``; a code point is a member
when an odd number of boundaries lie at or below it, which makes membership one ``bisect`` and
every set operation one pass over two boundary lists.
"""

from __future__ import annotations

from bisect import bisect_right

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

MAX_RUNE = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)

# pick()'s preference, best first: what reads well in a witness shown to a person. The C1 controls
# and the no-break space (0x80–0xA0) come last with the C0 controls, as does everything unprintable.
_PREFERRED = (
    (ord("a"), ord("z")),
    (ord("A"), ord("Z")),
    (ord("0"), ord("9")),
    (ord("!"), ord("~")),
    (ord(" "), ord(" ")),
    (0xA1, MAX_RUNE),
    (0, MAX_RUNE),
)


class Charset:
    __slots__ = ("_hash", "bounds")

    def __init__(self, bounds: tuple[int, ...]) -> None:
        """From half-open boundaries already sorted, disjoint and within the alphabet; the
        constructors below are the way in."""
        self.bounds = bounds
        self._hash = hash(bounds)

    @classmethod
    def from_ranges(cls, flat: Sequence[int]) -> Charset:
        """From Go's flattened inclusive ranges ``lo, hi, lo, hi, …`` (any order, overlaps
        allowed); surrogates are dropped."""
        pairs = sorted((lo, hi + 1) for lo, hi in zip(flat[::2], flat[1::2], strict=True))
        return cls(_intersection(_merged(pairs), ALPHABET.bounds))

    @classmethod
    def of(cls, chars: Iterable[int]) -> Charset:
        """The set of these code points."""
        return cls.from_ranges([bound for char in chars for bound in (char, char)])

    @classmethod
    def single(cls, char: int) -> Charset:
        """The set of one code point (empty for a surrogate)."""
        return EMPTY if SURROGATES[0] <= char <= SURROGATES[1] else cls((char, char + 1))

    def __contains__(self, char: int) -> bool:
        return bisect_right(self.bounds, char) % 2 == 1

    def __bool__(self) -> bool:
        return bool(self.bounds)

    def __len__(self) -> int:
        """The number of characters."""
        bounds = self.bounds
        return sum(bounds[i + 1] - bounds[i] for i in range(0, len(bounds), 2))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Charset) and self.bounds == other.bounds

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        shown = ", ".join(f"{lo:#x}-{hi:#x}" if lo != hi else f"{lo:#x}" for lo, hi in self.ranges())
        return f"Charset({shown})"

    def ranges(self) -> list[tuple[int, int]]:
        """The inclusive ranges ``(lo, hi)``, in order."""
        bounds = self.bounds
        return [(bounds[i], bounds[i + 1] - 1) for i in range(0, len(bounds), 2)]

    def chars(self) -> Iterator[int]:
        """Every member, in order (there may be a million: callers bound their use)."""
        for lo, hi in self.ranges():
            yield from range(lo, hi + 1)

    def __or__(self, other: Charset) -> Charset:
        if not other.bounds or other is self:
            return self
        if not self.bounds:
            return other
        return _remembered("|", self, other) or _remember("|", self, other, _union(self.bounds, other.bounds))

    def __and__(self, other: Charset) -> Charset:
        if other is self:
            return self
        return _remembered("&", self, other) or _remember(
            "&", self, other, _intersection(self.bounds, other.bounds)
        )

    def __sub__(self, other: Charset) -> Charset:
        return Charset(_intersection(self.bounds, _flipped(other.bounds)))

    def __invert__(self) -> Charset:
        """The complement within the alphabet (never a surrogate)."""
        return ALPHABET - self

    def pick(self) -> int:
        """A representative member, the most readable there is: an ASCII letter or digit, then
        other printable ASCII, then any character but a control, then anything."""
        bounds = self.bounds
        for lo, hi in _PREFERRED:
            index = bisect_right(bounds, lo)
            if index % 2 == 1:
                return lo
            if index < len(bounds) and bounds[index] <= hi:
                return bounds[index]
        raise ValueError("the empty set has no member")


def readability(char: int) -> tuple[int, int]:
    """Sorts characters the way ``pick`` prefers them: lower is more readable."""
    return next(rank for rank, (lo, hi) in enumerate(_PREFERRED) if lo <= char <= hi), char


def _union(left: tuple[int, ...], right: tuple[int, ...]) -> tuple[int, ...]:
    pairs = [*zip(left[::2], left[1::2], strict=True), *zip(right[::2], right[1::2], strict=True)]
    return _merged(sorted(pairs))


def _merged(pairs: Iterable[tuple[int, int]]) -> tuple[int, ...]:
    """Sorted half-open ranges ``(lo, end)``, overlapping or touching ones merged, as bounds."""
    bounds: list[int] = []
    for lo, end in pairs:
        if bounds and lo <= bounds[-1]:
            bounds[-1] = max(bounds[-1], end)
        elif lo < end:
            bounds += [lo, end]
    return tuple(bounds)


def _intersection(left: tuple[int, ...], right: tuple[int, ...]) -> tuple[int, ...]:
    bounds: list[int] = []
    i = j = 0
    while i < len(left) and j < len(right):
        lo, end = max(left[i], right[j]), min(left[i + 1], right[j + 1])
        if lo < end:
            bounds += [lo, end]
        if left[i + 1] < right[j + 1]:
            i += 2
        else:
            j += 2
    return tuple(bounds)


def _flipped(bounds: tuple[int, ...]) -> tuple[int, ...]:
    """The complement within 0..MAX_RUNE (surrogates included: the caller intersects)."""
    flipped = bounds[1:] if bounds and bounds[0] == 0 else (0, *bounds)
    return flipped[:-1] if flipped and flipped[-1] == MAX_RUNE + 1 else (*flipped, MAX_RUNE + 1)


# Unions and intersections of large sets, remembered: a derivative merges the same classes
# (\pL and [A-Z], say) at every step. Small sets are cheaper to recompute than to look up.
_RESULTS: dict[tuple[str, Charset, Charset], Charset] = {}
_REMEMBERED = 4096
_LARGE = 32


def forget_results() -> None:
    _RESULTS.clear()


def _remembered(op: str, left: Charset, right: Charset) -> Charset | None:
    if len(left.bounds) + len(right.bounds) < _LARGE:
        return None
    return _RESULTS.get((op, left, right))


def _remember(op: str, left: Charset, right: Charset, bounds: tuple[int, ...]) -> Charset:
    result = Charset(bounds)
    if len(left.bounds) + len(right.bounds) >= _LARGE:
        if len(_RESULTS) >= _REMEMBERED:
            _RESULTS.clear()
        _RESULTS[(op, left, right)] = result
    return result


def partition(charsets: Iterable[Charset]) -> list[Charset]:
    """The coarsest partition of the alphabet in which each of ``charsets`` is a union of blocks.

    A sweep over every boundary: between two consecutive boundaries the characters all lie in the
    same charsets (a bitmask, their signature), and the intervals of one signature make a block.
    """
    toggles = [(point, 1) for point in ALPHABET.bounds]
    for index, charset in enumerate(charsets, start=1):
        toggles += [(point, 1 << index) for point in charset.bounds]
    toggles.sort()
    blocks: dict[int, list[int]] = {}
    signature = 0
    for position, (point, bit) in enumerate(toggles):
        signature ^= bit
        end = toggles[position + 1][0] if position + 1 < len(toggles) else point
        if end > point and signature & 1:
            bounds = blocks.setdefault(signature, [])
            if bounds and bounds[-1] == point:
                bounds[-1] = end
            else:
                bounds += [point, end]
    return [Charset(tuple(bounds)) for bounds in blocks.values()]


ALPHABET = Charset((0, SURROGATES[0], SURROGATES[1] + 1, MAX_RUNE + 1))
EMPTY = Charset(())
NEWLINE = Charset((10, 11))
# Go's IsWordChar: the characters \b and \B look at, [0-9A-Za-z_] (ASCII only).
WORD = Charset(
    (ord("0"), ord("9") + 1, ord("A"), ord("Z") + 1, ord("_"), ord("_") + 1, ord("a"), ord("z") + 1)
)

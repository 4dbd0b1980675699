r"""Go 1.19's Unicode tables (Unicode 13.0.0), as regexp/syntax reads them: the categories and
scripts of ``\p{…}`` with their ``FoldCategory``/``FoldScript`` extras, and ``unicode.SimpleFold``.

The data files are written by ``tools/unicode_tables/main.go`` from Go's own ``unicode`` package,
so that ``\pL`` means here exactly the runes it means to Alertmanager. They are read only when
needed: case folding within ASCII (with its two non-ASCII members, the Kelvin sign U+212A and the
long s U+017F) is written below, so ``(?i)highmemoryusage`` reads no file.

Ranges are flattened ``lo, hi, lo, hi, …``, sorted, with abutting ranges merged (a clean class).
"""

from __future__ import annotations

import os

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    Ranges = tuple[int, ...]

MAX_RUNE = 0x10FFFF
# The lowest and highest runes that SimpleFold moves (Go's minFold and maxFold).
MIN_FOLD = 0x0041
MAX_FOLD = 0x1E943

_DATA = os.path.join(os.path.dirname(__file__), "data")
_KELVIN = 0x212A
_LONG_S = 0x017F
_ANY: Ranges = (0, MAX_RUNE)

_orbits: dict[int, Ranges] | None = None
_fold_runes: list[int] | None = None
_tables: dict[str, dict[str, list[int]]] | None = None
_cleaned: dict[tuple[str, str], Ranges] = {}


def _ascii_orbits() -> dict[int, Ranges]:
    """The orbits of the ASCII letters (k and s with their non-ASCII partners), by member."""
    orbits: dict[int, Ranges] = {}
    for upper in range(ord("A"), ord("Z") + 1):
        extra = {ord("K"): (_KELVIN,), ord("S"): (_LONG_S,)}.get(upper, ())
        orbit = (upper, upper + 0x20, *extra)
        orbits.update(dict.fromkeys(orbit, orbit))
    return orbits


_ASCII_ORBITS = _ascii_orbits()


def _load_json(name: str) -> Any:
    import json  # noqa: PLC0415 - only when a data file is read

    with open(os.path.join(_DATA, name), encoding="utf-8") as file:
        return json.load(file)


def _all_orbits() -> dict[int, Ranges]:
    global _orbits  # noqa: PLW0603 - loaded once, on first use
    if _orbits is None:
        orbits: list[list[int]] = _load_json("go_unicode_folds.json")["orbits"]
        _orbits = {r: tuple(orbit) for orbit in orbits for r in orbit}
    return _orbits


def fold_orbit(r: int) -> Ranges:
    """Every rune ``r`` folds to under Go's simple case folding, ``r`` included, in increasing
    order: ``(0x4B, 0x6B, 0x212A)`` for ``k``; ``(r,)`` for a rune without case."""
    if r < MIN_FOLD or r > MAX_FOLD:
        return (r,)
    if r < 0x80 or r in (_KELVIN, _LONG_S):
        return _ASCII_ORBITS.get(r, (r,))
    return _all_orbits().get(r, (r,))


def simple_fold(r: int) -> int:
    """Go's ``unicode.SimpleFold``: the next rune after ``r`` in its orbit, wrapping around to the
    smallest; ``r`` itself when it has no case (or is not a rune)."""
    if r < 0 or r > MAX_RUNE:
        return r
    orbit = fold_orbit(r)
    return orbit[(orbit.index(r) + 1) % len(orbit)]


def fold_runes(lo: int, hi: int) -> Sequence[int]:
    """The runes in ``lo..hi`` that fold to another rune, in increasing order."""
    global _fold_runes  # noqa: PLW0603 - computed once, on first use
    if hi < 0x80:
        return [r for r in range(max(lo, MIN_FOLD), hi + 1) if r in _ASCII_ORBITS]
    if _fold_runes is None:
        _fold_runes = sorted(_all_orbits())
    from bisect import bisect_left, bisect_right  # noqa: PLC0415 - only for non-ASCII folding

    return _fold_runes[bisect_left(_fold_runes, lo) : bisect_right(_fold_runes, hi)]


def _all_tables() -> dict[str, dict[str, list[int]]]:
    global _tables  # noqa: PLW0603 - loaded once, on first use
    if _tables is None:
        _tables = _load_json("go_unicode_tables.json")
    return _tables


def _table(kind: str, name: str) -> Ranges | None:
    """One of Go's range tables (``kind`` is a key of the data file), as a clean class."""
    if (kind, name) in _cleaned:
        return _cleaned[kind, name]
    flat = _all_tables()[kind].get(name)
    if flat is None:
        return None
    _cleaned[kind, name] = cleaned = _expand(flat)
    return cleaned


def _expand(flat: list[int]) -> Ranges:
    """A ``RangeTable`` (``lo, hi, stride`` triples, sorted) as a clean class, as Go's
    ``appendTable`` builds it into an empty class."""
    out: list[int] = []
    for i in range(0, len(flat), 3):
        lo, hi, stride = flat[i : i + 3]
        for start, end in [(lo, hi)] if stride == 1 else [(c, c) for c in range(lo, hi + 1, stride)]:
            if out and start <= out[-1] + 1:
                out[-1] = max(out[-1], end)
            else:
                out += (start, end)
    return tuple(out)


def unicode_table(name: str) -> tuple[Ranges, Ranges | None] | None:
    """Go's ``unicodeTable``: the runes of the category or script ``name`` (``L``, ``Lu``, ``Greek``,
    ``Any``…) and those that fold into it (``None`` when Go has no fold table for it)."""
    if name == "Any":
        return _ANY, _ANY
    for kind, fold_kind in (("categories", "fold_category"), ("scripts", "fold_script")):
        table = _table(kind, name)
        if table is not None:
            return table, _table(fold_kind, name)
    return None

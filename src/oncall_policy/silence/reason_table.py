"""Running a reason's table (``tabulate`` writes it at ``compile`` time): whether a
comment contains a match of the reason's patterns, one lookup per character, stdlib only.

A table of up to 256 states (every reason of the examples) is read into ``bytes``, checked whole
at C speed; larger ones into an ``array``, imported only then.
"""

from __future__ import annotations

import sys

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

FORMAT = "contains-dfa/1"
SMALL = 256  # states: below this a cell is one byte (two hex digits), else two bytes (four)
_ASCII = 128
_SURROGATES = range(0xD800, 0xE000)
_REPLACEMENT = 0xFFFD


class Table:
    """A reason's automaton, checked whole when read (``ValueError`` if it is not one)."""

    __slots__ = (
        "_accepting",
        "_ascii",
        "_cells",
        "_dead",
        "_start",
        "_wide_classes",
        "_wide_starts",
        "_width",
    )

    def __init__(self, doc: Mapping[str, Any]) -> None:
        if doc.get("format") != FORMAT:
            raise ValueError(f"reason table not written as {FORMAT}")
        self._width: int = _count(doc["width"], 1)
        self._dead: int = _count(doc["dead"], 0)
        self._cells: Sequence[int] = _cells(doc["next"], self._dead)
        self._ascii: tuple[int, ...] = _classes(doc["classes"], self._width)
        wide = doc["wide"]
        self._wide_starts: list[int] = [_count(lo, _ASCII) for lo in wide[::2]]
        self._wide_classes: tuple[int, ...] = _classes(wide[1::2], self._width)
        self._start: int = _count(doc["start"], 0, self._dead)
        self._accepting = frozenset(_count(s, 0, self._dead) for s in doc["accepting"])
        if (
            len(self._cells) != (self._dead + 1) * self._width
            or len(self._ascii) != _ASCII
            or len(self._wide_starts) != len(self._wide_classes)
            or self._wide_starts != sorted(self._wide_starts)
            or self._wide_starts[:1] != [_ASCII]
        ):
            raise ValueError("reason table is malformed")

    def found(self, text: str) -> bool:
        """Whether ``text`` contains a match."""
        state, width, cells, dead, ascii_classes = (
            self._start,
            self._width,
            self._cells,
            self._dead,
            self._ascii,
        )
        for char in text:
            code = ord(char)
            kind = ascii_classes[code] if code < _ASCII else self._wide_class(code)
            state = cells[state * width + kind]
            if state == dead:
                return False
        return state in self._accepting

    def _wide_class(self, code: int) -> int:
        if code in _SURROGATES:
            code = _REPLACEMENT  # no text holds one: Go reads such bytes as U+FFFD, as RE2 does
        from bisect import bisect_right  # noqa: PLC0415 - most comments are ASCII: not on start-up

        return self._wide_classes[bisect_right(self._wide_starts, code) - 1]


def _cells(text: object, dead: int) -> Sequence[int]:
    digits = 2 if dead < SMALL else 4
    if not isinstance(text, str) or len(text) % digits:
        raise ValueError(f"reason table: its cells are not {digits} hexadecimal digits each")
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise ValueError("reason table: its cells are not hexadecimal") from None
    if digits == 2:
        # Deleting every state up to ``dead`` leaves what names none: at C speed, where ``max``
        # of a table's few thousand cells was two thirds of reading the examples' rules.
        if raw.translate(None, bytes(range(dead + 1))):
            raise ValueError("reason table: a cell names a state past the last")
        return raw
    cells = _wide_cells(raw)
    if cells and max(cells) > dead:
        raise ValueError("reason table: a cell names a state past the last")
    return cells


def _wide_cells(raw: bytes) -> Sequence[int]:
    from array import array  # noqa: PLC0415 - large tables only

    cells = array("H", raw)
    if sys.byteorder == "little":
        cells.byteswap()  # written big-endian: the same file on every machine
    return cells


def _classes(values: Sequence[object], width: int) -> tuple[int, ...]:
    if not all(type(value) is int for value in values):
        raise ValueError("reason table: a class is not an integer")
    classes: tuple[int, ...] = tuple(values)  # type: ignore[arg-type] # checked just above
    if classes and (min(classes) < 0 or max(classes) >= width):
        raise ValueError("reason table: a class is out of range")
    return classes


def _count(value: object, low: int, high: int | None = None) -> int:
    if type(value) is not int or value < low or (high is not None and value > high):
        raise ValueError(f"reason table: {value!r} is out of range")
    return value

"""Running a reason's table (``matching.tabulate`` writes it at ``compile`` time): whether a
comment contains a match of the reason's patterns, one lookup per character, stdlib only."""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right

from oncall_policy import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

FORMAT = "contains-dfa/1"
_ASCII = 128
_SURROGATES = range(0xD800, 0xE000)


class Table:
    """A reason's automaton, checked whole when read (``ValueError`` if it is not one)."""

    __slots__ = (
        "_accepting",
        "_ascii",
        "_dead",
        "_next",
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
        self._next = _cells(doc["next"])
        if sys.byteorder == "little":
            self._next.byteswap()  # written big-endian: the same file on every machine
        self._ascii: tuple[int, ...] = tuple(_count(c, 0, self._width - 1) for c in doc["classes"])
        wide = doc["wide"]
        self._wide_starts: list[int] = [_count(lo, _ASCII) for lo in wide[::2]]
        self._wide_classes: list[int] = [_count(c, 0, self._width - 1) for c in wide[1::2]]
        self._start: int = _count(doc["start"], 0, self._dead)
        self._accepting = frozenset(_count(s, 0, self._dead) for s in doc["accepting"])
        self._check_shape()

    def _check_shape(self) -> None:
        cells = len(self._next)
        if (
            cells != (self._dead + 1) * self._width
            or (cells and max(self._next) > self._dead)
            or len(self._ascii) != _ASCII
            or len(self._wide_starts) != len(self._wide_classes)
            or self._wide_starts != sorted(self._wide_starts)
            or (self._wide_starts and self._wide_starts[0] != _ASCII)
        ):
            raise ValueError("reason table is malformed")

    def found(self, text: str) -> bool:
        """Whether ``text`` contains a match (a text with a lone surrogate, which no reason
        pattern can read, contains none)."""
        state, width, cells, dead, ascii_classes = (
            self._start,
            self._width,
            self._next,
            self._dead,
            self._ascii,
        )
        for char in text:
            code = ord(char)
            if code < _ASCII:
                state = cells[state * width + ascii_classes[code]]
            elif code in _SURROGATES:
                return False
            else:
                wide = self._wide_classes[bisect_right(self._wide_starts, code) - 1]
                state = cells[state * width + wide]
            if state == dead:
                return False
        return state in self._accepting


def _cells(text: object) -> array[int]:
    if not isinstance(text, str) or len(text) % 4:
        raise ValueError("reason table: its cells are not four hexadecimal digits each")
    try:
        return array("H", bytes.fromhex(text))
    except ValueError:
        raise ValueError("reason table: its cells are not hexadecimal") from None


def _count(value: object, low: int, high: int | None = None) -> int:
    if type(value) is not int or value < low or (high is not None and value > high):
        raise ValueError(f"reason table: {value!r} is out of range")
    return value

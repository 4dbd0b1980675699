"""Positions on demand, for text the fast path parsed cleanly but that breaks the schema or a rule.

The fast path's data is already right (it declines anything the position-keeping path would
refuse or read differently), so all that is missing is where a few failing fields stand. The
problems are gathered first; then one pass over libyaml's events, which builds no data, records
the positions of just those fields and of what encloses them.
"""

from __future__ import annotations

from typing import Any

from oncall_policy.load.positional import Document, Position
from oncall_policy.load.scalars import resolve_plain
from oncall_policy.problems import Location, Problem, dotted


class LazyDocument(Document):
    """A ``Document`` whose problems are placed when ``finish`` is called."""

    def __init__(self, path: str, data: Any, text: str) -> None:
        super().__init__(path, data)
        self.text = text
        self.pending: list[tuple[Location, str, str, bool]] = []

    def problem(self, location: Location, message: str, rule: str, *, key: bool = False) -> None:
        self.pending.append((location, message, rule, key))

    def has_problems(self) -> bool:
        return bool(self.problems or self.pending)

    def finish(self) -> list[Problem]:
        """Every problem, placed; the positions are found in one pass over the text."""
        wanted = {location[:end] for location, *_ in self.pending for end in range(len(location) + 1)}
        self.values, self.keys = _positions(self.text, wanted)
        for location, message, rule, key in self.pending:
            line, column = self.position(location, key=key)
            self.problems.append(Problem(self.path, line, column, dotted(location), message, rule))
        self.pending.clear()
        return self.problems


def _positions(text: str, wanted: set[Location]) -> tuple[dict[Location, Position], dict[Location, Position]]:
    from ruamel.yaml import YAML  # noqa: PLC0415 - only when there is a problem to place
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    for pure in (False, True):  # libyaml first; ruamel's YAML 1.2 parser where libyaml refuses
        walker = _Walker(wanted)
        try:
            for event in YAML(typ="safe", pure=pure).parse(text):
                walker.feed(event)
        except YAMLError:
            continue
        return walker.values, walker.keys
    return {}, {}


class _Level:
    __slots__ = ("count", "expecting_key", "key", "location", "mapping")

    def __init__(self, location: Location, mapping: bool) -> None:
        self.location = location
        self.mapping = mapping
        self.count = 0
        self.key: Any = None
        self.expecting_key = True


class _Walker:
    """Tracks the field path of each event and records the positions ``wanted`` asks for."""

    def __init__(self, wanted: set[Location]) -> None:
        self.wanted = wanted
        self.stack: list[_Level] = []
        self.values: dict[Location, Position] = {}
        self.keys: dict[Location, Position] = {}

    def feed(self, event: Any) -> None:
        kind = type(event).__name__
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            location = self._node(event, None)
            self.stack.append(_Level(location, kind == "MappingStartEvent"))
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            self.stack.pop()
            self._advance()
        elif kind == "ScalarEvent":
            plain = event.style in ("", None) and event.tag is None
            self._node(event, resolve_plain(event.value) if plain else event.value)
            self._advance()

    def _node(self, event: Any, scalar: Any) -> Location:
        """Record this node (or, in a key slot, this key) and return its location."""
        mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        if not self.stack:
            self.values.setdefault((), mark)
            return ()
        top = self.stack[-1]
        if top.mapping and top.expecting_key:
            top.key = scalar if isinstance(scalar, str | int | float | bool) else object()
            location = (*top.location, top.key)
            if location in self.wanted:
                self.keys.setdefault(location, mark)
            return location
        location = (*top.location, top.key) if top.mapping else (*top.location, top.count)
        if location in self.wanted:
            self.values.setdefault(location, mark)
        return location

    def _advance(self) -> None:
        if not self.stack:
            return
        top = self.stack[-1]
        if top.mapping:
            top.expecting_key = not top.expecting_key
        else:
            top.count += 1

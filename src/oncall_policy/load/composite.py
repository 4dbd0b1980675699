"""A policy spread over files, read as one: the merged data, each problem placed in its own file.

The loader validates and checks the merged data as it would one file; this document turns a
location in the merged data (``alerts[12345].severity``) back into the file and the location in
it that the value came from (``teams/payments.yaml``, ``alerts[45].severity``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oncall_policy.load.positional import Document, Position

if TYPE_CHECKING:
    from collections.abc import Sequence

    from oncall_policy.problems import Location, Problem

# Where an item of a merged list came from: its file, and its location there.
Origin = tuple[Document, "Location"]


class Composite(Document):
    """The root's document with its parts' lists merged in (``origins`` says from where)."""

    def __init__(
        self,
        root: Document,
        parts: Sequence[Document],
        data: Any,
        origins: dict[Location, list[Origin]],
    ) -> None:
        super().__init__(root.path, data)
        self.root = root
        self.parts = tuple(parts)
        self.origins = origins
        # Whether every part could be merged: checks of a policy missing a part only mislead.
        self.complete = all(part.data is not None for part in self.parts)
        self.sources: tuple[tuple[str, str], ...] = ()  # (name, sha256) of each part, as read

    def _origin(self, location: Location) -> tuple[Document, Location]:
        for size in (1, 2):  # ("alerts", i, …) or ("routing", "routes", i, …)
            items = self.origins.get(location[:size])
            index = location[size] if len(location) > size else None
            if items is not None and isinstance(index, int) and 0 <= index < len(items):
                document, at = items[index]
                return document, (*at, *location[size + 1 :])
        return self.root, location

    def problem(self, location: Location, message: str, rule: str, *, key: bool = False) -> None:
        document, at = self._origin(location)
        document.problem(at, message, rule, key=key)

    def position(self, location: Location, *, key: bool = False) -> Position:
        document, at = self._origin(location)
        return document.position(at, key=key)

    def has_problems(self) -> bool:
        return self.root.has_problems() or any(part.has_problems() for part in self.parts)

    def finish(self) -> list[Problem]:
        """Every problem of every file: the root's first, then each part's, in merge order."""
        problems = list(self.root.finish())
        for part in self.parts:
            problems.extend(part.finish())
        return problems

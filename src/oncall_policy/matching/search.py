"""Searching text for a policy's own patterns (silence reasons), with the same engine as matchers.

A reason's patterns are RE2 regexes, any of which found anywhere in a comment, case-insensitively,
gives the reason. They go through the Go parser and RE2 like a matcher, so a comment, which
anyone may write, can never make a pattern take more than linear time. ``compile`` writes them
ahead as one explicit RE2 pattern (``source``), so that judging a silence needs only RE2.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from oncall_policy.matching.engine import Pattern

# How ``source`` writes patterns for ``engine.Pattern``; generated rules written otherwise are
# stale (they are then rebuilt from the policy).
SOURCE_FORMAT = "re2-search-anchored-start/1"


def source(patterns: Sequence[str]) -> str:
    """The RE2 pattern that finds any of ``patterns`` (each of which must parse on its own: the
    wrapping must not change what it means); raises ``syntax.RegexpError``."""
    from oncall_policy.matching import emit, syntax  # noqa: PLC0415 - compile and check only

    for pattern in patterns:
        syntax.parse(pattern)
    return emit.search_pattern(syntax.parse("|".join(f"(?i:{pattern})" for pattern in patterns)))


class Searcher:
    """A ``source`` ready to search many texts (RE2 is loaded on the first search)."""

    __slots__ = ("_pattern", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._pattern: Pattern | None = None

    def found(self, text: str) -> bool:
        if self._pattern is None:
            from oncall_policy.matching.engine import Pattern  # noqa: PLC0415

            self._pattern = Pattern(self.source)
        return self._pattern.fullmatch(text)  # an unanchored source: Go's MatchString, a search

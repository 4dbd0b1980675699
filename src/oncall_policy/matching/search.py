"""Searching text for a policy's own patterns (silence reasons), with the same engine as matchers.

A reason pattern is an RE2 regex found anywhere in a comment, case-insensitively. It goes through
the Go parser and RE2 like a matcher, so a comment, which anyone may write, can never make a
pattern take more than linear time.
"""

from __future__ import annotations

from oncall_policy import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.engine import Pattern

_COMPILED: dict[str, Pattern] = {}


def compile_search(pattern: str) -> Pattern:
    """``pattern`` (which must parse on its own), case-insensitive; its ``fullmatch`` is Go's
    ``MatchString``, a search. Raises ``syntax.RegexpError``."""
    found = _COMPILED.get(pattern)
    if found is None:
        from oncall_policy.matching import engine, syntax  # noqa: PLC0415

        syntax.parse(pattern)  # alone first: the wrapping must not change what it means
        found = _COMPILED[pattern] = engine.compile(syntax.parse(f"(?i:{pattern})"))
    return found


def found(pattern: str, text: str) -> bool:
    """Whether ``pattern`` occurs in ``text``, case-insensitively."""
    return compile_search(pattern).fullmatch(text)

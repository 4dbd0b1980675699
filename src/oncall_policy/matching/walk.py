"""Folding a parse tree bottom-up without recursion: Go allows trees 1000 deep, past Python's
default recursion limit once the caller's own frames are counted."""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from oncall_policy.matching.tree import Regexp

    T = TypeVar("T")


def fold(root: Regexp, combine: Callable[[Regexp, list[T]], T]) -> T:
    """``combine(node, [the result for each of node.sub])`` for every node, children first;
    the result for ``root``."""
    results: list[T] = []
    stack: list[tuple[Regexp, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            first = len(results) - len(node.sub)
            value = combine(node, results[first:])
            del results[first:]
            results.append(value)
        else:
            stack.append((node, True))
            stack.extend((sub, False) for sub in reversed(node.sub))
    return results[0]

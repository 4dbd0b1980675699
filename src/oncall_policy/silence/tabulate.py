r"""A reason's patterns as a table: the deterministic automaton of "the comment contains a match",
written at ``compile`` time so that judging a comment needs neither RE2 nor the Go parser.

Loading RE2's extension and compiling a policy's reason patterns is about 3.5 ms of ``silence
check``'s 20 (measured); running a table is a list index per character. The automaton is that of
``(?s:.*)(?:p1|p2|…)(?s:.*)`` with each pattern case-insensitive, explored by derivatives (the
same ones ``Language`` uses, in context, so ``\b`` and ``^`` mean what Go's matcher says), and it
is linear in the comment whatever the patterns. A policy whose patterns need more states than
``BUDGET`` gives keeps RE2 (``build`` answers ``None``).

The table (``reason_table`` reads and runs it, stdlib only):
- ``classes``: the class of each ASCII character; ``wide``: ``[first, class, …]`` for the rest of
  the alphabet, a character taking the class of the last ``first`` at or before it;
- ``width``: how many classes; ``next``: hex, two digits a cell (four from ``SMALL`` states on),
  the state after state ``s`` reads a character of class ``c`` at cell ``s * width + c``;
  ``dead`` is the state nothing leaves;
- ``accepting``: the states where the comment, ending there, holds a match.
"""

from __future__ import annotations

from oncall_policy.matching import syntax
from oncall_policy.matching.automaton import explore_all
from oncall_policy.matching.budget import Budget, OutOfBudget
from oncall_policy.matching.charset import partition
from oncall_policy.matching.explore import Explorer
from oncall_policy.matching.translate import term_of
from oncall_policy.silence.reason_table import FORMAT, SMALL
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from oncall_policy.matching.automaton import Edges
    from oncall_policy.matching.charset import Charset
    from oncall_policy.matching.explore import State

BUDGET = Budget(states=4_000, steps=2_000_000)  # 4,000 states of ~30 classes: ~1 MB of hex at most
_ASCII = 128


def build(patterns: Sequence[str]) -> dict[str, object] | None:
    """The table of ``patterns`` (each must parse on its own), or ``None`` past ``BUDGET``."""
    alternatives = "|".join(f"(?i:{pattern})" for pattern in patterns)
    term = term_of(syntax.parse(f"(?s:.*)(?:{alternatives})(?s:.*)"))
    explorer = Explorer(BUDGET)
    try:
        start, edges = explore_all(term, explorer)
    except OutOfBudget:
        return None
    states = list(edges)
    numbers = {state: number for number, state in enumerate(states)}
    blocks = partition([block for out in edges.values() for block, _following in out])
    return {
        "format": FORMAT,
        **_classes(blocks),
        "width": len(blocks),
        "next": _next(states, numbers, edges, blocks),
        "dead": len(states),
        "start": numbers[start],
        "accepting": [numbers[state] for state in states if explorer.accepts(state)],
    }


def _classes(blocks: list[Charset]) -> dict[str, list[int]]:
    def class_of(char: int) -> int:
        return next(number for number, block in enumerate(blocks) if char in block)

    starts = {lo: number for number, block in enumerate(blocks) for lo in block.bounds[::2] if lo > _ASCII}
    starts[_ASCII] = class_of(_ASCII)
    wide = [item for lo in sorted(starts) for item in (lo, starts[lo])]
    return {"classes": [class_of(char) for char in range(_ASCII)], "wide": wide}


def _next(states: list[State], numbers: dict[State, int], edges: Edges, blocks: list[Charset]) -> str:
    dead = len(states)
    cells = [dead] * ((dead + 1) * len(blocks))
    for state in states:
        for block, following in edges[state]:
            for number, candidate in enumerate(blocks):
                if candidate.bounds[0] in block:  # a block of the partition lies wholly in or out
                    cells[numbers[state] * len(blocks) + number] = numbers[following]
    digits = 2 if dead < SMALL else 4
    return "".join(f"{cell:0{digits}x}" for cell in cells)

r"""Walking a term's derivatives: the states of its (lazily built) automaton, within a budget.

A state is a term and the class of the character before (``START`` at the start of the text),
reduced to what the term's assertions can tell apart (``context.same_before``): a term without
``^``, ``\b`` or ``\B`` ignores the class, and is one state. The state accepts when its term
matches the empty string before the end of the text. Each step takes one representative
character per block of the state's partition, so the witnesses it spells are readable.
"""

from __future__ import annotations

from collections import deque

from oncall_policy.matching.budget import Meter
from oncall_policy.matching.context import END, START, bit, class_of, same_before
from oncall_policy.matching.derivative import blocks, derivative
from oncall_policy.matching.terms import NOTHING
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from oncall_policy.matching.budget import Budget
    from oncall_policy.matching.charset import Charset
    from oncall_policy.matching.derivative import Memo
    from oncall_policy.matching.terms import Term

    State = tuple[Term, int]


class Explorer:
    """Steps between states for one query, remembering the steps taken and charging its meter."""

    __slots__ = ("_derived", "_steps", "meter")

    def __init__(self, budget: Budget) -> None:
        self.meter = Meter(budget)
        self._steps: dict[tuple[Term, int, int], State] = {}
        self._derived: Memo = {}

    @staticmethod
    def start(term: Term) -> State:
        return (term, same_before(term.assertions, START))

    @staticmethod
    def accepts(state: State) -> bool:
        term, before = state
        return bool(term.nullable & bit(before, END))

    def step(self, state: State, char: int) -> State:
        term, before = state
        key = (term, before, char)
        found = self._steps.get(key)
        if found is None:
            after, work = derivative(term, before, char, self._derived)
            self.meter.add_steps(work)
            found = self._steps[key] = (after, same_before(after.assertions, class_of(char)))
        return found

    def successors(self, state: State) -> Iterator[tuple[Charset, int, State]]:
        """Per block of the state's partition: the block, its representative and the next state
        (blocks that lead nowhere are left out)."""
        parts = blocks(state[0])
        self.meter.add_steps(len(parts))
        for block, char in parts:
            following = self.step(state, char)
            if following[0] is not NOTHING:
                yield block, char, following


def shortest_member(term: Term, explorer: Explorer) -> str | None:
    """A shortest string the term matches (breadth first), or ``None`` when it matches none.
    Raises ``OutOfBudget`` when the budget runs out first."""
    start = explorer.start(term)
    if explorer.accepts(start):
        return ""
    parents: dict[State, tuple[State, int] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for _block, char, following in explorer.successors(state):
            if following in parents:
                continue
            explorer.meter.add_state()
            parents[following] = (state, char)
            if explorer.accepts(following):
                return _spell(parents, following)
            queue.append(following)
    return None


def _spell(parents: dict[State, tuple[State, int] | None], state: State) -> str:
    chars = []
    link = parents[state]
    while link is not None:
        state, char = link
        chars.append(chr(char))
        link = parents[state]
    return "".join(reversed(chars))


def run(term: Term, text: str, explorer: Explorer) -> bool:
    """Whether the term matches ``text``, one derivative per character."""
    state = explorer.start(term)
    for char in text:
        state = explorer.step(state, ord(char))
        if state[0] is NOTHING:
            return False
    return explorer.accepts(state)

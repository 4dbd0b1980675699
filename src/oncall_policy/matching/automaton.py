"""A term's whole automaton, for the questions a shortest member cannot answer: is the language
finite, and what are all its members.

The automaton is deterministic (a state's blocks partition the alphabet), so a string is one path
and counting paths counts strings. The language is finite exactly when no cycle runs through a
live state (one reachable from the start that can still reach an accepting state).
"""

from __future__ import annotations

from collections import deque

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.charset import Charset
    from oncall_policy.matching.explore import Explorer, State
    from oncall_policy.matching.terms import Term

    Edges = dict[State, list[tuple[Charset, State]]]


def explore_all(term: Term, explorer: Explorer) -> tuple[State, Edges]:
    """The start state and every reachable state's edges (raises ``OutOfBudget`` first if
    there are too many)."""
    start = explorer.start(term)
    explorer.meter.add_state()
    edges: Edges = {}
    queue = deque([start])
    seen = {start}
    while queue:
        state = queue.popleft()
        out = edges[state] = []
        for block, _char, following in explorer.successors(state):
            out.append((block, following))
            if following not in seen:
                explorer.meter.add_state()
                seen.add(following)
                queue.append(following)
    return start, edges


def live_states(edges: Edges, explorer: Explorer) -> set[State]:
    """The states from which an accepting state can be reached."""
    back: dict[State, list[State]] = {}
    for state, out in edges.items():
        for _block, following in out:
            back.setdefault(following, []).append(state)
    live = {state for state in edges if explorer.accepts(state)}
    stack = list(live)
    while stack:
        for earlier in back.get(stack.pop(), ()):
            if earlier not in live:
                live.add(earlier)
                stack.append(earlier)
    return live


def live_order(edges: Edges, live: set[State]) -> list[State] | None:
    """The live states in an order where every edge goes forward, or ``None`` if they cycle."""
    entering = dict.fromkeys(live, 0)
    for state in live:
        for _block, following in edges[state]:
            if following in live:
                entering[following] += 1
    ready = [state for state, count in entering.items() if count == 0]
    order = []
    while ready:
        state = ready.pop()
        order.append(state)
        for _block, following in edges[state]:
            if following in live:
                entering[following] -= 1
                if entering[following] == 0:
                    ready.append(following)
    return order if len(order) == len(live) else None


def is_finite(term: Term, explorer: Explorer) -> bool:
    _start, edges = explore_all(term, explorer)
    return live_order(edges, live_states(edges, explorer)) is not None


def all_members(term: Term, limit: int, explorer: Explorer) -> list[str] | None:
    """Every string the term matches, when they are finitely many and at most ``limit``; else
    ``None``."""
    start, edges = explore_all(term, explorer)
    live = live_states(edges, explorer)
    order = live_order(edges, live)
    if order is None:
        return None
    counts: dict[State, int] = {}
    for state in reversed(order):
        total = explorer.accepts(state) + sum(
            len(block) * counts[following] for block, following in edges[state] if following in live
        )
        counts[state] = min(total, limit + 1)  # capped: a block may hold a million characters
    if counts.get(start, 0) > limit:
        return None
    return _spell_all(start, edges, live, explorer) if start in live else []


def _spell_all(start: State, edges: Edges, live: set[State], explorer: Explorer) -> list[str]:
    found = []
    stack = [(start, "")]
    while stack:
        state, prefix = stack.pop()
        if explorer.accepts(state):
            found.append(prefix)
        for block, following in edges[state]:
            if following in live:
                stack += [(following, prefix + chr(char)) for char in block.chars()]
    return sorted(found, key=lambda text: (len(text), text))

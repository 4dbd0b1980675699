"""The route tree: the policy's ordered routes as Alertmanager 0.25 routes.

Each policy route becomes one route node whose matchers are its severity matcher and its own
matchers; it delivers to one receiver per destination (one child per receiver, all but the last
with ``continue: true``, or the receiver on the node itself when there is one). Alertmanager and
the policy agree on "first match wins unless ``continue``", so most of the tree is that list.

Two things need more than a list, and both are solved by nesting:

- **No receiver twice.** A ``continue: true`` route whose receivers a later route (or the
  fallback) also names is emitted *with the rest of the list inside it*: its receivers become
  *pending* and are delivered, deduplicated, together with those of the route that finally stops
  the alert (or by a catch-all at the end when none does). Outside it, the rest of the list is
  emitted again for alerts it did not match.
- **The fallback.** ``routing.unmatched`` with one receiver is the root's receiver, which
  Alertmanager uses only when no route matched. With several receivers it is a catch-all route at
  the end, and every ``continue: true`` route is nested so that it cannot fall through to it.

Routes that cannot be reached (an earlier stopping route's matchers are a subset of theirs) are
left out. The tree grows with the number of nested ``continue`` routes (each copies the routes
after it), which in practice is zero or one "copy everything to the firehose" route.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import NamedTuple

from oncall_policy.compile.am import names, timing
from oncall_policy.compile.am.selectors import Selectors
from oncall_policy.compile.am.timing import Timing
from oncall_policy.meaning.grouping import group_by
from oncall_policy.model import Policy, Route, Severity

Node = dict[str, object]


class Step(NamedTuple):
    """A policy route made ready for Alertmanager."""

    comment: str
    matchers: tuple[str, ...]
    receivers: tuple[str, ...]
    continue_: bool
    timing: Timing
    group_by: tuple[str, ...]


def build(policy: Policy) -> Node:
    """The root route."""
    selectors = Selectors(policy)
    severities = {s.id: s for s in policy.severities}
    grouping = group_by(policy)
    steps = [
        _step(route, selectors, severities, grouping.routes[route.name]) for route in policy.routing.routes
    ]
    fallback = names.of(policy.routing.unmatched)
    inherited = timing.of(timing.most_urgent(policy.severities))
    root: Node = {"receiver": fallback[0], "group_by": list(grouping.unmatched)}
    root.update(inherited.fields())
    root["routes"] = _children(steps, (), fallback, inherited)
    return root


def _step(
    route: Route, selectors: Selectors, severities: dict[str, Severity], grouping: tuple[str, ...]
) -> Step:
    admitted = [severities[s] for s in route.severities] if route.severities else severities.values()
    about = " ".join(route.description.split()) if route.description else ""
    return Step(
        comment=f"route {route.name}" + (f": {about}" if about else ""),
        matchers=tuple(selectors.matchers(route.severities, route.matchers)),
        receivers=names.of(route),
        continue_=route.continue_,
        timing=timing.of(timing.most_urgent(admitted)),
        group_by=grouping,
    )


def _children(
    steps: Sequence[Step], pending: tuple[str, ...], fallback: tuple[str, ...] | None, inherited: Timing
) -> list[Node]:
    """Child routes that deliver ``pending`` plus what ``steps`` give (or ``fallback``)."""
    nodes: list[Node] = []
    stoppers = Stoppers()
    later = Later(steps)
    for index, step in enumerate(steps):
        if stoppers.cover(step.matchers):
            continue  # an earlier stopping route takes every alert this one could
        if not step.continue_:
            stoppers.add(step.matchers)
            receivers = names.unique(pending + step.receivers) or (names.NOWHERE,)
            nodes.append(_node(step, inherited, receivers))
        elif node := _continuing(index, later, pending, fallback, inherited):
            nodes.append(node)
            if "continue" not in node:  # nested: it keeps every alert it matches
                stoppers.add(step.matchers)
    last = _last(pending, fallback)
    if last and not stoppers.cover(()):
        comment = (
            "no route below matched: only what the routes above collected" if pending else "routing.unmatched"
        )
        nodes.append(_deliver({"#": comment}, last))
    return nodes


class Stoppers:
    """The matcher sets of the stopping routes so far. A route is unreachable when one of them is
    a subset of its matchers: looked up by the route's (few) subsets, not by scanning every
    earlier route, which made a tree of thousands of routes quadratic."""

    _MOST_SUBSETS = 10  # matchers of one route beyond which scanning is cheaper than subsets

    def __init__(self) -> None:
        self._sets: set[frozenset[str]] = set()

    def add(self, matchers: Sequence[str]) -> None:
        self._sets.add(frozenset(matchers))

    def cover(self, matchers: Sequence[str]) -> bool:
        distinct = sorted(set(matchers))
        if len(distinct) > self._MOST_SUBSETS:
            return any(stopper <= set(distinct) for stopper in self._sets)
        return any(
            frozenset(subset) in self._sets
            for size in range(len(distinct) + 1)
            for subset in combinations(distinct, size)
        )


class Later:
    """What the steps after each one deliver, answered without scanning them again: where each
    receiver is last named, and the last step that names none."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = steps
        self.last_use = {receiver: index for index, step in enumerate(steps) for receiver in step.receivers}
        self.last_silent = max((index for index, step in enumerate(steps) if not step.receivers), default=-1)

    def all_deliver_after(self, index: int) -> bool:
        return self.last_silent <= index

    def none_repeat_after(self, index: int, receivers: Sequence[str]) -> bool:
        return all(self.last_use.get(receiver, -1) <= index for receiver in receivers)


def _last(pending: tuple[str, ...], fallback: tuple[str, ...] | None) -> tuple[str, ...]:
    """What a catch-all at the end delivers: inside a continue route (no fallback: that route
    took the alert) what is pending, or nowhere; at the top a fallback the root cannot hold."""
    if fallback is None:
        return pending or (names.NOWHERE,)
    return fallback if len(fallback) > 1 else ()


def _continuing(
    index: int, later: Later, pending: tuple[str, ...], fallback: tuple[str, ...] | None, inherited: Timing
) -> Node | None:
    step = later.steps[index]
    if set(step.receivers) <= set(pending) and (pending or fallback is None):
        return None  # delivers nothing new, and the fallback is out of the question already
    if _may_stay_flat(step, index, later, pending, fallback):
        node = _node(step, inherited, step.receivers)
        node["continue"] = True
        return _reorder(node)
    node = _node(step, inherited, ())
    collected = names.unique(pending + step.receivers)
    node["routes"] = _children(later.steps[index + 1 :], collected, None, step.timing)
    return node


def _may_stay_flat(
    step: Step, index: int, later: Later, pending: tuple[str, ...], fallback: tuple[str, ...] | None
) -> bool:
    """Whether a ``continue: true`` route can stay a plain sibling: only at the top (nothing
    pending, whose delivery it would reorder), before a fallback that is the root's receiver, when
    it delivers something, nothing after it delivers its receivers again and no later route
    delivers nothing."""
    return (
        not pending
        and fallback is not None
        and len(fallback) == 1
        and bool(step.receivers)
        and later.none_repeat_after(index, step.receivers)
        and later.all_deliver_after(index)
    )


def _node(step: Step, inherited: Timing, receivers: tuple[str, ...]) -> Node:
    node: Node = {"#": step.comment}
    if step.matchers:
        node["matchers"] = list(step.matchers)
    node["group_by"] = list(step.group_by)  # always: a nested copy must not inherit its parent's
    if step.timing != inherited:
        node.update(step.timing.fields())
    return _deliver(node, receivers) if receivers else node


def _deliver(node: Node, receivers: tuple[str, ...]) -> Node:
    if len(receivers) == 1:
        node["receiver"] = receivers[0]
    else:
        *first, final = receivers
        node["routes"] = [{"receiver": r, "continue": True} for r in first] + [{"receiver": final}]
    return _reorder(node)


_ORDER = (
    "#",
    "matchers",
    "receiver",
    "continue",
    "group_by",
    "group_wait",
    "group_interval",
    "repeat_interval",
)


def _reorder(node: Node) -> Node:
    """Keys in the order people read a route: what it matches, where it goes, then timing."""
    rank = {key: i for i, key in enumerate(_ORDER)}
    return dict(sorted(node.items(), key=lambda item: rank.get(item[0], len(rank))))

"""Alertmanager 0.25 routing, reimplemented over a configuration (as parsed YAML).

Semantics (``dispatch/route.go`` at v0.25.0, and the project's verified reference §5): an alert
enters at the root; a route matches when all its matchers match (regexes anchored, a missing
label is the empty string); its children are tried in order and the first matching child stops
the scan unless it has ``continue: true``; a route none of whose children matched is itself the
result. The receivers are those of every resulting route, in tree order; a route without
``receiver`` inherits its parent's. Like ``amtool config routes test``, this is pure label
routing: time intervals, inhibition and silences play no part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from oncall_policy.errors import OncallPolicyError
from oncall_policy.matchers import Matcher, Op, fullmatch, parse_matchers


class ConfigError(OncallPolicyError):
    """A configuration this simulator cannot route with."""


@dataclass(frozen=True)
class RouteNode:
    matchers: tuple[Matcher, ...]
    receiver: str
    continue_: bool
    routes: tuple[RouteNode, ...]
    tests: tuple[Test, ...] = field(init=False, repr=False, compare=False)
    children: Children = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tests", tuple(map(_test, self.matchers)))
        object.__setattr__(self, "children", Children(self.routes))

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(test(labels) for test in self.tests)

    def walk(self) -> Iterator[RouteNode]:
        yield self
        for child in self.routes:
            yield from child.walk()


Test = Callable[[Mapping[str, str]], bool]


class Children:
    """A node's child routes, indexed so that a label set is only tried against children that
    could match it: each child under the rarest label value it requires (a non-empty equality
    matcher), the rest tried always. Candidates keep tree order, so "first match stops" is unchanged; with
    a thousand teams' routes this keeps routing linear instead of scanning every route per alert.
    """

    def __init__(self, routes: tuple[RouteNode, ...]) -> None:
        self.routes = routes
        self._always: list[int] = []
        self._index: dict[tuple[str, str], list[int]] = {}
        required = [{(m.name, m.value) for m in r.matchers if m.op is Op.EQUAL and m.value} for r in routes]
        shared = Counter(pair for pairs in required for pair in pairs)
        for number, pairs in enumerate(required):
            if not pairs:
                self._always.append(number)
            else:  # under its rarest value: a team's name, not the severity every team's route has
                rarest = min(pairs, key=lambda pair: (shared[pair], pair))
                self._index.setdefault(rarest, []).append(number)
        self._names = sorted({name for name, _ in self._index})

    def candidates(self, labels: Mapping[str, str]) -> Iterator[RouteNode]:
        """The children that may match ``labels``, in tree order."""
        if not self._index:
            yield from self.routes
            return
        found = list(self._always)
        for name in self._names:
            found.extend(self._index.get((name, labels.get(name, "")), ()))
        for number in sorted(found):
            yield self.routes[number]


def _test(matcher: Matcher) -> Test:
    """A matcher as one fast predicate over a label set (a missing label is "")."""
    name, value = matcher.name, matcher.value
    if matcher.op is Op.EQUAL:
        return lambda labels: labels.get(name, "") == value
    if matcher.op is Op.NOT_EQUAL:
        return lambda labels: labels.get(name, "") != value
    if matcher.op is Op.REGEX:
        return lambda labels: fullmatch(value, labels.get(name, ""))
    return lambda labels: not fullmatch(value, labels.get(name, ""))


class Simulator:
    """The route tree of one configuration, ready to route many label sets."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        route = config.get("route")
        if not isinstance(route, Mapping):
            raise ConfigError("no route provided in config")
        self.root = _node(route, None)
        self.label_names = frozenset(m.name for node in self.root.walk() for m in node.matchers)

    def receivers(self, labels: Mapping[str, str]) -> tuple[str, ...]:
        """The receivers an alert with ``labels`` is sent to, in tree order (may repeat)."""
        return tuple(node.receiver for node in _match(self.root, labels))


def _match(node: RouteNode, labels: Mapping[str, str]) -> list[RouteNode]:
    if not node.matches(labels):
        return []
    found: list[RouteNode] = []
    for child in node.children.candidates(labels):
        deepest = _match(child, labels)
        found += deepest
        if deepest and not child.continue_:
            break
    return found or [node]


def _node(data: Mapping[str, Any], parent_receiver: str | None) -> RouteNode:
    receiver = data.get("receiver") or parent_receiver
    if not isinstance(receiver, str):
        raise ConfigError("root route must specify a default receiver")
    children = data.get("routes") or []
    return RouteNode(
        matchers=tuple(_matchers(data)),
        receiver=receiver,
        continue_=bool(data.get("continue", False)),
        routes=tuple(_node(child, receiver) for child in children),
    )


def _matchers(data: Mapping[str, Any]) -> Iterator[Matcher]:
    for item in data.get("matchers") or []:
        yield from parse_matchers(str(item))
    for name, value in (data.get("match") or {}).items():
        yield Matcher(str(name), Op.EQUAL, str(value))
    for name, value in (data.get("match_re") or {}).items():
        yield Matcher(str(name), Op.REGEX, str(value))

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

    def __post_init__(self) -> None:
        object.__setattr__(self, "tests", tuple(map(_test, self.matchers)))

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(test(labels) for test in self.tests)

    def walk(self) -> Iterator[RouteNode]:
        yield self
        for child in self.routes:
            yield from child.walk()


Test = Callable[[Mapping[str, str]], bool]


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
    for child in node.routes:
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

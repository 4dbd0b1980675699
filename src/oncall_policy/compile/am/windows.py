"""Recurring maintenance windows as Alertmanager time intervals that mute their scope.

A recurring window with ``mute_in_alertmanager`` becomes a ``time_intervals`` entry (its weekdays
and hours in its time zone; hours past midnight carried into the next day) and mutes the alerts in
its scope, every week, without anyone creating a silence. Alertmanager 0.25 mutes per route and
does not pass ``mute_time_intervals`` down to child routes, so every route that delivers gets,
where the window's scope may meet it, children: first the scope, muted in the window, then
everything else, delivered as before. Both deliver to the same receiver, so routing (and
``amtool config routes test``) is unchanged; only the time of delivery differs.
"""

from __future__ import annotations

from oncall_policy.compile.am.selectors import Selectors
from oncall_policy.matchers import Matcher, Op, parse_matcher
from oncall_policy.model import Policy
from oncall_policy.model.silences import Window

Node = dict[str, object]
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def muted(policy: Policy) -> list[Window]:
    maintenance = policy.silences.maintenance
    return [w for w in maintenance.windows if w.mute_in_alertmanager] if maintenance else []


def name(window: Window) -> str:
    return f"maintenance-{window.id}"


def time_intervals(policy: Policy) -> list[Node]:
    """One named time interval per muted window."""
    return [{"name": name(w), "time_intervals": _ranges(w)} for w in muted(policy)]


def _ranges(window: Window) -> list[Node]:
    recurring = window.recurring
    assert recurring is not None  # noqa: S101 - the model allows muting recurring windows only
    start, end = recurring.start.strftime("%H:%M"), recurring.end.strftime("%H:%M")
    days = [day.value for day in recurring.weekdays]
    if end > start:
        return [_range(days, start, end, window.time_zone)]
    following = [DAYS[(DAYS.index(day) + 1) % 7] for day in days]
    found = [_range(days, start, "24:00", window.time_zone)]
    return found if end == "00:00" else [*found, _range(following, "00:00", end, window.time_zone)]


def _range(days: list[str], start: str, end: str, zone: str) -> Node:
    return {"weekdays": days, "times": [{"start_time": start, "end_time": end}], "location": zone}


def mute(route: Node, policy: Policy) -> Node:
    """``route`` with every delivering route split by the muted windows' scopes."""
    windows = muted(policy)
    if not windows:
        return route
    selectors = Selectors(policy)
    scopes = [(w, selectors.matchers(w.scope.severities, w.scope.matchers)) for w in windows]
    return {**route, "routes": [_split(child, scopes) for child in _children(route)]}


def _children(node: Node) -> list[Node]:
    found = node.get("routes", [])
    assert isinstance(found, list)  # noqa: S101 - our own tree
    return found


def _split(node: Node, scopes: list[tuple[Window, list[str]]]) -> Node:
    if "routes" in node:
        return {**node, "routes": [_split(child, scopes) for child in _children(node)]}
    receiver = node.get("receiver")
    own = [str(m) for m in node.get("matchers", [])]  # type: ignore[attr-defined]
    meeting = [(w, scope) for w, scope in scopes if not _disjoint(own, scope)]
    if receiver is None or not meeting:
        return node
    children: list[Node] = [_muted_child(together, str(receiver)) for together in _overlaps(meeting)]
    children.append({"receiver": receiver})
    return {key: value for key, value in node.items() if key != "receiver"} | {"routes": children}


def _muted_child(together: list[tuple[Window, list[str]]], receiver: str) -> Node:
    """A child for the alerts in every scope of ``together``, muted in each of their windows."""
    ids = ", ".join(w.id for w, _ in together)
    return {
        "#": f"maintenance window{'s' if len(together) > 1 else ''} {ids}: muted every week",
        "matchers": list(dict.fromkeys(m for _, scope in together for m in scope)),
        "receiver": receiver,
        "mute_time_intervals": [name(w) for w, _ in together],
    }


def _overlaps(meeting: list[tuple[Window, list[str]]]) -> list[list[tuple[Window, list[str]]]]:
    """Every set of the windows whose scopes an alert may be in at once, the largest first: a
    route takes an alert to its first matching child only, so an alert in two windows' scopes
    must meet a child muted in both before the child of either (red team: only the first
    window declared ever muted it). Sets are grown only from windows that may meet each of
    their members, so windows of disjoint scopes (one per team) stay one child each."""
    meets = [
        {
            j
            for j, (_, other) in enumerate(meeting)
            if j != i and not (_disjoint(scope, other) or _disjoint(other, scope))
        }
        for i, (_, scope) in enumerate(meeting)
    ]
    found: list[tuple[int, ...]] = []

    def grow(chosen: tuple[int, ...], candidates: set[int]) -> None:
        found.append(chosen)
        for j in sorted(candidates):
            if j > chosen[-1]:
                grow((*chosen, j), candidates & meets[j])

    for i in range(len(meeting)):
        grow((i,), meets[i])
    found.sort(key=lambda chosen: (-len(chosen), chosen))
    return [[meeting[i] for i in chosen] for chosen in found]


def _disjoint(own: list[str], scope: list[str]) -> bool:
    """Whether no alert can match both (judged on equality matchers only: otherwise they may meet)."""
    pinned = {m.name: m.value for m in map(parse_matcher, own) if m.op is Op.EQUAL}
    return any(m.name in pinned and not m.matches(pinned[m.name]) for m in map(_matcher, scope))


def _matcher(text: str) -> Matcher:
    return parse_matcher(text)

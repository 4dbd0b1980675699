"""The Alertmanager target: ``alertmanager.yml`` and the ``alertmanager.tmpl`` it loads.

For Alertmanager 0.25 (the fields listed in the project's verified reference, §2.1): the route
tree (``am.tree``: the policy's routes in order, one receiver per destination, nested only where
``continue`` would otherwise deliver twice or fall through to the fallback), the receivers
(``am.receivers``), inhibit rules (``am.inhibit``) and timing derived from severities
(``am.timing``). ``alertmanager.tmpl`` is named relative to the configuration file, which is how
Alertmanager resolves ``templates``: deploy the two files side by side.

Deterministic: everything that depends on the order of an unordered policy section (people,
services, channels, severities, alerts, inhibitions) is sorted; the order of routes is kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from oncall_policy.compile.am import inhibit, receivers, route_tree, templates, windows
from oncall_policy.compile.yamltext import render
from oncall_policy.model import Policy
from oncall_policy.provenance import Source

FILE = "alertmanager.yml"


def config(policy: Policy) -> dict[str, object]:
    """The configuration as data (comments under the key ``"#"``)."""
    route = windows.mute(route_tree.build(policy), policy)
    data: dict[str, object] = {"templates": [templates.FILE], "route": route}
    rules = inhibit.build(policy)
    if rules:
        data["inhibit_rules"] = rules
    data["receivers"] = receivers.build(policy, set(receivers_used(route)))
    if intervals := windows.time_intervals(policy):
        data["time_intervals"] = intervals
    return data


def receivers_used(route: Mapping[str, object]) -> Iterator[str]:
    """Every receiver a route tree names."""
    receiver = route.get("receiver")
    if isinstance(receiver, str):
        yield receiver
    children = route.get("routes", [])
    assert isinstance(children, list)  # noqa: S101 - our own tree
    for child in children:
        yield from receivers_used(child)


def build(policy: Policy, source: Source) -> dict[str, str]:
    return {
        FILE: render(config(policy), source.header()),
        templates.FILE: templates.build(policy, source.header("")),
    }

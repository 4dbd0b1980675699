"""Inhibit rules from ``routing.inhibitions``: selectors become ``source_matchers`` and
``target_matchers`` (severity ids as severity label values), ``equal`` is kept. Sorted by name:
the order of inhibit rules means nothing to Alertmanager."""

from __future__ import annotations

from oncall_policy.compile.am.selectors import Selectors
from oncall_policy.model import Policy

Node = dict[str, object]


def build(policy: Policy) -> list[Node]:
    selectors = Selectors(policy)
    rules: list[Node] = []
    for inhibition in sorted(policy.routing.inhibitions, key=lambda i: i.name):
        about = " ".join(inhibition.description.split()) if inhibition.description else ""
        source, target = inhibition.source, inhibition.target
        rules.append(
            {
                "#": f"inhibition {inhibition.name}" + (f": {about}" if about else ""),
                "source_matchers": selectors.matchers(source.severities, source.matchers),
                "target_matchers": selectors.matchers(target.severities, target.matchers),
                "equal": list(inhibition.equal),
            }
        )
    return rules

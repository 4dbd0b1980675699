"""One ``AlertmanagerConfig`` (``monitoring.coreos.com/v1alpha1``) per team namespace.

It holds the team's routes (``meaning.ownership``), in policy order, each with its matchers,
timing, receivers and ``continue``, under a top route whose receiver is ``nowhere`` (an alert of
the namespace that none of them takes goes nowhere from here). The operator adds the matcher
``namespace="<namespace>"`` to that top route and forces its ``continue: true``; ``oncall-policy
test`` routes through the configuration as the operator assembles it (``verify.operator``).

Receivers are the Alertmanager target's, in the CRD's spelling; the PagerDuty routing key and the
Slack webhook URL are ``secretKeyRef``s to the Secret ``secret`` of the namespace (``mounts``
names the key), never values.
"""

from __future__ import annotations

import posixpath

from oncall_policy.compile.am import names, receivers, timing
from oncall_policy.compile.am.selectors import Selectors
from oncall_policy.compile.operator import mounts
from oncall_policy.compile.operator.secret import MANAGED_BY
from oncall_policy.matchers import parse_matcher
from oncall_policy.meaning.grouping import group_by
from oncall_policy.meaning.ownership import routes_of
from oncall_policy.model import Policy, Route, TeamNamespace

API_VERSION = "monitoring.coreos.com/v1alpha1"
Node = dict[str, object]


def file_name(config: TeamNamespace) -> str:
    return f"prometheus-operator/alertmanagerconfig-{config.namespace}.yaml"


def document(policy: Policy, config: TeamNamespace) -> Node:
    routes = routes_of(policy, {config.team})
    used = {name for route in routes for name in names.of(route)}
    return {
        "apiVersion": API_VERSION,
        "kind": "AlertmanagerConfig",
        "metadata": {"name": config.name, "namespace": config.namespace, "labels": MANAGED_BY},
        "spec": {
            "route": {
                "receiver": names.NOWHERE,
                "groupBy": list(group_by(policy).unmatched),
                "routes": [_route(policy, route) for route in routes],
            },
            "receivers": _receivers(policy, config, used | {names.NOWHERE}),
        },
    }


def _route(policy: Policy, route: Route) -> Node:
    severities = {s.id: s for s in policy.severities}
    admitted = [severities[s] for s in route.severities] if route.severities else severities.values()
    node: Node = {
        "matchers": [_matcher(text) for text in Selectors(policy).matchers(route.severities, route.matchers)]
    }
    receivers_ = names.of(route) or (names.NOWHERE,)
    if len(receivers_) == 1:
        node["receiver"] = receivers_[0]
    else:
        *first, last = receivers_
        node["routes"] = [{"receiver": r, "continue": True} for r in first] + [{"receiver": last}]
    node["continue"] = route.continue_
    node["groupBy"] = list(group_by(policy).routes[route.name])
    fields = timing.of(timing.most_urgent(admitted)).fields()
    node.update({_camel(key): value for key, value in fields.items()})
    return node


def _matcher(text: str) -> Node:
    matcher = parse_matcher(text)
    return {"name": matcher.name, "value": matcher.value, "matchType": matcher.op.value}


def _receivers(policy: Policy, config: TeamNamespace, used: set[str]) -> list[Node]:
    made = receivers.build(policy, used)
    return [_receiver(config, policy.secrets.directory, receiver) for receiver in made]


def _receiver(config: TeamNamespace, directory: str, receiver: Node) -> Node:
    node: Node = {"name": receiver["name"]}
    for key, kind in (("pagerduty_configs", "pagerdutyConfigs"), ("slack_configs", "slackConfigs")):
        items = receiver.get(key)
        if isinstance(items, list):
            node[kind] = [_integration(config, directory, item) for item in items]
    return node


_SECRETS = {"routing_key_file": "routingKey", "api_url_file": "apiURL"}
_RENAMED = {"client_url": "clientURL", "title_link": "titleLink", "links": "pagerDutyLinkConfigs"}


def _integration(config: TeamNamespace, directory: str, fields: Node) -> Node:
    out: Node = {}
    for key, value in fields.items():
        if key in _SECRETS:
            relative = posixpath.relpath(str(value), directory)  # receivers name absolute paths
            out[_SECRETS[key]] = {"name": config.secret, "key": mounts.secret_key(relative)}
        elif key == "details":  # the CRD's details are a list of key-value pairs
            assert isinstance(value, dict)  # noqa: S101 - our own receivers
            out["details"] = [{"key": name, "value": text} for name, text in value.items()]
        elif key == "links":
            assert isinstance(value, list)  # noqa: S101 - our own receivers
            out["pagerDutyLinkConfigs"] = [{"href": link["href"], "alt": link["text"]} for link in value]
        else:
            out[_RENAMED.get(key) or _camel(key)] = value
    return out


def _camel(key: str) -> str:
    first, *rest = key.split("_")
    return first + "".join(word.capitalize() for word in rest)

"""Routing as prometheus-operator deploys it: the configuration Secret's ``alertmanager.yaml``
with every ``AlertmanagerConfig`` merged in, as the operator's config builder (0.93) merges them.

- Each resource's top route gets the matcher ``namespace="<its namespace>"`` and ``continue:
  true``, whatever it said, and goes before the Secret's own routes, resources in
  namespace/name order; every alert therefore also goes on through the Secret's routes.
- Its receivers (and the routes' references to them) are renamed ``<namespace>/<name>/<receiver>``.
- A ``secretKeyRef`` is read by the operator and written into the configuration as a value; here
  it stands for the policy's secret file the compiler took it from, so that "which PagerDuty
  service, which channel" compares with the policy as for the plain configuration.

``OperatorMatrix`` routes every catalog alert through that configuration. Receivers compare by
their own names, as a set (the operator's order is not the policy's, and both notify at once),
leaving out ``nowhere``; a receiver reached twice is still a failure.
"""

from __future__ import annotations

import base64
import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

from oncall_policy.compile.am import names
from oncall_policy.compile.operator import mounts
from oncall_policy.compile.operator.base import NAMESPACE_LABEL
from oncall_policy.matchers import Matcher, Op
from oncall_policy.model import Policy
from oncall_policy.provenance import Source
from oncall_policy.verify.matrix import Matrix, Outcome

_SECRET_FIELDS = {"routingKey": ("pagerduty", "routing_key_file"), "apiURL": ("slack", "api_url_file")}


def assemble(
    base: Mapping[str, Any], resources: Iterable[Mapping[str, Any]], files: Mapping[str, str]
) -> dict[str, Any]:
    """The configuration the operator gives Alertmanager. ``files`` maps ``<namespace>/<secret>/<key>``
    to the secret file (absolute path) it stands for."""
    config = dict(base)
    ordered = sorted(resources, key=lambda r: (r["metadata"]["namespace"], r["metadata"]["name"]))
    route = dict(config["route"])
    route["routes"] = [_top_route(r) for r in ordered] + list(route.get("routes") or [])
    config["route"] = route
    receivers = list(config.get("receivers") or [])
    for resource in ordered:
        receivers += [
            _receiver(resource, receiver, files) for receiver in resource["spec"].get("receivers") or []
        ]
    config["receivers"] = receivers
    return config


def _prefix(resource: Mapping[str, Any], name: str) -> str:
    return f"{resource['metadata']['namespace']}/{resource['metadata']['name']}/{name}"


def _top_route(resource: Mapping[str, Any]) -> dict[str, Any]:
    node = _route(resource, resource["spec"]["route"])
    node["matchers"] = [
        *node.get("matchers", []),
        str(Matcher(NAMESPACE_LABEL, Op.EQUAL, resource["metadata"]["namespace"])),
    ]
    node["continue"] = True
    return node


def _route(resource: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {}
    if spec.get("matchers"):
        node["matchers"] = [
            str(Matcher(m["name"], Op(m.get("matchType", "=")), m.get("value", ""))) for m in spec["matchers"]
        ]
    if spec.get("receiver"):
        node["receiver"] = _prefix(resource, spec["receiver"])
    node["continue"] = bool(spec.get("continue", False))
    node["routes"] = [_route(resource, child) for child in spec.get("routes") or []]
    return node


def _receiver(
    resource: Mapping[str, Any], spec: Mapping[str, Any], files: Mapping[str, str]
) -> dict[str, Any]:
    namespace = resource["metadata"]["namespace"]
    out: dict[str, Any] = {"name": _prefix(resource, spec["name"])}
    for kind, key in (("pagerdutyConfigs", "pagerduty_configs"), ("slackConfigs", "slack_configs")):
        items = spec.get(kind) or []
        if items:
            out[key] = [_integration(namespace, item, files) for item in items]
    return out


def _integration(namespace: str, spec: Mapping[str, Any], files: Mapping[str, str]) -> dict[str, Any]:
    out = {"channel": spec["channel"]} if "channel" in spec else {}
    for field, (_, file_field) in _SECRET_FIELDS.items():
        if ref := spec.get(field):
            out[file_field] = files.get(f"{namespace}/{ref['name']}/{ref['key']}", "(no such secret)")
    return out


def secret_files(policy: Policy) -> dict[str, str]:
    """``<namespace>/<secret>/<key>`` → the policy's secret file it holds, for every team namespace."""
    operator = policy.targets.prometheus_operator
    relative = [s.integration_key_file for s in policy.paging_services]
    relative += [c.webhook_url_file for c in policy.chat_channels]
    found: dict[str, str] = {}
    for config in operator.alertmanager_configs if operator else ():
        for path in relative:
            found[f"{config.namespace}/{config.secret}/{mounts.secret_key(path)}"] = posixpath.join(
                policy.secrets.directory, path
            )
    return found


def deployed(policy: Policy, source: Source) -> dict[str, Any] | None:
    """The operator's configuration for the policy's targets, read back from the compiled
    documents; None when the policy has no ``AlertmanagerConfig``s."""
    from oncall_policy.compile import prometheus_operator  # noqa: PLC0415 - keep the matrix light
    from oncall_policy.compile.operator import amconfig, base, secret  # noqa: PLC0415
    from oncall_policy.compile.yamltext import render  # noqa: PLC0415
    from oncall_policy.load import yamldata  # noqa: PLC0415

    operator = policy.targets.prometheus_operator
    if operator is None or not operator.alertmanager_configs:
        return None
    files = prometheus_operator.build(policy, source)
    if operator.secret:
        encoded = yamldata.parse(files[secret.FILE], secret.FILE)["data"][mounts.CONFIG_KEY]
        base_text = base64.b64decode(encoded).decode()
    else:  # the Secret is the user's; what it should hold is the base configuration
        base_text = render(base.config(policy), source.header())
    resources = [
        yamldata.parse(files[amconfig.file_name(c)], c.namespace) for c in operator.alertmanager_configs
    ]
    return assemble(yamldata.parse(base_text, mounts.CONFIG_KEY), resources, secret_files(policy))


def _own_names(receivers: Iterable[str]) -> tuple[str, ...]:
    return tuple(
        sorted(name.rsplit("/", 1)[-1] for name in receivers if name.rsplit("/", 1)[-1] != names.NOWHERE)
    )


class OperatorMatrix(Matrix):
    """The routing matrix over the operator's configuration."""

    def _outcome(self, labels: Mapping[str, str]) -> Outcome:
        destinations = self.router.route(labels)
        receivers = self.simulator.receivers(labels)
        expected = names.expected(destinations, self.policy.routing.unmatched)
        agrees = _own_names(receivers) == _own_names(expected)
        return (
            receivers,
            expected,
            tuple(self.services[p].name for p in destinations.pages),
            tuple(self.channels[c].channel for c in destinations.channels),
            agrees and self._delivered(receivers) == self._promised(destinations),
        )

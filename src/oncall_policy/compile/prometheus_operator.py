"""The prometheus-operator target, when ``targets.prometheus_operator`` asks for it: the
configuration Secret (``operator.secret``) and an ``AlertmanagerConfig`` per team namespace
(``operator.amconfig``), each a YAML document under ``prometheus-operator/``."""

from __future__ import annotations

from oncall_policy.compile.operator import amconfig, secret
from oncall_policy.compile.yamltext import render
from oncall_policy.model import Policy
from oncall_policy.provenance import Source


def build(policy: Policy, source: Source) -> dict[str, str]:
    operator = policy.targets.prometheus_operator
    if operator is None:
        return {}
    files: dict[str, str] = {}
    if operator.secret:
        files[secret.FILE] = secret.build(policy, source, operator.secret)
    for config in operator.alertmanager_configs:
        files[amconfig.file_name(config)] = render(amconfig.document(policy, config), source.header())
    return files

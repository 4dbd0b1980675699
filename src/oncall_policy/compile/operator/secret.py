"""The configuration Secret: ``alertmanager.yaml`` and the templates, byte for byte.

``data`` holds base64 (not ``stringData``), so that what Alertmanager reads is exactly the text
compiled here, with no YAML quoting between. The operator reads the Secret named by the
``Alertmanager`` resource's ``spec.configSecret`` (default ``alertmanager-<name>``); the secret
files the configuration names under ``/etc/alertmanager/secrets/<Secret>/`` are the Secrets
listed in its ``spec.secrets``, which the operator mounts there.
"""

from __future__ import annotations

import base64

from oncall_policy.compile.am import templates
from oncall_policy.compile.operator import base, mounts
from oncall_policy.compile.yamltext import render
from oncall_policy.model import ConfigSecret, Policy
from oncall_policy.provenance import Source

FILE = "prometheus-operator/alertmanager-secret.yaml"
MANAGED_BY = {"app.kubernetes.io/managed-by": "oncall-policy"}


def contents(policy: Policy, source: Source) -> dict[str, str]:
    """The Secret's keys and their text."""
    return {
        mounts.CONFIG_KEY: render(base.config(policy), source.header()),
        templates.FILE: templates.build(policy, source.header("")),
    }


def build(policy: Policy, source: Source, secret: ConfigSecret) -> str:
    data = {
        key: base64.b64encode(text.encode()).decode("ascii") for key, text in contents(policy, source).items()
    }
    document = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": secret.name, "namespace": secret.namespace, "labels": MANAGED_BY},
        "type": "Opaque",
        "data": dict(sorted(data.items())),
    }
    note = (
        f"# For an Alertmanager resource in namespace {secret.namespace} with"
        f" spec.configSecret: {secret.name}; data holds alertmanager.yaml and its templates.\n"
    )
    return render(document, source.header() + note)

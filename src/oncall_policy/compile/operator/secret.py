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
        f"# {_secret_files(policy)}\n"
    )
    return render(document, source.header() + note)


def _secret_files(policy: Policy) -> str:
    """Where the keys and webhook URLs the configuration reads must be: the operator mounts each
    Secret of ``spec.secrets`` at ``/etc/alertmanager/secrets/<name>/``."""
    paths = [s.integration_key_file for s in policy.paging_services]
    paths += [c.webhook_url_file for c in policy.chat_channels]
    if policy.secrets.directory.rstrip("/") != mounts.SECRETS_DIR or any("/" not in p for p in paths):
        return f"The files it reads must be mounted under {policy.secrets.directory}."
    names = sorted({p.split("/", 1)[0] for p in paths})
    return f"Its secret files are the Secrets of spec.secrets: [{', '.join(names)}]."

"""Where the compiled configuration is deployed, beyond ``generated/alertmanager.yml``: the
optional ``targets`` section. Each target chosen here adds files to ``compile``'s output.

- ``prometheus_operator.secret``: the Secret prometheus-operator reads an Alertmanager's whole
  configuration from (``spec.configSecret``, or ``alertmanager-<name>``).
- ``prometheus_operator.alertmanager_configs``: one ``AlertmanagerConfig`` (v1alpha1) per team
  namespace, holding the routes whose destinations all belong to that team.
- ``mimir.tenants``: one tenant configuration of a multi-tenant Alertmanager (Grafana Mimir,
  Cortex) per tenant; a tenant holds the routes of its teams, or of the whole organisation.
"""

from typing import Annotated

from pydantic import Field

from oncall_policy.model.types import Id, Strict, matching

# Kubernetes object names: a DNS-1123 label (namespaces) and subdomain (Secrets, resources).
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
Namespace = Annotated[
    str, matching(_DNS_LABEL, "a Kubernetes namespace (lower-case letters, digits, '-')", 63)
]
ObjectName = Annotated[
    str, matching(_DNS_SUBDOMAIN, "a Kubernetes object name (lower-case letters, digits, '-', '.')", 253)
]
# Mimir and Cortex take any tenant id of safe characters (``tenant.ValidTenantID``), up to 150.
TenantId = Annotated[str, matching(r"[A-Za-z0-9!._*'()-]+", "a tenant id (letters, digits, !-_.*'())", 150)]


class ConfigSecret(Strict):
    """The Secret an ``Alertmanager`` resource reads ``alertmanager.yaml`` (and templates) from."""

    name: ObjectName
    namespace: Namespace


class TeamNamespace(Strict):
    """One ``AlertmanagerConfig`` in a team's namespace. The operator lets it see only alerts
    whose ``namespace`` label is that namespace. Its keys and webhook URLs are read from the
    Secret ``secret`` in the same namespace, under the file's path with ``/`` as ``.``."""

    team: Id
    namespace: Namespace
    name: ObjectName = "oncall-policy"
    secret: ObjectName = "oncall-policy"  # noqa: S105 - a Secret's name, not a secret


class PrometheusOperator(Strict):
    secret: ConfigSecret | None = None
    alertmanager_configs: tuple[TeamNamespace, ...] = ()


class Tenant(Strict):
    """A tenant of a multi-tenant Alertmanager; without ``teams``, the whole organisation."""

    id: TenantId
    teams: tuple[Id, ...] = ()


class Mimir(Strict):
    tenants: Annotated[tuple[Tenant, ...], Field(min_length=1)]


class Targets(Strict):
    prometheus_operator: PrometheusOperator | None = None
    mimir: Mimir | None = None

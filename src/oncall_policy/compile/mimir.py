"""The Mimir / Cortex target, when ``targets.mimir`` asks for it: one tenant configuration per
tenant, ``mimir/<tenant>.yaml``, in the shape ``mimirtool alertmanager load`` and the
Alertmanager configuration API (``POST /api/v1/alerts`` with ``X-Scope-OrgID``) take.

    template_files: {alertmanager.tmpl: "..."}
    alertmanager_config: "..."

A tenant of teams holds their routes and the organisation's (routes of no one team,
``meaning.ownership``), and drops other teams' routes, whose alerts it never receives; a tenant
without teams holds every route. The fallback, inhibitions and timing are the policy's.

Secrets: a multi-tenant Alertmanager refuses every ``*_file`` field (Mimir's
``errPagerDutyRoutingKeyFileNotAllowed``, ``errSlackAPIURLFileNotAllowed``), and the policy
never holds a value. So each ``routing_key_file`` becomes ``routing_key`` and each
``api_url_file`` becomes ``api_url``, holding a placeholder ``${ONCALL_SECRET_<PATH>}`` (the
file's path in capitals, other characters as ``_``) that the deploy step fills from the file
(``envsubst``) as it uploads; an unfilled Slack placeholder is no URL, and Mimir refuses it.
"""

from __future__ import annotations

import posixpath
import re

from oncall_policy.compile import alertmanager
from oncall_policy.compile.am import templates
from oncall_policy.compile.yamltext import render
from oncall_policy.meaning.ownership import team_of
from oncall_policy.model import Policy, Tenant
from oncall_policy.provenance import Source

_SECRET_FIELDS = {"routing_key_file": "routing_key", "api_url_file": "api_url"}
_NOT_NAME = re.compile(r"[^A-Z0-9]")


def file_name(tenant: Tenant) -> str:
    return f"mimir/{tenant.id}.yaml"


def placeholder(relative_path: str) -> str:
    """The environment variable, as ``${NAME}``, that carries the file's content at deploy time."""
    return "${ONCALL_SECRET_" + _NOT_NAME.sub("_", relative_path.upper()) + "}"


def tenant_policy(policy: Policy, tenant: Tenant) -> Policy:
    """The policy as a tenant sees it: its teams' routes and the organisation's."""
    if not tenant.teams:
        return policy
    kept = {*tenant.teams, None}
    routes = tuple(route for route in policy.routing.routes if team_of(policy, route) in kept)
    return policy.model_copy(update={"routing": policy.routing.model_copy(update={"routes": routes})})


def config(policy: Policy, tenant: Tenant) -> dict[str, object]:
    data = alertmanager.config(tenant_policy(policy, tenant))
    receivers = data["receivers"]
    assert isinstance(receivers, list)  # noqa: S101 - our own configuration
    directory = policy.secrets.directory
    data["receivers"] = [_without_files(receiver, directory) for receiver in receivers]
    return data


def _without_files(receiver: dict[str, object], directory: str) -> dict[str, object]:
    out = dict(receiver)
    for key in ("pagerduty_configs", "slack_configs"):
        items = receiver.get(key)
        if isinstance(items, list):
            out[key] = [_fill(item, directory) for item in items]
    return out


def _fill(fields: dict[str, object], directory: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in fields.items():
        if key in _SECRET_FIELDS:
            out[_SECRET_FIELDS[key]] = placeholder(posixpath.relpath(str(value), directory))
        else:
            out[key] = value
    return out


def build(policy: Policy, source: Source) -> dict[str, str]:
    mimir = policy.targets.mimir
    if mimir is None:
        return {}
    files: dict[str, str] = {}
    for tenant in mimir.tenants:
        document = {
            "template_files": {templates.FILE: templates.build(policy, source.header(""))},
            "alertmanager_config": render(config(policy, tenant), source.header()),
        }
        files[file_name(tenant)] = render(document, source.header() + f"# Tenant {tenant.id}\n")
    return files

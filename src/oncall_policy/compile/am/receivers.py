"""Receivers: one per destination the route tree uses, sorted by name.

PagerDuty (Events API v2): the routing key is read from ``routing_key_file`` (the absolute path
``secrets.directory`` / ``integration_key_file``); ``severity`` is the ``pagerduty_severity`` of
the alert's severity (``critical``/``error`` page with high urgency and keep escalation working;
never a policy id such as ``P1``). A receiver reached by one PagerDuty severity gets it
literally; one reached by several gets a template over the severity label whose fallback — for a
group of mixed or unknown severities — is the most urgent of them, so nothing is downgraded.
``send_resolved: true``: a resolved alert resolves its incident. The summary names the alert, its
severity and the labels that tell it from others; ``source`` is the affected system (those labels'
values); the custom details carry the catalog's meaning and response, and the links point at the
runbook and dashboard — all read from the alerts' annotations (``alertmanager.tmpl``).

Slack: the webhook URL is read from ``api_url_file`` (absolute, under the secrets directory);
``channel`` and ``send_resolved`` come from the policy's channel; the title shows status, alert,
severity and where; the text what it means, what to do first, runbook, dashboard and each alert's
distinguishing labels.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from oncall_policy.compile.am import names
from oncall_policy.compile.am.templates import chain, go
from oncall_policy.model import ChatChannel, PagingService, Policy

Node = dict[str, object]
_URGENCY = ("critical", "error", "warning", "info")


def build(policy: Policy, used: Iterable[str]) -> list[Node]:
    """The receivers named ``used``, in name order."""
    directory = policy.secrets.directory
    reaching = paged_severities(policy)
    made: dict[str, Node] = {names.NOWHERE: {"name": names.NOWHERE}}
    for service in policy.paging_services:
        made[names.pagerduty(service.id)] = _pagerduty(
            policy, service, directory, reaching.get(service.id, set())
        )
    for channel in policy.chat_channels:
        made[names.slack(channel.id)] = _slack(channel, directory)
    return [made[name] for name in sorted(set(used))]


def paged_severities(policy: Policy) -> dict[str, set[str]]:
    """Paging service id → the severity ids that can reach it."""
    every = {s.id for s in policy.severities}
    reaching: dict[str, set[str]] = {}
    for route in policy.routing.routes:
        if route.page:
            reaching.setdefault(route.page, set()).update(route.severities or every)
    if policy.routing.unmatched.page:
        reaching.setdefault(policy.routing.unmatched.page, set()).update(every)
    return reaching


def pagerduty_severity(policy: Policy, severity_ids: set[str]) -> str:
    """The ``severity`` field: a literal, or a template with the most urgent as fallback."""
    by_value: dict[str, list[str]] = {}
    for severity in policy.severities:
        if severity.id in severity_ids or not severity_ids:
            by_value.setdefault(severity.pagerduty_severity, []).append(severity.label_value)
    fallback = min(by_value, key=_URGENCY.index)
    if len(by_value) == 1:
        return fallback
    subject = f"(index .CommonLabels {go(policy.organisation.severity_label)})"
    others = {value: sorted(labels) for value, labels in by_value.items() if value != fallback}
    return chain(subject, others, fallback, separator="")


def _pagerduty(policy: Policy, service: PagingService, directory: str, severities: set[str]) -> Node:
    first_alert = "(index .Alerts 0)"
    config: Node = {
        "routing_key_file": posixpath.join(directory, service.integration_key_file),
        "send_resolved": True,
        "severity": pagerduty_severity(policy, severities),
        "description": '{{ template "oncall_policy.description" . }}',
        "client": f"Alertmanager ({policy.organisation.name}, by oncall-policy)",
        "source": '{{ template "oncall_policy.source" . }}',
        "client_url": "{{ .ExternalURL }}",
        "class": '{{ index .CommonLabels "alertname" }}',
        "group": service.name,
        "details": {
            "meaning": '{{ index .CommonAnnotations "meaning" }}',
            "response": '{{ index .CommonAnnotations "response" }}',
            "runbook": f'{{{{ template "oncall_policy.runbook" {first_alert} }}}}',
            "dashboard": f'{{{{ template "oncall_policy.dashboard" {first_alert} }}}}',
        },
        "links": [
            {"href": f'{{{{ template "oncall_policy.runbook" {first_alert} }}}}', "text": "Runbook"},
            {"href": f'{{{{ template "oncall_policy.dashboard" {first_alert} }}}}', "text": "Dashboard"},
        ],
    }
    return {
        "#": f"PagerDuty service {service.name}",
        "name": names.pagerduty(service.id),
        "pagerduty_configs": [config],
    }


def _slack(channel: ChatChannel, directory: str) -> Node:
    config: Node = {
        "api_url_file": posixpath.join(directory, channel.webhook_url_file),
        "channel": channel.channel,
        "send_resolved": channel.send_resolved,
        "title": '{{ template "oncall_policy.title" . }}',
        "title_link": '{{ template "oncall_policy.runbook" (index .Alerts 0) }}',
        "text": '{{ template "oncall_policy.text" . }}',
    }
    return {"#": f"Slack {channel.channel}", "name": names.slack(channel.id), "slack_configs": [config]}

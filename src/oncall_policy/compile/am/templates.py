"""``alertmanager.tmpl``: the notification templates the receivers use.

Alert annotations are not ours (they live in Prometheus alerting rules), so links prefer an
alert's own ``runbook_url`` / ``dashboard_url`` annotation and otherwise look the alert name up in
the catalog (links resolved against ``organisation.runbook_base_url`` / ``dashboard_base_url``);
an alert the catalog does not know links to the base URL, or to its ``GeneratorURL``.

Named templates (all prefixed ``oncall_policy.``): ``severity`` (dot: a severity label value,
shown as "P1 Critical"), ``runbook`` and ``dashboard`` (dot: one alert), ``description``,
``title`` and ``text`` (dot: the notification). Text taken from the policy is written as Go string
literals, so no policy value can open a template action. Labels are read with ``index``, which
gives "" for a missing label where a field access would fail on older Go versions.
"""

from __future__ import annotations

from collections.abc import Callable
from json.encoder import encode_basestring

from oncall_policy.meaning.facts import resolve
from oncall_policy.model import Alert, Policy

FILE = "alertmanager.tmpl"


def go(text: str) -> str:
    """A Go string literal (JSON's escapes are a subset of Go's)."""
    return encode_basestring(text)


def chain(subject: str, outputs: dict[str, list[str]], otherwise: str, separator: str = "\n") -> str:
    """``{{ if eq SUBJECT "a" "b" }}OUT ... {{ else }}OTHERWISE{{ end }}``, branches joined by
    ``separator`` (trimmed away); ``outputs`` maps each output literal to the subject values
    that produce it."""
    if not outputs:
        return otherwise
    branches = [
        f"{{{{{'- else' if i else ''} if eq {subject} {' '.join(map(go, values))} }}}}{{{{ {go(out)} }}}}"
        for i, (out, values) in enumerate(sorted(outputs.items()))
    ]
    return separator.join([*branches, f"{{{{- else }}}}{otherwise}", "{{- end }}"])


def _links(
    alerts: list[Alert], field: Callable[[Alert], str | None], base: str | None
) -> dict[str, list[str]]:
    outputs: dict[str, list[str]] = {}
    for alert in alerts:
        link = field(alert)
        if link is not None:
            outputs.setdefault(resolve(base, link), []).append(alert.name)
    return outputs


def _link_template(name: str, annotation: str, outputs: dict[str, list[str]], base: str | None) -> str:
    otherwise = f"{{{{ {go(base)} }}}}" if base else "{{ .GeneratorURL }}"
    return "\n".join(
        [
            f"{{{{ define {go(name)} -}}}}",
            f"{{{{ with index .Annotations {go(annotation)} }}}}{{{{ . }}}}{{{{ else -}}}}",
            '{{ $name := index .Labels "alertname" -}}',
            chain("$name", outputs, otherwise),
            "{{- end }}",
            "{{- end }}",
        ]
    )


def _severity_template(policy: Policy) -> str:
    outputs: dict[str, list[str]] = {}
    for severity in policy.severities:
        outputs.setdefault(f"{severity.id} {severity.name}", []).append(severity.label_value)
    return "\n".join(['{{ define "oncall_policy.severity" -}}', chain(".", outputs, "{{ . }}"), "{{- end }}"])


# Fixed templates; SEVERITY_LABEL is replaced by the severity label as a Go string literal.
_FIXED = """\
{{ define "oncall_policy.description" -}}
[{{ template "oncall_policy.severity" (index .CommonLabels SEVERITY_LABEL) }}]
{{- with index .CommonLabels "alertname" }} {{ . }}{{ else }} {{ len .Alerts }} alerts{{ end }}
{{- with index .CommonAnnotations "summary" }}: {{ . }}{{ end }}
{{- end }}

{{ define "oncall_policy.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] \
{{ template "oncall_policy.description" . }}
{{- end }}

{{ define "oncall_policy.text" -}}
{{ range .Alerts -}}
*Severity:* {{ template "oncall_policy.severity" (index .Labels SEVERITY_LABEL) }}
*Alert:* {{ index .Labels "alertname" }}
*Summary:* {{ with index .Annotations "summary" }}{{ . }}\
{{ else }}{{ index .Annotations "description" }}{{ end }}
*Runbook:* {{ template "oncall_policy.runbook" . }}
{{ end }}
{{- end }}
"""


def build(policy: Policy, header: str) -> str:
    """The template file's text; ``header`` is written inside a template comment."""
    organisation = policy.organisation
    alerts = sorted(policy.alerts, key=lambda a: a.name)
    runbooks = _links(alerts, lambda a: a.runbook, organisation.runbook_base_url)
    dashboards = _links(alerts, lambda a: a.dashboard, organisation.dashboard_base_url)
    parts = [
        "{{/*\n" + header + "*/}}",
        _severity_template(policy),
        _link_template("oncall_policy.runbook", "runbook_url", runbooks, organisation.runbook_base_url),
        _link_template(
            "oncall_policy.dashboard", "dashboard_url", dashboards, organisation.dashboard_base_url
        ),
        _FIXED.replace("SEVERITY_LABEL", go(organisation.severity_label)),
    ]
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"

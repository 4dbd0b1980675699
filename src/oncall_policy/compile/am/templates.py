"""``alertmanager.tmpl``: the notification templates the receivers use.

The file costs the same whatever the size of the catalog: nothing in it is per alert. What an
alert means, what to do first and where its runbook and dashboard are travel with the alert, as
the annotations its Prometheus rule gives it (``ANNOTATIONS``; ``oncall-policy rules`` holds rule
files to the catalog and writes the annotations the catalog implies). Looking them up here would
need one ``if`` per catalog alert, which Go's templates walk on every notification and
Alertmanager parses on every load: at 100,000 alerts that chain cost 1.7 s a load and ~100 ms a
notification. A link an alert does not annotate falls back to the organisation's base URL, or to
the alert's ``GeneratorURL``.

Named templates (all prefixed ``oncall_policy.``): ``severity`` (dot: a severity label value,
shown as "P1 Critical"), ``runbook`` and ``dashboard`` (dot: one alert), ``where`` (the values of
the labels that tell this group's alerts from others': its group labels but the alert name and
severity), ``description`` (alert, severity, where, summary: PagerDuty's summary), ``source``
(PagerDuty's affected system), ``title`` and ``text`` (Slack's). Text taken from the policy is
written as Go string literals, so no policy value can open a template action. Labels are read
with ``index``, which gives "" for a missing label where a field access would fail.
"""

from __future__ import annotations

from json.encoder import encode_basestring

from oncall_policy.model import Policy

FILE = "alertmanager.tmpl"

# The annotations a catalog alert's rule carries: annotation → what it holds (in the catalog).
ANNOTATIONS = {
    "summary": "one line on what fired where (the rule's own, with its labels' values)",
    "meaning": "the catalog's meaning",
    "response": "the catalog's response: what to do first",
    "runbook_url": "the catalog's runbook, resolved against organisation.runbook_base_url",
    "dashboard_url": "the catalog's dashboard, resolved against organisation.dashboard_base_url",
}


def go(text: str) -> str:
    """A Go string literal (JSON's escapes are a subset of Go's)."""
    return encode_basestring(text)


def chain(subject: str, outputs: dict[str, list[str]], otherwise: str, separator: str = "\n") -> str:
    """``{{ if eq SUBJECT "a" "b" }}OUT ... {{ else }}OTHERWISE{{ end }}``, branches joined by
    ``separator`` (trimmed away); ``outputs`` maps each output literal to the subject values
    that produce it. Only for the policy's few severities, never for its alerts."""
    if not outputs:
        return otherwise
    branches = [
        f"{{{{{'- else' if i else ''} if eq {subject} {' '.join(map(go, values))} }}}}{{{{ {go(out)} }}}}"
        for i, (out, values) in enumerate(sorted(outputs.items()))
    ]
    return separator.join([*branches, f"{{{{- else }}}}{otherwise}", "{{- end }}"])


def _link_template(name: str, annotation: str, base: str | None) -> str:
    otherwise = f"{{{{ {go(base)} }}}}" if base else "{{ .GeneratorURL }}"
    return (
        f"{{{{ define {go(name)} -}}}}\n"
        f"{{{{ with index .Annotations {go(annotation)} }}}}{{{{ . }}}}"
        f"{{{{ else }}}}{otherwise}{{{{ end }}}}\n"
        "{{- end }}"
    )


def _severity_template(policy: Policy) -> str:
    outputs: dict[str, list[str]] = {}
    for severity in policy.severities:
        outputs.setdefault(f"{severity.id} {severity.name}", []).append(severity.label_value)
    return "\n".join(['{{ define "oncall_policy.severity" -}}', chain(".", outputs, "{{ . }}"), "{{- end }}"])


# Fixed templates; SEVERITY_LABEL is replaced by the severity label as a Go string literal.
# "where" reads the group labels: by default a route groups by alertname and every label its
# alerts carry, so they are the values that tell this incident from the next one.
_FIXED = """\
{{ define "oncall_policy.name" -}}
{{ with index .CommonLabels "alertname" }}{{ . }}\
{{ else }}{{ if eq (len .Alerts) 1 }}Alert without a name{{ else }}{{ len .Alerts }} alerts{{ end }}{{ end }}
{{- end }}

{{ define "oncall_policy.severities" -}}
{{ with index .CommonLabels SEVERITY_LABEL }}{{ template "oncall_policy.severity" . }}\
{{ else }}{{ if eq (len .Alerts) 1 }}no severity{{ else }}mixed severities{{ end }}{{ end }}
{{- end }}

{{ define "oncall_policy.where" -}}
{{ range $i, $label := (.GroupLabels.Remove (stringSlice "alertname" SEVERITY_LABEL)).SortedPairs }}\
{{ if $i }}, {{ end }}{{ $label.Name }}={{ $label.Value }}{{ end }}
{{- end }}

{{ define "oncall_policy.description" -}}
[{{ template "oncall_policy.severities" . }}] {{ template "oncall_policy.name" . }}
{{- with (.GroupLabels.Remove (stringSlice "alertname" SEVERITY_LABEL)).Names }} on \
{{ template "oncall_policy.where" $ }}{{ end }}
{{- with index .CommonAnnotations "summary" }}: {{ . }}{{ end }}
{{- end }}

{{ define "oncall_policy.source" -}}
{{ with (.GroupLabels.Remove (stringSlice "alertname" SEVERITY_LABEL)).Names }}\
{{ template "oncall_policy.where" $ }}{{ else }}ORGANISATION{{ end }}
{{- end }}

{{ define "oncall_policy.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] \
{{ template "oncall_policy.description" . }}
{{- end }}

{{ define "oncall_policy.text" -}}
{{ with index .CommonAnnotations "meaning" }}*What it means:* {{ . }}
{{ end -}}
{{ with index .CommonAnnotations "response" }}*What to do first:* {{ . }}
{{ end -}}
{{ if index .CommonAnnotations "runbook_url" }}*Runbook:* \
{{ template "oncall_policy.runbook" (index .Alerts 0) }}
{{ end -}}
{{ if index .CommonAnnotations "dashboard_url" }}*Dashboard:* \
{{ template "oncall_policy.dashboard" (index .Alerts 0) }}
{{ end -}}
{{ if or (gt (len .Alerts) 1) (not (index .CommonAnnotations "runbook_url")) -}}
*Alerts:*
{{ range .Alerts }}• {{ if eq .Status "resolved" }}[resolved] {{ end }}\
{{ if not (index $.CommonLabels "alertname") }}{{ with index .Labels "alertname" }}{{ . }} {{ end }}{{ end }}\
{{ range (.Labels.Remove $.CommonLabels.Names).SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}\
{{ if not (index $.CommonAnnotations "summary") }}\
{{ with index .Annotations "summary" }}— {{ . }} {{ end }}{{ end }}\
{{ if not (index $.CommonAnnotations "meaning") }}\
{{ with index .Annotations "meaning" }}— {{ . }} {{ end }}{{ end }}\
{{ if not (index $.CommonAnnotations "runbook_url") }}\
— runbook: {{ template "oncall_policy.runbook" . }}{{ end }}
{{ end }}
{{- end }}
{{- end }}
"""


def build(policy: Policy, header: str) -> str:
    """The template file's text; ``header`` is written inside a template comment."""
    organisation = policy.organisation
    parts = [
        "{{/*\n" + header + "*/}}",
        _severity_template(policy),
        _link_template("oncall_policy.runbook", "runbook_url", organisation.runbook_base_url),
        _link_template("oncall_policy.dashboard", "dashboard_url", organisation.dashboard_base_url),
        _FIXED.replace("SEVERITY_LABEL", go(organisation.severity_label)).replace(
            "ORGANISATION", f"{{{{ {go(organisation.name)} }}}}"
        ),
    ]
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"

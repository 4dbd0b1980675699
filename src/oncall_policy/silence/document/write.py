"""Target ``silence_rules``: ``generated/silence-rules.json``, the policy's silence rules resolved
into plain data, so that ``oncall-policy silence`` judges a silence without loading the policy.

The file names the policy's full sha256 and ends with its seal (``oncall_policy.silence.seal``), the
sha256 of everything before it: the silence path hashes ``policy.yaml`` and the file, and trusts the
file only when both agree.
"""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from oncall_policy.durations import format_duration
from oncall_policy.matching import search
from oncall_policy.model import Alert, Person, Policy, Reason, Selector, SilenceRule
from oncall_policy.model.silences import Window
from oncall_policy.provenance import Source
from oncall_policy.silence import tabulate
from oncall_policy.silence.document import FORMAT
from oncall_policy.silence.seal import seal

PATH = "silence-rules.json"


def build(policy: Policy, source: Source) -> dict[str, str]:
    return {PATH: seal(render(document(policy, source)))}


def render(document: dict[str, Any]) -> str:
    """One top-level field a line, and one list item a line: diffs show which alert, rule or
    person changed, and each line is written by json's C encoder (``indent`` would use the much
    slower Python one: a 10,000-alert policy's rules took 0.2 s)."""

    def value(item: Any) -> str:
        if isinstance(item, list) and item:
            return "[\n" + ",\n".join(f"    {json.dumps(x, ensure_ascii=False)}" for x in item) + "\n  ]"
        return json.dumps(item, ensure_ascii=False)

    fields = ",\n".join(f"  {json.dumps(key)}: {value(item)}" for key, item in document.items())
    return "{\n" + fields + "\n}\n"


def document(policy: Policy, source: Source, *, tables: bool = True) -> dict[str, Any]:
    """The plain data ``read.from_document`` reads; without ``tables``,
    the reasons are found by RE2 alone (quicker to build for a single use)."""
    silences = policy.silences
    reasons = silences.reasons
    granted = frozenset(role.id for role in policy.roles if role.granted_in_parts)
    return {
        "generated": " ".join(line.strip() for line in source.header("").splitlines()),
        "format": FORMAT,
        "source": {"name": source.name, "sha256": source.sha256},
        "sources": [
            {"name": name, "sha256": sha} for name, sha in ((source.name, source.sha256), *source.parts)
        ],
        **({"include": list(policy.include)} if policy.include else {}),
        "search_format": search.SOURCE_FORMAT,
        "severity_label": policy.organisation.severity_label,
        "require_comment": silences.require_comment,
        "require_author": silences.require_author,
        "identity": silences.identity.model_dump(mode="json"),
        "history": {
            "required": silences.history.required,
            **_duration("chain_gap", silences.history.chain_gap),
            **_duration("replace_grace", silences.history.replace_grace),
        },
        "reasons": {
            "valid": [_reason(r, tables=tables) for r in reasons.valid],
            "invalid": [_reason(r, tables=tables) for r in reasons.invalid],
        },
        "rules": [_rule(policy, rule) for rule in silences.rules],
        "maintenance": _maintenance(policy),
        "unknown_alerts": silences.unknown_alerts,
        "alerts": [_alert(policy, alert) for alert in policy.alerts],
        "team_label": policy.organisation.team_label,
        "people": [_person(person, granted) for person in policy.people],
    }


def _person(person: Person, granted: frozenset[str]) -> dict[str, Any]:
    """A person, with the roles parts may give (``granted``) apart when they belong to a team:
    those are their team's roles, and count only on silences of their team's alerts. A part can
    give them to anyone it lists, so one team's file must not decide who approves another's."""
    theirs = granted if person.team is not None else frozenset()
    return {
        "email": person.email,
        "id": person.id,
        "name": person.name,
        "roles": [role for role in person.roles if role not in theirs],
        "team": person.team,
        "team_roles": [role for role in person.roles if role in theirs],
    }


def _reason(reason: Reason, *, tables: bool) -> dict[str, Any]:
    """A reason, with its patterns written ahead as the one RE2 pattern that finds any of them
    and as the table that finds the same (``null`` past the table's budget: RE2 then finds it)."""
    return {
        **reason.model_dump(mode="json"),
        "search": search.source(reason.patterns),
        "table": tabulate.build(reason.patterns) if tables else None,
    }


def _selector(policy: Policy, selector: Selector) -> dict[str, Any]:
    values = {s.id: s.label_value for s in policy.severities}
    return {
        "severities": list(selector.severities),
        "severity_values": [values[s] for s in selector.severities],
        "matchers": [str(m) for m in selector.matchers],
    }


def _rule(policy: Policy, rule: SilenceRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "description": rule.description or "",
        **_selector(policy, rule.applies_to),
        **_duration("max_duration", rule.max_duration),
        "approvals": list(rule.approvals),
        "relaxed_by_maintenance": rule.relaxed_by_maintenance,
    }


def _maintenance(policy: Policy) -> dict[str, Any] | None:
    maintenance = policy.silences.maintenance
    if maintenance is None:
        return None
    return {
        "reason": maintenance.reason,
        **_duration("max_duration", maintenance.max_duration),
        **_duration("approval_beyond", maintenance.approval_beyond),
        "approvals": list(maintenance.approvals),
        "windows": [_window(policy, window) for window in maintenance.windows],
    }


def _window(policy: Policy, window: Window) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": window.id,
        "description": window.description or "",
        "change": window.change,
        "scope": _selector(policy, window.scope),
        "approved_by": list(window.approved_by),
    }
    if window.recurring is None:
        zone = ZoneInfo(window.time_zone)
        for key in ("start", "end"):
            local = getattr(window, key)
            found[key] = local.replace(tzinfo=zone).astimezone(UTC).isoformat().replace("+00:00", "Z")
    else:
        found["recurring"] = {
            "time_zone": window.time_zone,
            "weekdays": [day.iso for day in window.recurring.weekdays],
            "start": window.recurring.start.strftime("%H:%M"),
            "end": window.recurring.end.strftime("%H:%M"),
        }
    return found


def _alert(policy: Policy, alert: Alert) -> dict[str, Any]:
    label_value = next(s.label_value for s in policy.severities if s.id == alert.severity)
    pinned = {**alert.labels, "alertname": alert.name, policy.organisation.severity_label: label_value}
    carries = {name: None if values is None else list(values) for name, values in alert.carried.items()}
    return {
        "name": alert.name,
        "severity": alert.severity,
        "pinned": dict(sorted(pinned.items())),
        "carries": dict(sorted(carries.items())),
    }


def _duration(key: str, value: timedelta) -> dict[str, Any]:
    return {key: format_duration(value), f"{key}_ms": int(value / timedelta(milliseconds=1))}

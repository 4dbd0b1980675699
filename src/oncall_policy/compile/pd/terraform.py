"""IR → Terraform JSON for the PagerDuty provider: the same objects as the REST bodies.

Users and teams are ``data`` lookups (by email, by name); everything else is a resource whose
name is derived from its key by ``name``, so it is stable and unambiguous.
"""

from __future__ import annotations

import re
from typing import Any

from oncall_policy.compile.pd import ir, rest

Json = dict[str, Any]

RESOURCE = {
    "schedule": "pagerduty_schedule",
    "escalation_policy": "pagerduty_escalation_policy",
    "service": "pagerduty_service",
    "integration": "pagerduty_service_integration",
}
DATA = {"user": "pagerduty_user", "team": "pagerduty_team"}


def name(ref: ir.Ref) -> str:
    """A Terraform name for a key: characters outside ``[A-Za-z0-9-]`` (and a leading digit)
    become ``_xx`` (hex); the ``/`` between parts becomes ``__``, which no escape produces."""
    parts = [re.sub(r"[^A-Za-z0-9-]", lambda m: f"_{ord(m[0]):02x}", p) for p in ref.key.split("/")]
    text = "__".join(parts)
    return f"_{ord(text[0]):02x}{text[1:]}" if text[0].isdigit() else text


def address(ref: ir.Ref) -> str:
    if ref.kind in DATA:
        return f"${{data.{DATA[ref.kind]}.{name(ref)}.id}}"
    return f"${{{RESOURCE[ref.kind]}.{name(ref)}.id}}"


def _layer(layer: ir.Layer) -> Json:
    body: Json = {
        "name": layer.name,
        "start": layer.start,
        "rotation_virtual_start": layer.rotation_virtual_start,
        "rotation_turn_length_seconds": layer.rotation_turn_length_seconds,
        "users": [address(u) for u in layer.users],
    }
    if layer.restrictions:
        body["restriction"] = [rest.restriction(r) for r in layer.restrictions]
    return body


def schedule(item: ir.Schedule) -> Json:
    return {
        "name": item.name,
        "description": item.description,
        "time_zone": item.time_zone,
        "layer": [_layer(x) for x in item.layers],
    }


def escalation_policy(item: ir.EscalationPolicy) -> Json:
    body: Json = {
        "name": item.name,
        "description": item.description,
        "num_loops": item.num_loops,
        "rule": [
            {
                "escalation_delay_in_minutes": rule.delay_minutes,
                "target": [{"type": f"{t.kind}_reference", "id": address(t)} for t in rule.targets],
            }
            for rule in item.rules
        ],
    }
    if item.teams:
        body["teams"] = [address(t) for t in item.teams]
    return body


def _seconds(value: int | None) -> str:
    return "null" if value is None else str(value)


def service(item: ir.Service) -> Json:
    return {
        "name": item.name,
        "description": item.description,
        "escalation_policy": address(item.escalation_policy),
        "acknowledgement_timeout": _seconds(item.acknowledgement_timeout),
        "auto_resolve_timeout": _seconds(item.auto_resolve_timeout),
        "incident_urgency_rule": [{"type": "constant", "urgency": item.urgency}],
    }


def integration(item: ir.Service) -> Json:
    return {"name": ir.INTEGRATION_NAME, "type": ir.INTEGRATION_TYPE, "service": address(item.ref)}


def document(model: ir.PagerDuty, header: str) -> Json:
    resources: dict[str, Json] = {
        RESOURCE["schedule"]: {name(s.ref): schedule(s) for s in model.schedules},
        RESOURCE["escalation_policy"]: {name(p.ref): escalation_policy(p) for p in model.escalation_policies},
        RESOURCE["service"]: {name(s.ref): service(s) for s in model.services},
        RESOURCE["integration"]: {name(s.integration): integration(s) for s in model.services},
    }
    data: dict[str, Json] = {DATA["user"]: {name(u.ref): {"email": u.email} for u in model.users}}
    if model.teams:
        data[DATA["team"]] = {name(t.ref): {"name": t.name} for t in model.teams}
    return {
        "//": header,
        "terraform": {
            "required_providers": {"pagerduty": {"source": "PagerDuty/pagerduty", "version": ">= 3.0"}}
        },
        "data": data,
        "resource": {kind: objects for kind, objects in resources.items() if objects},
    }

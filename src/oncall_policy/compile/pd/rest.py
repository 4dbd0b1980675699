"""IR → PagerDuty REST API v2 request bodies (``{"schedule": {...}}`` envelopes) and the manifest
that says in which order to send them and how to resolve the placeholders they contain."""

from __future__ import annotations

from typing import Any

from oncall_policy.compile.pd import ir

Json = dict[str, Any]

PLACEHOLDERS = (
    "Strings '@kind:key' stand for PagerDuty ids. Users and teams must already exist: resolve "
    "'@user:…' by email (GET /users?query=EMAIL) and '@team:…' by name (GET /teams?query=NAME). "
    "Then send the requests of 'apply' in order, replacing each placeholder by the id the earlier "
    "responses returned. Store each integration's integration_key in its integration_key_file."
)


def reference(ref: ir.Ref) -> Json:
    kind = {"user": "user_reference", "schedule": "schedule_reference"}[ref.kind]
    return {"id": ref.placeholder, "type": kind}


def restriction(r: ir.Restriction) -> Json:
    body: Json = {
        "type": r.kind,
        "start_time_of_day": r.start_time_of_day,
        "duration_seconds": r.duration_seconds,
    }
    if r.start_day_of_week is not None:
        body["start_day_of_week"] = r.start_day_of_week
    return body


def layer(item: ir.Layer) -> Json:
    body: Json = {
        "name": item.name,
        "start": item.start,
        "rotation_virtual_start": item.rotation_virtual_start,
        "rotation_turn_length_seconds": item.rotation_turn_length_seconds,
        "users": [{"user": {"id": u.placeholder, "type": "user_reference"}} for u in item.users],
    }
    if item.restrictions:
        body["restrictions"] = [restriction(r) for r in item.restrictions]
    return body


def schedule(item: ir.Schedule) -> Json:
    return {
        "schedule": {
            "type": "schedule",
            "name": item.name,
            "description": item.description,
            "time_zone": item.time_zone,
            "schedule_layers": [layer(x) for x in item.layers],
        }
    }


def escalation_policy(item: ir.EscalationPolicy) -> Json:
    body: Json = {
        "type": "escalation_policy",
        "name": item.name,
        "description": item.description,
        "num_loops": item.num_loops,
        "escalation_rules": [
            {"escalation_delay_in_minutes": r.delay_minutes, "targets": [reference(t) for t in r.targets]}
            for r in item.rules
        ],
    }
    if item.teams:
        body["teams"] = [{"id": t.placeholder, "type": "team_reference"} for t in item.teams]
    return {"escalation_policy": body}


def service(item: ir.Service) -> Json:
    return {
        "service": {
            "type": "service",
            "name": item.name,
            "description": item.description,
            "escalation_policy": {
                "id": item.escalation_policy.placeholder,
                "type": "escalation_policy_reference",
            },
            "incident_urgency_rule": {"type": "constant", "urgency": item.urgency},
            "acknowledgement_timeout": item.acknowledgement_timeout,
            "auto_resolve_timeout": item.auto_resolve_timeout,
        }
    }


def integration(_: ir.Service) -> Json:
    return {"integration": {"type": ir.INTEGRATION_TYPE, "name": ir.INTEGRATION_NAME}}


def path_of(ref: ir.Ref) -> str:
    """Where a created object's request body is written, relative to ``pagerduty/``."""
    folder = {"integration": "integrations", "escalation_policy": "escalation_policies"}
    return f"{folder.get(ref.kind, ref.kind + 's')}/{ref.key}.json"


def bodies(model: ir.PagerDuty) -> dict[str, Json]:
    """Every request body by its path relative to ``pagerduty/``."""
    found: dict[str, Json] = {}
    found.update({path_of(s.ref): schedule(s) for s in model.schedules})
    found.update({path_of(p.ref): escalation_policy(p) for p in model.escalation_policies})
    found.update({path_of(s.ref): service(s) for s in model.services})
    found.update({path_of(s.integration): integration(s) for s in model.services})
    return found


def manifest(model: ir.PagerDuty, header: str) -> Json:
    steps: list[Json] = [
        *(_step(s.ref, "/schedules") for s in model.schedules),
        *(_step(p.ref, "/escalation_policies") for p in model.escalation_policies),
        *(_service_step(s) for s in model.services),
        *(_integration_step(s) for s in model.services),
    ]
    return {
        "//": header,
        "placeholders": PLACEHOLDERS,
        "users": [{"placeholder": u.ref.placeholder, "email": u.email, "name": u.name} for u in model.users],
        "teams": [{"placeholder": t.ref.placeholder, "name": t.name} for t in model.teams],
        "apply": [{"step": n, **step} for n, step in enumerate(steps, start=1)],
    }


def _step(ref: ir.Ref, path: str) -> Json:
    return {"placeholder": ref.placeholder, "method": "POST", "path": path, "body": path_of(ref)}


def _service_step(item: ir.Service) -> Json:
    return {
        **_step(item.ref, "/services"),
        "severities": [{"severity": s.id, "event_severity": s.event_severity} for s in item.severities],
    }


def _integration_step(item: ir.Service) -> Json:
    return {
        **_step(item.integration, f"/services/{item.ref.placeholder}/integrations"),
        "integration_key_file": item.routing_key_file,
    }

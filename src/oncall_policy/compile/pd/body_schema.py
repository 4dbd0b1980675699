"""JSON Schema (draft 2020-12) for exactly the PagerDuty request bodies and manifest we emit.

Stricter than PagerDuty's own OpenAPI document, which has no ``additionalProperties: false`` and
leaves out limits the API and the Terraform provider enforce: a delay of at least one minute on
every rule, 1–10 targets per rule (we cap at 5: the API has answered "at most 5 escalation
targets"), at most one team, ``num_loops`` 0–9, turn lengths of 1 hour to 1 year, whole-minute UTC
times, Events v2 severities. What a schema cannot say (IANA zones, names, references) is in
``limits``.
"""

from __future__ import annotations

from typing import Any

MAX_TARGETS = 5
PLACEHOLDER = r"^@(user|team|schedule|escalation_policy|service|integration):[A-Za-z0-9][A-Za-z0-9_.+/-]*$"
UTC_MINUTE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:00Z$"
TIME_OF_DAY = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
TEXT = {"type": "string", "minLength": 1, "maxLength": 1000}


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": sorted(required),
        "additionalProperties": False,
    }


def _reference(*types: str) -> dict[str, Any]:
    return _object({"id": {"type": "string", "pattern": PLACEHOLDER}, "type": {"enum": list(types)}})


def _array(items: dict[str, Any], low: int = 1, high: int | None = None) -> dict[str, Any]:
    array: dict[str, Any] = {"type": "array", "items": items, "minItems": low}
    if high is not None:
        array["maxItems"] = high
    return array


_DAILY = _object(
    {
        "type": {"const": "daily_restriction"},
        "start_time_of_day": {"type": "string", "pattern": TIME_OF_DAY},
        "duration_seconds": {"type": "integer", "minimum": 1, "maximum": 86399},
    }
)
_WEEKLY = _object(
    {
        "type": {"const": "weekly_restriction"},
        "start_time_of_day": {"type": "string", "pattern": TIME_OF_DAY},
        "duration_seconds": {"type": "integer", "minimum": 1, "maximum": 604799},
        "start_day_of_week": {"type": "integer", "minimum": 1, "maximum": 7},
    }
)
_LAYER = _object(
    {
        "name": TEXT,
        "start": {"type": "string", "pattern": UTC_MINUTE},
        "rotation_virtual_start": {"type": "string", "pattern": UTC_MINUTE},
        "rotation_turn_length_seconds": {"type": "integer", "minimum": 3600, "maximum": 31536000},
        "users": _array(_object({"user": _reference("user_reference")})),
    },
    {"restrictions": _array({"oneOf": [_DAILY, _WEEKLY]})},
)
SCHEDULE = _object(
    {
        "schedule": _object(
            {
                "type": {"const": "schedule"},
                "name": TEXT,
                "description": TEXT,
                "time_zone": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_+/-]*$"},
                "schedule_layers": _array(_LAYER),
            }
        )
    }
)
_RULE = _object(
    {
        "escalation_delay_in_minutes": {"type": "integer", "minimum": 1},
        "targets": _array(_reference("user_reference", "schedule_reference"), 1, MAX_TARGETS),
    }
)
ESCALATION_POLICY = _object(
    {
        "escalation_policy": _object(
            {
                "type": {"const": "escalation_policy"},
                "name": TEXT,
                "description": TEXT,
                "num_loops": {"type": "integer", "minimum": 0, "maximum": 9},
                "escalation_rules": _array(_RULE),
            },
            {"teams": _array(_reference("team_reference"), 1, 1)},
        )
    }
)
_TIMEOUT = {"type": ["integer", "null"], "minimum": 60}
SERVICE = _object(
    {
        "service": _object(
            {
                "type": {"const": "service"},
                "name": TEXT,
                "description": TEXT,
                "escalation_policy": _reference("escalation_policy_reference"),
                "incident_urgency_rule": _object(
                    {"type": {"const": "constant"}, "urgency": {"enum": ["high", "low"]}}
                ),
                "acknowledgement_timeout": _TIMEOUT,
                "auto_resolve_timeout": _TIMEOUT,
            }
        )
    }
)
INTEGRATION = _object(
    {"integration": _object({"type": {"const": "events_api_v2_inbound_integration"}, "name": TEXT})}
)
_STEP = _object(
    {
        "step": {"type": "integer", "minimum": 1},
        "placeholder": {"type": "string", "pattern": PLACEHOLDER},
        "method": {"const": "POST"},
        "path": {"type": "string", "pattern": "^/"},
        "body": {"type": "string", "pattern": r"^[a-z_]+/[^\s]+\.json$"},
    },
    {
        "severities": _array(
            _object(
                {
                    "severity": TEXT,
                    "event_severity": {"enum": ["critical", "error", "warning", "info"]},
                }
            )
        ),
        "integration_key_file": {"type": "string", "pattern": "^/"},
    },
)
MANIFEST = _object(
    {
        "//": {"type": "string"},
        "placeholders": {"type": "string"},
        "users": _array(
            _object(
                {
                    "placeholder": {"type": "string", "pattern": PLACEHOLDER},
                    "email": {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+$"},
                    "name": TEXT,
                }
            ),
            0,
        ),
        "teams": _array(
            _object({"placeholder": {"type": "string", "pattern": PLACEHOLDER}, "name": TEXT}), 0
        ),
        "apply": _array(_STEP, 0),
    }
)

BY_FOLDER = {
    "schedules": SCHEDULE,
    "escalation_policies": ESCALATION_POLICY,
    "services": SERVICE,
    "integrations": INTEGRATION,
}


def schema_for(path: str) -> dict[str, Any]:
    """The schema a file under ``pagerduty/`` must satisfy, by its folder."""
    return MANIFEST if path == "manifest.json" else BY_FOLDER[path.split("/", 1)[0]]

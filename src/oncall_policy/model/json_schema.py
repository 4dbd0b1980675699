"""The JSON Schema of policy.yaml, for editors (yaml-language-server) and for error hints."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from oncall_policy.model import Policy
from oncall_policy.model.part import PolicyPart

SCHEMA_ID = "https://oncall-policy.dev/schema/v1/policy.schema.json"
PART_SCHEMA_ID = "https://oncall-policy.dev/schema/v1/policy-part.schema.json"


@cache
def policy_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


@cache
def part_schema() -> dict[str, Any]:
    """The JSON Schema of a policy part (``model.part``), for editors of a team's file."""
    schema = PolicyPart.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": PART_SCHEMA_ID, **schema}


def render(*, part: bool = False) -> str:
    """The schema as committed in ``policy.schema.json`` (``part``: ``policy-part.schema.json``):
    stable key order, trailing newline."""
    schema = part_schema() if part else policy_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

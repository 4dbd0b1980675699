"""The JSON Schema of policy.yaml, for editors (yaml-language-server) and for error hints."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from oncall_policy.model import Policy

SCHEMA_ID = "https://oncall-policy.dev/schema/v1/policy.schema.json"


@cache
def policy_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render() -> str:
    """The schema as committed in ``policy.schema.json``: stable key order, trailing newline."""
    return json.dumps(policy_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

"""Helpers for the PagerDuty tests: compile an example or an edited policy to its files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from oncall_policy.checks.checked import load_policy
from oncall_policy.compile import pagerduty, terraform
from oncall_policy.model import Policy
from oncall_policy.provenance import Source


def policy_data(path: Path) -> dict[str, Any]:
    """A policy as plain data (by alias), to edit and validate again with ``Policy.model_validate``."""
    return load_policy(path).model_dump(mode="json", by_alias=True, exclude_defaults=True)


def files_of(policy: Policy) -> dict[str, str]:
    source = Source("policy.yaml", "0" * 64)
    return {**pagerduty.build(policy, source), **terraform.build(policy, source)}


def body(policy: Policy, path: str) -> Any:
    return json.loads(files_of(policy)[f"pagerduty/{path}"])

"""Target ``pagerduty``: REST API v2 request bodies under ``pagerduty/`` and the manifest giving
their apply order and how to resolve the placeholder ids they refer to each other by."""

from __future__ import annotations

from oncall_policy.compile.pd import compiled, dump
from oncall_policy.model import Policy
from oncall_policy.provenance import Source


def header(source: Source) -> str:
    return " ".join(source.header("").replace("\n", " ").split())


def build(policy: Policy, source: Source) -> dict[str, str]:
    _, files = compiled(policy, header(source))
    return {f"pagerduty/{path}": dump(body) for path, body in files.items()}

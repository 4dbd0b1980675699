"""The policy's silence rules as the evaluator needs them, read from plain data.

The data is what ``oncall_policy.compile.silence_rules`` writes to ``generated/silence-rules.json``
(or builds in memory when that file is stale): everything is already resolved — severity ids to
label values, alerts to the labels they pin, people to their roles — so that reading it needs no
pydantic and no YAML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from oncall_policy.matchers import Matcher, parse_matcher

FORMAT = "oncall-policy/silence-rules/v1"
UNKNOWN = "unknown-alerts"


@dataclass(frozen=True)
class Reason:
    id: str
    description: str
    patterns: tuple[re.Pattern[str], ...]

    def given_by(self, comment: str) -> bool:
        return _given(self, comment)


@lru_cache(maxsize=4096)
def _given(reason: Reason, comment: str) -> bool:
    return any(pattern.search(comment) for pattern in reason.patterns)


@dataclass(frozen=True)
class Rule:
    """A silence rule: the alerts it applies to (severity label values — empty for any — and
    matchers), its cap and the roles that must approve."""

    id: str
    description: str
    severity_values: frozenset[str]
    matchers: tuple[Matcher, ...]
    cap: timedelta
    approvals: tuple[str, ...]
    relaxed_by_maintenance: bool


@dataclass(frozen=True)
class Maintenance:
    reason: str
    cap: timedelta
    approval_beyond: timedelta
    approvals: tuple[str, ...]


@dataclass(frozen=True)
class CatalogAlert:
    """A catalog alert: the labels whose value it always has (``alertname`` and the severity label
    included) and the severity id it has."""

    name: str
    severity: str
    pinned: Mapping[str, str]


@dataclass(frozen=True)
class Rules:
    source_name: str
    sha256: str
    severity_label: str
    require_comment: bool
    require_author: bool
    valid: tuple[Reason, ...]
    invalid: tuple[Reason, ...]
    rules: tuple[Rule, ...]
    maintenance: Maintenance | None
    unknown_alerts: str
    alerts: tuple[CatalogAlert, ...]
    roles_by_email: Mapping[str, frozenset[str]]

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)


def from_document(doc: Mapping[str, Any]) -> Rules:
    """Rules from the plain data of ``silence-rules.json``; ``KeyError``/``ValueError`` if malformed."""
    if doc.get("format") != FORMAT:
        raise ValueError(f"not {FORMAT}")
    reasons = doc["reasons"]
    maintenance = doc["maintenance"]
    return Rules(
        source_name=doc["source"]["name"],
        sha256=doc["source"]["sha256"],
        severity_label=doc["severity_label"],
        require_comment=doc["require_comment"],
        require_author=doc["require_author"],
        valid=tuple(_reason(r) for r in reasons["valid"]),
        invalid=tuple(_reason(r) for r in reasons["invalid"]),
        rules=tuple(_rule(r) for r in doc["rules"]),
        maintenance=_maintenance(maintenance) if maintenance else None,
        unknown_alerts=doc["unknown_alerts"],
        alerts=tuple(CatalogAlert(a["name"], a["severity"], dict(a["pinned"])) for a in doc["alerts"]),
        roles_by_email={p["email"].lower(): frozenset(p["roles"]) for p in doc["people"]},
    )


def _reason(data: Mapping[str, Any]) -> Reason:
    patterns = tuple(re.compile(p, re.IGNORECASE) for p in data["patterns"])
    return Reason(data["id"], data["description"], patterns)


def _rule(data: Mapping[str, Any]) -> Rule:
    return Rule(
        id=data["id"],
        description=data["description"],
        severity_values=frozenset(data["severity_values"]),
        matchers=tuple(parse_matcher(m) for m in data["matchers"]),
        cap=timedelta(milliseconds=data["max_duration_ms"]),
        approvals=tuple(data["approvals"]),
        relaxed_by_maintenance=data["relaxed_by_maintenance"],
    )


def _maintenance(data: Mapping[str, Any]) -> Maintenance:
    return Maintenance(
        data["reason"],
        timedelta(milliseconds=data["max_duration_ms"]),
        timedelta(milliseconds=data["approval_beyond_ms"]),
        tuple(data["approvals"]),
    )

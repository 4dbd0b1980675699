"""The policy's silence rules as the evaluator needs them, read from plain data.

The data is what ``oncall_policy.compile.silence_rules`` writes to ``generated/silence-rules.json``
(or builds in memory when that file is stale): everything is already resolved — severity ids to
label values, alerts to the labels they pin, people to their roles — so that reading it needs no
pydantic and no YAML.
"""

from __future__ import annotations

import re
from datetime import timedelta

from oncall_policy import TYPE_CHECKING
from oncall_policy.matchers import Matcher, parse_matcher
from oncall_policy.records import Record

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Final

    from oncall_policy.silence.verdict import Violation

    # What the evaluator works out once per matcher set (``reach``) and per comment (``shape``).
    ReachKey = tuple[object, ...]
    Reach = tuple[tuple["CatalogAlert", ...], tuple["Rule", ...], bool]

FORMAT = "oncall-policy/silence-rules/v1"
UNKNOWN = "unknown-alerts"


class Reason(Record):
    __match_args__ = ("id", "description", "patterns")
    __slots__ = (*__match_args__, "_given")

    def __init__(self, id: str, description: str, patterns: tuple[re.Pattern[str], ...]) -> None:  # noqa: A002
        self.id: Final = id
        self.description: Final = description
        self.patterns: Final = patterns
        self._given: Final[dict[str, bool]] = {}  # an audit reads the same comments many times

    def given_by(self, comment: str) -> bool:
        found = self._given.get(comment)
        if found is None:
            found = self._given[comment] = any(pattern.search(comment) for pattern in self.patterns)
        return found


class Rule(Record):
    """A silence rule: the alerts it applies to (severity label values — empty for any — and
    matchers), its cap and the roles that must approve."""

    __slots__ = __match_args__ = (
        "id",
        "description",
        "severity_values",
        "matchers",
        "cap",
        "approvals",
        "relaxed_by_maintenance",
    )

    def __init__(  # noqa: PLR0913
        self,
        *,
        id: str,  # noqa: A002 - the policy's name for it
        description: str,
        severity_values: frozenset[str],
        matchers: tuple[Matcher, ...],
        cap: timedelta,
        approvals: tuple[str, ...],
        relaxed_by_maintenance: bool,
    ) -> None:
        self.id: Final = id
        self.description: Final = description
        self.severity_values: Final = severity_values
        self.matchers: Final = matchers
        self.cap: Final = cap
        self.approvals: Final = approvals
        self.relaxed_by_maintenance: Final = relaxed_by_maintenance


class Maintenance(Record):
    __slots__ = __match_args__ = ("reason", "cap", "approval_beyond", "approvals")

    def __init__(
        self, reason: str, cap: timedelta, approval_beyond: timedelta, approvals: tuple[str, ...]
    ) -> None:
        self.reason: Final = reason
        self.cap: Final = cap
        self.approval_beyond: Final = approval_beyond
        self.approvals: Final = approvals


class CatalogAlert(Record):
    """A catalog alert: the labels whose value it always has (``alertname`` and the severity label
    included) and the severity id it has."""

    __slots__ = __match_args__ = ("name", "severity", "pinned")

    def __init__(self, name: str, severity: str, pinned: Mapping[str, str]) -> None:
        self.name: Final = name
        self.severity: Final = severity
        self.pinned: Final = pinned


class Rules(Record):
    __match_args__ = (
        "source_name",
        "sha256",
        "severity_label",
        "require_comment",
        "require_author",
        "valid",
        "invalid",
        "rules",
        "maintenance",
        "unknown_alerts",
        "alerts",
        "roles_by_email",
    )
    __slots__ = (*__match_args__, "pinned_values", "rule_labels", "reach_memo", "comment_memo")

    def __init__(  # noqa: PLR0913 - everything the policy says about silences
        self,
        *,
        source_name: str,
        sha256: str,
        severity_label: str,
        require_comment: bool,
        require_author: bool,
        valid: tuple[Reason, ...],
        invalid: tuple[Reason, ...],
        rules: tuple[Rule, ...],
        maintenance: Maintenance | None,
        unknown_alerts: str,
        alerts: tuple[CatalogAlert, ...],
        roles_by_email: Mapping[str, frozenset[str]],
    ) -> None:
        self.source_name: Final = source_name
        self.sha256: Final = sha256
        self.severity_label: Final = severity_label
        self.require_comment: Final = require_comment
        self.require_author: Final = require_author
        self.valid: Final = valid
        self.invalid: Final = invalid
        self.rules: Final = rules
        self.maintenance: Final = maintenance
        self.unknown_alerts: Final = unknown_alerts
        self.alerts: Final = alerts
        self.roles_by_email: Final = roles_by_email
        # What a silence's matchers are judged against (see ``reach.reach``): the values catalog
        # alerts pin, by label, and the labels rule matchers test.
        pinned: dict[str, set[str]] = {}
        for alert in alerts:
            for name, value in alert.pinned.items():
                pinned.setdefault(name, set()).add(value)
        self.pinned_values: Final = {name: tuple(sorted(values)) for name, values in pinned.items()}
        self.rule_labels: Final = frozenset(m.name for rule in rules for m in rule.matchers)
        self.reach_memo: Final[dict[ReachKey, Reach]] = {}
        self.comment_memo: Final[dict[str, tuple[Violation, ...]]] = {}

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

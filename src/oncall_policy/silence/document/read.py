"""Reading ``silence-rules.json``: its plain data back into the evaluator's ``Rules``."""

from __future__ import annotations

from oncall_policy.datetimes import datetime, timedelta
from oncall_policy.matchers import parse_matcher
from oncall_policy.matching.search import SOURCE_FORMAT
from oncall_policy.people import Person, Roster
from oncall_policy.silence.document import FORMAT
from oncall_policy.silence.reason_table import Table
from oncall_policy.silence.rules import (
    CatalogAlert,
    HistorySettings,
    Maintenance,
    Reason,
    Recurrence,
    Rule,
    Rules,
    Selector,
    Window,
)
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


def from_document(doc: Mapping[str, Any]) -> Rules:
    """Rules from the plain data of ``silence-rules.json``; ``KeyError``/``ValueError``/``TypeError``
    if malformed."""
    if doc.get("format") != FORMAT:
        raise ValueError(f"not {FORMAT}")
    if doc.get("search_format") != SOURCE_FORMAT:
        raise ValueError(f"reason patterns not written as {SOURCE_FORMAT}")
    reasons = doc["reasons"]
    severity_label = doc["severity_label"]
    maintenance = doc["maintenance"]
    identity = doc["identity"]
    return Rules(
        source_name=doc["source"]["name"],
        sources={s["name"]: s["sha256"] for s in doc["sources"]},
        severity_label=severity_label,
        team_label=doc["team_label"],
        require_comment=bool(doc["require_comment"]),
        require_author=bool(doc["require_author"]),
        valid=tuple(_reason(r) for r in reasons["valid"]),
        invalid=tuple(_reason(r) for r in reasons["invalid"]),
        rules=tuple(_rule(r) for r in doc["rules"]),
        maintenance=_maintenance(maintenance) if maintenance else None,
        unknown_alerts=doc["unknown_alerts"],
        alerts=tuple(_alert(a) for a in doc["alerts"]),
        roster=Roster(
            tuple(
                Person(
                    p["id"],
                    p["name"],
                    p["email"],
                    frozenset(p["roles"]),
                    p["team"],
                    frozenset(p["team_roles"]),
                )
                for p in doc["people"]
            ),
            guests=bool(identity["guests"]),
            subaddresses=identity["subaddresses"],
        ),
        history=_history(doc["history"]),
    )


def _ms(value: Any) -> timedelta:
    return timedelta(milliseconds=int(value))


def _reason(data: Mapping[str, Any]) -> Reason:
    table = data.get("table")
    return Reason(
        data["id"],
        data["description"],
        tuple(data["patterns"]),
        data["search"],
        None if table is None else Table(table),
    )


def _selector(data: Mapping[str, Any]) -> Selector:
    return Selector(frozenset(data["severity_values"]), tuple(parse_matcher(m) for m in data["matchers"]))


def _rule(data: Mapping[str, Any]) -> Rule:
    return Rule(
        id=data["id"],
        description=data["description"],
        selector=_selector(data),
        cap=_ms(data["max_duration_ms"]),
        approvals=tuple(data["approvals"]),
        relaxed_by_maintenance=bool(data["relaxed_by_maintenance"]),
    )


def _maintenance(data: Mapping[str, Any]) -> Maintenance:
    return Maintenance(
        data["reason"],
        _ms(data["max_duration_ms"]),
        _ms(data["approval_beyond_ms"]),
        tuple(data["approvals"]),
        tuple(_window(w) for w in data["windows"]),
    )


def _window(data: Mapping[str, Any]) -> Window:
    recurring = data.get("recurring")
    return Window(
        id=data["id"],
        description=data["description"],
        change=data["change"],
        scope=_selector(data["scope"]),
        approved_by=tuple(data["approved_by"]),
        start=_instant(data.get("start")),
        end=_instant(data.get("end")),
        recurring=None
        if recurring is None
        else Recurrence(
            recurring["time_zone"], frozenset(recurring["weekdays"]), recurring["start"], recurring["end"]
        ),
    )


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _alert(data: Mapping[str, Any]) -> CatalogAlert:
    carried = {name: None if values is None else tuple(values) for name, values in data["carries"].items()}
    return CatalogAlert(data["name"], data["severity"], dict(data["pinned"]), carried)


def _history(data: Mapping[str, Any]) -> HistorySettings:
    return HistorySettings(bool(data["required"]), _ms(data["chain_gap_ms"]), _ms(data["replace_grace_ms"]))

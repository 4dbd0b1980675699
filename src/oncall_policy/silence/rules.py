"""The policy's silence rules as the evaluator needs them, read from plain data.

The data is what ``oncall_policy.silence.document.write`` writes to ``generated/silence-rules.json``
(or builds in memory when that file is stale): everything is already resolved — severity ids to
label values, alerts to the labels they pin and carry, windows to UTC instants, people to their
roles — so that reading it needs no pydantic and no YAML.
"""

from __future__ import annotations

from oncall_policy.datetimes import datetime, timedelta
from oncall_policy.matchers import Matcher
from oncall_policy.matching.search import Searcher
from oncall_policy.people import Roster
from oncall_policy.records import Record
from oncall_policy.silence.reason_table import Table
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Final


UNKNOWN = "unknown-alerts"


class Reason(Record):
    """A reason a comment may give: case-insensitive patterns searched in the comment, written
    ahead as one RE2 pattern (``search``) and, when ``compile`` could, as a table
    (``silence.reason_table``) that finds the same without loading RE2."""

    __match_args__ = ("id", "description", "patterns", "search", "table")
    __slots__ = (*__match_args__, "_given", "_searcher")

    def __init__(
        self,
        id: str,  # noqa: A002
        description: str,
        patterns: tuple[str, ...],
        search: str,
        table: Table | None = None,
    ) -> None:
        self.id: Final = id
        self.description: Final = description
        self.patterns: Final = patterns
        self.search: Final = search
        self.table: Final = table
        self._given: Final[dict[str, bool]] = {}  # an audit reads the same comments many times
        self._searcher: Final = table or Searcher(search)

    def given_by(self, comment: str) -> bool:
        found = self._given.get(comment)
        if found is None:
            found = self._given[comment] = self._searcher.found(comment)
        return found


class Selector(Record):
    """Alerts a rule or a window applies to: severity label values (empty: any) and matchers."""

    __slots__ = __match_args__ = ("severity_values", "matchers")

    def __init__(self, severity_values: frozenset[str], matchers: tuple[Matcher, ...]) -> None:
        self.severity_values: Final = severity_values
        self.matchers: Final = matchers


class Rule(Record):
    """A silence rule: the alerts it applies to, its cap and the roles that must approve."""

    __slots__ = __match_args__ = (
        "id",
        "description",
        "selector",
        "cap",
        "approvals",
        "relaxed_by_maintenance",
    )

    def __init__(  # noqa: PLR0913
        self,
        *,
        id: str,  # noqa: A002 - the policy's name for it
        description: str,
        selector: Selector,
        cap: timedelta,
        approvals: tuple[str, ...],
        relaxed_by_maintenance: bool,
    ) -> None:
        self.id: Final = id
        self.description: Final = description
        self.selector: Final = selector
        self.cap: Final = cap
        self.approvals: Final = approvals
        self.relaxed_by_maintenance: Final = relaxed_by_maintenance


class Recurrence(Record):
    """Every week on ``weekdays`` (ISO numbers, Monday 1) from ``start`` to ``end`` local time,
    in ``time_zone``; an ``end`` at or before ``start`` runs past midnight."""

    __slots__ = __match_args__ = ("time_zone", "weekdays", "start", "end")

    def __init__(self, time_zone: str, weekdays: frozenset[int], start: str, end: str) -> None:
        self.time_zone: Final = time_zone
        self.weekdays: Final = weekdays
        self.start: Final = start
        self.end: Final = end


class Window(Record):
    """A declared maintenance window: one time range (UTC), or a weekly recurrence."""

    __slots__ = __match_args__ = (
        "id",
        "description",
        "change",
        "scope",
        "approved_by",
        "start",
        "end",
        "recurring",
    )

    def __init__(  # noqa: PLR0913
        self,
        *,
        id: str,  # noqa: A002 - the policy's name for it
        description: str,
        change: str,
        scope: Selector,
        approved_by: tuple[str, ...],
        start: datetime | None,
        end: datetime | None,
        recurring: Recurrence | None,
    ) -> None:
        self.id: Final = id
        self.description: Final = description
        self.change: Final = change
        self.scope: Final = scope
        self.approved_by: Final = approved_by
        self.start: Final = start
        self.end: Final = end
        self.recurring: Final = recurring


class Maintenance(Record):
    __slots__ = __match_args__ = ("reason", "cap", "approval_beyond", "approvals", "windows")

    def __init__(
        self,
        reason: str,
        cap: timedelta,
        approval_beyond: timedelta,
        approvals: tuple[str, ...],
        windows: tuple[Window, ...],
    ) -> None:
        self.reason: Final = reason
        self.cap: Final = cap
        self.approval_beyond: Final = approval_beyond
        self.approvals: Final = approvals
        self.windows: Final = windows

    def window(self, window_id: str) -> Window | None:
        return next((w for w in self.windows if w.id == window_id), None)


class CatalogAlert(Record):
    """A catalog alert, a closed world: the labels it always has with a fixed value
    (``alertname`` and the severity label included), the labels it carries with a varying value
    (``None``: any value, else one of those), and no other label."""

    __slots__ = __match_args__ = ("name", "severity", "pinned", "carried")

    def __init__(
        self,
        name: str,
        severity: str,
        pinned: Mapping[str, str],
        carried: Mapping[str, tuple[str, ...] | None],
    ) -> None:
        self.name: Final = name
        self.severity: Final = severity
        self.pinned: Final = pinned
        self.carried: Final = carried


class HistorySettings(Record):
    __slots__ = __match_args__ = ("required", "chain_gap", "replace_grace")

    def __init__(self, required: bool, chain_gap: timedelta, replace_grace: timedelta) -> None:
        self.required: Final = required
        self.chain_gap: Final = chain_gap
        self.replace_grace: Final = replace_grace


class Rules(Record):
    __match_args__ = (
        "source_name",
        "sources",
        "severity_label",
        "require_comment",
        "require_author",
        "valid",
        "invalid",
        "rules",
        "maintenance",
        "unknown_alerts",
        "alerts",
        "roster",
        "history",
    )
    __slots__ = (*__match_args__, "memo")

    def __init__(  # noqa: PLR0913 - everything the policy says about silences
        self,
        *,
        source_name: str,
        sources: Mapping[str, str],
        severity_label: str,
        require_comment: bool,
        require_author: bool,
        valid: tuple[Reason, ...],
        invalid: tuple[Reason, ...],
        rules: tuple[Rule, ...],
        maintenance: Maintenance | None,
        unknown_alerts: str,
        alerts: tuple[CatalogAlert, ...],
        roster: Roster,
        history: HistorySettings,
    ) -> None:
        self.source_name: Final = source_name
        self.sources: Final = sources  # file name → sha256 of what the rules were compiled from
        self.severity_label: Final = severity_label
        self.require_comment: Final = require_comment
        self.require_author: Final = require_author
        self.valid: Final = valid
        self.invalid: Final = invalid
        self.rules: Final = rules
        self.maintenance: Final = maintenance
        self.unknown_alerts: Final = unknown_alerts
        self.alerts: Final = alerts
        self.roster: Final = roster
        self.history: Final = history
        # What the evaluator works out once per question and reuses (an audit asks the same
        # questions of thousands of silences): reach per matcher set, verdicts per comment, …
        self.memo: Final[dict[object, object]] = {}

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)

    @property
    def sha256(self) -> str:
        return self.sources.get(self.source_name, "")

    def remembered(self, key: object) -> object:
        return self.memo.get(key)

    def remember(self, key: object, value: Any) -> Any:
        if len(self.memo) > _MEMO_SIZE:
            self.memo.clear()
        self.memo[key] = value
        return value


_MEMO_SIZE = 200_000

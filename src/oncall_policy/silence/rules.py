"""The policy's silence rules as the evaluator needs them, read from plain data.

The data is what ``oncall_policy.silence.document.write`` writes to ``generated/silence-rules.json``
(or builds in memory when that file is stale): everything is already resolved — severity ids to
label values, alerts to the labels they pin and carry, windows to UTC instants, people to their
roles — so that reading it needs no pydantic and no YAML.
"""

from __future__ import annotations

from oncall_policy.datetimes import datetime, timedelta
from oncall_policy.matchers import Matcher
from oncall_policy.matching import budget
from oncall_policy.matching.search import Searcher
from oncall_policy.people import Roster
from oncall_policy.recent import Recent
from oncall_policy.records import Record
from oncall_policy.silence.reason_table import Table
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


UNKNOWN = "unknown-alerts"


class Reason(Record):
    """A reason a comment may give: case-insensitive patterns searched in the comment, written
    ahead as one RE2 pattern (``search``) and, when ``compile`` could, as a table
    (``silence.reason_table``) that finds the same without loading RE2."""

    __slots__ = ("_given", "_searcher")

    id: str
    description: str
    patterns: tuple[str, ...]
    search: str
    table: Table | None = None

    def __post_init__(self) -> None:
        self._given: Recent[str, bool] = Recent(5000)  # an audit reads the same comments many times
        self._searcher = self.table or Searcher(self.search)

    def given_by(self, comment: str) -> bool:
        found = self._given.get(comment)
        if found is None:
            found = self._given[comment] = self._searcher.found(comment)
        return found


class Selector(Record):
    """Alerts a rule or a window applies to: severity label values (empty: any) and matchers."""

    severity_values: frozenset[str]
    matchers: tuple[Matcher, ...]


class Rule(Record, kw_only=True):
    """A silence rule: the alerts it applies to, its cap and the roles that must approve."""

    id: str
    description: str
    selector: Selector
    cap: timedelta
    approvals: tuple[str, ...]
    relaxed_by_maintenance: bool


class Recurrence(Record):
    """Every week on ``weekdays`` (ISO numbers, Monday 1) from ``start`` to ``end`` local time,
    in ``time_zone``; an ``end`` at or before ``start`` runs past midnight."""

    time_zone: str
    weekdays: frozenset[int]
    start: str
    end: str


class Window(Record, kw_only=True):
    """A declared maintenance window: one time range (UTC), or a weekly recurrence."""

    id: str
    description: str
    change: str
    scope: Selector
    approved_by: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    recurring: Recurrence | None


class Maintenance(Record):
    reason: str
    cap: timedelta
    approval_beyond: timedelta
    approvals: tuple[str, ...]
    windows: tuple[Window, ...]

    def window(self, window_id: str) -> Window | None:
        return next((w for w in self.windows if w.id == window_id), None)


class CatalogAlert(Record):
    """A catalog alert, a closed world: the labels it always has with a fixed value
    (``alertname`` and the severity label included), the labels it carries with a varying value
    (``None``: any value, else one of those), and no other label."""

    name: str
    severity: str
    pinned: Mapping[str, str]
    carried: Mapping[str, tuple[str, ...] | None]


class HistorySettings(Record):
    required: bool
    chain_gap: timedelta
    replace_grace: timedelta


class Rules(Record, kw_only=True):
    __slots__ = ("memo",)

    source_name: str
    sources: Mapping[str, str]  # file name → sha256 of what the rules were compiled from
    severity_label: str
    team_label: str
    require_comment: bool
    require_author: bool
    valid: tuple[Reason, ...]
    invalid: tuple[Reason, ...]
    rules: tuple[Rule, ...]
    maintenance: Maintenance | None
    unknown_alerts: str
    alerts: tuple[CatalogAlert, ...]
    roster: Roster
    history: HistorySettings

    def __post_init__(self) -> None:
        # What the evaluator works out once per question and reuses (an audit asks the same
        # questions of thousands of silences): reach per matcher set, verdicts per comment, …
        self.memo: Recent[object, Any] = Recent(MEMO_CAPACITY)

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)

    @property
    def sha256(self) -> str:
        return self.sources.get(self.source_name, "")

    def remembered(self, key: object) -> object:
        return self.memo.get(key)

    def remember(self, key: object, value: Any, *, pure: bool = False) -> Any:
        """``value``, kept for ``key`` — unless the judgement's shared allowance has cut a
        question short (``budget.Allowance.cut``): then it may rest on an answer that another
        judgement, with more of its allowance left, would have decided, and is not kept. A
        ``pure`` value was worked out within an allowance of its own from the start, and is the
        same however it was cut: it is kept."""
        allowance = budget.shared()
        if not pure and allowance is not None and allowance.cut:
            return value
        self.memo[key] = value
        return value


# The answers kept (about four a silence): 100,000 to 200,000 for a command, as many as an audit of
# 50,000 silences asks for; a gate keeps far fewer, to level off (``recent.limit``).
MEMO_CAPACITY = 100_000

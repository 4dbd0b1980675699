"""What the evaluator says about a silence: accepted, or every rule it breaks and how to comply."""

from __future__ import annotations

from oncall_policy.datetimes import timedelta
from oncall_policy.durations import format_duration
from oncall_policy.records import Record
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from dataclasses import KW_ONLY
    from typing import Any

Location = tuple[str | int, ...]


class Violation(Record):
    """One broken rule: a kebab-case ``rule`` id, what is wrong, and how to comply.

    ``where`` points into the API v2 shape of the silence (``("matchers", 0)``, ``("endsAt",)``),
    so a request file can report a line and column.
    """

    rule: str
    message: str
    hint: str
    where: Location = ()


class Approval(Record):
    """An approver who counts, and the required roles they cover."""

    email: str
    roles: tuple[str, ...]


class Verdict(Record):
    """The judgement of one silence.

    ``alerts`` are the catalog alerts it may mute and ``unknown``, when it may also mute alerts
    outside the catalog, the labels of one such alert (None when it may not); ``rules`` the
    silence rules those fall under; ``window`` the declared maintenance window it lies inside;
    ``cap`` and ``roles`` the strictest combination that applies; ``coverage`` the longest
    stretch of time it covers on one alert together with other silences. ``notes`` say things
    that do not reject.
    """

    violations: tuple[Violation, ...]
    _: KW_ONLY
    alerts: tuple[str, ...] = ()
    unknown: dict[str, str] | None = None
    rules: tuple[str, ...] = ()
    window: str | None = None
    duration: timedelta | None = None
    coverage: timedelta | None = None
    cap: timedelta | None = None
    roles: tuple[str, ...] = ()
    approvals: tuple[Approval, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return not self.violations

    def with_history(self, violations: tuple[Violation, ...], coverage: timedelta) -> Verdict:
        """``replace(violations=self.violations + violations, coverage=coverage)``, made directly:
        an audit makes one for every silence, and the generic copy costs twice as much."""
        return Verdict(
            (*self.violations, *violations),
            alerts=self.alerts,
            unknown=self.unknown,
            rules=self.rules,
            window=self.window,
            duration=self.duration,
            coverage=coverage,
            cap=self.cap,
            roles=self.roles,
            approvals=self.approvals,
            notes=self.notes,
        )

    def as_json(self) -> dict[str, Any]:
        """Plain data for ``--format json``."""
        return {
            "accepted": self.accepted,
            "violations": [
                {"rule": v.rule, "message": v.message, "hint": v.hint, "where": list(v.where)}
                for v in self.violations
            ],
            "alerts": list(self.alerts),
            "unknown_alerts": self.unknown is not None,
            "unknown_example": self.unknown,
            "rules": list(self.rules),
            "window": self.window,
            "duration": _duration(self.duration),
            "coverage": _duration(self.coverage),
            "cap": _duration(self.cap),
            "required_roles": list(self.roles),
            "approvals": [{"email": a.email, "roles": list(a.roles)} for a in self.approvals],
            "notes": list(self.notes),
        }


def _duration(value: timedelta | None) -> str | None:
    if value is None:
        return None
    return format_duration(value) if value > timedelta(0) else str(value)

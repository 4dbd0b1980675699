"""What the evaluator says about a silence: accepted, or every rule it breaks and how to comply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from oncall_policy.durations import format_duration

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Violation:
    """One broken rule: a kebab-case ``rule`` id, what is wrong, and how to comply.

    ``where`` points into the API v2 shape of the silence (``("matchers", 0)``, ``("endsAt",)``),
    so a request file can report a line and column.
    """

    rule: str
    message: str
    hint: str
    where: Location = ()


@dataclass(frozen=True)
class Approval:
    """An approver who counts, and the required roles they cover."""

    email: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    """The judgement of one silence.

    ``alerts`` are the catalog alerts it may mute, ``rules`` the silence rules (classes) those
    alerts fall under (``unknown-alerts`` marks the unknown-alerts rule), ``cap`` and ``roles`` the
    strictest combination of them that applies. ``notes`` say things that do not reject.
    """

    violations: tuple[Violation, ...]
    alerts: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    maintenance: bool = False
    duration: timedelta | None = None
    coverage: timedelta | None = None
    cap: timedelta | None = None
    roles: tuple[str, ...] = ()
    approvals: tuple[Approval, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def accepted(self) -> bool:
        return not self.violations

    def as_json(self) -> dict[str, Any]:
        """Plain data for ``--format json``."""
        return {
            "accepted": self.accepted,
            "violations": [
                {"rule": v.rule, "message": v.message, "hint": v.hint, "where": list(v.where)}
                for v in self.violations
            ],
            "alerts": list(self.alerts),
            "rules": list(self.rules),
            "maintenance": self.maintenance,
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

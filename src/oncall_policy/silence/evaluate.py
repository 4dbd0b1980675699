"""The evaluator: one silence request against the policy's silence rules → a ``Verdict``.

Shape (``shape``), reach and rule (``reach``), cap, approvals (``approvals``) and, when earlier
silences with the same matchers are known, re-creation (``history``). Every violation is
reported, not just the first. The strictest combination of the rules that apply is enforced:
the smallest cap, and every role any of them requires. A silence whose comment gives the
maintenance reason replaces the rules with ``relaxed_by_maintenance: true`` by the maintenance
rule (its own cap, its approvals beyond ``approval_beyond``); the others (security) still apply.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from oncall_policy import TYPE_CHECKING
from oncall_policy.durations import format_duration
from oncall_policy.records import Record
from oncall_policy.silence import approvals, history, reach, shape
from oncall_policy.silence.request import SilenceRequest
from oncall_policy.silence.rules import Rule, Rules
from oncall_policy.silence.verdict import Verdict, Violation

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Final

_UNREAD = "reach, cap and approvals not judged: a matcher could not be read"


class Limit(Record):
    """What applies: the cap, the rule that sets it, and each required role with its rules."""

    __slots__ = __match_args__ = ("cap", "capped_by", "roles")

    def __init__(self, cap: timedelta, capped_by: str, roles: dict[str, tuple[str, ...]]) -> None:
        self.cap: Final = cap
        self.capped_by: Final = capped_by
        self.roles: Final = roles


def evaluate(
    request: SilenceRequest, rules: Rules, earlier: Iterable[tuple[datetime, datetime]] = ()
) -> Verdict:
    """Judge ``request``; ``earlier`` are the times of listed silences with the same matchers."""
    violations = list(shape.check(request, rules))
    if any(v.rule == "bad-matcher" for v in violations):
        return Verdict(tuple(violations), duration=request.duration, notes=(_UNREAD,))
    alerts, applied, unknown = reach.reach(request.matchers, rules)
    maintenance = is_maintenance(request.comment, rules)
    duration = request.duration
    limit = strictest(applied, rules, maintenance=maintenance, duration=duration or timedelta(0))
    coverage = _coverage(request, earlier)
    if coverage is not None and duration is not None and duration > timedelta(0):
        violations.extend(_over_cap(duration, coverage, limit))
    outcome = approvals.check(request.approvers, request.author, limit.roles, rules.roles_by_email)
    violations.extend(outcome.violations)
    return Verdict(
        violations=tuple(violations),
        alerts=tuple(alert.name for alert in alerts),
        rules=reach.rule_names(applied, unknown),
        maintenance=maintenance,
        duration=duration,
        coverage=coverage,
        cap=limit.cap,
        roles=tuple(limit.roles),
        approvals=outcome.approvals,
        notes=outcome.notes,
    )


def is_maintenance(comment: str, rules: Rules) -> bool:
    if rules.maintenance is None:
        return False
    return any(r.id == rules.maintenance.reason and r.given_by(comment) for r in rules.valid)


def strictest(applied: Sequence[Rule], rules: Rules, *, maintenance: bool, duration: timedelta) -> Limit:
    """The smallest cap and the union of required roles among ``applied``."""
    window = rules.maintenance if maintenance else None
    kept = [rule for rule in applied if window is None or not rule.relaxed_by_maintenance]
    caps = [(rule.cap, rule.id) for rule in kept]
    roles: dict[str, tuple[str, ...]] = {}
    for rule in kept:
        for role in rule.approvals:
            roles[role] = (*roles.get(role, ()), rule.id)
    if window is not None and len(kept) < len(applied):
        caps.append((window.cap, "maintenance"))
        if duration > window.approval_beyond:
            for role in window.approvals:
                roles[role] = (
                    *roles.get(role, ()),
                    f"maintenance beyond {format_duration(window.approval_beyond)}",
                )
    cap, capped_by = min(caps, key=lambda pair: pair[0])
    return Limit(cap, capped_by, roles)


def _coverage(request: SilenceRequest, earlier: Iterable[tuple[datetime, datetime]]) -> timedelta | None:
    if request.starts_at is None or request.ends_at is None:
        return None
    first, last = history.span(request.starts_at, request.ends_at, earlier)
    return last - first


def _over_cap(duration: timedelta, coverage: timedelta, limit: Limit) -> list[Violation]:
    if duration <= limit.cap and coverage <= limit.cap:
        return []
    cap = format_duration(limit.cap)
    if duration > limit.cap:
        return [
            Violation(
                "over-cap",
                f"the silence lasts {format_duration(duration)}; rule {limit.capped_by} allows at most {cap}",
                f"shorten it: -d {cap} or less (silence again later if still needed, with a reason)",
                ("endsAt",),
            )
        ]
    return [
        Violation(
            "over-cap-recreated",
            f"with earlier silences on the same matchers it covers {format_duration(coverage)} "
            f"in one stretch; rule {limit.capped_by} allows at most {cap}",
            "re-creating or extending a silence does not reset its cap; let it lapse, "
            "or get the approvals for a longer window if the policy has one",
            ("endsAt",),
        )
    ]

"""Approvals: who may approve, and which required roles remain uncovered.

Each approver must be in the roster and must not be the author (both reject). An approver's
approval counts for the required roles they hold; an approver holding none of them is noted and
does not count, so a role they were meant to cover stays uncovered and rejects the silence. (Were
such an approver a rejection by itself, shortening a silence or narrowing its matchers, which can
only drop required roles, could turn an accepted silence into a rejected one.)
"""

from __future__ import annotations

from oncall_policy import TYPE_CHECKING
from oncall_policy.records import Record
from oncall_policy.silence.verdict import Approval, Violation

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Final


class Outcome(Record):
    __slots__ = __match_args__ = ("approvals", "violations", "notes")

    def __init__(
        self, approvals: tuple[Approval, ...], violations: tuple[Violation, ...], notes: tuple[str, ...]
    ) -> None:
        self.approvals: Final = approvals
        self.violations: Final = violations
        self.notes: Final = notes


def check(
    approvers: Sequence[str],
    author: str,
    required: Mapping[str, tuple[str, ...]],
    roles_by_email: Mapping[str, frozenset[str]],
) -> Outcome:
    """``required`` maps each required role to the rules that require it."""
    approvals: list[Approval] = []
    violations: list[Violation] = []
    notes: list[str] = []
    for index, email in enumerate(dict.fromkeys(approvers)):
        roles = roles_by_email.get(email.lower())
        if email.lower() == author.strip().lower():
            violations.append(_self_approval(email, index))
        elif roles is None:
            violations.append(_unknown(email, index))
        elif covered := tuple(sorted(roles & required.keys())):
            approvals.append(Approval(email, covered))
        else:
            notes.append(f"{email} holds none of the required roles; their approval does not count")
    covered_roles = {role for approval in approvals for role in approval.roles}
    for role, rule_ids in required.items():
        if role not in covered_roles:
            violations.append(_missing(role, rule_ids, approvers, roles_by_email))
    return Outcome(tuple(approvals), tuple(violations), tuple(notes))


def _self_approval(email: str, index: int) -> Violation:
    return Violation(
        "self-approval",
        f"{email} is the author and cannot approve their own silence",
        "ask someone else who holds the required role to approve",
        ("approvedBy", index),
    )


def _unknown(email: str, index: int) -> Violation:
    return Violation(
        "unknown-approver",
        f"{email} is not in the policy's roster",
        "approvers are named by the email the policy lists for them",
        ("approvedBy", index),
    )


def _missing(
    role: str,
    rule_ids: tuple[str, ...],
    approvers: Sequence[str],
    roles_by_email: Mapping[str, frozenset[str]],
) -> Violation:
    lacking = [e for e in approvers if e.lower() in roles_by_email and role not in roles_by_email[e.lower()]]
    also = f"; {', '.join(lacking)} {'is' if len(lacking) == 1 else 'are'} not {role}" if lacking else ""
    holders = sorted(e for e, roles in roles_by_email.items() if role in roles)
    ask = f"ask one of {', '.join(holders[:5])}" if holders else f"no one in the roster is {role}"
    return Violation(
        "missing-approval",
        f"rule {', '.join(rule_ids)} needs approval by {role}{also}",
        f"{ask}, then add --approved-by EMAIL",
        ("approvedBy",),
    )

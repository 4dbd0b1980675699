"""rotation-turns: in every turn each slot is held by a different person with the slot's role. So
a week's primary and secondary differ, and its manager is a manager."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("rotation-turns", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    roles = {p.id: set(p.roles) for p in policy.people}
    for i, rotation in enumerate(policy.rotations):
        for k, turn in enumerate(rotation.turns):
            seen: dict[str, str] = {}
            for slot_id, person in turn.items():
                here = ("rotations", i, "turns", k, slot_id)
                if person in seen:
                    yield Finding(
                        here,
                        f"{shown(person)} is already {shown(seen[person], quote=False)} in turn {k + 1}; "
                        "each slot needs a different person",
                        RULE.id,
                    )
                seen.setdefault(person, slot_id)
                role = rotation.slots[slot_id].role
                if role not in roles.get(person, set()):
                    yield Finding(
                        here,
                        f"{shown(person)} fills {shown(slot_id)}, which needs role {shown(role)}, "
                        "but does not hold it",
                        RULE.id,
                    )

"""approver-roles: every role a silence needs approval from is held by someone. Otherwise the
approval could not be given at all."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.problems import Finding, Location
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("approver-roles", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    held = {role for person in policy.people for role in person.roles}
    places: list[tuple[Location, tuple[str, ...]]] = [
        (("silences", "rules", i, "approvals"), rule.approvals)
        for i, rule in enumerate(policy.silences.rules)
    ]
    if policy.silences.maintenance is not None:
        places.append((("silences", "maintenance", "approvals"), policy.silences.maintenance.approvals))
    for here, roles in places:
        for j, role in enumerate(roles):
            if role not in held:
                yield Finding(
                    (*here, j),
                    f"nobody holds role {shown(role)}, so no silence needing it could ever be approved",
                    RULE.id,
                )

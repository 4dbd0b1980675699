"""unique-ids: every id (and alert name) is used once in its section, so references are unambiguous."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.people import mailbox
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("unique-ids", CHECK, __doc__)


class HasId(Protocol):
    @property
    def id(self) -> str: ...


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    sections: dict[str, Sequence[HasId]] = {
        "roles": policy.roles,
        "teams": policy.teams,
        "people": policy.people,
        "rotations": policy.rotations,
        "severities": policy.severities,
        "escalation_policies": policy.escalation_policies,
        "paging_services": policy.paging_services,
        "chat_channels": policy.chat_channels,
    }
    for section, items in sections.items():
        yield from _duplicates(section, "id", [item.id for item in items])
    yield from _duplicates("alerts", "name", [alert.name for alert in policy.alerts])
    yield from _duplicates("routing.routes", "name", [r.name for r in policy.routing.routes])
    yield from _duplicates("silences.rules", "id", [r.id for r in policy.silences.rules])
    yield from _duplicates(
        "people", "email", [mailbox(p.email, policy.silences.identity.subaddresses) for p in policy.people]
    )
    severity_values = [s.label_value for s in policy.severities]
    yield from _duplicates("severities", "label_value", severity_values)
    if operator := policy.targets.prometheus_operator:
        namespaces = [c.namespace for c in operator.alertmanager_configs]
        yield from _duplicates("targets.prometheus_operator.alertmanager_configs", "namespace", namespaces)
    if mimir := policy.targets.mimir:
        yield from _duplicates("targets.mimir.tenants", "id", [t.id for t in mimir.tenants])
    for index, escalation in enumerate(policy.escalation_policies):
        levels = [level.id for level in escalation.levels]
        yield from _duplicates(f"escalation_policies.{index}.levels", "id", levels)


def _duplicates(section: str, key: str, values: list[str]) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    parts: tuple[str | int, ...] = tuple(int(p) if p.isdigit() else p for p in section.split("."))
    for index, value in enumerate(values):
        if value in seen:
            yield Finding(
                (*parts, index, key),
                f"{key} {shown(value)} is already used by {section}[{seen[value]}]; {key}s must be unique",
                RULE.id,
            )
        else:
            seen[value] = index

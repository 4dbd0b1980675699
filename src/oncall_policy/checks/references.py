"""references: every id the policy names is defined in the policy. That is each role, team,
person, rotation slot, severity, escalation policy, paging service, channel, reason or rule it
names, and each team a deployment target names. The other checks run only when these references
resolve and ids are unique."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.model import Fallback, Policy, Route, Selector
from oncall_policy.problems import Finding, Location
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("references", CHECK, __doc__)


def _missing(location: Location, value: str | None, known: Iterable[str], kind: str) -> Iterator[Finding]:
    known = set(known)
    if value is not None and value not in known:
        listed = ", ".join(shown(name, quote=False) for name in sorted(known)[:12]) or "none are defined"
        yield Finding(location, f"unknown {kind} {shown(value)}; defined: {listed}", RULE.id)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    roles = {r.id for r in policy.roles}
    teams = {t.id for t in policy.teams}
    yield from _people(policy, roles, teams)
    yield from _rotations(policy, roles, teams)
    yield from _escalation(policy, teams)
    yield from _destinations(policy, teams)
    yield from _alerts(policy, teams)
    yield from _routing(policy)
    yield from _silences(policy, roles)
    yield from _targets(policy, teams)


def _targets(policy: Policy, teams: set[str]) -> Iterator[Finding]:
    operator, mimir = policy.targets.prometheus_operator, policy.targets.mimir
    for i, config in enumerate(operator.alertmanager_configs if operator else ()):
        here: Location = ("targets", "prometheus_operator", "alertmanager_configs", i, "team")
        yield from _missing(here, config.team, teams, "team")
    for i, tenant in enumerate(mimir.tenants if mimir else ()):
        for j, team in enumerate(tenant.teams):
            yield from _missing(("targets", "mimir", "tenants", i, "teams", j), team, teams, "team")


def _people(policy: Policy, roles: set[str], teams: set[str]) -> Iterator[Finding]:
    for i, person in enumerate(policy.people):
        for j, role in enumerate(person.roles):
            yield from _missing(("people", i, "roles", j), role, roles, "role")
        yield from _missing(("people", i, "team"), person.team, teams, "team")


def _rotations(policy: Policy, roles: set[str], teams: set[str]) -> Iterator[Finding]:
    people = {p.id for p in policy.people}
    for i, rotation in enumerate(policy.rotations):
        here: Location = ("rotations", i)
        yield from _missing((*here, "team"), rotation.team, teams, "team")
        for slot_id, slot in rotation.slots.items():
            yield from _missing((*here, "slots", slot_id, "role"), slot.role, roles, "role")
        for k, turn in enumerate(rotation.turns):
            for slot_id in rotation.slots.keys() - turn.keys():
                yield Finding(
                    (*here, "turns", k), f"turn {k + 1} does not fill slot {shown(slot_id)}", RULE.id
                )
            for slot_id, person in turn.items():
                yield from _missing((*here, "turns", k, slot_id), slot_id, rotation.slots, "slot")
                yield from _missing((*here, "turns", k, slot_id), person, people, "person")


def _escalation(policy: Policy, teams: set[str]) -> Iterator[Finding]:
    people = {p.id for p in policy.people}
    rotations = {r.id: r for r in policy.rotations}
    severities = {s.id for s in policy.severities}
    for i, escalation in enumerate(policy.escalation_policies):
        here: Location = ("escalation_policies", i)
        yield from _missing((*here, "team"), escalation.team, teams, "team")
        for j, level in enumerate(escalation.levels):
            for k, target in enumerate(level.targets):
                at = (*here, "levels", j, "targets", k)
                yield from _missing((*at, "person"), target.person, people, "person")
                yield from _missing((*at, "rotation"), target.rotation, rotations, "rotation")
                if target.rotation in rotations:
                    slots = rotations[target.rotation].slots
                    yield from _missing((*at, "slot"), target.slot, slots, "slot")
        for severity in escalation.timing:
            yield from _missing((*here, "timing", severity), severity, severities, "severity")


def _destinations(policy: Policy, teams: set[str]) -> Iterator[Finding]:
    escalations = {e.id for e in policy.escalation_policies}
    for i, service in enumerate(policy.paging_services):
        yield from _missing(("paging_services", i, "team"), service.team, teams, "team")
        yield from _missing(
            ("paging_services", i, "escalation_policy"),
            service.escalation_policy,
            escalations,
            "escalation policy",
        )
    for i, channel in enumerate(policy.chat_channels):
        yield from _missing(("chat_channels", i, "team"), channel.team, teams, "team")


def _alerts(policy: Policy, teams: set[str]) -> Iterator[Finding]:
    severities = {s.id for s in policy.severities}
    for i, alert in enumerate(policy.alerts):
        yield from _missing(("alerts", i, "severity"), alert.severity, severities, "severity")
        yield from _missing(("alerts", i, "team"), alert.team, teams, "team")


def _selector(location: Location, selector: Selector | Route, severities: set[str]) -> Iterator[Finding]:
    for j, severity in enumerate(selector.severities):
        yield from _missing((*location, "severities", j), severity, severities, "severity")


def _routing(policy: Policy) -> Iterator[Finding]:
    severities = {s.id for s in policy.severities}
    services = {s.id for s in policy.paging_services}
    channels = {c.id for c in policy.chat_channels}
    targets: list[tuple[Location, Route | Fallback]] = [
        (("routing", "routes", i), r) for i, r in enumerate(policy.routing.routes)
    ]
    for i, route in enumerate(policy.routing.routes):
        yield from _selector(("routing", "routes", i), route, severities)
    for here, destination in [*targets, (("routing", "unmatched"), policy.routing.unmatched)]:
        yield from _missing((*here, "page"), destination.page, services, "paging service")
        for j, channel in enumerate(destination.notify):
            yield from _missing((*here, "notify", j), channel, channels, "chat channel")
    for i, inhibition in enumerate(policy.routing.inhibitions):
        place: Location = ("routing", "inhibitions", i)
        yield from _selector((*place, "source"), inhibition.source, severities)
        yield from _selector((*place, "target"), inhibition.target, severities)


def _silences(policy: Policy, roles: set[str]) -> Iterator[Finding]:
    silences = policy.silences
    severities = {s.id for s in policy.severities}
    for i, rule in enumerate(silences.rules):
        yield from _selector(("silences", "rules", i, "applies_to"), rule.applies_to, severities)
        for j, role in enumerate(rule.approvals):
            yield from _missing(("silences", "rules", i, "approvals", j), role, roles, "role")
    if silences.maintenance is not None:
        reasons = {r.id for r in silences.reasons.valid}
        here = ("silences", "maintenance")
        yield from _missing((*here, "reason"), silences.maintenance.reason, reasons, "valid reason")
        for j, role in enumerate(silences.maintenance.approvals):
            yield from _missing((*here, "approvals", j), role, roles, "role")
    if silences.unknown_alerts != "strictest":
        rules = {r.id for r in silences.rules}
        yield from _missing(
            ("silences", "unknown_alerts"), silences.unknown_alerts, rules, "silence rule (or 'strictest')"
        )

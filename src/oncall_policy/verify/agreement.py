"""Does what PagerDuty will do agree with the policy? Per-alert paging facts, and disagreements.

For the ``test`` command and the Alertmanager cross-check: every catalog alert that pages lands on
a generated service (whose integration key Alertmanager reads from ``routing_key_file``) and first
escalates when its severity says; every generated service is reached by some catalog alert.
"""

from __future__ import annotations

from dataclasses import dataclass

from oncall_policy.compile.pd import ir
from oncall_policy.compile.pd.build import build
from oncall_policy.compile.pd.ladders import minutes
from oncall_policy.meaning.dispatch import catalog_destinations
from oncall_policy.model import Policy


@dataclass(frozen=True)
class Paging:
    """One catalog alert paging one service, and when PagerDuty first escalates it."""

    alert: str
    severity: str
    service: str  # paging service id
    service_name: str
    routing_key_file: str  # secrets.directory / integration_key_file
    first_escalation_minutes: int | None  # None: the policy never moves to a second level
    expected_minutes: int | None  # the severity's auto-escalation


@dataclass(frozen=True)
class Disagreement:
    subject: str  # an alert name or a paging service id
    message: str


def first_escalation(policy: ir.EscalationPolicy) -> int | None:
    return policy.rules[0].delay_minutes if len(policy.rules) > 1 else None


def paging_facts(policy: Policy, model: ir.PagerDuty | None = None) -> tuple[Paging, ...]:
    """Every (catalog alert, paging service) pair the routing produces, in catalog order."""
    model = model or build(policy)
    services = {s.ref.key: s for s in model.services}
    policies = {p.ref: p for p in model.escalation_policies}
    severities = {s.id: s for s in policy.severities}
    facts = []
    for alert, where in zip(policy.alerts, catalog_destinations(policy), strict=True):
        wanted = severities[alert.severity].auto_escalation
        for page in where.pages:
            service = services[page]
            facts.append(
                Paging(
                    alert=alert.name,
                    severity=alert.severity,
                    service=page,
                    service_name=service.name,
                    routing_key_file=service.routing_key_file,
                    first_escalation_minutes=first_escalation(policies[service.escalation_policy]),
                    expected_minutes=None if wanted is None else minutes(wanted),
                )
            )
    return tuple(facts)


def disagreements(policy: Policy, model: ir.PagerDuty | None = None) -> list[Disagreement]:
    """Every way the generated PagerDuty objects disagree with the policy (empty: they agree)."""
    model = model or build(policy)
    facts = paging_facts(policy, model)
    found = [
        Disagreement(
            f.alert,
            f"{f.severity} should first escalate after {_shown(f.expected_minutes)}, but "
            f"{f.service_name} escalates after {_shown(f.first_escalation_minutes)}",
        )
        for f in facts
        if f.first_escalation_minutes != f.expected_minutes
    ]
    reached = {f.service for f in facts}
    found += [
        Disagreement(s.ref.key, f"no catalog alert reaches {s.name}; its timing is a guess")
        for s in model.services
        if s.ref.key not in reached
    ]
    found += [
        Disagreement(s.ref.key, f"{s.name} escalates but its urgency is low, which never escalates")
        for s in model.services
        if s.urgency == "low" and any(f.expected_minutes for f in facts if f.service == s.ref.key)
    ]
    return found


def _shown(value: int | None) -> str:
    return "never" if value is None else f"{value} min"

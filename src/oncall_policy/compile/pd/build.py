"""Policy → PagerDuty IR: the schedules, escalation policies and services the policy needs."""

from __future__ import annotations

from datetime import timedelta

from oncall_policy.compile.pd import ir
from oncall_policy.compile.pd.ladders import (
    Timing,
    final_wait,
    minutes,
    reaching_severities,
    rule_delays,
    service_severities,
    service_timing,
)
from oncall_policy.compile.pd.schedules import schedule, schedule_ref, user_ref
from oncall_policy.model import EscalationPolicy, PagingService, Policy, Target


def build(policy: Policy) -> ir.PagerDuty:
    timings = _timings(policy)
    policies = [_escalation_policy(policy, timing) for timing in timings.values()]
    services = [_service(policy, service, timings[service.id]) for service in policy.paging_services]
    schedules = [schedule(r, slot) for r in policy.rotations for slot in r.slots]
    return ir.PagerDuty(
        users=_users(policy, schedules, policies),
        teams=_teams(policy, policies),
        schedules=tuple(sorted(schedules, key=lambda s: s.ref)),
        escalation_policies=tuple(sorted({p.ref: p for p in policies}.values(), key=lambda p: p.ref)),
        services=tuple(sorted(services, key=lambda s: s.ref)),
    )


def _timings(policy: Policy) -> dict[str, Timing]:
    """Paging service id → the (ladder, timing) its escalation policy is made from."""
    ladders = {ladder.id: ladder for ladder in policy.escalation_policies}
    reach = reaching_severities(policy)
    timings: dict[str, Timing] = {}
    for service in policy.paging_services:
        ladder = ladders[service.escalation_policy]
        severities = service_severities(ladder, reach.get(service.id, frozenset()))
        timings[service.id] = Timing(ladder, service_timing(ladder, severities), severities)
    # Services sharing a ladder and a timing share one PagerDuty policy: name it by all their severities.
    merged: dict[tuple[str, tuple[timedelta, ...]], frozenset[str]] = {}
    for timing in timings.values():
        key = (timing.ladder.id, timing.steps)
        merged[key] = merged.get(key, frozenset()) | timing.severities
    return {sid: Timing(t.ladder, t.steps, merged[t.ladder.id, t.steps]) for sid, t in timings.items()}


def escalation_ref(timing: Timing) -> ir.Ref:
    return ir.Ref("escalation_policy", timing.key)


def _escalation_policy(policy: Policy, timing: Timing) -> ir.EscalationPolicy:
    ladder = timing.ladder
    severities = {s.id: s for s in policy.severities}
    delays = rule_delays(timing.steps, final_wait(timing.severities, severities))
    rules = tuple(
        ir.Rule(delay, tuple(_target(t) for t in level.targets))
        for level, delay in zip(ladder.levels, delays, strict=False)
    )
    shown = ", ".join(sorted(timing.severities))
    return ir.EscalationPolicy(
        ref=escalation_ref(timing),
        name=f"{ladder.name} ({shown})",
        description=_ladder_description(ladder, timing),
        num_loops=ladder.loops,
        rules=rules,
        teams=(ir.Ref("team", ladder.team),) if ladder.team else (),
        severities=tuple(sorted(timing.severities)),
    )


def _ladder_description(ladder: EscalationPolicy, timing: Timing) -> str:
    steps = ", ".join(
        f"{level.name} at {minutes(at)} min" for level, at in zip(ladder.levels, timing.steps, strict=False)
    )
    return f"{ladder.description or ladder.name}. {', '.join(sorted(timing.severities))}: {steps}."


def _target(target: Target) -> ir.Ref:
    if target.person is not None:
        return user_ref(target.person)
    # The model guarantees a rotation and a slot when there is no person.
    return schedule_ref(str(target.rotation), str(target.slot))


def _service(policy: Policy, service: PagingService, timing: Timing) -> ir.Service:
    severities = [s for s in policy.severities if s.id in timing.severities]
    escalates = len(timing.steps) > 1 or any(s.auto_escalation is not None for s in severities)
    acknowledgement = min(int(max(s.resolution_target, s.response_time).total_seconds()) for s in severities)
    return ir.Service(
        ref=ir.Ref("service", service.id),
        name=service.name,
        description=service.description or service.name,
        escalation_policy=escalation_ref(timing),
        urgency="high" if escalates else "low",
        acknowledgement_timeout=acknowledgement,
        auto_resolve_timeout=None,
        severities=tuple(
            ir.SeverityFacts(s.id, s.pagerduty_severity) for s in sorted(severities, key=lambda s: s.id)
        ),
        integration=ir.Ref("integration", service.id),
        routing_key_file=f"{policy.secrets.directory.rstrip('/')}/{service.integration_key_file}",
    )


def _users(
    policy: Policy, schedules: list[ir.Schedule], policies: list[ir.EscalationPolicy]
) -> tuple[ir.User, ...]:
    wanted = {u for s in schedules for layer in s.layers for u in layer.users}
    wanted |= {t for p in policies for rule in p.rules for t in rule.targets if t.kind == "user"}
    people = {p.id: p for p in policy.people}
    users = [ir.User(ref, people[ref.key].email, people[ref.key].name) for ref in wanted]
    return tuple(sorted(users, key=lambda u: u.ref))


def _teams(policy: Policy, policies: list[ir.EscalationPolicy]) -> tuple[ir.Team, ...]:
    wanted = {t for p in policies for t in p.teams}
    names = {t.id: t.name for t in policy.teams}
    return tuple(ir.Team(ref, names[ref.key]) for ref in sorted(wanted))

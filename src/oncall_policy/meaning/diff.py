"""What a policy change means for people: where alerts go and how fast they escalate, who is on
call when, service levels, silence caps and approvals. Pure: two policies in, changes out.

Every value is compared as the words a person reads (``facts``), so a change that moves nothing
for anyone (reordering, a comment) is no change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from oncall_policy.meaning import facts
from oncall_policy.model import EscalationPolicy, Policy, Rotation, Severity, SilenceRule

MAX_TURNS = 24  # rotation hand-offs listed per rotation before the rest are summed up
MAX_INSTANTS = 2000  # hand-offs examined per rotation, whatever its turn length

T = TypeVar("T")
Fields = dict[str, str]


@dataclass(frozen=True)
class Change:
    """One thing that is different for people; ``old`` is ``None`` when added, ``new`` when removed."""

    section: str
    subject: str
    what: str
    old: str | None
    new: str | None


def diff(old: Policy, new: Policy) -> list[Change]:
    """Every change from ``old`` to ``new``, section by section (``reports.SECTIONS``)."""
    return [
        *_keyed("alerts", _alerts(old), _alerts(new)),
        *_fields("routing", "unmatched alerts", _unmatched(old), _unmatched(new)),
        *_keyed("escalation", *(_each(p, p.escalation_policies, _ladder) for p in (old, new))),
        *_keyed("severities", *(_each(p, p.severities, _severity) for p in (old, new))),
        *_keyed("silences", *(_each(p, p.silences.rules, _rule) for p in (old, new))),
        *_fields("silences", "all silences", _silence_policy(old), _silence_policy(new)),
        *_keyed("rotations", *(_each(p, p.rotations, _rotation) for p in (old, new))),
        *_rotations(old, new),
    ]


def _each(policy: Policy, items: tuple[T, ...], describe: Callable[[Policy, T], Fields]) -> dict[str, Fields]:
    """Each item of a collection by id, described as the words people read."""
    return {getattr(item, "id"): describe(policy, item) for item in items}  # noqa: B009 - all have ids


def _fields(section: str, subject: str, old: Fields, new: Fields) -> Iterator[Change]:
    for what in dict.fromkeys([*old, *new]):
        if old.get(what) != new.get(what):
            yield Change(section, subject, what, old.get(what, "—"), new.get(what, "—"))


def _keyed(section: str, olds: Mapping[str, Fields], news: Mapping[str, Fields]) -> Iterator[Change]:
    """Added, removed and changed items of a collection, compared field by field."""
    for key in dict.fromkeys([*olds, *news]):
        if key not in news:
            yield Change(section, key, "removed", _summary(olds[key]), None)
        elif key not in olds:
            yield Change(section, key, "added", None, _summary(news[key]))
        else:
            yield from _fields(section, key, olds[key], news[key])


def _summary(fields: Fields) -> str:
    return "; ".join(f"{what}: {value}" for what, value in fields.items())


def _alerts(policy: Policy) -> dict[str, Fields]:
    return {f.alert.name: _alert(f) for f in facts.alert_facts(policy)}


def _alert(alert: facts.AlertFacts) -> Fields:
    escalation = [f"{service}: {facts.human(after)}" for service, after in alert.escalation]
    return {
        "severity": alert.alert.severity,
        "paging": ", ".join(alert.pages) or "nobody",
        "channels": ", ".join(alert.channels) or "none",
        "first escalation": "; ".join(escalation) or "none",
        "runbook": alert.runbook,
    }


def _unmatched(policy: Policy) -> Fields:
    pages, channels = facts.destinations(
        policy, policy.routing.unmatched.page, policy.routing.unmatched.notify
    )
    return {"paging": ", ".join(pages) or "nobody", "channels": ", ".join(channels)}


def _ladder(policy: Policy, escalation: EscalationPolicy) -> Fields:
    fields = {"name": escalation.name, "loops": str(escalation.loops)}
    for k, level in enumerate(escalation.levels, 1):
        who = " + ".join(facts.target_text(policy, t) for t in level.targets)
        fields[f"level {k}"] = f"{level.name} ({who})"
    for severity, steps in escalation.timing.items():
        fields[f"{severity} timing"] = ", ".join(facts.short(step) for step in steps)
    return fields


def _severity(_: Policy, severity: Severity) -> Fields:
    rule = severity.postmortem
    postmortem = rule if isinstance(rule, str) else f"if longer than {facts.human(rule.longer_than)}"
    return {
        "name": severity.name,
        "label value": severity.label_value,
        "response time": facts.human(severity.response_time),
        "acknowledgement": severity.acknowledgement,
        "resolution target": facts.human(severity.resolution_target),
        "auto-escalation": facts.human(severity.auto_escalation),
        "status updates": facts.human(severity.status_updates),
        "post-mortem": postmortem,
        "PagerDuty severity": severity.pagerduty_severity,
    }


def _rule(policy: Policy, rule: SilenceRule) -> Fields:
    return {
        "applies to": facts.selects(policy, rule.applies_to),
        "max duration": facts.human(rule.max_duration),
        "approvals": " + ".join(rule.approvals) or "none",
        "maintenance may extend": "yes" if rule.relaxed_by_maintenance else "no",
    }


def _silence_policy(policy: Policy) -> Fields:
    silences = policy.silences
    fields = {
        "comment required": "yes" if silences.require_comment else "no",
        "author required": "yes" if silences.require_author else "no",
        "unknown alerts": silences.unknown_alerts,
        "valid reasons": ", ".join(r.description for r in silences.reasons.valid),
        "invalid reasons": ", ".join(r.description for r in silences.reasons.invalid) or "none",
    }
    if (maintenance := silences.maintenance) is not None:
        fields["maintenance max duration"] = facts.human(maintenance.max_duration)
        fields["maintenance approvals"] = (
            f"{' + '.join(maintenance.approvals)} beyond {facts.human(maintenance.approval_beyond)}"
        )
    return fields


def _rotations(old: Policy, new: Policy) -> Iterator[Change]:
    """Who is on call when, for every rotation both policies have."""
    news = {r.id: r for r in new.rotations}
    for rotation in old.rotations:
        if rotation.id in news:
            yield from _holders(old, new, rotation, news[rotation.id])


def _rotation(_: Policy, rotation: Rotation) -> Fields:
    return {
        "name": rotation.name,
        "turn length": facts.human(rotation.turn_length),
        "hand-off": facts.handoff(rotation),
        "turns per cycle": str(len(rotation.turns)),
        "slots": ", ".join(rotation.slots),
        "on call only": "; ".join(
            f"{', '.join(r.weekdays)} {r.start:%H:%M}–{r.end:%H:%M}" for r in rotation.restrictions
        )
        or "always",
    }


def _holders(old: Policy, new: Policy, before: Rotation, after: Rotation) -> Iterator[Change]:
    """Who holds each slot from each hand-off of either rotation, over one cycle of the longer."""
    slots = list(dict.fromkeys([*before.slots, *after.slots]))
    changes = []
    for instant in _handoffs(before, after):
        was = _names(old, before.holders_at(instant))
        now = _names(new, after.holders_at(instant))
        for slot in slots:
            if (held := was.get(slot, "—")) != (holds := now.get(slot, "—")):
                when = f"{slot} from {instant:%a %Y-%m-%d %H:%M} UTC"
                changes.append(Change("rotations", after.id, when, held, holds))
    yield from changes[:MAX_TURNS]
    if len(changes) > MAX_TURNS:
        yield Change("rotations", after.id, f"{len(changes) - MAX_TURNS} more hand-offs differ", None, None)


def _names(policy: Policy, holders: dict[str, str]) -> dict[str, str]:
    people = facts.person_names(policy)
    return {slot: people.get(person, person) for slot, person in holders.items()}


def _handoffs(before: Rotation, after: Rotation) -> list[datetime]:
    start = min(before.turn_start(0), after.turn_start(0))
    end = start + max(r.turn_length * len(r.turns) for r in (before, after))
    instants = {start}
    for rotation in (before, after):
        k = rotation.turn_at(start)
        while (instant := rotation.turn_start(k)) < end and len(instants) < MAX_INSTANTS:
            instants.add(max(instant, start))
            k += 1
    return sorted(instants)

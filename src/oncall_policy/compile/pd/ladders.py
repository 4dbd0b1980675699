"""Escalation: which (ladder, timing) pairs services need, and cumulative times as rule delays."""

from __future__ import annotations

import math
from datetime import timedelta
from itertools import pairwise
from typing import NamedTuple

from oncall_policy.errors import OncallPolicyError
from oncall_policy.meaning.dispatch import catalog_destinations
from oncall_policy.model import EscalationPolicy, Policy, Severity

MINUTE = timedelta(minutes=1)


def minutes(value: timedelta) -> int:
    """Whole minutes, rounding up: PagerDuty counts minutes and never waits less than asked."""
    return math.ceil(value / MINUTE)


def rule_delays(steps: tuple[timedelta, ...], final_wait: int) -> tuple[int, ...]:
    """Per-rule delays from cumulative times: ``[0, 15m, 30m, 1h]`` → ``(15, 15, 30, 30)``.

    Rule *i* waits until rule *i+1* is due; the last rule waits as long as the gap before it
    (``final_wait`` when there is only one rule) before the policy loops.
    """
    gaps = tuple(minutes(later - earlier) for earlier, later in pairwise(steps))
    return (*gaps, gaps[-1] if gaps else max(1, final_wait))


def reaching_severities(policy: Policy) -> dict[str, frozenset[str]]:
    """Paging service id → the severities of the catalog alerts the routing sends to it."""
    reach: dict[str, set[str]] = {}
    for alert, where in zip(policy.alerts, catalog_destinations(policy), strict=True):
        for page in where.pages:
            reach.setdefault(page, set()).add(alert.severity)
    return {service: frozenset(severities) for service, severities in reach.items()}


class Timing(NamedTuple):
    """A ladder with one timing, and the severities that use it."""

    ladder: EscalationPolicy
    steps: tuple[timedelta, ...]
    severities: frozenset[str]

    @property
    def key(self) -> str:
        return f"{self.ladder.id}/{'+'.join(sorted(self.severities))}"


class TimingConflictError(OncallPolicyError):
    """A paging service reached by severities whose escalation timing differs."""


def service_severities(ladder: EscalationPolicy, reached: frozenset[str]) -> frozenset[str]:
    """The severities a service is timed for: those reaching it, or, when no catalog alert reaches
    it, the ladder's fastest-escalating severities (unknown alerts are treated strictly)."""
    if reached:
        return reached
    fastest = min(ladder.timing.values(), key=lambda steps: (len(steps) < 2, steps[1:2], steps))
    return frozenset(s for s, steps in ladder.timing.items() if steps == fastest)


def service_timing(ladder: EscalationPolicy, severities: frozenset[str]) -> tuple[timedelta, ...]:
    timings = {ladder.timing[s] for s in severities if s in ladder.timing}
    if len(timings) != 1 or not severities <= ladder.timing.keys():
        raise TimingConflictError(
            f"severities {sorted(severities)} need one timing from {ladder.id!r}; "
            "run `oncall-policy check` (rules paging-timing, escalation-timing)"
        )
    return timings.pop()


def final_wait(severities: frozenset[str], by_id: dict[str, Severity]) -> int:
    return min(minutes(by_id[s].response_time) for s in severities)

"""How much of a judgement's shared allowance (``silence.labels.judgement``) silences spend.

Usage: python bench/hard_regexes.py [--runs R]

Judges silences in this process, each as if first (the language engine's caches cleared and the
policy's rules loaded afresh before each run), and prints the states and steps charged to the
allowances of the judgement (its own and its assessment's), whether a question was cut short by
one, and the median seconds. Ordinary silences (the examples' own kinds, regexes on names, the cases of
issue 10) must spend a small part of the allowance; hostile ones (short regexes whose languages
are hard, planted as history or paired on many labels) must be cut short within it, in a
fraction of a second: what ``JUDGEMENT_STATES`` and ``JUDGEMENT_STEPS`` are chosen from.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

from oncall_policy.matching import budget
from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import api, labels, source
from oncall_policy.silence.evaluate import Silence, evaluate
from oncall_policy.silence.rules import Rules

ROOT = Path(__file__).resolve().parent.parent
POLICIES = {
    "clipper": ROOT / "policy.yaml",
    "acme": ROOT / "examples/acme/policy.yaml",
    "globex": ROOT / "examples/globex/policy.yaml",
}
NOW = datetime.now(UTC)


def body(
    *matchers: tuple[str, str, bool], minutes: int = 30, comment: str = "deployment in progress"
) -> dict[str, Any]:
    return {
        "matchers": [{"name": n, "value": v, "isRegex": r, "isEqual": True} for n, v, r in matchers],
        "startsAt": NOW.isoformat(),
        "endsAt": (NOW + timedelta(minutes=minutes)).isoformat(),
        "createdBy": "engineer-a@clipper.app",
        "comment": comment,
    }


def planted() -> list[Silence]:
    """Six earlier silences whose ``service`` regexes split history into 64 cells."""
    return [
        Silence(
            f"planted-{i}",
            "active",
            api.from_api(
                body(
                    ("alertname", "HighErrorRate", False),
                    ("service", f"[ab]*{'ab'[i % 2]}[ab]{{{12 + i}}}", True),
                )
            ),
        )
        for i in range(6)
    ]


def paired(count: int) -> dict[str, Any]:
    """The hard pair ``[ab]*a[ab]{16}``, ``[ab]*b[ab]{16}`` on ``count`` labels."""
    pairs = [(f"x{i}", value, True) for i in range(count) for value in ("[ab]*a[ab]{16}", "[ab]*b[ab]{16}")]
    return body(("alertname", "HighErrorRate", False), *pairs)


Case = tuple[str, str, dict[str, Any], Callable[[], list[Silence]]]
ORDINARY: list[Case] = [
    ("clipper", "one alert", body(("alertname", "HighErrorRate", False)), list),
    (
        "clipper",
        "alert + service",
        body(("alertname", "HighErrorRate", False), ("service", "api", False)),
        list,
    ),
    ("clipper", "name alternation", body(("alertname", "HighErrorRate|HighResponseTime", True)), list),
    (
        "clipper",
        "service prefix",
        body(("alertname", "HighErrorRate", False), ("service", "api-.*", True)),
        list,
    ),
    ("clipper", "[[:upper:]] trick", body(("alertname", "HighMemoryUsage|[[:upper:]].*", True)), list),
    ("clipper", "(?i) name", body(("alertname", "(?i)highmemoryusage", True)), list),
    ("clipper", "severity info", body(("severity", "info", False), ("category", "security", False)), list),
    ("clipper", "catastrophic Python", body(("alertname", "(x+x+)+y|[^x].*", True)), list),
    ("acme", "sev regex", body(("severity", "sev.*", True)), list),
    ("globex", "class regex", body(("class", "fraud|f.*", True), ("squad", "check.*", True)), list),
]
HOSTILE: list[Case] = [
    ("clipper", "6 planted history regexes", body(("alertname", "HighErrorRate", False)), planted),
    ("clipper", "hard pair on 8 labels", paired(8), list),
    ("clipper", "hard pair on 20 labels", paired(20), list),
    (
        "clipper",
        "[ab]*a[ab]{20} alone",
        body(("alertname", "HighErrorRate", False), ("service", "[ab]*a[ab]{20}", True)),
        list,
    ),
]


class Tally:
    """The states and steps charged to every allowance (a silence's own assessment has one of
    its own: ``evaluate.assess``), and whether any was cut short."""

    def __init__(self) -> None:
        self.states = self.steps = 0
        self.cut = False
        self._spend, self._afford_all = budget.Allowance.spend, budget.Allowance.afford_all

    def __enter__(self) -> Self:
        tally, spend, afford_all = self, self._spend, self._afford_all

        def counted(allowance: budget.Allowance, states: int, steps: int) -> None:
            tally.states += states
            tally.steps += steps
            try:
                spend(allowance, states, steps)
            except budget.OutOfBudget:
                tally.cut = True
                raise

        def charged(allowance: budget.Allowance, costs: dict[object, tuple[int, int]]) -> bool:
            due = [cost for key, cost in costs.items() if key not in allowance.paid]
            paid = afford_all(allowance, costs)  # remembered answers' costs, once each
            if paid:
                tally.states += sum(cost[0] for cost in due)
                tally.steps += sum(cost[1] for cost in due)
            return paid

        budget.Allowance.spend = counted  # type: ignore[method-assign]
        budget.Allowance.afford_all = charged  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        budget.Allowance.spend, budget.Allowance.afford_all = self._spend, self._afford_all  # type: ignore[method-assign]


def run(rules_of: Callable[[], Rules], case: Case, runs: int) -> tuple[int, int, bool, float]:
    _, _, data, earlier = case
    seconds, spent = [], (0, 0, False)
    for _ in range(runs):
        rules = rules_of()
        clear_caches()
        request, history = api.from_api(data), earlier()
        with Tally() as tally:
            started = time.perf_counter()
            evaluate(request, rules, history)
            seconds.append(time.perf_counter() - started)
        spent = (tally.states, tally.steps, tally.cut)
    return (*spent, statistics.median(seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(
        f"allowances: {labels.ASSESSMENT_STATES:,} states, {labels.ASSESSMENT_STEPS:,} steps per assessment; "
        f"{labels.JUDGEMENT_STATES:,} states, {labels.JUDGEMENT_STEPS:,} steps per judgement"
    )
    print(f"{'kind':8} {'policy':8} {'silence':28} {'states':>7} {'steps':>8} {'cut':>4} {'median s':>9}")
    for kind, cases in (("ordinary", ORDINARY), ("hostile", HOSTILE)):
        for case in cases:
            policy = POLICIES[case[0]]
            states, steps, cut, seconds = run(lambda p=policy: source.load(p).rules, case, runs)
            said = "yes" if cut else "no"
            print(f"{kind:8} {case[0]:8} {case[1]:28} {states:7,} {steps:8,} {said:>4} {seconds:9.3f}")


if __name__ == "__main__":
    main()

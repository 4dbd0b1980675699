"""pagerduty-length: the escalation policies compiled from a ladder fit in PagerDuty's 1,000
characters. The compiler names each one after the ladder and the severities it serves
(``Main (P1, P2)``) and describes it with the ladder's description and every level's name and
time (``Main path. P1, P2: Primary at 0 min, Secondary at 15 min.``), so a ladder may be too long
for PagerDuty even when each of its fields is not. Counted with every severity the ladder times,
the most a compiled policy can serve.

Every other text that reaches PagerDuty is held to its length by the model."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta

from oncall_policy.checks.rule_context import Context
from oncall_policy.model import EscalationPolicy
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("pagerduty-length", CHECK, __doc__)
LIMIT = 1000


def check(context: Context) -> Iterator[Finding]:
    for index, ladder in enumerate(context.policy.escalation_policies):
        here = ("escalation_policies", index)
        shown = ", ".join(sorted(ladder.timing))
        name = len(ladder.name) + len(shown) + len(" ()")
        if name > LIMIT:
            yield Finding((*here, "name"), _message("name", name, "the name or severity ids"), RULE.id)
        longest = max(_description(ladder, shown, steps) for steps in ladder.timing.values())
        if longest > LIMIT:
            where = "description" if ladder.description is not None else "levels"
            what = "the description or level names"
            yield Finding((*here, where), _message("description", longest, what), RULE.id)


def _description(ladder: EscalationPolicy, shown: str, steps: tuple[timedelta, ...]) -> int:
    """The length of ``compile/pd/build``'s description of the ladder timed by ``steps``."""
    levels = ", ".join(
        f"{level.name} at {math.ceil(at / timedelta(minutes=1))} min"
        for level, at in zip(ladder.levels, steps, strict=False)
    )
    return len(f"{ladder.description or ladder.name}. {shown}: {levels}.")


def _message(what: str, length: int, shorten: str) -> str:
    return (
        f"the PagerDuty escalation policy compiled from this ladder would have a {what} of "
        f"{length:,} characters; PagerDuty takes at most {LIMIT:,}: shorten {shorten}"
    )

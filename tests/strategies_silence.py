"""Hypothesis strategies for silences, drawn from a policy's own catalog and roster.

Biased towards silences a policy could accept — matchers on catalog labels and values, short
durations, valid reasons, approvers from the roster — so that properties about accepted silences
are exercised and not vacuously true. Every strategy takes the compiled ``Rules`` of a policy.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from oncall_policy.matchers import Matcher, Op
from oncall_policy.silence.request import SilenceRequest
from oncall_policy.silence.rules import Rules

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXTRA_LABELS = ("service", "env", "instance")
EXTRA_VALUES = ("api", "web", "database", "prod", "", "x")


def label_values(rules: Rules) -> dict[str, list[str]]:
    """Every label a catalog alert pins, with the values it takes, plus a few it does not pin."""
    values: dict[str, set[str]] = {name: set(EXTRA_VALUES) for name in EXTRA_LABELS}
    for alert in rules.alerts:
        for name, value in alert.pinned.items():
            values.setdefault(name, set()).add(value)
    return {name: sorted(found) for name, found in sorted(values.items())}


@st.composite
def matchers(draw: st.DrawFn, rules: Rules) -> Matcher:
    """One matcher: mostly equality on a catalog value, sometimes a regex alternation or negation."""
    values = label_values(rules)
    name = draw(st.sampled_from(sorted(values)))
    value = draw(st.sampled_from(values[name]))
    op = draw(st.sampled_from([Op.EQUAL, Op.EQUAL, Op.EQUAL, Op.REGEX, Op.NOT_EQUAL, Op.NOT_REGEX]))
    if op.is_regex:
        other = draw(st.sampled_from(values[name]))
        value = draw(st.sampled_from([f"{value}|{other}", f"{value[:3]}.*", value]))
    return Matcher(name, op, value)


def targeted(rules: Rules) -> st.SearchStrategy[Matcher]:
    """An equality matcher naming one catalog alert."""
    return st.sampled_from([Matcher("alertname", Op.EQUAL, a.name) for a in rules.alerts])


def comments(rules: Rules) -> st.SearchStrategy[str]:
    """Mostly a valid reason (maintenance among them), sometimes an invalid one or nothing."""
    valid = st.sampled_from([r.description for r in rules.valid])
    return st.one_of(valid, valid, valid, st.sampled_from([r.description for r in rules.invalid] + [""]))


@st.composite
def approvers(draw: st.DrawFn, rules: Rules, author: str) -> tuple[str, ...]:
    """For each role, usually someone (not the author) who holds it; sometimes anyone at all."""
    chosen: list[str] = []
    for role in sorted({role for roles in rules.roles_by_email.values() for role in roles}):
        holders = sorted(e for e, roles in rules.roles_by_email.items() if role in roles and e != author)
        if holders and draw(st.integers(0, 4)):
            chosen.append(draw(st.sampled_from(holders)))
    if draw(st.booleans()):
        chosen.append(draw(st.sampled_from(sorted(rules.roles_by_email))))
    return tuple(dict.fromkeys(chosen))


@st.composite
def silences(draw: st.DrawFn, rules: Rules) -> SilenceRequest:
    """A silence: a targeted matcher plus up to two more, 1 s – 3 d long (mostly under an hour),
    an author from the roster and, usually, approvers for every role."""
    found = [draw(targeted(rules)), *draw(st.lists(matchers(rules), max_size=2))]
    seconds = draw(st.one_of(st.integers(1, 1800), st.integers(1, 4 * 3600), st.integers(1, 3 * 86_400)))
    author = draw(st.sampled_from(sorted(rules.roles_by_email)))
    return SilenceRequest(
        matchers=tuple(found),
        starts_at=START,
        ends_at=START + timedelta(seconds=seconds),
        author=author,
        comment=draw(comments(rules)),
        approvers=draw(approvers(rules, author)),
    )

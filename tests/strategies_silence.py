"""Hypothesis strategies for silences, drawn from a policy's own catalog and roster.

Biased towards silences a policy could accept — matchers on catalog labels and values, short
durations, valid reasons, approvers from the roster, sometimes a declared maintenance window —
so that properties about accepted silences are exercised and not vacuously true. Every strategy
takes the compiled ``Rules`` of a policy.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from oncall_policy.matchers import Matcher, Op
from oncall_policy.silence.evaluate import Silence
from oncall_policy.silence.request import SilenceRequest
from oncall_policy.silence.rules import Rules

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXTRA_LABELS = ("service", "env", "instance")
EXTRA_VALUES = ("api", "web", "database", "prod", "", "x")


def label_values(rules: Rules) -> dict[str, list[str]]:
    """Every label a catalog alert pins or carries, with the values it takes, plus a few it does not."""
    values: dict[str, set[str]] = {name: set(EXTRA_VALUES) for name in EXTRA_LABELS}
    for alert in rules.alerts:
        for name, value in alert.pinned.items():
            values.setdefault(name, set()).add(value)
        for name, allowed in alert.carried.items():
            values.setdefault(name, set()).update(allowed or ("api",))
    return {name: sorted(found) for name, found in sorted(values.items())}


def emails(rules: Rules) -> list[str]:
    return sorted(person.email for person in rules.roster.people)


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
    """Mostly a valid reason, sometimes an invalid one or nothing."""
    valid = st.sampled_from([r.description for r in rules.valid])
    invalid = st.sampled_from([r.description for r in rules.invalid] + [""])
    return st.one_of(valid, valid, valid, valid, valid, valid, invalid)


@st.composite
def approvers(draw: st.DrawFn, rules: Rules, author: str, *, likely: bool = False) -> tuple[str, ...]:
    """For each role, usually (``likely``: always) someone who holds it and is not the author;
    sometimes (never when ``likely``) anyone at all."""
    chosen: list[str] = []
    for role in sorted({role for person in rules.roster.people for role in person.roles}):
        holders = sorted(p.email for p in rules.roster.holders(role) if p.email != author)
        if holders and (likely or draw(st.integers(0, 4))):
            chosen.append(draw(st.sampled_from(holders)))
    if not likely and not draw(st.integers(0, 5)):
        chosen.append(draw(st.sampled_from(emails(rules))))
    return tuple(dict.fromkeys(chosen))


@st.composite
def fitting(draw: st.DrawFn, rules: Rules, alert_name: str) -> Matcher:
    """A matcher the named catalog alert satisfies: one of its own label values, or a value of a
    label it carries."""
    alert = next(a for a in rules.alerts if a.name == alert_name)
    choices = [(name, value) for name, value in alert.pinned.items()]
    choices += [(name, value) for name, values in alert.carried.items() for value in values or ("api", "web")]
    name, value = draw(st.sampled_from(choices))
    return Matcher(name, draw(st.sampled_from([Op.EQUAL, Op.REGEX])), value)


@st.composite
def silences(
    draw: st.DrawFn, rules: Rules, start: datetime = START, *, likely: bool = False
) -> SilenceRequest:
    """A silence: a targeted matcher plus up to two more (mostly ones the target satisfies),
    1 s – 3 d long (mostly under an hour), an author from the roster, usually approvers for
    every role and, sometimes, a declared maintenance window named (and then usually placed
    inside it). ``likely``: a valid reason and approvers for every role, always."""
    target = draw(targeted(rules))
    more = st.one_of(fitting(rules, target.value), fitting(rules, target.value), matchers(rules))
    found = [target, *draw(st.lists(more, max_size=2))]
    seconds = draw(
        st.one_of(
            st.integers(1, 1800), st.integers(1, 1800), st.integers(1, 4 * 3600), st.integers(1, 3 * 86_400)
        )
    )
    author = draw(st.sampled_from(emails(rules)))
    window = _window(draw, rules)
    if window is not None and window.start is not None and draw(st.integers(0, 3)):
        start = window.start
    return SilenceRequest(
        matchers=tuple(found),
        starts_at=start,
        ends_at=start + timedelta(seconds=seconds),
        author=author,
        comment=draw(st.sampled_from([r.description for r in rules.valid]) if likely else comments(rules)),
        approvers=draw(approvers(rules, author, likely=likely)),
        window=window.id if window is not None else None,
    )


def _window(draw: st.DrawFn, rules: Rules):
    windows = rules.maintenance.windows if rules.maintenance else ()
    if not windows or draw(st.integers(0, 3)) != 0:
        return None
    return draw(st.sampled_from(windows))


@st.composite
def histories(draw: st.DrawFn, rules: Rules, start: datetime = START) -> list[Silence]:
    """Up to five earlier silences around ``start`` (some expired, some pending), as listed."""
    found = []
    for number in range(draw(st.integers(0, 5))):
        offset = timedelta(seconds=draw(st.integers(-6 * 3600, 3600)))
        request = draw(silences(rules, start + offset, likely=True))
        state = "expired" if request.ends_at is not None and request.ends_at <= start else "active"
        found.append(Silence(f"earlier-{number}", state, request))
    return found

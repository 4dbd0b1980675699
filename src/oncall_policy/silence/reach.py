"""Reach and rule: which catalog alerts a silence may mute, and which silence rules then apply.

A matcher is evaluated against the labels a catalog alert pins (``alertname``, the severity
label, ``labels``) with Alertmanager's semantics. A label the alert does not pin — one it
``carries`` with varying values, or one the catalog does not mention — may hold anything, so a
matcher on it *may* match: the alert counts as reached. A rule applies to a reached alert when its
severities admit the alert's and each of its matchers may hold; the silence's own equality
matchers pin labels the alert leaves open (``service="api"`` rules out a rule for
``service="payments"``). An alert no rule covers, and a silence that reaches no catalog alert,
fall under ``unknown_alerts``: ``strictest`` (every rule at once) or the named rule.
"""

from __future__ import annotations

from oncall_policy import TYPE_CHECKING
from oncall_policy.matchers import Matcher, Op
from oncall_policy.silence.rules import UNKNOWN

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from oncall_policy.silence.rules import CatalogAlert, Reach, Rule, Rules

_MEMO: dict[tuple[str, str, str, str], bool] = {}
_MEMO_SIZE = 200_000


def may_match(matcher: Matcher, known: Mapping[str, str]) -> bool:
    """Whether ``matcher`` may hold for labels of which ``known`` are known (memoised: an audit
    asks the same questions of the same catalog thousands of times)."""
    value = known.get(matcher.name)
    if value is None:
        return True
    memo = (matcher.name, matcher.op.value, matcher.value, value)
    found = _MEMO.get(memo)
    if found is None:
        if len(_MEMO) > _MEMO_SIZE:
            _MEMO.clear()
        found = _MEMO[memo] = matcher.matches(value)
    return found


def reach(matchers: Sequence[Matcher], rules: Rules) -> Reach:
    """``reached`` and ``applying`` at once, worked out once per class of matcher sets that
    must give the same answer (an audit meets thousands of silences, but few such classes).

    A matcher on a label that rule matchers test counts as itself (its value may be the one they
    test); one on another label counts only by which of the values catalog alerts pin for that
    label it accepts (``service="svc1"`` and ``service="svc2"`` both refuse every pinned value);
    one on a label no alert pins and no rule tests changes nothing.
    """
    relevant = [m for m in matchers if m.name in rules.rule_labels or m.name in rules.pinned_values]
    key = tuple(_class_of(m, rules) for m in relevant)
    found = rules.reach_memo.get(key)
    if found is None:
        alerts = reached(relevant, rules)
        found = rules.reach_memo[key] = (alerts, *applying(alerts, relevant, rules))
    return found


def _class_of(matcher: Matcher, rules: Rules) -> object:
    if matcher.name in rules.rule_labels:
        return (matcher.name, matcher.op.value, matcher.value)
    return (matcher.name, tuple(matcher.matches(value) for value in rules.pinned_values[matcher.name]))


def reached(matchers: Sequence[Matcher], rules: Rules) -> tuple[CatalogAlert, ...]:
    """The catalog alerts the silence may mute."""
    return tuple(a for a in rules.alerts if all(may_match(m, a.pinned) for m in matchers))


def applying(
    alerts: Sequence[CatalogAlert], matchers: Sequence[Matcher], rules: Rules
) -> tuple[tuple[Rule, ...], bool]:
    """The rules that apply to a silence reaching ``alerts`` (policy order, each once), and
    whether the unknown-alerts rule is among the reasons."""
    found: dict[str, Rule] = {}
    unknown = not alerts
    for alert in alerts:
        covering = _rules_for(alert, matchers, rules)
        unknown = unknown or not covering
        found.update((rule.id, rule) for rule in covering)
    if unknown:
        found.update((rule.id, rule) for rule in unknown_rules(rules))
    order = {rule.id: i for i, rule in enumerate(rules.rules)}
    return tuple(sorted(found.values(), key=lambda rule: order[rule.id])), unknown


def unknown_rules(rules: Rules) -> tuple[Rule, ...]:
    if rules.unknown_alerts == "strictest":
        return rules.rules
    return (rules.rule(rules.unknown_alerts),)


def _rules_for(alert: CatalogAlert, matchers: Sequence[Matcher], rules: Rules) -> list[Rule]:
    pinned_by_silence = {m.name: m.value for m in matchers if m.op is Op.EQUAL}
    known = {**pinned_by_silence, **alert.pinned}
    severity = alert.pinned[rules.severity_label]
    return [
        rule
        for rule in rules.rules
        if (not rule.severity_values or severity in rule.severity_values)
        and all(may_match(m, known) for m in rule.matchers)
    ]


def rule_names(applied: Sequence[Rule], unknown: bool) -> tuple[str, ...]:
    return tuple(rule.id for rule in applied) + ((UNKNOWN,) if unknown else ())

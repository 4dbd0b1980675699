"""Reach: which alerts a silence may mute, and which silence rules then apply to each.

**Catalog alerts are a closed world.** A catalog alert has its pinned labels (``alertname``, the
severity label, ``labels``) with their values, the labels it ``carries`` with any value (or one
of the values listed), and no other label: a missing label is the empty string, as Alertmanager,
routing and ``oncall-policy test`` read it. The silence reaches the alert when some such label
set satisfies every matcher; the label set found is kept as a *witness* (an alert Alertmanager
would mute), so that tests can post it to a real Alertmanager.

**Unknown alerts are part of reach.** Any alert whose ``alertname`` is not a catalog name is
unknown, and its other labels may be anything. The silence reaches unknown alerts when its
matchers admit such a label set: an ``alertname`` outside the catalog, or no ``alertname``
matcher at all.

**Rules per alert.** A rule applies to a reached alert when one label set satisfies the silence
and the rule's selector at once: ``severity="info"`` never meets a rule for
``severity="critical"``, and a rule keyed on ``class="fraud"`` reaches only alerts that pin or
carry ``class``. Where no rule applies, ``unknown_alerts`` says what does: a named rule, or
(``strictest``) every rule.

Where the language engine cannot decide a question within its budget, the answer is "may":
reach over-approximates, and ``undecided`` says which questions were not decided exactly.
"""

from __future__ import annotations

from oncall_policy.matchers import Op
from oncall_policy.matching.budget import UNDECIDED
from oncall_policy.records import Record
from oncall_policy.silence import labels
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from oncall_policy.matchers import Matcher
    from oncall_policy.silence.rules import CatalogAlert, Rule, Rules

    Groups = Mapping[str, tuple[Matcher, ...]]
    Solver = Callable[[Groups, frozenset[str]], "Solution | None"]

UNKNOWN_ALERTS = "unknown alerts"  # the name of the bucket of every alert outside the catalog


class Solution(Record):
    """A label set that satisfies the constraints (``exact``: decided exactly, not assumed)."""

    labels: dict[str, str]
    exact: bool = True


class Reach(Record):
    """The catalog alerts a silence may mute, each with a witness label set, and whether (with
    which witness) it may mute unknown alerts; ``rules`` are the rules that apply to each
    reached alert (``UNKNOWN_ALERTS`` for the unknown bucket), in policy order."""

    alerts: tuple[CatalogAlert, ...]
    witnesses: tuple[dict[str, str], ...]
    unknown: Solution | None
    rules: Mapping[str, tuple[Rule, ...]]
    uncovered: tuple[str, ...]  # reached alerts no rule covers (judged by unknown_alerts)
    undecided: tuple[str, ...]
    key: tuple[object, ...] = ()  # the class of matcher sets it was worked out for
    assumed: tuple[str, ...] = ()  # reached only if they carry a label the catalog denies them

    @property
    def names(self) -> tuple[str, ...]:
        """Every reached alert's name, the unknown bucket last."""
        return tuple(a.name for a in self.alerts) + ((UNKNOWN_ALERTS,) if self.unknown else ())

    @property
    def nothing(self) -> bool:
        return not self.alerts and self.unknown is None


def group(matchers: Iterable[Matcher]) -> dict[str, tuple[Matcher, ...]]:
    """Matchers by the label they test."""
    found: dict[str, tuple[Matcher, ...]] = {}
    for matcher in matchers:
        found[matcher.name] = (*found.get(matcher.name, ()), matcher)
    return found


def key(matchers: Iterable[Matcher]) -> frozenset[tuple[str, str, str]]:
    """A matcher set's identity, whatever the order its matchers came in."""
    return frozenset((m.name, m.op.value, m.value) for m in matchers)


def reach(matchers: Sequence[Matcher], rules: Rules) -> Reach:
    """What ``matchers`` reach under ``rules``, worked out once per class of matcher sets that
    must reach the same (an audit meets thousands of silences, few such classes). Its witnesses
    are those of the first matcher set of the class: see ``examples``."""
    groups = group(matchers)
    class_key = _class_key(groups, rules)
    return labels.remembered(
        rules, ("reach", class_key), lambda: _reach(groups, rules).replace(key=class_key)
    )


def varying(alert: CatalogAlert | None, groups: Groups) -> dict[str, tuple[str, ...] | None]:
    """The labels whose value varies for an alert (the unknown bucket, None: every label),
    as the silence may see them: its carried ones, and any other the silence names unpinned."""
    if alert is None:
        return dict.fromkeys(groups)
    return {**dict.fromkeys(n for n in groups if n not in alert.pinned), **alert.carried}


def examples(
    matchers: Sequence[Matcher], found: Reach, rules: Rules
) -> tuple[tuple[dict[str, str], ...], Solution | None]:
    """The witnesses of ``matchers`` themselves: each reached catalog alert's, and an unknown one."""
    groups = group(matchers)
    witnesses = tuple(
        (catalog_solution(alert, groups, rules) or Solution({})).labels for alert in found.alerts
    )
    return witnesses, unknown_solution(groups, rules) if found.unknown is not None else None


def _class_key(groups: Groups, rules: Rules) -> tuple[object, ...]:
    """Matcher sets with the same key reach the same alerts under the same rules: a label's lone
    equality matcher counts by how its value answers every question reach asks of it (is it a
    value an alert pins or a domain lists, does a rule's or window's matcher on the label accept
    it, is it a catalog name, is it empty); anything else counts as itself."""
    parts: list[object] = []
    for name in sorted(groups):
        matchers = groups[name]
        if len(matchers) == 1 and matchers[0].op is Op.EQUAL:
            parts.append((name, "=", _signature(name, matchers[0].value, rules)))
        else:
            parts.append((name, tuple(sorted((m.op.value, m.value) for m in matchers))))
    return tuple(parts)


def _signature(name: str, value: str, rules: Rules) -> tuple[object, ...]:
    memo = ("signature", name, value)
    found = rules.remembered(memo)
    if found is None:
        values, testers = _questions(name, rules)
        # Which of ``values`` it equals, as the value itself (None: none of them): the same
        # classes as a flag per value, but a key of constant size, where a flag per value made
        # every memo key holding it cost a hash over 10,000 of them (a catalog's alert names).
        equal = value if value in values else None
        found = rules.remember(memo, (value == "", equal, tuple(t.matches(value) for t in testers)))
    return found  # type: ignore[return-value]


def _questions(name: str, rules: Rules) -> tuple[frozenset[str], tuple[Matcher, ...]]:
    """The values reach compares a label's value with, and the matchers it tries it on."""
    memo = ("questions", name)
    found = rules.remembered(memo)
    if found is None:
        values = {a.pinned[name] for a in rules.alerts if name in a.pinned}
        values |= {v for a in rules.alerts for v in (a.carried.get(name) or ())}
        if name == rules.severity_label:
            values |= {v for rule in rules.rules for v in rule.selector.severity_values}
        selectors = [rule.selector for rule in rules.rules]
        selectors += [w.scope for w in rules.maintenance.windows] if rules.maintenance else []
        testers = tuple(m for selector in selectors for m in selector.matchers if m.name == name)
        found = rules.remember(memo, (frozenset(values), testers))
    return found  # type: ignore[return-value]


def _reach(groups: Groups, rules: Rules) -> Reach:
    found = _reach_among(rules.alerts, groups, rules)
    if not found.nothing:
        return found
    # Nothing in the closed world: a label the catalog does not give an alert may still be on it
    # (an exporter's `instance`). Judge the silence as if it were: stricter than muting nothing.
    opened = tuple(_opened(alert, groups) for alert in rules.alerts)
    found = _reach_among(opened, groups, rules)
    return found.replace(assumed=tuple(a.name for a in found.alerts))


def _opened(alert: CatalogAlert, groups: Groups) -> CatalogAlert:
    """``alert`` carrying, with any value, every label of ``groups`` it neither pins nor carries."""
    extra = {name: None for name in groups if name not in alert.pinned and name not in alert.carried}
    return alert.replace(carried={**alert.carried, **extra}) if extra else alert


def _reach_among(catalog: tuple[CatalogAlert, ...], groups: Groups, rules: Rules) -> Reach:
    alerts, witnesses, undecided = [], [], []
    applying: dict[str, tuple[Rule, ...]] = {}
    uncovered = []
    for alert in catalog:
        solution = catalog_solution(alert, groups, rules)
        if solution is None:
            continue
        alerts.append(alert)
        witnesses.append(solution.labels)
        applying[alert.name], exact = _rules_for(_catalog_solver(alert, rules), groups, rules)
        if not solution.exact or not exact:
            undecided.append(alert.name)
    unknown = unknown_solution(groups, rules)
    if unknown is not None:
        applying[UNKNOWN_ALERTS], exact = _rules_for(
            lambda g, s: unknown_solution(g, rules, s), groups, rules, unknown=True
        )
        if not unknown.exact or not exact:
            undecided.append(UNKNOWN_ALERTS)
    for name, found in list(applying.items()):
        if not found:
            uncovered.append(name)
            applying[name] = _fallback(rules)
    return Reach(tuple(alerts), tuple(witnesses), unknown, applying, tuple(uncovered), tuple(undecided))


def _catalog_solver(alert: CatalogAlert, rules: Rules) -> Solver:
    return lambda groups, severities: catalog_solution(alert, groups, rules, severities)


def _rules_for(
    solve: Solver, groups: Groups, rules: Rules, *, unknown: bool = False
) -> tuple[tuple[Rule, ...], bool]:
    """The rules one reached alert (or the unknown bucket) falls under jointly with the silence."""
    found, exact = [], True
    for rule in rules.rules:
        solution = solve(_merge(groups, rule.selector.matchers), rule.selector.severity_values)
        if solution is not None:
            found.append(rule)
            exact = exact and solution.exact
    if unknown and found and rules.unknown_alerts != "strictest":
        return (rules.rule(rules.unknown_alerts),), exact
    return tuple(found), exact


def _fallback(rules: Rules) -> tuple[Rule, ...]:
    """What judges an alert no rule covers: the named unknown-alerts rule, or every rule."""
    if rules.unknown_alerts == "strictest":
        return rules.rules
    return (rules.rule(rules.unknown_alerts),)


def _merge(groups: Groups, more: Sequence[Matcher]) -> Groups:
    if not more:
        return groups
    merged = dict(groups)
    for matcher in more:
        merged[matcher.name] = (*merged.get(matcher.name, ()), matcher)
    return merged


def catalog_solution(
    alert: CatalogAlert, groups: Groups, rules: Rules, severities: frozenset[str] = frozenset()
) -> Solution | None:
    """A label set of ``alert`` (closed world) that satisfies ``groups`` and, when given, has a
    severity label value among ``severities``; None if there is none."""
    if severities and alert.pinned.get(rules.severity_label) not in severities:
        return None
    found = dict(alert.pinned)
    exact = True
    for name, values in alert.carried.items():
        value = labels.witness(groups.get(name, ()), values) if name in groups else _any_of(values)
        if value is None:
            return None
        if value is UNDECIDED:
            exact = False
        else:
            found[name] = value
    for name, matchers in groups.items():
        if name not in alert.carried and not labels.admits(matchers, alert.pinned.get(name, "")):
            return None
    return Solution(found, exact)


def unknown_solution(
    groups: Groups, rules: Rules, severities: frozenset[str] = frozenset()
) -> Solution | None:
    """A label set of an alert outside the catalog that satisfies ``groups`` (and ``severities``)."""
    found: dict[str, str] = {}
    exact = True
    names = groups.get("alertname", ())
    checks: list[tuple[str, str | object | None]] = [
        ("alertname", labels.witness(names, excluded=catalog_names(rules)))
    ]
    for name, matchers in groups.items():
        if name != "alertname":
            allowed = severities if name == rules.severity_label and severities else None
            checks.append((name, labels.witness(matchers, allowed)))
    if severities and rules.severity_label not in groups:
        checks.append((rules.severity_label, min(severities)))
    for name, value in checks:
        if value is None:
            return None
        if value is UNDECIDED:
            exact = False
        elif value:
            found[name] = value  # type: ignore[assignment]
    return Solution(found, exact)


def catalog_names(rules: Rules) -> labels.Excluded:
    """Every catalog alert's name, as values an unknown alert's name is not (built once)."""
    found = rules.remembered("catalog names")
    if found is None:
        found = rules.remember("catalog names", labels.Excluded(a.name for a in rules.alerts))
    return found  # type: ignore[return-value]


def _any_of(values: tuple[str, ...] | None) -> str:
    return values[0] if values else "any"

"""Prometheus alerting-rule files checked against the policy's alert catalog.

Its rules are declared below, each with its documentation. Rule files are read with the policy's
position-keeping reader, so every problem has a line and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from oncall_policy.load import positional, reading
from oncall_policy.meaning import facts
from oncall_policy.model import Alert, Policy
from oncall_policy.problems import Location, Problem
from oncall_policy.regular_files import read_regular
from oncall_policy.rulebook import RULE_FILE, Rule

RUNBOOK = "runbook_url"

SHAPE = Rule("rule-file", RULE_FILE, "a rule file is ``groups: [{name, rules: [...]}]``.")
ALERT_NOT_IN_CATALOG = Rule(
    "alert-not-in-catalog",
    RULE_FILE,
    "every alerting rule fires an alert of the catalog. Otherwise nobody has said what the alert "
    "means, who it pages or how long it may be silenced.",
)
ALERT_WITHOUT_RULE = Rule(
    "alert-without-rule",
    RULE_FILE,
    "every catalog alert is defined by a rule in the files checked. It is reported once, at the "
    "alert in the policy file, and not when only some rule files are checked (``partial``).",
)
SEVERITY_MISMATCH = Rule(
    "severity-mismatch", RULE_FILE, "a rule's severity label is the catalog's for its alert."
)
LABEL_MISMATCH = Rule(
    "label-mismatch", RULE_FILE, "a rule gives each label the catalog pins on its alert, with that value."
)
RUNBOOK_MISMATCH = Rule(
    "runbook-mismatch",
    RULE_FILE,
    "a rule's ``runbook_url`` annotation is the catalog's runbook for its alert. It is resolved "
    "against ``organisation.runbook_base_url``.",
)
ANNOTATION_MISMATCH = Rule(
    "annotation-mismatch",
    RULE_FILE,
    "a rule's ``meaning``, ``response`` and ``dashboard_url`` annotations are its alert's. "
    "They are the catalog's meaning, response and dashboard. Notifications read them from the "
    "alert, so that the generated templates hold nothing per alert and cost the same at any "
    "catalog size: without them a page says neither what the alert means nor what to do first. "
    "Compared with runs of white space as one space.",
)


@dataclass(frozen=True)
class Catalog:
    """The policy, with where each of its alerts stands in the policy file."""

    policy: Policy
    document: positional.Document

    @classmethod
    def of(cls, policy: Policy, text: str, path: str) -> Catalog:
        return cls(policy, positional.read(text, path))

    @cached_property
    def alerts(self) -> dict[str, tuple[int, Alert]]:
        return {alert.name: (i, alert) for i, alert in enumerate(self.policy.alerts)}


def check(catalog: Catalog, paths: Iterable[str], *, partial: bool = False) -> list[Problem]:
    """Every problem in every rule file, file by file, then every catalog alert none of them defines."""
    problems: list[Problem] = []
    defined: set[str] = set()
    for path in paths:
        document = read(path)
        for location, rule in _alert_rules(document):
            defined.add(rule["alert"])
            _check_rule(catalog, document, location, rule)
        problems += sorted(document.problems)
    if not partial:
        problems += _without_rule(catalog, defined)
    return problems


def read(path: str) -> positional.Document:
    """A rule file as data with positions; what stops it being read is its one problem."""
    try:
        raw = read_regular(path, reading.MAX_BYTES + 1)  # one byte more: the reader names the size
    except OSError as error:
        unreadable = Problem(path, 1, 1, "", f"cannot read file: {error.strerror}", reading.UNREADABLE.id)
        return positional.Document(path, problems=[unreadable])
    if not raw.strip():
        return positional.Document(path)  # an empty rule file defines no rules, as for Prometheus
    text = reading.decode(raw, path)
    if isinstance(text, Problem):
        return positional.Document(path, problems=[text])
    return positional.read(text, path)


def _alert_rules(document: positional.Document) -> Iterator[tuple[Location, dict[str, Any]]]:
    """The alerting rules of a file (recording rules are skipped); shape problems are recorded."""
    data = document.data
    if data is None:
        return
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        document.problem((), "a rule file is a mapping with a 'groups' list", SHAPE.id)
        return
    for g, group in enumerate(data["groups"]):
        if not isinstance(group, dict) or not isinstance(group.get("rules"), list):
            document.problem(("groups", g), "a rule group is a mapping with a 'rules' list", SHAPE.id)
            continue
        for r, rule in enumerate(group["rules"]):
            location: Location = ("groups", g, "rules", r)
            if isinstance(rule, dict) and isinstance(rule.get("alert"), str):
                yield location, rule
            elif not isinstance(rule, dict) or "record" not in rule:
                document.problem(location, "a rule is a mapping with 'alert' or 'record'", SHAPE.id)


def _check_rule(
    catalog: Catalog, document: positional.Document, location: Location, rule: dict[str, Any]
) -> None:
    name = rule["alert"]
    known = catalog.alerts.get(name)
    if known is None:
        document.problem(
            (*location, "alert"),
            f"{name} is not in the alert catalog of {catalog.document.path}; "
            "add it there (meaning, response, runbook) or rename the rule",
            ALERT_NOT_IN_CATALOG.id,
        )
        return
    alert = known[1]
    _labels(catalog.policy, document, location, rule, alert)
    _runbook(catalog.policy, document, location, rule, alert)
    _annotations(catalog.policy, document, location, rule, alert)


def _labels(
    policy: Policy, document: positional.Document, location: Location, rule: dict[str, Any], alert: Alert
) -> None:
    labels = _mapping(rule, "labels")
    severity = next(s for s in policy.severities if s.id == alert.severity)
    severity_label = policy.organisation.severity_label
    wanted = {severity_label: severity.label_value, **alert.labels}
    for label, value in wanted.items():
        rule_id = (SEVERITY_MISMATCH if label == severity_label else LABEL_MISMATCH).id
        catalog_says = f"the catalog gives {alert.name} {label}={value!r}"
        if label not in labels:
            document.problem((*location, "labels"), f"no {label!r} label; {catalog_says}", rule_id)
        elif str(labels[label]) != value:
            document.problem(
                (*location, "labels", label), f"{label}={labels[label]!r}, but {catalog_says}", rule_id
            )


def _runbook(
    policy: Policy, document: positional.Document, location: Location, rule: dict[str, Any], alert: Alert
) -> None:
    annotations = _mapping(rule, "annotations")
    wanted = facts.runbook_url(policy, alert)
    if RUNBOOK not in annotations:
        document.problem(
            (*location, "annotations"),
            f"no {RUNBOOK!r} annotation; the catalog's runbook for {alert.name} is {wanted}",
            RUNBOOK_MISMATCH.id,
        )
    elif annotations[RUNBOOK] != wanted:
        document.problem(
            (*location, "annotations", RUNBOOK),
            f"{RUNBOOK} is {annotations[RUNBOOK]!r}, but the catalog's runbook for {alert.name} is {wanted}",
            RUNBOOK_MISMATCH.id,
        )


def rule_annotations(policy: Policy) -> dict[str, dict[str, str]]:
    """Every catalog alert's name → the annotations its rule carries, ``runbook_url`` first."""
    return {
        alert.name: {RUNBOOK: facts.runbook_url(policy, alert), **catalog_annotations(policy, alert)}
        for alert in policy.alerts
    }


def catalog_annotations(policy: Policy, alert: Alert) -> dict[str, str]:
    """The annotations, besides ``runbook_url``, a rule for ``alert`` carries."""
    wanted = {"meaning": alert.meaning, "response": alert.response}
    if alert.dashboard is not None:
        wanted["dashboard_url"] = facts.resolve(policy.organisation.dashboard_base_url, alert.dashboard)
    return wanted


def _annotations(
    policy: Policy, document: positional.Document, location: Location, rule: dict[str, Any], alert: Alert
) -> None:
    annotations = _mapping(rule, "annotations")
    for name, wanted in catalog_annotations(policy, alert).items():
        if name not in annotations:
            document.problem(
                (*location, "annotations"),
                f"no {name!r} annotation; the catalog's {name} for {alert.name} is {wanted!r}",
                ANNOTATION_MISMATCH.id,
            )
        elif _spaced(annotations[name]) != _spaced(wanted):
            document.problem(
                (*location, "annotations", name),
                f"{name} is {annotations[name]!r}, but the catalog's for {alert.name} is {wanted!r}",
                ANNOTATION_MISMATCH.id,
            )


def _spaced(text: object) -> str:
    return " ".join(str(text).split())


def _mapping(rule: dict[str, Any], key: str) -> dict[str, Any]:
    value = rule.get(key)
    return value if isinstance(value, dict) else {}


def _without_rule(catalog: Catalog, defined: set[str]) -> list[Problem]:
    document = positional.Document(catalog.document.path, values=catalog.document.values)
    for name, (i, _) in catalog.alerts.items():
        if name not in defined:
            document.problem(
                ("alerts", i, "name"),
                f"{name} has no alerting rule in the files checked; write one, or remove it from the catalog",
                ALERT_WITHOUT_RULE.id,
            )
    return document.problems

"""The routing traps ``check`` catches (issue 14), each reported exactly, and each silenced only by
an ``acknowledged`` at the place it is reported."""

from __future__ import annotations

import pytest

from oncall_policy.checks.checked import load_policy_text
from oncall_policy.errors import PolicyError
from tests.test_load_errors import edited

P1_MUTES_P3 = (
    "    - {name: p1-mutes-p3, source: {severities: [P1]}, target: {severities: [P3]}, equal: [service]"
)
INHIBITION = (
    "  unmatched:\n    notify: [ops]\n",
    f"  unmatched:\n    notify: [ops]\n  inhibitions:\n{P1_MUTES_P3}}}\n",
)
INHIBITION_ACKNOWLEDGED = (
    INHIBITION[0],
    f"{INHIBITION[0]}  inhibitions:\n{P1_MUTES_P3},\n       acknowledged: [inhibition-equal-absent]}}\n",
)
FIREHOSE = "    - {name: firehose, matchers: ['alertname=~\".+\"'], notify: [ops], continue: true"
FIRST_ROUTE = "  routes:\n    - {name: critical"
CASES = [
    pytest.param(
        [INHIBITION],
        [
            (
                "p.yaml:74:91: [error] routing.inhibitions[0].equal[0]: DiskFilling neither pins nor carries "
                "'service', and Alertmanager reads a missing label as equal: one such alert mutes the others "
                "whatever their service. Narrow the source or target to alerts that have it ('service!=\"\"'), "
                "or acknowledge it (acknowledged: [inhibition-equal-absent]) (inhibition-equal-absent)"
            )
        ],
        id="equal-label-absent",
    ),
    pytest.param(
        [(FIRST_ROUTE, f"  routes:\n{FIREHOSE}}}\n    - {{name: critical")],
        [
            (
                "p.yaml:69:7: [error] routing.routes[0]: route firehose claims every alert, so routing.unmatched "
                "is never used: an alert the catalog does not know gets only what the routes that match it give. "
                "Add a catch-all route after it for such alerts, or acknowledge it "
                "(acknowledged: [unmatched-unreachable]) (unmatched-unreachable)"
            )
        ],
        id="unmatched-unreachable",
    ),
    pytest.param(
        [
            (
                "    - {name: critical, severities: [P1], page:",
                '    - {name: critical, severities: [P1], matchers: [alertname="ServiceDown"], page:',
            )
        ],
        [
            (
                "p.yaml:72:5: [error] routing.unmatched: an alert the catalog does not know with "
                "severity='critical' (P1, which pages for every catalog alert) pages nobody: no route takes it "
                "and routing.unmatched does not page. Page from there, or acknowledge it "
                "(acknowledged: [unknown-unpaged]) (unknown-unpaged)"
            )
        ],
        id="unknown-unpaged",
    ),
    pytest.param(
        [
            (
                "    - {name: critical, severities: [P1], page: pager, notify: [ops]}\n",
                (
                    "    - {name: critical, matchers: ['team=\"web\"'], page: pager, notify: [ops]}\n"
                    "    - {name: p1, severities: [P1], page: pager, notify: [ops]}\n"
                ),
            )
        ],
        [
            (
                "p.yaml:52:49: [error] paging_services[0].escalation_policy: any alert of route critical (P3) "
                "pages Pager, but 'main' has no timing for P3 (paging-timing)"
            )
        ],
        id="route-admits-a-severity-no-catalog-alert-has",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_trap_is_reported_exactly(edits, expected):
    with pytest.raises(PolicyError) as raised:
        load_policy_text(edited(edits), "p.yaml")
    assert [str(problem) for problem in raised.value.problems] == expected


@pytest.mark.parametrize(
    ("edits", "acknowledging"),
    [
        ([INHIBITION_ACKNOWLEDGED], lambda routing: routing.inhibitions[0]),
        (
            [
                (
                    FIRST_ROUTE,
                    f"  routes:\n{FIREHOSE}, acknowledged: [unmatched-unreachable]}}\n    - {{name: critical",
                )
            ],
            lambda routing: routing.routes[0],
        ),
    ],
    ids=["inhibition", "firehose"],
)
def test_an_acknowledged_trap_is_not_reported(edits, acknowledging):
    policy = load_policy_text(edited(edits), "p.yaml")  # raises on any problem
    assert acknowledging(policy.routing).acknowledged


def test_acknowledging_one_rule_does_not_silence_another():
    text = (FIRST_ROUTE, f"  routes:\n{FIREHOSE}, acknowledged: [unknown-unpaged]}}\n    - {{name: critical")
    with pytest.raises(PolicyError) as raised:
        load_policy_text(edited([text]), "p.yaml")
    assert [problem.rule for problem in raised.value.problems] == ["unmatched-unreachable"]

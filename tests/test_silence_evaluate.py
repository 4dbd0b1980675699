"""The evaluator against the guide's silence rules, as Clipper's and Acme's policies state them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.silence import amtool, source
from oncall_policy.silence.evaluate import evaluate
from oncall_policy.silence.verdict import Verdict
from tests.conftest import ACME, CLIPPER

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
AUTHOR = "--author=engineer-a@clipper.app"
MANAGER = "manager-x@clipper.app"
SECURITY = "security@clipper.app"


def judge(policy, *argv: str, approvers: tuple[str, ...] = ()) -> Verdict:
    return evaluate(amtool.parse(argv, NOW, approvers), source.load(policy).rules)


def rules_broken(verdict: Verdict) -> list[str]:
    return sorted(v.rule for v in verdict.violations)


CLIPPER_CASES = [
    # (id, argv, approvers, broken rules)
    ("p2-within-4h", ["alertname=HighErrorRate", "-d", "4h", "-c", "deployment"], (), []),
    ("p2-over-4h", ["alertname=HighErrorRate", "-d", "4h1m", "-c", "deployment"], (), ["over-cap"]),
    ("p1-needs-manager", ["alertname=ServiceDown", "-d", "30m", "-c", "INC-7"], (), ["missing-approval"]),
    ("p1-with-manager", ["alertname=ServiceDown", "-d", "1h", "-c", "INC-7"], (MANAGER,), []),
    ("p1-over-1h", ["alertname=ServiceDown", "-d", "2h", "-c", "INC-7"], (MANAGER,), ["over-cap"]),
    (
        "p1-engineer-is-no-manager",
        ["alertname=ServiceDown", "-d", "1h", "-c", "INC-7"],
        ("engineer-b@clipper.app",),
        ["missing-approval"],
    ),
    (
        "security-needs-both",
        ["alertname=SQLInjectionAttempt", "-d", "30m", "-c", "known issue"],
        (MANAGER,),
        ["missing-approval"],
    ),
    (
        "security-with-both",
        ["alertname=SQLInjectionAttempt", "-d", "30m", "-c", "known issue"],
        (MANAGER, SECURITY),
        [],
    ),
    (
        "maintenance-3d-with-manager",
        ["alertname=HighMemoryUsage", "-d", "3d", "-c", "maintenance CHG-12"],
        (MANAGER,),
        [],
    ),
    (
        "maintenance-beyond-4h-needs-manager",
        ["alertname=ServiceDown", "-d", "5h", "-c", "maintenance CHG-12"],
        (),
        ["missing-approval"],
    ),
    ("maintenance-under-4h", ["alertname=ServiceDown", "-d", "4h", "-c", "CHG-12 window"], (), []),
    (
        "maintenance-never-relaxes-security",
        ["category=security", "-d", "2h", "-c", "maintenance CHG-1"],
        (MANAGER, SECURITY),
        ["over-cap"],
    ),
    (
        "several-classes-strictest",
        ['alertname=~"HighErrorRate|ServiceDown"', "-d", "2h", "-c", "deployment"],
        (),
        ["missing-approval", "over-cap"],
    ),
    (
        "invalid-reason",
        ["alertname=HighErrorRate", "-c", "alert is annoying"],
        (),
        ["invalid-reason", "no-valid-reason"],
    ),
    ("no-comment", ["alertname=HighErrorRate"], (), ["missing-comment"]),
    ("zero-duration", ["alertname=HighErrorRate", "-d", "0s", "-c", "deployment"], (), ["zero-duration"]),
    (
        "negative-duration",
        ["alertname=HighErrorRate", "--duration=-1h", "-c", "deployment"],
        (),
        ["bad-duration"],
    ),
    (
        "end-before-start",
        [
            "alertname=HighErrorRate",
            "--start=2026-03-02T12:00:00Z",
            "--end=2026-03-02T11:00:00Z",
            "-c",
            "deployment",
        ],
        (),
        ["end-before-start"],
    ),
    ("unparsable-matcher", ["bad-label=x", "-c", "deployment"], (), ["bad-matcher"]),
    ("unparsable-quote", ['service=~"("', "-c", "deployment"], (), ["bad-matcher"]),
    (
        "match-everything-regex",
        ['alertname=~".+"', "-d", "30m", "-c", "deployment"],
        (MANAGER, SECURITY),
        ["matches-everything"],
    ),
    (
        "match-everything-empty",
        ['service=~".*"', 'env!="prod"', "-d", "30m", "-c", "deployment"],
        (MANAGER, SECURITY),
        ["matches-everything"],
    ),
    (
        "approver-is-author",
        ["alertname=ServiceDown", "-d", "1h", "-c", "INC-7"],
        ("engineer-a@clipper.app",),
        ["missing-approval", "self-approval"],
    ),
    (
        "approver-not-in-roster",
        ["alertname=ServiceDown", "-d", "1h", "-c", "INC-7"],
        (MANAGER, "mallory@evil.example"),
        ["unknown-approver"],
    ),
    (
        "unknown-alert-gets-strictest",
        ["alertname=SomethingNew", "-d", "2h", "-c", "deployment"],
        (MANAGER, SECURITY),
        ["over-cap"],
    ),
    (
        "group-syntax",
        ['{alertname="HighErrorRate",service=~"api|web"}', "-d", "1h", "-c", "deployment"],
        (),
        [],
    ),
]


@pytest.mark.parametrize(
    ("argv", "approvers", "broken"), [c[1:] for c in CLIPPER_CASES], ids=[c[0] for c in CLIPPER_CASES]
)
def test_clipper_guide(argv, approvers, broken):
    assert rules_broken(judge(CLIPPER, *argv, AUTHOR, approvers=approvers)) == broken


def test_no_author_is_refused():
    verdict = judge(CLIPPER, "alertname=HighErrorRate", "-c", "deployment")
    assert rules_broken(verdict) == ["missing-author"]


def test_verdict_names_what_it_reaches():
    verdict = judge(CLIPPER, "service=api", "-d", "30m", "-c", "deployment", AUTHOR)
    assert "DatabaseDown" not in verdict.alerts  # DatabaseDown pins service="database"
    assert "SQLInjectionAttempt" in verdict.alerts  # carries service: may match
    assert verdict.rules == ("security", "p1-critical", "p2-warning")
    assert verdict.cap == timedelta(hours=1)
    assert verdict.roles == ("manager", "security-team")


def test_unknown_alerts_named_rule_in_acme():
    verdict = judge(ACME, "alertname=Mystery", "-d", "2h", "-c", "INC-9", "--author=ana@acme.example")
    assert verdict.accepted
    assert verdict.rules == ("sev2", "unknown-alerts")


@pytest.mark.parametrize(
    ("argv", "approvers", "broken"),
    [
        (
            ["team=payments", "-d", "3h", "-c", "maintenance MNT-4"],
            ("dee@acme.example", "hal@acme.example"),
            ["over-cap"],
        ),
        (["team=payments", "-d", "2h", "-c", "maintenance MNT-4"], ("gus@acme.example",), []),
        (["team=payments", "-d", "30m", "-c", "incident INC-4"], (), ["missing-approval"]),
        (
            ["alertname=KubeAPIDown", "-d", "3h", "-c", "maintenance MNT-4"],
            ("dee@acme.example",),
            ["missing-approval"],
        ),
        (
            ["alertname=KubeAPIDown", "-d", "3h", "-c", "maintenance MNT-4"],
            ("dee@acme.example", "hal@acme.example"),
            [],
        ),
        (["alertname=KubeAPIDown", "-d", "31m", "-c", "INC-1"], ("dee@acme.example",), ["over-cap"]),
        (["alertname=CertificateExpiringSoon", "-d", "1w", "-c", "INC-1"], (), []),
        (["alertname=KubeNodeNotReady", "-c", "flapping again, INC-1"], (), ["invalid-reason"]),
    ],
    ids=[
        "payments-not-relaxed",
        "payments-2h-with-lead",
        "payments-needs-lead",
        "maintenance-lead-and-director",
        "maintenance-both-approve",
        "sev1-30m",
        "sev3-a-week",
        "acme-invalid-reason",
    ],
)
def test_acme_rules(argv, approvers, broken):
    verdict = judge(ACME, *argv, "--author=ana@acme.example", approvers=approvers)
    assert rules_broken(verdict) == broken


def test_recreation_counts_against_one_cap():
    rules = source.load(CLIPPER).rules
    request = amtool.parse(["alertname=HighErrorRate", "-d", "2h", "-c", "deployment", AUTHOR], NOW)
    before = [(NOW - timedelta(hours=3), NOW - timedelta(minutes=1))]
    assert rules_broken(evaluate(request, rules, before)) == ["over-cap-recreated"]
    long_ago = [(NOW - timedelta(hours=9), NOW - timedelta(hours=6))]
    assert evaluate(request, rules, long_ago).accepted

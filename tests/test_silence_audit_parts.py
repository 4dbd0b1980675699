"""An audit judged in parts, on forked processes, says exactly what the serial audit says."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy.cli import silence_audit
from oncall_policy.silence import api, audit, audit_parts, source
from oncall_policy.silence import comment as comments
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.verdict import Approval
from tests.conftest import CLIPPER, EXAMPLES
from tests.strategies_silence import START, silences

RULES = {name: source.load(path).rules for name, path in EXAMPLES.items()}
STATES = ("active", "pending", "expired")


@st.composite
def listings(draw: st.DrawFn, rules: Rules) -> list[dict[str, object]]:
    """Silences as an Alertmanager lists them: many on few alerts (so that they chain), some
    re-created with the same matchers, approvals recorded in the comment, every state."""
    listed: list[dict[str, object]] = []
    for number in range(draw(st.integers(0, 30))):
        offset = timedelta(minutes=draw(st.integers(-600, 120)))
        request = draw(silences(rules, START + offset, likely=draw(st.booleans())))
        if listed and draw(st.integers(0, 3)) == 0:  # re-created: an earlier one's matchers
            request = request.replace(matchers=api.from_api(draw(st.sampled_from(listed))).matchers)
        approvals = [Approval(email, ()) for email in request.approvers]
        comment = comments.record(request.comment, approvals, request.window)
        body = api.to_api(request, comment)
        listed.append({**body, "id": f"s{number}", "status": {"state": draw(st.sampled_from(STATES))}})
    return listed


def rendered(listed: list[dict[str, object]], rules: Rules, parts: int) -> tuple[str, str]:
    text = audit_parts.audit_rendered(listed, rules, silence_audit._text_row, parts)
    rows = audit_parts.audit_rendered(listed, rules, silence_audit._json_row, parts)
    return silence_audit._text(text), silence_audit._json(rows)


@settings(max_examples=25)
@given(data=st.data(), name=st.sampled_from(sorted(RULES)), parts=st.integers(2, 5))
def test_parts_say_what_the_serial_audit_says(data, name, parts):
    rules = RULES[name]
    listed = data.draw(listings(rules))
    text, rows = rendered(listed, rules, parts)
    assert (text, rows) == rendered(listed, rules, 1)
    findings = audit.audit(listed, rules)
    assert [row["id"] for row in json.loads(rows)] == [f.silence_id for f in findings]
    assert text.endswith(
        f"{len(findings)} live silences checked, {sum(not f.verdict.accepted for f in findings)} break the policy\n"
    )


def test_a_part_that_fails_is_judged_here_and_said(monkeypatch, capsys):
    """A child whose part fails makes the audit serial; the outcome is the same, and it is said."""
    rules = source.load(CLIPPER).rules
    listed = [
        {
            "matchers": [{"name": "alertname", "value": alert, "isRegex": False, "isEqual": True}],
            "startsAt": "2026-03-02T09:00:00Z",
            "endsAt": f"2026-03-02T{10 + number % 3}:00:00Z",
            "createdBy": "engineer-a@clipper.app",
            "comment": "deployment in progress" if number % 2 else "too many alerts",
            "id": f"s{number}",
            "status": {"state": "active"},
        }
        for number, alert in enumerate(["HighErrorRate", "ServiceDown", "LowDiskSpace"] * 4)
    ]
    expected = rendered(listed, rules, 1)
    parent = os.getpid()
    findings = audit.findings

    def failing_in_children(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("boom")
        return findings(*args, **kwargs)

    monkeypatch.setattr(audit, "findings", failing_in_children)
    assert rendered(listed, rules, 3) == expected
    assert "judging in parts failed (RuntimeError: boom); judging in one process" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("count", "cpus", "busy", "parts"),
    [
        (100, 8, 0, 1),
        (8000, 1, 0, 1),
        (8000, 8, 0, 2),
        (10**6, 32, 0, 8),
        (50_000, 2, 1, 1),
        (50_000, 8, 5, 3),
    ],
)
def test_parts_by_size_and_idle_cpus(monkeypatch, count, cpus, busy, parts):
    """As many parts as idle CPUs (those no other task runs on), each of at least PART_SIZE."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cpus)), raising=False)
    monkeypatch.setattr(audit_parts, "others_running", lambda: busy)
    assert audit_parts.default_parts(count) == parts


def test_others_running_are_counted_without_this_process():
    assert audit_parts.others_running() >= 0

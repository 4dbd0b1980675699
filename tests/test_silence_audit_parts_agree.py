"""Regression, found by an uninformed attack (fixed since).

The audit in parts judges with other allowances than the serial audit.

``audit_parts._Part`` gives each part ``labels.judgement(len(part))`` for both rounds, where the
serial audit (``audit_rendered`` with one part, ``audit.audit``) has one
``labels.judgement(len(listing))`` for every silence. An allowance is shared by every question of
its block, so a silence's finding depends on which other silences were judged in the same
allowance: with parts, on how ``_parts`` split the listing — by ``hash()`` of strings, which is
randomised per process (PYTHONHASHSEED) — and on whether parts are used at all (``default_parts``
reads the load average). DETERMINISTIC is broken: the same listing and policy, audited serially
and in two parts, gives silence ``e0`` over-cap-recreated in one and nothing in the other (its
regexes are disjoint from every other's: the exact answer is "accepted").
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import audit_parts, source
from tests.conftest import CLIPPER

NOW = datetime(2030, 1, 1, tzinfo=UTC)
COMMENT = "deployment in progress [approved-by: manager-x@clipper.app (manager), security@clipper.app (security-team)]"


def _item(ident: str, matchers: list[tuple[str, str, bool]], start: int, minutes: int) -> dict:
    return {
        "id": ident,
        "status": {"state": "active"},
        "matchers": [{"name": n, "value": v, "isRegex": r, "isEqual": True} for n, v, r in matchers],
        "startsAt": (NOW + timedelta(minutes=start)).isoformat(),
        "endsAt": (NOW + timedelta(minutes=start + minutes)).isoformat(),
        "createdBy": "engineer-a@clipper.app",
        "comment": COMMENT,
        "updatedAt": NOW.isoformat(),
    }


def _listing() -> list[dict]:
    listed = [
        _item(f"e{i}", [("alertname", "Zzz", False), ("job", f"[ab]{{0,9}}{c}", True)], 0, 60)
        for i, c in enumerate("cd")
    ]
    listed.append(_item("t", [("alertname", "Zzz", False), ("job", "[ab]*a[ab]{9}", True)], 60, 60))
    for value in range(100):  # one more silence, in the other part (this process's string hashes)
        extra = _item(
            "u",
            [("alertname", "Yyy", False), ("team", f"t{value}", False), ("service", "[ab]*a[ab]{20}", True)],
            600,
            30,
        )
        parts = audit_parts._parts([*listed, extra], 2)
        if any(0 in part and 3 not in part for part in parts):
            return [*listed, extra]
    pytest.skip("no value put the extra silence in another part")


def _render(finding) -> tuple:
    return finding.silence_id, tuple(v.rule for v in finding.verdict.violations)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="parts are forked processes")
def test_the_audit_in_parts_finds_what_the_serial_audit_finds():
    listed = _listing()
    clear_caches()
    serial = audit_parts.audit_rendered(listed, source.load(CLIPPER).rules, _render, parts=1)
    clear_caches()
    in_parts = audit_parts.audit_rendered(listed, source.load(CLIPPER).rules, _render, parts=2)
    assert serial == in_parts, f"serial: {serial}\nin two parts: {in_parts}"

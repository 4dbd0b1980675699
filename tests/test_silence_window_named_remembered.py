"""Regression, found by an uninformed attack (fixed since).

A silence that names a declared maintenance window is never remembered.

``evaluate._assessed_once`` remembers an assessment by its matchers only when the silence names
no window (``request.window is None and not maintenance.named(...)``); one whose comment merely
mentions a declared window's id is assessed again every time it is asked for. Two promises rest
on that memo:

- the audit: "identical ones are assessed once" (docs/silences.md §2) -- twenty identical hard
  silences whose comment names the window cost twenty allowances (~0.3 s each);
- the gate: ``HistoryCache._assessed_ahead`` pre-assesses a refresh's new silences between yields
  so that ``Index.add`` "finds each assessment remembered"; for these it does not, so
  ``_replace`` assesses them all again at once on the event loop, and /-/healthy waits.

Anyone who can write a silence (or a bypass/other gate) can put the window's id in a comment:
naming a window is free, only lying *inside* it relaxes anything.
Expected (issue 10 (d)): bounded at about a second; the loop never held long (generous 3 s)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import audit, source
from oncall_policy.silence.rules import Selector, Window
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import basic, call, gate, health_while_writing, silence

NOW = datetime.now(UTC).replace(microsecond=0)
COPIES = 20


def _rules():
    rules = source.load(CLIPPER).rules
    window = Window(
        id="CHG-7",
        description="declared by a reviewer",
        change="CHG-7",
        scope=Selector(frozenset(), ()),
        approved_by=("manager-x",),
        start=NOW - timedelta(days=1),
        end=NOW + timedelta(days=1),
        recurring=None,
    )
    assert rules.maintenance is not None
    return rules.replace(maintenance=rules.maintenance.replace(windows=(window,)))


def _hard(i: int = 0, comment: str = "deployment in progress, see CHG-7") -> dict:
    body = silence(("alertname", "HighErrorRate"), minutes=30, comment=comment)
    body["matchers"].append({"name": "service", "value": "[ab]*a[ab]{16}", "isRegex": True, "isEqual": True})
    return body


def _listed(i: int, body: dict) -> dict:
    return {**body, "id": f"hard-{i}", "status": {"state": "active"}, "updatedAt": body["startsAt"]}


def test_audit_assesses_identical_window_naming_silences_once():
    rules = _rules()
    listing = [_listed(i, _hard()) for i in range(COPIES)]
    clear_caches()
    started = time.perf_counter()
    audit.audit(listing, rules)
    took = time.perf_counter() - started
    assert took < 3.0, f"auditing {COPIES} identical silences took {took:.1f}s (assessed once each?)"


@pytest.fixture
def upstream(alertmanager_binary: str, tmp_path):
    with running(alertmanager_binary, tmp_path / "am") as server:
        yield server


def test_gate_refresh_of_window_naming_hard_silences_does_not_hold_the_loop(upstream):
    plain = silence(("alertname", "HighResponseTime"), minutes=30)
    with gate([upstream.url], rules=_rules()) as url:
        first = call(
            url,
            "POST",
            "/api/v2/silences",
            json.dumps(plain).encode(),
            basic("engineer-a@clipper.app"),
            timeout=60,
        )
        assert first.status == 200, first.body
        for i in range(COPIES):  # distinct regexes, as another gate instance (or a bypass) writes them
            body = _hard()
            body["matchers"][-1]["value"] = f"[ab]*a[ab]{{{12 + i}}}"
            assert upstream.post(body)
        time.sleep(1.5)  # older than history_max_age (1 s): the next write refreshes
        other = silence(("alertname", "LowDiskSpace"), minutes=30)
        worst, _ = health_while_writing(url, other)
    assert worst < 3.0, f"/-/healthy took {worst:.1f}s while the gate took in {COPIES} listed silences"

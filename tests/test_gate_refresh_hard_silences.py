"""Regression, found by an uninformed attack (fixed since).

Hard-regex silences that reach the gate's history cache by a refresh (written by
another gate instance in front of the same Alertmanager, or by anyone who can reach it) are each
assessed with an allowance of their own (``history_cache.Index.add`` -> ``assess`` outside any
``labels.judgement`` of the write), synchronously on the event loop. N such silences hold the
loop for N times the per-judgement allowance (~0.3 s each): the allowance bounds one judgement,
not a refresh. Expected: /-/healthy answers within a couple of seconds whatever was listed."""

from __future__ import annotations

import json
import time

import pytest

from tests.alertmanager_server import running
from tests.gate_support import basic, call, gate, health_while_writing, silence

PLANTED = 20


def _hard(i: int) -> dict:
    body = silence(("alertname", "HighErrorRate"), minutes=30)
    body["matchers"].append(
        {"name": "service", "value": f"[ab]*a[ab]{{{12 + i}}}", "isRegex": True, "isEqual": True}
    )
    return body


@pytest.fixture
def upstream(alertmanager_binary: str, tmp_path):
    with running(alertmanager_binary, tmp_path / "am") as server:
        yield server


def test_refresh_with_many_hard_silences_holds_the_event_loop(upstream):
    plain = silence(("alertname", "HighResponseTime"), minutes=30)
    with gate([upstream.url]) as url:
        # a first write: the index exists from now on, so later listings are added one by one
        first = call(
            url,
            "POST",
            "/api/v2/silences",
            json.dumps(plain).encode(),
            basic("engineer-a@clipper.app"),
            timeout=60,
        )
        assert first.status == 200, first.body
        for i in range(PLANTED):  # as another gate instance (or a bypass) would write them
            assert upstream.post(_hard(i))
        time.sleep(1.5)  # older than history_max_age (1 s): the next write refreshes
        other = silence(("alertname", "LowDiskSpace"), minutes=30)
        took, _ = health_while_writing(url, other)
    assert took < 3.0, f"/-/healthy took {took:.1f}s while the gate took in {PLANTED} listed silences"

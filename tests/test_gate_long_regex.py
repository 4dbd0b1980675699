"""One authenticated write with a long regular-expression matcher (well within max_body)
is judged on the event loop for seconds (superlinear in the regex length: 8,000 characters
~2-4 s, 32,000 ~9 s, the 1 MiB body allows far more), during which the gate answers nothing at
all: no health check, no relayed read, no other write. The silence may even keep the policy
(``service=~"aaaa…"`` on HighErrorRate is accepted)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.alertmanager_server import running
from tests.gate_support import call, gate, post, silence


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def test_a_long_regex_matcher_does_not_stop_the_gate(upstream):
    heavy = silence(("alertname", "HighErrorRate"), minutes=30)
    heavy["matchers"].append({"name": "service", "value": "a" * 16000, "isRegex": True, "isEqual": True})
    with gate([upstream.url]) as url:
        assert call(url, "GET", "/-/healthy").status == 200
        answers = []
        writer = threading.Thread(target=lambda: answers.append(post(url, heavy)))
        writer.start()
        time.sleep(0.3)  # the heavy write is being judged
        started = time.monotonic()
        healthy = call(url, "GET", "/-/healthy", timeout=60)
        took = time.monotonic() - started
        writer.join(120)
    assert healthy.status == 200
    assert answers
    assert answers[0].status in (200, 400)
    assert took < 1.0, f"/-/healthy took {took:.1f}s while one write was judged"

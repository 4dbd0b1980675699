"""Regression, found by an uninformed attack (fixed since).

Work no allowance counts — a matcher's regex is translated to a term again for every
language question (``Matcher.language`` -> ``Language.of_tree`` -> ``translate.term_of``), before
``_decide`` and its allowance are ever reached.

A regex under ``labels.MAX_ANALYSED`` (1,000 characters) made of large Unicode classes
(``[\\pL\\pN\\pS]`` ninety times: 992 characters, valid in Go and accepted by Alertmanager)
costs ~50 ms to translate, and reach asks one question per catalog alert that carries the
label, per rule, and per rule for the unknown bucket. No allowance is spent (the classes are
translated, not explored), so nothing cuts it short: one silence on ``service``, ``instance`` and
``job`` takes ~6 s to judge on the Clipper policy (with the 10,000-alert policy, even a plain
``service=~"a.*"`` takes ~2 s: 40,000 translations).

Issue 10 (d): no pattern makes check/add/check-files/audit take more than about a second; the
gate judges a write on its event loop, so /-/healthy waits as long.
Expected: under ~1 s (asserted with a generous 3 s)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import api, source
from oncall_policy.silence.evaluate import evaluate
from tests.alertmanager_server import running
from tests.conftest import CLIPPER, ROOT
from tests.gate_support import gate, health_while_writing

CLASSES = r"[\pL\pN\pS]" * 90  # 990 characters: under MAX_ANALYSED, not too complex for RE2
LABELS = ("service", "instance", "job")


def _body() -> dict:
    now = datetime.now(UTC)
    return {
        "matchers": [{"name": n, "value": CLASSES, "isRegex": True, "isEqual": True} for n in LABELS],
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(minutes=30)).isoformat(),
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    }


def test_evaluate_of_one_silence_of_large_classes_is_bounded():
    clear_caches()
    rules = source.load(CLIPPER).rules
    request = api.from_api(_body())
    assert not request.problems, request.problems  # a valid silence, not refused by its shape
    started = time.perf_counter()
    evaluate(request, rules)
    took = time.perf_counter() - started
    assert took < 3.0, f"judging one silence took {took:.1f}s (promised: about a second)"


def test_silence_check_of_large_classes_is_bounded():
    args = [sys.executable, "-m", "oncall_policy", "silence", "check", "--policy", str(CLIPPER)]
    args += ["-d", "30m", "-c", "deployment in progress", "-a", "engineer-a@clipper.app"]
    args += [f'{name}=~"{CLASSES}"' for name in LABELS]
    started = time.monotonic()
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    took = time.monotonic() - started
    assert done.returncode in (0, 1), done.stderr
    assert took < 3.0, f"silence check took {took:.1f}s (promised: about a second)"


@pytest.fixture
def upstream(alertmanager_binary: str, tmp_path):
    with running(alertmanager_binary, tmp_path / "am") as server:
        yield server


def test_gate_event_loop_not_held_by_a_write_of_large_classes(upstream):
    with gate([upstream.url]) as url:
        took, _ = health_while_writing(url, _body())
    assert took < 3.0, f"/-/healthy took {took:.1f}s while the gate judged one write"

"""Regression, end to end: many short hard regexes in one silence.

The 1,000-character guard (labels.MAX_ANALYSED) bounds one *question*, but each question could
spend its whole budget (~0.3-0.5 s for a short adversarial pair such as ``[ab]*a[ab]{16}`` and
``[ab]*b[ab]{16}``, 16 characters each), and a silence asks one per label: a write of a few
hundred bytes with the pair on 20 labels held the gate's event loop for about a minute (no
health check, no read, no other write answered), and ``silence check`` as long. The questions of
a judgement now share one allowance (``tests/test_silence_allowance.py`` counts it); the bounds
here are loose, for a loaded machine, and far under what the attack took."""

from __future__ import annotations

import time

import pytest

from tests.alertmanager_server import running
from tests.compile_trees import run_cli
from tests.gate_support import call, gate, health_while_writing, silence

PAIR = ("[ab]*a[ab]{16}", "[ab]*b[ab]{16}")
LABELS = 8


def _heavy() -> dict:
    body = silence(("alertname", "HighErrorRate"), minutes=30)
    for i in range(LABELS):
        for value in PAIR:
            body["matchers"].append({"name": f"x{i}", "value": value, "isRegex": True, "isEqual": True})
    return body


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def test_many_short_hard_regexes_do_not_stop_the_gate(upstream):
    heavy = _heavy()
    assert all(len(m["value"]) < 20 for m in heavy["matchers"])  # far under MAX_ANALYSED
    with gate([upstream.url]) as url:
        assert call(url, "GET", "/-/healthy").status == 200
        took, answer = health_while_writing(url, heavy)
    assert answer.status in (200, 400)
    assert took < 2.0, f"/-/healthy took {took:.1f}s while one write was judged"


def test_silence_check_with_many_short_hard_regexes_is_bounded():
    args = ["alertname=HighErrorRate"] + [f"x{i}=~{v}" for i in range(LABELS) for v in PAIR]
    started = time.monotonic()
    run_cli(
        "silence", "check", *args, "-d", "30m", "-c", "deploy in progress", "-a", "engineer-a@clipper.app"
    )
    took = time.monotonic() - started
    assert took < 3.0, f"silence check took {took:.1f}s"

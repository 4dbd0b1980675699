"""Regression, end to end: hard regexes planted as history.

Six earlier silences (each allowed: HighErrorRate, P2, 30 minutes) whose ``service`` matchers
are short adversarial regexes (``[ab]*a[ab]{12}`` …, under 20 characters, far below
labels.MAX_ANALYSED) made instances.py split the label 2**6 ways, each subset a language query
that could spend its whole budget: every later write on HighErrorRate, even the plain
``alertname="HighErrorRate"``, was judged for ~20 s on the gate's event loop, and ``silence
check --alertmanager.url`` and ``silence audit`` took as long — a lasting denial of service by
any roster person. The questions of a judgement now share one allowance
(``tests/test_silence_allowance.py`` counts it, exactly); the times here only tell the fix from
the fault, each bound by what issue 10 promises a silence (a second) for every silence judged or
assessed, and the command's start-up. The audit's first bound, 3 s, was a measurement (2.0–2.6 s
unloaded: six allowances spent), not a margin, and failed on a loaded machine at 3.1 s."""

from __future__ import annotations

import time

import pytest

from tests.alertmanager_server import Server, running
from tests.compile_trees import run_cli
from tests.gate_support import call, gate, health_while_writing, silence

PLANTED = 6
PER_SILENCE = 1.0  # seconds: issue 10's promise; each took about 16 s before the allowance
START = 1.0  # seconds: the command's start-up and its read of Alertmanager's silences


def _plant(server: Server) -> None:
    for i in range(PLANTED):
        body = silence(("alertname", "HighErrorRate"), minutes=30)
        body["matchers"].append(
            {
                "name": "service",
                "value": f"[ab]*{'ab'[i % 2]}[ab]{{{12 + i}}}",
                "isRegex": True,
                "isEqual": True,
            }
        )
        assert server.post(body)


@pytest.fixture
def upstream(alertmanager_binary: str, tmp_path):
    with running(alertmanager_binary, tmp_path / "am") as server:
        _plant(server)
        yield server


def test_planted_hard_regex_silences_do_not_stop_the_gate(upstream):
    plain = silence(("alertname", "HighErrorRate"), minutes=30)
    with gate([upstream.url]) as url:
        assert call(url, "GET", "/-/healthy").status == 200
        took, answer = health_while_writing(url, plain)
    assert answer.status == 200, answer.body
    assert took < 2.0, f"/-/healthy took {took:.1f}s while one plain write was judged"


def test_silence_check_with_planted_history_is_bounded(upstream):
    started = time.monotonic()
    done = run_cli(
        "silence",
        "check",
        "alertname=HighErrorRate",
        "-d",
        "30m",
        "-c",
        "deploy in progress",
        "-a",
        "engineer-a@clipper.app",
        "--alertmanager.url",
        upstream.url,
        timeout=300,
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    # The silence judged, and each planted one assessed as its history.
    assert took < START + (1 + PLANTED) * PER_SILENCE, f"silence check took {took:.1f}s"


def test_silence_audit_with_planted_history_is_bounded(upstream):
    started = time.monotonic()
    done = run_cli("silence", "audit", "--alertmanager.url", upstream.url, timeout=300)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert took < START + PLANTED * PER_SILENCE, f"silence audit of {PLANTED} silences took {took:.1f}s"

"""Regression, found by an uninformed attack (fixed since).

A verdict depends on what the process judged before (``language._ANSWERS``).

The allowance of a judgement counts the work of the questions it asks; a question whose decided
answer ``_ANSWERS`` already holds (asked by an earlier judgement, of any silence) costs nothing
and is answered exactly even after the allowance is spent. So the same silence, under the same
rules, with the same history, is refused in a fresh process (its unknown-alerts question is cut:
"may reach unknown alerts", strictest rules, 1 h cap and two approvals) and accepted (P2, 4 h)
once any earlier write, even a refused one, asked that question. An attacker gets a refused
silence through the gate by sending a throw-away write first. Expected: same inputs, same
verdict (issue 10: deterministic, not dependent on what came before)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import api, source
from oncall_policy.silence.evaluate import evaluate
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import gate, post

NAMES = "HighErrorRate|HighResponseTime"
HARD = "[ab]*a[ab]{16}"


def body(*matchers: tuple[str, str, bool], minutes: int = 180) -> dict:
    now = datetime.now(UTC)
    return {
        "matchers": [{"name": n, "value": v, "isRegex": r, "isEqual": True} for n, v, r in matchers],
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(minutes=minutes)).isoformat(),
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    }


TARGET = body(("alertname", NAMES, True), ("service", HARD, True))  # 3 h
WARMER = body(("alertname", NAMES, True), minutes=600)  # 10 h: refused itself, but it asks


def _summary(verdict) -> tuple:
    return (tuple(v.rule for v in verdict.violations), verdict.cap, verdict.unknown is not None)


def test_same_silence_same_verdict_whatever_was_judged_before():
    clear_caches()
    rules = source.load(CLIPPER).rules
    cold = _summary(evaluate(api.from_api(TARGET), rules))

    clear_caches()
    rules = source.load(CLIPPER).rules
    evaluate(api.from_api(WARMER), rules)  # any earlier judgement in the same process
    warm = _summary(evaluate(api.from_api(TARGET), rules))
    assert cold == warm, f"cold: {cold}\nafter an unrelated judgement: {warm}"


@pytest.fixture
def upstream(alertmanager_binary: str, tmp_path):
    with running(alertmanager_binary, tmp_path / "am") as server:
        yield server


def test_gate_refused_write_accepted_after_a_throwaway_write(upstream):
    clear_caches()
    with gate([upstream.url], rules=source.load(CLIPPER).rules) as url:
        alone = post(url, TARGET)
    assert alone.status >= 400, alone.body  # refused: may reach unknown alerts (cut)

    clear_caches()
    with gate([upstream.url], rules=source.load(CLIPPER).rules) as url:
        warmer = post(url, WARMER)
        assert warmer.status >= 400, warmer.body  # the throw-away write is refused itself
        again = post(url, TARGET)
    assert again.status == alone.status, (
        f"the same write: {alone.status} alone, {again.status} after a refused write; "
        f"{json.loads(again.body) if again.status == 200 else again.body!r}"
    )

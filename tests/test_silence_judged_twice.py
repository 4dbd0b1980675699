"""Regression, found by an uninformed attack (fixed since).

A remembered assessment is charged its cost, but what it paid for is not marked paid,
so a judgement that finds it remembered pays twice for the same work and is cut short where a
fresh process is not.

``labels.remembered`` → ``Allowance.afford(key, states, steps)`` charges a remembered earlier
silence's assessment what it cost, but adds only the memo's key to ``paid``: the language keys
(``("language", op, value)``, 20 steps a character) and the ``_ANSWERS`` keys paid inside it are
not. A judgement working everything out itself pays for building each regex's language once, and
``instances._rest_exists`` then finds them paid; a judgement that finds the earlier silence's
assessment remembered pays for building them again in ``_rest_exists``. With an earlier silence
whose regexes are long and easy (literal alternations of ~980 characters: ~78,000 steps of
language building, 80 % of an allowance) the first judgement in a process is exact and accepts
the new silence, and the same judgement again — the second of two identical request files in one
``check-files`` run, or simply a second ``evaluate`` — is cut short and refuses it
(over-cap-recreated). Issue 10: DETERMINISTIC (a verdict never depends on what was judged before
in the process).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import api, source
from oncall_policy.silence.evaluate import Silence, evaluate
from tests.alertmanager_server import running
from tests.compile_trees import run_cli
from tests.conftest import CLIPPER
from tests.gate_support import at


def _literals(tag: str) -> str:
    return "|".join(f"{tag}{i:04d}" for i in range(140))  # 979 characters, below MAX_ANALYSED


def _earlier_matchers() -> list[dict]:
    named = [{"name": "alertname", "value": "HighMemoryUsage", "isRegex": False, "isEqual": True}]
    return named + [
        {"name": label, "value": _literals(label[:2]), "isRegex": True, "isEqual": True}
        for label in ("container", "instance", "job", "service")
    ]


def _target_matchers() -> list[dict]:
    return [
        {"name": "alertname", "value": "HighMemoryUsage", "isRegex": False, "isEqual": True},
        {"name": "service", "value": "zzz.*", "isRegex": True, "isEqual": True},  # no "se0000"…
    ]


def _body(matchers: list[dict], start: str, end: str) -> dict:
    return {
        "matchers": matchers,
        "startsAt": start,
        "endsAt": end,
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    }


def _summary(verdict) -> tuple:
    return tuple(v.rule for v in verdict.violations), verdict.notes


def test_the_same_judgement_twice_in_one_process():
    now = datetime(2030, 1, 1, tzinfo=UTC)
    earlier = _body(_earlier_matchers(), now.isoformat(), (now + timedelta(hours=2)).isoformat())
    target = _body(
        _target_matchers(), (now + timedelta(hours=2)).isoformat(), (now + timedelta(hours=5)).isoformat()
    )
    clear_caches()
    rules = source.load(CLIPPER).rules
    history = [Silence("earlier", "active", api.from_api(earlier))]
    first = _summary(evaluate(api.from_api(target), rules, history))
    second = _summary(evaluate(api.from_api(target), rules, history))
    assert first == second, f"first judgement: {first}\nthe same judgement again: {second}"


@pytest.fixture
def upstream(alertmanager_binary: str, tmp_path):
    with running(alertmanager_binary, tmp_path / "am") as server:
        server.post(_body(_earlier_matchers(), at(timedelta(0)), at(timedelta(hours=2))))
        yield server


def test_check_files_judges_two_identical_files_alike(upstream, tmp_path):
    target = _body(_target_matchers(), at(timedelta(hours=2)), at(timedelta(hours=5)))
    paths = []
    for name in ("first.json", "second.json"):
        path = tmp_path / name
        path.write_text(json.dumps(target))
        paths.append(str(path))
    done = run_cli("silence", "check-files", *paths, "--alertmanager.url", upstream.url)
    flagged = [p for p in paths if p in done.stdout]
    assert flagged in ([], paths), (
        f"two identical request files, one run, different verdicts (flagged: {flagged}):\n{done.stdout}"
    )

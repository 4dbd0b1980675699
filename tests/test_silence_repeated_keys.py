"""A silence that repeats a key is refused, and what is said of it does not grow with the repeats
(red team): a message for each repeat, listing every spelling before it, made N repeats cost N²
(20,000 in a 280 KB request file: 47 s; one 84 KB write held the gate's event loop 6.3 s)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.cli import main
from oncall_policy.gate import writes
from oncall_policy.silence import api
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import basic, call, gate, health_while


def _at(offset: timedelta) -> str:
    return (datetime.now(UTC).replace(microsecond=0) + offset).isoformat().replace("+00:00", "Z")


def _body(repeats: int, key: str = "comment") -> bytes:
    return (
        '{"matchers":[{"name":"alertname","value":"HighMemoryUsage","isRegex":false,"isEqual":true}],'
        f'"startsAt":"{_at(timedelta(minutes=5))}","endsAt":"{_at(timedelta(minutes=35))}",'
        '"createdBy":"engineer-a@clipper.app","comment":"Deployment in progress"'
        + f',"{key}":"x"' * repeats
        + "}"
    ).encode()


@pytest.mark.parametrize("key", ["comment", "COMMENT"])
def test_what_is_said_of_repeats_is_the_same_for_ten_or_ten_thousand(key):
    few, many = (api.from_api(writes.decode(_body(n, key))).problems for n in (10, 10_000))
    assert len(few) == len(many) <= api.SHOWN_KEYS + 1
    assert "given 11 times in all" in few[-1].message
    assert "given 10001 times in all" in many[-1].message
    assert max(len(problem.message) for problem in many) < 500
    assert writes.replaced_id(writes.decode(_body(10_000, "id"))) == "x"  # the last, as Go keeps it


def test_check_files_refuses_a_megabyte_of_repeats_in_a_few_lines(tmp_path, capsys):
    path = tmp_path / "silence.json"
    path.write_bytes(_body(75_000))  # the gate's max_body
    assert main(["silence", "check-files", "--policy", str(CLIPPER), str(path)]) == 1
    said = capsys.readouterr().out.splitlines()
    assert len(said) <= api.SHOWN_KEYS + 2, said  # and the comment "x" says no reason
    assert any("'comment' is given 75001 times in all" in line for line in said), said


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


@pytest.mark.amtool
def test_a_write_of_repeated_keys_keeps_no_one_waiting(upstream):
    body = _body(70_000)  # within max_body
    with gate([upstream.url]) as url:
        worst, answer = health_while(
            url, lambda: call(url, "POST", "/api/v2/silences", body, basic("engineer-a@clipper.app"))
        )
    assert answer.status == 400, answer.body[:300]
    assert b"given 70001 times in all" in answer.body
    assert worst < 1.0, f"/-/healthy waited {worst:.1f}s while one write of repeated keys was read"

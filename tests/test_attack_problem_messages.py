"""Red team: a long text quoted in a problem's message, kept in the rules' memo.

A ``startsAt`` that is not an RFC 3339 time is a problem whose message quotes it whole
(``parsing time '…'``). ``evaluate._untimed`` remembers its verdict under a key holding
``request.problems``: ``Violation`` records, whose ``message`` ``recent.text_in`` does not count
(it reads a record's ``name`` and ``value`` only). So each refused write of a new 256 KiB
``startsAt`` leaves about 257 KiB in the memo, up to 2 * 2048 of them (1 GiB at 256 KiB)."""

from __future__ import annotations

import gc
import json
import tracemalloc

import pytest

from oncall_policy import recent
from oncall_policy.silence import source
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import basic, call, gate, silence

WRITES = 20
SIZE = 256 * 1024  # well within max_body (1 MiB)


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def test_long_text_quoted_in_a_problem_is_not_kept(upstream):
    rules = source.load(CLIPPER).rules

    def write(url: str, number: int) -> int:
        body = silence(("alertname", "HighErrorRate"), minutes=60)
        body["startsAt"] = f"{number:06d}" + "x" * SIZE  # not a time: refused, and quoted
        sent = json.dumps(body).encode()
        return call(url, "POST", "/api/v2/silences", sent, basic("engineer-a@clipper.app")).status

    before = recent._LIMIT[0]
    recent.limit(2048)  # as the gate's process sets it (cli/gate.py)
    try:
        with gate([upstream.url], rules=rules) as url:
            assert write(url, 999_999) == 400
            gc.collect()
            tracemalloc.start(1)
            try:
                start = tracemalloc.get_traced_memory()[0]
                statuses = {write(url, number) for number in range(WRITES)}
                gc.collect()
                grown = tracemalloc.get_traced_memory()[0] - start
            finally:
                tracemalloc.stop()
    finally:
        recent.limit(before)
    assert statuses == {400}
    assert grown < WRITES * SIZE // 10, (
        f"{WRITES} refused writes of a new {SIZE // 1024} KiB startsAt each left the gate "
        f"{grown / 2**20:.1f} MiB larger ({grown / WRITES / 1024:.0f} KiB a write)"
    )

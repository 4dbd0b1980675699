"""The value of an equality matcher is not kept by the gate after the write is answered (red team).

One roster person, authenticated, sends writes with an ``=`` matcher of a long value (each one
new; the body within ``max_body``). The judge's caches kept each value: ``api._MATCHERS`` (the
matcher made once per (name, op, value)) and the rules' memo (keys hold the matchers), bounded
in number (``recent.limit(2048)``: 4,096 answers each) but not in size: 4,096 values of 1 MiB
are 4 GiB a cache. The gate's memory must be bounded whatever it is sent."""

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

WRITES = 30
SIZE = 256 * 1024  # well within max_body (1 MiB)


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def _write(url: str, number: int) -> int:
    body = silence(
        ("alertname", "HighErrorRate"), minutes=60 * 24 * 60
    )  # over every cap: refused, never created
    body["matchers"].append(
        {"name": "service", "value": f"{number:06d}" + "x" * SIZE, "isRegex": False, "isEqual": True}
    )
    sent = json.dumps(body).encode()
    return call(url, "POST", "/api/v2/silences", sent, basic("engineer-a@clipper.app")).status


def test_long_matcher_values_are_not_kept_after_their_writes(upstream):
    rules = source.load(CLIPPER).rules  # a roster of its own: nothing remembered from other tests
    before = recent._LIMIT[0]
    recent.limit(2048)  # as the gate's process sets it (cli/gate.py)
    try:
        with gate([upstream.url], rules=rules) as url:
            assert _write(url, 999_999) == 400  # warmed up: imports, first listing
            gc.collect()
            tracemalloc.start(1)
            try:
                start = tracemalloc.get_traced_memory()[0]
                statuses = {_write(url, number) for number in range(WRITES)}
                gc.collect()
                grown = tracemalloc.get_traced_memory()[0] - start
            finally:
                tracemalloc.stop()
    finally:
        recent.limit(before)
    assert statuses == {400}
    sent = WRITES * SIZE
    assert grown < sent // 10, (
        f"{WRITES} refused writes with a {SIZE // 1024} KiB matcher value each left the gate "
        f"{grown / 2**20:.1f} MiB larger ({grown / WRITES / 1024:.0f} KiB a write"
        ")"
    )

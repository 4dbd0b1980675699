"""Long texts in writes are not kept by the gate after the writes are answered (red team).

One roster person, authenticated, sends writes each with a new long text (256 KiB, within
``max_body``), each refused. The gate kept each text: as a ``createdBy``, ``Roster.find``
remembered every text it was asked about (up to 10,000, whatever their size, for the life of
the policy) and the rules' memo the text in its approvals key and in the violation's message,
about 531 KiB a write; as an ``=`` matcher's value, ``api._MATCHERS`` and the rules' memo (keys
hold the matchers), 267 KiB a write. Bounded in number (``recent.limit``) but not in size, that
is gigabytes at 1 MiB a write. The gate's memory must be bounded whatever it is sent
(``recent.KEPT_TEXT``)."""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

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


def _long_author(number: int) -> dict[str, Any]:
    body = silence(("alertname", "HighErrorRate"), minutes=30)
    body["createdBy"] = f"{number:06d}" + "x" * SIZE  # not the person logged in: refused
    return body


def _long_matcher_value(number: int) -> dict[str, Any]:
    body = silence(("alertname", "HighErrorRate"), minutes=60 * 24 * 60)  # over every cap: refused
    value = f"{number:06d}" + "x" * SIZE
    body["matchers"].append({"name": "service", "value": value, "isRegex": False, "isEqual": True})
    return body


@pytest.mark.parametrize("written", [_long_author, _long_matcher_value], ids=["createdBy", "matcher-value"])
def test_long_texts_of_refused_writes_are_not_kept(upstream, written: Callable[[int], dict[str, Any]]):
    rules = source.load(CLIPPER).rules  # a roster of its own: nothing remembered from other tests

    def write(url: str, number: int) -> int:
        sent = json.dumps(written(number)).encode()
        return call(url, "POST", "/api/v2/silences", sent, basic("engineer-a@clipper.app")).status

    before = recent._LIMIT[0]
    recent.limit(2048)  # as the gate's process sets it (cli/gate.py)
    try:
        with gate([upstream.url], rules=rules) as url:
            assert write(url, 999_999) == 400  # warmed up: imports, first listing
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
        f"{WRITES} refused writes of a new {SIZE // 1024} KiB text each left the gate "
        f"{grown / 2**20:.1f} MiB larger ({grown / WRITES / 1024:.0f} KiB a write)"
    )

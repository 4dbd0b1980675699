"""The text of ``createdBy`` is not kept by the gate after the write is answered (red team).

One roster person, authenticated, sends writes whose ``createdBy`` is a long text (each one
new; the body is within ``max_body``). Every write is refused (author-not-you). The gate kept
each text: ``Roster.find`` remembered every text it was asked about (up to 10,000 of them,
whatever their size, for the life of the policy), and the rules' memo the text in the key of
its approvals answer and in the violation's message: about twice the text a write, ~20 GiB for
10,000 writes of 1 MiB. The gate's memory must be bounded whatever it is sent; a bound on the
number of answers is none on their size (``recent.KEPT_TEXT``)."""

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
    body = silence(("alertname", "HighErrorRate"), minutes=30)
    body["createdBy"] = f"{number:06d}" + "x" * SIZE
    sent = json.dumps(body).encode()
    return call(url, "POST", "/api/v2/silences", sent, basic("engineer-a@clipper.app")).status


def test_long_authors_are_not_kept_after_their_writes(upstream):
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
            found = len(rules.roster._found)
    finally:
        recent.limit(before)
    assert statuses == {400}
    sent = WRITES * SIZE
    assert grown < sent // 10, (
        f"{WRITES} refused writes with a {SIZE // 1024} KiB createdBy each left the gate "
        f"{grown / 2**20:.1f} MiB larger ({grown / WRITES / 1024:.0f} KiB a write; "
        f"Roster.find remembers {found} texts)"
    )

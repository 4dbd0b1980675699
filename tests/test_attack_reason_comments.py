"""Red team: ``Reason._given`` remembers every comment it is asked about, for good.

Each reason of the policy (``Rules.valid`` and ``Rules.invalid``) keeps a plain dict, comment →
whether the reason is given (``silence/rules.py``), filled by every write's comment and never
cleared nor bounded: not by ``recent.limit`` (count) nor by ``recent.KEPT_TEXT`` (size). The
rules' memo (a ``Recent``) drops a 256 KiB comment, but each reason keeps it: a roster person's
refused writes of new 256 KiB comments grow the gate by about 258 KiB each, and writes of new
short comments by an entry per reason each, without end."""

from __future__ import annotations

import gc
import json
import tracemalloc

import pytest

from oncall_policy import recent
from oncall_policy.silence import api, evaluate, source
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import basic, call, gate, silence

WRITES = 20
SIZE = 256 * 1024  # well within max_body (1 MiB)


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def test_long_comments_of_refused_writes_are_not_kept(upstream):
    rules = source.load(CLIPPER).rules

    def write(url: str, number: int) -> int:
        body = silence(("alertname", "HighErrorRate"), minutes=60 * 24 * 60)  # over every cap: refused
        body["comment"] = f"{number:06d}" + "x" * SIZE
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
        f"{WRITES} refused writes of a new {SIZE // 1024} KiB comment each left the gate "
        f"{grown / 2**20:.1f} MiB larger ({grown / WRITES / 1024:.0f} KiB a write)"
    )


def test_short_comments_are_not_kept_without_bound():
    """The count: the gate's judgement (``api.from_api``, ``evaluate``) of more distinct short
    comments than ``recent.limit`` lets any cache keep."""
    rules = source.load(CLIPPER).rules
    capacity = 256
    before = recent._LIMIT[0]
    recent.limit(capacity)
    try:
        for number in range(3 * 2 * capacity):
            body = silence(("alertname", "HighErrorRate"), minutes=60, comment=f"deploy {number}")
            evaluate.evaluate(api.from_api(body), rules)
    finally:
        recent.limit(before)
    kept = max(len(reason._given) for reason in (*rules.valid, *rules.invalid))
    assert kept <= 2 * capacity, f"a reason keeps {kept:,} comments, over the {2 * capacity:,} any cache may"

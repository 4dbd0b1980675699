"""Red team: long matcher values the rules' memo keeps below where ``recent.text_in`` looks.

``reach.reach`` remembers ``("reach", class_key)`` and ``_assess`` ``("limits", reach.key, …)``,
where ``class_key`` holds, for a label with a non-``=`` matcher (or several matchers), the
parts ``(name, ((op, value), …))``: the value is four tuples deep, and ``text_in`` stops at
three. So a 256 KiB ``!=`` value (or two ``=`` values on one label) is kept, however long,
after the write is refused: about 270 KiB (540 KiB) a write, up to 2 * 2048 of them."""

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

WRITES = 20
SIZE = 256 * 1024  # well within max_body (1 MiB)


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def _long(number: int) -> str:
    return f"{number:06d}" + "x" * SIZE


def _not_equal(number: int) -> dict[str, Any]:
    body = silence(("alertname", "HighErrorRate"), minutes=60 * 24 * 60)  # over every cap: refused
    body["matchers"].append({"name": "service", "value": _long(number), "isRegex": False, "isEqual": False})
    return body


def _two_equal(number: int) -> dict[str, Any]:
    body = silence(("alertname", "HighErrorRate"), minutes=60 * 24 * 60)
    for suffix in ("", "y"):
        value = _long(number) + suffix
        body["matchers"].append({"name": "service", "value": value, "isRegex": False, "isEqual": True})
    return body


@pytest.mark.parametrize("written", [_not_equal, _two_equal], ids=["not-equal", "two-equal-one-label"])
def test_long_values_deep_in_reach_keys_are_not_kept(upstream, written: Callable[[int], dict[str, Any]]):
    rules = source.load(CLIPPER).rules

    def write(url: str, number: int) -> int:
        sent = json.dumps(written(number)).encode()
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
        f"{WRITES} refused writes of a new {SIZE // 1024} KiB value each left the gate "
        f"{grown / 2**20:.1f} MiB larger ({grown / WRITES / 1024:.0f} KiB a write)"
    )

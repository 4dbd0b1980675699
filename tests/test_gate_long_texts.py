"""Texts in writes are not kept by the gate after the writes are answered (red team, two rounds).

One roster person, authenticated, sends writes each with a new long text (256 KiB, within
``max_body``), each refused. The gate kept each text, bounded in number (``recent.limit``) but
not in size, gigabytes at 1 MiB a write: as a ``createdBy`` (``Roster.find`` remembered every
text it was asked about; the rules' memo the text in its approvals key and in a violation's
message), 531 KiB a write; as an ``=`` matcher's value (``api._MATCHERS``, the memo), 267 KiB;
as a ``!=`` value or two ``=`` values on one label, four tuples deep in the reach's memo key,
below where ``recent.text_in`` looked, 259 and 514 KiB; as a ``startsAt`` quoted in a problem's
message (a record's field ``text_in`` did not count), 257 KiB; as a comment, by every reason of
the policy (``Reason.given_by``: a plain dict, never cleared), 257 KiB, and short comments
without bound in number. The gate's memory must be bounded whatever it is sent."""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from oncall_policy import recent
from oncall_policy.silence import api, evaluate, source
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import basic, call, gate, silence

WRITES = 8
SIZE = 256 * 1024  # well within max_body (1 MiB)
REFUSED_FOR_LENGTH = 60 * 24 * 60  # minutes: over every cap, so the write is refused, never created


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def _long(number: int) -> str:
    return f"{number:06d}" + "x" * SIZE


def _author(number: int) -> dict[str, Any]:
    body = silence(("alertname", "HighErrorRate"), minutes=30)
    body["createdBy"] = _long(number)  # not the person logged in: refused
    return body


def _matchers(*pairs: tuple[str, bool]) -> Callable[[int], dict[str, Any]]:
    """Writes adding a ``service`` matcher per (suffix, equal) with a new long value."""

    def written(number: int) -> dict[str, Any]:
        body = silence(("alertname", "HighErrorRate"), minutes=REFUSED_FOR_LENGTH)
        for suffix, equal in pairs:
            value = _long(number) + suffix
            body["matchers"].append({"name": "service", "value": value, "isRegex": False, "isEqual": equal})
        return body

    return written


def _starts_at(number: int) -> dict[str, Any]:
    body = silence(("alertname", "HighErrorRate"), minutes=60)
    body["startsAt"] = _long(number)  # not a time: refused, and quoted in the problem
    return body


def _comment(number: int) -> dict[str, Any]:
    body = silence(("alertname", "HighErrorRate"), minutes=REFUSED_FOR_LENGTH)
    body["comment"] = _long(number)
    return body


@pytest.mark.parametrize(
    "written",
    [
        _author,
        _matchers(("", True)),
        _matchers(("", False)),
        _matchers(("", True), ("y", True)),
        _starts_at,
        _comment,
    ],
    ids=["createdBy", "matcher-value", "not-equal-value", "two-values-one-label", "startsAt", "comment"],
)
def test_long_texts_of_refused_writes_are_not_kept(upstream, written: Callable[[int], dict[str, Any]]):
    """What the gate holds grows by less than a tenth of the text written, write after write.
    Measured between the ``WRITES``-th write and twice as many, each count after a short read:
    aiohttp holds a connection's last answer (here a refusal quoting the text, as str and bytes)
    until it sees the connection close, so without the read the last write's answer was counted
    on one side or the other (two texts up or down, in one run out of four). One write's text
    is still to spare."""
    rules = source.load(CLIPPER).rules  # a roster of its own: nothing remembered from other tests

    def write(url: str, number: int) -> int:
        sent = json.dumps(written(number)).encode()
        return call(url, "POST", "/api/v2/silences", sent, basic("engineer-a@clipper.app")).status

    before = recent._LIMIT[0]
    recent.limit(2048)  # as the gate's process sets it (cli/gate.py)
    try:
        with gate([upstream.url], rules=rules) as url:
            tracemalloc.start(1)
            try:
                statuses = {write(url, number) for number in range(WRITES)}
                call(url, "GET", "/-/healthy")
                gc.collect()
                start = tracemalloc.get_traced_memory()[0]
                statuses |= {write(url, number) for number in range(WRITES, 2 * WRITES)}
                call(url, "GET", "/-/healthy")
                gc.collect()
                grown = tracemalloc.get_traced_memory()[0] - start
            finally:
                tracemalloc.stop()
    finally:
        recent.limit(before)
    assert statuses == {400}
    text = len(json.dumps(written(0)))
    assert grown < text + WRITES * text // 10, (
        f"{WRITES} refused writes of {text // 1024} KiB, each of new text, left the gate "
        f"{grown / 2**20:.1f} MiB larger ({grown / WRITES / 1024:.0f} KiB a write)"
    )


def test_new_short_comments_leave_each_reason_a_bounded_memory():
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

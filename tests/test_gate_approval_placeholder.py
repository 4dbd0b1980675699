"""Red team, fixed: ``HistoryCache.created_from`` looks through every entry of the cache,
the gate's own placeholders included. An approved silence Alertmanager gave no answer for in
time is kept as history under a token (``taken_perhaps``: ``perhaps-N``), with the approval
record in its comment. The same silence asked for again (a retry of a timed-out request: the
same matchers, times and comment) and approved is then "found" as that token: the approver is
told ``{"status": "created", "silenceID": "perhaps-1"}``, no silence id at all, the request is
closed, and nothing is created, though Alertmanager never took the first one.

Now: a placeholder is never answered as a silence id; the approved silence is created (or
the answer says its fate is unknown)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.alertmanager_server import running
from tests.gate_support import basic, call, gate, post, silence, silences_on, with_approvals
from tests.test_gate_approvals import held
from tests.test_gate_side_by_side import holding_back

pytestmark = pytest.mark.amtool


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def test_a_placeholder_of_unknown_fate_is_never_answered_as_the_created_silence(upstream, tmp_path):
    manager = basic("manager-x@clipper.app")
    config = with_approvals(tmp_path, upstream_timeout=timedelta(seconds=1))
    asked = silence(("alertname", "ServiceDown"), ("service", "token-1"), start=timedelta(minutes=5))
    # The first creation is held past the gate's timeout and never reaches Alertmanager.
    stalled = (2.0, (503, b"never delivered"))
    with (
        holding_back(upstream.url, lambda n: stalled if n == 0 else (0, None)) as proxied,
        gate([proxied], config) as url,
    ):
        first_id = held(post(url, asked))
        first = call(url, "POST", f"/-/approvals/{first_id}", b"{}", manager)
        assert first.status == 504, first.body  # no answer in time: fate unknown, request closed
        assert silences_on(upstream, "token-1") == []  # ... and Alertmanager never took it
        again = post(url, asked)  # the author asks again, as told
        second_id = held(again)
        second = call(url, "POST", f"/-/approvals/{second_id}", b"{}", manager)
    said = second.json()
    assert not str(said.get("silenceID", "")).startswith(("perhaps-", "reserved-")), second.body
    assert len(silences_on(upstream, "token-1")) == 1, second.body

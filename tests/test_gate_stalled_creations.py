"""A gate that stops between claiming an approved request and closing it (killed, its host lost)
leaves the request 'creating'. Past its lease the next gate to start (or any gate's sweep)
claims it again, with a real Alertmanager 0.25: it creates the silence when Alertmanager never
took it, and closes the request without a second silence when it did."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from oncall_policy.gate import proof as signing
from oncall_policy.gate.config import Approvals, GateConfig
from oncall_policy.gate.pending import SqliteStore
from oncall_policy.gate.pending_rows import LEASE_SECONDS
from tests.alertmanager_server import running
from tests.gate_support import BASIC, basic, call, gate, post, silence
from tests.test_gate_approvals import held

pytestmark = pytest.mark.amtool

MANAGER = ("manager-x@clipper.app", ("manager",))
LONG_AGO = 10 * LEASE_SECONDS


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


@pytest.fixture
def config(tmp_path: Path) -> GateConfig:
    signing.keygen(tmp_path / "gate.key")
    approvals = Approvals(database=str(tmp_path / "pending.sqlite3"), key_file=str(tmp_path / "gate.key"))
    return GateConfig(auth=BASIC.auth, approvals=approvals)


def taken(upstream, service: str) -> list[dict]:
    """The silences Alertmanager holds on ``service``, expired or not."""
    return [s for s in upstream.silences() if {"name": "service", "value": service} in _plain(s)]


def _plain(listed: dict) -> list[dict]:
    return [{"name": m["name"], "value": m["value"]} for m in listed["matchers"]]


def gone(store: SqliteStore, request_id: str, within: float = 10.0) -> bool:
    """Whether the request is closed within ``within`` seconds (the sweep runs as a gate starts)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if store.get(request_id, time.time()) is None:
            return True
        time.sleep(0.05)
    return False


def test_a_stalled_creation_alertmanager_never_took_is_created_by_the_next_gate(upstream, config):
    with gate([upstream.url], config) as url:
        request_id = held(post(url, silence(("alertname", "ServiceDown"), ("service", "stall-1"))))
    store = SqliteStore(config.approvals.database)
    try:
        store.approve(request_id, *MANAGER, time.time())
        assert store.claim(request_id, time.time() - LONG_AGO) is not None  # and the gate was lost
        with gate([upstream.url], config) as url:
            assert gone(store, request_id)
            listed = call(url, "GET", "/-/approvals", None, basic("manager-x@clipper.app")).json()
    finally:
        store.close()
    assert request_id not in [r["id"] for r in listed]
    created = taken(upstream, "stall-1")
    assert len(created) == 1, created
    assert "[approved-by: manager-x@clipper.app" in created[0]["comment"]


def test_a_stalled_creation_alertmanager_took_is_closed_without_a_second_silence(upstream, config):
    with gate([upstream.url], config) as url:
        request_id = held(post(url, silence(("alertname", "ServiceDown"), ("service", "stall-2"))))
        store = SqliteStore(config.approvals.database)
        asked = store.get(request_id, time.time())
        answer = call(url, "POST", f"/-/approvals/{request_id}", b"{}", basic("manager-x@clipper.app"))
        assert answer.json()["status"] == "created", answer.body
    try:
        # The gate was lost after Alertmanager took the silence, before it closed the request.
        assert asked is not None
        store.add(asked.approved_by(*MANAGER).replace(state="creating", claimed=time.time() - LONG_AGO))
        with gate([upstream.url], config):
            assert gone(store, request_id)
    finally:
        store.close()
    assert [s["id"] for s in taken(upstream, "stall-2")] == [answer.json()["silenceID"]]


def test_an_approver_may_push_a_stalled_request_but_not_one_being_created(upstream, config):
    with gate([upstream.url], config) as url:
        request_id = held(post(url, silence(("alertname", "ServiceDown"), ("service", "stall-3"))))
        store = SqliteStore(config.approvals.database)
        try:
            store.approve(request_id, *MANAGER, time.time())
            store.claim(request_id, time.time())  # another gate is creating it right now
            manager = basic("manager-x@clipper.app")
            busy = call(url, "POST", f"/-/approvals/{request_id}", b"{}", manager)
            assert busy.status == 403, busy.body
            assert "being created already" in busy.json()["message"], busy.body
            store.release(request_id)
            store.claim(request_id, time.time() - LONG_AGO)  # ... and it was lost long ago
            pushed = call(url, "POST", f"/-/approvals/{request_id}", b"{}", manager)
            assert (pushed.status, pushed.json()["status"]) == (200, "created"), pushed.body
            assert store.get(request_id, time.time()) is None
        finally:
            store.close()
    assert len(taken(upstream, "stall-3")) == 1

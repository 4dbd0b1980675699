"""Red team, fixed: a request every required role approved, given back to pending because
its creation could not go on (no Alertmanager could be listed, or reached: ``release``), was
never created by anyone but the person who approved it first.

- No sweep resumes it: ``resume_stalled`` looks only at requests ``creating``; a request the
  sweep itself gave back (its listing failed: no one was waiting for an answer, only the log was
  told) waits, approved, until it expires (24 h), its silence never made.
- Another holder of the role cannot push it: with every role covered, ``waiting_for`` is empty,
  and ``_refusal`` answers 403 "holds none of the roles this request waits for (); ask no one
  else in the roster".

Now: a fully approved request given back is created by the next sweep once Alertmanager
can be reached, or at least by any holder of a required role who approves it."""

from __future__ import annotations

import time
from pathlib import Path

import bcrypt
import pytest

from oncall_policy.gate.config import GateConfig
from oncall_policy.gate.pending import SqliteStore
from tests import gate_support
from tests.alertmanager_server import running
from tests.gate_support import PASSWORD, basic, call, gate, post, silence, silences_on, with_approvals
from tests.http_servers import closed_port
from tests.test_gate_approvals import held

pytestmark = pytest.mark.amtool


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GateConfig:
    monkeypatch.setitem(
        gate_support.HASHES,
        "manager-y@clipper.app",
        bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)),
    )
    return with_approvals(tmp_path)


def _given_back(upstream, config, service: str) -> str:
    """A request manager-x approved on a gate that could not reach Alertmanager then: given back."""
    with gate([upstream.url], config) as url:
        request_id = held(post(url, silence(("alertname", "ServiceDown"), ("service", service))))
    with gate([f"http://127.0.0.1:{closed_port()}"], config) as down:
        first = call(down, "POST", f"/-/approvals/{request_id}", b"{}", basic("manager-x@clipper.app"))
    assert first.status == 502, first.body
    store = SqliteStore(config.approvals.database)
    try:
        back = store.get(request_id, time.time())
    finally:
        store.close()
    assert back is not None, request_id
    assert (back.state, back.waiting_for) == ("approved", ()), back
    return request_id


def test_a_fully_approved_request_given_back_is_resumed_by_the_sweep(upstream, config):
    request_id = _given_back(upstream, config, "orphan-1")
    with gate([upstream.url], config):
        time.sleep(3)  # the sweep runs as the gate starts
    assert len(silences_on(upstream, "orphan-1")) == 1, f"request {request_id}: approved, never created"


def test_another_holder_of_the_role_may_push_a_fully_approved_request(upstream, config):
    request_id = _given_back(upstream, config, "orphan-2")
    with gate([upstream.url], config) as url:
        pushed = call(url, "POST", f"/-/approvals/{request_id}", b"{}", basic("manager-y@clipper.app"))
        store = SqliteStore(config.approvals.database)
        try:  # created by the push, or by the sweep as the gate started ("creating")
            deadline = time.monotonic() + 10
            while store.get(request_id, time.time()) is not None and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            store.close()
    assert pushed.status == 200, pushed.body
    assert pushed.json()["status"] in {"created", "creating"}, pushed.body
    assert len(silences_on(upstream, "orphan-2")) == 1

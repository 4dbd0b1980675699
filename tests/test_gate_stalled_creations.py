"""A gate that stops between claiming an approved request and closing it (killed, its host lost)
leaves the request 'creating'. Past its lease the next gate to start (or any gate's sweep)
claims it again, with a real Alertmanager 0.25: it creates the silence when Alertmanager never
took it, and closes the request without a second silence when it did. Red team, on that: a
resume whose listing failed, then approved again, made it twice; approvals queued past the lease
on one gate were made by another too; a silence scheduled later with the same end was taken for
the one asked to start now."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from oncall_policy.gate import approvals as approvals_module
from oncall_policy.gate.config import GateConfig, Limits
from oncall_policy.gate.pending import SqliteStore
from oncall_policy.gate.pending_rows import LEASE_SECONDS
from oncall_policy.gate.upstreams import Upstreams
from tests.alertmanager_server import running
from tests.gate_support import basic, call, gate, post, silence, silences_on, with_approvals
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
    return with_approvals(tmp_path)


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
    created = silences_on(upstream, "stall-1")
    assert len(created) == 1, created
    assert "[approved-by: manager-x@clipper.app" in created[0]["comment"]


def _created_then_lost(upstream, config, service: str) -> tuple[SqliteStore, str, str]:
    """A request approved and its silence created, then its row put back as the gate left it
    when lost after Alertmanager took the silence, before it closed the request: the store, the
    request's id and the silence's."""
    with gate([upstream.url], config) as url:
        request_id = held(post(url, silence(("alertname", "ServiceDown"), ("service", service))))
        store = SqliteStore(config.approvals.database)
        asked = store.get(request_id, time.time())
        answer = call(url, "POST", f"/-/approvals/{request_id}", b"{}", basic("manager-x@clipper.app"))
        assert answer.json()["status"] == "created", answer.body
    assert asked is not None
    store.add(asked.approved_by(*MANAGER).replace(state="creating", claim_ends=time.time() - LONG_AGO))
    return store, request_id, answer.json()["silenceID"]


def test_a_stalled_creation_alertmanager_took_is_closed_without_a_second_silence(upstream, config):
    store, request_id, created = _created_then_lost(upstream, config, "stall-2")
    try:
        with gate([upstream.url], config):
            assert gone(store, request_id)
    finally:
        store.close()
    assert [s["id"] for s in silences_on(upstream, "stall-2")] == [created]


def test_an_approver_may_push_a_stalled_request_and_is_told_of_one_being_created(upstream, config):
    with gate([upstream.url], config) as url:
        request_id = held(post(url, silence(("alertname", "ServiceDown"), ("service", "stall-3"))))
        store = SqliteStore(config.approvals.database)
        try:
            store.approve(request_id, *MANAGER, time.time())
            busy_claim = store.claim(request_id, time.time())  # another gate is creating it now
            manager = basic("manager-x@clipper.app")
            busy = call(url, "POST", f"/-/approvals/{request_id}", b"{}", manager)
            assert (busy.status, busy.json()["status"]) == (200, "creating"), busy.body
            store.release(busy_claim, time.time())
            store.claim(request_id, time.time() - LONG_AGO)  # ... and it was lost long ago
            pushed = call(url, "POST", f"/-/approvals/{request_id}", b"{}", manager)
            assert (pushed.status, pushed.json()["status"]) == (200, "created"), pushed.body
            assert store.get(request_id, time.time()) is None
        finally:
            store.close()
    assert len(silences_on(upstream, "stall-3")) == 1


def _services_made_twice(upstream, services: list[str]) -> dict[str, int]:
    made = {service: len(silences_on(upstream, service)) for service in services}
    return {service: count for service, count in made.items() if count > 1}


def test_a_resume_whose_listing_failed_then_approved_again_is_made_once(upstream, config):
    store, request_id, created = _created_then_lost(upstream, config, "stall-4")
    try:
        with gate(["http://127.0.0.1:9"], config):  # resumed while no Alertmanager can be listed
            deadline = time.monotonic() + 10
            while store.get(request_id, time.time()).state != "approved" and time.monotonic() < deadline:
                time.sleep(0.05)
        with gate([upstream.url], config) as url:  # told to try again, the approver does
            again = call(url, "POST", f"/-/approvals/{request_id}", b"{}", basic("manager-x@clipper.app"))
            assert gone(store, request_id)  # by the approver, or the sweep as the gate started
    finally:
        store.close()
    assert again.json().get("silenceID", created) == created, again.body
    assert [s["id"] for s in silences_on(upstream, "stall-4")] == [created]


def test_approvals_queued_past_the_lease_are_made_once_beside_another_gate(upstream, config, monkeypatch):
    """Twenty approved at once on one gate, each creation answered in 0.2 s (within the 0.25 s
    timeout): the later ones wait past the lease (here 3 s) for their turn, and another gate's
    sweep claims them meanwhile."""
    monkeypatch.setattr(approvals_module, "LEASE_SECONDS", 1.0)  # the lease: 4 x 0.25 s x 3
    slowed = config.model_copy(update={"limits": Limits(upstream_timeout=timedelta(seconds=0.25))})
    original = Upstreams.create

    async def slow_create(self, *args, **kwargs):
        if "127.0.0.1" in self.bases[0]:  # the first gate's way to Alertmanager
            await asyncio.sleep(0.2)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(Upstreams, "create", slow_create)
    services = [f"lease-{n}" for n in range(20)]
    with gate([upstream.url], slowed) as first:
        ids = [held(post(first, silence(("alertname", "ServiceDown"), ("service", s)))) for s in services]
        manager = basic("manager-x@clipper.app")
        approving = [
            threading.Thread(target=call, args=(first, "POST", f"/-/approvals/{i}", b"{}", manager, 60))
            for i in ids
        ]
        for thread in approving:
            thread.start()
        time.sleep(3.3)
        with gate([upstream.url.replace("127.0.0.1", "localhost")], slowed):
            time.sleep(1)  # its sweep, as it starts
        for thread in approving:
            thread.join(60)
    assert not _services_made_twice(upstream, services)
    assert all(len(silences_on(upstream, service)) == 1 for service in services)


def test_a_silence_scheduled_later_with_the_same_end_is_not_taken_for_a_stalled_one(upstream, config):
    matchers = (("alertname", "ServiceDown"), ("service", "stall-5"))
    later = silence(*matchers, start=timedelta(minutes=40), minutes=20)
    at_once = {**silence(*matchers, minutes=60), "endsAt": later["endsAt"]}
    with gate([upstream.url], config) as url:
        scheduled = held(post(url, later))
        answer = call(url, "POST", f"/-/approvals/{scheduled}", b"{}", basic("manager-x@clipper.app"))
        assert answer.json()["status"] == "created", answer.body
        request_id = held(post(url, at_once))
    store = SqliteStore(config.approvals.database)
    try:
        store.approve(request_id, *MANAGER, time.time())
        assert store.claim(request_id, time.time() - LONG_AGO) is not None  # and its gate was lost
        with gate([upstream.url], config):
            assert gone(store, request_id)
    finally:
        store.close()
    assert sorted(s["status"]["state"] for s in silences_on(upstream, "stall-5")) == ["active", "pending"]

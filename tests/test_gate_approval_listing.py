"""An approval reads Alertmanager's listing off the event loop, as a write's judgement does.

Found by an uninformed attack: the approval read and parsed its own listing on the event loop,
so every other client waited for it: with 20,000 expired silences listed (9 MB) ``/-/healthy``
waited 0.6 s, with 40,000 1.5 s (an ordinary write: 0.01 s and 0.06 s). Alertmanager lists
expired silences for its retention (120 h), and the listing may grow to ``max_listing``.

The upstream is a stand-in that lists many expired silences and takes every write: what is
tested is the gate's event loop, not Alertmanager.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from oncall_policy.gate import proof as signing
from oncall_policy.gate.config import Approvals, GateConfig
from tests import http_servers
from tests.gate_support import BASIC, basic, call, gate, health_while, post, silence

LISTED = 20_000
APPROVER = "manager-x@clipper.app"


def expired(count: int) -> bytes:
    return json.dumps([
        {
            "id": f"{n:08x}-0000-4000-8000-000000000000",
            "status": {"state": "expired"},
            "updatedAt": "2026-01-01T10:00:00.000Z",
            "comment": "deployment in progress",
            "createdBy": "engineer-b@clipper.app",
            "startsAt": "2026-01-01T10:00:00.000Z",
            "endsAt": "2026-01-01T10:30:00.000Z",
            "matchers": [
                {"name": "alertname", "value": "HighErrorRate", "isRegex": False, "isEqual": True},
                {"name": "service", "value": f"s{n}", "isRegex": False, "isEqual": True},
            ],
        }
        for n in range(count)
    ]).encode()  # fmt: skip


def test_an_approval_does_not_hold_other_clients_while_it_reads_a_large_listing(tmp_path):
    listing = expired(LISTED)

    def answer(handler: Any, _: bytes) -> tuple[int, bytes, dict[str, str]]:
        if handler.command == "POST":
            return 200, json.dumps({"silenceID": str(uuid.uuid4())}).encode(), {}
        return 200, listing if handler.path.startswith("/api/v2/silences") else b"{}", {}

    signing.keygen(tmp_path / "gate.key")
    approvals = Approvals(database=str(tmp_path / "pending.sqlite3"), key_file=str(tmp_path / "gate.key"))
    config = GateConfig(auth=BASIC.auth, approvals=approvals)
    with http_servers.serve(answer) as (upstream, _), gate([upstream], config) as url:
        held = post(url, silence(("alertname", "ServiceDown"), ("service", "big")))
        assert held.status == 400, held.body
        request_id = re.search(r"silence approve (?P<id>[0-9a-f-]+)", held.json())["id"]
        approve = lambda: call(url, "POST", f"/-/approvals/{request_id}", b"{}", basic(APPROVER), timeout=120)  # noqa: E731
        worst, answer = health_while(url, approve)
    assert answer.status == 200, answer.body
    assert answer.json()["status"] == "created"
    assert worst < 0.25, f"/-/healthy waited {worst:.2f}s while an approval read the listing"

"""One person's many requests waiting for approval keep no one else waiting (found by an
uninformed attack): each held write read them all back and sized them on the event loop (20,000
small ones, inside one person's share: 0.4-0.5 s for every other client, per write), and a
listing of them made each into JSON there (0.8 s). Their size is summed in the database now,
and a listing shows at most ``approvals.MAX_LISTED``, and ``MAX_LISTED_EACH`` of one person's.

The requests are written to the store directly, as a gate restarted finds those it held.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from oncall_policy.gate import approvals
from oncall_policy.gate import pending_rows as rows
from oncall_policy.gate import proof as signing
from oncall_policy.gate.config import Approvals, GateConfig
from oncall_policy.gate.pending import SqliteStore
from oncall_policy.silence import api
from tests.alertmanager_server import running
from tests.gate_support import BASIC, basic, call, gate, health_while, post, silence

pytestmark = pytest.mark.amtool

HELD = 40_000  # small requests of one person's (past their share by now: what is held stays)


@pytest.fixture(scope="module")
def gated(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A gate whose store holds ``HELD`` small requests of engineer-b's."""
    folder = tmp_path_factory.mktemp("many-held")
    signing.keygen(folder / "gate.key")
    database = folder / "pending.sqlite3"
    filled(database, HELD, "engineer-b@clipper.app")
    config = GateConfig(
        auth=BASIC.auth, approvals=Approvals(database=str(database), key_file=str(folder / "gate.key"))
    )
    with running(alertmanager_binary, folder / "am") as upstream, gate([upstream.url], config) as url:
        post(url, silence(("alertname", "ServiceDown"), ("service", "warm")), as_who="engineer-b@clipper.app")
        yield url


def filled(database: Path, count: int, author: str) -> None:
    SqliteStore(str(database)).close()  # the table
    body = api.to_api(api.from_api(silence(("alertname", "ServiceDown"), ("service", "held"), author=author)))
    created = time.time()
    made = [
        rows.row(
            rows.Request(
                str(uuid.uuid4()), body, author, {"manager": ("p1-critical",)}, (),
                created=created + n / 1e6, expires=created + 86_400,
            )
        )
        for n in range(count)
    ]  # fmt: skip
    import sqlite3  # noqa: PLC0415

    with sqlite3.connect(database) as connection:
        connection.executemany(rows.INSERT.format(p="?"), made)


def test_a_held_write_of_one_who_holds_many_keeps_no_one_waiting(gated):
    one_more = silence(("alertname", "ServiceDown"), ("service", "one-more"), author="engineer-b@clipper.app")
    worst, answer = health_while(gated, lambda: post(gated, one_more, as_who="engineer-b@clipper.app"))
    assert answer.status in (400, 429), answer.body  # held, or past the share: either way, judged
    assert worst < 0.25, f"/-/healthy waited {worst:.2f} s for one write of a person holding {HELD:,}"


def test_a_listing_of_many_pending_requests_keeps_no_one_waiting(gated):
    ask = lambda: call(gated, "GET", "/-/approvals", None, basic("manager-x@clipper.app"), timeout=60)  # noqa: E731
    worst, answer = health_while(gated, ask)
    assert answer.status == 200
    assert len(answer.json()) == approvals.MAX_LISTED_EACH  # all of one person's
    assert worst < 0.25, f"/-/healthy waited {worst:.2f} s for one listing of {HELD:,} pending requests"

"""The pending-approvals stores, SQLite and a real PostgreSQL 15, held to one contract: add, get,
listing, approve, claim, release, finish, expiry; two instances on one database racing a claim
(exactly one wins) or approving at once (both kept); PostgreSQL restarted between calls; start-up
errors that say what is wrong and never show the password; and two gates in front of one real
Alertmanager sharing a request in PostgreSQL: asked through one, approved through the other,
created once; with PostgreSQL down, a 503 that says so."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from urllib.parse import quote

import pytest

import oncall_policy.gate as gate_package
from oncall_policy.gate import pending, pending_postgres
from oncall_policy.gate import pending_rows as rows
from oncall_policy.gate import proof as signing
from oncall_policy.gate.config import Approvals, GateConfig, GateConfigError
from oncall_policy.gate.pending import Request, Store
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import BASIC, basic, call, gate, post, silence
from tests.postgres_server import PASSWORD, Cluster

ROUNDS = 40  # races per test: enough to lose one now and then were the row not locked
REQUIRED = {"manager": ("p1-cap",), "security-team": ("security",)}


def spellings(password: str) -> tuple[str, str]:
    return password, quote(password, safe="")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database, as ``[approvals] database`` names it."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/pending.sqlite3"
    cluster: Cluster = request.getfixturevalue("postgresql")
    cluster.drop_table()  # the store creates it again
    return cluster.url


@pytest.fixture
def instances(database: str) -> Iterator[Callable[[], Store]]:
    """Opens stores on the one database, as several gate instances do; all closed at the end."""
    opened: list[Store] = []

    def instance() -> Store:
        opened.append(pending.open_store(database))
        return opened[-1]

    yield instance
    for store in opened:
        store.close()


def asked(request_id: str, created: float = 100.0, expires: float = 200.0) -> Request:
    return Request(request_id, {"comment": "deployment in progress"}, "engineer-a@clipper.app",
                   REQUIRED, (), created=created, expires=expires)  # fmt: skip


def test_the_store_contract(instances):
    store = instances()
    first, later = asked("a"), asked("b", created=110.0, expires=300.0)
    store.add(first)
    assert store.get("a", 150.0) == first
    assert store.get("a", 200.0) is None  # expired at its expiry
    assert store.get("nothing", 150.0) is None
    store.add(later)
    assert [found.id for found in store.listing(150.0)] == ["a", "b"]
    assert [found.id for found in store.listing(250.0)] == ["b"]
    assert [found.id for found in store.listing(150.0, 1)] == ["a"]  # the oldest

    approved = store.approve("b", "manager-x@clipper.app", ("manager",), 150.0)
    assert approved is not None
    assert approved.approvals == (("manager-x@clipper.app", ("manager",)),)
    assert approved.waiting_for == ("security-team",)
    assert store.approve("b", "manager-x@clipper.app", ("manager",), 150.0) == approved  # once
    assert store.approve("a", "manager-x@clipper.app", ("manager",), 250.0) is None  # expired
    assert store.approve("nothing", "manager-x@clipper.app", ("manager",), 150.0) is None

    claimed = store.claim("b", 150.0)
    assert claimed == approved.replace(state="creating", claim_ends=150.0 + rows.LEASE_SECONDS)
    assert store.claim("b", 150.0) is None  # one instance creates it
    assert store.approve("b", "security@clipper.app", ("security-team",), 150.0) == claimed  # not now
    store.release(claimed, 150.0)  # no Alertmanager took it: to be tried again
    retry = approved.replace(state="approved", claim_ends=150.0)
    assert store.get("b", 150.0) == retry
    assert store.due(150.0) == [retry]  # by the next sweep, or an approver at once
    claimed = store.claim("b", 150.0)
    assert claimed is not None
    counted = (("manager-x@clipper.app", ()),)  # the policy in force: no longer a manager
    store.requires(claimed, {**REQUIRED, "lead": ("p9",)}, counted)  # and it asks more
    again = store.get("b", 150.0)
    assert again is not None
    assert (again.state, again.required, again.approvals, again.waiting_for) == (
        "pending",
        {**REQUIRED, "lead": ("p9",)},
        counted,
        ("manager", "security-team", "lead"),
    )
    assert store.claim("b", 150.0) is not None
    store.finish("b")
    assert store.get("b", 150.0) is None

    now = 1_796_155_113.0388184  # a real timestamp, kept to the microsecond
    store.add(asked("c", created=now, expires=now + 300))  # adding deletes the expired ("a")
    assert [found.id for found in store.listing(0.0)] == ["c"]
    assert store.get("c", now).created == now
    other = instances()  # another instance, or the gate restarted: the same requests
    assert other.listing(now) == store.listing(now)


def test_a_table_made_before_claims_had_an_end_gets_one(database):
    """A database an earlier gate made (no ``claim_ends`` column) is brought up to date when
    opened: a request it left 'creating' reads as claimed long ago, and is claimed again."""
    old_schema = rows.SCHEMA.replace(",\n  claim_ends {real} NOT NULL DEFAULT 0", "")
    row = rows.row(asked("old", expires=10_000.0).replace(state="creating"))[:-1]
    if database.startswith("sqlite"):
        import sqlite3  # noqa: PLC0415 - only here

        with sqlite3.connect(database.removeprefix("sqlite://")) as db:
            db.execute(old_schema.format(real="REAL"))
            db.execute("INSERT INTO pending VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
    else:
        import psycopg  # noqa: PLC0415

        with psycopg.connect(database, autocommit=True) as db:
            db.execute(old_schema.format(real="DOUBLE PRECISION"))
            db.execute("INSERT INTO pending VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", row)
    store = pending.open_store(database)
    try:
        assert [found.id for found in store.due(150.0)] == ["old"]
        assert store.claim("old", 150.0) is not None
    finally:
        store.close()
    again = pending.open_store(database)  # opened again: nothing left to add
    again.close()


def test_a_claim_lasts_as_its_holder_says_and_only_its_holder_renews_or_gives_it_back(instances):
    store = instances()
    store.add(asked("b", created=110.0, expires=300.0))
    claimed = store.claim("b", 150.0, 10.0)  # its holder's lease: 10 s
    assert claimed is not None
    assert claimed.claim_ends == 160.0
    assert store.claim("b", 159.0, 1.0) is None  # another, of a shorter lease, reads the holder's end
    assert store.due(159.0) == []
    assert store.due(160.0) == [claimed]  # its gate stopped half-way: another claims it
    resumed = store.claim("b", 160.0, 1.0)
    assert resumed == claimed.replace(claim_ends=161.0)
    assert store.due(160.5) == []
    # The claim it lost is no longer the first instance's: not taken again, given back or changed.
    assert store.renew(claimed, 160.5, 10.0) is None
    store.release(claimed, 160.5)
    store.requires(claimed, {"lead": ("p9",)}, ())
    assert store.get("b", 160.5) == resumed
    renewed = store.renew(resumed, 160.5, 10.0)  # the second's: its creation's turn has come
    assert renewed == resumed.replace(claim_ends=170.5)
    assert store.due(170.0) == []  # the claim ends as renewed
    store.release(renewed, 171.0)
    assert store.get("b", 171.0).state == "approved"


def race(*calls: Callable[[], object]) -> list[object]:
    """Each call on a thread of its own, let go at once; their results in order."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_the_store_lists_and_sizes_each_authors_requests(instances):
    """At most so many of one author's in a listing, oldest first; the bytes one author's would
    take in Alertmanager's listing once created (``rows.HELD_SIZE``)."""
    store = instances()
    first, later = asked("a"), asked("b", created=110.0, expires=300.0)
    someone_else = asked("e", created=105.0).replace(author="engineer-b@clipper.app")
    for request in (first, later, someone_else):
        store.add(request)
    assert [found.id for found in store.listing(150.0, None, 1)] == ["a", "e"]  # the oldest of each
    assert [found.id for found in store.listing(150.0, 2, 1)] == ["a", "e"]
    assert [found.id for found in store.listing(150.0, 1, 1)] == ["a"]
    one = len(rows.row(first)[1]) + rows.RECORDED  # its JSON, and what its listed silence has besides
    assert store.held_size("engineer-a@clipper.app", 150.0) == 2 * one
    assert store.held_size("engineer-a@clipper.app", 250.0) == one  # "a" expired
    assert store.held_size("engineer-b@clipper.app", 150.0) == one
    assert store.held_size("nobody@clipper.app", 150.0) == 0
    escaped = asked("f", expires=300.0).replace(silence={"comment": "<&>"}, author="html@clipper.app")
    store.add(escaped)
    assert store.held_size("html@clipper.app", 150.0) == len(rows.row(escaped)[1]) + rows.RECORDED + 3 * 5


def test_two_instances_racing_a_claim_exactly_one_wins(instances):
    one, two = instances(), instances()
    for round_ in range(ROUNDS):
        request_id = f"race-{round_}"
        one.add(asked(request_id, created=100.0, expires=10_000.0))
        won = race(partial(one.claim, request_id, 150.0), partial(two.claim, request_id, 150.0))
        assert sum(found is not None for found in won) == 1, won


def test_two_instances_approving_at_once_both_approvals_are_kept(instances):
    one, two = instances(), instances()
    for round_ in range(ROUNDS):
        request_id = f"both-{round_}"
        one.add(asked(request_id, created=100.0, expires=10_000.0))
        race(
            partial(one.approve, request_id, "manager-x@clipper.app", ("manager",), 150.0),
            partial(two.approve, request_id, "security@clipper.app", ("security-team",), 150.0),
        )
        found = one.get(request_id, 150.0)
        assert found is not None
        assert sorted(email for email, _ in found.approvals) == [
            "manager-x@clipper.app",
            "security@clipper.app",
        ]
        assert found.waiting_for == ()


def test_a_restart_of_postgresql_between_calls_is_survived(postgresql):
    postgresql.drop_table()
    store = pending.open_store(postgresql.url)
    try:
        store.add(asked("r", expires=10_000.0))
        postgresql.restart()
        assert store.get("r", 150.0) is not None  # a read: run again on a new connection
        postgresql.restart()
        assert store.approve("r", "manager-x@clipper.app", ("manager",), 150.0) is not None
        postgresql.restart()
        assert store.claim("r", 150.0) is not None  # cut off before its commit: safe to run again
        postgresql.stop()
        with pytest.raises(pending_postgres.PendingStoreError) as down:
            store.listing(150.0)
        postgresql.start()
        assert store.get("r", 150.0).state == "creating"  # and the store works again
    finally:
        store.close()
    text = str(down.value)
    assert text.startswith(f"postgresql://gate:***@127.0.0.1:{postgresql.port}/gate: listing the requests: ")
    assert "Connection refused" in text
    assert not any(secret in text for secret in spellings(PASSWORD))


def test_start_up_errors_name_the_database_without_its_password(postgresql):
    wrong = "not the password:@/"
    with pytest.raises(GateConfigError) as refused:
        pending.open_store(postgresql.url_with(wrong))
    text = str(refused.value)
    assert text.startswith(f"approvals.database postgresql://gate:***@127.0.0.1:{postgresql.port}/gate: ")
    assert 'password authentication failed for user "gate"' in text
    assert not any(secret in text for secret in (*spellings(wrong), *spellings(PASSWORD)))
    with pytest.raises(
        GateConfigError, match=r"cannot open the pending-approvals database: .*Connection refused"
    ):
        pending.open_store(f"postgresql://gate:{quote(PASSWORD, safe='')}@127.0.0.1:1/gate")
    postgresql.drop_table()
    with postgresql.superuser() as db:  # a user who may connect but not create the table
        db.execute("DROP ROLE IF EXISTS reader")
        db.execute("CREATE ROLE reader LOGIN PASSWORD 'reader secret'")
    reader = postgresql.url.replace(f"gate:{quote(PASSWORD, safe='')}@", "reader:reader%20secret@")
    with pytest.raises(
        GateConfigError, match=r"postgresql://reader:\*\*\*@.*permission denied for schema public"
    ):
        pending.open_store(reader)
    with pytest.raises(GateConfigError) as unknown:
        pending.open_store("mysql://gate:hunter2@db/gate")
    assert str(unknown.value) == (
        "approvals.database: 'mysql://…' is neither a file path, sqlite:///PATH nor postgresql://…"
    )


def test_the_password_may_come_from_a_password_file(postgresql, tmp_path):
    """As the README advises: the settings name a libpq password file, not the password."""
    postgresql.drop_table()
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{postgresql.port}:gate:gate:{PASSWORD.replace(':', chr(92) + ':')}\n")
    passfile.chmod(0o600)  # libpq ignores a file others may read
    store = pending.open_store(f"postgresql://gate@127.0.0.1:{postgresql.port}/gate?passfile={passfile}")
    try:
        assert store.listing(0.0) == []
    finally:
        store.close()


def test_the_gate_refuses_to_start_with_a_wrong_password_in_one_clear_line(postgresql, tmp_path):
    signing.keygen(tmp_path / "gate.key")
    wrong = "wrong password"
    (tmp_path / "gate.toml").write_text(
        '[auth]\nmode = "basic"\nusers_file = "users"\n'
        f'[approvals]\ndatabase = "{postgresql.url_with(wrong)}"\nkey_file = "gate.key"\n'
    )
    (tmp_path / "users").write_text("")
    run = subprocess.run(
        [sys.executable, "-m", "oncall_policy", "gate", "--policy", str(CLIPPER), "--upstream",
         "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--config", str(tmp_path / "gate.toml")],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    [line] = [line for line in run.stderr.splitlines() if "error" in line]
    assert line.startswith(
        f"oncall-policy: error: approvals.database postgresql://gate:***@127.0.0.1:{postgresql.port}/gate: cannot open"
    )
    assert not any(secret in run.stderr for secret in (*spellings(wrong), *spellings(PASSWORD)))


def test_without_psycopg_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg: ImportError
    monkeypatch.delitem(sys.modules, "oncall_policy.gate.pending_postgres")  # imported again
    monkeypatch.delattr(gate_package, "pending_postgres")
    with pytest.raises(GateConfigError) as refused:
        pending.open_store("postgresql://gate:hunter2@db.example/gate")
    assert str(refused.value) == (
        "approvals.database: a PostgreSQL database needs psycopg, which is not installed: "
        "pip install 'oncall-policy[postgresql]'"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://gate:s3cret@db:5432/gate", "postgresql://gate:***@db:5432/gate"),
        (
            "postgresql://gate:a%40b@db1,db2/gate?sslmode=require",
            "postgresql://gate:***@db1,db2/gate?sslmode=require",
        ),
        (
            "postgres://gate@db/gate?password=s3cret&sslmode=verify-full",
            "postgres://gate@db/gate?password=***&sslmode=verify-full",
        ),
        ("postgresql:///gate?host=/run/postgresql", "postgresql:///gate?host=/run/postgresql"),
        (  # red team: the key's passphrase was shown
            "postgresql://gate@db/gate?sslpassword=Pass-9f3&sslmode=verify-full&Password=x",
            "postgresql://gate@db/gate?sslpassword=***&sslmode=verify-full&Password=***",
        ),
    ],
    ids=["userinfo", "encoded-and-hosts", "query", "no-password", "ssl-key-passphrase"],
)
def test_a_url_is_shown_without_its_password(url, shown):
    assert pending_postgres.redacted(url) == shown


@pytest.mark.amtool
def test_two_gates_share_a_request_asked_through_one_and_approved_through_the_other(
    alertmanager_binary, postgresql, tmp_path
):
    postgresql.drop_table()
    signing.keygen(tmp_path / "gate.key")  # the instances sign with one key
    config = GateConfig(
        auth=BASIC.auth, approvals=Approvals(database=postgresql.url, key_file=str(tmp_path / "gate.key"))
    )
    with (
        running(alertmanager_binary, tmp_path / "am") as upstream,
        gate([upstream.url], config) as one,
        gate([upstream.url], config) as two,
    ):
        answer = post(one, silence(("alertname", "ServiceDown"), ("service", "pg-shared")))
        assert answer.status == 400
        assert answer.json().startswith("PENDING APPROVAL: ")
        manager = basic("manager-x@clipper.app")
        [held] = call(two, "GET", "/-/approvals", None, manager).json()
        approved = call(two, "POST", f"/-/approvals/{held['id']}", b"{}", basic("manager-x@clipper.app"))
        assert approved.status == 200, approved.body
        assert approved.json()["status"] == "created"
        again = call(one, "POST", f"/-/approvals/{held['id']}", b"{}", basic("manager-x@clipper.app"))
        assert again.status == 404  # created: gone for every instance
        created = [item for item in upstream.silences() if "pg-shared" in str(item["matchers"])]
        assert [item["id"] for item in created] == [approved.json()["silenceID"]]
        assert call(one, "GET", "/-/approvals", None, manager).json() == []
        postgresql.stop()
        try:
            down = call(two, "GET", "/-/approvals", None, manager)
            needs_approval = post(two, silence(("alertname", "ServiceDown"), ("service", "pg-down")))
            # one that needs none is not refused for the store (its share counts nothing held)
            plain = post(two, silence(("alertname", "HighErrorRate"), ("service", "pg-down")))
        finally:
            postgresql.start()
        assert (down.status, down.json()["message"]) == (503, pending.UNAVAILABLE)
        assert needs_approval.status == 503
        assert plain.status == 200, plain.body
        assert call(two, "GET", "/-/approvals", None, manager).json() == []  # connected again

"""Pending approval requests, kept where every gate instance sees them and a restart keeps them.

``Store`` is the seam: what the gate asks of a database, in plain blocking calls. ``SqliteStore``
keeps them in a file (stdlib ``sqlite3``; WAL, so that readers never wait for the writer, and a
busy timeout, so that instances on one host take turns; each change is one ``BEGIN IMMEDIATE``
transaction). ``pending_postgres.PostgresStore`` keeps them in PostgreSQL, for instances on
several hosts: the same table, the same transactions, with ``SELECT … FOR UPDATE`` where SQLite
takes its write lock. ``open_store`` picks one by the configured ``database``. ``Desk`` runs a
store's calls on one thread of its own, off the event loop, in order.

A request is ``pending`` until the approvals cover every required role; then one instance
``claim``s it (``creating``: no other can), creates the silence and ``finish``es it (the row
goes), or ``release``s it when no Alertmanager took it. A request past its expiry is never
returned, and is deleted whenever a request is added.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from aiohttp import web

from oncall_policy.gate import answers
from oncall_policy.gate import pending_rows as rows
from oncall_policy.gate.config import GateConfigError
from oncall_policy.gate.pending_rows import PendingStoreError, Request
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Final

__all__ = ["Desk", "PendingStoreError", "Request", "SqliteStore", "Store", "now", "open_store"]

T = TypeVar("T")
BUSY_MS = 5000
POSTGRESQL = ("postgres://", "postgresql://")
UNAVAILABLE = "the pending-approvals database cannot be used now; try again (the gate's log says why)"
log = logging.getLogger(__name__)


class Store(Protocol):
    """What the gate asks of the database holding pending requests (blocking calls)."""

    def add(self, request: Request) -> None: ...
    def get(self, request_id: str, now: float) -> Request | None: ...
    def listing(
        self, now: float, limit: int | None = None, per_author: int | None = None
    ) -> list[Request]: ...
    def held_size(self, author: str, now: float) -> int: ...
    def approve(self, request_id: str, email: str, roles: tuple[str, ...], now: float) -> Request | None: ...
    def claim(self, request_id: str, now: float, lease: float = rows.LEASE_SECONDS) -> Request | None: ...
    def due(self, now: float) -> list[Request]: ...
    def renew(self, claimed: Request, now: float, lease: float = rows.LEASE_SECONDS) -> Request | None: ...
    def release(self, claimed: Request, now: float) -> None: ...
    def requires(
        self,
        claimed: Request,
        required: Mapping[str, tuple[str, ...]],
        approvals: tuple[tuple[str, tuple[str, ...]], ...],
    ) -> None: ...
    def finish(self, request_id: str) -> None: ...
    def close(self) -> None: ...


class SqliteStore:
    def __init__(self, path: str) -> None:
        try:
            self._db = sqlite3.connect(
                path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            self._write(_schema)
        except sqlite3.Error as error:
            raise GateConfigError(f"{path}: cannot open the pending-approvals database: {error}") from None

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            result = work(self._db)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return result

    def add(self, request: Request) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM pending WHERE expires <= ?", (request.created,))
            db.execute(rows.INSERT.format(p="?"), rows.row(request))

        self._write(work)

    def get(self, request_id: str, now: float) -> Request | None:
        row = self._db.execute(rows.GET.format(p="?"), (request_id, now)).fetchone()
        return None if row is None else rows.request(row)

    def listing(self, now: float, limit: int | None = None, per_author: int | None = None) -> list[Request]:
        """The requests that have not expired, oldest first (at most ``limit``, and at most
        ``per_author`` of one author's)."""
        bounds = (-1 if limit is None else limit, per_author or rows.ANY)  # LIMIT -1: none, in SQLite
        found = self._db.execute(rows.LISTING.format(p="?"), (now, bounds[1], bounds[0]))
        return [rows.request(row) for row in found.fetchall()]

    def held_size(self, author: str, now: float) -> int:
        """About how many bytes of Alertmanager's listing the requests ``author`` (a roster
        email) asked for that have not expired would take once created: summed in the database
        (``rows.HELD_SIZE``), so that neither the requests nor their sizes reach the gate."""
        found = self._db.execute(
            rows.HELD_SIZE.format(p="?", recorded=rows.RECORDED), (author, now)
        ).fetchone()
        return int(found[0])

    def approve(self, request_id: str, email: str, roles: tuple[str, ...], now: float) -> Request | None:
        """The request with ``email``'s approval for ``roles`` added (once per email)."""

        def work(db: sqlite3.Connection) -> Request | None:
            found = self.get(request_id, now)
            if found is None or found.state != "pending":
                return found
            approved = found.approved_by(email, roles)
            if approved is not found:
                db.execute(
                    "UPDATE pending SET approvals = ? WHERE id = ?", (rows.approvals(approved), request_id)
                )
            return approved

        return self._write(work)

    def claim(self, request_id: str, now: float, lease: float = rows.LEASE_SECONDS) -> Request | None:
        """The request, now ``creating`` until ``now`` and ``lease`` (None: gone, expired, or
        being created by another whose claim has not ended)."""

        def work(db: sqlite3.Connection) -> Request | None:
            found = self.get(request_id, now)
            if found is None or not (found.state in ("pending", "approved") or found.due(now)):
                return None
            ends = now + lease
            db.execute(
                "UPDATE pending SET state = 'creating', claim_ends = ? WHERE id = ?", (ends, request_id)
            )
            return found.replace(state="creating", claim_ends=ends)

        return self._write(work)

    def due(self, now: float) -> list[Request]:
        """The requests to create whose time has come (``Request.due``)."""
        found = self._db.execute(rows.DUE.format(p="?"), (now, now))
        return [rows.request(row) for row in found.fetchall()]

    def renew(self, claimed: Request, now: float, lease: float = rows.LEASE_SECONDS) -> Request | None:
        """``claimed``, its claim taken again until ``now`` and ``lease`` (None: the claim is no
        longer this one: another instance claimed it once it ended, or it is gone)."""
        ends = now + lease
        given = (ends, claimed.id, claimed.claim_ends)
        changed = self._write(lambda db: db.execute(rows.RENEW.format(p="?"), given).rowcount)
        return claimed.replace(claim_ends=ends) if changed == 1 else None

    def release(self, claimed: Request, now: float) -> None:
        """``claimed``, every role approving it, given back at ``now`` to be tried again by the
        next sweep or approver (if its claim is still this one)."""
        given = (now, claimed.id, claimed.claim_ends)
        self._write(lambda db: db.execute(rows.RELEASE.format(p="?"), given))

    def requires(
        self,
        claimed: Request,
        required: Mapping[str, tuple[str, ...]],
        approvals: tuple[tuple[str, tuple[str, ...]], ...],
    ) -> None:
        """``claimed`` back to pending (if its claim is still this one), waiting for ``required``
        (each role and the rules requiring it) with ``approvals`` (each approver and the roles
        they cover): the policy in force asks more than when it was held, or counts the
        approvals given otherwise."""
        given = (rows.required(required), rows.given(approvals), claimed.id, claimed.claim_ends)
        self._write(lambda db: db.execute(rows.REQUIRES.format(p="?"), given))

    def finish(self, request_id: str) -> None:
        self._write(lambda db: db.execute("DELETE FROM pending WHERE id = ?", (request_id,)))

    def close(self) -> None:
        self._db.close()


def _schema(db: sqlite3.Connection) -> None:
    """The table, made or brought up to date in one transaction (instances may start together)."""
    db.execute(rows.SCHEMA.format(real="REAL"))
    if "claim_ends" not in {column[1] for column in db.execute("PRAGMA table_info(pending)")}:
        db.execute(rows.ADD_CLAIM_ENDS.format(if_missing="", real="REAL"))


def open_store(database: str) -> Store:
    """The store at ``database``: a SQLite file path (or ``sqlite:///PATH``), or a PostgreSQL URL
    (``postgresql://USER@HOST/DB``) for instances on several hosts."""
    if database.startswith(POSTGRESQL):
        return _postgres(database)
    if "://" in database and not database.startswith("sqlite:///"):
        raise GateConfigError(
            f"approvals.database: {_scheme(database)!r} is neither a file path, sqlite:///PATH "
            "nor postgresql://…"
        )
    if _key_value(database):
        # libpq's 'host=… password=…' form, read as a file name, made a file named after the
        # password (red team). Not shown: it may hold one.
        raise GateConfigError(
            "approvals.database: looks like PostgreSQL's key=value form; write a URL "
            "(postgresql://USER@HOST/DB?sslmode=…), or a SQLite file path"
        )
    return SqliteStore(database.removeprefix("sqlite://"))


def _key_value(database: str) -> bool:
    """Whether ``database`` reads as libpq's ``key=value`` connection string."""
    first = database.strip().partition(" ")[0]
    return "=" in first and first.partition("=")[0].isidentifier()


def _scheme(database: str) -> str:
    """The scheme of a URL alone: the rest may hold a password."""
    return database.split("://", 1)[0] + "://…"


def _postgres(url: str) -> Store:
    try:
        from oncall_policy.gate import pending_postgres  # noqa: PLC0415 - psycopg only when asked for
    except ImportError as error:
        if error.name is None or not error.name.startswith("psycopg"):
            raise
        raise GateConfigError(
            "approvals.database: a PostgreSQL database needs psycopg, which is not installed: "
            "pip install 'oncall-policy[postgresql]'"
        ) from None
    return pending_postgres.PostgresStore(url)


class Desk:
    """A store's calls, run one at a time on a thread of their own, awaited from the event loop."""

    def __init__(self, store: Store) -> None:
        self.store: Final = store
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pending-approvals")

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        """``call``'s result; a store that cannot answer (its database down) is the request's
        503, its reason in the log (a client is not told where the database is)."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._thread, call, *args)
        except PendingStoreError as error:
            log.error("%s", error)  # noqa: TRY400 - the reason is the message: no traceback
            body = answers.go_json({"code": 503, "message": UNAVAILABLE})
            raise web.HTTPServiceUnavailable(text=body, content_type=answers.JSON) from None

    async def close(self) -> None:
        await self.run(self.store.close)
        self._thread.shutdown(wait=True)


def now() -> float:
    return time.time()

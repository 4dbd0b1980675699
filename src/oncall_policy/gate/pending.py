"""Pending approval requests, kept where every gate instance sees them and a restart keeps them.

``Store`` is the seam: what the gate asks of a database, in plain blocking calls. ``SqliteStore``
is the one implemented (stdlib ``sqlite3``; WAL, so that readers never wait for the writer, and
a busy timeout, so that instances on one host take turns; each change is one ``BEGIN
IMMEDIATE`` transaction). PostgreSQL would be another ``Store`` with the same table and the same
transactions (``SELECT … FOR UPDATE`` where SQLite takes its write lock); ``open_store`` names
it and refuses it, since it is not written yet. ``Desk`` runs a store's calls on one thread of
its own, off the event loop, in order.

A request is ``pending`` until the approvals cover every required role; then one instance
``claim``s it (``creating``: no other can), creates the silence and ``finish``es it (the row
goes), or ``release``s it when no Alertmanager took it. A request past its expiry is never
returned, and is deleted whenever a request is added.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from oncall_policy.gate.config import GateConfigError
from oncall_policy.records import Record
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from dataclasses import KW_ONLY
    from typing import Final

T = TypeVar("T")
BUSY_MS = 5000

SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
  id TEXT PRIMARY KEY,
  silence TEXT NOT NULL,       -- the postable silence as JSON, as judged
  author TEXT NOT NULL,        -- the roster email of the person who asked
  required TEXT NOT NULL,      -- JSON: each required role and the rules requiring it
  approvals TEXT NOT NULL,     -- JSON: [[email, [roles…]], …] in the order given
  state TEXT NOT NULL,         -- 'pending' or 'creating'
  created REAL NOT NULL,       -- seconds since the epoch
  expires REAL NOT NULL
)
"""


class Request(Record):
    """A silence waiting for approvals."""

    id: str
    silence: Mapping[str, Any]
    author: str
    required: Mapping[str, tuple[str, ...]]
    approvals: tuple[tuple[str, tuple[str, ...]], ...]
    _: KW_ONLY
    state: str = "pending"
    created: float = 0.0
    expires: float = 0.0

    @property
    def covered(self) -> frozenset[str]:
        return frozenset(role for _, roles in self.approvals for role in roles)

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """The required roles no approval covers yet."""
        return tuple(role for role in self.required if role not in self.covered)


class Store(Protocol):
    """What the gate asks of the database holding pending requests (blocking calls)."""

    def add(self, request: Request) -> None: ...
    def get(self, request_id: str, now: float) -> Request | None: ...
    def listing(self, now: float) -> list[Request]: ...
    def approve(self, request_id: str, email: str, roles: tuple[str, ...], now: float) -> Request | None: ...
    def claim(self, request_id: str, now: float) -> Request | None: ...
    def release(self, request_id: str) -> None: ...
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
            self._db.execute(SCHEMA)
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
            db.execute("INSERT INTO pending VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _row(request))

        self._write(work)

    def get(self, request_id: str, now: float) -> Request | None:
        row = self._db.execute(
            "SELECT * FROM pending WHERE id = ? AND expires > ?", (request_id, now)
        ).fetchone()
        return None if row is None else _request(row)

    def listing(self, now: float) -> list[Request]:
        rows = self._db.execute("SELECT * FROM pending WHERE expires > ? ORDER BY created, id", (now,))
        return [_request(row) for row in rows.fetchall()]

    def approve(self, request_id: str, email: str, roles: tuple[str, ...], now: float) -> Request | None:
        """The request with ``email``'s approval for ``roles`` added (once per email)."""

        def work(db: sqlite3.Connection) -> Request | None:
            found = self.get(request_id, now)
            if found is None or found.state != "pending":
                return found
            if all(given != email for given, _ in found.approvals):
                found = found.replace(approvals=(*found.approvals, (email, roles)))
                db.execute("UPDATE pending SET approvals = ? WHERE id = ?", (_approvals(found), request_id))
            return found

        return self._write(work)

    def claim(self, request_id: str, now: float) -> Request | None:
        """The request, now ``creating`` (None: gone, expired, or claimed by another)."""

        def work(db: sqlite3.Connection) -> Request | None:
            found = self.get(request_id, now)
            if found is None or found.state != "pending":
                return None
            db.execute("UPDATE pending SET state = 'creating' WHERE id = ?", (request_id,))
            return found.replace(state="creating")

        return self._write(work)

    def release(self, request_id: str) -> None:
        self._write(lambda db: db.execute("UPDATE pending SET state = 'pending' WHERE id = ?", (request_id,)))

    def finish(self, request_id: str) -> None:
        self._write(lambda db: db.execute("DELETE FROM pending WHERE id = ?", (request_id,)))

    def close(self) -> None:
        self._db.close()


def _row(request: Request) -> tuple[Any, ...]:
    return (
        request.id,
        json.dumps(request.silence),
        request.author,
        json.dumps(request.required),
        _approvals(request),
        request.state,
        request.created,
        request.expires,
    )


def _approvals(request: Request) -> str:
    return json.dumps([[email, list(roles)] for email, roles in request.approvals])


def _request(row: Sequence[Any]) -> Request:
    ident, silence, author, required, approvals, state, created, expires = row
    return Request(
        ident,
        json.loads(silence),
        author,
        {role: tuple(rules) for role, rules in json.loads(required).items()},
        tuple((email, tuple(roles)) for email, roles in json.loads(approvals)),
        state=state,
        created=created,
        expires=expires,
    )


def open_store(database: str) -> Store:
    """The store at ``database``: a SQLite file path (or ``sqlite:///PATH``); ``postgresql://…``
    is the seam for several hosts, not implemented yet."""
    if database.startswith(("postgres://", "postgresql://")):
        raise GateConfigError(
            "approvals.database: PostgreSQL is not supported yet; give a SQLite file path "
            "(instances on one host share it)"
        )
    if "://" in database and not database.startswith("sqlite:///"):
        raise GateConfigError(f"approvals.database: {database!r} is neither a file path nor sqlite:///PATH")
    return SqliteStore(database.removeprefix("sqlite://"))


class Desk:
    """A store's calls, run one at a time on a thread of their own, awaited from the event loop."""

    def __init__(self, store: Store) -> None:
        self.store: Final = store
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pending-approvals")

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, call, *args)

    async def close(self) -> None:
        await self.run(self.store.close)
        self._thread.shutdown(wait=True)


def now() -> float:
    return time.time()

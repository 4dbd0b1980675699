"""Pending approval requests in PostgreSQL, for gate instances on several hosts.

The same table as SQLite's (created if missing) and the same semantics (``pending.Store``). Each
change is one transaction, and a change that reads the row first (``approve``, ``claim``) locks
it (``SELECT … FOR UPDATE``): a second instance waits for the first's commit and reads the row
as it left it, so two instances never both claim a request and never lose an approval.

One connection per store, autocommit between transactions (``Desk`` calls it from one thread).
When the connection breaks (PostgreSQL restarted, the network cut), the next call opens a new
one, and a call cut off by the break runs again once where that is safe: always when it broke
before the commit (the server rolls back a transaction whose connection is gone); when the
commit itself was cut off, only for calls that may run twice (every call but ``claim``, which
would find its own claim and answer "taken"). Otherwise ``PendingStoreError`` says what is
unknown. The URL's password is never shown: messages name the database by the URL without it.
"""

from __future__ import annotations

from typing import Any, TypeVar

import psycopg
from psycopg import conninfo

from oncall_policy.gate import pending_rows as rows
from oncall_policy.gate.config import GateConfigError
from oncall_policy.gate.pending_rows import PendingStoreError
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from psycopg.rows import TupleRow

    from oncall_policy.gate.pending_rows import Request

    Connection = psycopg.Connection[TupleRow]

T = TypeVar("T")
CONNECT_TIMEOUT_S = 10  # unless the URL says otherwise (connect_timeout=)
SCHEMA_LOCK = 0x6F6E63616C6C  # an advisory lock: instances starting together create the table once
LOCKED = rows.GET.format(p="%s") + " FOR UPDATE"


class PostgresStore:
    def __init__(self, url: str) -> None:
        self._url = url
        self.shown = redacted(url)
        self._secrets = _passwords(url)
        self._db: Connection | None = None
        try:
            self._options = _options(url)
            self._db = self._connect()
            with self._db.transaction():
                self._db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                self._db.execute(rows.SCHEMA.format(real="DOUBLE PRECISION"))
                added = rows.ADD_CLAIM_ENDS.format(if_missing="IF NOT EXISTS ", real="DOUBLE PRECISION")
                self._db.execute(added)
        except psycopg.Error as error:
            self.close()  # connected, but the table could not be made
            raise GateConfigError(
                f"approvals.database {self.shown}: cannot open the pending-approvals database: "
                f"{self._plain(error)}"
            ) from None

    def _connect(self) -> Connection:
        db = psycopg.connect(self._url, autocommit=True, **self._options)
        db.execute("SET lock_timeout = '5s'")  # as SQLite's busy timeout: a longer wait is an error
        return db

    def _connection(self, what: str) -> Connection:
        """The open connection, opened again when the last one broke."""
        if self._db is not None and not self._db.closed:
            return self._db
        try:
            self._db = self._connect()
        except psycopg.Error as error:
            raise PendingStoreError(f"{self.shown}: {what}: cannot reconnect: {self._plain(error)}") from None
        return self._db

    def _run(self, what: str, work: Callable[[Connection], T], *, twice: bool = True) -> T:
        """``work`` in one transaction, run again once on a new connection when the connection
        broke and running it again is safe (see the module's documentation)."""
        for attempt in (1, 2):
            db = self._connection(what)
            committing = False
            try:
                with db.transaction():
                    result = work(db)
                    committing = True  # the commit is sent when the block ends
            except psycopg.Error as error:
                if not db.closed:
                    raise PendingStoreError(f"{self.shown}: {what}: {self._plain(error)}") from None
                if attempt == 2 or (committing and not twice):
                    raise PendingStoreError(self._broken(what, committing, error)) from None
                continue
            return result
        raise AssertionError  # pragma: no cover - the loop returns or raises

    def _broken(self, what: str, committing: bool, error: psycopg.Error) -> str:
        unknown = " while committing: whether it took effect is unknown" if committing else ""
        return f"{self.shown}: {what}: the connection broke{unknown}: {self._plain(error)}"

    def _plain(self, error: psycopg.Error) -> str:
        """The error on one line, without the password should libpq repeat any of the URL."""
        text = " ".join(str(error).split())
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def add(self, request: Request) -> None:
        def work(db: Connection) -> None:
            db.execute("DELETE FROM pending WHERE expires <= %s", (request.created,))
            # A second run (its commit was cut off, and it had taken) finds its row there.
            db.execute(rows.INSERT.format(p="%s") + " ON CONFLICT (id) DO NOTHING", rows.row(request))

        self._run(f"adding request {request.id}", work)

    def get(self, request_id: str, now: float) -> Request | None:
        def work(db: Connection) -> Request | None:
            found = db.execute(rows.GET.format(p="%s"), (request_id, now))
            return _request(found.fetchone())

        return self._run(f"reading request {request_id}", work)

    def listing(self, now: float, limit: int | None = None, per_author: int | None = None) -> list[Request]:
        """The requests that have not expired, oldest first (at most ``limit``, and at most
        ``per_author`` of one author's)."""

        def work(db: Connection) -> list[Request]:
            # LIMIT NULL: no limit, in PostgreSQL
            found = db.execute(rows.LISTING.format(p="%s"), (now, per_author or rows.ANY, limit))
            return [rows.request(row) for row in found.fetchall()]

        return self._run("listing the requests", work)

    def held_size(self, author: str, now: float) -> int:
        """About how many bytes of Alertmanager's listing the requests ``author`` (a roster
        email) asked for that have not expired would take once created: summed in the database
        (``rows.HELD_SIZE``), so that neither the requests nor their sizes reach the gate."""

        def work(db: Connection) -> int:
            found = db.execute(
                rows.HELD_SIZE.format(p="%s", recorded=rows.RECORDED), (author, now)
            ).fetchone()
            return int(found[0]) if found is not None else 0

        return self._run(f"sizing the requests of {author}", work)

    def approve(self, request_id: str, email: str, roles: tuple[str, ...], now: float) -> Request | None:
        """The request with ``email``'s approval for ``roles`` added (once per email)."""

        def work(db: Connection) -> Request | None:
            found = _request(db.execute(LOCKED, (request_id, now)).fetchone())
            if found is None or found.state != "pending":
                return found
            approved = found.approved_by(email, roles)
            if approved is not found:
                db.execute(
                    "UPDATE pending SET approvals = %s WHERE id = %s", (rows.approvals(approved), request_id)
                )
            return approved

        return self._run(f"approving request {request_id}", work)

    def claim(self, request_id: str, now: float, lease: float = rows.LEASE_SECONDS) -> Request | None:
        """The request, now ``creating`` until ``now`` and ``lease`` (None: gone, expired, or
        being created by another whose claim has not ended)."""

        def work(db: Connection) -> Request | None:
            found = _request(db.execute(LOCKED, (request_id, now)).fetchone())
            if found is None or not (found.state in ("pending", "approved") or found.due(now)):
                return None
            ends = now + lease
            db.execute(
                "UPDATE pending SET state = 'creating', claim_ends = %s WHERE id = %s", (ends, request_id)
            )
            return found.replace(state="creating", claim_ends=ends)

        return self._run(f"claiming request {request_id}", work, twice=False)

    def due(self, now: float) -> list[Request]:
        """The requests to create whose time has come (``Request.due``)."""

        def work(db: Connection) -> list[Request]:
            found = db.execute(rows.DUE.format(p="%s"), (now, now))
            return [rows.request(row) for row in found.fetchall()]

        return self._run("listing the requests to create", work)

    def renew(self, claimed: Request, now: float, lease: float = rows.LEASE_SECONDS) -> Request | None:
        """``claimed``, its claim taken again until ``now`` and ``lease`` (None: the claim is no
        longer this one, or it is gone). Not run twice: a second run would find its own renewal
        and say "no longer this one", which leaves the request to be resumed: safe, never made
        twice."""
        ends = now + lease

        def work(db: Connection) -> int:
            return db.execute(rows.RENEW.format(p="%s"), (ends, claimed.id, claimed.claim_ends)).rowcount

        changed = self._run(f"renewing the claim on request {claimed.id}", work, twice=False)
        return claimed.replace(claim_ends=ends) if changed == 1 else None

    def release(self, claimed: Request, now: float) -> None:
        """``claimed``, every role approving it, given back at ``now`` to be tried again by the
        next sweep or approver (if its claim is still this one)."""
        given = (now, claimed.id, claimed.claim_ends)
        self._run(
            f"releasing request {claimed.id}", lambda db: db.execute(rows.RELEASE.format(p="%s"), given)
        )

    def requires(
        self,
        claimed: Request,
        required: Mapping[str, tuple[str, ...]],
        approvals: tuple[tuple[str, tuple[str, ...]], ...],
    ) -> None:
        """``claimed`` back to pending (if its claim is still this one), waiting for ``required``
        with ``approvals``."""
        given = (rows.required(required), rows.given(approvals), claimed.id, claimed.claim_ends)
        self._run(
            f"requiring more of request {claimed.id}",
            lambda db: db.execute(rows.REQUIRES.format(p="%s"), given),
        )

    def finish(self, request_id: str) -> None:
        self._run(
            f"finishing request {request_id}",
            lambda db: db.execute("DELETE FROM pending WHERE id = %s", (request_id,)),
        )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _request(found: TupleRow | None) -> Request | None:
    return None if found is None else rows.request(found)


def _options(url: str) -> dict[str, Any]:
    """What the store sets unless the URL does: a bounded wait to connect, and a name that
    ``pg_stat_activity`` shows."""
    given = conninfo.conninfo_to_dict(url)
    defaults = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "oncall-policy gate"}
    return {key: value for key, value in defaults.items() if key not in given}


def _secret(part: str) -> bool:
    """Whether a query parameter holds a secret: libpq's ``password`` and ``sslpassword`` (red
    team: the key's passphrase was shown), and any other ``…password``."""
    return part.partition("=")[0].strip().lower().endswith("password")


def redacted(url: str) -> str:
    """``url`` with its passwords (``user:PASSWORD@``, ``password=``, ``sslpassword=``) shown as ``***``."""
    scheme, _, rest = url.partition("://")
    location, slash, tail = rest.partition("/")
    userinfo, at, hosts = location.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    location = f"{user}:***@{hosts}" if colon else f"{userinfo}{at}{hosts}"
    path, question, query = tail.partition("?")
    query = "&".join(f"{part.partition('=')[0]}=***" if _secret(part) else part for part in query.split("&"))
    return f"{scheme}://{location}{slash}{path}{question}{query}"


def _passwords(url: str) -> tuple[str, ...]:
    """Every spelling of the URL's password (as written, and decoded), longest first."""
    from urllib.parse import unquote  # noqa: PLC0415 - only on this path

    location = url.partition("://")[2].partition("/")[0]
    userinfo = location.rpartition("@")[0]
    found = [userinfo.partition(":")[2]] if ":" in userinfo else []
    query = url.partition("?")[2]
    found += [part.partition("=")[2] for part in query.split("&") if _secret(part)]
    spellings = {spelling for secret in found for spelling in (secret, unquote(secret)) if spelling}
    return tuple(sorted(spellings, key=len, reverse=True))

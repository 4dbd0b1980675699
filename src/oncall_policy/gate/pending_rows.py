"""A pending approval request, and the row every store keeps it in.

Shared by the stores (``pending``'s SQLite, ``pending_postgres``'s PostgreSQL) so that both keep
the same table with the same columns, and read back the same ``Request``.
"""

from __future__ import annotations

import json
from typing import Any

from oncall_policy.errors import OncallPolicyError
from oncall_policy.records import Record
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from dataclasses import KW_ONLY

# The table, in SQL both databases read; ``{real}`` is each one's double-precision float (in
# PostgreSQL ``REAL`` is single precision: a timestamp would lose its seconds).
SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
  id TEXT PRIMARY KEY,
  silence TEXT NOT NULL,       -- the postable silence as JSON, as judged
  author TEXT NOT NULL,        -- the roster email of the person who asked
  required TEXT NOT NULL,      -- JSON: each required role and the rules requiring it
  approvals TEXT NOT NULL,     -- JSON: [[email, [roles…]], …] in the order given
  state TEXT NOT NULL,         -- 'pending' or 'creating'
  created {real} NOT NULL,     -- seconds since the epoch
  expires {real} NOT NULL,
  claimed {real} NOT NULL DEFAULT 0  -- when its creation began (state 'creating')
)
"""
# Tables made before ``claimed`` get it (a request stuck 'creating' there reads as claimed long ago).
ADD_CLAIMED = "ALTER TABLE pending ADD COLUMN {if_missing}claimed {real} NOT NULL DEFAULT 0"
# Every column is named, in the order ``row`` writes and ``request`` reads them, never ``*``.
INSERT = """
INSERT INTO pending (id, silence, author, required, approvals, state, created, expires, claimed)
VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})
"""
GET = """
SELECT id, silence, author, required, approvals, state, created, expires, claimed FROM pending
WHERE id = {p} AND expires > {p}
"""
# A creation takes the claim for at most this long. A gate that stopped between claiming a request
# and creating its silence (killed, its host lost) left it 'creating' for good: no approval could
# move it, and it was gone only when it expired. Past its lease any instance claims it again
# (``Request.stalled``), and creates the silence unless Alertmanager already holds it. The lease
# is far longer than any creation the gate's bounded timeouts allow (``lease``), so that two
# instances never create one request at once.
LEASE_SECONDS = 300.0
# A claim taken again by the instance that holds it (a creation's lease counts from when it
# begins, not from when it was claimed and waited its turn), given back, or given back waiting for
# more: each only while the claim is still the one that instance made (``claimed`` unchanged).
RENEW = "UPDATE pending SET claimed = {p} WHERE id = {p} AND state = 'creating' AND claimed = {p}"
RELEASE = "UPDATE pending SET state = 'pending', claimed = 0 WHERE id = {p} AND claimed = {p}"
REQUIRES = (
    "UPDATE pending SET required = {p}, approvals = {p}, state = 'pending', claimed = 0 "
    "WHERE id = {p} AND claimed = {p}"
)
# The stalled requests (``Request.stalled``) that have not expired, oldest first, a few at a time.
STALLED = """
SELECT id, silence, author, required, approvals, state, created, expires, claimed FROM pending
WHERE state = 'creating' AND claimed <= {p} AND expires > {p} ORDER BY created, id LIMIT 50
"""


# The requests that have not expired, oldest first: at most as many of one author's as the
# second parameter says, and as many in all as the third (so that no one's fill the listing).
LISTING = """
SELECT id, silence, author, required, approvals, state, created, expires, claimed FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY author ORDER BY created, id) AS turn
  FROM pending WHERE expires > {p}
) AS listed WHERE turn <= {p} ORDER BY created, id LIMIT {p}
"""
# About the bytes a request takes in Alertmanager's listing once created, at least: the JSON
# held (written by ``json.dumps``: every character past ASCII escaped, six bytes where Go writes
# at most four), each of <, > and & six bytes as Go escapes them, and ``RECORDED`` more for what
# every listed silence has besides (id, status, updatedAt: ``history_cache.listed_size`` counts
# 256) and the record of approvals and proof its comment gets once approved (some 150 bytes, and
# an approver's address and roles for each role; red team: 574 counted held, 650 created).
# ``{p}``: each database's placeholder.
RECORDED = 1024
ANY = 2**62  # as many of one author's as there are
HELD_SIZE = """
SELECT COALESCE(SUM(
  LENGTH(silence) + {recorded} + 5 * (3 * LENGTH(silence) - LENGTH(REPLACE(silence, '<', ''))
    - LENGTH(REPLACE(silence, '>', '')) - LENGTH(REPLACE(silence, '&', '')))
), 0) FROM pending WHERE author = {p} AND expires > {p}
"""


class PendingStoreError(OncallPolicyError):
    """A call on the pending-approvals database that could not be completed; the text says why
    (and names the database without its password)."""


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
    claimed: float = 0.0

    def stalled(self, now: float, lease: float = LEASE_SECONDS) -> bool:
        """Whether its creation began longer than ``lease`` ago and never ended: the gate that
        claimed it stopped, and another may claim it again."""
        return self.state == "creating" and self.claimed <= now - lease

    @property
    def covered(self) -> frozenset[str]:
        return frozenset(role for _, roles in self.approvals for role in roles)

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """The required roles no approval covers yet."""
        return tuple(role for role in self.required if role not in self.covered)

    def approved_by(self, email: str, roles: tuple[str, ...]) -> Request:
        """The request with ``email``'s approval for ``roles`` (once per email: a second is ignored)."""
        if any(given == email for given, _ in self.approvals):
            return self
        return self.replace(approvals=(*self.approvals, (email, roles)))


def row(request: Request) -> tuple[Any, ...]:
    """The columns of ``request``, in the table's order."""
    return (
        request.id,
        json.dumps(request.silence),
        request.author,
        required(request.required),
        approvals(request),
        request.state,
        request.created,
        request.expires,
        request.claimed,
    )


def required(roles: Mapping[str, tuple[str, ...]]) -> str:
    return json.dumps(roles)


def approvals(request: Request) -> str:
    return given(request.approvals)


def given(approvals: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    return json.dumps([[email, list(roles)] for email, roles in approvals])


def request(columns: Sequence[Any]) -> Request:
    """The request a row holds."""
    ident, silence, author, required, given, state, created, expires, claimed = columns
    return Request(
        ident,
        json.loads(silence),
        author,
        {role: tuple(rules) for role, rules in json.loads(required).items()},
        tuple((email, tuple(roles)) for email, roles in json.loads(given)),
        state=state,
        created=created,
        expires=expires,
        claimed=claimed,
    )

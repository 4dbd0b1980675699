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
  state TEXT NOT NULL,         -- 'pending', 'approved' or 'creating' (``Request``)
  created {real} NOT NULL,     -- seconds since the epoch
  expires {real} NOT NULL,
  claim_ends {real} NOT NULL DEFAULT 0  -- 'creating' until then; 'approved': given back then
)
"""
# Tables made before ``claim_ends`` get it (a request stuck 'creating' there reads as claimed long ago).
ADD_CLAIM_ENDS = "ALTER TABLE pending ADD COLUMN {if_missing}claim_ends {real} NOT NULL DEFAULT 0"
# Every column is named, in the order ``row`` writes and ``request`` reads them, never ``*``.
INSERT = """
INSERT INTO pending (id, silence, author, required, approvals, state, created, expires, claim_ends)
VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})
"""
GET = """
SELECT id, silence, author, required, approvals, state, created, expires, claim_ends FROM pending
WHERE id = {p} AND expires > {p}
"""
# How long a creation holds its claim, at least: the instance that claims a request writes when
# its claim ends (now and its own lease, ``ApprovalDesk.lease``, far longer than any creation its
# bounded timeouts allow), and takes it again when the creation's turn comes and before it sends
# the silence (``renew``). A gate that stopped between claiming a request and closing it (killed,
# its host lost) left it 'creating' for good; past the claim's end any instance claims it again,
# and creates the silence unless Alertmanager already holds it. Each instance reads the end the
# claimer wrote, never its own lease (red team: a gate of shorter timeouts took over a creation
# under way on another, and both made the silence).
LEASE_SECONDS = 300.0
# A claim taken again by the instance that holds it, given back ('approved', to be tried again),
# or given back waiting for more roles: each only while the claim is still the one that instance
# made (``claim_ends`` unchanged).
RENEW = "UPDATE pending SET claim_ends = {p} WHERE id = {p} AND state = 'creating' AND claim_ends = {p}"
RELEASE = "UPDATE pending SET state = 'approved', claim_ends = {p} WHERE id = {p} AND claim_ends = {p}"
REQUIRES = (
    "UPDATE pending SET required = {p}, approvals = {p}, state = 'pending', claim_ends = 0 "
    "WHERE id = {p} AND claim_ends = {p}"
)
# The requests to create whose time has come (``Request.due``) that have not expired, oldest
# first, a few at a time.
DUE = """
SELECT id, silence, author, required, approvals, state, created, expires, claim_ends FROM pending
WHERE state IN ('creating', 'approved') AND claim_ends <= {p} AND expires > {p}
ORDER BY created, id LIMIT 50
"""


# The requests that have not expired, oldest first: at most as many of one author's as the
# second parameter says, and as many in all as the third (so that no one's fill the listing).
LISTING = """
SELECT id, silence, author, required, approvals, state, created, expires, claim_ends FROM (
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
    """A silence waiting for approvals: ``pending`` while a role it requires has not approved it,
    ``creating`` while an instance creates it (until ``claim_ends``), and ``approved`` when every
    role has but an attempt made nothing (tried again from ``claim_ends``)."""

    id: str
    silence: Mapping[str, Any]
    author: str
    required: Mapping[str, tuple[str, ...]]
    approvals: tuple[tuple[str, tuple[str, ...]], ...]
    _: KW_ONLY
    state: str = "pending"
    created: float = 0.0
    expires: float = 0.0
    claim_ends: float = 0.0

    def due(self, now: float) -> bool:
        """Whether it is to be created by whichever instance claims it first: approved and given
        back, or claimed by an instance whose claim has ended (it stopped half-way)."""
        return self.state == "approved" or (self.state == "creating" and self.claim_ends <= now)

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
        request.claim_ends,
    )


def required(roles: Mapping[str, tuple[str, ...]]) -> str:
    return json.dumps(roles)


def approvals(request: Request) -> str:
    return given(request.approvals)


def given(approvals: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    return json.dumps([[email, list(roles)] for email, roles in approvals])


def request(columns: Sequence[Any]) -> Request:
    """The request a row holds."""
    ident, silence, author, required, given, state, created, expires, claim_ends = columns
    return Request(
        ident,
        json.loads(silence),
        author,
        {role: tuple(rules) for role, rules in json.loads(required).items()},
        tuple((email, tuple(roles)) for email, roles in json.loads(given)),
        state=state,
        created=created,
        expires=expires,
        claim_ends=claim_ends,
    )

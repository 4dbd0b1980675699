"""Approvals recorded in a silence's comment, where the audit reads them back.

``Disk swap CHG-12 [approved-by: manager-x@clipper.app (manager), security@clipper.app
(security-team)]``: the record is the comment's last bracket, each approver an email and, in
parentheses, the roles their approval covered. Alertmanager stores the comment as given.

Approvals given through the gate end with the gate's signature (``proof``, verified by
``silence.proof``): ``[approved-by: manager-x@clipper.app (manager); proof: AQAG…]``.
"""

from __future__ import annotations

from oncall_policy.people import LOOK_ALIKES
from oncall_policy.records import Record
from oncall_policy.silence.maintenance import mentions
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from re import Pattern

    from oncall_policy.silence.verdict import Approval

# Compiled when a record is first read (``_compiled``): ``silence check`` reads none, and ``re``
# (with ``enum``) costs about 8 ms of its start-up.
_RECORD = r"\s*\[approved-by:(?P<body>[^\[\];]*)(?:;\s*proof:\s*(?P<proof>[A-Za-z0-9_-]*)\s*)?\]\s*$"
_ENTRY = r"\s*(?P<email>[^\s,()]+)\s*(?:\((?P<roles>[^()]*)\))?\s*"
_COMPILED: dict[str, Pattern[str]] = {}


def record(comment: str, approvals: Sequence[Approval], window: str | None = None) -> str:
    """The comment with the maintenance window it names (unless it names it already) and the
    approvals appended (unchanged when there are neither)."""
    if window and not mentions(comment, window):
        comment = f"{comment} [maintenance: {window}]"
    if not approvals:
        return comment
    return f"{comment} [approved-by: {entries(approvals)}]"


def read(comment: str) -> tuple[str, tuple[str, ...]]:
    """The comment without its record, and the approver emails the record names."""
    if isinstance(comment, str) and "[approved-by:" not in comment:
        return comment, ()  # _RECORD cannot match without its opening: most comments need no re
    found = parse(comment)
    return (comment, ()) if found is None else (found.text, found.emails)


class Recorded(Record):
    """A comment's approval record taken apart: the comment before it, the record's entries as
    written, the approver emails they name, and the gate's proof (None: no proof)."""

    text: str
    entries: str
    emails: tuple[str, ...]
    proof: str | None


def parse(comment: str) -> Recorded | None:
    """The comment's approval record (None: it has none)."""
    found = _compiled(_RECORD).search(comment)
    if found is None:
        return None
    entry = _compiled(_ENTRY)
    emails = [m["email"] for part in found["body"].split(",") if (m := entry.fullmatch(part))]
    return Recorded(comment[: found.start()], found["body"].strip(), tuple(emails), found["proof"])


def entries(approvals: Sequence[Approval]) -> str:
    """The record's entries for ``approvals``: ``email (role+role), …``."""
    return ", ".join(f"{a.email} ({'+'.join(a.roles)})" if a.roles else a.email for a in approvals)


def proven(comment: str, approvals: Sequence[Approval], proof: str) -> str:
    """The comment with the approvals and the gate's proof of them recorded."""
    return f"{comment} [approved-by: {entries(approvals)}; proof: {proof}]"


def _compiled(pattern: str) -> Pattern[str]:
    found = _COMPILED.get(pattern)
    if found is None:
        import re  # noqa: PLC0415 - see _RECORD

        found = _COMPILED[pattern] = re.compile(pattern)
    return found


def has_approvals(comment: str) -> bool:
    return "[approved-by:" in comment


def readable(comment: str) -> str:
    """The comment as reasons are looked for in it: what looks alike reads alike (compatibility
    forms folded, look-alike letters and typographic quotes made ASCII, invisible format
    characters such as a soft hyphen dropped), and any run of whitespace one space — so that
    ``Don’t  know`` or ``аnnoying`` (a Cyrillic а) cannot hide an invalid reason."""
    if comment.isascii():
        return " ".join(comment.split())
    import unicodedata  # noqa: PLC0415 - only for text beyond ASCII

    text = unicodedata.normalize("NFKC", comment).translate(LOOK_ALIKES)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(text.split())

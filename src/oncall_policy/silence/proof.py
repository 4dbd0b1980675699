"""The gate's proof of the approvals a silence records, and its verification (``silence audit
--verify-key``).

A silence whose approvals were given through the gate ends its comment with
``[approved-by: manager-x@clipper.app (manager); proof: AQAG…]``. The proof is base64url (no
padding) of one version byte (1), the start the gate signed (microseconds since the epoch, 8
bytes, big-endian) and an Ed25519 signature (64 bytes) over ``message``: the silence's matchers
(in any order), that start, its end, ``createdBy``, the comment before the record, and the
record's entries as written. Alertmanager moves a start that lies in the past to the moment it
creates the silence, so the start it lists may be later than the one signed, never earlier:
a later start covers less than was approved.

A silence is unproven when its comment records approvals and the proof is missing, malformed,
made with another key, or no longer matches the silence (any field above changed since signing).
``cryptography`` is imported only when a key is used: ``silence check`` never needs it.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta

from oncall_policy.errors import OncallPolicyError, gate_extra_missing
from oncall_policy.regular_files import read_regular
from oncall_policy.rulebook import SILENCE, Rule
from oncall_policy.silence import api
from oncall_policy.silence import comment as comments
from oncall_policy.silence.verdict import Violation
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from oncall_policy.matchers import Matcher

UNPROVEN_APPROVAL = Rule(
    "unproven-approval",
    SILENCE,
    "approvals recorded in a silence's comment carry the gate's valid proof. "
    "``silence audit --verify-key`` checks it: a record typed by hand, signed with another key, or "
    "on a silence changed since the gate signed it approves nothing.",
)

VERSION = 1
DOMAIN = b"oncall-policy approval proof v1\n"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_KEY_BYTES = 64 * 1024
_SIGNATURE = 64


class KeyFileError(OncallPolicyError):
    """A key file that cannot be read as the key it should hold."""


def microseconds(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def message(  # noqa: PLR0913, PLR0917 - every part the proof covers
    matchers: Sequence[Matcher], start: int, end: datetime, author: str, text: str, entries: str
) -> bytes:
    """The bytes the gate signs: see the module docstring."""
    content = {
        "matchers": sorted([m.name, m.value, m.op.is_regex, not m.op.is_negative] for m in matchers),
        "startsAt": start,
        "endsAt": microseconds(end),
        "createdBy": author,
        "comment": text,
        "approvedBy": entries,
    }
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return DOMAIN + encoded.encode("utf-8", "surrogatepass")


def encode(start: int, signature: bytes) -> str:
    raw = bytes([VERSION]) + start.to_bytes(8, "big", signed=True) + signature
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode(proof: str) -> tuple[int, bytes] | None:
    """The start and signature of ``proof`` (None: not a proof of this version)."""
    try:
        raw = base64.urlsafe_b64decode(proof + "=" * (-len(proof) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 1 + 8 + _SIGNATURE or raw[0] != VERSION:
        return None
    return int.from_bytes(raw[1:9], "big", signed=True), raw[9:]


def public_key(path: str) -> Ed25519PublicKey:
    """The Ed25519 public key in the PEM file at ``path`` (as ``gate keygen`` writes it)."""
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: PLC0415
        from cryptography.hazmat.primitives.serialization import load_pem_public_key  # noqa: PLC0415
    except ModuleNotFoundError as error:
        raise gate_extra_missing(error) or error from None
    try:
        key = load_pem_public_key(read_regular(path, MAX_KEY_BYTES))
    except OSError as error:
        raise KeyFileError(f"{path}: cannot read the verifying key: {error.strerror}") from None
    except ValueError:
        raise KeyFileError(f"{path}: not a PEM public key (gate keygen writes one: KEY.pub)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: not an Ed25519 public key")
    return key


def unproven(item: Mapping[str, Any], key: Ed25519PublicKey) -> str | None:  # noqa: PLR0911 - one per why
    """Why the approvals a listed silence records are not proven by ``key`` (None: it records
    none, or they are)."""
    text = item.get("comment")
    recorded = comments.parse(text) if type(text) is str and comments.has_approvals(text) else None
    if recorded is None:
        return None
    if recorded.proof is None:
        return "its comment records approvals without the gate's proof"
    decoded = decode(recorded.proof)
    if decoded is None:
        return "the proof in its comment is not one the gate writes"
    start, signature = decoded
    request = api.from_api({**item, "comment": recorded.text})
    if request.starts_at is None or request.ends_at is None:
        return "its times cannot be read, so the proof cannot be checked"
    if microseconds(request.starts_at) < start:
        return "it starts before the time its approvers approved"
    signed = message(
        request.matchers, start, request.ends_at, request.author, recorded.text, recorded.entries
    )
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415

    try:
        key.verify(signature, signed)
    except InvalidSignature:
        return "the proof does not hold: signed with another key, or the silence changed since it was signed"
    return None


def violation(reason: str) -> Violation:
    return Violation(
        UNPROVEN_APPROVAL.id,
        f"the approvals it records are not proven: {reason}",
        "have the silence approved through the gate (oncall-policy silence approve), and expire this one",
        ("comment",),
    )

"""The seal of ``generated/silence-rules.json``: its last field, the sha256 of every byte before it.

The file names the sha256 of the policy it was compiled from (``source.sha256``), but that alone
vouches for nothing else in it: a hand edit that keeps that line (a P1 cap raised to 30 days) was
trusted as if compiled. The seal covers the whole file up to itself, the policy's sha256 included,
so the file is used only as ``compile`` wrote it; any other is read as stale, and the policy
itself is read instead. A seal is no signature (whoever edits the file can reseal it, as they
could edit the policy); it makes a hand edit, a merge gone wrong or a damaged file visible.

The seal is checked on the bytes, before the JSON is read: no canonical form to agree on, and no
``json`` or ``hashlib`` on the silence path's start-up.
"""

from __future__ import annotations

from oncall_policy.digests import sha256_hex

__all__ = ["digest_of", "intact", "seal", "sha256_hex"]

_OPEN = b'  "sha256": "'
_CLOSE = b'"\n}\n'
_LENGTH = len(_OPEN) + 64 + len(_CLOSE)


def seal(rendered: str) -> str:
    """``rendered`` (a JSON object of one field or more, written one field a line, its closing
    brace alone on the last line) with its seal added as the last field."""
    body = rendered.removesuffix("\n}\n") + ",\n"
    return body + _seal(body.encode()).decode()


def intact(data: bytes) -> bool:
    """Whether ``data`` ends with the seal of everything before it."""
    body = data[:-_LENGTH]
    return len(data) > _LENGTH and data[-_LENGTH:] == _seal(body)


def digest_of(data: bytes) -> str:
    """The sha256 an intact file's seal says (of everything before it)."""
    return data[-_LENGTH + len(_OPEN) : -len(_CLOSE)].decode("ascii")


def _seal(body: bytes) -> bytes:
    return _OPEN + sha256_hex(body).encode() + _CLOSE

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


def _seal(body: bytes) -> bytes:
    return _OPEN + sha256_hex(body).encode() + _CLOSE


def sha256_hex(data: bytes) -> str:
    """SHA-256 as ``hashlib`` computes it, by CPython's own implementation when there is one:
    importing ``hashlib`` loads OpenSSL, about 8 ms of ``silence check``'s start-up."""
    for name in ("_sha256", "_sha2"):  # CPython 3.11; 3.12 and later
        try:
            return str(__import__(name).sha256(data).hexdigest())
        except ImportError:
            continue
    from hashlib import sha256  # noqa: PLC0415 - another Python: the portable way

    return sha256(data).hexdigest()

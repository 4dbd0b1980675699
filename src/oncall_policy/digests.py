"""SHA-256 by CPython's own implementation when there is one.

Importing ``hashlib`` loads OpenSSL: about 8 ms of ``silence check``'s start-up, which hashes
only the policy, its rules file and a cache entry's few bytes.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import _Hash


def sha256(data: bytes) -> bytes:
    """The SHA-256 digest of ``data``, as ``hashlib.sha256(data).digest()``."""
    return bytes(_hash(data).digest())


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hexadecimal, as ``hashlib.sha256(data).hexdigest()``."""
    return str(_hash(data).hexdigest())


def _hash(data: bytes) -> _Hash:
    for name in ("_sha256", "_sha2"):  # CPython 3.11; 3.12 and later
        try:
            module = __import__(name)
        except ImportError:
            continue
        found: _Hash = module.sha256(data)
        return found
    from hashlib import sha256  # noqa: PLC0415 - another Python: the portable way

    return sha256(data)

"""Where the silence rules come from: ``generated/silence-rules.json`` when it is fresh.

Fresh means it names the sha256 of the policy file's bytes (hashed here, stdlib only). When it is
stale or missing, the policy is loaded properly — pydantic and YAML, slow but correct — and the
rules are built in memory; the caller is told it was stale. When the policy cannot be read or is
invalid, ``PolicyError`` propagates: the caller must then reject every silence (fail closed).
"""

from __future__ import annotations

import os

from oncall_policy import TYPE_CHECKING
from oncall_policy.errors import PolicyError
from oncall_policy.json_loads import loads
from oncall_policy.records import Record
from oncall_policy.silence import rules as silence_rules
from oncall_policy.silence.rules import Rules

if TYPE_CHECKING:
    from typing import Final

# Paths are strings here, not ``pathlib``: it costs ~7 ms of the silence path's start-up.
GENERATED = os.path.join("generated", "silence-rules.json")


class Loaded(Record):
    __slots__ = __match_args__ = ("rules", "stale")

    def __init__(self, rules: Rules, stale: str | None = None) -> None:
        self.rules: Final = rules
        self.stale: Final = stale  # why the generated rules were not used


def generated_path(policy: str | os.PathLike[str]) -> str:
    return os.path.join(os.path.dirname(policy), GENERATED)


def load(policy: str | os.PathLike[str]) -> Loaded:
    """The rules for ``policy``; raise ``PolicyError`` when it is missing or invalid."""
    policy = os.fspath(policy)
    raw = _read(policy)
    digest = sha256_hex(raw)
    generated = generated_path(policy)
    try:
        with open(generated, "rb") as file:
            doc = loads(file.read())
        if doc.get("source", {}).get("sha256") == digest:
            return Loaded(silence_rules.from_document(doc))
        why = f"{generated} was compiled from another version of {os.path.basename(policy)}"
    except OSError:
        why = f"{generated} is missing"
    except (ValueError, KeyError, TypeError, AttributeError):
        why = f"{generated} is unreadable"
    return Loaded(_from_policy(policy, raw), f"{why}; run `oncall-policy compile`")


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


def _read(policy: str) -> bytes:
    try:
        with open(policy, "rb") as file:
            return file.read()
    except OSError as error:
        from oncall_policy.problems import Problem  # noqa: PLC0415 - only when it fails

        message = f"cannot read the policy: {error.strerror}"
        raise PolicyError([Problem(policy, 1, 1, "", message, "unreadable")]) from None


def _from_policy(policy: str, raw: bytes) -> Rules:
    from pathlib import Path  # noqa: PLC0415 - the slow path only

    from oncall_policy.compile import Source  # noqa: PLC0415
    from oncall_policy.compile.silence_rules import document  # noqa: PLC0415
    from oncall_policy.load import load_policy_bytes  # noqa: PLC0415

    loaded = load_policy_bytes(raw, policy)
    return silence_rules.from_document(document(loaded, Source.of(Path(policy), raw)))

"""Where the silence rules come from: ``generated/silence-rules.json`` when it is fresh.

Fresh means it names the sha256 of the policy file's bytes (hashed here, stdlib only). When it is
stale or missing, the policy is loaded properly — pydantic and YAML, slow but correct — and the
rules are built in memory; the caller is told it was stale. When the policy cannot be read or is
invalid, ``PolicyError`` propagates: the caller must then reject every silence (fail closed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from oncall_policy.problems import PolicyError, Problem
from oncall_policy.silence import rules as silence_rules
from oncall_policy.silence.rules import Rules

GENERATED = Path("generated") / "silence-rules.json"


@dataclass(frozen=True)
class Loaded:
    rules: Rules
    stale: str | None = None  # why the generated rules were not used


def generated_path(policy: Path) -> Path:
    return policy.parent / GENERATED


def load(policy: Path) -> Loaded:
    """The rules for ``policy``; raise ``PolicyError`` when it is missing or invalid."""
    raw = _read(policy)
    digest = hashlib.sha256(raw).hexdigest()
    generated = generated_path(policy)
    try:
        doc = json.loads(generated.read_bytes())
        if doc.get("source", {}).get("sha256") == digest:
            return Loaded(silence_rules.from_document(doc))
        why = f"{generated} was compiled from another version of {policy.name}"
    except OSError:
        why = f"{generated} is missing"
    except (ValueError, KeyError, TypeError, AttributeError):
        why = f"{generated} is unreadable"
    return Loaded(_from_policy(policy, raw), f"{why}; run `oncall-policy compile`")


def _read(policy: Path) -> bytes:
    try:
        return policy.read_bytes()
    except OSError as error:
        message = f"cannot read the policy: {error.strerror}"
        raise PolicyError([Problem(str(policy), 1, 1, "", message, "unreadable")]) from None


def _from_policy(policy: Path, raw: bytes) -> Rules:
    from oncall_policy.compile import Source  # noqa: PLC0415 - the slow path only
    from oncall_policy.compile.silence_rules import document  # noqa: PLC0415
    from oncall_policy.load import load_policy_bytes  # noqa: PLC0415

    loaded = load_policy_bytes(raw, str(policy))
    return silence_rules.from_document(document(loaded, Source.of(policy, raw)))

"""policy.yaml → ``Policy``, or every problem in the file with its line and column.

Only this package imports a YAML library. The fast path (no positions) is tried first; any
problem sends the text through the position-keeping path, which finds and places them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oncall_policy import checks
from oncall_policy.checks import secrets
from oncall_policy.leaks.redact import scrubbed, shown
from oncall_policy.load import fast, positional, reading
from oncall_policy.load.dump import dump_policy
from oncall_policy.load.limits import MAX_BYTES
from oncall_policy.load.locate import LazyDocument
from oncall_policy.model import VERSION, Policy
from oncall_policy.problems import PolicyError, Problem
from oncall_policy.regular_files import read_regular


def load_policy(path: str | Path) -> Policy:
    """Read and check a policy file; raise ``PolicyError`` with every problem in it."""
    return load_policy_bytes(read_policy_file(path), str(path))


def read_policy_file(path: str | Path) -> bytes:
    """The bytes of a policy file: a regular file of at most ``MAX_BYTES``, its type and size
    checked on the open file before any byte is read (a FIFO or ``/dev/zero`` would never end)."""
    try:
        return read_regular(path, MAX_BYTES)
    except OSError as error:
        raise PolicyError([reading.unreadable(str(path), error)]) from None


def load_policy_bytes(raw: bytes, path: str = "policy.yaml") -> Policy:
    text = reading.decode(raw, path)
    if isinstance(text, Problem):
        raise PolicyError([text])
    return load_policy_text(text, path)


def load_policy_text(text: str, path: str = "policy.yaml", *, fast_path: bool = True) -> Policy:
    """The policy in ``text``. ``fast_path=False`` reads it through the position-keeping path
    alone, which gives the same answer, slower: the tests hold the two paths to that."""
    data = fast.parse(text) if fast_path else None
    if data is not None:
        document: positional.Document = LazyDocument(path, data=data, text=text)
    else:
        document = positional.read(text, path)
        if document.data is None and document.problems:
            raise PolicyError(scrubbed(document.problems))
    policy = _judge(document)
    if policy is None:  # no problem shows a secret: neither the refused value nor another
        raise PolicyError(scrubbed(document.finish()))
    return policy


def _judge(document: positional.Document) -> Policy | None:
    """The policy, or ``None`` when the document has problems (recorded in it)."""
    for refusal in secrets.scan(document.data):  # the parsed values: YAML's escapes undone
        document.problem(refusal.location, refusal.message, refusal.rule, key=refusal.key)
    if not _version_ok(document):
        return None
    policy = _validate(document)
    if policy is not None:
        for finding in checks.run(policy):
            document.problem(finding.location, finding.message, finding.rule)
    return None if document.has_problems() else policy


def _version_ok(document: positional.Document) -> bool:
    """The version is checked before anything else: other fields mean what the version says."""
    data: Any = document.data
    if not isinstance(data, dict):
        document.problem(
            (), "a policy is a mapping that starts with 'version: oncall-policy/v1'", "wrong-type"
        )
        return False
    version = data.get("version")
    if version != VERSION:
        found = "is missing" if version is None else f"is {shown(version)}"
        document.problem(("version",), f"version {found}; this oncall-policy reads {VERSION!r}", "version")
        return False
    return True


def _validate(document: positional.Document) -> Policy | None:
    try:
        return Policy.model_validate(document.data)
    except ValidationError as error:
        from oncall_policy.load import validation  # noqa: PLC0415 - error path only (difflib)
        from oncall_policy.schema import policy_schema  # noqa: PLC0415

        validation.report(error, document, policy_schema())
        return None


__all__ = ["dump_policy", "load_policy", "load_policy_bytes", "load_policy_text", "read_policy_file"]

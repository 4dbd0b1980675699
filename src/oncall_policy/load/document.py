"""Any small YAML or JSON document (not a policy) as plain data with positions, for checkers
that report ``file:line:col`` — silence request files, for instance. Same hygiene as the policy
path: no tags, no duplicate keys, no YAML 1.1 look-alikes, bounded size and depth."""

from __future__ import annotations

from pathlib import Path

from oncall_policy.load import positional, reading
from oncall_policy.problems import Problem


def read_document(path: str | Path) -> positional.Document:
    """The document at ``path``; what stops reading it is in ``problems`` with ``data`` None."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        return _failed(name, f"cannot read file: {error.strerror}", "unreadable")
    if not raw.strip():
        return _failed(name, "file is empty", "empty-file")
    text = reading.decode(raw, name)
    if isinstance(text, Problem):
        return positional.Document(name, problems=[text])
    return positional.read(text, name)


def _failed(name: str, message: str, rule: str) -> positional.Document:
    return positional.Document(name, problems=[Problem(name, 1, 1, "", message, rule)])

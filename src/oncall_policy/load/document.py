"""Any small YAML or JSON document (not a policy) as plain data with positions, for checkers
that report ``file:line:col`` — silence request files, for instance. Same hygiene as the policy
path: no tags, no duplicate keys, no YAML 1.1 look-alikes, bounded size and depth."""

from __future__ import annotations

from pathlib import Path

from oncall_policy.load import positional, reading
from oncall_policy.load.bounds import MAX_BYTES
from oncall_policy.problems import Problem
from oncall_policy.regular_files import read_regular


def read_document(path: str | Path) -> positional.Document:
    """The document at ``path``; what stops reading it is in ``problems`` with ``data`` None."""
    name = str(path)
    try:
        raw = read_regular(path, MAX_BYTES)  # a FIFO or /dev/zero is refused, not read forever
    except OSError as error:
        return positional.Document(name, problems=[reading.unreadable(name, error)])
    if not raw.strip():
        return _failed(name, "file is empty", reading.EMPTY_FILE.id)
    text = reading.decode(raw, name)
    if isinstance(text, Problem):
        return positional.Document(name, problems=[text])
    # The checkers of documents judge the strings they read (a silence request's lone surrogate,
    # made by an escape, has its own message there): what escapes make is theirs to refuse.
    return positional.read(text, name, escapes=False)


def _failed(name: str, message: str, rule: str) -> positional.Document:
    return positional.Document(name, problems=[Problem(name, 1, 1, "", message, rule)])

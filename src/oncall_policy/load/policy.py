"""policy.yaml → ``Policy``, or every problem in the file with its line and column.

Only this package imports a YAML library. The fast path (no positions) is tried first; any
problem sends the text through the position-keeping path, which finds and places them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from oncall_policy.errors import PolicyError
from oncall_policy.leaks.redact import scrub, shown
from oncall_policy.load import fast, no_secrets, parts, positional, reading, validation
from oncall_policy.load.bounds import MAX_BYTES
from oncall_policy.load.composite import Composite
from oncall_policy.load.dump import dump_policy
from oncall_policy.load.locate import LazyDocument
from oncall_policy.model import VERSION, Policy
from oncall_policy.problems import Problem
from oncall_policy.regular_files import read_regular
from oncall_policy.rulebook import LOADER, Rule

if TYPE_CHECKING:
    from collections.abc import Callable

    from oncall_policy.problems import Finding

    # What a policy must satisfy beyond its schema, given by the caller (``checks.checked``): the
    # loader places the findings in the file, but which rules run is decided above it.
    Rules = Callable[[Policy], Iterable[Finding]]


WRONG_VERSION = Rule(
    "version",
    LOADER,
    f"a policy starts with ``version: {VERSION}``. The version is checked before anything else: "
    "the other fields mean what the version says.",
)


def parse_policy(path: str | Path, rules: Rules | None = None) -> Policy:
    """Read a policy file and hold it to its schema and ``rules``; raise ``PolicyError`` with every
    problem in it."""
    return parse_policy_bytes(read_policy_file(path), str(path), rules)


def read_policy_file(path: str | Path) -> bytes:
    """The bytes of a policy file: a regular file of at most ``MAX_BYTES``, its type and size
    checked on the open file before any byte is read (a FIFO or ``/dev/zero`` would never end)."""
    try:
        return read_regular(path, MAX_BYTES)
    except OSError as error:
        raise PolicyError([reading.unreadable(str(path), error)]) from None


def parse_policy_bytes(
    raw: bytes, path: str = "policy.yaml", rules: Rules | None = None, files: parts.PartFiles | None = None
) -> Policy:
    text = reading.decode(raw, path)
    if isinstance(text, Problem):
        raise PolicyError([text])
    return parse_policy_text(text, path, rules, files=files)


def _read(text: str, path: str) -> positional.Document:
    """A file's document: the fast path's data when it reads the text, else the careful path's."""
    data = fast.parse(text)
    return positional.read(text, path) if data is None else LazyDocument(path, data=data, text=text)


def parse_policy_text(
    text: str,
    path: str = "policy.yaml",
    rules: Rules | None = None,
    *,
    fast_path: bool = True,
    files: parts.PartFiles | None = None,
) -> Policy:
    """The policy in ``text``. ``fast_path=False`` reads it through the position-keeping path
    alone, which gives the same answer, slower: the tests hold the two paths to that. The parts
    its ``include`` names are read from ``files`` (default: beside ``path``)."""
    document = _read(text, path) if fast_path else positional.read(text, path)
    if document.data is None and document.problems:
        raise PolicyError(scrubbed(document.problems))
    document = parts.compose(document, parts.Directory(Path(path).parent) if files is None else files, _read)
    policy = _judge(document, rules)
    if policy is None:  # no problem shows a secret: neither the refused value nor another
        raise PolicyError(scrubbed(document.finish()))
    parts.remember(policy, document)
    return policy


def scrubbed(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` with their field paths and messages scrubbed of secrets (``leaks.redact``)."""
    return [p._replace(where=scrub(p.where), message=scrub(p.message)) for p in problems]


def _judge(document: positional.Document, rules: Rules | None) -> Policy | None:
    """The policy, or ``None`` when the document has problems (recorded in it)."""
    for refusal in no_secrets.scan(document.data):  # the parsed values: YAML's escapes undone
        document.problem(refusal.location, refusal.message, refusal.rule, key=refusal.key)
    if not _version_ok(document):
        return None
    policy = _validate(document)
    if isinstance(document, Composite) and not document.complete:
        return None  # a part is unreadable: checks of the policy without it would only mislead
    if policy is not None and rules is not None:
        for finding in rules(policy):
            document.problem(finding.location, finding.message, finding.rule)
    return None if document.has_problems() else policy


def _version_ok(document: positional.Document) -> bool:
    """The version is checked before anything else: other fields mean what the version says."""
    data: Any = document.data
    if not isinstance(data, dict):
        document.problem(
            (), "a policy is a mapping that starts with 'version: oncall-policy/v1'", validation.WRONG_TYPE.id
        )
        return False
    version = data.get("version")
    if version != VERSION:
        found = "is missing" if version is None else f"is {shown(version)}"
        document.problem(
            ("version",), f"version {found}; this oncall-policy reads {VERSION!r}", WRONG_VERSION.id
        )
        return False
    return True


def _validate(document: positional.Document) -> Policy | None:
    try:
        return Policy.model_validate(document.data)
    except ValidationError as error:
        from oncall_policy.model.json_schema import policy_schema  # noqa: PLC0415 - error path only

        validation.report(error, document, policy_schema())
        return None


__all__ = ["dump_policy", "parse_policy", "parse_policy_bytes", "parse_policy_text", "read_policy_file"]

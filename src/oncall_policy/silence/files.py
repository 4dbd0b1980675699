"""Silences as code: request files submitted for review, judged like ``silence check``.

A file (YAML or JSON) holds one silence in Alertmanager's API v2 postable shape — ``matchers``,
``startsAt``, ``endsAt``, ``createdBy``, ``comment`` — plus an optional ``approvedBy`` list of
approver emails. Every violation is reported at the line and column of the field it concerns
(a misspelt or repeated key at the key itself).

A ``.json`` file is read as Alertmanager reads a body (``gojson``: repeated keys are seen, ``NaN``
and a byte order mark are refused, as Go refuses them); any other file with the project's YAML
reader, which refuses a key repeated exactly (``duplicate-key``) and keeps the first. Either way a
key Go would fold onto a field (``Matchers``, ``ſtartsAt``) or a field given twice is refused by
``api.from_api``, so a file is never judged on other content than Alertmanager would create.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oncall_policy.load import positional, reading
from oncall_policy.load.document import read_document
from oncall_policy.problems import Problem
from oncall_policy.regular_files import read_regular
from oncall_policy.rulebook import SILENCE, Rule
from oncall_policy.silence import api, gojson
from oncall_policy.silence.evaluate import Silence, evaluate
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.verdict import Violation

APPROVED_BY = "approvedBy"  # ours, not Alertmanager's: it ignores the key
_BOM = b"\xef\xbb\xbf"

JSON_SYNTAX = Rule(
    "json-syntax",
    SILENCE,
    "a ``.json`` request file is JSON as Alertmanager's Go decoder reads it. Malformed JSON, ``NaN`` "
    "and a byte order mark are refused at their place, as Go refuses them.",
)


def check(
    path: str, rules: Rules, earlier: Sequence[Silence] = (), no_history: Violation | None = None
) -> list[Problem]:
    """Every problem in the silence request file at ``path``, judged with the silences
    ``earlier`` as history (``no_history``: why there is none, which refuses it)."""
    document = read(path)
    data: Any = document.data
    if data is None:
        return document.problems
    if not isinstance(data, dict):
        document.problem(
            (), "a silence request is a mapping: Alertmanager's API v2 silence", api.BAD_SILENCE.id
        )
        return document.problems
    approvers = _approvers(data, document)
    verdict = evaluate(api.from_api(data, approvers), rules, earlier)
    for violation in (*verdict.violations, *([no_history] if no_history else [])):
        message = f"{violation.message}; fix: {violation.hint}"
        document.problem(
            violation.where, message, violation.rule, key=isinstance(violation, api.KeyViolation)
        )
    return sorted(document.problems)


def read(path: str) -> positional.Document:
    """The document at ``path`` with positions; what stops reading it is in ``problems``."""
    if not path.lower().endswith(".json"):
        return read_document(path)
    try:
        raw = read_regular(path, reading.MAX_BYTES + 1)  # one byte more: the reader names the size
    except OSError as error:
        return _failed(path, 1, 1, f"cannot read file: {error.strerror}", reading.UNREADABLE.id)
    if raw.startswith(_BOM):
        return _failed(
            path, 1, 1, "a byte order mark starts the file; Alertmanager refuses it", JSON_SYNTAX.id
        )
    text = reading.decode(raw, path)
    if isinstance(text, Problem):
        return positional.Document(path, problems=[text])
    try:
        parsed = gojson.read(text)
    except gojson.GoJSONError as error:
        return _failed(path, error.line, error.column, f"JSON: {error.message}", JSON_SYNTAX.id)
    document = positional.Document(path, parsed.data, values=parsed.values)
    document.keys.update(parsed.keys)
    return document


def _failed(path: str, line: int, column: int, message: str, rule: str) -> positional.Document:
    return positional.Document(path, problems=[Problem(path, line, column, "", message, rule)])


def _approvers(data: dict[str, Any], document: positional.Document) -> tuple[str, ...]:
    """The ``approvedBy`` emails; the key, being ours, is held to the same spelling rules."""
    keyed: list[Violation] = []
    found = api.known_fields(data, (APPROVED_BY,), (), keyed)
    for violation in keyed:
        document.problem(
            violation.where, f"{violation.message}; fix: {violation.hint}", violation.rule, key=True
        )
    approvers = found.get(APPROVED_BY, [])
    if not (isinstance(approvers, list) and all(isinstance(a, str) for a in approvers)):
        document.problem((APPROVED_BY,), "approvedBy is a list of approver emails", api.BAD_SILENCE.id)
        return ()
    return tuple(approvers)

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

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from oncall_policy.load import positional, reading
from oncall_policy.load.document import read_document
from oncall_policy.problems import Problem
from oncall_policy.regular_files import read_regular
from oncall_policy.rulebook import SILENCE, Rule
from oncall_policy.silence import api, gojson
from oncall_policy.silence.evaluate import Silence, standalone, with_history
from oncall_policy.silence.request import SilenceRequest
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.verdict import Verdict, Violation

APPROVED_BY = "approvedBy"  # ours, not Alertmanager's: it ignores the key
_BOM = b"\xef\xbb\xbf"

JSON_SYNTAX = Rule(
    "json-syntax",
    SILENCE,
    "a ``.json`` request file is JSON as Alertmanager's Go decoder reads it. Malformed JSON, ``NaN`` "
    "and a byte order mark are refused at their place, as Go refuses them.",
)


def check(
    paths: Sequence[str],
    rules: Rules,
    earlier: Sequence[Silence] = (),
    no_history: Violation | None = None,
    merged: Sequence[str] = (),
) -> list[Problem]:
    """Every problem in the silence request files at ``paths``, each judged with the silences
    ``earlier`` and every other file's as history (``no_history``: why there is none, which
    refuses them). The files of one review are created together, so three 4h requests chained
    back to back are judged as the 12h they mute, not as three silences of 4h. ``merged``:
    request files reviewed before (``siblings``), history too when each keeps the policy by
    itself, as created; not reported on, unless one cannot be read."""
    documents = {path: read(path) for path in dict.fromkeys(paths)}  # one named twice is one
    requests = {path: _request(document) for path, document in documents.items()}
    before, unread = _merged(merged, documents, {s.silence_id for s in earlier}, rules)
    earlier = [*earlier, *before]
    taken = {s.silence_id for s in earlier}
    silences = {
        path: Silence(_ident(path, taken), "", request)
        for path, request in requests.items()
        if request is not None
    }
    verdicts = _judged(silences, earlier, rules)
    problems: list[Problem] = unread
    for path, document in documents.items():
        verdict = verdicts.get(path)
        if verdict is not None:
            for violation in (*verdict.violations, *([no_history] if no_history else [])):
                message = f"{violation.message}; fix: {violation.hint}"
                document.problem(
                    violation.where, message, violation.rule, key=isinstance(violation, api.KeyViolation)
                )
        problems += sorted(document.problems)
    return problems


def _merged(
    paths: Sequence[str], reviewed: Mapping[str, object], taken: set[str], rules: Rules
) -> tuple[list[Silence], list[Problem]]:
    """The silences the request files at ``paths`` (not among those ``reviewed``) ask for, as
    created, when each keeps the policy by itself: one that does not, or cannot be parsed, was
    refused in its own review (as a file refused in this one is no other file's history). One
    that cannot be read at all is a problem: history that cannot be read fails closed."""
    reviewed_paths = {str(Path(path)) for path in reviewed}
    found = []
    problems: list[Problem] = []
    for path in paths:
        if str(Path(path)) in reviewed_paths:
            continue
        document = read(path)
        problems += [p for p in document.problems if p.rule == reading.UNREADABLE.id]
        request = _request(document) if not document.problems else None
        if request is not None and standalone(request, rules).accepted:
            found.append(Silence(_ident(path, taken), "", request))
    return found, problems


def _judged(silences: dict[str, Silence], earlier: Sequence[Silence], rules: Rules) -> dict[str, Verdict]:
    """The verdict on each file's silence, by path: with ``earlier`` and the other files' as
    history. A file refused by itself keeps the commit out until it changes, and is judged
    again then: until then it is no other file's history, nor they its (which would blame each
    for the other's faults); it is judged with the Alertmanager's silences only."""
    alone = {path: standalone(s.request, rules) for path, s in silences.items()}
    kept = [path for path, verdict in alone.items() if verdict.accepted]
    refused = [path for path, verdict in alone.items() if not verdict.accepted]
    verdicts: dict[str, Verdict] = {}
    for paths, history in ((kept, [*earlier, *(silences[p] for p in kept)]), (refused, earlier)):
        judged = with_history([silences[p] for p in paths], [alone[p] for p in paths], history, rules)
        verdicts |= zip(paths, judged, strict=True)
    return verdicts


def _request(document: positional.Document) -> SilenceRequest | None:
    """The silence ``document`` asks for; None when it holds none (its problems say why)."""
    data: Any = document.data
    if data is None:
        return None
    if not isinstance(data, dict):
        document.problem(
            (), "a silence request is a mapping: Alertmanager's API v2 silence", api.BAD_SILENCE.id
        )
        return None
    return api.from_api(data, _approvers(data, document))


def _ident(path: str, taken: set[str]) -> str:
    """How the silence of the file at ``path`` is named among the others: by its path, unless
    that is an Alertmanager silence's id already."""
    return path if path not in taken else f"file {path}"


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

"""Every rule a problem or a silence violation can name, in one ``Rulebook``, and its listing
(``oncall-policy check --list-rules``).

Each rule is declared beside the code that enforces it; this module gathers them, at the top of
the pipeline because it alone may import every layer that declares rules. It is imported only to
list them: gathering imports the loader, the checks and the silence evaluator whole.
"""

from __future__ import annotations

import json

from oncall_policy import checks
from oncall_policy.gate import writes as gate_writes
from oncall_policy.load import (
    characters,
    no_secrets,
    ownership,
    parts,
    policy,
    positional,
    precheck,
    reading,
    scalars,
    validation,
)
from oncall_policy.rulebook import KINDS, Rule, Rulebook
from oncall_policy.silence import api, approvals, evaluate, files, history, proof, request, shape, together
from oncall_policy.verify import rule_files

LIST_FORMATS = ("text", "json")

# Each kind in the order a file meets its rules.
LOADER_RULES: tuple[Rule, ...] = (
    reading.UNREADABLE,
    reading.FILE_TOO_LARGE,
    reading.NOT_UTF8,
    reading.EMPTY_FILE,
    characters.CONTROL_CHARACTER,
    precheck.TOO_LARGE,
    positional.YAML_SYNTAX,
    positional.MULTIPLE_DOCUMENTS,
    positional.TOO_DEEP,
    positional.COMPLEX_KEY,
    positional.DUPLICATE_KEY,
    positional.MERGE_KEY,
    positional.YAML_TAG,
    scalars.YAML11_TRAP,
    scalars.NUMBER_TOO_LARGE,
    no_secrets.RULE,
    policy.WRONG_VERSION,
    validation.UNKNOWN_FIELD,
    validation.MISSING_FIELD,
    validation.WRONG_TYPE,
    validation.INVALID_VALUE,
    parts.INCLUDE,
    parts.PART_SHAPE,
    ownership.RULE,
)
SILENCE_RULES: tuple[Rule, ...] = (
    files.JSON_SYNTAX,
    api.BAD_SILENCE,
    request.BAD_MATCHER,
    request.BAD_DURATION,
    request.BAD_TIME,
    shape.NO_MATCHERS,
    shape.TOO_COMPLEX,
    shape.BREAKS_SILENCING,
    shape.MATCHES_EMPTY,
    shape.APPROVAL_IN_COMMENT,
    shape.MISSING_COMMENT,
    shape.INVALID_REASON,
    shape.NO_VALID_REASON,
    shape.MISSING_AUTHOR,
    approvals.UNKNOWN_AUTHOR,
    shape.END_BEFORE_START,
    shape.ZERO_DURATION,
    evaluate.REACHES_NOTHING,
    evaluate.MUTES_EVERYTHING,
    evaluate.OVER_CAP,
    approvals.UNKNOWN_APPROVER,
    approvals.SELF_APPROVAL,
    approvals.MISSING_APPROVAL,
    history.HISTORY_UNREADABLE,
    together.OVER_CAP_RECREATED,
    gate_writes.AUTHOR_NOT_YOU,
    gate_writes.APPROVAL_CLAIM,
    proof.UNPROVEN_APPROVAL,
)
RULE_FILE_RULES: tuple[Rule, ...] = (
    rule_files.SHAPE,
    rule_files.ALERT_NOT_IN_CATALOG,
    rule_files.SEVERITY_MISMATCH,
    rule_files.LABEL_MISMATCH,
    rule_files.RUNBOOK_MISMATCH,
    rule_files.ANNOTATION_MISMATCH,
    rule_files.ALERT_WITHOUT_RULE,
)


def rulebook() -> Rulebook:
    """Every rule, found by id; raises ``ValueError`` if two declare one id."""
    return Rulebook((*LOADER_RULES, *checks.RULES, *SILENCE_RULES, *RULE_FILE_RULES))


def listing(book: Rulebook, style: str) -> str:
    """``text``: the rules of each kind under a heading, one line each (id and summary);
    ``json``: a list of objects with ``id``, ``kind``, ``summary`` and ``doc``."""
    if style == "json":
        rows = [{"id": r.id, "kind": r.kind, "summary": r.summary, "doc": r.doc.strip()} for r in book]
        return json.dumps(rows, indent=2) + "\n"
    width = max(len(rule.id) for rule in book)
    sections = []
    for kind, about in KINDS.items():
        lines = [f"  {rule.id:<{width}}  {rule.summary}" for rule in book.of_kind(kind)]
        sections.append("\n".join([f"{kind} rules: {about}", *lines]) + "\n")
    return "\n".join(sections)

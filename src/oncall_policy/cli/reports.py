"""Results rendered for people and for CI: problems as text, JSON or GitHub workflow
annotations; policy changes as text, Markdown (for a pull-request comment) or JSON.

Pure: values in, text out; the CLI prints it. Text for a terminal has its control characters
escaped (``printable``): file names, keys and values come from the user's files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from oncall_policy.markdown import cell
from oncall_policy.printable import printable, printable_json, printable_lines
from oncall_policy.problems import Problem

if TYPE_CHECKING:  # the check command imports this module: it stays free of pydantic
    from oncall_policy.meaning.diff import Change

PROBLEM_FORMATS = ("text", "json", "github")
CHANGE_FORMATS = ("text", "markdown", "json")
# The sections of a policy diff, in the order they are shown, with what their subjects are.
SECTIONS = {
    "alerts": "Alert",
    "routing": "Routing",
    "escalation": "Escalation policy",
    "severities": "Severity",
    "silences": "Silence rule",
    "rotations": "Rotation",
}


def problems(found: Iterable[Problem], style: str) -> str:
    """``text``: ``file:line:col: [error] where: message (rule)``; ``json``: a list of objects;
    ``github``: ``::error file=…,line=…,col=…,title=…::message`` workflow commands."""
    found = list(found)
    if style == "json":
        rows = [
            {
                "file": p.path,
                "line": p.line,
                "column": p.column,
                "field": p.where,
                "message": p.message,
                "rule": p.rule,
            }
            for p in found
        ]
        import json  # noqa: PLC0415 - only for this format: its import is ~2 ms of check's start

        return json.dumps(rows, indent=2) + "\n"
    if style == "github":
        return "".join(_annotation(p) for p in found)
    return "".join(f"{printable(str(p))}\n" for p in found)


def _annotation(problem: Problem) -> str:
    where = f"{problem.where}: " if problem.where else ""
    return (
        f"::error file={_property(problem.path)},line={problem.line},col={problem.column},"
        f"title={_property(problem.rule)}::{_data(where + problem.message)}\n"
    )


def _data(text: str) -> str:
    """A workflow command's message, escaped as the GitHub Actions toolkit escapes it, with the
    other control characters escaped for the log's terminal."""
    return printable_lines(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def changes(found: Sequence[Change], style: str) -> str:
    if style == "json":
        rows = [
            {"section": c.section, "subject": c.subject, "what": c.what, "old": c.old, "new": c.new}
            for c in found
        ]
        import json  # noqa: PLC0415 - only for this format

        return printable_json(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n"
    if style == "markdown":
        return printable_lines(_markdown(found))
    if not found:
        return "no change for people\n"
    return "".join(printable(f"{c.section}: {c.subject}: {c.what}{_arrow(c)}") + "\n" for c in found)


def _arrow(change: Change) -> str:
    if change.old is None and change.new is None:
        return ""
    if change.old is None:
        return f": {change.new}"
    if change.new is None:
        return f": {change.old}"
    return f": {change.old} → {change.new}"


def _markdown(found: Sequence[Change]) -> str:
    lines = ["### On-call policy: what changes for people", ""]
    if not found:
        return "\n".join([*lines, "No change for people.", ""])
    for section, subject in SECTIONS.items():
        if rows := [c for c in found if c.section == section]:
            lines += [f"#### {section.capitalize()}", "", f"| {subject} | Change | Before | After |"]
            lines += ["|---|---|---|---|", *map(_row, rows), ""]
            if section == "rotations":
                lines += [_CYCLE_NOTE, ""]
    return "\n".join(lines)


_CYCLE_NOTE = (
    "Hand-offs are compared over one cycle of the longer rotation from the earlier start; "
    "each difference recurs with the cycle."
)


def _row(change: Change) -> str:
    return f"| {cell(change.subject)} | {cell(change.what)} | {_value(change.old)} | {_value(change.new)} |"


def _value(text: str | None) -> str:
    return "—" if text is None else cell(text)

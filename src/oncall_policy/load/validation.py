"""Pydantic's validation errors as problems a person can act on, at their place in the file."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from oncall_policy.leaks.redact import shown
from oncall_policy.load.positional import Document
from oncall_policy.model.types import PATTERN_WORDS
from oncall_policy.problems import Location
from oncall_policy.rulebook import LOADER, Rule

UNKNOWN_FIELD = Rule(
    "unknown-field",
    LOADER,
    "every field is one the schema knows. A typo fails, naming the closest known field or the "
    "fields allowed there.",
)
MISSING_FIELD = Rule("missing-field", LOADER, "every field the schema requires is given.")
WRONG_TYPE = Rule(
    "wrong-type",
    LOADER,
    "every value has the type the schema asks for. That is a mapping, a list, a string, a number or "
    "a boolean; a policy itself is a mapping that starts with its version.",
)
INVALID_VALUE = Rule(
    "invalid-value",
    LOADER,
    "every value is one the schema allows. Durations, ids, emails, URLs, names PagerDuty would "
    "refuse, text longer than it takes, and values out of bounds are refused at their place.",
)
# Pydantic's error types that have a rule of their own; any other ``*_type`` is a wrong type.
_RULES = {"extra_forbidden": UNKNOWN_FIELD.id, "missing": MISSING_FIELD.id}


def report(error: ValidationError, document: Document, schema: dict[str, Any]) -> None:
    """Add one problem per failing field of ``document`` (union branches merged into one)."""
    merged: dict[tuple[Location, bool], list[tuple[str, str]]] = {}
    for item in error.errors(include_url=False):
        location = _clean(item["loc"], document.data)
        extra = item["type"] == "extra_forbidden"
        message = _unknown_field(location, schema) if extra else _plain(item)
        merged.setdefault((location, extra), []).append((message, item["type"]))
    for (location, extra), messages in merged.items():
        useful = [m for m in messages if m[1] != "none_required"] or messages
        text = "; or ".join(dict.fromkeys(message for message, _ in useful))
        kind = useful[0][1]
        rule = _RULES.get(kind, WRONG_TYPE.id if kind.endswith("_type") else INVALID_VALUE.id)
        document.problem(location, text, rule, key=extra)


def _clean(raw: tuple[int | str, ...], data: Any) -> Location:
    """Keep the parts of pydantic's ``loc`` that name keys and indexes of the data (drop the
    names of union branches and validators, which are not in the file)."""
    location: list[int | str] = []
    node = data
    for part in raw:
        if _has(node, part):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.endswith("[key]"):
            continue
        elif isinstance(node, dict) and not _is_branch(part):
            node = None  # a missing key: name it, there is nothing below it
        else:
            continue
        location.append(part)
    return tuple(location)


def _has(node: Any, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _is_branch(part: int | str) -> bool:
    return isinstance(part, str) and (
        "[" in part or part[:1].isupper() or part in {"str", "int", "bool", "none", "float"}
    )


def _plain(item: Any) -> str:
    message = str(item["msg"]).removeprefix("Value error, ")
    if item["type"] == "missing":
        return "required field is missing; add it"
    if item["type"] == "string_pattern_mismatch":
        what = PATTERN_WORDS.get(item["ctx"]["pattern"], f"of the form {item['ctx']['pattern']}")
        return f"{shown(str(item['input']), limit=80)} is not {what}"
    return _without_secret(message[:1].lower() + message[1:], item.get("input"))


def _without_secret(message: str, value: Any) -> str:
    """``message`` with ``value`` shown as what it looks like, if it holds a secret (a
    validator's own message may quote it: "not a valid duration: '…'")."""
    if not isinstance(value, str) or (hidden := shown(value)) == repr(value):
        return message
    return message.replace(repr(value), hidden).replace(value, hidden)


def _unknown_field(location: Location, schema: dict[str, Any]) -> str:
    import difflib  # noqa: PLC0415 - only a typo pays for it; the loader declares this module's rules

    name = location[-1] if location else "?"
    allowed = _allowed_keys(schema, location[:-1])
    close = difflib.get_close_matches(str(name), allowed, n=1)
    hint = (
        f"; did you mean '{close[0]}'?"
        if close
        else (f"; allowed here: {', '.join(sorted(allowed))}" if allowed else "")
    )
    return f"unknown field {shown(str(name))}{hint}"


def _allowed_keys(schema: dict[str, Any], location: Location) -> list[str]:
    """The property names the JSON Schema allows at ``location`` (best effort, for hints)."""
    nodes = [schema]
    for part in location:
        nodes = [child for node in nodes for child in _children(schema, node, part)]
    return sorted({key for node in nodes for key in _resolve(schema, node).get("properties", {})})


def _children(root: dict[str, Any], node: dict[str, Any], part: int | str) -> list[dict[str, Any]]:
    node = _resolve(root, node)
    branches = node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", [])
    if branches:
        return [c for branch in branches for c in _children(root, branch, part)]
    if isinstance(part, int):
        items = node.get("items") or node.get("prefixItems", [{}])[0]
        return [items] if isinstance(items, dict) else []
    if part in node.get("properties", {}):
        return [node["properties"][part]]
    extra = node.get("additionalProperties")
    return [extra] if isinstance(extra, dict) else []


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node

"""PagerDuty's limits that a JSON Schema cannot state: real IANA zones, names the API and the
Terraform provider accept, and references that resolve in the manifest's order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from oncall_policy.zones import is_zone

Json = dict[str, Any]
Complaint = tuple[str, str, str]  # (file, where, message)

BAD_NAME = r"[\\/&<>]|[^\x20-\x7e\u00a0-\uffff]"
# The same for ASCII names, which most are: ``re`` compiles the whole class by walking its
# ranges code point by code point (5 ms), so that is done only for other names.
_ASCII_BAD_NAME = re.compile(r"[\\/&<>]|[^\x20-\x7e]")


@cache
def _beyond_ascii(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def zone_problem(zone: str) -> str | None:
    if zone == "UTC":
        return "'UTC' is not in PagerDuty's list of zones; use 'Etc/UTC'"
    if not is_zone(zone):
        return f"{zone!r} is not an IANA time zone"
    return None


def name_problem(name: str) -> str | None:
    if name != name.strip():
        return f"name {name!r} has leading or trailing spaces"
    if (_ASCII_BAD_NAME if name.isascii() else _beyond_ascii(BAD_NAME)).search(name):
        return f"name {name!r} contains one of \\ / & < > or a non-printable character"
    return None


def check(files: dict[str, Json]) -> Iterator[Complaint]:
    """Everything the schema cannot say, over the bodies (by path) and ``manifest.json``."""
    for path, body in sorted(files.items()):
        if path == "manifest.json":
            continue
        for inner in body.values():
            yield from _object(path, inner)
    yield from _references(files)


def _object(path: str, inner: Any) -> Iterator[Complaint]:
    if isinstance(inner, dict):
        if (problem := name_problem(str(inner.get("name", "x")))) is not None:
            yield path, "name", problem
        if "time_zone" in inner and (problem := zone_problem(str(inner["time_zone"]))) is not None:
            yield path, "time_zone", problem


def placeholders_in(value: Any) -> Iterator[str]:
    """Every placeholder id a body refers to."""
    if isinstance(value, dict):
        identifier = value.get("id")
        if isinstance(identifier, str) and identifier.startswith("@"):
            yield identifier
        for item in value.values():
            yield from placeholders_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from placeholders_in(item)


def _references(files: dict[str, Json]) -> Iterator[Complaint]:
    """Each body refers only to looked-up users and teams or to objects created before it."""
    manifest = files.get("manifest.json", {})
    known = {entry["placeholder"] for entry in (*manifest.get("users", ()), *manifest.get("teams", ()))}
    for step in manifest.get("apply", ()):
        body = files.get(step["body"])
        if body is None:
            yield "manifest.json", f"apply[{step['step'] - 1}]", f"no body {step['body']}"
            continue
        for placeholder in placeholders_in(body):
            if placeholder not in known:
                yield step["body"], "", f"{placeholder} is neither looked up nor created before this step"
        known.add(step["placeholder"])

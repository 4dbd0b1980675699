"""A root policy's parts: found by its ``include`` globs, read one file at a time, merged in.

Each part is read as a policy file is (the same size, node and character bounds, per file), held
to its shape (``model.part``) and to its team's ownership (``load.ownership``), then its lists are
appended to the root's: the part of team ``a`` before that of team ``b``, whatever order the files
have on disk, so the merged policy (and all compiled from it) is the same on every machine.
"""

from __future__ import annotations

import errno
import hashlib
import os
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from oncall_policy.leaks.redact import shown
from oncall_policy.load import ownership, reading
from oncall_policy.load.bounds import MAX_BYTES
from oncall_policy.load.composite import Composite, Origin
from oncall_policy.load.positional import Document
from oncall_policy.model.part import PolicyPart
from oncall_policy.model.policy import VERSION
from oncall_policy.problems import Problem
from oncall_policy.provenance import included, pattern_problem
from oncall_policy.regular_files import read_regular
from oncall_policy.rulebook import LOADER, Rule

if TYPE_CHECKING:
    from collections.abc import Callable

    from oncall_policy.problems import Location

    # Text and its display path → its document (the loader's fast or position-keeping path).
    Reader = Callable[[str, str], Document]

INCLUDE = Rule(
    "include",
    LOADER,
    "each ``include`` pattern of a root policy matches at least one file beside it. A pattern is a "
    "glob relative to the root's directory, without ``..``; at most 10,000 parts in all. A pattern "
    "that matches nothing is a typo or a moved directory, and would silently drop a team's alerts.",
)
PART_SHAPE = Rule(
    "part-shape",
    LOADER,
    "a policy part holds only what one team owns, and names that team. It starts with "
    f"``version: {VERSION}`` and ``team: ID`` (one of the root's teams, owned by this part alone) "
    "and holds people, rotations, escalation_policies, paging_services, chat_channels, alerts and "
    "routes. Organisation-wide sections (severities, roles, teams, routing, silences…) live in the root.",
)
MAX_PARTS = 10_000  # the include rule says so
SECTIONS: dict[str, Location] = {
    name: (name,) for name in PolicyPart.model_fields if name not in {"version", "team", "routes"}
}
SECTIONS["routes"] = ("routing", "routes")


class PartFiles(Protocol):
    """Where a root's parts are read from: files beside it, or a revision in git."""

    def names(self, pattern: str, own: str) -> list[str]: ...
    def read(self, name: str) -> bytes: ...


class Directory:
    """The parts beside a root policy on disk; names are relative to its directory."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def names(self, pattern: str, own: str) -> list[str]:
        return included(self.base, [pattern], own)

    def read(self, name: str) -> bytes:
        path = self.base / name
        # A part is the root's directory's: one reached through a symlink to elsewhere (another
        # repository, /proc/self/environ) is no team's file under review (red team).
        real, inside = os.path.realpath(path), os.path.realpath(self.base)
        if os.path.commonpath([real, inside]) != inside:
            raise OutsideError(
                errno.EXDEV, f"is {real}, outside the root policy's directory (a symlink)", str(path)
            )
        return read_regular(path, MAX_BYTES)


class OutsideError(OSError):
    """A part whose file is not in the root policy's directory."""


# The parts each loaded policy was read from, by the policy object's identity, while it lives.
_SOURCES: dict[int, tuple[tuple[str, str], ...]] = {}


def remember(policy: object, document: Document) -> None:
    if isinstance(document, Composite) and document.sources:
        _SOURCES[id(policy)] = document.sources
        weakref.finalize(policy, _SOURCES.pop, id(policy), None)


def sources(policy: object) -> tuple[tuple[str, str], ...]:
    """(name, sha256) of each part ``policy`` was read from, in include order (none: one file)."""
    return _SOURCES.get(id(policy), ())


def compose(root: Document, files: PartFiles, read: Reader) -> Document:
    """``root`` with the parts its ``include`` names merged in; ``root`` itself when it has none."""
    data = root.data
    if not isinstance(data, dict) or not data.get("include"):
        return root
    patterns = data["include"]
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        return root  # the schema says what is wrong with it
    names = _names(root, patterns, files)
    directory = Path(root.path).parent
    read_parts = [_part(str(directory / name), name, files, read) for name in names]
    parts = [part for part, _ in read_parts]
    owned = _owners(root, parts)
    ownership.check(root, owned)
    composite = _merge(root, parts, owned)
    composite.sources = tuple((name, sha) for name, (_, sha) in zip(names, read_parts, strict=True))
    return composite


def _names(root: Document, patterns: list[str], files: PartFiles) -> list[str]:
    names: dict[str, None] = {}
    own = Path(root.path).name
    for i, pattern in enumerate(patterns):
        refused = pattern_problem(pattern)
        if refused is not None:
            root.problem(("include", i), f"{shown(pattern)} {refused}", INCLUDE.id)
            continue
        try:
            found = files.names(pattern, own)
        except RecursionError:  # Path.glob's ** walks directories by recursion (red team)
            root.problem(
                ("include", i),
                f"{shown(pattern)} reaches directories nested too deep to search; name fewer levels",
                INCLUDE.id,
            )
            continue
        if not found:
            root.problem(("include", i), f"{shown(pattern)} matches no file", INCLUDE.id)
        names.update(dict.fromkeys(found))
    if len(names) > MAX_PARTS:
        root.problem(
            ("include",), f"the patterns match {len(names):,} files; at most {MAX_PARTS:,}", INCLUDE.id
        )
        return []
    return list(names)


def _part(path: str, name: str, files: PartFiles, read: Reader) -> tuple[Document, str]:
    """The part's document and the sha256 of its bytes."""
    try:
        raw = files.read(name)
    except OSError as error:
        return Document(path, problems=[reading.unreadable(path, error)]), ""
    sha = hashlib.sha256(raw).hexdigest()
    text = reading.decode(raw, path)
    if isinstance(text, Problem):
        return Document(path, problems=[text]), sha
    document = read(text, path)
    if document.data is not None:
        _shape(document)
    return document, sha


def _shape(part: Document) -> None:
    data = part.data
    if not isinstance(data, dict):
        part.problem((), "a policy part is a mapping that starts with 'version' and 'team'", PART_SHAPE.id)
        part.data = None
        return
    if data.get("version") != VERSION:
        part.problem(("version",), f"a policy part starts with 'version: {VERSION}'", PART_SHAPE.id)
    if not isinstance(data.get("team"), str):
        part.problem(("team",), "a policy part names the team that owns it: 'team: ID'", PART_SHAPE.id)
    for key in data.keys() - PolicyPart.model_fields.keys():
        part.problem(
            (key,),
            f"{shown(key)} is not for a team's part: a part holds {', '.join(SECTIONS)}; "
            "organisation-wide sections live in the root policy",
            PART_SHAPE.id,
            key=True,
        )
    for section in SECTIONS:
        if not isinstance(data.get(section, []), list):
            part.problem((section,), f"{section} is a list", PART_SHAPE.id)
    if part.has_problems():
        part.data = None  # not merged: its problems stand alone


def _owners(root: Document, parts: list[Document]) -> dict[str, Document]:
    """Team id → the one part that owns it (parts that claim no known team are left out)."""
    teams = ownership.root_teams(root.data)
    owned: dict[str, Document] = {}
    for part in parts:
        if part.data is None:
            continue
        team = part.data["team"]
        if team not in teams:
            listed = ", ".join(sorted(teams)[:12]) or "none are defined"
            part.problem(
                ("team",), f"team {shown(team)} is not a team of {root.path}; teams: {listed}", PART_SHAPE.id
            )
        elif team in owned:
            part.problem(
                ("team",), f"team {shown(team)} is already owned by {owned[team].path}", PART_SHAPE.id
            )
        else:
            owned[team] = part
    return dict(sorted(owned.items()))


def _merge(root: Document, parts: list[Document], owned: dict[str, Document]) -> Composite:
    """The root's data with every owning part's lists appended, in team order."""
    data = dict(root.data)
    origins: dict[Location, list[Origin]] = {}
    for section, at in SECTIONS.items():
        holder, key = _container(data, at)
        if holder is None:
            continue  # not a list in the root: the schema says so, and nothing is merged into it
        merged = list(holder.get(key) or [])
        places: list[Origin] = [(root, (*at, i)) for i in range(len(merged))]
        for part in owned.values():
            items = part.data.get(section) or []
            merged.extend(ownership.claimed(items, section, part.data["team"]))
            places.extend((part, (section, i)) for i in range(len(items)))
        if places:  # a section neither the root nor any part has stays missing
            holder[key] = merged
            origins[at] = places
    return Composite(root, parts, data, origins)


def _container(data: dict[str, Any], at: Location) -> tuple[dict[str, Any] | None, str]:
    """The (copied) mapping that holds the list at ``at`` and its key; ``None`` when the value
    there is neither missing nor a list."""
    *outer, key = (str(name) for name in at)
    for name in outer:
        inner = data.get(name)
        if not isinstance(inner, dict):
            return None, key
        data[name] = data = dict(inner)
    value = data.get(key)
    return (data if value is None or isinstance(value, list) else None), key


ROOT_NAMES = ("policy.yaml", "policy.yml")


def root_of(path: Path) -> Path | None:
    """The root policy that includes the part at ``path``: the nearest ``policy.yaml`` in a
    directory above it whose ``include`` matches it (``None``: ``path`` is no part)."""
    resolved = path.resolve()
    for directory in resolved.parents:
        for name in ROOT_NAMES:
            candidate = directory / name
            if candidate == resolved or not candidate.is_file():
                continue
            patterns = _include_of(candidate)
            own = resolved.relative_to(directory).as_posix()
            if patterns and own in included(directory, patterns, name):
                return candidate
    return None


def _include_of(root: Path) -> list[str]:
    """A policy's ``include`` patterns, read without judging the rest of it (none: unreadable)."""
    from oncall_policy.load import fast  # noqa: PLC0415 - the loader's own fast path

    try:
        data = fast.parse(read_regular(root, MAX_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return []
    patterns = data.get("include") if isinstance(data, dict) else None
    return [p for p in patterns if isinstance(p, str)] if isinstance(patterns, list) else []

"""Writing generated files: atomically, only when changed, and comparing for ``--check``."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

MANIFEST = ".oncall-policy-files"


class Change(NamedTuple):
    """One generated file that differs from what is on disk (``diff`` is a unified diff)."""

    path: str
    kind: str  # "created", "changed" or "removed"
    diff: str


def compare(files: dict[str, str], out: Path) -> list[Change]:
    """What ``write`` would change; reads only."""
    changes = [change for path, text in files.items() if (change := _compare_one(out, path, text))]
    for path in sorted(_previous(out) - files.keys()):
        if (out / path).exists():
            old = (out / path).read_text(encoding="utf-8", errors="replace")
            changes.append(Change(path, "removed", _diff(path, old, "")))
    return changes


def _compare_one(out: Path, path: str, text: str) -> Change | None:
    target = out / path
    if not target.exists():
        return Change(path, "created", _diff(path, "", text))
    old = target.read_text(encoding="utf-8", errors="replace")
    return None if old == text else Change(path, "changed", _diff(path, old, text))


def _diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def write(files: dict[str, str], out: Path) -> list[Change]:
    """Bring ``out`` in line with ``files``. Every file is first written beside its target and
    then renamed over it, so a reader never sees half a file; files a previous compile wrote and
    this one does not are removed."""
    changes = compare(files, out)
    staged = list(_stage(files, out, {c.path for c in changes if c.kind != "removed"}))
    for temporary, target in staged:
        temporary.replace(target)
    for change in changes:
        if change.kind == "removed":
            (out / change.path).unlink()
    manifest = "".join(f"{path}\n" for path in files)
    if _read(out / MANIFEST) != manifest:
        for temporary, target in _stage({MANIFEST: manifest}, out, {MANIFEST}):
            temporary.replace(target)
    return changes


def _stage(files: dict[str, str], out: Path, paths: set[str]) -> Iterator[tuple[Path, Path]]:
    for path in sorted(paths):
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(files[path])
        yield Path(temporary), target


def _previous(out: Path) -> set[str]:
    return {line for line in _read(out / MANIFEST).splitlines() if line and ".." not in line}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""

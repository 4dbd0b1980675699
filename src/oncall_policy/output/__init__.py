"""Writing the generated files into ``--out`` as one set, and comparing them for ``--check``.

A compile is all or nothing: the new tree is built beside ``--out`` (``staging``) and put in its
place in one step (``swap``), under a lock on the parent directory (``outlock``), so that after a
crash, a full disk or a second compile ``--out`` is entirely the old tree or entirely the new one.
Only files compile wrote before (``manifest``) are its own to change or remove; others are
carried over. Nothing below ``--out`` is followed if it is a link (``previous``). When nothing
changed nothing is written. ``compare`` only reads.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from oncall_policy.output import manifest, outlock, plan, previous, staging, swap
from oncall_policy.output.linediff import Diff, unified
from oncall_policy.output.place import OutputError, Place

MANIFEST = manifest.NAME
Change = plan.Change

__all__ = [
    "MANIFEST",
    "Change",
    "Diff",
    "OutputError",
    "Stale",
    "compare",
    "diff",
    "locked",
    "write",
]


class Stale(NamedTuple):
    """A generated file ``--out`` does not hold as it should: what it holds and what it should."""

    path: str
    kind: str  # "created", "changed" or "removed"
    before: bytes | None  # None: too large to read for a diff
    after: bytes


@contextmanager
def locked(out: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold ``out``'s lock (exclusive to write, shared to read) around several steps, such as
    reading the previous output for warnings and then writing; ``write`` and ``compare`` inside
    share it. Taken exclusively, it first undoes what a killed compile left (``swap.recover``)."""
    with _locked(Place.of(out), exclusive=exclusive):
        yield


@contextmanager
def _locked(place: Place, *, exclusive: bool) -> Iterator[int | None]:
    with outlock.locked(place, exclusive=exclusive) as parent:
        if exclusive and parent is not None:
            swap.recover(place, parent)
        yield parent


def previous_text(out: Path) -> Callable[[str], str | None]:
    """The previous output's text of a path, read as every previous output is (``previous``): a
    link or a special file in the way is an error, a file that is not there or not UTF-8 is
    ``None``. For what a compile compares with what it replaces."""
    place = Place.of(out)

    def text(path: str) -> str | None:
        data = previous.read_if_there(place, path)
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    return text


def write(files: Mapping[str, str], out: Path, keep: Collection[Path] = ()) -> list[Change]:
    """Bring ``out`` in line with ``files``, as one set; what changed, as users are told.
    ``keep``: files never removed, whatever the manifest says (the policy being compiled)."""
    place = Place.of(out)
    new = _encoded(files)
    with _locked(place, exclusive=True) as parent:
        if parent is None:  # an exclusive lock makes the parent
            raise RuntimeError(f"{place.parent}: no parent directory after making it")
        tree = previous.scan(place)
        chosen = _plan(place, new, tree, None)
        _refuse_removing(place, chosen, tree, keep)
        if not chosen.idle:
            stage = staging.build(place, parent, chosen, new, tree)
            swap.replace(place, parent, stage)
    return list(chosen.changes)


def _refuse_removing(
    place: Place, chosen: plan.Plan, tree: previous.Tree | None, keep: Collection[Path]
) -> None:
    """An ``OutputError`` if the manifest would have a file of ``keep`` removed."""
    kept: set[tuple[int, int]] = set()
    for path in keep:
        with contextlib.suppress(OSError):
            mine = path.stat()
            kept.add((mine.st_dev, mine.st_ino))
    for change in chosen.changes:
        found = tree.files[change.path] if tree and change.kind == "removed" else None
        if found is not None and (found.st_dev, found.st_ino) in kept:
            raise OutputError(
                place.show(change.path),
                f"is listed in {manifest.NAME} as generated, but it is the policy; remove that line",
            )


def compare(files: Mapping[str, str], out: Path) -> list[Stale]:
    """What ``write`` would change; reads only."""
    place = Place.of(out)
    new = _encoded(files)
    with outlock.locked(place, exclusive=False) as parent:
        if parent is not None and swap.interrupted(place, parent):
            raise OutputError(
                place.show(),
                "is missing: a compile was interrupted while replacing it; run `oncall-policy compile`, "
                "which puts the old tree back first",
            )
        tree = previous.scan(place)
        differing: dict[str, bytes] = {}
        chosen = _plan(place, new, tree, differing)
        return [_stale(place, change, new, tree, differing) for change in chosen.changes]


def diff(stale: Stale) -> Diff | None:
    """The unified diff of a stale file (bounded: ``linediff.MAX_LINES``); None if too large."""
    if stale.before is None:
        return None
    before = stale.before.decode("utf-8", errors="replace")
    return unified(stale.path, before, stale.after.decode("utf-8"))


def _encoded(files: Mapping[str, str]) -> dict[str, bytes]:
    for path in files:
        if not manifest.plain(path) or path == MANIFEST:
            raise RuntimeError(f"a target generated {path!r}, not a plain relative path of its own")
    return {**{path: text.encode("utf-8") for path, text in files.items()}, MANIFEST: manifest.render(files)}


def _plan(
    place: Place, new: dict[str, bytes], tree: previous.Tree | None, differing: dict[str, bytes] | None
) -> plan.Plan:
    """The plan, reading an old file only when its size matches; ``differing`` (if given) keeps
    what was read of the files that differ, for their diffs."""
    ours: tuple[str, ...] = ()
    if tree is not None and manifest.NAME in tree.files:
        ours = manifest.parse(place, previous.read(place, manifest.NAME, manifest.LIMIT))

    def same(path: str, data: bytes) -> bool:
        found = previous.read(place, path, len(data))
        if found != data and differing is not None:
            differing[path] = found
        return found == data

    return plan.make(place, new, tree, ours, same)


def _stale(
    place: Place,
    change: Change,
    new: dict[str, bytes],
    tree: previous.Tree | None,
    differing: dict[str, bytes],
) -> Stale:
    after = new.get(change.path, b"")
    if tree is None or change.kind in {"created", "removed"}:
        # A removed file is named, never shown: the manifest may name any file in --out (a hand
        # edit, a bad merge), and its contents could be anyone's, a key file's included.
        return Stale(change.path, change.kind, b"", after)
    before = differing.get(change.path)
    if before is None and tree.files[change.path].st_size <= previous.READ_LIMIT:
        before = previous.read(place, change.path, previous.READ_LIMIT)
    return Stale(change.path, change.kind, before, after)

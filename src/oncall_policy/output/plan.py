"""What a compile changes, decided before anything is written: which files of the new tree get
new contents, which are carried over from the old tree as they are, and what users are told.

Files compile wrote before (the manifest) and no longer writes are left out of the new tree;
every other file already there is someone else's (``.gitkeep``, a README) and is carried over.
Deciding whether a file changed compares bytes, never computes a diff: a compile costs time in
proportion to its output, whatever changed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import NamedTuple

from oncall_policy.output.manifest import NAME
from oncall_policy.output.place import OutputError, Place
from oncall_policy.output.previous import Tree


class Change(NamedTuple):
    """One generated file whose contents differ from what ``--out`` holds."""

    path: str
    kind: str  # "created", "changed" or "removed"


class Plan(NamedTuple):
    changes: tuple[Change, ...]  # what users are told; the manifest is not among them
    write: tuple[str, ...]  # files given new contents, the manifest included
    link: tuple[str, ...]  # files of the old tree kept as they are: ours unchanged, and others'
    dirs: tuple[str, ...]  # every directory of the new tree below its root, parents first
    dropped: int  # files of the old tree left out: the removed ones

    @property
    def idle(self) -> bool:
        """Nothing to do: the old tree is the new one."""
        return not self.write and not self.dropped


def make(
    place: Place,
    new: Mapping[str, bytes],
    tree: Tree | None,
    ours: Collection[str],
    same: Callable[[str, bytes], bool],
) -> Plan:
    """The plan for writing ``new`` over ``tree``, where ``ours`` lists what compile wrote before
    and ``same`` tells whether an old file of the new one's size holds exactly its bytes."""
    old, ours = (tree.files if tree else {}), set(ours)
    changes, write, link = [], [], []
    for path, data in new.items():
        found = old.get(path)
        if found is not None and found.st_size == len(data) and same(path, data):
            link.append(path)
            continue
        write.append(path)
        if path != NAME:
            changes.append(Change(path, "created" if found is None else "changed"))
    removed = sorted(path for path in ours if path in old and path not in new)
    changes += [Change(path, "removed") for path in removed]
    if not changes and NAME in write:
        # The list of what compile wrote, changed while nothing it lists did: edited by hand. It
        # decides what a later compile removes, and --check passed over it (red team).
        changes.append(Change(NAME, "created" if NAME not in old else "changed"))
    # Anything else already there is someone else's, carried over: even what looks like a
    # temporary file an older compile left (a user's ``.ON_CALL.md.my_notes`` looks the same).
    link += [path for path in old if path not in new and path not in ours]
    dirs = _dirs(place, [*write, *link], tree)
    return Plan(tuple(changes), tuple(write), tuple(link), dirs, len(removed))


def _dirs(place: Place, files: list[str], tree: Tree | None) -> tuple[str, ...]:
    """The directories ``files`` need, and the empty ones kept; a file where a directory must
    be (or the other way round) is an error."""
    dirs = tree.empty_dirs() if tree else set()
    for path in files:
        parent = path.rpartition("/")[0]
        while parent and parent not in dirs:
            dirs.add(parent)
            parent = parent.rpartition("/")[0]
    clashes = sorted(dirs.intersection(files))
    if clashes:
        raise _clash(place, clashes[0], files, tree)
    return tuple(sorted(dirs, key=lambda path: (path.count("/"), path)))


def _clash(place: Place, path: str, files: list[str], tree: Tree | None) -> OutputError:
    if tree and path in tree.dirs:
        return OutputError(place.show(path), "is a directory; compile writes a file there (move it away)")
    inside = next(file for file in files if file.startswith(f"{path}/"))
    return OutputError(
        place.show(path),
        f"is a file compile did not write, where compile needs a directory for {place.show(inside)} "
        "(move it away)",
    )

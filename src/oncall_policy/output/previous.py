"""What a previous compile left in ``--out``, read without following a link or blocking.

A repository is untrusted input: ``generated/`` may hold a symlink to a key file, a symlinked
directory leading out of the tree, or a FIFO. ``scan`` walks the tree one directory descriptor
at a time, opening each directory relative to its parent's with ``O_NOFOLLOW`` and checking it is
the one the listing showed, so no link is ever followed; anything but a directory or a regular
file is an error. Files are read with ``regular_files.read_regular`` (no link followed, no
blocking open, a size cap) once the walk has shown every directory above them to be real.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from typing import NamedTuple

from oncall_policy.output.place import OutputError, Place
from oncall_policy.regular_files import kind, read_regular

# The largest previous output read to show a diff of it, far above what 20,000 alerts make. To
# compare, no more is read than the new text's length.
READ_LIMIT = 64 << 20
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class Tree(NamedTuple):
    """Every regular file and directory below ``--out``, by path relative to it, with its lstat."""

    files: dict[str, os.stat_result]
    dirs: dict[str, os.stat_result]  # "" is --out itself

    def empty_dirs(self) -> set[str]:
        occupied = {path.rpartition("/")[0] for path in (*self.files, *self.dirs) if path}
        return set(self.dirs) - occupied - {""}


def scan(place: Place) -> Tree | None:
    """The tree below ``place``, or None when there is none yet."""
    root = _open_root(place)
    if root is None:
        return None
    tree = Tree({}, {"": os.fstat(root)})
    # Depth first, one open descriptor a level: the directory, and its subdirectories to enter.
    stack: list[tuple[str, int, Iterator[str]]] = []
    try:
        _enter(stack, place, tree, "", root)
        while stack:
            path, descriptor, subdirs = stack[-1]
            name = next(subdirs, None)
            if name is None:
                os.close(stack.pop()[1])
                continue
            child = f"{path}/{name}" if path else name
            _enter(stack, place, tree, child, _open_dir(place, descriptor, child, tree.dirs[child]))
    finally:
        for _, descriptor, _ in stack:
            os.close(descriptor)
    return tree


def _enter(
    stack: list[tuple[str, int, Iterator[str]]], place: Place, tree: Tree, path: str, descriptor: int
) -> None:
    stack.append((path, descriptor, iter(())))  # first, so that it is closed if listing it fails
    stack[-1] = (path, descriptor, iter(_list(place, descriptor, path, tree)))


def _open_root(place: Place) -> int | None:
    found = _root(place)
    if found is None:
        return None
    try:
        descriptor = os.open(place.path, _DIRECTORY)
    except OSError as error:
        raise OutputError.system(place.show(), "open it", error) from None
    return _same(place, descriptor, "", found)


def _root(place: Place) -> os.stat_result | None:
    """``--out``'s lstat, if it is a real directory; None if there is nothing there yet."""
    try:
        found = place.path.lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OutputError.system(place.show(), "look at it", error) from None
    if stat.S_ISLNK(found.st_mode):
        raise OutputError(
            place.show(),
            "is a symbolic link; compile replaces a real directory as a whole and never follows a "
            "link (give --out the directory it points to)",
        )
    if not stat.S_ISDIR(found.st_mode):
        raise OutputError(place.show(), f"is {kind(found.st_mode)}, not a directory")
    return found


def _open_dir(place: Place, parent: int, path: str, listed: os.stat_result) -> int:
    try:
        descriptor = os.open(path.rpartition("/")[2], _DIRECTORY, dir_fd=parent)
    except OSError as error:
        raise OutputError.system(place.show(path), "open it", error) from None
    return _same(place, descriptor, path, listed)


def _same(place: Place, descriptor: int, path: str, listed: os.stat_result) -> int:
    """``descriptor``, if it is the directory that was listed (not one swapped in since)."""
    opened = os.fstat(descriptor)
    if (opened.st_dev, opened.st_ino) != (listed.st_dev, listed.st_ino):
        os.close(descriptor)
        raise OutputError(place.show(path), "changed while compile was reading it; run compile again")
    return descriptor


def _list(place: Place, descriptor: int, path: str, tree: Tree) -> list[str]:
    """Record the entries of one directory in ``tree``; the names of its subdirectories."""
    subdirs = []
    try:
        with os.scandir(descriptor) as entries:
            for entry in entries:
                child = f"{path}/{entry.name}" if path else entry.name
                found = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(found.st_mode):
                    tree.dirs[child] = found
                    subdirs.append(entry.name)
                elif stat.S_ISREG(found.st_mode):
                    tree.files[child] = found
                else:
                    raise _foreign(place, child, found.st_mode)
    except OSError as error:
        raise OutputError.system(place.show(path), "list it", error) from None
    return subdirs


def _foreign(place: Place, path: str, mode: int) -> OutputError:
    return OutputError(
        place.show(path),
        f"is {kind(mode)}; compile keeps only regular files and directories in "
        f"{place.show()} and never follows a link (remove it)",
    )


def read(place: Place, path: str, limit: int) -> bytes:
    """A file the walk found, at most ``limit`` bytes of it (``OutputError`` beyond)."""
    try:
        return read_regular(place.path / path, limit, follow_symlinks=False)
    except OSError as error:
        raise OutputError.system(place.show(path), "read it", error) from None


def read_if_there(place: Place, path: str, limit: int = READ_LIMIT) -> bytes | None:
    """``path`` below ``place`` as a previous compile left it, without a walk: each directory on
    the way is checked with ``lstat``, so a symlinked one is an error, never followed. None where
    there is no such file."""
    if _root(place) is None:
        return None
    parts = path.split("/")
    for depth in range(1, len(parts)):
        above = "/".join(parts[:depth])
        try:
            found = (place.path / above).lstat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise OutputError.system(place.show(above), "look at it", error) from None
        if stat.S_ISLNK(found.st_mode):
            raise _foreign(place, above, found.st_mode)
        if not stat.S_ISDIR(found.st_mode):
            return None
    try:
        return read_regular(place.path / path, limit, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise OutputError.system(place.show(path), "read it", error) from None

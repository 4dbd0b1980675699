"""Which build of oncall-policy is running: its version, and the size and modification time of each
of its modules.

What this build computed is kept for it alone: the verification of a rules file
(``silence.source``) and the silence path's code image (``code_image``). The version alone has
stayed the same across many builds (red team: rules a build since fixed compiled wrongly stayed
verified under the fixed one). Directories' times alone would be cheaper, but change whenever
Python first writes a module's bytecode beside it, and not when a module is rewritten in place.

Worked out once a process (about 1.5-3 ms: a listing of each of the package's ~20 directories
and a ``stat`` of each of its ~270 modules), before the modules it names are imported, as the
code a process runs is the code it imported: an edit made after it changes the next process's
identity. A process may instead ``adopt`` the ``Manifest`` of an earlier process's scan, when it
still holds, and work out the same identity from it without listing a directory (a third less).
"""

from __future__ import annotations

import os
import time

from oncall_policy.static import TYPE_CHECKING
from oncall_policy.version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

    # Each directory scanned (path, modification time, inode) and each module (path, size,
    # modification time, inode), as a scan found them.
    Manifest = tuple[tuple[tuple[str, int, int], ...], tuple[tuple[str, int, int, int], ...]]

PACKAGE = os.path.dirname(os.path.abspath(__file__))
# A directory's modification time vouches for its names only once it is this old when scanned:
# a name added within the same tick of its clock (up to 2 s on some filesystems) leaves it as it
# was (git's "racily clean" entries, likewise).
SETTLED_NS = 2_000_000_000


def identity() -> str:
    """The build running, as a string that changes whenever a module of the package does."""
    if not _IDENTITY:
        found, manifest = _scan(PACKAGE)
        _IDENTITY.append(found)
        _MANIFEST.append(manifest)
    return _IDENTITY[0]


def manifest() -> Manifest | None:
    """What a later process can ``adopt`` this process's identity by; None when its scan found a
    directory changed too recently to vouch for its names, or when it was adopted itself."""
    identity()
    return _MANIFEST[0]


def adopt(manifest: Manifest) -> bool:
    """Work out this process's identity from ``manifest`` (of an earlier process's scan), without
    a scan, if it still holds: each directory has the same modification time and inode, so it
    holds the same names, and each module the same size, modification time and inode, so a scan
    would find the same. False (and nothing worked out) otherwise, or once an identity is."""
    if _IDENTITY:
        return False
    try:
        directories, modules = manifest
        if not directories:  # every scan finds the package's own
            return False
        for path, modified, inode in directories:
            found = os.stat(path)
            if found.st_mtime_ns != modified or found.st_ino != inode:
                return False
        for path, size, modified, inode in modules:
            found = os.stat(path)
            if (found.st_size, found.st_mtime_ns, found.st_ino) != (size, modified, inode):
                return False
        known = _identity_of(modules)
    except (OSError, ValueError, TypeError):  # gone, a path no file can have, or no manifest
        return False
    _IDENTITY.append(known)
    _MANIFEST.append(None)
    return True


def _identity_of(modules: Sequence[tuple[str, int, int, int]]) -> str:
    """The identity of a build of these modules (path, size, modification time, inode)."""
    found = [__version__, *(f"{path}:{size}:{modified}:{inode}" for path, size, modified, inode in modules)]
    return " ".join(sorted(found))


_IDENTITY: list[str] = []  # this process's, once worked out
_MANIFEST: list[Manifest | None] = []  # what its scan found, if a later process can adopt it


def _scan(package: str) -> tuple[str, Manifest | None]:
    """Every module under ``package`` as its path, size, modification time and inode, through
    symlinks (Python imports the file a symlink names, so that file is what must not change),
    and the manifest of it; ``OSError`` when a directory cannot be listed or a module read (a
    caller then keeps nothing for this build)."""
    started = time.time_ns()
    modules: list[tuple[str, int, int, int]] = []
    place = os.stat(package)
    directories = [(package, place.st_mtime_ns, place.st_ino)]
    stack = [package]
    seen: set[tuple[int, int]] = {(place.st_dev, place.st_ino)}  # symlinks may loop
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    known = entry.stat()
                    modules.append((entry.path, known.st_size, known.st_mtime_ns, known.st_ino))
                elif entry.name != "__pycache__" and entry.is_dir():
                    place = entry.stat()
                    if (place.st_dev, place.st_ino) not in seen:
                        seen.add((place.st_dev, place.st_ino))
                        directories.append((entry.path, place.st_mtime_ns, place.st_ino))
                        stack.append(entry.path)
    settled = all(modified < started - SETTLED_NS for _, modified, _ in directories)
    return _identity_of(modules), (tuple(directories), tuple(modules)) if settled else None

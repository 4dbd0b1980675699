"""Which build of oncall-policy is running: its version, and the size and modification time of each
of its modules.

What this build computed is kept for it alone: the verification of a rules file
(``silence.source``) and the silence path's code image (``code_image``). The version alone has
stayed the same across many builds (red team: rules a build since fixed compiled wrongly stayed
verified under the fixed one). Directories' times alone would be cheaper, but change whenever
Python first writes a module's bytecode beside it, and not when a module is rewritten in place.

A module is every file Python would import as one: source, but also bytecode without its source
and extension modules, which it imports in a source file's place (red team: a ``.so`` built in
place beside ``report.py``, or ``report/__init__.pyc``, was run by Python while the image kept
serving ``report.py``).

Worked out once a process (about 1.5-3 ms: a listing of each of the package's ~20 directories
and a ``stat`` of each of its ~270 modules), before the modules it names are imported, as the
code a process runs is the code it imported: an edit made after it changes the next process's
identity. A process may instead ``adopt`` the ``Manifest`` of an earlier process's scan of this
very package, when it still holds, and work out the same identity from it without listing a
directory (a third less).
"""

from __future__ import annotations

import os
import time

# What Python imports as a module: importlib.machinery's lists, from the module the interpreter
# starts with (importlib.machinery itself costs the silence path about 2 ms).
from _frozen_importlib_external import BYTECODE_SUFFIXES, EXTENSION_SUFFIXES, SOURCE_SUFFIXES

from oncall_policy.static import TYPE_CHECKING
from oncall_policy.version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

    # Each directory scanned (path, modification time, change time, inode) and each module
    # (path, size, modification time, inode, change time), as a scan found them.
    Manifest = tuple[tuple[tuple[str, int, int, int], ...], tuple[tuple[str, int, int, int, int], ...]]

PACKAGE = os.path.dirname(os.path.abspath(__file__))
MODULE_SUFFIXES = (*SOURCE_SUFFIXES, *BYTECODE_SUFFIXES, *EXTENSION_SUFFIXES)
# A directory's times vouch for its names only once they are this old when it is scanned: a name
# added within the same tick of its clock (up to 2 s on some filesystems) leaves them as they
# were (git's "racily clean" entries, likewise).
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


def adopt(manifest: Manifest, package: str = PACKAGE) -> bool:
    """Work out this process's identity from ``manifest`` (of an earlier process's scan of
    ``package``), without a scan, if it still holds: each directory can still be listed and has
    the same modification and change times (which no one can set back) and inode, so it holds
    the same names; and each module the same size, times and inode, so a scan would find the
    same. False (and nothing worked out) otherwise, or once an identity is."""
    if _IDENTITY:
        return False
    try:
        directories, modules = manifest
        if not directories or directories[0][0] != package:  # a copy's image: the original's paths
            return False
        for path, modified, changed, inode in directories:
            if _directory(path) != (modified, changed, inode):
                return False
        for path, size, modified, inode, changed in modules:
            found = os.stat(path)
            if (found.st_size, found.st_mtime_ns, found.st_ino, found.st_ctime_ns) != (
                size,
                modified,
                inode,
                changed,
            ):
                return False
        known = _identity_of(modules)
    except (OSError, ValueError, TypeError):  # gone, unreadable, a path no file can have, no manifest
        return False
    _IDENTITY.append(known)
    _MANIFEST.append(None)
    return True


def _directory(path: str) -> tuple[int, int, int]:
    """A directory's modification time, change time and inode; ``OSError`` when it cannot be
    read (listed), as a scan of it would fail."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        found = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    return found.st_mtime_ns, found.st_ctime_ns, found.st_ino


def _identity_of(modules: Sequence[tuple[str, int, int, int, int]]) -> str:
    """The identity of a build of these modules (path, size, modification time, inode, …)."""
    found = [
        __version__,
        *(f"{path}:{size}:{modified}:{inode}" for path, size, modified, inode, _ in modules),
    ]
    return " ".join(sorted(found))


_IDENTITY: list[str] = []  # this process's, once worked out
_MANIFEST: list[Manifest | None] = []  # what its scan found, if a later process can adopt it


def _scan(package: str) -> tuple[str, Manifest | None]:
    """Every module under ``package`` as its path, size, modification time and inode, through
    symlinks (Python imports the file a symlink names, so that file is what must not change),
    and the manifest of it; ``OSError`` when a directory cannot be listed or a module read (a
    caller then keeps nothing for this build)."""
    started = time.time_ns()
    modules: list[tuple[str, int, int, int, int]] = []
    modified, changed, inode = _directory(package)
    directories = [(package, modified, changed, inode)]
    stack = [package]
    seen: set[tuple[int, int]] = {(os.stat(package).st_dev, inode)}  # symlinks may loop
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(MODULE_SUFFIXES):
                    known = entry.stat()
                    modules.append(
                        (entry.path, known.st_size, known.st_mtime_ns, known.st_ino, known.st_ctime_ns)
                    )
                elif entry.name != "__pycache__" and entry.is_dir():
                    place = entry.stat()
                    if (place.st_dev, place.st_ino) not in seen:
                        seen.add((place.st_dev, place.st_ino))
                        directories.append((entry.path, place.st_mtime_ns, place.st_ctime_ns, place.st_ino))
                        stack.append(entry.path)
    settled = all(max(modified, changed) < started - SETTLED_NS for _, modified, changed, _ in directories)
    return _identity_of(modules), (tuple(directories), tuple(modules)) if settled else None

"""Which build of oncall-policy is running: its version, and the size and modification time of each
of its modules.

What this build computed is kept for it alone: the verification of a rules file
(``silence.source``) and the silence path's code image (``code_image``). The version alone has
stayed the same across many builds (red team: rules a build since fixed compiled wrongly stayed
verified under the fixed one). Directories' times would be cheaper, but change whenever Python
first writes a module's bytecode beside it, and not when a module is rewritten in place.

Worked out once a process (about 1.5-3 ms: a ``stat`` of each of ~270 modules), before the
modules it names are imported, as the code a process runs is the code it imported: an edit made
after it changes the next process's identity.
"""

from __future__ import annotations

import os

from oncall_policy.version import __version__

PACKAGE = os.path.dirname(os.path.abspath(__file__))


def identity() -> str:
    """The build running, as a string that changes whenever a module of the package does."""
    if not _IDENTITY:
        _IDENTITY.append(_scan(PACKAGE))
    return _IDENTITY[0]


_IDENTITY: list[str] = []  # this process's, once worked out


def _scan(package: str) -> str:
    """Every module under ``package`` as its path, size, modification time and inode, through
    symlinks (Python imports the file a symlink names, so that file is what must not change);
    ``OSError`` when a directory cannot be listed or a module read (a caller then keeps nothing
    for this build)."""
    found = [__version__]
    stack = [package]
    seen: set[tuple[int, int]] = set()  # directories met, by device and inode: symlinks may loop
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    known = entry.stat()
                    found.append(f"{entry.path}:{known.st_size}:{known.st_mtime_ns}:{known.st_ino}")
                elif entry.name != "__pycache__" and entry.is_dir():
                    place = entry.stat()
                    if (place.st_dev, place.st_ino) not in seen:
                        seen.add((place.st_dev, place.st_ino))
                        stack.append(entry.path)
    return " ".join(sorted(found))

"""Which build of oncall-policy is running: its version, and the size and modification time of each
of its modules.

What this build computed is kept for it alone: the verification of a rules file
(``silence.source``) and the silence path's code image (``code_image``). The version alone has
stayed the same across many builds (red team: rules a build since fixed compiled wrongly stayed
verified under the fixed one). Directories' times would be cheaper, but change whenever Python
first writes a module's bytecode beside it, and not when a module is rewritten in place.

Worked out once a process (about 1.5-3 ms: a ``stat`` of each of ~270 modules), as the code a
process runs is the code it imported.
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
    found = [__version__]
    stack = [package]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    known = entry.stat(follow_symlinks=False)
                    found.append(f"{entry.path}:{known.st_size}:{known.st_mtime_ns}")
                elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
    return " ".join(sorted(found))

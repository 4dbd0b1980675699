"""Where ``compile`` writes: the directory ``--out`` names, its parent, and the error for it.

The output is replaced as a whole by a tree built beside it (``swap``), so every system call that
changes it works relative to the parent directory's descriptor and the output's own name: the
parent is where the lock is taken (``outlock``) and where the temporary siblings live. The path
above ``--out`` is the user's to choose and is used as given; nothing below it is followed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from oncall_policy.errors import OncallPolicyError

# Siblings a compile makes beside the output: the new tree while it is built ("stage-" and a
# random token), and, where directories cannot be exchanged atomically, the old tree between the
# two renames that replace it ("backup"). Nothing else is ever given these names.
STAGE = "stage-"
BACKUP = "backup"


class OutputError(OncallPolicyError):
    """``--out`` cannot be read or written as compile needs; what was there is left as it was."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    @classmethod
    def system(cls, path: str, doing: str, error: OSError) -> OutputError:
        """For an ``OSError`` met while ``doing`` something to ``path``: what the system said."""
        return cls(path, f"cannot {doing}: {error.strerror or error}")


class Place(NamedTuple):
    shown: Path  # as the user wrote it, for messages
    parent: Path  # absolute
    name: str

    @classmethod
    def of(cls, out: Path) -> Place:
        # Made absolute lexically, as the shell would: resolve() would follow --out itself if it
        # were a link, which must be refused instead. A link above --out is the user's own path.
        absolute = Path(os.path.abspath(out))  # noqa: PTH100
        if absolute.name in {"", ".", ".."}:
            raise OutputError(str(out), "is the root directory; give compile a directory of its own")
        return cls(out, absolute.parent, absolute.name)

    @property
    def path(self) -> Path:
        return self.parent / self.name

    def show(self, path: str = "") -> str:
        """``path`` (relative to the output) as the user would write it."""
        return str(self.shown / path) if path else str(self.shown)

    def sibling(self, tag: str) -> str:
        return f".{self.name}.oncall-policy-{tag}"

    def is_sibling(self, name: str) -> bool:
        """Whether ``name`` is one a compile into this output gives its temporary siblings."""
        pattern = rf"\.{re.escape(self.name)}\.oncall-policy-(?:{STAGE}[0-9a-f]{{16}}|{BACKUP})"
        return re.fullmatch(pattern, name) is not None

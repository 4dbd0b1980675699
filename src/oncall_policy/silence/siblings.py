"""The request files merged before the ones in review (``check-files --siblings``).

In a repository of silences as code, pre-commit passes the silences hook only the files a commit
changes; a request chained onto one merged before must still count it. The files merged before
are the other request files (``.json``, ``.yaml``, ``.yml``, in any case) of the same tree of
silences: under the nearest folder named ``silences`` above each file reviewed (the hook's
``files`` pattern), else under the file's own folder. In a git work tree they are the files git
tracks there (an untracked draft beside them was never merged); elsewhere, every such file.

A folder that cannot be listed is a problem, not an empty folder: history that cannot be read
refuses a silence (fail closed).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from oncall_policy.load import reading
from oncall_policy.problems import Problem
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

SUFFIXES = (".json", ".yaml", ".yml")
_GIT_SECONDS = 30.0


def siblings(paths: Sequence[str]) -> tuple[list[str], list[Problem]]:
    """The request files merged before, in name order, none of ``paths``; and the problems
    that stopped them being listed."""
    found: dict[str, None] = {}
    problems: list[Problem] = []
    for root in dict.fromkeys(tree(Path(path)) for path in paths):
        listed = _tracked(root)
        if listed is None:
            listed = _walked(root, problems)
        found.update(dict.fromkeys(str(file) for file in sorted(listed) if is_request(str(file))))
    given = {str(Path(path)) for path in paths}
    return [path for path in found if path not in given], problems


def is_request(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def tree(path: Path) -> Path:
    """The folder of silences ``path`` belongs to: the nearest above it named ``silences``."""
    folder = path.parent
    for above in (folder, *folder.parents):
        if above.name.lower() == "silences":
            return above
    return folder


def _tracked(root: Path) -> list[Path] | None:
    """The files git tracks under ``root`` (None: not in a git work tree, or no git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--", "."],
            capture_output=True,
            check=False,
            timeout=_GIT_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    names = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [root / name for name in names if name]


def _walked(root: Path, problems: list[Problem]) -> list[Path]:
    """Every file under ``root``; each folder that cannot be listed is a problem."""

    def unlisted(error: OSError) -> None:
        where = error.filename or str(root)
        problems.append(
            Problem(
                str(where),
                1,
                1,
                "",
                f"cannot list the requests merged before: {error.strerror}; make the folder readable",
                reading.UNREADABLE.id,
            )
        )

    found: list[Path] = []
    for folder, _, names in os.walk(root, onerror=unlisted):
        found.extend(Path(folder) / name for name in names)
    return found

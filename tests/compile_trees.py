"""Helpers for the tests of how ``compile`` writes: running it, and reading a tree back whole."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import CLIPPER

# The Clipper policy with one manager renamed: six generated files change.
RENAMED = CLIPPER.read_text().replace("name: Manager X,", "name: Manager Ex,")
SIBLING_MARK = ".oncall-policy-"


def policy(directory: Path, text: str = RENAMED, name: str = "policy.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text)
    return path


def run_cli(
    *args: str | Path, timeout: float = 120, prelude: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``oncall-policy ARGS`` in a process of its own; ``prelude`` runs first in it; ``env``: its
    environment (default: this one's)."""
    code = f"{prelude}\nfrom oncall_policy.cli import run\nrun()"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file below ``root`` with its bytes, and every directory (None), by relative path;
    a symlink or special file fails the test."""
    found: dict[str, bytes | None] = {}
    for directory, dirs, files in os.walk(root):
        here = Path(directory)
        for name in dirs + files:
            path = here / name
            mode = path.lstat().st_mode
            relative = path.relative_to(root).as_posix()
            if stat.S_ISDIR(mode):
                found[relative] = None
            else:
                assert stat.S_ISREG(mode), f"{path} is not a regular file"
                found[relative] = path.read_bytes()
    return found


def siblings(out: Path) -> list[str]:
    """What compile leaves beside ``out`` while it works (and must not leave after)."""
    return sorted(
        path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}{SIBLING_MARK}")
    )

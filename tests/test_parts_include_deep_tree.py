"""Red team, fixed: an ``include`` with ``**`` over a deep directory tree ends in a traceback.

``provenance.included`` (the loader's and the silence path's part finder) globs with
``Path.glob``, whose ``**`` walks directories recursively on Python 3.11: a team's part
directory 1,100 levels deep (2,200 characters of path, well within PATH_MAX; a pull request can
add it) raises RecursionError. ``check`` and ``compile`` end in "internal error" (exit 3), and so
does ``silence check`` when the tree appears after a compile (``_changed_part``).

Now: a clear ``policy.yaml:L:C`` include problem and exit 1 (the silence path: the policy's
problems, exit 1), never a traceback.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.compile_trees import run_cli
from tests.conftest import INITECH

DEPTH = 1100


@pytest.fixture
def deep(tmp_path):
    """Makes the deep tree (``_deepen``) and removes it after, deepest first: pytest's own
    removal of temporary directories recurses, and left an unclosed directory iterator behind
    (a ResourceWarning, which fails the run)."""
    made: list[str] = []

    def deepen(directory: str) -> None:
        _deepen(directory)
        made.append(directory)

    yield deepen
    for directory in made:
        for depth in range(DEPTH, 0, -1):
            Path(directory, *["a"] * depth).rmdir()


def _deepen(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(DEPTH):
            os.mkdir("a", dir_fd=fd)
            inner = os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)


def _policy(tmp_path):
    root = tmp_path / "initech"
    shutil.copytree(INITECH.parent, root, ignore=shutil.ignore_patterns("generated"))
    policy = root / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(
        text.replace("include: [teams/*.yaml]", "include: ['teams/**/*.yaml']"), encoding="utf-8"
    )
    return policy


def test_check_of_a_deep_tree_under_a_double_star_include_is_no_traceback(tmp_path, deep):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    policy = _policy(tmp_path)
    assert run_cli("check", str(policy), env=env).returncode == 0
    deep(str(policy.parent / "teams"))
    done = run_cli("check", str(policy), env=env)
    assert "Traceback" not in done.stderr, done.stderr[-600:]
    assert done.returncode == 1


def test_silence_check_after_a_deep_tree_appears_is_no_traceback(tmp_path, deep):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    policy = _policy(tmp_path)
    assert run_cli("compile", "--policy", str(policy), env=env).returncode == 0
    deep(str(policy.parent / "teams"))
    done = run_cli(
        "silence",
        "check",
        "--policy",
        str(policy),
        "alertname=VolumeFull",
        "-d",
        "1h",
        "-c",
        "known issue",
        "--author=ravi@initech.example",
        env=env,
    )
    assert "Traceback" not in done.stderr, done.stderr[-600:]
    assert done.returncode == 1

"""Red team, fixed: ``include: ['teams/**.yaml']`` (``**`` inside a name, a common typo for
``teams/**/*.yaml``) ends in a traceback.

``provenance.pattern_problem`` refuses '', '.', absolute and '..' patterns, but not one that
``Path.glob`` itself refuses: on Python 3.11 ``**`` that is not a whole path component raises
``ValueError("Invalid pattern: '**' can only be an entire path component")``. ``check``,
``compile`` and every silence command end in "internal error" (exit 3).

Now: ``policy.yaml:L:C: [error] include[0]: ... (include)`` and exit 1; the silence path
rejects with the policy's problems (exit 1), no traceback.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.compile_trees import run_cli
from tests.conftest import INITECH


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["compile", "--policy"],
        [
            "silence",
            "check",
            "alertname=VolumeFull",
            "-d",
            "1h",
            "-c",
            "known issue",
            "--author=ravi@initech.example",
            "--policy",
        ],
    ],
    ids=["check", "compile", "silence-check"],
)
def test_a_double_star_inside_a_name_is_an_include_problem(tmp_path, command):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    root = tmp_path / "initech"
    shutil.copytree(INITECH.parent, root, ignore=shutil.ignore_patterns("generated"))
    policy = root / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("include: [teams/*.yaml]", "include: ['teams/**.yaml']"), encoding="utf-8")
    done = run_cli(*command, str(policy), env=env)
    assert "Traceback" not in done.stderr, done.stderr[-400:]
    assert done.returncode == 1
    if command == ["check"]:
        assert f"{policy}:10:" in done.stdout + done.stderr

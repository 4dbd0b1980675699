"""The published `oncall-policy-silences` hook, run by the real pre-commit (`try-repo`).

try-repo clones this repository (tracked changes included) and installs it into a hook
environment, once per session thanks to a shared PRE_COMMIT_HOME.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CLIPPER, ROOT

pytestmark = pytest.mark.precommit

GOOD = """\
matchers:
  - {name: alertname, value: HighErrorRate, isRegex: false}
startsAt: "2026-12-01T10:00:00Z"
endsAt: "2026-12-01T12:00:00Z"
createdBy: engineer-a@clipper.app
comment: deployment of api v2
"""
BAD = """\
{"matchers": [{"name": "alertname", "value": ".+", "isRegex": true}],
 "startsAt": "2026-12-01T10:00:00Z", "endsAt": "2026-12-02T12:00:00Z",
 "createdBy": "engineer-a@clipper.app", "comment": "noisy"}
"""


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def review_repo(tmp_path: Path) -> Path:
    """A repository holding a policy, its generated rules and two submitted silences."""
    shutil.copy(CLIPPER, tmp_path / "policy.yaml")
    shutil.copytree(CLIPPER.parent / "generated", tmp_path / "generated")
    (tmp_path / "silences").mkdir()
    (tmp_path / "silences" / "good.yaml").write_text(GOOD)
    (tmp_path / "silences" / "bad.json").write_text(BAD)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    return tmp_path


def try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "oncall-policy-silences", "--files"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run([*argv, *files], cwd=repo, env=env, capture_output=True, text=True, check=False)


def test_hook_passes_a_compliant_silence(review_repo, pre_commit_home):
    done = try_repo(review_repo, pre_commit_home, "silences/good.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_hook_fails_a_non_compliant_silence_with_positions(review_repo, pre_commit_home):
    done = try_repo(review_repo, pre_commit_home, "silences/good.yaml", "silences/bad.json")
    assert done.returncode == 1
    assert "silences/bad.json:1:14: [error] matchers: " in done.stdout
    assert "(matches-everything)" in done.stdout
    assert "silences/good.yaml" not in done.stdout.split("- exit code: 1")[1]

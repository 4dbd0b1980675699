"""Every hook in `.pre-commit-hooks.yaml`, run by the real pre-commit (`pre-commit try-repo`)
on good and bad files in a consumer repository.

`try-repo` on a repository with uncommitted changes clones it and commits only *tracked*
changes (`git add -u`) into a shadow repository, so a new, untracked file would be missing from
the hook under test. The hook repository here is therefore a fresh snapshot of this working
tree (tracked and untracked, less ignored files), committed in a temporary repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CLIPPER, ROOT

pytestmark = pytest.mark.precommit

GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
POSITIVE = ROOT / "tests" / "rules" / "positive"
NEGATIVE = ROOT / "tests" / "rules" / "negative"


def commit_all(repo: Path) -> None:
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-q", "-m", "snapshot"], check=True)


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    commit_all(repo)
    return repo


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the session: the hook's environment is built once, then reused."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def consumer(tmp_path: Path) -> Path:
    """A repository with Clipper's policy, its generated/ output, a broken policy, and rule
    files: good ones and a bad one."""
    shutil.copy2(CLIPPER, tmp_path / "policy.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    (tmp_path / "broken").mkdir()
    text = CLIPPER.read_text(encoding="utf-8")
    (tmp_path / "broken" / "policy.yaml").write_text(text.replace("turn_length: 1w", "turn_length: 1 week"))
    (tmp_path / "rules").mkdir()
    for source in [*POSITIVE.glob("*.yml"), *NEGATIVE.glob("*.yml")]:
        name = source.name if source.parent == POSITIVE else f"bad-{source.name}"
        shutil.copy2(source, tmp_path / "rules" / name)
    commit_all(tmp_path)
    return tmp_path


def run_hook(
    hook_repo: Path, home: Path, cwd: Path, hook: str, *files: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook]
    return subprocess.run(
        [*command, "--verbose", "--files", *files],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def try_repo(hook_repo: Path, home: Path, cwd: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return run_hook(hook_repo, home, cwd, "oncall-policy-rules", *files)


def test_every_published_hook_is_tested():
    """Each hook id in .pre-commit-hooks.yaml appears in a test of this module."""
    published = re.findall(r"^- id: (\S+)$", (ROOT / ".pre-commit-hooks.yaml").read_text(), re.MULTILINE)
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [hook for hook in published if f'"{hook}"' not in source]
    assert published
    assert untested == []


def test_check_hook_passes_a_valid_policy(hook_repo, pre_commit_home, consumer):
    done = run_hook(hook_repo, pre_commit_home, consumer, "oncall-policy-check", "policy.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "policy.yaml: ok" in done.stdout


def test_check_hook_fails_an_invalid_policy(hook_repo, pre_commit_home, consumer):
    done = run_hook(hook_repo, pre_commit_home, consumer, "oncall-policy-check", "broken/policy.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert any(
        line.startswith("broken/policy.yaml:")
        and line.endswith("(invalid-value)")
        and "rotations[0].turn_length: not a valid duration: '1 week'" in line
        for line in done.stdout.splitlines()
    ), done.stdout


def test_compile_hook_passes_fresh_output(hook_repo, pre_commit_home, consumer):
    done = run_hook(hook_repo, pre_commit_home, consumer, "oncall-policy-compile", "policy.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_compile_hook_fails_stale_output(hook_repo, pre_commit_home, consumer):
    policy = consumer / "policy.yaml"
    policy.write_text(policy.read_text().replace("name: Manager X,", "name: Manager Ex,"))
    done = run_hook(hook_repo, pre_commit_home, consumer, "oncall-policy-compile", "policy.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Manager Ex" in done.stdout  # the unified diff of the stale files
    assert "stale" in done.stdout + done.stderr


def test_hook_passes_rules_that_agree_with_the_catalog(hook_repo, pre_commit_home, consumer):
    done = try_repo(
        hook_repo, pre_commit_home, consumer, "rules/clipper.rules.yml", "rules/security-alerts.yml"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "alerting rules agree with the on-call policy" in done.stdout


def test_hook_fails_on_rules_that_disagree(hook_repo, pre_commit_home, consumer):
    done = try_repo(hook_repo, pre_commit_home, consumer, "rules/bad-clipper.rules.yml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "rules/bad-clipper.rules.yml:13:16: [error] groups[0].rules[1].alert: HighCPU is not in the alert "
        "catalog of policy.yaml; add it there (meaning, response, runbook) or rename the rule "
        "(alert-not-in-catalog)"
    ) in done.stdout.splitlines()
    assert (
        "policy.yaml:183:11: [error] alerts[0].name: SLOAvailabilityBreach has no alerting rule in the "
        "files checked; write one, or remove it from the catalog (alert-without-rule)"
    ) in done.stdout.splitlines()


def test_hook_skips_files_that_are_not_rule_files(hook_repo, pre_commit_home, consumer):
    done = try_repo(hook_repo, pre_commit_home, consumer, "policy.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(no files to check)Skipped" in done.stdout

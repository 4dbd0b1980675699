"""Every hook in `.pre-commit-hooks.yaml`, run by the real pre-commit on good and bad files in a
consumer repository that uses this repository the way users do: a `.pre-commit-config.yaml`
naming the hook repository and a revision.

The hook repository is a snapshot of this working tree (tracked and untracked files, less ignored
ones) committed in a temporary repository, so the hooks under test are the code under test.
`pre-commit try-repo` would build the hook environment afresh on every call (it uses a temporary
store); a pinned revision and one PRE_COMMIT_HOME build it once per session.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CLIPPER, INITECH, ROOT

pytestmark = pytest.mark.precommit

GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
POSITIVE = ROOT / "tests" / "rules" / "positive"
NEGATIVE = ROOT / "tests" / "rules" / "negative"
PUBLISHED = re.findall(r"^- id: (\S+)$", (ROOT / ".pre-commit-hooks.yaml").read_text(), re.MULTILINE)
GOOD_SILENCE = """\
matchers:
  - {name: alertname, value: HighErrorRate, isRegex: false}
startsAt: "2026-12-01T10:00:00Z"
endsAt: "2026-12-01T12:00:00Z"
createdBy: engineer-a@clipper.app
comment: deployment of api v2
"""
BAD_SILENCE = """\
{"matchers": [{"name": "alertname", "value": ".+", "isRegex": true}],
 "startsAt": "2026-12-01T10:00:00Z", "endsAt": "2026-12-02T12:00:00Z",
 "createdBy": "engineer-a@clipper.app", "comment": "noisy"}
"""


def commit_all(repo: Path) -> str:
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-q", "--allow-empty", "-m", "snapshot"], check=True)
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    )
    return head.stdout.strip()


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed snapshot of this working tree, and its revision."""
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
    return repo, commit_all(repo)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the session: the hook environment is built once, then reused."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def consumer(tmp_path: Path, hook_repo: tuple[Path, str]) -> Path:
    """A repository using every published hook, with Clipper's policy and generated/ output, a
    broken policy, good and bad rule files, and good and bad silence requests."""
    repo, rev = hook_repo
    hooks = "".join(f"      - id: {hook}\n" for hook in PUBLISHED)
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n{hooks}"
    )
    shutil.copy2(CLIPPER, tmp_path / "policy.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    (tmp_path / "broken").mkdir()
    text = CLIPPER.read_text(encoding="utf-8")
    (tmp_path / "broken" / "policy.yaml").write_text(text.replace("turn_length: 1w", "turn_length: 1 week"))
    (tmp_path / "rules").mkdir()
    for source in [*POSITIVE.glob("*.yml"), *NEGATIVE.glob("*.yml")]:
        name = source.name if source.parent == POSITIVE else f"bad-{source.name}"
        shutil.copy2(source, tmp_path / "rules" / name)
    (tmp_path / "silences").mkdir()
    (tmp_path / "silences" / "good.yaml").write_text(GOOD_SILENCE)
    (tmp_path / "silences" / "bad.json").write_text(BAD_SILENCE)
    commit_all(tmp_path)
    return tmp_path


def run_hook(consumer: Path, home: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook, "--verbose", "--files", *files],
        cwd=consumer,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_published_hook_is_tested():
    """Each hook id in .pre-commit-hooks.yaml is run by a test of this module."""
    source = Path(__file__).read_text(encoding="utf-8")
    assert PUBLISHED
    assert [hook for hook in PUBLISHED if f'"{hook}"' not in source] == []


def test_check_hook_passes_a_valid_policy(consumer, pre_commit_home):
    done = run_hook(consumer, pre_commit_home, "oncall-policy-check", "policy.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "policy.yaml: ok" in done.stdout


def test_check_hook_fails_an_invalid_policy(consumer, pre_commit_home):
    done = run_hook(consumer, pre_commit_home, "oncall-policy-check", "broken/policy.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert any(
        line.startswith("broken/policy.yaml:")
        and line.endswith("(invalid-value)")
        and "rotations[0].turn_length: not a valid duration: '1 week'" in line
        for line in done.stdout.splitlines()
    ), done.stdout


def test_compile_hook_passes_fresh_output(consumer, pre_commit_home):
    done = run_hook(consumer, pre_commit_home, "oncall-policy-compile", "policy.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_compile_hook_fails_stale_output(consumer, pre_commit_home):
    policy = consumer / "policy.yaml"
    policy.write_text(policy.read_text().replace("name: Manager X,", "name: Manager Ex,"))
    done = run_hook(consumer, pre_commit_home, "oncall-policy-compile", "policy.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Manager Ex" in done.stdout  # the unified diff of the stale files
    assert "stale" in done.stdout + done.stderr


def test_rules_hook_passes_rules_that_agree_with_the_catalog(consumer, pre_commit_home):
    done = run_hook(
        consumer,
        pre_commit_home,
        "oncall-policy-rules",
        "rules/clipper.rules.yml",
        "rules/security-alerts.yml",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "alerting rules agree with the on-call policy" in done.stdout


def test_rules_hook_fails_on_rules_that_disagree(consumer, pre_commit_home):
    done = run_hook(consumer, pre_commit_home, "oncall-policy-rules", "rules/bad-clipper.rules.yml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "rules/bad-clipper.rules.yml:13:16: [error] groups[0].rules[1].alert: HighCPU is not in the alert "
        "catalog of policy.yaml; add it there (meaning, response, runbook) or rename the rule "
        "(alert-not-in-catalog)"
    ) in done.stdout.splitlines()
    assert any(
        line.startswith("policy.yaml:")
        and line.endswith("(alert-without-rule)")
        and "SLOAvailabilityBreach has no alerting rule in the files checked" in line
        for line in done.stdout.splitlines()
    ), done.stdout


def test_rules_hook_skips_files_that_are_not_rule_files(consumer, pre_commit_home):
    done = run_hook(consumer, pre_commit_home, "oncall-policy-rules", "policy.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(no files to check)Skipped" in done.stdout


def test_silences_hook_passes_a_compliant_silence(consumer, pre_commit_home):
    done = run_hook(consumer, pre_commit_home, "oncall-policy-silences", "silences/good.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_silences_hook_fails_a_non_compliant_silence_with_positions(consumer, pre_commit_home):
    done = run_hook(
        consumer, pre_commit_home, "oncall-policy-silences", "silences/good.yaml", "silences/bad.json"
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "silences/bad.json:1:14: [error] matchers: " in done.stdout
    assert "(mutes-everything)" in done.stdout
    assert "silences/good.yaml" not in done.stdout.split("- exit code: 1")[1]


def test_silences_hook_counts_the_requests_merged_before(consumer, pre_commit_home):
    """A request chained onto one committed before (good.yaml, HighErrorRate 10:00-12:00; P2,
    cap 4h) is refused though the commit holds only it: 10:00-15:00 is 5h in one stretch."""
    chained = GOOD_SILENCE.replace('startsAt: "2026-12-01T10:00:00Z"', 'startsAt: "2026-12-01T12:00:00Z"')
    chained = chained.replace('endsAt: "2026-12-01T12:00:00Z"', 'endsAt: "2026-12-01T15:00:00Z"')
    (consumer / "silences" / "chained.yaml").write_text(chained)
    done = run_hook(consumer, pre_commit_home, "oncall-policy-silences", "silences/chained.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "with silences silences/good.yaml it covers 5h in one stretch" in done.stdout
    assert "silences/chained.yaml:4:" in done.stdout


def test_try_repo_runs_the_check_hook_on_a_good_and_a_bad_policy(hook_repo, consumer, tmp_path_factory):
    """`pre-commit try-repo`, the way a hook author tries hooks before publishing them (it builds
    the hook environment afresh in a store of its own, so it is run once here)."""
    repo, _ = hook_repo
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("try-repo-home")),
        "PRE_COMMIT_COLOR": "never",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(repo),
            "oncall-policy-check",
            "--verbose",
            "--files",
            "policy.yaml",
            "broken/policy.yaml",
        ],
        cwd=consumer,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "policy.yaml: ok" in lines
    assert any(
        line.startswith("broken/policy.yaml:") and "not a valid duration: '1 week'" in line for line in lines
    )


@pytest.fixture
def parts_consumer(tmp_path: Path, hook_repo: tuple[Path, str]) -> Path:
    """A repository whose policy is in parts (Initech's root, teams/ and generated/ output)."""
    repo, rev = hook_repo
    hooks = "".join(f"      - id: {hook}\n" for hook in ("oncall-policy-check", "oncall-policy-compile"))
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n{hooks}"
    )
    for name in ("policy.yaml", "teams", "generated"):
        source = INITECH.parent / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy2(source, tmp_path / name)
    commit_all(tmp_path)
    return tmp_path


def test_check_hook_checks_a_changed_part_with_its_root(parts_consumer, pre_commit_home):
    done = run_hook(parts_consumer, pre_commit_home, "oncall-policy-check", "teams/billing.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "teams/billing.yaml: ok (with policy.yaml)" in done.stdout


def test_check_hook_places_a_parts_problem_in_the_part(parts_consumer, pre_commit_home):
    part = parts_consumer / "teams" / "billing.yaml"
    part.write_text(part.read_text().replace("notify: [billing]}", "notify: [storage]}", 1))
    done = run_hook(parts_consumer, pre_commit_home, "oncall-policy-check", "teams/billing.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(
        r"^teams/billing\.yaml:\d+:\d+: \[error\] routes\[0\]\.notify\[0\]: 'storage' is team storage's "
        r"chat channel, defined in teams/storage\.yaml; .* \(part-ownership\)$",
        done.stdout,
        re.MULTILINE,
    ), done.stdout


def test_compile_hook_fails_when_a_part_changed(parts_consumer, pre_commit_home):
    part = parts_consumer / "teams" / "storage.yaml"
    part.write_text(part.read_text().replace("A volume is over 95% full.", "A volume is over 90% full."))
    done = run_hook(parts_consumer, pre_commit_home, "oncall-policy-compile", "teams/storage.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "A volume is over 90% full." in done.stdout  # the unified diff of the stale guide

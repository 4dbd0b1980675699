"""A root policy's include patterns, as the loader, the silence path and ``diff git:REV`` read
them (red team): a pattern that can name no file ('', '.') is a problem at its place, not a
traceback; a part reached through a symlink that leaves the root's directory is refused; git's
listing is matched as ``Path.glob`` matches the disk (a property test holds the two equal)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy.checks.checked import load_policy
from oncall_policy.errors import PolicyError
from oncall_policy.provenance import glob_matches, included
from tests.conftest import INITECH


@pytest.fixture
def initech(tmp_path: Path) -> Path:
    for name in ("policy.yaml", "teams"):
        here = INITECH.parent / name
        (shutil.copytree if here.is_dir() else shutil.copy2)(here, tmp_path / name)
    return tmp_path / "policy.yaml"


@pytest.mark.parametrize("pattern", ['""', '"."', '"./"'])
def test_an_include_pattern_pathlib_refuses_is_a_problem_not_a_traceback(initech: Path, pattern: str):
    text = initech.read_text(encoding="utf-8")
    assert "include: [teams/*.yaml]" in text
    initech.write_text(text.replace("include: [teams/*.yaml]", f"include: [teams/*.yaml, {pattern}]"))
    done = subprocess.run(
        [sys.executable, "-m", "oncall_policy", "check", str(initech)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr[-600:]
    assert done.returncode == 1
    assert "(include)" in done.stdout


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    shutil.copy2(INITECH, repo / "policy.yaml")
    shutil.copytree(INITECH.parent / "teams", repo / "teams")
    return repo / "policy.yaml", outside


def _refused(policy: Path) -> list[str]:
    try:
        load_policy(policy)
    except PolicyError as error:
        return [str(problem) for problem in error.problems]
    return []


def test_a_part_symlinked_outside_the_root_directory_is_refused(layout: tuple[Path, Path]):
    policy, outside = layout
    part = policy.parent / "teams" / "storage.yaml"
    shutil.move(part, outside / "storage.yaml")
    part.symlink_to(outside / "storage.yaml")
    problems = _refused(policy)
    assert any("storage.yaml" in problem for problem in problems), "a part outside the root was merged"


def test_a_parts_directory_symlinked_outside_the_root_directory_is_refused(layout: tuple[Path, Path]):
    policy, outside = layout
    teams = policy.parent / "teams"
    shutil.move(teams, outside / "teams")
    teams.symlink_to(outside / "teams", target_is_directory=True)
    assert _refused(policy), "parts read through a symlink to a directory outside the root were merged"


def test_diff_against_the_same_commit_reads_the_same_parts(tmp_path: Path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    shutil.copy2(INITECH, tmp_path / "policy.yaml")
    shutil.copytree(INITECH.parent / "teams", tmp_path / "teams")
    root = tmp_path / "policy.yaml"
    text = root.read_text(encoding="utf-8")
    assert "include: [teams/*.yaml]" in text
    root.write_text(text.replace("include: [teams/*.yaml]", 'include: ["teams/**/*.yaml"]'))
    git = ["git", "-c", "user.email=a@example.com", "-c", "user.name=a"]
    subprocess.run([*git, "init", "-q", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "policy"], cwd=tmp_path, check=True)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "oncall_policy", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert run("check", "policy.yaml").returncode == 0
    done = run("diff", "git:HEAD:policy.yaml", "policy.yaml")
    assert done.returncode == 0, done.stdout[-600:] + done.stderr[-600:]


_NAMES = st.sampled_from(["a", "b", ".h", "x.yaml", "a.yaml", "team"])
_GLOBS = st.sampled_from(["*", "**", "?", "a*", "*.yaml", "[ab]", "a", "team", ".h", "x.yaml", "*a*"])


@settings(max_examples=60, deadline=None)
@given(
    files=st.lists(st.lists(_NAMES, min_size=1, max_size=3).map("/".join), min_size=1, max_size=8),
    pattern=st.lists(_GLOBS, min_size=1, max_size=3).map("/".join),
)
def test_gits_listing_is_matched_as_the_disk_is_globbed(files: list[str], pattern: str):
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        made: list[str] = []
        for name in files:
            path = base / name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("x")
            except OSError:  # a name already made a directory, or a file made a parent
                continue
            made.append(name)
        listed = sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())
        on_disk = sorted(included(base, [pattern], "policy.yaml"))
    assert sorted(name for name in listed if glob_matches(name, pattern)) == on_disk

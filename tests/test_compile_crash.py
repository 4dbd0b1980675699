"""A compile is all or nothing as a set: killed at any moment (kill -9), ``--out`` is entirely
the old tree or entirely the new one, and the next compile leaves no temporary file; compiles
run at once into one directory take turns."""

from __future__ import annotations

import random
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oncall_policy.output import MANIFEST
from tests.compile_trees import SIBLING_MARK, policy, run_cli, siblings, snapshot
from tests.conftest import ROOT

_make = runpy.run_path(str(ROOT / "bench" / "make_policy.py"))["make"]
# Two policies whose outputs differ in every alert's runbook link and in one team's files
# (created one way, removed the other): 34 and 24 files, 0.5 MB.
OLD_POLICY = _make(300)
NEW_POLICY = _make(200).replace(
    "https://runbooks.example.invalid/", "https://runbooks.example.invalid/moved/"
)
THEIRS = {".gitkeep": b"", "README.md": b"Written by oncall-policy compile.\n", "notes/why.txt": b"mine\n"}
NO_EXCHANGE = "import oncall_policy.output.swap as swap\nswap._renameat2 = lambda: None"
SEED = 20_240_611


class Trees:
    """The two trees ``--out`` may hold, each with the files compile did not write."""

    def __init__(self, tmp_path: Path) -> None:
        self.policies = [policy(tmp_path / "old", OLD_POLICY), policy(tmp_path / "new", NEW_POLICY)]
        self.trees = []
        for source in self.policies:
            expected = tmp_path / "expected" / source.parent.name
            done = run_cli("compile", "--policy", source, "--out", expected)
            assert done.returncode == 0, done.stderr
            tree = snapshot(expected)
            self.trees.append({**tree, "notes": None, **THEIRS})
        assert len(self.trees[1]) < len(self.trees[0])

    def which(self, out: Path) -> int:
        """0 or 1: the tree ``out`` holds, failing if it is neither, whole."""
        found = snapshot(out)
        assert found in self.trees, sorted(set(found.items()) ^ set(self.trees[0].items()))[:5]
        return self.trees.index(found)


def _start(source: Path, out: Path, prelude: str = "", *extra: str) -> subprocess.Popen[bytes]:
    """``compile`` in a process of its own; what it says on standard error goes to a file."""
    code = f"{prelude}\nfrom oncall_policy.cli import run\nrun()"
    command = [sys.executable, "-c", code, "compile", "--policy", str(source), "--out", str(out), *extra]
    with (out.parent.parent / f"stderr-{time.monotonic_ns()}").open("wb") as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    process.args = log.name  # where to read what it said
    return process


def _said(process: subprocess.Popen[bytes]) -> str:
    return Path(str(process.args)).read_text()


def _staging(process: subprocess.Popen[bytes], out: Path) -> bool:
    """Wait until ``process`` starts building the new tree beside ``out`` (False: it ended)."""
    mark = f".{out.name}{SIBLING_MARK}stage-"
    while process.poll() is None:
        if any(path.name.startswith(mark) for path in out.parent.iterdir()):
            return True
        time.sleep(0.0005)
    return False


def _swapped(process: subprocess.Popen[bytes], out: Path) -> bool:
    """Wait until ``process`` has put the new tree in place, or begun to (False: it ended)."""
    before = out.stat().st_ino
    while process.poll() is None:
        try:
            if out.stat().st_ino != before:
                return True
        except FileNotFoundError:  # between the fallback's two renames
            return True
        time.sleep(0.0002)
    return False


def _prepare(tmp_path: Path, trees: Trees) -> Path:
    out = tmp_path / "repo" / "generated"
    done = run_cli("compile", "--policy", trees.policies[0], "--out", out)
    assert done.returncode == 0, done.stderr
    for name, data in THEIRS.items():
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes(data)
    return out


def _timings(out: Path, trees: Trees, prelude: str) -> tuple[float, float]:
    """How long a whole compile takes, and how long from the moment it starts building the new
    tree to its end (compiling to the other tree and back)."""
    whole, building = 0.0, 0.0
    for source in (trees.policies[1], trees.policies[0]):
        started = time.monotonic()
        process = _start(source, out, prelude)
        assert _staging(process, out)
        staged = time.monotonic()
        assert process.wait() == 0
        ended = time.monotonic()
        whole, building = max(whole, ended - started), max(building, ended - staged)
    return whole, building


@pytest.mark.parametrize(
    ("prelude", "runs"), [("", 24), (NO_EXCHANGE, 10)], ids=["renameat2-exchange", "two-renames"]
)
def test_kill_9_at_any_moment_leaves_the_old_tree_or_the_new_one(tmp_path: Path, prelude: str, runs: int):
    trees = Trees(tmp_path)
    out = _prepare(tmp_path, trees)
    backup = out.parent / f".{out.name}{SIBLING_MARK}backup"
    whole, building = _timings(out, trees, prelude)
    chance = random.Random(SEED)  # noqa: S311 - moments to kill at, not secrets
    current, interrupted = 0, 0
    # At least ``runs`` kills, and more (up to three times as many) until one lands while a
    # compile is writing: on a busy machine the moments drawn may all miss the writing.
    for run in range(3 * runs):
        if run >= runs and interrupted:
            break
        process = _start(trees.policies[1 - current], out, prelude)
        if run % 3 == 0:  # any moment at all
            time.sleep(chance.uniform(0, whole))
        elif run % 3 == 1 and _staging(process, out):  # while the new tree is built, swapped, cleaned up
            time.sleep(chance.uniform(0, building))
        elif run % 3 == 2 and _swapped(process, out):  # as the old tree is removed, or just before
            time.sleep(chance.uniform(0, 0.005))
        process.kill()
        assert process.wait() in {0, -9}, _said(process)
        interrupted += bool(siblings(out))
        if not out.exists():  # killed between the fallback's two renames: the old tree is whole
            assert prelude == NO_EXCHANGE
            assert trees.trees.index(snapshot(backup)) == current
            continue
        current = trees.which(out)
    assert interrupted  # some kills did land while a compile was writing
    done = run_cli("compile", "--policy", trees.policies[1 - current], "--out", out)
    assert done.returncode == 0, done.stderr
    assert trees.which(out) == 1 - current
    assert siblings(out) == []


def test_concurrent_compiles_into_one_directory_take_turns(tmp_path: Path):
    trees = Trees(tmp_path)
    out = _prepare(tmp_path, trees)
    for _ in range(2):
        compiles = [_start(trees.policies[n % 2], out) for n in range(4)]
        checks = [_start(source, out, "", "--check") for source in trees.policies]
        for process in compiles:
            assert process.wait(timeout=120) == 0, _said(process)
        for process in checks:
            assert process.wait(timeout=120) in {0, 1}, _said(process)
            assert "Traceback" not in _said(process)
        which = trees.which(out)
        listed = set((out / MANIFEST).read_text().splitlines())
        written = {path for path, data in trees.trees[which].items() if data is not None}
        assert listed == written - set(THEIRS) - {MANIFEST}
        assert siblings(out) == []

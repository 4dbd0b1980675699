"""How ``compile`` writes ``--out``: only regular files of its own, inside it, as one set, and a
clear error (exit 1, the old tree as it was) for anything in the way."""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from oncall_policy.cli import main
from oncall_policy.output import MANIFEST, outlock, swap
from tests.compile_trees import policy, run_cli, siblings, snapshot
from tests.conftest import CLIPPER

CHANGED_BY_RENAME = [
    "ON_CALL.md",
    "alertmanager.tmpl",
    "alertmanager.yml",
    # A calendar's description names the policy (iCalendar has no comments for a header).
    *(
        f"calendars/people/{person}.ics"
        for person in ("engineer-a", "engineer-b", "engineer-c", "engineer-d")
    ),
    *(f"calendars/people/{person}.ics" for person in ("manager-x", "manager-y")),
    "calendars/rotations/clipper-weekly.ics",
    "pagerduty.tf.json",
    "pagerduty/manifest.json",
    "prometheus-operator/alertmanager-secret.yaml",
    "silence-rules.json",
]


def compile_(out: Path, source: Path = CLIPPER, *extra: str) -> int:
    return main(["compile", "--policy", str(source), "--out", str(out), *extra])


@pytest.fixture
def out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The Clipper policy's output, as a previous compile left it."""
    generated = tmp_path / "repo" / "generated"
    assert compile_(generated) == 0
    capsys.readouterr()
    return generated


@pytest.fixture
def renamed(tmp_path: Path) -> Path:
    return policy(tmp_path / "renamed")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory beside the repository, with a file compile must never touch or show."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "victim.txt").write_text("SECRET KEY MATERIAL\n")
    return directory


def _identity(root: Path) -> dict[str, tuple[int, int, int]]:
    return {
        path.relative_to(root).as_posix(): (found.st_ino, found.st_mtime_ns, found.st_mode)
        for path in [root, *root.rglob("*")]
        for found in [path.lstat()]
    }


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "this is a bug" not in captured.err
    assert captured.out == ""
    return captured.err


# --- only when changed ------------------------------------------------------------------------


def test_nothing_changed_writes_nothing(out: Path, capsys):
    before = _identity(out)
    assert compile_(out) == 0
    assert capsys.readouterr().out == f"{out}: 27 files, none changed\n"
    assert _identity(out) == before  # the directory itself too: no swap


def test_a_change_prints_what_changed_and_leaves_other_files_untouched(out: Path, renamed: Path, capsys):
    before = _identity(out)
    assert compile_(out, renamed) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [*(f"changed {out / path}" for path in CHANGED_BY_RENAME), f"{out}: 27 files, 14 changed"]
    after = _identity(out)
    untouched = [path for path in before if path and path not in CHANGED_BY_RENAME and path != MANIFEST]
    assert untouched
    assert all(after[path] == before[path] for path in untouched if not (out / path).is_dir())
    assert all(after[path][0] != before[path][0] for path in CHANGED_BY_RENAME)


def test_files_compile_wrote_and_no_longer_writes_are_removed(out: Path, capsys):
    (out / "old.json").write_text("{}\n")
    (out / "pagerduty" / "gone").mkdir()
    (out / "pagerduty" / "gone" / "x.json").write_text("{}\n")
    with (out / MANIFEST).open("a") as manifest:
        manifest.write("old.json\npagerduty/gone/x.json\n")
    assert compile_(out) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"removed {out / 'old.json'}",
        f"removed {out / 'pagerduty/gone/x.json'}",
        f"{out}: 27 files, 2 changed",
    ]
    assert not (out / "old.json").exists()
    assert not (out / "pagerduty" / "gone").exists()  # emptied by compile: gone too


def test_files_compile_did_not_write_survive_the_swap(out: Path, renamed: Path):
    (out / ".gitkeep").write_text("")
    (out / "README.md").write_text("Generated; do not edit.\n")
    (out / "README.md").chmod(0o600)
    (out / "notes").mkdir()
    (out / "notes" / "why.txt").write_text("because\n")
    (out / "empty").mkdir()
    (out / "pagerduty" / "local.txt").write_text("mine\n")
    (out / "empty").chmod(0o700)
    theirs = [".gitkeep", "README.md", "notes/why.txt", "pagerduty/local.txt"]  # the same files
    before = _identity(out)
    assert compile_(out, renamed) == 0
    after = _identity(out)
    assert {path: after[path] for path in theirs} == {path: before[path] for path in theirs}
    assert (out / "README.md").read_text() == "Generated; do not edit.\n"
    assert stat.S_IMODE((out / "empty").stat().st_mode) == 0o700  # a directory rebuilt, its mode kept


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775)])
def test_files_get_0666_and_directories_0777_less_the_umask(tmp_path: Path, umask, file_mode, dir_mode):
    previous = os.umask(umask)
    try:
        assert compile_(tmp_path / "generated") == 0
    finally:
        os.umask(previous)
    for path in [tmp_path / "generated", *(tmp_path / "generated").rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (dir_mode if path.is_dir() else file_mode), path


def test_a_changed_file_gets_the_mode_of_a_new_one(out: Path, renamed: Path):
    (out / "alertmanager.yml").chmod(0o600)  # as compile's mkstemp used to leave it
    previous = os.umask(0o022)
    try:
        assert compile_(out, renamed) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((out / "alertmanager.yml").stat().st_mode) == 0o644


def test_files_that_look_like_old_temporary_files_are_kept(out: Path):
    """A user's ``.ON_CALL.md.my_notes`` cannot be told from a temporary file an older compile
    left: compile never guesses, it keeps both."""
    (out / ".alertmanager.yml.k2j4_9xq").write_text("half a file")  # tempfile.mkstemp's names
    (out / ".ON_CALL.md.my_notes").write_text("someone's notes")
    assert compile_(out) == 0
    assert (out / ".alertmanager.yml.k2j4_9xq").read_text() == "half a file"
    assert (out / ".ON_CALL.md.my_notes").read_text() == "someone's notes"


def test_check_names_a_removed_file_but_never_shows_it(out: Path, capsys):
    """The manifest may name any file in --out (a hand edit): ``--check`` says it would be
    removed, and prints none of what it holds."""
    (out / "secret.env").write_text("token=R0ABCDEFGHIJKLMNOPQRSTUVWXYZ1234\n")
    with (out / ".oncall-policy-files").open("a") as manifest:
        manifest.write("secret.env\n")
    capsys.readouterr()
    assert compile_(out, CLIPPER, "--check") == 1
    captured = capsys.readouterr()
    assert "R0ABCDEF" not in captured.out + captured.err
    assert f"{out / 'secret.env'}: stale (removed)" in captured.err


# --- the manifest is untrusted ----------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        "{outside}/victim.txt",
        "../../outside/victim.txt",
        "pagerduty/../../../outside/victim.txt",
        "./x",
        "a//b",
    ],
    ids=["absolute", "dot-dot", "dot-dot-inside", "dot", "empty-part"],
)
@pytest.mark.parametrize("check", [False, True], ids=["compile", "check"])
def test_a_manifest_naming_a_path_outside_is_refused(
    out: Path, outside: Path, capsys, entry: str, check: bool
):
    line = entry.format(outside=outside)
    with (out / MANIFEST).open("a") as manifest:
        manifest.write(f"{line}\n")
    number = len((out / MANIFEST).read_text().splitlines())  # the line just added
    before = snapshot(out)
    assert compile_(out, CLIPPER, *(["--check"] if check else [])) == 1
    err = _error(capsys)
    assert err == (
        f"oncall-policy: error: {out / MANIFEST}:{number}: {line!r} is not a relative path below {out}, so the "
        "list was not used and nothing was removed or compared; correct the line, or delete "
        ".oncall-policy-files and remove by hand the files compile no longer writes\n"
    )
    assert (outside / "victim.txt").read_text() == "SECRET KEY MATERIAL\n"
    assert snapshot(out) == before


@pytest.mark.parametrize("check", [False, True], ids=["compile", "check"])
def test_a_manifest_through_a_symlinked_directory_is_refused(out: Path, outside: Path, capsys, check: bool):
    (out / "link").symlink_to(outside)
    with (out / MANIFEST).open("a") as manifest:
        manifest.write("link/victim.txt\n")
    assert compile_(out, CLIPPER, *(["--check"] if check else [])) == 1
    err = _error(capsys)
    assert err.startswith(f"oncall-policy: error: {out / 'link'}: is a symbolic link; compile keeps only ")
    assert "SECRET" not in err
    assert (outside / "victim.txt").read_text() == "SECRET KEY MATERIAL\n"


# --- links and special files below --out are errors, never followed -------------------------


def test_a_symlinked_directory_inside_is_an_error_and_nothing_is_written_outside(
    out: Path, outside: Path, renamed: Path, capsys
):
    shutil.rmtree(out / "pagerduty")
    (out / "pagerduty").symlink_to(outside, target_is_directory=True)
    assert compile_(out, renamed) == 1
    assert _error(capsys) == (
        f"oncall-policy: error: {out / 'pagerduty'}: is a symbolic link; compile keeps only regular "
        f"files and directories in {out} and never follows a link (remove it)\n"
    )
    assert [path.name for path in outside.iterdir()] == ["victim.txt"]
    assert siblings(out) == []


@pytest.mark.parametrize("check", [False, True], ids=["compile", "check"])
def test_a_symlink_to_a_key_file_is_never_read(out: Path, outside: Path, capsys, check: bool):
    (out / "alertmanager.yml").unlink()
    (out / "alertmanager.yml").symlink_to(outside / "victim.txt")
    assert compile_(out, CLIPPER, *(["--check"] if check else [])) == 1
    err = _error(capsys)
    assert f"{out / 'alertmanager.yml'}: is a symbolic link" in err
    assert "SECRET" not in err


def test_out_itself_a_symlink_is_an_error(tmp_path: Path, outside: Path, capsys):
    (tmp_path / "generated").symlink_to(outside)
    assert compile_(tmp_path / "generated") == 1
    assert "is a symbolic link; compile replaces a real directory as a whole" in _error(capsys)
    assert [path.name for path in outside.iterdir()] == ["victim.txt"]


def test_a_fifo_in_the_tree_makes_check_fail_at_once(out: Path):
    os.mkfifo(out / "pagerduty" / "pipe")
    done = run_cli("compile", "--check", "--policy", CLIPPER, "--out", out, timeout=60)
    assert done.returncode == 1
    assert done.stderr == (
        f"oncall-policy: error: {out / 'pagerduty/pipe'}: is a FIFO; compile keeps only regular files "
        f"and directories in {out} and never follows a link (remove it)\n"
    )


def test_a_fifo_where_a_previous_schedule_is_read_is_an_error(out: Path):
    schedule = out / "pagerduty" / "schedules" / "clipper-weekly" / "primary.json"
    schedule.unlink()
    os.mkfifo(schedule)
    done = run_cli("compile", "--policy", CLIPPER, "--out", out, timeout=60)
    assert done.returncode == 1
    assert f"{schedule}: cannot read it: is not a regular file (a FIFO)" in done.stderr


def test_a_directory_where_a_file_goes_is_an_error(out: Path, renamed: Path, capsys):
    (out / "alertmanager.yml").unlink()
    (out / "alertmanager.yml").mkdir()
    (out / "alertmanager.yml" / "mine.txt").write_text("mine\n")
    before = snapshot(out)
    assert compile_(out, renamed) == 1
    assert _error(capsys) == (
        f"oncall-policy: error: {out / 'alertmanager.yml'}: is a directory; compile writes a file "
        "there (move it away)\n"
    )
    assert snapshot(out) == before


def test_a_file_where_a_directory_goes_is_an_error(out: Path, capsys):
    shutil.rmtree(out / "pagerduty")
    (out / "pagerduty").write_text("mine\n")
    assert compile_(out) == 1
    assert _error(capsys) == (
        f"oncall-policy: error: {out / 'pagerduty'}: is a file compile did not write, where compile "
        f"needs a directory for {out / 'pagerduty/escalation_policies/clipper/P1.json'} (move it away)\n"
    )


# --- where --out cannot be written ----------------------------------------------------------


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("not a directory\n")
    return path


@pytest.mark.parametrize("check", [False, True], ids=["compile", "check"])
@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("{file}", "{out}: is a regular file, not a directory"),
        ("{file}/generated", "{out}: cannot make the directory it goes in: "),
        ("/dev/null", "{out}: is a character device, not a directory"),
    ],
    ids=["a-file", "under-a-file", "dev-null"],
)
def test_out_that_is_not_a_directory(a_file: Path, capsys, where: str, message: str, check: bool):
    out = where.format(file=a_file)
    assert main(["compile", "--policy", str(CLIPPER), "--out", out, *(["--check"] if check else [])]) == 1
    err = _error(capsys)
    if check and where == "{file}/generated":  # read only: nothing is made, nothing there to compare
        assert err.startswith(f"oncall-policy: error: {out}: ")
    else:
        assert err.startswith(f"oncall-policy: error: {message.format(out=out)}")
    assert a_file.read_text() == "not a directory\n"


def test_out_where_nobody_may_write(capsys):
    """/sys refuses even root, as a read-only mount or another owner's directory would."""
    out = "/sys/oncall-policy-test/generated"
    assert main(["compile", "--policy", str(CLIPPER), "--out", out]) == 1
    assert _error(capsys).startswith(f"oncall-policy: error: {out}: cannot make the directory it goes in: ")


def test_an_immutable_out_is_left_as_it_was(out: Path, renamed: Path, capsys):
    if shutil.which("chattr") is None:
        pytest.skip("`chattr` not found: cannot make a directory immutable here")
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True, check=False).returncode:
        pytest.skip("this file system or user cannot make a directory immutable (chattr +i)")
    try:
        before = snapshot(out)
        assert compile_(out, renamed) == 1
        assert _error(capsys).startswith(
            f"oncall-policy: error: {out}: cannot replace it with the new output built beside it: "
        )
        assert snapshot(out) == before
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=True)
    assert siblings(out) == []


def test_a_full_disk_leaves_the_old_tree_and_no_temporary_file(out: Path, renamed: Path):
    """A file size limit (SIGXFSZ ignored) fails a write with EFBIG, as a full disk does."""
    before = snapshot(out)
    limit = "import resource, signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    limit += "resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))"
    done = run_cli("compile", "--policy", renamed, "--out", out, prelude=limit)
    assert done.returncode == 1, done.stderr
    assert done.stderr == (
        f"oncall-policy: error: {out / 'ON_CALL.md'}: cannot write it: File too large; {out} is left as it was\n"
    )
    assert snapshot(out) == before
    assert siblings(out) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.parametrize("check", [False, True], ids=["compile", "check"])
def test_a_read_only_file_system_leaves_the_old_tree(small_disk: Path, renamed: Path, capsys, check: bool):
    """Root writes through file modes; a read-only mount stops it too."""
    out = small_disk / "generated"
    assert compile_(out) == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    before = snapshot(out)
    capsys.readouterr()
    if check:  # reading needs no write: the stale files are found as anywhere
        assert compile_(out, renamed, "--check") == 1
        assert len(capsys.readouterr().err.splitlines()) == len(CHANGED_BY_RENAME)
        return
    assert compile_(out, renamed) == 1
    assert _error(capsys) == (
        f"oncall-policy: error: {out}: cannot make a directory beside it to build the new output in: "
        "Read-only file system\n"
    )
    assert snapshot(out) == before


def test_a_mount_point_cannot_be_replaced(small_disk: Path, capsys):
    (small_disk / "mine.txt").write_text("mine\n")
    assert compile_(small_disk) == 1
    assert _error(capsys) == (
        f"oncall-policy: error: {small_disk}: cannot replace it with the new output built beside it: "
        "Device or resource busy (is it a mount point, or part of a container image? compile "
        "replaces it as a whole); it is left as it was\n"
    )
    assert snapshot(small_disk) == {"mine.txt": b"mine\n"}
    assert siblings(small_disk) == []


def test_no_space_left_leaves_the_old_tree(small_disk: Path, renamed: Path, capsys):
    out = small_disk / "generated"
    assert compile_(out) == 0
    before = snapshot(out)
    free = os.statvfs(small_disk)
    with (small_disk / "filler").open("wb") as filler:  # fill what is left but a few blocks
        filler.write(b"\0" * max(0, (free.f_bavail - 2) * free.f_frsize))
    capsys.readouterr()
    assert compile_(out, renamed) == 1
    err = _error(capsys)
    assert "No space left on device" in err
    assert err.endswith(f"{out} is left as it was\n")
    assert snapshot(out) == before
    assert siblings(out) == []


# --- check ------------------------------------------------------------------------------------


def test_check_prints_a_unified_diff_and_writes_nothing(out: Path, renamed: Path, capsys):
    before = _identity(out)
    assert compile_(out, renamed, "--check") == 1
    captured = capsys.readouterr()
    assert "-| 1 | Mon 2025-12-29 09:00 | Engineer A | Engineer B | Manager X |\n" in captured.out
    assert "+| 1 | Mon 2025-12-29 09:00 | Engineer A | Engineer B | Manager Ex |\n" in captured.out
    assert captured.err.splitlines() == [
        f"{out / path}: stale (changed); run `oncall-policy compile`" for path in CHANGED_BY_RENAME
    ]
    assert _identity(out) == before


def test_check_of_a_fresh_tree_passes(out: Path, capsys):
    assert compile_(out, CLIPPER, "--check") == 0
    assert capsys.readouterr() == ("", "")


def test_check_says_how_much_of_a_long_diff_it_shows(out: Path, capsys):
    text = (out / "ON_CALL.md").read_text()
    lines = len(text.splitlines())
    (out / "ON_CALL.md").write_text("".join(f"x{line}" for line in text.splitlines(keepends=True)) * 5)
    assert compile_(out, CLIPPER, "--check") == 1
    captured = capsys.readouterr()
    assert captured.err == (  # 5 x lines removed, lines added
        f"{out / 'ON_CALL.md'}: stale (changed; the diff shows 2,000 of its {6 * lines:,} changed lines); "
        "run `oncall-policy compile`\n"
    )
    assert captured.out.startswith(
        f"--- a/ON_CALL.md\n+++ b/ON_CALL.md\n@@ -1,{2_000 - lines} +1,{lines} @@\n"
    )
    assert captured.out.count("\n") == 3 + 2_000


# --- the lock and what a killed compile leaves ------------------------------------------------


def test_a_compile_waits_for_the_lock_then_gives_up_cleanly(out: Path, renamed: Path, capsys, monkeypatch):
    monkeypatch.setattr(outlock, "WAIT_SECONDS", 0.2)
    holder = os.open(out.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        before = snapshot(out)
        assert compile_(out, renamed) == 1
        assert _error(capsys) == (
            f"oncall-policy: error: {out}: another `oncall-policy compile` into this directory has held "
            "its lock for 0.2 s; run again when it has finished\n"
        )
        assert snapshot(out) == before
    finally:
        os.close(holder)


def test_the_next_compile_removes_what_a_killed_one_left(out: Path, capsys):
    stage = out.parent / f".{out.name}.oncall-policy-stage-0123456789abcdef"
    shutil.copytree(out, stage)
    (out.parent / ".generated.oncall-policy-stage-not-ours").mkdir()  # not a name compile gives
    assert compile_(out) == 0
    assert capsys.readouterr().out == f"{out}: 27 files, none changed\n"
    assert siblings(out) == [".generated.oncall-policy-stage-not-ours"]


def test_a_compile_killed_between_the_two_renames_is_undone_first(out: Path, renamed: Path, capsys):
    old = snapshot(out)
    out.rename(out.parent / f".{out.name}.oncall-policy-backup")
    assert compile_(out, CLIPPER, "--check") == 1
    assert _error(capsys) == (
        f"oncall-policy: error: {out}: is missing: a compile was interrupted while replacing it; run "
        "`oncall-policy compile`, which puts the old tree back first\n"
    )
    assert compile_(out) == 0
    assert capsys.readouterr().out == f"{out}: 27 files, none changed\n"
    assert snapshot(out) == old
    assert siblings(out) == []


def test_without_an_atomic_exchange_two_renames_do(out: Path, renamed: Path, monkeypatch, capsys):
    monkeypatch.setattr(swap, "_renameat2", lambda: None)
    (out / "README.md").write_text("mine\n")
    assert compile_(out, renamed) == 0
    assert capsys.readouterr().out.endswith(f"{out}: 27 files, 14 changed\n")
    assert compile_(out, renamed, "--check") == 0
    assert (out / "README.md").read_text() == "mine\n"
    assert siblings(out) == []


@pytest.mark.parametrize(
    "data",
    [
        b'{"schedule": {"schedule_layers": [{"name": "x"}]}}',
        b'{"schedule": {"schedule_layers": {"name": "x"}}}',
        (
            b'{"schedule": {"schedule_layers": [{"name": "Clipper weekly on-call: primary", '
            b'"users": [{"user": {"id": "P1"}}], '
            b'"rotation_virtual_start": "2026-01-01T00:00:00Z", "rotation_turn_length_seconds": 0}]}}'
        ),
        b"[" * 100_000,
        b"\xff",
    ],
    ids=["no-users", "not-a-list", "zero-length-turns", "deeply-nested", "not-utf-8"],
)
def test_a_previous_schedule_compile_did_not_write_is_not_compared(out: Path, capsys, data: bytes):
    """The repository's files are untrusted: a schedule not as compile writes it is no crash."""
    schedule = out / "pagerduty" / "schedules" / "clipper-weekly" / "primary.json"
    schedule.write_bytes(data)
    assert compile_(out) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.splitlines() == [f"changed {schedule}", f"{out}: 27 files, 1 changed"]


def test_check_of_a_tree_not_made_yet_lists_every_file(tmp_path: Path, capsys):
    out = tmp_path / "nowhere" / "generated"
    assert compile_(out, CLIPPER, "--check") == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 27
    assert all(line.endswith(": stale (created); run `oncall-policy compile`") for line in lines)
    assert not (tmp_path / "nowhere").exists()


def test_where_a_hard_link_is_refused_files_are_copied_as_they_were(
    out: Path, renamed: Path, monkeypatch, capsys
):
    """Another file system's rules or another owner's file (``fs.protected_hardlinks``)."""
    (out / "README.md").write_text("mine\n")
    (out / "README.md").chmod(0o666)  # more than the umask (022) would leave
    before = {path: (found.st_mode, found.st_mtime_ns) for path, found in _stats(out).items()}

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refuse)
    assert compile_(out, renamed) == 0
    capsys.readouterr()
    after = {path: (found.st_mode, found.st_mtime_ns) for path, found in _stats(out).items()}
    kept = [path for path in before if path not in CHANGED_BY_RENAME and path != MANIFEST]
    assert {path: after[path] for path in kept} == {path: before[path] for path in kept}
    assert (out / "README.md").read_text() == "mine\n"
    assert compile_(out, renamed, "--check") == 0


def _stats(root: Path) -> dict[str, os.stat_result]:
    return {path.relative_to(root).as_posix(): path.lstat() for path in root.rglob("*") if path.is_file()}


def test_the_manifest_cannot_have_the_policy_removed(tmp_path: Path, capsys):
    """``--out`` may hold the policy (its files are carried over); a manifest line naming it
    stops the compile before anything is removed."""
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(CLIPPER.read_bytes())
    assert compile_(tmp_path, policy) == 0
    with (tmp_path / ".oncall-policy-files").open("a") as manifest:
        manifest.write("policy.yaml\n")
    capsys.readouterr()
    assert compile_(tmp_path, policy) == 1
    assert "it is the policy; remove that line" in capsys.readouterr().err
    assert policy.read_bytes() == CLIPPER.read_bytes()


def test_check_notices_a_list_of_generated_files_edited_by_hand(tmp_path, capsys):
    """Red team: with a line of .oncall-policy-files deleted, --check passed, and compile rewrote
    it saying nothing changed; the file it no longer listed would never be removed."""
    policy = tmp_path / "policy.yaml"
    shutil.copy2(CLIPPER, policy)
    out = tmp_path / "generated"
    assert main(["compile", "--policy", str(policy), "--out", str(out)]) == 0
    listed = out / ".oncall-policy-files"
    lines = listed.read_text(encoding="utf-8").splitlines(keepends=True)
    listed.write_text("".join(lines[1:]), encoding="utf-8")
    capsys.readouterr()
    assert main(["compile", "--policy", str(policy), "--out", str(out), "--check"]) == 1
    said = capsys.readouterr()
    assert f"{listed}: stale (changed)" in said.err
    assert "+ON_CALL.md\n" in said.out
    assert main(["compile", "--policy", str(policy), "--out", str(out)]) == 0
    assert f"changed {listed}" in capsys.readouterr().out
    assert listed.read_text(encoding="utf-8").splitlines(keepends=True) == lines
    listed.unlink()
    assert main(["compile", "--policy", str(policy), "--out", str(out), "--check"]) == 1

"""Found by a red team in `check-files --siblings`, the silences hook and muted windows, and
fixed: the requests merged before are those of the whole `silences/` tree, tracked by git
(`silence/siblings.py`; a folder that cannot be listed fails closed); the hook reviews every file
the command reads as a request (any suffix case, symlinks, which are refused); and a muted
window's occurrences are read by Alertmanager's wall clock where the clocks skip an hour."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from oncall_policy.cli import main
from oncall_policy.silence.siblings import siblings
from tests.conftest import CLIPPER, ROOT
from tests.test_red_team_review_and_muted_windows import _muted_policy
from tests.test_silence_files_together import _request


def _sibling_argv(*files: str) -> list[str]:
    return ["silence", "check-files", "--policy", str(CLIPPER), "--siblings", *files]


# --- (a) a chain the sibling walk misses: the request merged before is not under the new
# file's own directory, though both are in the repository's silences/ tree the hook covers.


@pytest.mark.parametrize(
    ("merged", "new"),
    [
        # Silences kept by month: the new one is in April's folder, the one it extends in March's.
        ("silences/2027-03/a.json", "silences/2027-04/b.json"),
        # Kept by team: two teams silence the same alert back to back.
        ("silences/team-a/a.json", "silences/team-b/b.json"),
        # The merged one at the top of silences/, the new one in a subfolder.
        ("silences/a.json", "silences/team/b.json"),
    ],
)
def test_a_chain_across_folders_of_silences_is_refused(tmp_path, capsys, monkeypatch, merged, new):
    """HighErrorRate (P2, cap 4h) silenced 22:00-02:00 by a request merged before, and
    02:00-06:00 by the new one: 8h without a break. The hook passes only the new file, and
    `--siblings` walks only the new file's own folder, so the 4h request merged before (in a
    neighbouring folder of the same silences/ tree, which the hook's `files` covers) is not
    history and the chain passes review. Judged together, the same two files are refused."""
    monkeypatch.chdir(tmp_path)
    for name in (merged, new):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    _request(tmp_path / merged, "2027-03-31T22:00:00Z", "2027-04-01T02:00:00Z")
    _request(tmp_path / new, "2027-04-01T02:00:00Z", "2027-04-01T06:00:00Z")
    assert main(["silence", "check-files", "--policy", str(CLIPPER), merged, new]) == 1
    capsys.readouterr()
    code = main(_sibling_argv(new))
    out = capsys.readouterr().out
    assert code == 1, f"the 8h chain onto {merged} passed the hook's check:\n{out}"
    assert "it covers 8h in one stretch" in out


# --- (a) a request file the project reads, that the hook never reviews.


@pytest.mark.parametrize("name", ["silences/b.JSON", "silences/b.Yaml", "silences/team/b.YML"])
def test_the_hook_reviews_every_file_the_project_reads_as_a_request(tmp_path, name):
    """`files.siblings` and `files.read` take the suffix case-insensitively (`b.JSON` is a
    request, merged before, read as Go reads JSON), but the hook's `files` pattern
    `(^|/)silences/.+\\.(ya?ml|json)$` is case-sensitive: a 3-day `silences/b.JSON` for
    HighErrorRate is never judged; pre-commit reports "(no files to check)Skipped"."""
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    _request(tmp_path / name, "2027-03-01T00:00:00Z", "2027-03-04T00:00:00Z")
    anchor = _request(tmp_path / "silences" / "anchor.json", "2027-05-01T00:00:00Z", "2027-05-01T01:00:00Z")
    assert str(tmp_path / name) in siblings([anchor])[0]  # the project counts it as a request file
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    pattern = next(h for h in hooks if h["id"] == "oncall-policy-silences")["files"]
    assert re.search(pattern, name), f"the silences hook never runs on {name} (files: {pattern})"


# --- (a) a muted window whose occurrences touch only in Alertmanager's wall clock.


def _compiled_intervals(policy: str, out: Path) -> list[dict[str, object]]:
    assert main(["compile", "--policy", policy, "--out", str(out)]) == 0
    config = yaml.safe_load((out / "alertmanager.yml").read_text())
    [interval] = config["time_intervals"]
    return interval["time_intervals"]


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _muted_at(intervals: list[dict[str, object]], moment: datetime) -> bool:
    """Alertmanager 0.25's `TimeInterval.ContainsTime`: the moment in the interval's location,
    its minute of the day in [start, end) and its weekday listed (timeinterval.go)."""
    for interval in intervals:
        local = moment.astimezone(ZoneInfo(str(interval["location"])))
        minute = local.hour * 60 + local.minute
        if _DAYS[local.weekday()] not in interval["weekdays"]:  # type: ignore[operator]
            continue
        for times in interval["times"]:  # type: ignore[attr-defined]
            start = [int(x) for x in times["start_time"].split(":")]
            end = [int(x) for x in times["end_time"].split(":")]
            if start[0] * 60 + start[1] <= minute < end[0] * 60 + end[1]:
                return True
    return False


def _longest_muted(intervals: list[dict[str, object]], begin: datetime, days: int) -> timedelta:
    best, run, step = timedelta(0), timedelta(0), timedelta(minutes=1)
    for i in range(days * 24 * 60):
        run = run + step if _muted_at(intervals, begin + i * step) else timedelta(0)
        best = max(best, run)
    return best


@pytest.mark.parametrize(
    ("zone", "weekend"),
    [
        ("America/New_York", datetime(2027, 3, 12, tzinfo=UTC)),  # clocks go forward Sun 2027-03-14
        ("Europe/Berlin", datetime(2027, 3, 26, tzinfo=UTC)),  # clocks go forward Sun 2027-03-28
    ],
)
def test_a_muted_window_opening_in_the_skipped_hour_touches_the_one_before(tmp_path, capsys, zone, weekend):
    """Saturday and Sunday 02:30-02:00 (23h30m each, past midnight), muted in Alertmanager,
    max_duration 1d1h. `check` reads the Sunday occurrence as opening at 02:30 in the offset
    before the change (03:30 after it), half an hour after the Saturday one closed at 02:00
    (read the same way), so it sees no stretch and accepts it. Alertmanager compares wall-clock
    minutes: at 01:59 the Saturday interval (Sunday 00:00-02:00) mutes, and the next minute
    is 03:00, inside Sunday 02:30-24:00: the alert is muted from Saturday 02:30 to Monday 02:00
    without a break, 46h30m, where 1d1h is allowed."""
    (tmp_path / "lenient").mkdir()
    lenient = _muted_policy(tmp_path / "lenient", zone, "saturday, sunday", "02:30", "02:00", "3d")
    muted = _longest_muted(_compiled_intervals(lenient, tmp_path / "generated"), weekend, 4)
    policy = _muted_policy(tmp_path, zone, "saturday, sunday", "02:30", "02:00", "1d1h")
    capsys.readouterr()
    assert muted == timedelta(hours=46, minutes=30)  # what Alertmanager does with it
    code = main(["check", policy])
    out = capsys.readouterr().out
    assert code == 1, f"Alertmanager mutes {muted} without a break, yet `check` accepts:\n{out}"
    assert "(maintenance-windows)" in out


# --- (a) a folder of requests merged before that cannot be read: skipped in silence.


def test_a_folder_of_requests_that_cannot_be_read_fails_closed(tmp_path, capsys, monkeypatch):
    """`silences/locked/` holds a.json, HighErrorRate 00:00-04:00, merged before; the new
    b.json is 04:00-08:00. When the folder cannot be listed (the red team made it mode 000 and
    ran as nobody; here the listing fails as the kernel fails it, for root reads every folder),
    its requests were silently no history and the 8h chain passed. History that cannot be read
    refuses a silence (docs/silences.md, "Failing closed"). Readable, the chain is refused."""
    monkeypatch.chdir(tmp_path)
    silences = tmp_path / "silences"
    (silences / "locked").mkdir(parents=True)
    _request(silences / "locked" / "a.json", "2027-03-01T00:00:00Z", "2027-03-01T04:00:00Z")
    _request(silences / "b.json", "2027-03-01T04:00:00Z", "2027-03-01T08:00:00Z")
    argv = ["silence", "check-files", "--policy", str(CLIPPER), "--siblings", "silences/b.json"]
    assert main(argv) == 1
    assert "with silences silences/locked/a.json it covers 8h" in capsys.readouterr().out
    listing = os.scandir

    def refused(path: object = ".") -> object:
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refused)
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "silences/locked:1:1: [error] cannot list the requests merged before: Permission denied" in out


# --- the hook, run by the real pre-commit at `git commit` time (staged files, others stashed).

from tests.test_precommit_hooks import (  # noqa: E402 - fixtures of the real-pre-commit tests
    GIT,
    consumer,  # noqa: F401 - a fixture
    hook_repo,  # noqa: F401 - a fixture
    pre_commit_home,  # noqa: F401 - a fixture
)


def _commit_hook(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """The silences hook as `git commit` runs it: on the staged files, unstaged changes stashed."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "oncall-policy-silences", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.precommit
def test_an_untracked_draft_is_not_a_request_merged_before(consumer, pre_commit_home):  # noqa: F811
    """(b) A false refusal. An engineer commits `silences/today.json` (HighErrorRate 00:00-04:00,
    P2 within its 4h cap) and keeps an untracked draft beside it, `silences/draft.json`
    (04:00-08:00), that is not part of the commit, never merged, and not in Alertmanager.
    pre-commit stashes unstaged changes but leaves untracked files in place, and `--siblings`
    walks the working tree: the draft is taken as "merged before" and the 4h request is refused
    as an 8h chain. Only files in the repository (tracked) were merged before."""
    _request(consumer / "silences" / "today.json", "2027-03-01T00:00:00Z", "2027-03-01T04:00:00Z")
    subprocess.run([*GIT, "-C", str(consumer), "add", "silences/today.json"], check=True)
    _request(consumer / "silences" / "draft.json", "2027-03-01T04:00:00Z", "2027-03-01T08:00:00Z")
    done = _commit_hook(consumer, pre_commit_home)
    assert "oncall-policy silence requests" in done.stdout  # the hook ran on today.json
    assert done.returncode == 0, f"refused for an untracked draft:\n{done.stdout}{done.stderr}"


@pytest.mark.precommit
def test_a_request_behind_a_symlink_is_reviewed(consumer, pre_commit_home):  # noqa: F811
    """(a) `silences/db.json` is committed as a symlink to `requests/db.json`, a 3-day request
    for HighErrorRate (P2, cap 4h). The hook has no `types`, so pre-commit's default
    `types: [file]` applies, and a symlink is tagged `symlink`, not `file`: the hook is skipped
    ("(no files to check)Skipped") though the name matches `files`, and the target's name does
    not. Yet `--siblings` counts the same symlink as a request merged before (`is_file` follows
    it), and a checkout deploys it. Either the symlink is judged (through it) or refused."""
    (consumer / "requests").mkdir()
    _request(consumer / "requests" / "db.json", "2027-03-01T00:00:00Z", "2027-03-04T00:00:00Z")
    (consumer / "silences" / "db.json").symlink_to(Path("..") / "requests" / "db.json")
    subprocess.run([*GIT, "-C", str(consumer), "add", "-A"], check=True)
    assert str(consumer / "silences" / "db.json") in siblings([str(consumer / "silences" / "good.yaml")])[0]
    done = _commit_hook(consumer, pre_commit_home)
    assert done.returncode == 1, f"a 3-day request in silences/db.json passed review:\n{done.stdout}"

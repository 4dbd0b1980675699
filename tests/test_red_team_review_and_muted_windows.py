"""Found by a red team: the silences hook is run in one process (pre-commit split the files of
one review across parallel runs, and two chained requests passed, each in its own run); and a
window that mutes in Alertmanager is as long as its occurrences that touch (each measured alone,
Monday to Thursday 00:00-00:00 muted 4d without a break where at most 3d is allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from oncall_policy.cli import main
from tests.conftest import CLIPPER, ROOT
from tests.test_silence_files_together import _request


def _hook(hook_id: str) -> dict[str, object]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return next(h for h in hooks if h["id"] == hook_id)


def test_precommit_hook_does_not_split_chained_request_files(tmp_path, capsys, monkeypatch):
    """check-files now judges the files of one run together, but the published
    `oncall-policy-silences` hook is not `require_serial`: pre-commit shuffles the staged files
    and runs the hook in several processes (xargs partitions of >= 4 files, one per CPU), so two
    back-to-back 4h requests for one P2 alert (8h of muting, cap 4h) land in different runs and
    each run passes. `oncall-policy-rules` is require_serial for the same reason."""
    from pre_commit.lang_base import _shuffled  # noqa: PLC0415
    from pre_commit.xargs import partition  # noqa: PLC0415

    monkeypatch.chdir(tmp_path)
    (tmp_path / "silences").mkdir()
    staged = [f"silences/req-{i}.json" for i in range(8)]  # as git lists them: sorted
    hook = _hook("oncall-policy-silences")
    serial = bool(hook.get("require_serial", False))
    files = staged if serial else _shuffled(staged)
    runs = partition(("oncall-policy",), files, 1 if serial else 2)  # a 2-CPU machine
    first, second = runs[0][1], runs[-1][-1]  # the first run's first file, the last run's last
    _request(tmp_path / first, "2027-03-01T00:00:00Z", "2027-03-01T04:00:00Z")
    _request(tmp_path / second, "2027-03-01T04:00:00Z", "2027-03-01T08:00:00Z")
    for day, name in enumerate(n for n in staged if n not in (first, second)):
        _request(tmp_path / name, f"2027-04-1{day}T00:00:00Z", f"2027-04-1{day}T02:00:00Z")

    together = main(["silence", "check-files", "--policy", str(CLIPPER), *staged])
    capsys.readouterr()
    assert together == 1  # one run over all of them refuses the 8h chain

    codes = [main(["silence", "check-files", "--policy", str(CLIPPER), *run[1:]]) for run in runs]
    out = capsys.readouterr().out
    assert 1 in codes, f"pre-commit's runs {[len(r) - 1 for r in runs]} all pass the 8h chain:\n{out}"


def _muted_policy(  # noqa: PLR0917 - a window's every field
    tmp_path: Path, zone: str, weekdays: str, start: str, end: str, max_duration: str
) -> str:
    window = f"""    windows:
      - id: CHG-9100
        description: Weekly batch reindex
        change: CHG-9100
        scope: {{matchers: ['alertname="HighErrorRate"']}}
        approved_by: [engineer-a, manager-x]
        time_zone: {zone}
        recurring: {{weekdays: [{weekdays}], start: "{start}", end: "{end}"}}
        mute_in_alertmanager: true
"""
    text = CLIPPER.read_text().replace("    windows: []\n", window)
    text = text.replace("max_duration: 3d", f"max_duration: {max_duration}")
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("zone", "weekdays", "start", "end", "max_duration"),
    [
        # Compiles to weekdays [monday..sunday] 00:00-24:00: HighErrorRate muted forever.
        ("Etc/UTC", "monday, tuesday, wednesday, thursday, friday, saturday, sunday", "00:00", "00:00", "3d"),
        # Monday 00:00 to Friday 00:00 without a break: 4d.
        ("Etc/UTC", "monday, tuesday, wednesday, thursday", "00:00", "00:00", "3d"),
        # 23h a night, but the Saturday one runs into the Sunday one the night the clocks go
        # forward (Sunday 02:00 never comes, 03:00 opens the next): 46h, 2027-03-13 08:00Z to
        # 2027-03-15 06:00Z, muted without a break.
        ("America/New_York", "saturday, sunday", "03:00", "02:00", "1d"),
    ],
)
def test_muted_window_occurrences_that_touch_are_one_stretch(  # noqa: PLR0917 - parametrized
    tmp_path, capsys, zone, weekdays, start, end, max_duration
):
    """A mute_in_alertmanager window mutes through Alertmanager's time intervals, not silences,
    so no history joins its occurrences: `check` measures each occurrence alone (24h, approved by
    a manager), while occurrences that touch mute for longer than maintenance.max_duration."""
    code = main(["check", _muted_policy(tmp_path, zone, weekdays, start, end, max_duration)])
    out = capsys.readouterr().out
    assert code == 1, f"the window mutes longer than {max_duration} without a break, yet:\n{out}"
    assert "(maintenance-windows)" in out

"""A recurring maintenance window is as long as its longest occurrence in real time (found by a
red team: a weekly Saturday 23:00-03:00 New York window, 4h by the clock and so needing no
manager, lasts 5h the night the clocks go back, and the judge allowed a 5h silence in it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncall_policy.cli import main
from tests.conftest import CLIPPER


def _policy(tmp_path: Path, zone: str, start: str, end: str, approvers: str) -> str:
    window = f"""    windows:
      - id: CHG-9000
        description: Weekly batch reindex
        change: CHG-9000
        scope: {{matchers: ['alertname="HighErrorRate"']}}
        approved_by: [{approvers}]
        time_zone: {zone}
        recurring: {{weekdays: [saturday, sunday], start: "{start}", end: "{end}"}}
"""
    path = tmp_path / "policy.yaml"
    path.write_text(CLIPPER.read_text().replace("    windows: []\n", window))
    return str(path)


def test_the_night_clocks_go_back_needs_the_approval_of_a_longer_window(tmp_path, capsys):
    assert main(["check", _policy(tmp_path, "America/New_York", "23:00", "03:00", "engineer-a")]) == 1
    out = capsys.readouterr().out
    assert "a window longer than 4h needs approval by manager; no approver holds manager" in out
    assert "the window lasts 4h by the clock but 5h in real time on " in out
    assert "when America/New_York's clocks go back (maintenance-windows)" in out


def test_a_manager_approves_the_longer_night(tmp_path, capsys):
    policy = _policy(tmp_path, "America/New_York", "23:00", "03:00", "engineer-a, manager-x")
    assert main(["check", policy]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [
        ("Etc/UTC", "23:00", "03:00"),  # no clock change
        ("America/New_York", "22:00", "01:00"),  # closes before the clocks go back at 02:00 → 01:00
        ("Europe/Berlin", "00:00", "04:00"),  # spring forward shortens it; going back lengthens it
    ],
)
def test_windows_the_clocks_do_not_lengthen_past_the_bar(tmp_path, capsys, zone, start, end):
    code = main(["check", _policy(tmp_path, zone, start, end, "engineer-a")])
    out = capsys.readouterr().out
    if zone == "Europe/Berlin":  # 03:00 CEST → 02:00 CET inside it: 5h that night
        assert code == 1
        assert "4h by the clock but 5h in real time on " in out
        assert "when Europe/Berlin's clocks go back" in out
    else:
        assert code == 0, out


def test_the_longest_night_is_held_to_the_maximum_length(tmp_path, capsys):
    """max_duration is 3d: a window of 3d by the clock, approved by a manager, lasts 3d1h the
    night the clocks go back inside it."""
    policy = _policy(tmp_path, "Europe/Berlin", "00:00", "00:00", "engineer-a, manager-x")
    text = Path(policy).read_text().replace("max_duration: 3d", "max_duration: 1d")
    Path(policy).write_text(text)
    assert main(["check", policy]) == 1
    out = capsys.readouterr().out
    assert "the window lasts 1d by the clock but 1d1h in real time on " in out
    assert "maintenance windows may last at most 1d" in out


def test_the_judge_allows_the_whole_longer_night_once_it_is_approved(tmp_path, capsys):
    """The occurrence of 2027-11-06 runs 03:00Z-08:00Z; a 5h silence for it is maintenance."""
    import json  # noqa: PLC0415

    policy = _policy(tmp_path, "America/New_York", "23:00", "03:00", "engineer-a, manager-x")
    request = tmp_path / "fallback.json"
    body = {
        "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False}],
        "startsAt": "2027-11-07T03:00:00Z",
        "endsAt": "2027-11-07T08:00:00Z",
        "createdBy": "engineer-b@clipper.app",
        "comment": "CHG-9000 reindex",
    }
    request.write_text(json.dumps(body))
    assert main(["silence", "check-files", "--policy", policy, str(request)]) == 0, capsys.readouterr().out

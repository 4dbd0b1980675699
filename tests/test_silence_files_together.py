"""``silence check-files`` judges the files of one run as created together (found by a red team:
three 4h requests chained back to back passed review, each judged alone)."""

from __future__ import annotations

import json
from pathlib import Path

from oncall_policy.cli import main
from tests.conftest import CLIPPER


def _request(path: Path, start: str, end: str, alertname: str = "HighErrorRate") -> str:
    body = {
        "matchers": [{"name": "alertname", "value": alertname, "isRegex": False}],
        "startsAt": start,
        "endsAt": end,
        "createdBy": "engineer-a@clipper.app",
        "comment": "INC-1234 investigating",
    }
    path.write_text(json.dumps(body))
    return str(path)


def _chained(tmp_path: Path, alertnames: tuple[str, ...]) -> list[str]:
    """Requests of 4h (HighErrorRate is P2, cap 4h) back to back, one per alert name given."""
    hours = ("00", "04", "08", "12")
    return [
        _request(
            tmp_path / f"part{i}.json",
            f"2027-03-01T{hours[i]}:00:00Z",
            f"2027-03-01T{hours[i + 1]}:00:00Z",
            name,
        )
        for i, name in enumerate(alertnames)
    ]


def test_chained_files_are_refused_together(tmp_path, capsys):
    files = _chained(tmp_path, ("HighErrorRate",) * 3)
    assert main(["silence", "check-files", "--policy", str(CLIPPER), *files]) == 1
    out = capsys.readouterr().out
    for name in files:  # each is blamed, naming the others
        assert f"{name}:1:" in out
    assert "it covers 12h in one stretch; the smallest cap among them allows 4h" in out
    assert "(over-cap-recreated)" in out


def test_chained_files_are_refused_with_an_alertmanagers_history(alertmanager, tmp_path, capsys):
    files = _chained(tmp_path, ("HighErrorRate",) * 2)
    argv = ["silence", "check-files", "--policy", str(CLIPPER), f"--alertmanager.url={alertmanager.url}"]
    assert main([*argv, *files]) == 1
    assert "it covers 8h in one stretch" in capsys.readouterr().out


def test_files_on_different_alerts_do_not_chain(tmp_path, capsys):
    files = _chained(tmp_path, ("HighErrorRate", "HighResponseTime"))
    assert main(["silence", "check-files", "--policy", str(CLIPPER), *files]) == 0, capsys.readouterr().out


def test_a_file_named_twice_is_one_request(tmp_path, capsys):
    [name] = _chained(tmp_path, ("HighErrorRate",))
    assert main(["silence", "check-files", "--policy", str(CLIPPER), name, name]) == 0, (
        capsys.readouterr().out
    )


def _sibling_argv(*files: str) -> list[str]:
    return ["silence", "check-files", "--policy", str(CLIPPER), "--siblings", *files]


def test_siblings_merged_before_count_as_history(tmp_path, capsys):
    """A request chained onto one merged before, in the same directory (pre-commit passes only
    the new file): refused with --siblings, naming the other; judged alone without it."""
    silences = tmp_path / "silences"
    (silences / "team").mkdir(parents=True)
    merged = _request(silences / "team" / "a.json", "2027-03-01T00:00:00Z", "2027-03-01T04:00:00Z")
    new = _request(silences / "b.json", "2027-03-01T04:00:00Z", "2027-03-01T08:00:00Z")
    assert main(_sibling_argv(new)) == 1
    out = capsys.readouterr().out
    assert f"with silences {merged} it covers 8h in one stretch" in out
    assert merged + ":" not in out  # history, not reported on
    assert main(["silence", "check-files", "--policy", str(CLIPPER), new]) == 0


def test_siblings_are_only_under_the_directories_of_the_files(tmp_path, capsys):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "silences").mkdir()
    _request(tmp_path / "elsewhere" / "a.json", "2027-03-01T00:00:00Z", "2027-03-01T04:00:00Z")
    new = _request(tmp_path / "silences" / "b.json", "2027-03-01T04:00:00Z", "2027-03-01T08:00:00Z")
    assert main(_sibling_argv(new)) == 0, capsys.readouterr().out


def test_a_sibling_refused_by_itself_is_no_history(tmp_path, capsys):
    """One that breaks the policy alone (6h, cap 4h) was refused in its own review; an
    unreadable one asks for nothing."""
    _request(tmp_path / "a.json", "2027-03-01T00:00:00Z", "2027-03-01T06:00:00Z")
    (tmp_path / "broken.yaml").write_text("matchers: [\n")
    new = _request(tmp_path / "b.json", "2027-03-01T06:00:00Z", "2027-03-01T10:00:00Z")
    assert main(_sibling_argv(new)) == 0, capsys.readouterr().out

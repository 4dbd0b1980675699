"""A silence whose start has passed is judged from when Alertmanager starts it, and times to the
nanosecond are judged for exactly what Alertmanager mutes when it is whole microseconds (both
found by a red team as refusals of silences the guide allows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from oncall_policy.cli import main
from oncall_policy.cli.silence_judge import STARTS_NOW
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import at, gate, post, silence
from tests.test_silence_files_together import _request

CHECK = ["silence", "check", "--policy", str(CLIPPER), "alertname=HighErrorRate"]  # P2: at most 4h
REASON = ["-c", "INC-1234 investigating", "-a", "engineer-a@clipper.app"]


def _at(offset: timedelta) -> str:
    return (datetime.now(UTC).replace(microsecond=0) + offset).isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(("ends_in", "code"), [(timedelta(hours=3), 0), (timedelta(hours=4, minutes=1), 1)])
def test_a_start_in_the_past_counts_from_now(capsys, ends_in, code):
    """Two hours ago to three hours ahead mutes for 3h; to 4h1m ahead, over the cap."""
    argv = [*CHECK, f"--start={_at(-timedelta(hours=2))}", f"--end={_at(ends_in)}", *REASON]
    assert main(argv) == code
    out = capsys.readouterr().out
    assert STARTS_NOW in out
    assert ("rule p2-warning allows at most 4h" in out) == bool(code)


def test_a_start_to_come_is_judged_as_written(capsys):
    argv = [*CHECK, f"--start={_at(timedelta(hours=2))}", f"--end={_at(timedelta(hours=7))}", *REASON]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert STARTS_NOW not in out
    assert "the silence lasts 5h" in out


@pytest.mark.amtool
def test_the_gate_judges_a_new_silence_from_when_alertmanager_starts_it(
    alertmanager_binary, amtool, tmp_path
):
    with running(alertmanager_binary, tmp_path / "am") as upstream, gate([upstream.url]) as gated:
        body = silence(
            ("alertname", "HighErrorRate"), ("service", "passed"), start=-timedelta(hours=2), minutes=300
        )
        answer = post(gated, body)
        assert answer.status == 200, answer.body
        [created] = [s for s in upstream.silences() if s["id"] == answer.json()["silenceID"]]
        assert created["startsAt"] >= at(-timedelta(seconds=30))  # Alertmanager started it on creation
        body = silence(
            ("alertname", "HighErrorRate"), ("service", "over"), start=-timedelta(hours=2), minutes=361
        )
        answer = post(gated, body)
        assert answer.status == 400
        assert b"p2-warning allows at most 4h" in answer.body


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("2030-01-01T00:00:00.0000001Z", "2030-01-01T04:00:00.0000001Z", 0),  # exactly 4h
        ("2030-01-01T00:00:00.000000999Z", "2030-01-01T04:00:00.000000999Z", 0),
        ("2030-01-01T00:00:00.0000001Z", "2030-01-01T04:00:00.0000002Z", 1),  # 4h and 100ns
        ("2030-01-01T00:00:00.0000002Z", "2030-01-01T04:00:00.0000001Z", 0),  # 100ns short of 4h
        ("2030-01-01T00:00:00Z", "2030-01-01T04:00:00.0000000001Z", 0),  # Go reads nine digits
        ("2030-01-01T01:00:00.0000001+01:00", "2030-01-01T04:00:00.0000001Z", 0),
    ],
)
def test_times_to_the_nanosecond_are_judged_for_what_alertmanager_mutes(
    tmp_path: Path, capsys, start, end, code
):
    assert main([*CHECK, f"--start={start}", f"--end={end}", *REASON]) == code, capsys.readouterr().out
    request = _request(tmp_path / "request.json", start, end)
    assert main(["silence", "check-files", "--policy", str(CLIPPER), request]) == code, capsys.readouterr()

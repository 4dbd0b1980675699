"""Times to the nanosecond, as Go keeps them: a silence is judged for at least the time
Alertmanager mutes. HighErrorRate (P2) may be silenced for 4 h; 4 h and 1 ns is over the cap,
through amtool's ``--end`` and through a silence file alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.cli import main
from oncall_policy.silence.rfc3339 import parse
from tests.conftest import CLIPPER

START = "2030-01-01T00:00:00Z"
REASON = ["-c", "deployment", "--author=engineer-a@clipper.app"]


@pytest.mark.parametrize(
    ("end", "code"),
    [
        ("2030-01-01T04:00:00Z", 0),
        ("2030-01-01T04:00:00.000000000Z", 0),
        ("2030-01-01T04:00:00.000000001Z", 1),
        ("2030-01-01T05:00:00.000000001+01:00", 1),  # the same instant, zoned: read by hand
        ("2030-01-01T03:59:59.999999999Z", 0),
    ],
)
def test_an_end_past_the_cap_by_a_nanosecond_is_refused(capsys, end, code):
    argv = ["silence", "check", "--policy", str(CLIPPER), "alertname=HighErrorRate"]
    assert main([*argv, "--start", START, "--end", end, *REASON]) == code
    assert ("over-cap" in capsys.readouterr().out) == bool(code)


def test_a_silence_file_ending_a_nanosecond_past_the_cap_is_refused(tmp_path: Path, capsys):
    body = {
        "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False}],
        "startsAt": START,
        "endsAt": "2030-01-01T04:00:00.000000001Z",
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment",
    }
    written = tmp_path / "silence.json"
    written.write_text(json.dumps(body))
    assert main(["silence", "check-files", "--policy", str(CLIPPER), str(written)]) == 1
    assert "over-cap" in capsys.readouterr().out


# hypothesis bounds datetimes with naive ones; those it draws are in UTC.
EARLIEST, LATEST = datetime(1971, 1, 1), datetime(9998, 1, 1)  # noqa: DTZ001


@given(
    st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(UTC)),
    st.integers(min_value=0, max_value=999_999_999),
)
def test_an_end_is_never_earlier_than_written_and_a_start_never_later(moment, nanoseconds):
    whole = moment.replace(microsecond=0)
    text = whole.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanoseconds:09d}Z"
    start, end = (parse(text, end=end) - whole for end in (False, True))
    assert start <= timedelta(microseconds=nanoseconds / 1000) <= end
    assert end - start == timedelta(microseconds=0 if nanoseconds % 1000 == 0 else 1)

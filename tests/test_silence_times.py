"""Durations and times as amtool 0.25 reads them: any text gives a value or a clear refusal.

The expected values were measured with Debian's amtool 0.25 (``amtool silence add … -d X`` and
``--end=X`` against a real Alertmanager) and, for Go's own parsers, checked against go1.19's
``time.ParseDuration`` and ``time.Parse(time.RFC3339, …)`` on 120,000 generated strings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.cli import main
from oncall_policy.durations import DurationError, parse_duration, parse_go_duration
from oncall_policy.silence import amtool, rfc3339
from oncall_policy.silence.amtool import AmtoolArgsError
from oncall_policy.silence.request import SilenceRequest
from tests.conftest import CLIPPER

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ARGS = ["alertname=HighErrorRate", "-c", "deployment", "-a", "engineer-a@clipper.app"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("292y", timedelta(days=292 * 365)),
        ("106751d", timedelta(days=106751)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("0", timedelta(0)),
    ],
)
def test_durations_amtool_accepts(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("9999y", "duration out of range"),
        ("293y", "duration out of range"),
        ("106752d", "duration out of range"),
        ("99999999999999999999s", "duration out of range"),
        ("9" * 5000 + "s", "duration out of range"),  # longer than int() reads
        ("١h", "not a valid duration"),  # an Arabic-Indic digit: Go's [0-9] is ASCII
        ("1h1h", "not a valid duration"),
        ("1m1h", "not a valid duration"),
        ("1.5h", "not a valid duration"),
        ("-1h", "not a valid duration"),
        ("", "not a valid duration"),
    ],
)
def test_durations_amtool_refuses(text, says):
    with pytest.raises(DurationError, match=says):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("1.5s", timedelta(seconds=1.5)),
        (".5s", timedelta(seconds=0.5)),
        ("5.s", timedelta(seconds=5)),
        ("+1s", timedelta(seconds=1)),
        ("-1s", timedelta(seconds=-1)),
        ("1h1h", timedelta(hours=2)),
        ("1µs", timedelta(microseconds=1)),
        ("1μs", timedelta(microseconds=1)),
        ("2562047h", timedelta(hours=2562047)),
        ("0", timedelta(0)),
    ],
)
def test_go_durations(text, expected):
    assert parse_go_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "time: invalid duration ''"),
        ("1x", "time: unknown unit 'x' in duration '1x'"),
        ("1 s", "time: unknown unit ' s' in duration '1 s'"),
        ("1e3s", "time: unknown unit 'e' in duration '1e3s'"),
        ("١s", "time: invalid duration '١s'"),
        ("9999999999h", "time: invalid duration '9999999999h'"),
        ("2562048h", "time: invalid duration '2562048h'"),
        ("1", "time: missing unit in duration '1'"),
        (".s", "time: invalid duration '.s'"),
    ],
)
def test_go_durations_refused_with_gos_message(text, message):
    with pytest.raises(DurationError) as refused:
        parse_go_duration(text)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-12-01T11:00:00Z", datetime(2030, 12, 1, 11, tzinfo=UTC)),
        ("2030-12-01T11:00:00+01:00", datetime(2030, 12, 1, 10, tzinfo=UTC)),
        ("2030-12-01T1:00:00Z", datetime(2030, 12, 1, 1, tzinfo=UTC)),  # Go's "15" takes one digit
        ("2030-12-01T11:00:00,5Z", datetime(2030, 12, 1, 11, 0, 0, 500_000, tzinfo=UTC)),
        ("2030-12-01T11:00:00.1234567891234Z", datetime(2030, 12, 1, 11, 0, 0, 123_456, tzinfo=UTC)),
        ("2030-12-01T11:00:00+25:00", datetime(2030, 11, 30, 10, tzinfo=UTC)),  # not range-checked
        ("2030-12-01T11:00:00+05:99", datetime(2030, 12, 1, 4, 21, tzinfo=UTC)),  # = +06:39
        # Go reads the zone's two-character hours and minutes with atoi, which takes a sign
        # (measured: amtool 0.25 and the server take these, as these offsets).
        ("2030-11-26T01:46:36++5:30", datetime(2030, 11, 25, 20, 16, 36, tzinfo=UTC)),  # +05:30
        ("2030-11-26T01:46:36+-5:30", datetime(2030, 11, 26, 6, 16, 36, tzinfo=UTC)),  # -04:30
        ("2030-11-26T01:46:36-+1:-1", datetime(2030, 11, 26, 2, 45, 36, tzinfo=UTC)),  # -00:59
        ("2030-11-26T01:46:36+05:+3", datetime(2030, 11, 25, 20, 43, 36, tzinfo=UTC)),  # +05:03
        ("2024-02-29T00:00:00Z", datetime(2024, 2, 29, tzinfo=UTC)),
        ("9999-12-31T23:59:59Z", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_times_as_go_reads_rfc3339(text, expected):
    assert rfc3339.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2030-12-01T11:00:00z", "not an RFC 3339 time"),  # amtool and the server refuse both cases
        ("2030-12-01t11:00:00Z", "not an RFC 3339 time"),
        ("2030-12-01T11:00:00", "not an RFC 3339 time"),  # no zone: the server would use its own
        ("2030-12-01 11:00:00Z", "not an RFC 3339 time"),
        ("2030-12-01T11:00:00+0100", "not an RFC 3339 time"),
        ("2030-11-26T01:46:36+5-:30", "not an RFC 3339 time"),  # refused by amtool and the server
        ("2030-11-26T01:46:36+ 5:30", "not an RFC 3339 time"),
        ("+2030-12-01T11:00:00Z", "not an RFC 3339 time"),
        ("10000-01-01T00:00:00Z", "not an RFC 3339 time"),
        ("２０３０-12-01T11:00:00Z", "not an RFC 3339 time"),  # full-width digits
        ("2030-12-01T24:00:00Z", "hour out of range"),
        ("2030-12-01T11:00:60Z", "second out of range"),
        ("2030-13-01T11:00:00Z", "month out of range"),
        ("2023-02-29T00:00:00Z", "day out of range"),
        ("9999-12-31T23:59:59-01:00", "out of range: times must lie between"),
        ("0001-01-01T00:00:00+01:00", "out of range: times must lie between"),
        ("0000-06-01T00:00:00Z", "out of range: times must lie between"),
    ],
)
def test_times_refused(text, says):
    with pytest.raises(rfc3339.TimeError, match=says):
        rfc3339.parse(text)


@pytest.mark.parametrize(
    ("argv", "rule", "says"),
    [
        (["-d", "9999y"], "bad-duration", "duration out of range"),
        (["-d", "99999999999999999999s"], "bad-duration", "duration out of range"),
        (["--end=9999-12-31T23:59:59-01:00"], "bad-time", "out of range"),
        (["--start=0001-01-01T00:00:00+01:00"], "bad-time", "out of range"),
        (["--start=9999-12-31T23:00:00Z", "-d", "2h"], "bad-time", "out of range"),
        (["--start=9800-01-01T00:00:00Z", "-d", "292y"], "bad-time", "out of range"),
        (["--end=2030-12-01T11:00:00z"], "bad-time", "not an RFC 3339 time"),
        (["--end=2030-12-01t11:00:00Z"], "bad-time", "not an RFC 3339 time"),
    ],
)
def test_extreme_arguments_are_violations(argv, rule, says):
    request = amtool.parse([*ARGS, *argv], NOW)
    assert [(v.rule, says in v.message) for v in request.problems] == [(rule, True)]


@pytest.mark.parametrize(
    "argv",
    [
        ["-d", "9999y"],
        ["-d", "99999999999999999999s"],
        ["--end=9999-12-31T23:59:59-01:00"],
        ["--start=0001-01-01T00:00:00+01:00"],
        ["--start=9999-12-31T23:00:00Z", "-d", "2h"],
        ["--end=2030-12-01T11:00:00.99999999999999999999999999+05:99"],
    ],
)
def test_extreme_arguments_exit_1_with_a_message(argv, capsys):
    assert main(["silence", "check", "--policy", str(CLIPPER), *ARGS, *argv]) == 1
    out = capsys.readouterr().out
    assert out.startswith("REJECTED")
    assert "Traceback" not in out


def test_fractions_and_offsets_are_kept():
    request = amtool.parse([*ARGS, "--start=2026-12-01T11:00:00.123456789+01:00", "-d", "1h"], NOW)
    assert request.problems == ()
    assert request.starts_at == datetime(2026, 12, 1, 10, 0, 0, 123_456, tzinfo=UTC)
    assert request.duration == timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "seconds"), [(None, 30.0), ("30s", 30.0), ("1m30s", 90.0), ("1.5s", 1.5), ("250ms", 0.25)]
)
def test_timeout_is_a_go_duration(text, seconds):
    assert amtool.timeout_seconds(text) == seconds


@pytest.mark.parametrize(
    ("text", "says"),
    [("1x", "unknown unit"), ("", "invalid duration"), ("0s", "leaves no time"), ("-1s", "leaves no time")],
)
def test_timeout_refused(text, says):
    with pytest.raises(AmtoolArgsError, match=says):
        amtool.timeout_seconds(text)


def test_command_passes_the_http_config_and_timeout_to_amtool():
    request = amtool.parse(ARGS, NOW)
    argv = amtool.command(request, "deployment", "https://am.example:9093", "/etc/amtool/http.yml", "45s")
    assert argv[:6] == [
        "amtool",
        "--alertmanager.url=https://am.example:9093",
        "--http.config.file=/etc/amtool/http.yml",
        "--timeout=45s",
        "silence",
        "add",
    ]
    assert amtool.parse_args(argv[6:]).matchers == ['alertname="HighErrorRate"']


# Properties: any text at all, and any integer with any unit, gives a value or a refusal.

texts = st.text(st.characters(codec="utf-8"), max_size=40) | st.text(
    "0123456789ywdhms.:+-TZz,µ ", max_size=40
)
units = st.sampled_from(["y", "w", "d", "h", "m", "s", "ms", "us", "ns", ""])


def value_or_refusal(parse: Callable[[str], object], text: str, refusal: type[Exception]) -> object:
    """What ``parse(text)`` returns, or the ``refusal`` it raises (anything else propagates)."""
    try:
        return parse(text)
    except refusal as error:
        return error


@given(texts)
def test_any_text_is_a_duration_or_a_duration_error(text):
    """``parse_duration`` and ``parse_go_duration`` return a timedelta or raise ``DurationError``."""
    for parse in (parse_duration, parse_go_duration):
        assert isinstance(value_or_refusal(parse, text, DurationError), timedelta | DurationError)


@given(st.integers(min_value=0, max_value=10**40), units, units)
def test_any_integer_is_a_duration_or_a_duration_error(number, unit, other):
    """Huge counts never overflow into an exception other than ``DurationError``."""
    for text in (f"{number}{unit}", f"{number}{unit}{number}{other}", f"{number}.{number}{unit}"):
        for parse in (parse_duration, parse_go_duration):
            found = value_or_refusal(parse, text, DurationError)
            assert isinstance(found, DurationError) or found >= timedelta(0)


@given(texts)
def test_any_text_is_a_time_or_a_time_error(text):
    """``rfc3339.parse`` returns an aware UTC datetime or raises ``TimeError``."""
    found = value_or_refusal(rfc3339.parse, text, rfc3339.TimeError)
    assert isinstance(found, rfc3339.TimeError) or found.tzinfo is UTC


@given(
    st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.sampled_from("+-")
)
def test_any_date_and_offset_is_a_time_or_a_time_error(year, day, hours, minutes, sign):
    """The calendar's edges and any offset Go accepts give a time or a ``TimeError``."""
    text = f"{year:04d}-12-{day:02d}T23:59:59.999999999{sign}{hours:02d}:{minutes:02d}"
    assert isinstance(value_or_refusal(rfc3339.parse, text, rfc3339.TimeError), datetime | rfc3339.TimeError)


@given(texts, texts, texts, st.integers(-(10**30), 10**30))
def test_amtool_parse_gives_a_request_whatever_the_times(duration, start, end, number):
    """``amtool.parse`` turns any -d/--start/--end into a request, never an exception."""
    for argv in (
        [f"--duration={duration}"],
        [f"--start={start}", f"--end={end}"],
        [f"--start={start}", f"-d={number}s"],
        [f"--end={end}", f"-d={duration}"],
        [f"--start={abs(number) % 10000:04d}-01-01T00:00:00Z", f"-d={abs(number)}ms"],
    ):
        assert isinstance(amtool.parse([*ARGS, *argv], NOW), SilenceRequest)


def test_a_timeout_amtool_refuses_stops_the_command(capsys):
    """amtool refuses ``--timeout=1x`` before doing anything; so does ``silence check``."""
    assert main(["silence", "check", "--policy", str(CLIPPER), *ARGS, "--timeout=1x"]) == 1
    assert (
        capsys.readouterr().err
        == "oncall-policy: error: --timeout: time: unknown unit 'x' in duration '1x'\n"
    )


_TWO_DIGITS = st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}")


@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),  # noqa: DTZ001
    st.sampled_from(["", *(f".{'7' * digits}" for digits in range(1, 10)), ".000000001"]),
    st.tuples(st.sampled_from("+-"), _TWO_DIGITS, _TWO_DIGITS).map("{0[0]}{0[1]}:{0[2]}".format),
    st.booleans(),
)
def test_a_zoned_time_is_read_as_gos_layout_reads_it(moment, fraction, zone, end):
    """Times with a two-digit offset are read by Python's parser where it can (``+00:00`` is how
    Python writes UTC); whatever it takes or refuses, the answer is the hand reader's, which
    reads Go's layout: ``+25:00`` and ``+05:99`` included, and years that leave 1-9999 in UTC."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0") + fraction + zone
    try:
        expected: object = rfc3339._read(text)  # the reader the fast path must equal
        nanoseconds = fraction[7:].strip("0") if end else ""
        expected = expected + timedelta(microseconds=1) if nanoseconds else expected
    except (rfc3339.TimeError, OverflowError):
        expected = rfc3339.TimeError
    try:
        found: object = rfc3339.parse(text, end=end)
    except rfc3339.TimeError:
        found = rfc3339.TimeError
    assert found == expected
    if isinstance(found, datetime):
        assert found.tzinfo is UTC

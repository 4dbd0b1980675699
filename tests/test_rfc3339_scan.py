"""RFC 3339 times read by hand (``silence.rfc3339``) as the regular expressions they replace read them.

The regexes are kept here as the reference: the module itself no longer imports ``re``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy.silence.rfc3339 import Fields, fields, is_canonical, parse
from tests.strategies_text import mutated, texts

# Go's time.Parse(time.RFC3339, …), as rfc3339.py read it with ``fullmatch`` — but for the zone's
# hours and minutes, which Go reads with ``atoi`` (a sign allowed: measured, ``+-5:30`` is taken).
LAYOUT = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:[.,](?P<fraction>[0-9]+))?"
    r"(?:(?P<utc>Z)|(?P<sign>[-+])(?P<zh>[0-9]{2}|[-+][0-9]):(?P<zm>[0-9]{2}|[-+][0-9]))",
    re.ASCII,
)
# What Alertmanager writes, read by ``datetime.fromisoformat`` when it matches in full.
CANONICAL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z")


def by_regex(text: str) -> Fields | None:
    found = LAYOUT.fullmatch(text)
    if found is None:
        return None
    zone = found["utc"] or f"{found['sign']}{found['zh']}:{found['zm']}"
    return Fields(*found.group("year", "month", "day", "hour", "minute", "second", "fraction"), zone)


@st.composite
def times(draw: st.DrawFn) -> str:
    """Times in Go's layout: one- or two-digit hours, fractions after ``.`` or ``,`` of up to 13
    digits, ``Z`` or an offset; then perhaps one character changed (a non-ASCII digit, a Unicode
    space, a lower-case ``t`` or ``z``, …)."""
    hour = draw(st.sampled_from(["1", "01", "23", "9"]))
    fraction = draw(st.sampled_from(["", ".5", ",5", ".123456789", ".1234567890123", ".", ","]))
    zone = draw(
        st.sampled_from(
            [
                "Z",
                "z",
                "+01:00",
                "-05:99",
                "+25:00",
                "+0100",
                "+01:0",
                "",
                "+-5:30",
                "-+1:-1",
                "+5-:30",
                "+ 5:30",
            ]
        )
    )
    text = f"2026-12-01T{hour}:04:05{fraction}{zone}"
    return draw(st.just(text) | mutated(text) | mutated(text).flatmap(mutated))


@settings(max_examples=3000)
@given(times() | texts("2026", "-", "12", "01", "T", "t", ":", "Z", "z", ".", ",", "+", "1", "00"))
def test_times_read_as_the_regexes_read_them(text):
    assert fields(text) == by_regex(text)
    assert is_canonical(text) == (CANONICAL.fullmatch(text) is not None)


def test_the_tricky_cases_by_name():
    """The cases a hand-written reader most easily gets wrong, spelled out."""
    for text in [
        "2026-12-01T1:04:05Z",
        "2026-12-01T11:04:05,5Z",
        "2026-12-01T11:04:05.Z",
        "2026-12-01T11:04:05.1234567890Z",  # ten fraction digits: Go's layout, not canonical
        "2026-12-01T11:04:05.123456789Z",
        "2026-12-01T11:04:05\x00Z",
        "\x00\x00\x00\x00-\x00\x00-\x00\x00T\x00\x00:\x00\x00:\x00\x00Z",  # what the shapes are made of
        "2026-12-01T11:04:05١Z",
        "٢٠٢٦-12-01T11:04:05Z",
        "2026-12-01T111:04:05Z",
        "2026-12-01T:04:05Z",
        "2026-12-01T11:04:05+01:00",
        "2026-12-01T11:04:05+01:00 ",
        "",
    ]:
        assert fields(text) == by_regex(text), text
        assert is_canonical(text) == (CANONICAL.fullmatch(text) is not None), text


@pytest.mark.parametrize("value", [None, 1767225600, b"2026-12-01T11:04:05Z", bytearray(b""), ["x"]])
def test_what_is_not_text_is_a_type_error_as_for_the_regexes(value):
    """The audit's fast reading counts on it (``api``): a time that is not a string is refused."""
    for pattern in (LAYOUT, CANONICAL):
        with pytest.raises(TypeError):
            pattern.fullmatch(value)
    with pytest.raises(TypeError):
        parse(value)

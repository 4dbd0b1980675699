"""Durations read by hand (``durations``) as the regular expressions they replace read them.

The regexes are kept here as the reference: the module itself no longer imports ``re``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy.durations import counts_by_unit, go_number, go_unit_end, parse_duration
from tests.strategies_text import TRICKY, mutated, texts

# Prometheus's model.ParseDuration, as durations.py read it with ``fullmatch``.
PROMETHEUS = re.compile(
    r"(?:(?P<y>[0-9]+)y)?(?:(?P<w>[0-9]+)w)?(?:(?P<d>[0-9]+)d)?(?:(?P<h>[0-9]+)h)?"
    r"(?:(?P<m>[0-9]+)m)?(?:(?P<s>[0-9]+)s)?(?:(?P<ms>[0-9]+)ms)?"
)
# Go's time.ParseDuration, term by term, as durations.py read it with ``match``.
GO_NUMBER = re.compile(rb"([0-9]*)(?:\.([0-9]*))?")
GO_UNIT = re.compile(rb"[^0-9.]*")

UNITS = ["y", "w", "d", "h", "m", "s", "ms"]
GO_UNITS = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]


def by_regex(text: str) -> dict[str, str] | None:
    found = PROMETHEUS.fullmatch(text)
    return None if found is None else {unit: digits for unit, digits in found.groupdict().items() if digits}


@st.composite
def prometheus_like(draw: st.DrawFn) -> str:
    """Counts with units, in order or not, with ``m`` next to ``s`` and ``ms`` often, then
    perhaps one character changed."""
    units = draw(st.lists(st.sampled_from([*UNITS, "m", "ms", "s"]), max_size=7))
    if draw(st.booleans()):
        units.sort(key=UNITS.index)
    counts = st.sampled_from(["0", "1", "5", "12", "007", "١", "", "1.5", "99999999999999999999"])
    text = "".join(draw(counts) + unit for unit in units)
    return draw(st.just(text) | mutated(text))


@settings(max_examples=2000)
@given(prometheus_like() | texts(*UNITS, "0", "1", "mms", "msm", ".", "-", "+", "µs"))
def test_prometheus_durations_read_as_the_regex_reads_them(text):
    assert counts_by_unit(text) == by_regex(text)


@st.composite
def go_like(draw: st.DrawFn) -> bytes:
    """A Go duration's terms (numbers with fractions, any unit, none) as the UTF-8 bytes that
    ``parse_go_duration`` scans, surrogates kept; or any bytes."""
    parts = st.sampled_from(["1", "1.5", ".5", "5.", ".", "..", "0", "١", *GO_UNITS, *TRICKY, "x", "e3"])
    text = "".join(draw(st.lists(parts, max_size=8)))
    return draw(st.just(text) | mutated(text)).encode("utf-8", "surrogatepass")


@settings(max_examples=2000)
@given(go_like() | st.binary(max_size=20))
def test_go_numbers_and_units_read_as_the_regexes_read_them(data):
    number = GO_NUMBER.match(data)
    assert number is not None
    assert go_number(data) == (number[1], number[2], number.end())
    unit = GO_UNIT.match(data)
    assert unit is not None
    assert go_unit_end(data) == unit.end()
    rest = data[number.end() :]
    assert go_unit_end(rest) == GO_UNIT.match(rest).end()  # type: ignore[union-attr]


def test_the_tricky_cases_by_name():
    """The cases a hand-written reader most easily gets wrong, spelled out."""
    tricky = [
        "5m",
        "5ms",
        "1m5ms",
        "1m5m",
        "5ms5s",
        "1h1h",
        "1m1h",
        "١h",
        "1h ",
        " 1h",
        "",
        "0",
        "ms",
        "1mss",
    ]
    for text in tricky:
        assert counts_by_unit(text) == by_regex(text), text
    for data in [b"", b".", b"1.", b".5", b"1.5.5s", b"\xd9\xa1s", b"1\xc2\xb5s"]:
        number = GO_NUMBER.match(data)
        assert number is not None
        assert go_number(data) == (number[1], number[2], number.end()), data


@pytest.mark.parametrize("value", [None, 1, b"1h", bytearray(b"1h"), b"", ["1h"]])
def test_what_is_not_text_is_a_type_error_as_for_the_regex(value):
    with pytest.raises(TypeError):
        PROMETHEUS.fullmatch(value)
    with pytest.raises(TypeError):
        parse_duration(value)

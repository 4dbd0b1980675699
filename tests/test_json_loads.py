"""``json_loads.loads`` gives what ``json.loads`` gives: the same value or the same error."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy import json_loads
from tests.strategies_text import SPACES, SURROGATES

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities: json writes them as NaN, Infinity, -Infinity
    | st.text(st.characters(exclude_categories=()))  # surrogates too: json writes them escaped
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=12
)


def outcome(data: bytes) -> tuple[str, str]:
    """What reading ``data`` gives, comparably: the value's repr (NaN is not equal to itself),
    or the error's type and message; json's ``RecursionError`` is ``TooDeepError`` by hand."""
    try:
        return ("value", repr(json.loads(data)))
    except RecursionError:
        return ("TooDeepError", str(json_loads.TooDeepError()))
    except ValueError as error:
        return (type(error).__name__, str(error))


def outcome_by_hand(data: bytes) -> tuple[str, str]:
    try:
        return ("value", repr(json_loads.loads(data)))
    except (ValueError, RecursionError) as error:
        return (type(error).__name__, str(error))


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """JSON documents as ``json.dumps`` writes them, laid out in any way, in the encodings
    ``json.loads`` detects, with whitespace (JSON's and other) around, perhaps cut short or with
    one byte changed."""
    value = draw(st.dictionaries(st.text(), VALUES, max_size=4) | VALUES)
    text = json.dumps(
        value,
        ensure_ascii=draw(st.booleans()),
        indent=draw(st.none() | st.integers(0, 2)),
        separators=draw(st.sampled_from([None, (",", ":"), (" ,", " : ")])),
    )
    space = st.sampled_from(["", " ", "\n", "\t\r\n ", *SPACES])
    text = draw(space) + text + draw(space) + draw(st.sampled_from(["", "", "x", "{}", "]", *SURROGATES]))
    encoding = draw(
        st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
    )
    data = text.encode(encoding, "surrogatepass")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    if data and draw(st.booleans()):
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    return data


@settings(max_examples=1000)
@given(documents() | st.binary(max_size=16).map(lambda tail: b"{" + tail))
def test_loads_reads_as_json_reads(data):
    assert outcome_by_hand(data) == outcome(data)


def test_the_tricky_documents_by_name():
    for data in [
        b"",
        b"{",
        b"{}",
        b"{} ",
        b"{}\xc2\xa0",  # a NO-BREAK SPACE after the document: not JSON's whitespace
        b"{}{}",
        b'{"a":}',
        b'{"a":1,}',
        b'{"a":NaN,"b":-Infinity}',
        b'{"a":"\\ud800"}',
        b'{"a":"\xed\xa0\x80"}',  # a surrogate written in UTF-8: json decodes with surrogatepass
        b'{"a":"\x01"}',  # a control character: json's strict reading refuses it
        b"{\x00}",
        b"\xef\xbb\xbf{}",
        b" {}",
        b"[1]",
        b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # deeper than Python recurses: TooDeepError
        json.dumps({"rules": [{"id": "p1", "max_duration_ms": 2**70}]}).encode(),
    ]:
        assert outcome_by_hand(data) == outcome(data), data[:40]


def test_the_generated_rules_are_read_as_json_reads_them():
    from tests.conftest import ROOT  # noqa: PLC0415

    for path in [
        ROOT / "generated" / "silence-rules.json",
        *ROOT.glob("examples/*/generated/silence-rules.json"),
    ]:
        data = path.read_bytes()
        assert json_loads.loads(data) == json.loads(data)

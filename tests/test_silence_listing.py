"""``silence.listing``: a listing read at C speed gives exactly what the careful reading gives
(``gojson.loads`` with ``api.listing_is_canonical``), for any body, or fails as it fails."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy.silence import api, gojson, listing

FIELDS = ["id", "status", "updatedAt", "comment", "createdBy", "endsAt", "matchers", "startsAt"]
MATCHER_FIELDS = ["isEqual", "isRegex", "name", "value"]
# Spellings Go folds onto a field, unknown keys, and the fields themselves.
OTHER_KEYS = ["Comment", "COMMENT", "\u017ftartsAt", "IsRegex", "Value", "state", "State", "extra", ""]

strings = st.one_of(
    st.sampled_from(["", "active", "2026-12-03T05:23:35.652Z", "engineer-a@clipper.app", "x\ny"]),
    st.text(max_size=8),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), strings)
# A value as JSON text: ``surrogate`` writes a lone surrogate escape, which json.dumps never does.
surrogate = st.just('"\\ud800"')


def as_json(value: Any) -> st.SearchStrategy[str]:
    return st.just(json.dumps(value))


def obj(pairs: list[tuple[str, str]]) -> str:
    """A JSON object of the pairs given (key, value as JSON text), repeats and all."""
    return "{" + ",".join(f"{json.dumps(key)}:{value}" for key, value in pairs) + "}"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


values = st.one_of(scalars.flatmap(as_json), surrogate, st.integers(1, 5).map(nested), st.just(nested(120)))
matcher = st.lists(
    st.tuples(
        st.sampled_from(MATCHER_FIELDS + OTHER_KEYS[:3]), st.one_of(values, st.booleans().map(json.dumps))
    ),
    max_size=6,
).map(obj)
status = st.lists(st.tuples(st.sampled_from(["state", "State", "other"]), values), max_size=3).map(obj)


@st.composite
def silence(draw: st.DrawFn) -> str:
    pairs = []
    for key in draw(st.lists(st.sampled_from(FIELDS + OTHER_KEYS), max_size=12)):
        if key == "matchers":
            value = draw(
                st.one_of(st.lists(matcher, max_size=3).map(lambda m: "[" + ",".join(m) + "]"), values)
            )
        elif key == "status":
            value = draw(st.one_of(status, values))
        else:
            value = draw(values)
        pairs.append((key, value))
    return obj(pairs)


@st.composite
def canonical_silence(draw: st.DrawFn) -> str:
    """As Alertmanager writes one, some fields left out."""
    pairs = [
        (key, draw(strings.map(json.dumps)))
        for key in FIELDS
        if key not in ("status", "matchers") and draw(st.booleans())
    ]
    pairs.append(("status", obj([("state", json.dumps(draw(st.sampled_from(["active", "expired"]))))])))
    matchers = [
        obj(
            [
                ("isEqual", json.dumps(draw(st.booleans()))),
                ("isRegex", json.dumps(draw(st.booleans()))),
                ("name", json.dumps(draw(strings))),
                ("value", json.dumps(draw(strings))),
            ]
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    pairs.append(("matchers", "[" + ",".join(matchers) + "]"))
    return obj(draw(st.permutations(pairs)))


bodies = st.one_of(
    st.lists(st.one_of(canonical_silence(), silence()), max_size=4).map(
        lambda items: "[" + ",".join(items) + "]"
    ),
    st.lists(canonical_silence(), max_size=4).map(lambda items: "[" + ",".join(items) + "]"),
    values,
)


def outcome(read: Any, body: bytes) -> tuple[str, Any]:
    try:
        found = read(body)
    except gojson.GoJSONError as error:
        return "error", (error.message, error.line, error.column)
    return "read", found


def shape(data: Any, *, ordered: bool = True) -> Any:
    """``data`` with each value's type made visible, and each object's key order (unless not
    ``ordered``: the fast reading gives them in the order Go writes them, whatever the body's)."""
    if isinstance(data, dict):
        pairs = [(key, shape(value, ordered=ordered)) for key, value in data.items()]
        return (type(data).__name__, pairs if ordered else sorted(pairs, key=repr))
    if isinstance(data, list):
        return [shape(item, ordered=ordered) for item in data]
    return (type(data).__name__, data)


def careful(body: bytes) -> Any:
    return gojson.loads(body, canonical=api.listing_is_canonical)


@settings(max_examples=600)
@given(bodies, st.sampled_from(["utf-8", "latin-1-byte"]))
def test_the_fast_reading_gives_what_the_careful_one_gives(text: str, encoding: str):
    body = text.encode("utf-8", "surrogatepass")
    if encoding == "latin-1-byte":
        body = body.replace(b"active", b"act\xefve")  # not UTF-8
    expected, found = outcome(careful, body), outcome(listing.read, body)
    assert found[0] == expected[0]
    assert shape(found[1], ordered=False) == shape(expected[1], ordered=False)


def test_a_listing_as_alertmanager_writes_it_is_read_fast_and_alike():
    """The fields in Go's order, as Alertmanager 0.25 lists them (tests/test_silence_client.py
    reads real ones): the fast reading takes it, with the same dicts, keys in the same order."""
    item = {
        "id": "0076aab8-4c6b-4456-b22f-caeff4e235d7",
        "status": {"state": "active"},
        "updatedAt": "2026-12-03T05:23:35.652Z",
        "comment": "deployment in progress",
        "createdBy": "engineer-a@clipper.app",
        "endsAt": "2026-12-03T05:53:16.356Z",
        "matchers": [{"isEqual": True, "isRegex": False, "name": "alertname", "value": "LowDiskSpace"}],
        "startsAt": "2026-12-03T05:23:35.652Z",
    }
    body = json.dumps([item, item]).encode()
    assert listing._DECODER.decode(body)  # the fast reading takes it
    assert shape(listing.read(body)) == shape(careful(body)) == shape([item, item])

"""Silence JSON read as Alertmanager reads it (Go's encoding/json), or refused where it would differ.

The claim about Go is proved on a real Alertmanager: it creates a silence from the *last* of two
keys that fold to one field, and folds ``ſ`` (U+017F) onto ``s``. Our reader refuses such bodies.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from oncall_policy.cli import main
from oncall_policy.silence import api, audit, files, gojson, source
from oncall_policy.silence.api import KeyViolation
from tests.conftest import CLIPPER

RULES = source.load(CLIPPER).rules
START, END = "2026-12-01T10:00:00Z", "2026-12-01T10:30:00Z"


def body(**changes: object) -> dict[str, object]:
    """A canonical postable silence that the policy accepts (with an approver in the file)."""
    silence: dict[str, object] = {
        "matchers": [{"name": "alertname", "value": "ServiceDown", "isRegex": False, "isEqual": True}],
        "startsAt": START,
        "endsAt": END,
        "createdBy": "engineer-a@clipper.app",
        "comment": "INC-3 investigating",
    }
    silence.update(changes)
    return silence


def text(silence: dict[str, object], *extra: tuple[str, object]) -> str:
    """JSON for ``silence`` with ``extra`` pairs appended after it, repeated keys and all."""
    inner = json.dumps(silence)[1:-1]
    return "{" + ", ".join([inner, *(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in extra)]) + "}"


def key_problems(raw: str) -> list[tuple[tuple[str | int, ...], str]]:
    request = api.from_api(gojson.loads(raw))
    return [(v.where, v.message) for v in request.problems if isinstance(v, KeyViolation)]


# Go's fold.go, table from its fold_test.go and the special letters.
@pytest.mark.parametrize(
    ("field", "key", "folds"),
    [
        ("matchers", "Matchers", True),
        ("matchers", "MATCHERS", True),
        ("matchers", "matcherſ", True),  # long s folds to s
        ("startsAt", "ſtartſAt", True),
        ("startsAt", "startsAt ", False),
        ("kind", "\u212aind", True),  # Kelvin sign folds to k
        ("name", "n\u212ame", False),  # … only where the field has a k
        ("comment", "comment", True),
        ("comment", "Comment", True),
        ("comment", "commént", False),
        ("is_x", "IS_X", True),
        ("is_x", "is-x", False),
        ("aa@", "aa`", False),  # 0x40 and 0x60 are not case-equivalent
        ("sbkKc", "ſbKKc", True),
        ("SbKkc", "ſbKK", False),
        ("value", "Value\ud800", False),  # Go has read the surrogate as U+FFFD
    ],
)
def test_key_folding_is_gos(field, key, folds):
    assert gojson.equal_fold(field, key) is folds


def test_an_exact_name_wins_over_a_folded_one():
    assert gojson.field_of("Value", ("value", "Value")) == "Value"
    assert gojson.field_of("VALUE", ("value", "Value")) == "value"
    assert gojson.field_of("approvedBy", api.SILENCE_FIELDS) is None


def _folds_like_unicode(field: str, key: str) -> bool:
    """Go's reference: Unicode simple folding (strings.EqualFold), for an ASCII field."""
    orbit = {"s": "sSſ", "k": "kK\u212a"}
    return len(field) == len(key) and all(
        f == k or (f.isalpha() and k in orbit.get(f.lower(), f.lower() + f.upper()))
        for f, k in zip(field, key, strict=True)
    )


@given(
    st.sampled_from([*api.SILENCE_FIELDS, *api.MATCHER_FIELDS, "kind", "is_x", "a-b"]).flatmap(
        lambda field: st.tuples(
            st.just(field),
            st.lists(
                st.sampled_from([*field, *field.upper(), "ſ", "\u212a", "é", "_", "x"]), max_size=12
            ).map("".join),
        )
    )
)
def test_folding_agrees_with_unicode_simple_folding(pair):
    """For ASCII field names, Go's fast folds agree with Unicode simple folding (fold_test.go)."""
    field, key = pair
    assert gojson.equal_fold(field, key) is _folds_like_unicode(field, key)


def test_loads_keeps_every_pair_and_the_last_value():
    found = gojson.loads('{"a": 1, "A": 2, "a": 3}')
    assert found == {"a": 3, "A": 2}
    assert found.pairs == [("a", 1), ("A", 2), ("a", 3)]


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ('{"a": NaN}', "NaN is not JSON"),
        ('{"a": -Infinity}', "-Infinity is not JSON"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ('{"a": ' + "1" * 5000 + "}", "digits"),
        ("\ufeff{}", "BOM"),
        ('{"a": 1,}', "Expecting property name"),
        (b'{"a": "\xff"}', "not UTF-8"),
        (b"\xff\xfe{\x00}\x00", "not UTF-8"),  # UTF-16: Python's json would guess it
    ],
)
def test_loads_refuses_what_go_refuses_or_python_cannot_read(raw, says):
    with pytest.raises(gojson.GoJSONError, match=says):
        gojson.loads(raw)


def test_read_places_every_key_and_value_and_the_last_of_a_repeated_key():
    parsed = gojson.read('{"m": [{"n": 1}],\n "m": [],\n  "x": {"y": "é"}}')
    assert parsed.data == {"m": [], "x": {"y": "é"}}
    assert parsed.keys == {("m",): (2, 2), ("x",): (3, 3), ("x", "y"): (3, 9)}
    assert parsed.values == {(): (1, 1), ("m",): (2, 7), ("x",): (3, 8), ("x", "y"): (3, 14)}


@pytest.mark.parametrize(
    ("extra", "where", "says"),
    [
        (("Matchers", [{"name": "a", "value": "b", "isRegex": False}]), ("Matchers",), "as 'matchers'"),
        (("EndsAt", "2026-12-31T00:00:00Z"), ("EndsAt",), "given 2 times ('endsAt', 'EndsAt')"),
        (("ſtartsAt", START), ("ſtartsAt",), "reads 'ſtartsAt' as 'startsAt'"),
        (("comment", "again"), ("comment",), "'comment' is given 2 times"),
        (("ID", "x"), ("ID",), "as 'id'"),
    ],
    ids=["Matchers", "EndsAt", "long-s", "exact-repeat", "ID"],
)
def test_a_key_go_reads_differently_is_refused_at_the_key(extra, where, says):
    [(found_where, message)] = key_problems(text(body(), extra))
    assert found_where == where
    assert says in message


@pytest.mark.parametrize(
    ("key", "value"), [("Value", "other"), ("IsRegex", True), ("NAME", "service"), ("isequal", False)]
)
def test_a_matcher_key_go_reads_differently_is_refused_at_the_key(key, value):
    matcher = {"name": "alertname", "value": "ServiceDown", "isRegex": False, key: value}
    [(where, _)] = key_problems(json.dumps(body(matchers=[matcher])))
    assert where == ("matchers", 0, key)


def test_the_canonical_spelling_passes_the_reader():
    request = api.from_api(gojson.loads(json.dumps(body())))
    assert request.problems == ()
    assert str(request.matchers[0]) == 'alertname="ServiceDown"'


@pytest.mark.parametrize(
    ("silence", "says"),
    [
        (body(comment=None), "comment is required"),
        (body(createdBy=None), "createdBy is required"),
        ({k: v for k, v in body().items() if k != "comment"}, "comment is required"),
        (body(startsAt=None), "startsAt is required"),
        (body(endsAt=1767225600), "endsAt must be a string"),
        (body(matchers=None), "matchers is required"),
        (body(matchers={"name": "a"}), "matchers must be a list"),
        (body(matchers=[{"name": "a", "value": None, "isRegex": False}]), "value is required"),
        (body(matchers=[{"name": "a", "value": 1, "isRegex": False}]), "value must be a string"),
        (body(matchers=[{"name": "a", "value": "b"}]), "needs boolean 'isRegex'"),
        (body(matchers=[{"name": "a", "value": "b", "isRegex": "true"}]), "are booleans"),
        (body(matchers=[None]), "a matcher is a mapping"),
        (body(comment="fine\ud800"), "lone UTF-16 surrogate"),
        (body(matchers=[{"name": "a", "value": "\udfff", "isRegex": False}]), "lone UTF-16 surrogate"),
        (body(endsAt="2026-12-01T10:30:00z"), "not an RFC 3339 time"),
        (body(endsAt="9999-12-31T23:59:59-01:00"), "out of range"),
    ],
)
def test_missing_null_and_mistyped_fields_are_refused(silence, says):
    request = api.from_api(gojson.loads(json.dumps(silence)))
    assert any(says in problem.message for problem in request.problems), request.problems


def test_a_lone_surrogate_in_json_text_is_refused():
    raw = json.dumps(body(comment="INC-3 <S>")).replace("<S>", "\\ud800")
    request = api.from_api(gojson.loads(raw))
    assert [(v.rule, v.where) for v in request.problems] == [("bad-silence", ("comment",))]


def test_isequal_null_is_the_default_as_alertmanager_reads_it():
    matcher = {"name": "alertname", "value": "ServiceDown", "isRegex": False, "isEqual": None}
    request = api.from_api(body(matchers=[matcher]))
    assert request.problems == ()
    assert str(request.matchers[0]) == 'alertname="ServiceDown"'


def test_extreme_times_listed_by_a_server_are_violations_not_crashes():
    listed = body(startsAt="0001-01-01T00:00:00+01:00", endsAt="2030-12-01T11:00:00.000+25:00")
    request = api.from_api(listed)
    assert [(v.rule, v.where) for v in request.problems] == [("bad-time", ("startsAt",))]
    assert request.ends_at == datetime(2030, 11, 30, 10, tzinfo=UTC)


# Request files: check-files reports each at its line and column.


def check_files(*paths: Path) -> tuple[int, list[str]]:
    problems = [str(p) for path in paths for p in files.check([str(path)], RULES)]
    return (1 if problems else 0), problems


def test_a_json_file_with_matchers_and_capitalised_matchers_is_refused_at_the_second_key(tmp_path):
    path = tmp_path / "silence.json"
    matchers = [{"name": "alertname", "value": "ServiceDown", "isRegex": False}]
    path.write_text(
        text(
            body(approvedBy=["manager-x@clipper.app"]),
            ("Matchers", [{**matchers[0], "value": "HighErrorRate"}]),
        )
    )
    status, problems = check_files(path)
    column = path.read_text().index('"Matchers"') + 1
    assert status == 1
    expected = (
        f"{path}:1:{column}: [error] Matchers: Alertmanager reads 'Matchers' as 'matchers' (Go matches keys "
        "case-insensitively); 'matchers' is given 2 times ('matchers', 'Matchers') and Alertmanager keeps "
        "the last; fix: give each field once, spelled exactly: id, comment, createdBy, endsAt, matchers, "
        "startsAt (bad-silence)"
    )
    assert problems == [expected]


def test_the_same_file_in_canonical_spelling_passes(tmp_path):
    path = tmp_path / "silence.json"
    path.write_text(json.dumps(body(approvedBy=["manager-x@clipper.app"]), indent=1))
    assert check_files(path) == (0, [])


def test_a_json_file_repeating_a_key_exactly_is_refused_where_go_takes_it(tmp_path):
    path = tmp_path / "silence.json"
    path.write_text(
        text(body(approvedBy=["manager-x@clipper.app"]), ("endsAt", "2026-12-01T10:45:00Z")).replace(
            ", ", ",\n"
        )
    )
    status, problems = check_files(path)
    assert status == 1
    [problem] = problems
    assert problem.startswith(
        f"{path}:{len(path.read_text().splitlines())}:1: [error] endsAt: 'endsAt' is given 2 times"
    )


def test_a_json_nested_key_is_placed_at_the_key(tmp_path):
    path = tmp_path / "silence.json"
    matcher = {"name": "alertname", "value": "ServiceDown", "isRegex": False, "Value": "x"}
    path.write_text(json.dumps(body(matchers=[matcher], approvedBy=["manager-x@clipper.app"]), indent=2))
    problem = next(p for p in check_files(path)[1] if p.endswith("(bad-silence)"))
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if '"Value"' in row)
    assert problem.startswith(
        f"{path}:{line}:7: [error] matchers[0].Value: Alertmanager reads 'Value' as 'value'"
    )


def test_a_yaml_file_with_a_folded_key_is_refused_and_an_exact_repeat_is_the_loaders(tmp_path):
    folded = tmp_path / "folded.yaml"
    folded.write_text(
        "matchers: [{name: alertname, value: ServiceDown, isRegex: false}]\n"
        f"startsAt: '{START}'\nendsAt: '{END}'\nEndsAt: '2026-12-31T00:00:00Z'\n"
        "createdBy: engineer-a@clipper.app\ncomment: INC-3 investigating\napprovedBy: [manager-x@clipper.app]\n"
    )
    repeated = tmp_path / "repeated.yaml"
    repeated.write_text(folded.read_text().replace("EndsAt", "endsAt"))
    refused = [p for p in check_files(folded)[1] if p.endswith("(bad-silence)")]
    assert [p.split(": [error] ")[0] for p in refused] == [f"{folded}:4:1"]
    [problem] = check_files(repeated)[1]
    assert problem.startswith(f"{repeated}:4:1: [error] endsAt: duplicate key 'endsAt'")
    assert problem.endswith("(duplicate-key)")


def test_a_yaml_surrogate_escape_is_refused(tmp_path):
    path = tmp_path / "silence.yaml"
    path.write_text(
        "matchers: [{name: alertname, value: ServiceDown, isRegex: false}]\n"
        f"startsAt: '{START}'\nendsAt: '{END}'\ncreatedBy: engineer-a@clipper.app\n"
        'comment: "INC-3 investigating \\ud800"\napprovedBy: [manager-x@clipper.app]\n'
    )
    [problem] = check_files(path)[1]
    assert problem.startswith(f"{path}:5:10: [error] comment: a lone UTF-16 surrogate")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("\ufeff{}", "1:1: [error] a byte order mark"),
        ('{"matchers": NaN}', "1:1: [error] JSON: NaN is not JSON"),
        ('{"matchers": [}', "1:15: [error] JSON: Expecting value (json-syntax)"),
        ("[1]", "1:1: [error] a silence request is a mapping"),
    ],
)
def test_unreadable_json_files(tmp_path, content, says):
    path = tmp_path / "silence.json"
    path.write_text(content)
    [problem] = check_files(path)[1]
    assert problem.startswith(f"{path}:{says}")


def test_approved_by_spelled_otherwise_is_refused(tmp_path):
    path = tmp_path / "silence.json"
    path.write_text(json.dumps(body(ApprovedBy=["manager-x@clipper.app"])))
    problems = check_files(path)[1]
    assert any("reads 'ApprovedBy' as 'approvedBy'" in p for p in problems)


def test_check_files_command_refuses_the_regression_file(tmp_path, capsys):
    path = tmp_path / "silence.json"
    path.write_text(text(body(approvedBy=["manager-x@clipper.app"]), ("IsRegex", True)))
    # At the top level "IsRegex" is no field: Alertmanager ignores it, and so do we.
    assert main(["silence", "check-files", "--policy", str(CLIPPER), str(path)]) == 0
    path.write_text(
        json.dumps(
            body(
                matchers=[{"name": "alertname", "value": "ServiceDown", "isRegex": False, "IsRegex": True}],
                approvedBy=["manager-x@clipper.app"],
            )
        )
    )
    assert main(["silence", "check-files", "--policy", str(CLIPPER), str(path)]) == 1
    assert "matchers[0].IsRegex: Alertmanager reads 'IsRegex' as 'isRegex'" in capsys.readouterr().out


# The real Alertmanager: which key does it use?


def post_raw(url: str, raw: str) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 - a loopback URL of the test server
        f"{url}/api/v2/silences",
        data=raw.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        created = json.loads(response.read())["silenceID"]
    with urllib.request.urlopen(f"{url}/api/v2/silence/{created}", timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def future(hours: int) -> str:
    return (
        (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


@pytest.mark.amtool
@pytest.mark.parametrize(
    ("extra", "read"),
    [
        (
            ("Matchers", [{"name": "team", "value": "later", "isRegex": False}]),
            lambda s: s["matchers"][0]["name"],
        ),
        (("EndsAt", "later"), lambda s: s["endsAt"]),
        (("ſtartsAt", "later"), lambda s: s["startsAt"]),
    ],
    ids=["Matchers", "EndsAt", "long-s"],
)
def test_alertmanager_creates_the_silence_from_the_later_key(alertmanager, extra, read):
    """The real server folds the later key onto the field; our reader refuses the body instead."""
    key, value = extra
    later = {"EndsAt": future(3), "ſtartsAt": future(1)}.get(key, value)
    silence = body(startsAt=future(0), endsAt=future(2))
    raw = text(silence, (key, later))
    created = post_raw(alertmanager.url, raw)
    if key == "Matchers":
        assert read(created) == "team"
    else:
        assert datetime.fromisoformat(read(created)) == datetime.fromisoformat(later)
    assert key_problems(raw) != []
    assert key_problems(json.dumps(silence)) == []


@pytest.mark.amtool
def test_alertmanager_reads_a_later_matcher_key_and_a_surrogate_as_we_say(alertmanager):
    matcher = {
        "name": "alertname",
        "value": "ServiceDown",
        "isRegex": False,
        "Value": "Other",
        "IsRegex": True,
    }
    raw = json.dumps(body(startsAt=future(0), endsAt=future(2), matchers=[matcher]))
    created = post_raw(alertmanager.url, raw)
    assert created["matchers"] == [{"isEqual": True, "isRegex": True, "name": "alertname", "value": "Other"}]
    assert [where for where, _ in key_problems(raw)] == [("matchers", 0, "Value"), ("matchers", 0, "IsRegex")]
    raw = json.dumps(body(startsAt=future(0), endsAt=future(2), comment="x<S>y")).replace("<S>", "\\ud800")
    surrogate = post_raw(alertmanager.url, raw)
    assert [v.rule for v in api.from_api(gojson.loads(raw)).problems] == ["bad-silence"]
    assert surrogate["comment"] == "x\ufffdy"
    assert api.from_api(surrogate).problems == ()  # what the server lists is canonical


# Properties: whatever the JSON, reading it gives data and positions, or a refusal.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
spellings = st.sampled_from(
    [*api.SILENCE_FIELDS, *api.MATCHER_FIELDS, "Matchers", "ENDSAT", "ſtartsAt", "Value", "iſRegex", "other"]
)


def paths(value, where=()):
    yield where
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*where, index))


@given(json_values, st.sampled_from([None, 0, 2]))
def test_read_gives_the_data_and_a_position_for_every_value(value, indent):
    """``gojson.read`` of any JSON text gives the data ``json`` gives, and every value's position
    points at the first character of that value's text."""
    text = json.dumps(value, indent=indent)
    parsed = gojson.read(text)
    assert parsed.data == value
    lines = text.split("\n")
    for where in paths(value):
        line, column = parsed.values[where]
        first = lines[line - 1][column - 1]
        item = value
        for part in where:
            item = item[part]
        assert first == json.dumps(item)[0]


@given(
    st.lists(st.tuples(spellings, json_values), max_size=8),
    st.lists(st.tuples(spellings, json_values), max_size=5),
)
def test_from_api_reads_anything_into_a_request_or_violations(pairs, matcher_pairs):
    """Any object (known fields in any spelling, repeated, any values) gives a request, never an
    exception; a known field spelled otherwise, or given twice, is always refused at its key."""
    matcher = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in matcher_pairs)
    members = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs] + [f'"matchers": [{{{matcher}}}]']
    data = gojson.loads("{" + ", ".join(members) + "}")
    request = api.from_api(data)
    keys = [k for k, _ in data.pairs]
    fields = [gojson.field_of(k, api.SILENCE_FIELDS) for k in keys]
    odd = any(f is not None and f != k for k, f in zip(keys, fields, strict=True))
    repeated = len([f for f in fields if f]) != len({f for f in fields if f})
    top_level_key_problems = [
        v for v in request.problems if isinstance(v, KeyViolation) and len(v.where) == 1
    ]
    assert bool(top_level_key_problems) == (odd or repeated)


near_canonical_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1, 1),
    st.sampled_from(
        [START, END, "2026-12-01T10:00:00+01:00", "tomorrow", "engineer-a@clipper.app", "x\ud800"]
    ),
    st.text(max_size=3),
)
Pairs = list[tuple[str, object]]


@st.composite
def near_canonical(draw: st.DrawFn, canonical: Pairs, keys: st.SearchStrategy[str]) -> Pairs:
    """``canonical``'s pairs with a few changes: a value replaced, a pair dropped, one added
    (perhaps a known field again, or spelled otherwise)."""
    pairs = list(canonical)
    for _ in range(draw(st.integers(0, 2))):
        change = draw(st.sampled_from(["value", "drop", "add"]))
        index = draw(st.integers(0, max(len(pairs) - 1, 0)))
        if change == "add" or not pairs:
            pairs.insert(index, (draw(keys), draw(near_canonical_values)))
        elif change == "value":
            pairs[index] = (pairs[index][0], draw(near_canonical_values))
        else:
            del pairs[index]
    return pairs


def _json_object(pairs: Pairs) -> str:
    return "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs) + "}"


LISTED = [("id", "abc"), ("status", {"state": "active"}), ("updatedAt", START), *body().items()]
MATCHER = list(body()["matchers"][0].items())  # type: ignore[index]


@given(
    near_canonical([p for p in LISTED if p[0] != "matchers"], spellings | st.just("status")),
    st.lists(near_canonical(MATCHER, spellings), min_size=1, max_size=2),
)
def test_the_fast_reading_agrees_with_the_careful_one(pairs: Pairs, matchers: list[Pairs]):
    """Whenever the fast path for canonical listings answers, its request equals the careful
    reading's, which finds nothing wrong; repeated, folded or mistyped keys never take it."""
    members = [_json_object(pairs)[1:-1], f'"matchers": [{", ".join(map(_json_object, matchers))}]']
    data = gojson.loads("{" + ", ".join(m for m in members if m) + "}")
    careful = api._read(data, ("manager-x@clipper.app",))  # first, so its matchers are met
    fast = api._plain(data, ("manager-x@clipper.app",))
    event(f"fast path taken: {fast is not None}")
    if fast is not None:
        assert careful.problems == ()
        assert fast == careful


def test_a_listed_silence_takes_the_fast_path():
    """What a server lists (status, updatedAt, id, canonical keys) is read fast, once met."""
    listed = gojson.loads(json.dumps(body(id="abc", status={"state": "active"}, updatedAt=START)))
    assert api.from_api(listed).problems == ()
    assert api._plain(listed, ()) == api._read(listed, ())


@given(
    st.lists(
        st.lists(st.tuples(spellings | st.just("status"), near_canonical_values), max_size=4).map(
            lambda extra: [p for p in LISTED if p[0] != "matchers"] + extra
        ),
        max_size=3,
    ),
    st.lists(st.tuples(spellings, near_canonical_values), max_size=2),
)
def test_a_listing_read_fast_says_what_go_reads(silences: list[Pairs], matcher_extra: Pairs):
    """A listing read into plain dicts (kept only when every key is spelled as its field) gives
    each silence the content the pair-keeping reading gives: the last value of a repeated key."""
    matcher = _json_object([*MATCHER, *matcher_extra])
    text = "[" + ", ".join(_json_object(s)[:-1] + f', "matchers": [{matcher}]}}' for s in silences) + "]"
    fast = gojson.loads(text, canonical=api.listing_is_canonical)
    careful = gojson.loads(text)
    assert fast == careful  # dict equality: the last value of each key
    for quick, slow in zip(fast, careful, strict=True):
        a, b = api.from_api(quick), api.from_api(slow)
        assert (a.matchers, a.starts_at, a.ends_at, a.author, a.comment) == (
            b.matchers,
            b.starts_at,
            b.ends_at,
            b.author,
            b.comment,
        )


def test_a_listing_spelled_as_go_writes_it_is_read_into_plain_dicts():
    text = json.dumps([dict(LISTED)])
    [item] = gojson.loads(text, canonical=api.listing_is_canonical)
    assert type(item) is dict
    assert api.from_api(item).problems == ()
    [folded] = gojson.loads(text.replace('"comment"', '"Comment"'), canonical=api.listing_is_canonical)
    assert isinstance(folded, gojson.Object)


def test_a_surrogate_in_a_listed_only_key_is_refused_on_the_fast_path_too():
    """``status`` and ``updatedAt`` are not read, but a lone surrogate there is refused as
    anywhere else (the fast reading defers to the careful one)."""
    for extra in ({"status": {"state": "\ud800"}}, {"updatedAt": "x\udc00"}, {"status": {"\ud800": 1}}):
        listed = {**dict(LISTED), **extra}
        api.from_api(dict(LISTED))  # its matchers met: the fast path is open to it
        assert api._plain(listed, ()) is None
        assert [v.rule for v in api.from_api(listed).problems] == ["bad-silence"]


def test_a_listed_comment_that_is_not_a_string_is_refused_whatever_it_holds():
    from oncall_policy.silence import audit  # noqa: PLC0415

    for comment in (["deployment in progress [approved-by: manager-x@clipper.app]"], 5, None):
        request = audit.read({**dict(LISTED), "comment": comment}).request
        assert "bad-silence" in [v.rule for v in request.problems], comment
        assert request.approvers == ()


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ({"state": "active"}, "active"),
        ({"State": "active"}, "active"),  # Go folds the key onto the field, as amtool reads it
        ({"state": "expired", "STATE": "active"}, "active"),  # the last one wins
        ({"status": "active"}, ""),  # no key that folds onto state
    ],
)
def test_a_listed_silence_s_state_is_read_as_go_reads_it(status, state):
    item = {
        "id": "s1",
        "status": status,
        "matchers": [{"name": "alertname", "value": "ServiceDown", "isRegex": False}],
        "startsAt": "2030-01-01T00:00:00Z",
        "endsAt": "2030-01-01T01:00:00Z",
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    }
    assert audit.read(item).state == state

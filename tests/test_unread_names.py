"""Which alert names a regex on ``alertname`` may admit when it is too long or too costly to
judge (``silence.unread_names``), asked of a real Alertmanager; and an earlier silence carrying
one is history only for the alerts it may mute (found by a red team: taken to mute every alert,
one such silence planted past the gate refused every silence chained after it, on any alert)."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from oncall_policy.cli import main
from oncall_policy.matchers import MAX_REGEX_LENGTH
from oncall_policy.silence.unread_names import matches, top_level_branches
from tests.conftest import CLIPPER
from tests.oracle import Muted, matcher

COMMENT = ["-c", "INC-1 investigating", "-a", "engineer-b@clipper.app"]
FILLER = "|".join(f"zz{i:05d}" for i in range(1400))  # > MAX_REGEX_LENGTH characters
NAMES = ("HighErrorRate", "LowDiskSpace", "highERRORrate", "zz00042", "a|b", "|", "x")
# Alternatives that are names, and ones that are not: groups, classes and quotes holding `|`,
# flags scoped and not, escapes, classes Go reads otherwise than they look, costly repeats.
BRANCHES = (
    "HighErrorRate",
    "LowDiskSpace",
    "(?i:highERRORrate)",
    "(?i)x",
    "(High|Low)DiskSpace",
    r"[|]",
    r"\Q|\E",
    r"\Qa|b\E",
    r"a\|b",
    "[]|]",
    "[[:alpha:]|]",
    "[^|]",
    r"(\pL{30}){30}",
    "High.*",
    r"\x{7C}",
    "(?P<n>x|zz00042)",
    "Low(?:Disk|Mem)Space",
)


def _silenced_by(server, alertname: str) -> list[str]:
    url = f"{server.url}/api/v2/alerts?filter=alertname%3D%22{alertname}%22"
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - the test's own server
        alerts = json.loads(answer.read())
    assert alerts, alertname
    return alerts[0]["status"]["silencedBy"]


def _body(value: str, start: str, end: str, *, equal: bool = True) -> dict:
    """A silence of one regex on ``alertname`` (``!~`` unless ``equal``)."""
    return {
        "matchers": [{"name": "alertname", "value": value, "isRegex": True, "isEqual": equal}],
        "startsAt": start,
        "endsAt": end,
        "createdBy": "engineer-a@clipper.app",
        "comment": "INC-1 investigating",
    }


@settings(max_examples=40, deadline=None)
@given(branches=st.lists(st.sampled_from(BRANCHES), min_size=1, max_size=4), long=st.booleans())
def test_what_is_told_is_what_alertmanager_mutes(oracle, branches, long):
    pattern = "|".join([*branches, FILLER] if long else branches)
    told = {name: matches(pattern, name) for name in NAMES}
    event(f"long: {long}; untold: {sum(v is None for v in told.values())}")
    outcome = oracle.verdicts([matcher("alertname", "=~", pattern)], [{"alertname": n} for n in NAMES])
    assert isinstance(outcome, Muted), outcome
    for (name, said), muted in zip(told.items(), outcome.muted, strict=True):
        assert said in (None, muted), (name, pattern[:200])


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"a|(b|c)|[|]|\Q|\E|d", ["a", "(b|c)", "[|]", r"\Q|\E", "d"]),
        ("(?i:x)|y", ["(?i:x)", "y"]),
        ("(?P<n>a|b)|c", ["(?P<n>a|b)", "c"]),
        ("[]|]|x", ["[]|]", "x"]),
        ("[^]|]|x", ["[^]|]", "x"]),
        ("[[:alpha:]|]|x", ["[[:alpha:]|]", "x"]),
        (r"\Qa|b", [r"\Qa|b"]),  # quoted to the end
        (r"a\|b|c", [r"a\|b", "c"]),
        ("(?i)x|y", None),  # the flag reaches y
        ("(a|b", None),
        ("a)|b", None),
        ("[a|b", None),
    ],
)
def test_top_level_branches(pattern, expected):
    assert top_level_branches(pattern) == expected


def test_a_long_regex_of_parts_past_the_work_allowed_is_untold():
    pattern = "|".join(["[z]"] * (MAX_REGEX_LENGTH // 3 + 1) + [FILLER])
    assert matches(pattern, "HighErrorRate") is None
    assert matches("HighErrorRate|" + FILLER, "HighErrorRate") is True


def _now_plus(days: int) -> str:
    return (
        (datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)).isoformat().replace("+00:00", "Z")
    )


def test_a_long_alertname_regex_mutes_only_what_it_names_in_alertmanager(alertmanager):
    ident = alertmanager.post(_body("LowDiskSpace|" + FILLER, _now_plus(0), _now_plus(3)))
    alertmanager.post_alerts(
        [{"alertname": "LowDiskSpace"}, {"alertname": "HighErrorRate", "service": "api"}]
    )
    assert _silenced_by(alertmanager, "LowDiskSpace") == [ident]
    assert _silenced_by(alertmanager, "HighErrorRate") == []


@pytest.mark.parametrize("other", ["LowDiskSpace|" + FILLER, r"LowDiskSpace|(\pL{30}){30}"])
def test_an_unread_regex_on_another_alert_does_not_refuse_this_one(alertmanager, capsys, other):
    alertmanager.post(_body(other, "2027-05-01T00:00:00Z", "2027-05-04T00:00:00Z"))
    argv = ["silence", "check", "--policy", str(CLIPPER), f"--alertmanager.url={alertmanager.url}"]
    argv += ["alertname=HighErrorRate", "--start=2027-05-01T04:00:00Z", "-d", "4h", *COMMENT]
    assert main(argv) == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    "this", ["HighErrorRate|" + FILLER, r"HighErrorRate|(\pL{30}){30}", r"(?i)zz|higherrorrate|" + FILLER]
)
def test_an_unread_regex_on_this_alert_still_counts(alertmanager, capsys, this):
    """A 4h silence right after a 4h one on HighErrorRate (P2, cap 4h): 8h in one stretch."""
    alertmanager.post(_body(this, "2027-05-01T00:00:00Z", "2027-05-01T04:00:00Z"))
    argv = ["silence", "check", "--policy", str(CLIPPER), f"--alertmanager.url={alertmanager.url}"]
    argv += ["alertname=HighErrorRate", "--start=2027-05-01T04:00:00Z", "-d", "4h", *COMMENT]
    assert main(argv) == 1
    assert "over-cap-recreated" in capsys.readouterr().out


def test_a_negative_unread_regex_counts_unless_it_surely_leaves_the_alert_out(alertmanager, capsys):
    """``alertname!~"HighErrorRate|…"`` leaves HighErrorRate out: a chained silence on it is
    accepted; ``alertname!~"LowDiskSpace|…"`` mutes it, and counts."""
    argv = ["silence", "check", "--policy", str(CLIPPER), f"--alertmanager.url={alertmanager.url}"]
    argv += ["alertname=HighErrorRate", "--start=2027-06-01T04:00:00Z", "-d", "4h", *COMMENT]
    body = _body("HighErrorRate|" + FILLER, "2027-07-01T00:00:00Z", "2027-07-01T04:00:00Z")
    body["matchers"][0]["isEqual"] = False
    body["matchers"].append({"name": "service", "value": "api", "isRegex": False, "isEqual": True})
    alertmanager.post(body)
    later = [a.replace("2027-06-01", "2027-07-01") for a in argv]
    assert main(later) == 0, capsys.readouterr().out
    body = _body("LowDiskSpace|" + FILLER, "2027-08-01T00:00:00Z", "2027-08-01T04:00:00Z")
    body["matchers"][0]["isEqual"] = False
    body["matchers"].append({"name": "service", "value": "api", "isRegex": False, "isEqual": True})
    alertmanager.post(body)
    assert main([a.replace("2027-06-01", "2027-08-01") for a in argv]) == 1
    assert "over-cap-recreated" in capsys.readouterr().out


# Pieces of Go regex syntax where a split at `|` could go wrong: groups, flags scoped and not,
# classes (a leading `]`, ranges ending in `[` or `]`, named classes), quotes and escapes.
_PIECES = (
    "a", "b", "A", "|", "|", "(", ")", "(?i)", "(?i:", "(?:", "(?P<n>", "[", "]", "^", "-", ":",
    "[:alpha:]", "[:", ":]", r"\Q", r"\E", r"\|", r"\]", r"\[", r"\\", r"\x{7C}", r"\pL", "*", "?", ".",
)  # fmt: skip
_WORDS = ("a", "b", "A", "ab", "ba", "|", "-", ":", "[", "]", "\\", "aa", "Ab")


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12))
def test_a_split_reads_as_the_whole_parse(pieces):
    """Property: read by its top-level alternatives, a pattern admits what its whole parse
    does, whenever the split tells (our parser is held to Go's elsewhere)."""
    from oncall_policy.matching import syntax  # noqa: PLC0415
    from oncall_policy.matching.language import Language  # noqa: PLC0415
    from oncall_policy.silence.unread_names import by_branches  # noqa: PLC0415

    pattern = "".join(pieces)
    try:
        syntax.parse(pattern)  # as Alertmanager checks it, bare
        whole = Language.of_tree(syntax.parse(f"^(?:{pattern})$"))
    except syntax.RegexpError:
        return
    read = by_branches(pattern)
    event(f"told: {not isinstance(read, type(by_branches('(?i)x|y')))}")
    if not isinstance(read, tuple):
        return
    literals, languages = read
    for word in _WORDS:
        said = word in literals or any(language.matches(word) is True for language in languages)
        assert said == whole.matches(word), (pattern, word)

"""The gate's parts on their own: paths, headers, identities, users, answers and the judgement."""

from __future__ import annotations

import ipaddress
import json
from datetime import UTC, datetime, timedelta

import bcrypt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.cli import main
from oncall_policy.gate import answers, headers, identity, paths, users, writes
from oncall_policy.gate.config import GateConfigError
from oncall_policy.silence import amtool, api
from tests.conftest import CLIPPER
from tests.gate_support import RULES
from tests.strategies_silence import silences

ENGINEER = RULES.roster.find("engineer-a@clipper.app")
assert ENGINEER is not None


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", "/api/v2/silences", paths.Kind.CREATE),
        ("post", "/API/V2//silences/", paths.Kind.CREATE),
        ("POST", "/api/v2/x/../silences", paths.Kind.CREATE),
        ("GET", "/api/v2/silences", paths.Kind.OTHER),
        ("DELETE", "/api/v2/silence/abc", paths.Kind.EXPIRE),
        ("DELETE", "/api/v1/silence/abc", paths.Kind.V1_WRITE),
        ("POST", "/api/v1/silences", paths.Kind.V1_WRITE),
        ("GET", "/api/v1/silences", paths.Kind.OTHER),
        ("GET", "/-/healthy", paths.Kind.HEALTHY),
        ("HEAD", "/-/ready", paths.Kind.READY),
        ("POST", "/-/reload", paths.Kind.ADMIN),
        ("GET", "/debug/pprof/", paths.Kind.ADMIN),
        ("POST", "/api/v2/alerts", paths.Kind.ALERT_WRITE),
        ("POST", "/API/v1//alerts/", paths.Kind.ALERT_WRITE),
        ("GET", "/api/v2/alerts", paths.Kind.OTHER),
    ],
)
def test_requests_are_classified_by_where_they_could_end(method, path, kind):
    assert paths.classify(method, path) is kind


def test_hop_by_hop_fields_stay_behind():
    given_ = [("Connection", "close, X-A"), ("X-A", "1"), ("Keep-Alive", "5"), ("TE", "x"), ("X-B", "2")]
    assert headers.end_to_end(given_) == [("X-B", "2")]
    assert headers.from_upstream([("Via", "1.0 lb"), ("X-B", "2")]) == [
        ("X-B", "2"),
        ("Via", f"1.0 lb, {headers.VIA}"),
    ]


@pytest.mark.parametrize("trusted", [True, False], ids=["trusted-proxy", "anyone"])
def test_forwarded_fields_are_extended_only_for_a_trusted_proxy(trusted):
    sent = headers.to_upstream(
        [("Host", "gate:9095"), ("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-Proto", "https")],
        peer="10.0.0.2",
        host="gate:9095",
        trusted=trusted,
        dropped=(),
    )
    found = dict(sent)
    assert "Host" not in found
    assert found["X-Forwarded-For"] == ("198.51.100.7, 10.0.0.2" if trusted else "10.0.0.2")
    assert found["X-Forwarded-Proto"] == ("https" if trusted else "http")
    assert found["X-Forwarded-Host"] == "gate:9095"


def test_the_identity_header_counts_only_from_trusted_peers_and_once():
    trusted = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("fd00::/8"))
    assert identity.from_header(["a@b.c"], "127.0.0.1", trusted) == "a@b.c"
    assert identity.from_header(["a@b.c"], "::ffff:127.0.0.1", trusted) == "a@b.c"
    assert identity.from_header(["a@b.c"], "fd00::1%eth0", trusted) == "a@b.c"
    assert identity.from_header(["a@b.c"], "192.0.2.1", trusted) is None
    assert identity.from_header(["a@b.c", "d@e.f"], "127.0.0.1", trusted) is None
    assert identity.from_header([" "], "127.0.0.1", trusted) is None
    assert identity.from_header(["a@b.c"], None, trusted) is None


@pytest.mark.parametrize(
    ("values", "found"),
    [
        (["Basic YUBiLmM6cHc="], ("a@b.c", "pw")),
        (["basic   YUBiLmM6cDp3"], ("a@b.c", "p:w")),
        (["Bearer YUBiLmM6cHc="], None),
        (["Basic not-base64!"], None),
        (["Basic YWJj"], None),  # no colon
        (["Basic \u00e9\u00e9"], None),  # not ASCII: b64decode raises ValueError
        (["Basic YUBiLmM6cHc=", "Basic YUBiLmM6cHc="], None),
        ([], None),
    ],
)
def test_basic_credentials_are_read_strictly(values, found):
    assert identity.basic_credentials(values) == found


def test_users_files_are_read_strictly(tmp_path):
    hashed = bcrypt.hashpw(b"pw", bcrypt.gensalt(rounds=4)).decode()
    path = tmp_path / "users"
    path.write_text(f"# people\n\nengineer-a@clipper.app:{hashed.replace('$2b$', '$2y$')}\n")
    found = users.read(path)
    assert users.check("pw", found["engineer-a@clipper.app"])
    assert not users.check("PW", found["engineer-a@clipper.app"])
    assert not users.check("x" * 100, found["engineer-a@clipper.app"])
    assert not users.check("pw", b"$2b$not-a-hash")
    for text, message in [
        ("engineer-a@clipper.app pw\n", ":1: expected NAME:BCRYPT-HASH"),
        (f"a:{hashed}\na:{hashed}\n", ":2: 'a' is given twice"),
        ("a:$1$md5\n", ":1: expected NAME:BCRYPT-HASH"),
    ]:
        path.write_text(text)
        with pytest.raises(GateConfigError) as raised:
            users.read(path)
        assert message in str(raised.value)


def test_answers_are_written_as_go_writes_json():
    assert answers.go_json('a<é>&\u2028"\n') == '"a<é>&\\u2028\\"\\n"'
    refused = answers.refused("REJECTED: x\n  \x1b[31m\n", {"Accept": "application/json"})
    assert refused.status == 400
    assert refused.content_type == "application/json"
    assert refused.body == b'"REJECTED: x\\n  \\\\x1b[31m"\n'
    # A browser's script (the web UI) reads the "error" field of an error body.
    from_browser = answers.refused("REJECTED: x\n", {"Sec-Fetch-Mode": "cors"})
    assert (from_browser.status, from_browser.content_type) == (400, "application/json")
    assert from_browser.body == b'{"error":"REJECTED: x"}'
    assert answers.error(413, "too big").body == b'{"code":413,"message":"too big"}'


def _judged(body: dict, who=ENGINEER, earlier=()):
    return writes.judge(writes.decode(json.dumps(body).encode()), who, RULES, list(earlier))[1]


def _silence(**fields):
    now = datetime.now(UTC).replace(microsecond=0)
    body = {
        "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False}],
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(hours=1)).isoformat(),
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    }
    return {**body, **fields}


def test_a_write_is_judged_as_silence_add_judges_it_and_by_the_gate():
    assert _judged(_silence()).accepted
    assert _judged(_silence(createdBy="Engineer A <ENGINEER-A@clipper.app>")).accepted
    assert _judged(_silence(createdBy="engineer-a")).accepted
    [mismatch] = _judged(_silence(createdBy="manager-x@clipper.app")).violations
    assert mismatch.rule == "author-not-you"
    rules = {v.rule for v in _judged(_silence(createdBy="nobody@example.com")).violations}
    assert rules == {"unknown-author", "author-not-you"}
    rules = {v.rule for v in _judged(_silence(comment="x [approved-by: manager-x@clipper.app]")).violations}
    assert "approval-claim" in rules


@pytest.mark.parametrize(
    "shown",
    ["Manager X", "manager  x", '"Manager X"', "manager-x", "manager-x@clipper.app", "MANAGER-X@Clipper.app"],
)
def test_a_write_showing_another_persons_name_on_ones_own_address_is_refused(shown):
    """Red team: accepted as engineer-a's, it showed a manager's name in the web UI and amtool."""
    [spoofed] = _judged(_silence(createdBy=f"{shown} <engineer-a@clipper.app>")).violations
    assert spoofed.rule == "author-not-you"
    assert "shows Manager X's name" in spoofed.message


@pytest.mark.parametrize("shown", ["Engineer A", "Eng A (on call)", "Alice", ""])
def test_a_write_showing_ones_own_or_no_roster_name_is_accepted(shown):
    assert _judged(_silence(createdBy=f"{shown} <engineer-a@clipper.app>")).accepted


def test_a_write_needing_approval_says_approvals_are_not_available_yet():
    body = _silence(
        matchers=[{"name": "alertname", "value": "ServiceDown", "isRegex": False}], approvedBy=["m"]
    )
    [missing] = _judged(body).violations
    assert missing.rule == "missing-approval"
    assert missing.hint == writes.APPROVALS_LATER


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "the gate cannot read this silence as JSON: Expecting property name"),
        (b"[1]", "a silence is a JSON object"),
        (b'{"a": NaN}', "NaN is not JSON"),
        (b"\xff", "byte 0 is not UTF-8"),
        (b"[" * 200 + b"]" * 200, "nested too deeply"),
    ],
)
def test_unreadable_bodies_are_said_to_be(body, message):
    with pytest.raises(writes.UnreadableError) as raised:
        writes.decode(body)
    assert message in raised.value.message


def test_a_replaced_silence_counts_only_up_to_now():
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    listed = [
        {"id": "a", "status": {"state": "active"}, "endsAt": "2026-01-01T14:00:00Z"},
        {"id": "p", "status": {"state": "pending"}, "endsAt": "2026-01-01T16:00:00Z"},
        {"id": "e", "status": {"state": "expired"}, "endsAt": "2026-01-01T10:00:00Z"},
    ]
    assert writes.replacing(listed, None, now) == listed
    assert writes.replacing(listed, "a", now)[0] == {**listed[0], "endsAt": "2026-01-01T12:00:00Z"}
    assert [item["id"] for item in writes.replacing(listed, "p", now)] == ["a", "e"]
    assert writes.replacing(listed, "e", now) == listed
    assert writes.replaced_id({"id": "a"}) == "a"
    assert writes.replaced_id({"id": ""}) is None
    assert writes.replaced_id({}) is None


@given(data=st.data())
def test_the_gate_accepts_what_silence_check_accepts(data):
    """For any silence written by its authenticated author with no claims, the gate's verdict
    (without history) is ``oncall-policy silence check``'s on the same silence."""
    request = data.draw(silences(RULES)).replace(approvers=(), window=None)
    person = RULES.roster.find(request.author)
    assert person is not None
    body = json.dumps(api.to_api(request)).encode()
    gate_verdict = writes.judge(writes.decode(body), person, RULES, [])[1]
    argv = amtool.command(request, request.comment, None)[3:]
    checked = main(["silence", "check", "--policy", str(CLIPPER), "--format", "json", *argv])
    assert gate_verdict.accepted == (checked == 0)


def test_the_gate_does_not_start_on_what_it_cannot_use(tmp_path, capsys):
    bad = tmp_path / "policy.yaml"
    bad.write_text("version: nope\n")
    assert main(["gate", "--policy", str(bad), "--upstream", "http://127.0.0.1:9"]) == 1
    assert "version is 'nope'" in capsys.readouterr().out
    config = tmp_path / "gate.toml"
    config.write_text('[auth]\nmode = "basic"\nusers_file = "missing"\n')
    argv = ["gate", "--policy", str(CLIPPER), "--upstream", "http://127.0.0.1:9", "--config", str(config)]
    assert main(argv) == 1
    assert f"{tmp_path / 'missing'}: cannot read the users file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as raised:
        main(["gate", "--upstream", "ftp://x"])
    assert raised.value.code == 2


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "values nested too deeply"),
        ("[limits]\nmax_body = " + "9" * 100_000 + "\n", "Exceeds the limit"),
        (
            '[auth]\nmode = "none"\n[approvals]\ndatabase = "host=db password=s3cret dbname=gate"\nkey_file = "k"\n',
            "looks like PostgreSQL's key=value form; write a URL",
        ),
    ],
    ids=["deep-array", "long-integer", "key-value-dsn"],
)
def test_a_hostile_gate_configuration_is_refused_in_one_line(tmp_path, capsys, monkeypatch, config, said):
    """Red team: a traceback (exit 3) for the first two; the third made a file named after the
    password in the working directory."""
    monkeypatch.chdir(tmp_path)
    main(["gate", "keygen", "--out", str(tmp_path / "k")])
    (tmp_path / "gate.toml").write_text(config)
    argv = ["gate", "--policy", str(CLIPPER), "--upstream", "http://127.0.0.1:9", "--config", "gate.toml"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert said in err
    assert "s3cret" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gate.toml", "k", "k.pub"]


def test_an_approver_sees_each_matcher_whole_and_what_it_replaces():
    """A value holding a quote must not read as the end of itself and a second matcher: the
    approver would approve a narrower silence than the one created."""
    from oncall_policy.gate.approve_page import matchers_text  # noqa: PLC0415

    value = 'critical|x" alertname="DiskAlmostFull'
    shown = matchers_text(
        {"id": "old-1", "matchers": [{"name": "severity", "value": value, "isRegex": True, "isEqual": True}]}
    )
    assert shown == 'severity=~"critical|x\\" alertname=\\"DiskAlmostFull" (replacing silence "old-1")'

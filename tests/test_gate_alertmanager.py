"""The gate in front of a real Alertmanager 0.25, with the real amtool pointed at it.

One Alertmanager serves the module; each test silences alerts of its own ``service`` so that
history from one test never meets another's.
"""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy.gate.config import Auth, GateConfig
from tests.alertmanager_server import running, stop
from tests.conftest import CLIPPER
from tests.gate_support import PASSWORD, at, basic, call, gate, post, silence

pytestmark = pytest.mark.amtool


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, amtool: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


@pytest.fixture(scope="module")
def gated(upstream) -> str:
    with gate([upstream.url]) as url:
        yield url


def ids(server) -> set[str]:
    return {item["id"] for item in server.silences()}


def amtool_add(amtool: str, url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [amtool, f"--alertmanager.url={url}", "silence", "add", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


def as_user(gated: str, name: str = "engineer-a%40clipper.app") -> str:
    return gated.replace("http://", f"http://{name}:{PASSWORD.replace(' ', '%20')}@")


def test_amtool_shows_every_violated_rule_and_its_fix(amtool, upstream, gated):
    before = ids(upstream)
    run = amtool_add(
        amtool, as_user(gated), "alertname=ServiceDown", "service=amtool-1", "-d", "2h", "-c", "annoying",
        "-a", "engineer-a@clipper.app",
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.startswith(
        'amtool: error: [POST /silences][400] postSilencesBadRequest  REJECTED: silence alertname="ServiceDown" '
        'service="amtool-1" breaks 4 rules:\n'
    )
    for rule in ("invalid-reason", "no-valid-reason", "over-cap", "missing-approval"):
        assert f"\n  x {rule}: " in run.stderr
    assert run.stderr.count("\n      fix: ") == 4
    assert "approvals through the gate are not available yet" in run.stderr
    assert ids(upstream) == before


def test_amtool_creates_a_compliant_silence_through_the_gate(amtool, upstream, gated):
    run = amtool_add(
        amtool, as_user(gated), "alertname=HighErrorRate", "service=amtool-2", "-d", "1h",
        "-c", "deployment in progress", "-a", "Engineer A <Engineer-A@Clipper.App>",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    [created] = [s for s in upstream.silences() if s["id"] == run.stdout.strip()]
    assert created["createdBy"] == "Engineer A <Engineer-A@Clipper.App>"
    assert created["comment"] == "deployment in progress"


def test_the_accepted_body_is_forwarded_as_received(upstream, gated):
    body = json.dumps(silence(("alertname", "HighErrorRate"), ("service", "bytes")), indent=3).encode()
    answer = post(gated, body + b"\n\n")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Via"] == "1.1 oncall-policy-gate"
    assert answer.json()["silenceID"] in ids(upstream)


def test_an_unauthenticated_write_gets_401_with_a_challenge(upstream, gated):
    before = ids(upstream)
    for headers in (None, basic("engineer-a@clipper.app", "wrong"), {"Authorization": "Basic !!"}):
        answer = call(
            gated, "POST", "/api/v2/silences", json.dumps(silence(("service", "x"))).encode(), headers
        )
        assert answer.status == 401
        assert answer.headers["WWW-Authenticate"] == 'Basic realm="oncall-policy gate", charset="UTF-8"'
        assert answer.json()["code"] == 401
    assert ids(upstream) == before


def test_someone_outside_the_roster_cannot_write(upstream, gated):
    answer = post(
        gated, silence(("alertname", "HighErrorRate"), ("service", "x")), as_who="outsider@example.com"
    )
    assert answer.status == 403
    assert "not a person of the policy's roster" in answer.json()["message"]


def test_created_by_must_be_the_authenticated_person(upstream, gated):
    before = ids(upstream)
    body = silence(("alertname", "HighErrorRate"), ("service", "who"), author="engineer-b@clipper.app")
    answer = post(gated, body)
    assert answer.status == 400
    text = answer.json()
    assert (
        "x author-not-you: createdBy 'engineer-b@clipper.app' is not who this request authenticates as"
        in text
    )
    assert "fix: create silences as yourself: amtool --author=engineer-a@clipper.app" in text
    assert ids(upstream) == before


@pytest.mark.parametrize(
    "claim",
    [
        {"comment": "INC-7 investigating [approved-by: manager-x@clipper.app (manager)]"},
        {"comment": "INC-7 investigating", "approvedBy": ["manager-x@clipper.app"]},
    ],
    ids=["in-the-comment", "approvedBy-key"],
)
def test_a_claimed_approval_approves_nothing(upstream, gated, claim):
    before = ids(upstream)
    answer = post(gated, silence(("alertname", "ServiceDown"), ("service", "claim"), minutes=20, **claim))
    assert answer.status == 400
    text = answer.json()
    assert "x missing-approval: rule p1-critical needs approval by manager" in text
    assert "approvals through the gate are not available yet" in text
    assert ("x approval-claim:" in text) == ("[approved-by:" in claim["comment"])
    assert ids(upstream) == before


def test_a_recorded_approval_is_refused_even_where_none_is_needed(upstream, gated):
    comment = "deployment in progress [approved-by: manager-x@clipper.app (manager)]"
    answer = post(gated, silence(("alertname", "HighErrorRate"), ("service", "rec"), comment=comment))
    assert answer.status == 400
    assert "x approval-claim:" in answer.json()


def test_history_counts_a_recreated_silence(upstream, gated):
    """HighErrorRate (P2) may be silenced for 4h; three back-to-back silences of 2h cover 6h."""
    first = silence(("alertname", "HighErrorRate"), ("service", "chain"), minutes=120)
    assert post(gated, first).status == 200
    second = silence(
        ("alertname", "HighErrorRate"), ("service", "chain"), minutes=120, start=timedelta(hours=2)
    )
    assert post(gated, second).status == 200
    third = silence(
        ("alertname", "HighErrorRate"), ("service", "chain"), minutes=120, start=timedelta(hours=4)
    )
    answer = post(gated, third)
    assert answer.status == 400
    assert "x over-cap-recreated: on HighErrorRate" in answer.json()


def test_an_update_replaces_the_silence_it_names(upstream, gated):
    """Extending a silence in place counts its whole new length once, not twice."""
    body = silence(("alertname", "HighErrorRate"), ("service", "update"), minutes=120)
    silence_id = post(gated, body).json()["silenceID"]
    [listed] = [s for s in upstream.silences() if s["id"] == silence_id]
    longer = {
        **body,
        "id": silence_id,
        "startsAt": listed["startsAt"],
        "endsAt": at(timedelta(hours=3, minutes=50)),
    }
    answer = post(gated, longer)
    assert answer.status == 200, answer.body
    too_long = {**longer, "id": answer.json()["silenceID"], "endsAt": at(timedelta(hours=5))}
    assert post(gated, too_long).status == 400


def test_a_forged_alert_cannot_inhibit_a_real_one_through_the_gate(upstream, gated):
    """A posted alert can inhibit or resolve a real one as surely as a silence mutes it: the gate
    takes alerts only from its configured senders (none here), authenticated or not."""
    now = datetime.now(UTC)
    forged = [
        {
            "labels": {"alertname": "ServiceDown", "service": "api"},
            "startsAt": now.isoformat().replace("+00:00", "Z"),
            "endsAt": (now + timedelta(days=30)).isoformat().replace("+00:00", "Z"),
        }
    ]
    body = json.dumps(forged).encode()
    for path, who in (("/api/v2/alerts", None), ("/api/v1/alerts", basic("engineer-a@clipper.app"))):
        answer = call(gated, "POST", path, body, who)
        assert answer.status == 403
        assert "auth.alert_senders" in answer.json()["message"]
    assert call(upstream.url, "GET", "/api/v2/alerts?filter=alertname%3D%22ServiceDown%22").json() == []
    for path in ("/-/reload", "/debug/pprof/"):
        assert call(gated, "POST" if path == "/-/reload" else "GET", path).status == 403


def test_an_alert_sender_posts_alerts_through_the_gate(upstream):
    senders = GateConfig(auth=Auth(mode="basic", users_file="(in memory)", alert_senders=("127.0.0.1/32",)))
    alert = [{"labels": {"alertname": "GateSenderProbe", "service": "gate"}}]
    with gate([upstream.url], senders) as sender:
        assert call(sender, "POST", "/api/v2/alerts", json.dumps(alert).encode()).status == 200
    found = call(upstream.url, "GET", "/api/v2/alerts?filter=alertname%3D%22GateSenderProbe%22").json()
    assert [a["labels"]["alertname"] for a in found] == ["GateSenderProbe"]


def test_api_v1_writes_are_refused(upstream, gated):
    before = ids(upstream)
    body = json.dumps(silence(("alertname", "HighErrorRate"))).encode()
    for method, path in (("POST", "/api/v1/silences"), ("DELETE", "/api/v1/silence/abc")):
        answer = call(
            gated, method, path, body if method == "POST" else None, basic("engineer-a@clipper.app")
        )
        assert answer.status == 400
        found = answer.json()
        assert found["status"] == "error"
        assert "use API v2 through the gate" in found["error"]
    assert ids(upstream) == before


@pytest.mark.parametrize(
    "path", ["/api/v2/%73ilences", "//api/v2/silences", "/API/v2/silences/", "/api/v2/./x/../silences"]
)
def test_a_misspelt_path_is_judged_too(upstream, gated, path):
    before = ids(upstream)
    body = json.dumps(silence(("alertname", "ServiceDown"), minutes=300, comment="annoying")).encode()
    answer = call(gated, "POST", path, body, basic("engineer-a@clipper.app"))
    assert answer.status == 400
    assert "REJECTED" in answer.json()
    assert ids(upstream) == before


def test_malformed_bodies_get_400(upstream, gated):
    for body in (b"{", b"[]", b'{"matchers": NaN}', b"\xff", b'{"matchers":[],"Matchers":[]}'):
        answer = post(gated, body)
        assert answer.status == 400, body
        assert isinstance(answer.json(), str)


def test_reads_expiry_and_the_ui_pass_through(upstream, gated):
    direct = call(upstream.url, "GET", "/api/v2/silences")
    through = call(gated, "GET", "/api/v2/silences")
    assert (through.status, through.json()) == (200, direct.json())
    page = call(gated, "GET", "/")
    assert page.status == 200
    assert b"<title>Alertmanager</title>" in page.body
    missing = call(gated, "GET", "/no/such/asset.js")
    assert (missing.status, missing.body) == (404, call(upstream.url, "GET", "/no/such/asset.js").body)
    assert call(gated, "GET", "/metrics").body.startswith(b"# HELP ")
    assert call(gated, "GET", "/api/v2/status").json()["cluster"]["status"] == "disabled"
    assert call(gated, "GET", "/api/v1/status").status == 200
    assert call(gated, "HEAD", "/-/reload").status == 403  # Alertmanager's operator's, not passed on
    silence_id = post(gated, silence(("alertname", "HighErrorRate"), ("service", "expire"))).json()[
        "silenceID"
    ]
    assert call(gated, "DELETE", f"/api/v2/silence/{silence_id}").status == 401
    assert (
        call(gated, "DELETE", f"/api/v2/silence/{silence_id}", None, basic("engineer-b@clipper.app")).status
        == 200
    )
    [expired] = [s for s in upstream.silences() if s["id"] == silence_id]
    assert expired["status"]["state"] == "expired"


def test_health_and_readiness_are_the_gates(upstream, gated):
    assert call(gated, "GET", "/-/healthy").body == b"OK"
    assert call(gated, "GET", "/-/ready").body == b"OK"
    with gate(["http://127.0.0.1:9"]) as lonely:
        assert call(lonely, "GET", "/-/healthy").status == 200
        assert call(lonely, "GET", "/-/ready").status == 503


def test_header_mode_believes_only_trusted_peers(upstream):
    trusting = GateConfig(auth=Auth(mode="header", trusted_peers=("127.0.0.1/32",), reads="authenticated"))
    doubting = GateConfig(auth=Auth(mode="header", trusted_peers=("10.9.9.0/24",)))
    body = json.dumps(silence(("alertname", "HighErrorRate"), ("service", "header"))).encode()
    who = {"X-Forwarded-Email": "Engineer A <engineer-a@clipper.app>"}
    with gate([upstream.url], trusting) as url:
        assert call(url, "GET", "/api/v2/status").status == 401
        assert call(url, "GET", "/api/v2/status", None, who).status == 200
        answer = call(url, "POST", "/api/v2/silences", body, who)
        assert answer.status == 200, answer.body
        assert "WWW-Authenticate" not in call(url, "POST", "/api/v2/silences", body).headers
    with gate([upstream.url], doubting) as url:
        assert call(url, "POST", "/api/v2/silences", body, who).status == 401
        assert call(url, "GET", "/api/v2/status").status == 200


def test_a_gate_without_authentication_refuses_every_write(upstream):
    with gate([upstream.url], GateConfig()) as url:
        body = json.dumps(silence(("alertname", "HighErrorRate"))).encode()
        answer = call(url, "POST", "/api/v2/silences", body, basic("engineer-a@clipper.app"))
        assert answer.status == 401
        assert "authenticate no one" in answer.json()["message"]


def test_the_cli_serves_until_terminated(upstream, tmp_path: Path):
    import signal  # noqa: PLC0415
    import sys  # noqa: PLC0415

    (tmp_path / "gate.toml").write_text('[auth]\nmode = "basic"\nusers_file = "users"\n')
    (tmp_path / "users").write_text("")
    argv = [
        sys.executable,
        "-m",
        "oncall_policy",
        "gate",
        "--policy",
        str(CLIPPER),
        "--upstream",
        upstream.url,
    ]
    argv += ["--listen", "127.0.0.1:0", "--config", str(tmp_path / "gate.toml")]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("oncall-policy gate: listening on http://127.0.0.1:")
        base = line.split(" on ", 1)[1].strip().rstrip("/")
        assert call(base, "GET", "/-/healthy").body == b"OK"
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=10)
    assert process.returncode == 0, errors


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)
_FIELDS = st.sampled_from(
    ["matchers", "Matchers", "startsAt", "endsAt", "createdBy", "comment", "id", "ſtartsAt"]
)
_SILENCE_LIKE = st.builds(
    lambda base, changes: {**base, **changes},
    st.just(silence(("alertname", "HighErrorRate"), ("service", "random"))),
    st.dictionaries(_FIELDS, _JSON, max_size=3),
)
_BODIES = st.one_of(
    st.binary(max_size=200),
    _JSON.map(lambda value: json.dumps(value).encode()),
    _SILENCE_LIKE.map(lambda value: json.dumps(value).encode()),
)


@settings(max_examples=60)
@given(body=_BODIES)
def test_no_body_makes_the_gate_fail(upstream, gated, body):
    """Whatever a client posts as a silence, the gate answers 200 (a silence it accepted and
    Alertmanager created) or 400 (refused, unread, or refused by Alertmanager), never 5xx."""
    answer = post(gated, body)
    assert answer.status in (200, 400), answer.body
    assert call(gated, "GET", "/-/healthy").status == 200


def test_in_front_of_a_gossiping_pair_the_gate_fails_over_and_reads_history_from_a_peer(
    alertmanager_binary, tmp_path
):
    with (
        running(alertmanager_binary, tmp_path / "one", cluster=True) as one,
        running(alertmanager_binary, tmp_path / "two", peers=[one.cluster_address or ""]) as two,
        gate([one.url, two.url]) as url,
    ):
        first = silence(("alertname", "HighErrorRate"), ("service", "pair"), minutes=150)
        first_id = post(url, first).json()["silenceID"]
        _until(lambda: first_id in ids(two))
        stop(one)
        later = silence(
            ("alertname", "HighErrorRate"), ("service", "pair"), minutes=150, start=timedelta(hours=2)
        )
        answer = post(url, later)  # the first is on the second peer too: 4h30m in one stretch
        assert answer.status == 400
        assert (
            f'x over-cap-recreated: on HighErrorRate (service="pair"), with silences {first_id} '
            in answer.json()
        )
        created = post(url, silence(("alertname", "HighErrorRate"), ("service", "pair-2"), minutes=30))
        assert created.status == 200
        assert created.json()["silenceID"] in ids(two)


def _until(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)

"""Approvals as actions of the gate, with a real Alertmanager 0.25 and the real amtool: a silence
that lacks only approvals is held as a pending request (kept in SQLite across a restart of the
gate), approved by the people who hold the roles (never its author, in any spelling), then
created with the gate's proof, which ``silence audit --verify-key`` checks."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oncall_policy.cli import main
from oncall_policy.gate import approvals
from oncall_policy.gate import proof as signing
from oncall_policy.gate.config import Approvals, GateConfig, Limits
from oncall_policy.gate.history_cache import listed_size
from oncall_policy.gate.pending import SqliteStore
from oncall_policy.silence import api, source
from oncall_policy.silence import comment as comments
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import BASIC, HASHES, PASSWORD, basic, call, gate, post, silence

pytestmark = pytest.mark.amtool

APPROVAL = re.compile(r"oncall-policy silence approve (?P<id>[0-9a-f-]+) --gate (?P<gate>\S+)")


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    signing.keygen(folder / "gate.key")
    return folder / "gate.key"


@pytest.fixture(scope="module")
def config(keys: Path, tmp_path_factory: pytest.TempPathFactory) -> GateConfig:
    database = tmp_path_factory.mktemp("db") / "pending.sqlite3"
    return GateConfig(auth=BASIC.auth, approvals=Approvals(database=str(database), key_file=str(keys)))


@pytest.fixture(scope="module")
def gated(upstream, config: GateConfig) -> str:
    with gate([upstream.url], config) as url:
        yield url


def held(answer) -> str:
    """The id of the pending request a refused write was turned into."""
    assert answer.status == 400, answer.body
    text = answer.json()
    assert text.startswith("PENDING APPROVAL: silence "), text
    return APPROVAL.search(text)["id"]


def approve(gated: str, request_id: str, who: str):
    return call(gated, "POST", f"/-/approvals/{request_id}", b"{}", basic(who))


def silence_of(upstream, silence_id: str) -> dict:
    return next(item for item in upstream.silences() if item["id"] == silence_id)


def test_amtool_shows_the_pending_request_and_the_cli_approves_it(amtool, upstream, gated, tmp_path):
    before = {item["id"] for item in upstream.silences()}
    url = gated.replace("http://", f"http://engineer-a%40clipper.app:{PASSWORD.replace(' ', '%20')}@")
    run = subprocess.run(
        [amtool, f"--alertmanager.url={url}", "silence", "add", "alertname=ServiceDown", "service=appr-1",
         "-d", "30m", "-c", "deployment in progress", "-a", "engineer-a@clipper.app"],
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.startswith(
        "amtool: error: [POST /silences][400] postSilencesBadRequest  PENDING APPROVAL: silence "
        'alertname="ServiceDown" service="appr-1" needs approval by manager; it is not created yet.\n'
    )
    assert "  may approve: manager-x@clipper.app, manager-y@clipper.app\n" in run.stderr
    found = APPROVAL.search(run.stderr)
    assert found["gate"] == gated
    assert f"      or open {gated}/-/approvals/{found['id']} in a browser\n" in run.stderr
    assert {item["id"] for item in upstream.silences()} == before

    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    pending = [sys.executable, "-m", "oncall_policy", "silence", "pending", "--gate", gated]
    anonymous = subprocess.run(pending, capture_output=True, text=True, check=False, timeout=30)
    assert anonymous.returncode == 1  # what is asked, and by whom, is for roster people only
    assert "authentication required" in anonymous.stderr
    assert "give --user and --password-file" in anonymous.stderr
    listed = subprocess.run(
        [*pending, "--user", "manager-x@clipper.app", "--password-file", str(secret)],
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert (
        f'{found["id"]}  alertname="ServiceDown" service="appr-1"  by engineer-a@clipper.app' in listed.stdout
    )
    approved = subprocess.run(
        [sys.executable, "-m", "oncall_policy", "silence", "approve", found["id"], "--gate", gated,
         "--user", "manager-x@clipper.app", "--password-file", str(secret)],
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    silence_id = approved.stdout.strip().removeprefix("approved; the gate created silence ")
    created = silence_of(upstream, silence_id)
    assert created["createdBy"] == "engineer-a@clipper.app"
    recorded = comments.parse(created["comment"])
    assert recorded is not None
    assert (recorded.text, recorded.entries) == ("deployment in progress", "manager-x@clipper.app (manager)")
    listed_after = call(gated, "GET", "/-/approvals", None, basic("manager-x@clipper.app")).json()
    assert found["id"] not in [r["id"] for r in listed_after]


def test_another_violation_is_refused_outright(upstream, gated):
    answer = post(gated, silence(("alertname", "ServiceDown"), ("service", "appr-2"), comment="annoying"))
    assert answer.status == 400
    assert answer.json().startswith("REJECTED: ")
    assert "appr-2" not in json.dumps(
        call(gated, "GET", "/-/approvals", None, basic("manager-x@clipper.app")).json()
    )


def test_the_author_cannot_approve_in_any_spelling_and_a_non_holder_cannot(upstream, gated):
    request_id = held(post(gated, silence(("alertname", "ServiceDown"), ("service", "appr-3"), author="manager-x@clipper.app"), "manager-x@clipper.app"))  # fmt: skip
    for who in ("manager-x@clipper.app", "Manager-X@CLIPPER.app"):
        answer = approve(gated, request_id, who)
        assert answer.status == 403
        assert "asked for this silence and cannot approve it" in answer.json()["message"]
    answer = approve(gated, request_id, "engineer-b@clipper.app")
    assert answer.status == 403
    assert answer.json()["message"] == (
        "engineer-b@clipper.app holds none of the roles this request waits for (manager); "
        "ask manager-y@clipper.app"
    )
    assert approve(gated, request_id, "outsider@example.com").status == 403  # not a roster person
    assert call(gated, "POST", f"/-/approvals/{request_id}", b"{}").status == 401


def test_every_role_approves_in_turn_and_another_spelling_counts_as_the_person(upstream, gated, keys):
    request_id = held(post(gated, silence(("alertname", "SQLInjectionAttempt"), ("service", "appr-4"))))
    first = approve(gated, request_id, "Manager-X@CLIPPER.app")
    assert first.json() == {"id": request_id, "status": "pending", "waitingFor": ["security-team"]}
    again = approve(gated, request_id, "manager-x@clipper.app")  # the same person: counted once
    assert again.json()["waitingFor"] == ["security-team"]
    done = approve(gated, request_id, "security@clipper.app").json()
    assert done["status"] == "created"
    created = silence_of(upstream, done["silenceID"])
    assert (
        "[approved-by: manager-x@clipper.app (manager), security@clipper.app (security-team); proof: "
        in (created["comment"])
    )
    assert signing_ok(created, keys)
    assert approve(gated, request_id, "security@clipper.app").status == 404  # created: gone


def signing_ok(item: dict, keys: Path) -> bool:
    from oncall_policy.silence import proof  # noqa: PLC0415

    return proof.unproven(item, proof.public_key(f"{keys}.pub")) is None


def test_a_request_survives_a_restart_of_the_gate(upstream, config):
    with gate([upstream.url], config) as first:
        request_id = held(post(first, silence(("alertname", "ServiceDown"), ("service", "appr-5"))))
    with gate([upstream.url], config) as second:
        listed = call(second, "GET", "/-/approvals", None, basic("manager-x@clipper.app"))
        assert request_id in [r["id"] for r in listed.json()]
        answer = approve(second, request_id, "manager-x@clipper.app")
        assert answer.status == 200, answer.body
        assert answer.json()["status"] == "created"


def test_the_browser_page_approves_only_with_its_token_and_origin(upstream, gated):
    request_id = held(post(gated, silence(("alertname", "ServiceDown"), ("service", "appr-6"))))
    page = call(gated, "GET", f"/-/approvals/{request_id}", headers=basic("manager-x@clipper.app"))
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.body.decode())[1]
    form = {"Content-Type": "application/x-www-form-urlencoded", **basic("manager-x@clipper.app")}
    path = f"/-/approvals/{request_id}"
    assert call(gated, "POST", path, b"token=forged", form).status == 403
    assert (
        call(gated, "POST", path, f"token={token}".encode(), {**form, "Origin": "http://evil.example"}).status
        == 403
    )
    plain = {**basic("manager-x@clipper.app"), "Content-Type": "text/plain"}
    assert call(gated, "POST", path, b"{}", plain).status == 403  # a simple cross-site request
    other = call(gated, "POST", path, f"token={token}".encode(), {**form, **basic("security@clipper.app")})
    assert other.status == 403  # a token is one person's
    answer = call(gated, "POST", path, f"token={token}".encode(), {**form, "Origin": gated})
    assert answer.status == 200
    assert "Approved. The silence is created: " in answer.body.decode()


def audit(upstream, key: str, capsys) -> tuple[int, str]:
    status = main(
        [
            "silence",
            "audit",
            "--policy",
            str(CLIPPER),
            "--alertmanager.url",
            upstream.url,
            "--verify-key",
            key,
        ]
    )
    return status, capsys.readouterr().out


def test_audit_verify_key_flags_tampered_unproven_and_forged_approvals(
    upstream, gated, keys, tmp_path, capsys
):
    request_id = held(post(gated, silence(("alertname", "ServiceDown"), ("service", "appr-7"))))
    genuine = silence_of(upstream, approve(gated, request_id, "manager-x@clipper.app").json()["silenceID"])
    body = {key: genuine[key] for key in ("matchers", "startsAt", "endsAt", "createdBy", "comment")}
    tampered = upstream.post(
        {**body, "comment": genuine["comment"].replace("deployment in progress", "planned downtime")}
    )
    widened = upstream.post({**body, "matchers": [{**genuine["matchers"][0], "value": "appr-.*", "isRegex": True}, *genuine["matchers"][1:]]})  # fmt: skip
    typed = upstream.post(
        {**body, "comment": "deployment in progress [approved-by: manager-x@clipper.app (manager)]"}
    )
    signing.keygen(tmp_path / "other.key")
    other = signing.read(tmp_path / "other.key")
    recorded = comments.parse(genuine["comment"])
    from oncall_policy.silence import api  # noqa: PLC0415

    request = api.from_api({**genuine, "comment": recorded.text})
    forged_proof = other.sign(
        request.matchers, request.starts_at, request.ends_at, request.author, recorded.text, recorded.entries
    )
    forged = upstream.post(
        {**body, "comment": f"{recorded.text} [approved-by: {recorded.entries}; proof: {forged_proof}]"}
    )

    status, out = audit(upstream, f"{keys}.pub", capsys)
    assert status == 1
    flagged = {line.split(" ", 2)[1] for line in out.splitlines() if line.startswith("silence ")}
    assert {tampered, widened, typed, forged} <= flagged
    assert genuine["id"] not in flagged
    assert out.count("unproven-approval: the approvals it records are not proven: ") == 4
    assert (
        "x unproven-approval: the approvals it records are not proven: its comment records approvals without the gate's proof"
        in out
    )

    without = main(["silence", "audit", "--policy", str(CLIPPER), "--alertmanager.url", upstream.url])
    assert "unproven-approval" not in capsys.readouterr().out
    assert without in (0, 1)


def test_a_request_past_its_expiry_is_gone_and_purged(tmp_path):
    from oncall_policy.gate import pending  # noqa: PLC0415

    store = pending.open_store(f"sqlite:///{tmp_path}/p.sqlite3")
    old = pending.Request("old", {}, "a@x", {"manager": ("p1",)}, (), created=100.0, expires=200.0)
    store.add(old)
    assert store.get("old", 150.0) == old
    assert store.get("old", 200.0) is None
    store.add(old.replace(id="new", created=300.0, expires=400.0))  # adding purges the expired
    assert [r.id for r in store.listing(0.0)] == ["new"]
    assert store.claim("new", 350.0) is not None
    assert store.claim("new", 350.0) is None  # one instance creates it
    store.close()
    # The whole contract, on SQLite and on a real PostgreSQL: tests/test_gate_pending_stores.py.


def test_a_proof_is_its_version_start_and_signature(keys):
    from oncall_policy.silence import proof  # noqa: PLC0415

    encoded = proof.encode(-5, bytes(64))
    assert len(encoded) == 98
    assert proof.decode(encoded) == (-5, bytes(64))
    assert proof.decode(encoded[:-2]) is None
    assert proof.decode("!!") is None
    assert comments.read("x [approved-by: a@x (manager); proof: AQ-_]") == ("x", ("a@x",))
    assert (keys.stat().st_mode & 0o777, Path(f"{keys}.pub").stat().st_mode & 0o777) == (0o600, 0o644)


@pytest.mark.parametrize("host", [b"\xff\xfe.example", b"evil.example/path?x=", b"a b", b""])
def test_an_approve_link_never_carries_a_host_that_is_no_host(gated, host):
    """Without ``approvals.url`` the link is made from ``Host`` only when that is a host (and
    port); otherwise from the address the request came in on."""
    port = int(gated.rsplit(":", 1)[1])
    body = json.dumps(silence(("alertname", "ServiceDown"), ("service", f"appr-host-{len(host)}"))).encode()
    auth = basic("engineer-a@clipper.app")["Authorization"].encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/v2/silences HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (host, auth, len(body), body)
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), head
    found = APPROVAL.search(json.loads(payload))
    assert found["gate"] == f"http://127.0.0.1:{port}"


def test_one_persons_requests_waiting_for_approval_count_in_their_share(upstream, keys, tmp_path):
    """Requests held for approval had no bound (red team: one engineer held 400 of 1 MB in 38 s,
    and a listing of them held every other client for 5.5 s): they count in the share of the
    listing one person may take (``limits.listed_per_person``), as the silences they become."""
    config = GateConfig(
        auth=BASIC.auth,
        limits=Limits(listed_per_person=2 * 1024 * 1024),
        approvals=Approvals(database=str(tmp_path / "pending.sqlite3"), key_file=str(keys)),
    )
    long_comment = "deployment in progress " + "x" * 900_000
    with gate([upstream.url], config) as url:
        statuses = [
            post(url, silence(("alertname", "ServiceDown"), ("service", f"flood-{n}"), comment=long_comment))
            for n in range(3)
        ]
        # nor a write that needs no approval (counted only when one more was held, a person
        # could take twice their share once the requests were approved)
        plain = post(url, silence(("alertname", "HighErrorRate"), ("service", "plain"), comment=long_comment))
        # another person is not held to the first one's share
        other = silence(("alertname", "ServiceDown"), ("service", "other"), author="engineer-b@clipper.app")
        assert post(url, other, as_who="engineer-b@clipper.app").status == 400
    assert [answer.status for answer in statuses] == [400, 400, 429]  # held, held, then past 2 MiB
    assert "your requests waiting for approval" in statuses[2].json()["message"]
    assert plain.status == 429, plain.body


def test_a_request_approved_under_a_stricter_policy_waits_for_the_new_role(upstream, keys, tmp_path):
    """Held while P1 needed a manager, approved after a reload that asks the security team too:
    the manager's approval covered what it was held for, so it was judged again, found to lack
    the new role, and dropped (409; red team). It now waits for the security team, who create it."""

    policy = tmp_path / "policy.yaml"
    text = CLIPPER.read_text()
    held_for = "      max_duration: 1h\n      approvals: [manager]\n"
    assert text.count(held_for) == 1
    policy.write_text(text)
    database = tmp_path / "pending.sqlite3"
    config = GateConfig(auth=BASIC.auth, approvals=Approvals(database=str(database), key_file=str(keys)))
    rules = source.load(str(policy)).rules
    with gate([upstream.url], config, rules=rules, policy=str(policy), watch_interval=0.1) as url:
        request_id = held(post(url, silence(("alertname", "ServiceDown"), ("service", "stricter"))))
        policy.write_text(text.replace(held_for, held_for.replace("[manager]", "[manager, security-team]")))
        reloaded(url)
        first = approve(url, request_id, "manager-x@clipper.app")
        second = approve(url, request_id, "security@clipper.app")
    assert first.status == 200, first.body
    assert first.json() == {"id": request_id, "status": "pending", "waitingFor": ["security-team"]}
    assert second.status == 200, second.body
    assert second.json()["status"] == "created"
    assert "security@clipper.app" in silence_of(upstream, second.json()["silenceID"])["comment"]


def test_a_role_approved_before_a_reload_that_moved_it_is_asked_again(upstream, keys, tmp_path, monkeypatch):
    """The security team approved; a reload moved the role to another person; the manager
    approved. The request counted the role as covered (recorded before the reload), the
    judgement under the policy in force did not, and the request was dropped (409), though the
    role's new holder could approve it (red team). It waits for the role again."""
    monkeypatch.setitem(HASHES, "platform@clipper.app", HASHES["security@clipper.app"])
    policy = tmp_path / "policy.yaml"
    text = CLIPPER.read_text()
    was = "email: security@clipper.app, roles: [security-team]"
    moved = "email: platform@clipper.app, roles: [platform-team]"
    assert text.count(was) == text.count(moved) == 1
    policy.write_text(text)
    database = tmp_path / "pending.sqlite3"
    config = GateConfig(auth=BASIC.auth, approvals=Approvals(database=str(database), key_file=str(keys)))
    rules = source.load(str(policy)).rules
    with gate([upstream.url], config, rules=rules, policy=str(policy), watch_interval=0.05) as url:
        request_id = held(post(url, silence(("alertname", "SuspiciousSecurityEvent"), ("service", "moved"))))
        first = approve(url, request_id, "security@clipper.app")
        policy.write_text(
            text.replace(was, "email: security@clipper.app, roles: [platform-team]").replace(
                moved, "email: platform@clipper.app, roles: [platform-team, security-team]"
            )
        )
        reloaded(url)
        second = approve(url, request_id, "manager-x@clipper.app")
        third = approve(url, request_id, "platform@clipper.app")
    assert first.json()["waitingFor"] == ["manager"]
    assert second.status == 200, second.body
    assert second.json() == {"id": request_id, "status": "pending", "waitingFor": ["security-team"]}
    assert third.status == 200, third.body
    assert third.json()["status"] == "created"
    comment = silence_of(upstream, third.json()["silenceID"])["comment"]
    assert "platform@clipper.app (security-team)" in comment
    assert "security@clipper.app (security-team)" not in comment


def reloaded(url: str) -> None:
    """Wait until the gate at ``url`` has put a changed policy in force."""
    deadline = time.monotonic() + 10
    done = 'oncall_policy_gate_policy_reloads_total{result="success"} 1.0'
    while done not in call(url, "GET", "/metrics").body.decode():
        assert time.monotonic() < deadline, "the changed policy was not reloaded"
        time.sleep(0.05)


def test_a_held_request_counts_at_least_what_its_approved_silence_takes(upstream, keys, tmp_path):
    """Held, a request counted as the silence it was; created, the comment carries the approvals
    and the gate's proof: 574 bytes counted, 606 listed, 650 by the gate's own count (red team).
    Its count now makes room for that record."""
    database = tmp_path / "pending.sqlite3"
    config = GateConfig(auth=BASIC.auth, approvals=Approvals(database=str(database), key_file=str(keys)))
    service = "counted-held"
    with gate([upstream.url], config) as url:
        body = silence(
            ("alertname", "SuspiciousSecurityEvent"), ("service", service), comment="Planned downtime"
        )
        request_id = held(post(url, body))
        store = SqliteStore(str(database))
        try:
            counted = store.held_size("engineer-a@clipper.app", time.time())
        finally:
            store.close()
        approve(url, request_id, "manager-x@clipper.app")
        created = approve(url, request_id, "security@clipper.app")
    assert created.json()["status"] == "created", created.body
    item = silence_of(upstream, created.json()["silenceID"])
    assert counted >= len(json.dumps(item, separators=(",", ":")))  # as Alertmanager lists it
    assert counted >= listed_size(api.from_api(item))  # as the gate counts it once created


def test_one_persons_many_requests_hide_no_one_elses_from_the_approvers(upstream, keys, tmp_path):
    """The list of pending requests shows the oldest 200: one engineer's 200, held again before
    they expired, kept everyone else's off it (red team). It shows at most 20 of one author's."""
    database = tmp_path / "pending.sqlite3"
    config = GateConfig(auth=BASIC.auth, approvals=Approvals(database=str(database), key_file=str(keys)))
    with gate([upstream.url], config) as url:
        flood = silence(("alertname", "ServiceDown"), ("service", "noise"), author="engineer-b@clipper.app")
        for _ in range(approvals.MAX_LISTED):
            assert post(url, flood, as_who="engineer-b@clipper.app").status == 400
        asked = held(post(url, silence(("alertname", "ServiceDown"), ("service", "checkout"))))
        listing = call(url, "GET", "/-/approvals", None, basic("manager-x@clipper.app"))
    assert listing.status == 200, listing.body
    shown = [item["id"] for item in listing.json()]
    assert asked in shown
    assert len(shown) == approvals.MAX_LISTED_EACH + 1

"""``silence audit`` and ``check-files`` against a multi-tenant Alertmanager: a gateway in front
of a real Alertmanager that, as Mimir's and Cortex's do, answers only requests that name their
tenant (``X-Scope-OrgID``) and authenticate (here basic auth from amtool's HTTP config file)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oncall_policy.cli import main
from oncall_policy.gate.config import GateConfig, Upstream
from oncall_policy.silence import client
from tests import http_servers
from tests.conftest import CLIPPER
from tests.gate_support import BASIC as GATE_BASIC
from tests.gate_support import basic, call, gate, post
from tests.gate_support import silence as silence_body
from tests.test_silence_http import BASIC, config_file, silence

pytestmark = pytest.mark.amtool
TENANT = "clipper-prod"


def _gateway(upstream: str):
    def answer(handler: Any, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        if handler.headers.get("Authorization") != BASIC:
            return 401, b"unauthorized\n", {}
        if handler.headers.get(client.TENANT_HEADER) != TENANT:
            return 401, b"no org id\n", {}  # what Mimir answers without the header
        return http_servers.forward(upstream + handler.path, handler, body)

    return http_servers.serve(answer)


def _audit(url: str, *extra: str) -> int:
    return main(["silence", "audit", "--policy", str(CLIPPER), "--alertmanager.url", url, *extra])


def test_audit_names_the_tenant_on_every_request_and_expires_through_it(alertmanager, tmp_path, capsys):
    kept = alertmanager.post(silence())
    broken = alertmanager.post({**silence(hours=24 * 30), "comment": "alert is annoying"})
    auth = config_file(tmp_path, "basic_auth:\n  username: alice\n  password: s3cret\n")
    with _gateway(alertmanager.url) as (url, log):
        assert _audit(url, "--http.config.file", auth) == 4  # no tenant: cannot audit, never "clean"
        assert "no org id" in capsys.readouterr().err
        assert _audit(url, "--http.config.file", auth, "--tenant", TENANT, "--expire") == 1
    out = capsys.readouterr()
    assert broken in out.out
    assert f"expired {broken}" in out.err
    assert [(e["method"], e["headers"].get(client.TENANT_HEADER)) for e in log] == [
        ("GET", None),
        ("GET", TENANT),
        ("DELETE", TENANT),
    ]
    states = {s["id"]: s["status"]["state"] for s in alertmanager.silences()}
    assert (states[kept], states[broken]) == ("active", "expired")


def test_check_files_reads_the_tenants_history(alertmanager, tmp_path, capsys):
    alertmanager.post(silence())
    request = tmp_path / "silence.json"
    request.write_text(json.dumps(silence()))
    auth = config_file(tmp_path, "basic_auth:\n  username: alice\n  password: s3cret\n")
    with _gateway(alertmanager.url) as (url, log):
        arguments = ["silence", "check-files", "--policy", str(CLIPPER), "--alertmanager.url", url]
        main([*arguments, "--http.config.file", auth, "--tenant", TENANT, str(request)])
    assert "cannot" not in capsys.readouterr().err
    assert [e["headers"].get(client.TENANT_HEADER) for e in log] == [TENANT]


def test_the_gate_names_its_tenant_and_credentials_on_every_request_and_no_client_picks_another(
    alertmanager, tmp_path
):
    (tmp_path / "password").write_text("s3cret\n")
    secret = str(tmp_path / "password")
    upstream = Upstream(tenant=TENANT, basic_auth={"username": "alice", "password_file": secret})
    config = GateConfig(auth=GATE_BASIC.auth, upstream=upstream)
    with _gateway(alertmanager.url) as (url, log), gate([url], config) as gated:
        other_tenant = {"X-Scope-OrgID": "someone-else", **basic("engineer-a@clipper.app")}
        read = call(gated, "GET", "/api/v2/silences", None, other_tenant)
        created = post(gated, silence_body(("alertname", "HighErrorRate"), ("service", "tenant")))
    assert read.status == 200, read.body
    assert created.status == 200, created.body
    assert created.json()["silenceID"] in {s["id"] for s in alertmanager.silences()}
    assert log  # the listing, the read and the creation
    assert {(e["headers"].get(client.TENANT_HEADER), e["headers"].get("Authorization")) for e in log} == {
        (TENANT, BASIC)
    }


def test_the_gate_refuses_to_start_without_its_upstream_credential(tmp_path, capsys):
    (tmp_path / "gate.toml").write_text('[upstream]\ntenant = "t"\nbearer_token_file = "missing-token"\n')
    argv = ["gate", "--policy", str(CLIPPER), "--upstream", "http://127.0.0.1:9", "--config"]
    assert main([*argv, str(tmp_path / "gate.toml")]) == 1
    err = capsys.readouterr().err
    assert "missing-token: cannot read the upstream credential" in err
    assert "Traceback" not in err


def test_add_reads_history_creates_and_reads_back_in_the_tenant(alertmanager, tmp_path, capsys):
    auth = config_file(tmp_path, "basic_auth:\n  username: alice\n  password: s3cret\n")
    argv = ["silence", "add", "--policy", str(CLIPPER), "alertname=HighErrorRate", "service=tenant-add"]
    argv += ["-d", "1h", "-c", "deployment in progress", "-a", "engineer-a@clipper.app"]
    with _gateway(alertmanager.url) as (url, log):
        assert main([*argv, "--alertmanager.url", url, "--http.config.file", auth]) == 1  # no tenant
        assert "no org id" in capsys.readouterr().out
        assert main([*argv, "--alertmanager.url", url, "--http.config.file", auth, "--tenant", TENANT]) == 0
    silence_id = capsys.readouterr().out.strip()
    [created] = [s for s in alertmanager.silences() if s["id"] == silence_id]
    assert created["createdBy"] == "engineer-a@clipper.app"
    assert {"name": "service", "value": "tenant-add", "isRegex": False, "isEqual": True} in created[
        "matchers"
    ]
    tenanted = [(e["method"], e["headers"].get(client.TENANT_HEADER)) for e in log[1:]]
    assert tenanted == [("GET", TENANT), ("POST", TENANT), ("GET", TENANT)]  # history, create, read back

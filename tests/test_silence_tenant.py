"""``silence audit`` and ``check-files`` against a multi-tenant Alertmanager: a gateway in front
of a real Alertmanager that, as Mimir's and Cortex's do, answers only requests that name their
tenant (``X-Scope-OrgID``) and authenticate (here basic auth from amtool's HTTP config file)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oncall_policy.cli import main
from oncall_policy.silence import client
from tests import http_servers
from tests.conftest import CLIPPER
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

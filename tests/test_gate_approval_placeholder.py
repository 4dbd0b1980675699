"""Red team, fixed: ``HistoryCache.created_from`` looks through every entry of the cache,
the gate's own placeholders included. An approved silence Alertmanager gave no answer for in
time is kept as history under a token (``taken_perhaps``: ``perhaps-N``), with the approval
record in its comment. The same silence asked for again (a retry of a timed-out request: the
same matchers, times and comment) and approved is then "found" as that token: the approver is
told ``{"status": "created", "silenceID": "perhaps-1"}``, no silence id at all, the request is
closed, and nothing is created, though Alertmanager never took the first one.

Now: a placeholder is never answered as a silence id; the approved silence is created (or
the answer says its fate is unknown)."""

from __future__ import annotations

import http.client
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from oncall_policy.gate import proof as signing
from oncall_policy.gate.config import Approvals, GateConfig, Limits
from tests.alertmanager_server import running
from tests.gate_support import BASIC, basic, call, gate, post, silence
from tests.test_gate_approvals import held

pytestmark = pytest.mark.amtool


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


@pytest.fixture
def config(tmp_path: Path) -> GateConfig:
    signing.keygen(tmp_path / "gate.key")
    approvals = Approvals(database=str(tmp_path / "pending.sqlite3"), key_file=str(tmp_path / "gate.key"))
    limits = Limits(upstream_timeout=timedelta(seconds=1))
    return GateConfig(auth=BASIC.auth, approvals=approvals, limits=limits)


class Stalling:
    posts = 0  # how many silence creations to hold past the gate's timeout, never forwarded


@contextmanager
def stalling_proxy(target: str, stalling: Stalling) -> Iterator[str]:
    parts = urlsplit(target)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.command == "POST" and self.path.startswith("/api/v2/silences") and stalling.posts > 0:
                stalling.posts -= 1
                time.sleep(2)  # past the gate's 1 s timeout; Alertmanager never sees it
                self.close_connection = True
                return
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            connection.close()
            self.send_response(response.status)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Type", response.getheader("Content-Type") or "text/plain")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _handle  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def taken(upstream, service: str) -> list[dict]:
    return [
        s
        for s in upstream.silences()
        if any(m["name"] == "service" and m["value"] == service for m in s["matchers"])
    ]


def test_a_placeholder_of_unknown_fate_is_never_answered_as_the_created_silence(upstream, config):
    stalling = Stalling()
    manager = basic("manager-x@clipper.app")
    asked = silence(("alertname", "ServiceDown"), ("service", "token-1"), start=timedelta(minutes=5))
    with stalling_proxy(upstream.url, stalling) as proxied, gate([proxied], config) as url:
        first_id = held(post(url, asked))
        stalling.posts = 1
        first = call(url, "POST", f"/-/approvals/{first_id}", b"{}", manager)
        assert first.status == 504, first.body  # no answer in time: fate unknown, request closed
        assert taken(upstream, "token-1") == []  # ... and Alertmanager never took it
        again = post(url, asked)  # the author asks again, as told
        second_id = held(again)
        second = call(url, "POST", f"/-/approvals/{second_id}", b"{}", manager)
    said = second.json()
    assert not str(said.get("silenceID", "")).startswith(("perhaps-", "reserved-")), second.body
    assert len(taken(upstream, "token-1")) == 1, second.body

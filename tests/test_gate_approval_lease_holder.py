"""Red team, fixed: the lease is each gate's own (``ApprovalDesk.lease``: from its own
``upstream_timeout`` and peers), and a claim is judged stalled by the lease of the gate that
looks, not of the gate that holds it. Two gates on one database, one with a longer upstream
timeout (a far region, a slow network: 4 x timeout x (peers + 2)), the other the default: the
second's sweep takes over a creation the first is still, legitimately, carrying out within its
own timeouts, and both create the silence. Nothing fences the first gate's send (its claim is
not looked at again before the silence goes to Alertmanager).

Here the base lease is 1 s (as ``test_gate_stalled_creations`` sets it) so that the test is
short: gate A (timeout 5 s, lease 60 s) sends through a network that takes 4 s to deliver; gate
B (timeout 0.25 s, lease 3 s) starts 3.5 s after A's claim, and its sweep creates the silence.

Now: one silence."""

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

from oncall_policy.gate import approvals as approvals_module
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


@contextmanager
def slow_posts(target: str, delay: float) -> Iterator[str]:
    """Forwards to ``target``; a silence creation is delivered ``delay`` seconds late."""
    parts = urlsplit(target)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.command == "POST":
                time.sleep(delay)
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


def test_a_gate_with_shorter_timeouts_does_not_take_over_a_creation_under_way(
    upstream, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(approvals_module, "LEASE_SECONDS", 1.0)
    signing.keygen(tmp_path / "gate.key")
    approvals = Approvals(database=str(tmp_path / "pending.sqlite3"), key_file=str(tmp_path / "gate.key"))
    far = GateConfig(
        auth=BASIC.auth, approvals=approvals, limits=Limits(upstream_timeout=timedelta(seconds=5))
    )
    near = GateConfig(
        auth=BASIC.auth, approvals=approvals, limits=Limits(upstream_timeout=timedelta(seconds=0.25))
    )
    answers = []
    with gate([upstream.url], far) as direct:
        request_id = held(post(direct, silence(("alertname", "ServiceDown"), ("service", "lease-x"))))
    with slow_posts(upstream.url, 4.0) as slow, gate([slow], far) as a:
        approving = threading.Thread(
            target=lambda: answers.append(
                call(a, "POST", f"/-/approvals/{request_id}", b"{}", basic("manager-x@clipper.app"), 30)
            )
        )
        approving.start()
        time.sleep(3.5)
        with gate([upstream.url], near):
            time.sleep(1.5)  # its sweep, as it starts
        approving.join(30)
    made = taken(upstream, "lease-x")
    assert len(made) == 1, f"A answered {answers[0].body if answers else None!r}; {len(made)} silences made"

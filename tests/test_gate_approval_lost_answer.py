"""Red team, fixed: Alertmanager takes an approved silence, but the connection drops before
its answer reaches the gate (a proxy or load balancer between them reset, the peer restarted
after committing). ``Upstreams.create`` says of that case that the peer "may have taken the
silence", yet it reports it as ``UnreachableError``, and ``ApprovalDesk._not_created`` takes
"every failure unreachable" to mean "no peer got it": the request is released (back to pending,
all approvals in), the approver is told "no Alertmanager took the silence", and approving again
creates the silence a second time: the gate's history cache (fresh for ``history_max_age``) has
not listed the first one, so neither ``created_from`` nor the history rules see it.

Now: the request is closed as of unknown fate (as after a timeout: ``_perhaps``), and
approving again never creates a second silence."""

from __future__ import annotations

import http.client
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from oncall_policy.gate import proof as signing
from oncall_policy.gate.config import Approvals, GateConfig
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
    return GateConfig(auth=BASIC.auth, approvals=approvals)


class Dropper:
    """How many silence creations to pass to Alertmanager, then hang up on without an answer."""

    drops = 0


@contextmanager
def dropping_proxy(target: str, dropper: Dropper) -> Iterator[str]:
    """Forwards everything to ``target`` (a real Alertmanager); while ``dropper.drops`` > 0, a
    ``POST /api/v2/silences`` is forwarded and answered by Alertmanager, and then the client's
    connection is closed without the answer."""
    parts = urlsplit(target)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            connection.close()
            if self.command == "POST" and self.path.startswith("/api/v2/silences") and dropper.drops > 0:
                dropper.drops -= 1
                self.close_connection = True  # Alertmanager took it; its answer is lost
                return
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


def test_an_approved_silence_whose_answer_was_lost_is_not_created_again(upstream, config):
    dropper = Dropper()
    manager = basic("manager-x@clipper.app")
    with dropping_proxy(upstream.url, dropper) as proxied, gate([proxied], config) as url:
        request_id = held(post(url, silence(("alertname", "ServiceDown"), ("service", "lost-1"))))
        dropper.drops = 1
        first = call(url, "POST", f"/-/approvals/{request_id}", b"{}", manager)
        assert len(taken(upstream, "lost-1")) == 1  # Alertmanager took it
        # The gate says nothing was taken, and asks the approver to approve again; they do, at once.
        again = call(url, "POST", f"/-/approvals/{request_id}", b"{}", manager)
    made = taken(upstream, "lost-1")
    assert len(made) == 1, (
        f"first answer {first.status} {first.body!r}; again {again.status} {again.body!r}; "
        f"{len(made)} silences made: {[s['id'] for s in made]}"
    )

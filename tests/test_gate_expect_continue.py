"""``Expect: 100-continue``: the gate says "continue" only to a request whose body it will read.

curl sends the header with any body over 1 KiB and waits for the interim answer before sending
it. The gate told every client to continue (aiohttp's own handler), then refused the write
unread: a body for nothing, from anyone. Now a write without authentication is answered 401,
a body announced past the limit 413 and an alert from a peer not allowed to send any 403, before
a byte of the body is sent; an authenticated write is told to continue and judged. Raw sockets:
what is asked is the order of bytes on the connection."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest

from tests.gate_support import basic, gate, silence

pytestmark = pytest.mark.amtool


def _first_answer(
    url: str, method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[bytes, bytes]:
    """The status line the gate sends after the headers alone, and, if it said continue, the
    status line of its final answer once the body follows."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = {"Host": parts.netloc, "Content-Type": "application/json", "Content-Length": str(len(body))}
        lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in {**head, **headers}.items())]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        reader = sock.makefile("rb")
        first = reader.readline().strip()
        if not first.startswith(b"HTTP/1.1 100"):
            return first, b""
        assert reader.readline() == b"\r\n"
        sock.sendall(body)
        return first, reader.readline().strip()


@pytest.fixture(scope="module")
def served(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    from tests.alertmanager_server import running  # noqa: PLC0415

    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server, gate([server.url]) as url:
        yield url, server


@pytest.fixture
def gated(served) -> str:
    return served[0]


BODY = json.dumps(
    silence(("alertname", "HighErrorRate"), minutes=30, comment="deployment " + "x" * 2000)
).encode()
EXPECT = {"Expect": "100-continue"}


def test_a_write_without_authentication_is_refused_before_its_body(gated: str):
    first, _ = _first_answer(gated, "POST", "/api/v2/silences", EXPECT, BODY)
    assert first.startswith(b"HTTP/1.1 401"), first


def test_a_body_past_the_limit_is_refused_before_it_is_sent(gated: str):
    huge = b"x" * (2 * 1024 * 1024)
    first, _ = _first_answer(
        gated, "POST", "/api/v2/silences", {**EXPECT, **basic("engineer-a@clipper.app")}, huge
    )
    assert first.startswith(b"HTTP/1.1 413"), first


def test_an_alert_from_a_peer_not_allowed_is_refused_before_its_body(gated: str):
    first, _ = _first_answer(gated, "POST", "/api/v2/alerts", EXPECT, b"[]" + b" " * 2000)
    assert first.startswith(b"HTTP/1.1 403"), first


def test_an_authenticated_write_is_told_to_continue_and_judged(gated: str):
    first, final = _first_answer(
        gated, "POST", "/api/v2/silences", {**EXPECT, **basic("engineer-a@clipper.app")}, BODY
    )
    assert first == b"HTTP/1.1 100 Continue"
    assert final.startswith(b"HTTP/1.1 200"), final


def test_an_approval_without_authentication_is_refused_before_its_body(gated: str):
    first, _ = _first_answer(gated, "POST", "/-/approvals/some-id", EXPECT, b"{}" + b" " * 2000)
    assert first.startswith(b"HTTP/1.1 401"), first


def test_a_write_told_to_continue_is_still_judged_on_its_body(served):
    """Over every cap (30 days): told to continue (it is authenticated), then refused on what the
    body says, and Alertmanager holds nothing of it."""
    gated, server = served
    body = silence(("alertname", "HighErrorRate"), ("service", "expect-over-cap"), minutes=30 * 24 * 60)
    sent = json.dumps({**body, "comment": "deployment " + "x" * 2000}).encode()
    first, final = _first_answer(
        gated, "POST", "/api/v2/silences", {**EXPECT, **basic("engineer-a@clipper.app")}, sent
    )
    assert first == b"HTTP/1.1 100 Continue"
    assert final.startswith(b"HTTP/1.1 400"), final
    held = [s for s in server.silences() if any(m["value"] == "expect-over-cap" for m in s["matchers"])]
    assert held == []

"""Request bodies under way cost the client that sends them, not the gate nor its other clients
(red team): a body where Alertmanager reads none is refused before it holds a connection to
Alertmanager, and the bodies of silence writes under way are bounded in all and by person
(``bodies.Budget``). With a real Alertmanager 0.25 behind the gate."""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import ExitStack, suppress
from datetime import timedelta
from pathlib import Path

import pytest

from oncall_policy.gate import bodies
from tests.gate_support import basic, call, gate, limited, post, silence

HELD = 300  # unfinished requests kept in flight: more than a client pool's 128 per host
MIB = 1024 * 1024


def _starve(host: str, port: int, stop: threading.Event) -> None:
    """Keep ``HELD`` reads whose announced body never comes in flight through the gate, sending
    another as each is answered or closed."""
    held: list[socket.socket] = []
    head = b"GET /api/v2/status HTTP/1.1\r\nHost: gate\r\nContent-Length: 100000\r\n\r\nx"
    try:
        while not stop.is_set():
            for sock in list(held):
                sock.setblocking(False)  # noqa: FBT003 - socket's own API
                try:
                    if sock.recv(65536) == b"":
                        raise ConnectionError
                except BlockingIOError:
                    continue
                except OSError:
                    pass
                held.remove(sock)
                sock.close()
            while len(held) < HELD:
                sock = socket.create_connection((host, port), timeout=5)
                sock.sendall(head)
                held.append(sock)
            time.sleep(0.2)
    finally:
        for sock in held:
            with suppress(OSError):
                sock.close()


def test_unfinished_bodies_of_reads_starve_no_honest_write_nor_read(alertmanager):
    """Passed on as they came, 300 of them held every connection to Alertmanager: honest writes
    and reads got 504 for as long as they kept coming."""
    with gate([alertmanager.url], limited(upstream_timeout=timedelta(seconds=2))) as url:
        host, _, port = url.removeprefix("http://").partition(":")
        stop = threading.Event()
        attacker = threading.Thread(target=_starve, args=(host, int(port), stop), daemon=True)
        attacker.start()
        try:
            time.sleep(1)
            read = call(url, "GET", "/api/v2/status", timeout=30)
            write = post(url, silence(("alertname", "HighErrorRate"), ("service", "pool-honest"), minutes=30))
        finally:
            stop.set()
            attacker.join(10)
    assert write.status == 200, (write.status, write.body[:300])
    assert read.status == 200, (read.status, read.body[:300])


def test_a_body_where_alertmanager_reads_none_is_refused_saying_so(alertmanager):
    with gate([alertmanager.url]) as url:
        refused = call(url, "GET", "/api/v2/status", b'{"x": 1}')
        empty = call(url, "GET", "/api/v2/status", b"")
        expiry = call(url, "DELETE", "/api/v2/silence/nothing", b"{}", basic("engineer-a@clipper.app"))
    assert refused.status == 413, refused.body
    assert "reads no request body with GET /api/v2/status" in refused.json()["message"]
    assert empty.status == 200, empty.body
    assert expiry.status == 413, expiry.body


def _rss_mib() -> int:
    with Path(f"/proc/{os.getpid()}/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no VmRSS")


def _answer(sock: socket.socket) -> bytes:
    """The start of what the gate answered on ``sock`` (nothing: not answered yet)."""
    sock.setblocking(False)  # noqa: FBT003 - socket's own API
    try:
        return sock.recv(200)
    except OSError:
        return b""


def test_one_persons_unfinished_writes_take_a_bounded_share_of_memory(alertmanager):
    """Each held whole for ``body_timeout``, 100 unfinished writes of 1 MiB took 104 MiB."""
    with gate([alertmanager.url]) as url:
        host, _, port = url.removeprefix("http://").partition(":")
        assert post(url, silence(("alertname", "HighErrorRate"), ("service", "mem-warm"))).status == 200
        auth = basic("engineer-a@clipper.app")["Authorization"]
        head = (
            f"POST /api/v2/silences HTTP/1.1\r\nHost: gate\r\nAuthorization: {auth}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {MIB}\r\n\r\n"
        ).encode()
        almost = b" " * (MIB - 1)  # one byte short: a body under way
        before = _rss_mib()
        held: list[socket.socket] = []
        try:
            for _ in range(120):
                sock = socket.create_connection((host, int(port)), timeout=10)
                held.append(sock)
                with suppress(OSError):  # refused at once, the gate closes the connection
                    sock.sendall(head + almost)
            time.sleep(2)
            grown = _rss_mib() - before
            answers = [_answer(sock) for sock in held]
            honest = post(
                url,
                silence(
                    ("alertname", "HighErrorRate"), ("service", "mem-other"), author="engineer-b@clipper.app"
                ),
                "engineer-b@clipper.app",
            )
        finally:
            for sock in held:
                with suppress(OSError):
                    sock.close()
    refused = [answer for answer in answers if answer.startswith(b"HTTP/1.1 429")]
    assert len(refused) >= 120 - bodies.PER_PERSON, answers[:3]
    assert grown < 48, f"the gate's memory grew {grown} MiB for 120 unfinished bodies"
    assert honest.status == 200, honest.body  # another person writes meanwhile


def test_the_budget_counts_each_body_until_its_write_is_answered():
    budget = bodies.Budget(1000)  # the largest body: 1000 bytes
    with ExitStack() as mine:
        mine.enter_context(budget.reserved("a", 5000))  # counted as the largest it may be
        for _ in range(bodies.PER_PERSON - 1):
            mine.enter_context(budget.reserved("a", None))  # unannounced: the largest too
        with pytest.raises(bodies.BodyError) as full, budget.reserved("a", 1):
            pass
        assert full.value.status == 429
        with budget.reserved("b", 10):
            assert budget.taken == bodies.PER_PERSON * 1000 + 10
    assert budget.taken == 0
    with ExitStack() as everyone:
        for n in range(bodies.IN_ALL):
            everyone.enter_context(budget.reserved(f"person-{n}", 1000))
        with pytest.raises(bodies.BodyError) as crowded, budget.reserved("late", 1):
            pass
        assert crowded.value.status == 503
    assert budget.taken == 0

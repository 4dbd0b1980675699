"""Writes are judged one at a time and forwarded side by side: a write judged while an accepted one
is still on its way to Alertmanager is judged with it, and with nothing Alertmanager refused.

A real Alertmanager is behind the gate; between them, a relay (the fake: what these tests are not
about) holds each silence creation back for a while, or answers it itself, so that a second
write reaches the gate while the first is on its way.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.alertmanager_server import running
from tests.gate_support import Answer, gate, limited, post, silence

# Together one stretch of 5 hours on one alert: over the 4-hour cap, so the later one is refused
# when judged with the earlier (``over-cap-recreated``), and accepted alone.
FIRST = silence(("alertname", "HighErrorRate"), ("service", "side"), minutes=150)
SECOND = silence(("alertname", "HighErrorRate"), ("service", "side"), minutes=150, start=timedelta(hours=2))
# Decides what happens to a silence creation on its way: None forwards it to Alertmanager; LOST
# forwards it, then hangs up without its answer (Alertmanager took it; the gate is not told).
LOST = (0, b"lost")
Hold = Callable[[int], tuple[float, tuple[int, bytes] | None]]


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, amtool: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


@contextmanager
def holding_back(target: str, hold: Hold) -> Iterator[str]:
    """A relay to ``target`` that passes everything but silence creations straight through; the
    n-th creation (from 0) waits ``hold(n)[0]`` seconds, then is forwarded, or answered with the
    status and body ``hold(n)[1]`` without reaching Alertmanager, or (``LOST``) forwarded and its
    answer never passed back."""
    parts = urlsplit(target)
    creations = iter(range(1_000_000))
    lock = threading.Lock()

    class Relay(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._relay(None)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.startswith("/api/v2/silences"):
                with lock:
                    number = next(creations)
                wait, answer = hold(number)
                time.sleep(wait)
                if answer is LOST:
                    self._relay(body, answered=False)
                    return
                if answer is not None:
                    self._answer(*answer)
                    return
            self._relay(body)

        def _relay(self, body: bytes | None, *, answered: bool = True) -> None:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            try:
                sent = {"Content-Type": "application/json"} if body is not None else {}
                connection.request(self.command, self.path, body=body, headers=sent)
                response = connection.getresponse()
                answer = response.status, response.read()
            finally:
                connection.close()
            if not answered:
                self.close_connection = True
                return
            self._answer(*answer)

        def _answer(self, status: int, body: bytes) -> None:
            with suppress(BrokenPipeError, ConnectionResetError):  # the gate gave up waiting
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    relay = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    thread = threading.Thread(target=relay.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{relay.server_address[1]}"
    finally:
        relay.shutdown()
        relay.server_close()


def side_by_side(url: str, first: dict[str, object], second: dict[str, object]) -> tuple[Answer, Answer]:
    """``first`` posted, then ``second`` a moment later, while ``first`` is on its way."""
    with ThreadPoolExecutor(2) as pool:
        earlier = pool.submit(post, url, first)
        time.sleep(0.3)
        later = pool.submit(post, url, second)
        return earlier.result(), later.result()


def created(upstream, service: str) -> list[dict[str, object]]:
    return [
        s
        for s in upstream.silences()
        if {"name": "service", "value": service, "isRegex": False, "isEqual": True} in s["matchers"]
    ]


def renamed(data: dict[str, object], service: str) -> dict[str, object]:
    matchers = [
        {**m, "value": service} if m["name"] == "service" else m
        for m in data["matchers"]  # type: ignore[attr-defined]
    ]
    return {**data, "matchers": matchers}


def test_a_write_judged_while_an_accepted_one_is_on_its_way_is_judged_with_it(upstream):
    first, second = renamed(FIRST, "on-its-way"), renamed(SECOND, "on-its-way")
    with holding_back(upstream.url, lambda n: (1.5 if n == 0 else 0, None)) as relay, gate([relay]) as url:
        accepted, refused = side_by_side(url, first, second)
    assert accepted.status == 200, accepted.body
    assert refused.status == 400, refused.body
    assert "over-cap-recreated: on HighErrorRate" in refused.json()
    assert [s["id"] for s in created(upstream, "on-its-way")] == [accepted.json()["silenceID"]]


def test_a_write_alertmanager_refuses_counts_for_nothing_once_it_has_answered(upstream):
    first, second = renamed(FIRST, "refused-upstream"), renamed(SECOND, "refused-upstream")
    refusal = (400, b'"refused by the relay"')
    hold: Hold = lambda n: (1.5, refusal) if n == 0 else (0, None)  # noqa: E731
    with holding_back(upstream.url, hold) as relay, gate([relay]) as url:
        refused, accepted = side_by_side(url, first, second)
    assert refused.status == 400
    assert refused.body == b'"refused by the relay"'  # Alertmanager's answer, passed on
    assert accepted.status == 200, accepted.body  # judged again once the first was refused
    assert [s["id"] for s in created(upstream, "refused-upstream")] == [accepted.json()["silenceID"]]


def test_a_write_whose_fate_is_unknown_still_counts(upstream):
    first, second = renamed(FIRST, "no-answer"), renamed(SECOND, "no-answer")
    config = limited(upstream_timeout=timedelta(seconds=1), history_max_age=timedelta(hours=1))
    with (
        holding_back(upstream.url, lambda n: (2.0 if n == 0 else 0, None)) as relay,
        gate([relay], config) as url,
    ):
        unanswered = post(url, first)
        assert unanswered.status == 504
        later = post(url, second)
    assert later.status == 400, later.body  # Alertmanager may have taken the first: it counts
    assert "over-cap-recreated: on HighErrorRate" in later.json()
    time.sleep(1.5)  # the relay forwards the first after its wait, although the gate gave up
    assert len(created(upstream, "no-answer")) == 1


def test_writes_that_keep_the_policy_together_are_forwarded_side_by_side(upstream):
    """Two writes on different services: the second is not held behind the first's forward."""
    first = renamed(FIRST, "apart-1")
    second = renamed(FIRST, "apart-2")
    hold: Hold = lambda n: (2.0 if n == 0 else 0, None)  # noqa: E731
    with holding_back(upstream.url, hold) as relay, gate([relay]) as url, ThreadPoolExecutor(2) as pool:
        slow = pool.submit(post, url, first)
        time.sleep(0.3)
        started = time.monotonic()
        fast = post(url, second)
        took = time.monotonic() - started
        assert slow.result().status == 200
    assert fast.status == 200, fast.body
    assert took < 1.2  # not behind the first, answered 1.7 s after the second was sent

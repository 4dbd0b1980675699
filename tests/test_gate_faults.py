"""The gate when its upstreams or its clients misbehave: fakes on loopback (the tests are about
what the gate does), bounded waits, and other clients served all the while."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from oncall_policy.gate.config import Auth, GateConfig, Limits
from tests import fault_servers, http_servers
from tests.gate_support import BASIC, basic, call, gate, limited, post, silence

LISTING = json.dumps([]).encode()
BODY = silence(("alertname", "HighErrorRate"), ("service", "fault"))


def listing_then(status: int, body: bytes):
    """A fake Alertmanager: an empty listing for GET, ``status`` and ``body`` for anything else."""

    def answer(handler, _body: bytes) -> tuple[int, bytes, dict[str, str]]:
        if handler.command == "GET":
            return 200, LISTING, {"Content-Type": "application/json"}
        return status, body, {"Content-Type": "application/json"}

    return http_servers.serve(answer)


def test_an_upstream_that_is_down_is_502_and_nothing_is_created():
    with gate([f"http://127.0.0.1:{http_servers.closed_port()}"]) as url:
        answer = post(url, BODY)
        assert answer.status == 502
        assert "cannot be read" in answer.json()["message"]
        assert "nothing was created" in answer.json()["message"]
        read = call(url, "GET", "/api/v2/alerts")
        assert read.status == 502
        assert "no Alertmanager could be reached" in read.json()["message"]


def test_an_upstream_that_never_answers_is_504_within_the_timeout():
    with (
        http_servers.black_hole() as hole,
        gate([hole], limited(upstream_timeout=timedelta(seconds=1))) as url,
    ):
        started = time.monotonic()
        assert post(url, BODY).status == 504
        assert call(url, "GET", "/api/v2/status").status == 504
        assert time.monotonic() - started < 5


def test_an_upstream_that_takes_the_listing_but_not_the_write_is_504_and_not_retried():
    created: list[bytes] = []

    def answer(handler, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        if handler.command == "GET":
            return 200, LISTING, {}
        created.append(body)
        time.sleep(3)
        return 200, b'{"silenceID":"late"}', {}

    with (
        http_servers.serve(answer) as (slow, _),
        listing_then(200, b'{"silenceID":"other"}') as (other, log),
        gate([slow, other], limited(upstream_timeout=timedelta(seconds=1))) as url,
    ):
        answer_ = post(url, BODY)
        assert answer_.status == 504
        assert "no answer within 1s" in answer_.json()["message"]
        assert [entry["method"] for entry in log] == ["GET"]  # may have been created: not sent twice


def test_a_write_fails_over_on_a_5xx():
    with (
        listing_then(500, b'"internal error"') as (broken, broken_log),
        listing_then(200, b'{"silenceID":"made-here"}') as (healthy, healthy_log),
        gate([broken, healthy]) as url,
    ):
        answer = post(url, BODY)
        assert (answer.status, answer.json()) == (200, {"silenceID": "made-here"})
        assert [e["method"] for e in broken_log] == ["GET", "POST"]
        assert [e["method"] for e in healthy_log] == ["GET", "POST"]
        assert healthy_log[1]["body"] == json.dumps(BODY).encode()
        again = post(url, BODY)  # the broken peer is now tried last
        assert again.status == 200
        # the history is held between writes (listed again only after history_max_age): count POSTs
        assert [e["method"] for e in broken_log if e["method"] == "POST"] == ["POST"]
        assert [e["method"] for e in healthy_log if e["method"] == "POST"] == ["POST", "POST"]


def test_a_peer_that_drops_the_connection_after_the_write_is_not_followed_by_another():
    """It read the whole write, then hung up without answering: it may have created the silence,
    and the next peer would create it again. 502, counted as history, and not sent twice."""
    taken: list[bytes] = []

    def answer(handler, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        if handler.command == "GET":
            return 200, LISTING, {}
        taken.append(body)
        handler.connection.shutdown(socket.SHUT_RDWR)  # hung up, unanswered
        handler.close_connection = True
        return 200, b"", {}

    with (
        http_servers.serve(answer) as (dropping, _),
        listing_then(200, b'{"silenceID":"other"}') as (other, log),
        gate([dropping, other]) as url,
    ):
        answer_ = post(url, BODY)
        assert answer_.status == 502, answer_.body
        assert "no Alertmanager took it" in answer_.json()["message"]
        assert len(taken) == 1
        assert [entry["method"] for entry in log] == ["GET"]  # not sent to the next peer


def test_silences_listed_by_several_peers_count_once():
    """Two peers list the same silence: the gate's history holds it once (``client.merge``)."""
    earlier = silence(
        ("alertname", "HighErrorRate"), ("service", "fault"), minutes=200, start=-timedelta(hours=1)
    )
    listed = [{**earlier, "id": "same", "status": {"state": "active"}, "updatedAt": earlier["startsAt"]}]

    def answer(handler, _body: bytes) -> tuple[int, bytes, dict[str, str]]:
        if handler.command == "GET":
            return 200, json.dumps(listed).encode(), {}
        return 200, b'{"silenceID":"new"}', {}

    with (
        http_servers.serve(answer) as (one, _),
        http_servers.serve(answer) as (two, _),
        gate([one, two]) as url,
    ):
        refused = post(url, silence(("alertname", "HighErrorRate"), ("service", "fault"), minutes=240))
        assert refused.status == 400
        text = refused.json()
        assert (
            'x over-cap-recreated: on HighErrorRate (service="fault"), with silences same it covers' in text
        )


def test_a_history_listing_that_is_not_alertmanager_json_refuses():
    with http_servers.canned(200, b'{"not": "a list"}') as (bad, log), gate([bad]) as url:
        answer = post(url, BODY)
        assert answer.status == 502
        assert "expected a JSON list of silences" in answer.json()["message"]
        assert [e["method"] for e in log] == ["GET"]


@pytest.mark.parametrize("chunked", [False, True], ids=["announced", "chunked"])
def test_an_oversized_body_is_413(chunked):
    with listing_then(200, b"{}") as (upstream, log), gate([upstream], limited(max_body=1024)) as url:
        body = json.dumps({**BODY, "comment": "x" * 5000}).encode()
        headers = {**basic("engineer-a@clipper.app"), "Content-Type": "application/json"}
        if chunked:
            answer = _chunked(url, body, headers)
        else:
            answer = call(url, "POST", "/api/v2/silences", body, headers).status
        assert answer == 413
        assert [e["method"] for e in log] == []


def _chunked(url: str, body: bytes, headers: dict[str, str]) -> int:
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        connection.sendall(
            f"POST /api/v2/silences HTTP/1.1\r\nHost: gate\r\n{head}Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        for start in range(0, len(body), 512):
            part = body[start : start + 512]
            try:
                connection.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            except OSError:
                break
        return int(connection.recv(65536).split(b" ", 2)[1])


def test_a_slow_drip_body_is_408_while_others_are_served():
    config = limited(body_timeout=timedelta(seconds=1))
    with listing_then(200, b'{"silenceID":"x"}') as (upstream, _), gate([upstream], config) as url:
        port = int(url.rsplit(":", 1)[1])
        drips = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
        auth = basic("engineer-a@clipper.app")["Authorization"]
        for drip in drips:
            drip.sendall(
                b"POST /api/v2/silences HTTP/1.1\r\nHost: gate\r\nAuthorization: %s\r\n"
                b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{" % auth.encode()
            )
        with ThreadPoolExecutor(8) as pool:
            served = list(pool.map(lambda _: call(url, "GET", "/-/healthy").status, range(40)))
            accepted = list(pool.map(lambda _: post(url, BODY).status, range(8)))
        assert served == [200] * 40
        assert accepted == [200] * 8
        for drip in drips:
            with drip:
                drip.sendall(b" ")
                assert drip.recv(65536).startswith(b"HTTP/1.1 408 ")
        assert call(url, "GET", "/-/healthy").status == 200


def _closed(connection: socket.socket, within: float) -> bool:
    """Whether the gate closes ``connection`` within ``within`` seconds (a header a quarter second)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            connection.sendall(b"X-Drip: 1\r\n")
            connection.settimeout(0.25)
            if connection.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:  # reset: closed as surely
            return True
    return False


def test_a_request_head_trickled_or_never_sent_is_closed_after_the_header_timeout():
    """Slowloris: connections that trickle their request head, or send nothing, hold a file
    descriptor each; the gate lets go of them after ``header_timeout``, and serves others."""
    config = limited(header_timeout=timedelta(seconds=1))
    with listing_then(200, b'{"silenceID":"x"}') as (upstream, _), gate([upstream], config) as url:
        port = int(url.rsplit(":", 1)[1])
        drips = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
        for drip in drips:
            drip.sendall(b"POST /api/v2/silences HTTP/1.1\r\nHost: gate\r\n")
        silent = socket.create_connection(("127.0.0.1", port), timeout=10)
        assert call(url, "GET", "/-/healthy").status == 200
        with ThreadPoolExecutor(6) as pool:
            closed = list(pool.map(lambda drip: _closed(drip, 5.0), drips))
        with silent:
            silent.settimeout(5.0)
            assert silent.recv(65536) == b""
        for drip in drips:
            drip.close()
        assert closed == [True] * 5
        assert call(url, "GET", "/-/healthy").status == 200


def test_large_answers_are_streamed_not_buffered():
    """The first chunk of an answer reaches the client while Alertmanager has not finished it."""
    first_seen = threading.Event()

    def respond(connection: socket.socket, stop: threading.Event) -> None:
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        connection.sendall(b"5\r\nfirst\r\n")
        if first_seen.wait(10):
            connection.sendall(b"4\r\nlast\r\n0\r\n\r\n")

    with fault_servers.serving(respond) as upstream, gate([upstream]) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(b"GET /big HTTP/1.1\r\nHost: gate\r\n\r\n")
            received = b""
            while b"first" not in received:
                received += connection.recv(65536)
            first_seen.set()
            while not received.endswith(b"0\r\n\r\n"):
                received += connection.recv(65536)
        assert b"Via: 1.1 oncall-policy-gate" in received


def test_headers_are_forwarded_as_a_proxy_must():
    def answer(_handler, _body: bytes) -> tuple[int, bytes, dict[str, str]]:
        return (
            200,
            b"{}",
            {"Connection": "close, X-Hop", "X-Hop": "1", "X-Kept": "2", "Keep-Alive": "timeout=5"},
        )

    with http_servers.serve(answer) as (upstream, log), gate([upstream]) as url:
        sent = {
            **basic("engineer-a@clipper.app"),
            "Connection": "X-Private",
            "X-Private": "secret",
            "TE": "trailers",
            "Proxy-Authorization": "Basic eA==",
            "X-Forwarded-For": "203.0.113.9",
            "X-Custom": "kept",
        }
        answer_ = call(url, "GET", "/api/v2/status?x=1", None, sent)
        [received] = log
    headers = {name.lower(): value for name, value in received["headers"].items()}
    assert received["path"] == "/api/v2/status?x=1"
    assert headers["x-custom"] == "kept"
    assert headers["x-forwarded-for"] == "127.0.0.1"  # not a trusted proxy: its claim is dropped
    assert headers["x-forwarded-host"] == url.removeprefix("http://")
    assert headers["x-forwarded-proto"] == "http"
    assert headers["via"] == "1.1 oncall-policy-gate"
    assert headers["host"] == upstream.removeprefix("http://")
    for gone in ("authorization", "x-private", "te", "proxy-authorization"):
        assert gone not in headers
    assert answer_.headers["X-Kept"] == "2"
    assert answer_.headers["X-Hop"] is None
    assert answer_.headers["Keep-Alive"] is None


def test_a_body_passed_through_keeps_its_length():
    senders = GateConfig(auth=Auth(mode="basic", users_file="(in memory)", alert_senders=("127.0.0.1/32",)))
    with (
        http_servers.serve(lambda _h, body: (200, body, {})) as (upstream, log),
        gate([upstream], senders) as url,
    ):
        answer = call(url, "POST", "/api/v2/alerts", b'[{"labels":{"a":"b"}}]')
    assert answer.body == b'[{"labels":{"a":"b"}}]'
    assert log[0]["headers"]["Content-Length"] == "22"


def test_a_compressed_silence_write_is_refused():
    with listing_then(200, b"{}") as (upstream, log), gate([upstream]) as url:
        headers = {**basic("engineer-a@clipper.app"), "Content-Encoding": "gzip"}
        answer = call(url, "POST", "/api/v2/silences", b"\x1f\x8b", headers)
    assert answer.status == 415
    assert log == []


def test_a_configuration_is_read_strictly(tmp_path):
    from oncall_policy.gate import config  # noqa: PLC0415

    path = tmp_path / "gate.toml"
    path.write_text('[auth]\nmode = "basic"\nusers_file = "users"\n[limits]\nmax_body = "64KiB"\n')
    found = config.read(path)
    assert found.auth.users_file == str(tmp_path / "users")
    assert found.limits == Limits(max_body=65536)
    for text, message in [
        ('[auth]\nmod = "basic"\n', "auth.mod: Extra inputs are not permitted"),
        ('[auth]\nmode = "basic"\n', "auth.users_file: basic mode needs a users file"),
        ('[auth]\nmode = "header"\n', "auth.trusted_peers: header mode needs"),
        ('[auth]\nmode = "header"\ntrusted_peers = ["nope"]\n', "'nope' is not an address or a CIDR range"),
        ('[limits]\nmax_body = "lots"\n', "'lots' is not a size"),
        ('[limits]\nbody_timeout = "1 minute"\n', "not a valid duration"),
        ("[auth\n", "not TOML"),
    ]:
        path.write_text(text)
        with pytest.raises(config.GateConfigError) as raised:
            config.read(path)
        assert message in str(raised.value), text
    assert config.read(None) == GateConfig()
    assert BASIC.auth.mode == "basic"


@pytest.mark.parametrize("target", ["http://127.0.0.1:9/api/v2/status", "//127.0.0.1:9/api/v2/status"])
def test_a_request_target_cannot_name_another_host(target):
    with (
        http_servers.serve(lambda _h, _b: (200, b"upstream", {})) as (upstream, log),
        gate([upstream]) as url,
    ):
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(f"GET {target} HTTP/1.1\r\nHost: gate\r\nConnection: close\r\n\r\n".encode())
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert received.endswith(b"\r\n\r\nupstream")
    assert len(log) == 1

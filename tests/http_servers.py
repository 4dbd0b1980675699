"""Loopback HTTP servers for the HTTP tests, in threads of the test process.

- ``reverse_proxy``: answers 401 unless the request carries the expected ``Authorization``, else
  forwards it to a real Alertmanager (what a team puts in front of Alertmanager 0.25, which has no
  authentication of its own) — optionally over TLS, optionally requiring a client certificate.
- ``forward_proxy``: an HTTP proxy that logs each request and forwards it.
- ``canned``: one fixed answer (a status, a body, headers) to everything, logged.
- ``black_hole``: accepts connections and never answers; ``closed_port``: nothing listens.
- ``certificates``: a CA, a server certificate for ``am.test`` only, and a client certificate,
  made with the ``openssl`` command (the ``cryptography`` package is no dependency).
"""

from __future__ import annotations

import http.client
import http.server
import select
import shutil
import socket
import ssl
import subprocess
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

Log = list[dict[str, Any]]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log: Log
    answer: Callable[[_Handler, bytes], tuple[int, bytes, dict[str, str]]]

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.log.append(
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        )
        status, data, headers = self.answer(body)
        self.send_response(status)
        for name, value in {"Content-Length": str(len(data)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _handle  # noqa: N815 - http.server's names

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(
    answer: Callable[[Any, bytes], tuple[int, bytes, dict[str, str]]],
    tls: ssl.SSLContext | None = None,
    handler: type[_Handler] | None = None,
) -> Iterator[tuple[str, Log]]:
    """A server on 127.0.0.1 answering with ``answer(handler, body)``; yields its base URL and log."""
    log: Log = []
    handler = type("Handler", (handler or _Handler,), {"log": log, "answer": answer})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls is not None else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def forward(url: str, handler: Any, body: bytes) -> tuple[int, bytes, dict[str, str]]:
    """Send the handler's request on to ``url`` (a whole URL), directly."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {k: v for k, v in handler.headers.items() if k.lower() in ("content-type", "accept")}
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request(handler.command, path, body=body or None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data, {"Content-Type": response.getheader("Content-Type") or "text/plain"}


@contextmanager
def reverse_proxy(
    upstream: str, authorization: str | None, tls: ssl.SSLContext | None = None
) -> Iterator[tuple[str, Log]]:
    """Forwards to ``upstream`` (a real Alertmanager) what carries ``Authorization: authorization``."""

    def answer(handler: Any, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        if authorization is not None and handler.headers.get("Authorization") != authorization:
            return 401, b"401 Unauthorized: who are you?\n", {"WWW-Authenticate": 'Basic realm="am"'}
        return forward(upstream + handler.path, handler, body)

    with serve(answer, tls) as served:
        yield served


class _Tunnel(_Handler):
    """``CONNECT host:port``: answers 200, then relays bytes both ways until either side closes."""

    def do_CONNECT(self) -> None:
        self.log.append({"method": "CONNECT", "path": self.path, "headers": dict(self.headers), "body": b""})
        host, port = self.path.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)), timeout=10)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        sockets = [self.connection, upstream]
        try:
            while True:
                ready, _, _ = select.select(sockets, [], [], 10)
                if not ready:
                    return
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()


@contextmanager
def forward_proxy() -> Iterator[tuple[str, Log]]:
    """An HTTP proxy (absolute-URI requests and CONNECT) that logs what it forwards."""

    def answer(handler: Any, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        if not handler.path.startswith("http://"):
            return 400, b"not a proxy request\n", {}
        return forward(handler.path, handler, body)

    with serve(answer, handler=_Tunnel) as served:
        yield served


@contextmanager
def canned(status: int, body: bytes, headers: dict[str, str] | None = None) -> Iterator[tuple[str, Log]]:
    with serve(lambda _handler, _body: (status, body, headers or {})) as served:
        yield served


@contextmanager
def black_hole() -> Iterator[str]:
    """A URL whose server accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def certificates(directory: Path) -> dict[str, Path]:
    """CA, server (``am.test`` only, no IP) and client certificates and keys, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed: TLS tests need it to make certificates")
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        name: directory / name
        for name in ("ca.pem", "ca.key", "server.pem", "server.key", "client.pem", "client.key")
    }

    def run(*argv: str | Path) -> None:
        subprocess.run([openssl, *map(str, argv)], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=oncall-policy test CA",
        "-keyout", paths["ca.key"], "-out", paths["ca.pem"],
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")  # fmt: skip
    for name, extensions in (
        ("server", "subjectAltName=DNS:am.test\nextendedKeyUsage=serverAuth\n"),
        ("client", "extendedKeyUsage=clientAuth\n"),
    ):
        request, extra = directory / f"{name}.csr", directory / f"{name}.ext"
        extra.write_text(extensions)
        run(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            f"/CN={name}",
            "-keyout",
            paths[f"{name}.key"],
            "-out",
            request,
        )
        run("x509", "-req", "-in", request, "-CA", paths["ca.pem"], "-CAkey", paths["ca.key"], "-CAcreateserial",
            "-days", "2", "-out", paths[f"{name}.pem"], "-extfile", extra)  # fmt: skip
    return paths


def server_tls(paths: dict[str, Path], *, client_certificate: bool = False) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(paths["server.pem"], paths["server.key"])
    if client_certificate:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(paths["ca.pem"])
    return context

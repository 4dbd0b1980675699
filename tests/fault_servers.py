"""Loopback HTTP servers that misbehave, in threads of the test process: the fakes for the tests of
the client's bounds (the tests are about what our client does, so a fake server is the right one).

Each reads a request's head (and body, by its Content-Length), then answers as ``respond`` says:

- ``drip_headers`` / ``drip_body``: one byte every ``every`` seconds, in the headers or in a body
  announced at 1 MB, without end;
- ``endless_chunked``: a chunked body of spaces without end, as fast as it is read;
- ``announced(size)``: a Content-Length of ``size``, then spaces as fast as they are read;
- ``answer(body)``: a plain answer, ``answers(*bodies)`` one after the other, the last one again.

Every response ends when the server is stopped, or when the client goes away.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

Respond = Callable[[socket.socket, threading.Event], None]


@contextmanager
def serving(respond: Respond) -> Iterator[str]:
    """A server on 127.0.0.1 answering every request with ``respond``; yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def handle(connection: socket.socket) -> None:
        with connection, suppress(OSError):
            connection.settimeout(30)
            _read_request(connection)
            respond(connection, stop)

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def _read_request(connection: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionResetError
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        body += connection.recv(65536)


def drip_headers(every: float = 0.5) -> Respond:
    def respond(connection: socket.socket, stop: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while not stop.wait(every):
            connection.sendall(b"a")

    return respond


def drip_body(every: float = 0.5) -> Respond:
    def respond(connection: socket.socket, stop: threading.Event) -> None:
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n["
        )
        while not stop.wait(every):
            connection.sendall(b" ")

    return respond


def endless_chunked(connection: socket.socket, stop: threading.Event) -> None:
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
    while not stop.is_set():
        connection.sendall(chunk)


def announced(size: int) -> Respond:
    def respond(connection: socket.socket, stop: threading.Event) -> None:
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % size
        )
        sent, block = 0, b" " * 65536
        while sent < size and not stop.is_set():
            connection.sendall(block[: size - sent])
            sent += len(block)

    return respond


def answer(body: bytes, status: int = 200) -> Respond:
    return answers((status, body))


def answers(*replies: tuple[int, bytes]) -> Respond:
    """Each request the next of ``replies`` (status, body); the last one for every later request."""
    lock = threading.Lock()
    left = list(replies)

    def respond(connection: socket.socket, _stop: threading.Event) -> None:
        with lock:
            status, body = left.pop(0) if len(left) > 1 else left[0]
        connection.sendall(
            b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (status, len(body))
            + body
        )

    return respond

"""One exchange with an Alertmanager, bounded in total time: done by a deadline, or abandoned.

A socket timeout bounds one wait, not an exchange: a server that sends a byte a second, in its
headers, its TLS handshake or a proxy's answer, resets it with every byte, and name resolution
knows no socket timeout at all. So the exchange runs on a thread of its own while the caller
waits on it until the ``time.monotonic()`` deadline, as Go's context deadline bounds amtool's
request whatever the server does. When the time is up the caller is told ``TimedOutError`` at
once; the exchange's sockets are shut (``Watch``) so that it stops too, and one still resolving
a name sends nothing once it has resolved it: a request given up on is never sent later.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress

from oncall_policy.silence.http_errors import TimedOutError
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    Result = TypeVar("Result")

TIMED_OUT = "no complete answer before the timeout (context deadline exceeded)"


class Watch:
    """The sockets of one exchange, shut all at once when its time is up (from another thread).

    It holds a duplicate of each socket: shutting the duplicate down ends the connection for the
    exchange too, and the descriptor it names stays ours until ``release``, so it can never be
    another connection's by then."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: list[socket.socket] = []
        self.expired = False

    def connect(
        self, address: tuple[str, int], timeout: float, source: tuple[str, int] | None = None
    ) -> socket.socket:
        """``socket.create_connection`` for ``http.client``, the socket watched; refused once
        the time is up (name resolution may have outlasted it)."""
        if self.expired:
            raise TimeoutError(TIMED_OUT)
        made = socket.create_connection(address, timeout, source)
        with self._lock:
            if not self.expired:
                self._held.append(made.dup())
                return made
        made.close()
        raise TimeoutError(TIMED_OUT)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for held in self._held:
                with suppress(OSError):  # already closed by the peer: nothing to end
                    held.shutdown(socket.SHUT_RDWR)

    def release(self) -> None:
        with self._lock:
            for held in self._held:
                held.close()
            self._held.clear()


def run_by(deadline: float, url: str, exchange: Callable[[Watch], Result]) -> Result:
    """``exchange(watch)``'s result or exception, if it ends by ``deadline``; else
    ``TimedOutError`` for ``url``, and the exchange is stopped."""
    watch = Watch()
    results: list[Result] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            results.append(exchange(watch))
        except BaseException as error:  # noqa: BLE001 - handed to the waiting caller, raised there
            failures.append(error)
        finally:
            watch.release()
            done.set()

    thread = threading.Thread(target=work, name="oncall-policy exchange", daemon=True)
    thread.start()
    if not done.wait(max(0.0, deadline - time.monotonic())):
        watch.expire()
        raise TimedOutError(url, TIMED_OUT)
    thread.join()  # it is leaving: no thread is left behind (a fork for the audit comes later)
    if failures:
        raise failures[0]
    return results[0]

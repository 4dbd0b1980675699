"""One holder at a time, in turns by key: the gate judges writes one at a time, and takes them
person by person, so that no one person's writes keep another's waiting.

Under a first-come lock, one person who sent many writes of hard regexes at once (each takes its
judgement's whole allowance, about a tenth of a second) from many connections held everyone
else's write behind all of them: an honest write waited over 30 s (red team). Here the waiting
writes are queued per key (the person), and the turn goes round the keys that wait, in the
order they first waited: an honest write waits for at most one write of each other person
waiting, whatever number each has sent. One person's own writes keep their order.
"""

from __future__ import annotations

import asyncio
from collections import deque
from contextlib import asynccontextmanager

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


class Turns:
    def __init__(self) -> None:
        self._held = False
        self._waiting: dict[str, deque[asyncio.Future[None]]] = {}  # in turn order

    @property
    def waiting(self) -> int:
        return sum(len(queue) for queue in self._waiting.values())

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        """Hold the turn while the block runs, once it comes to ``key``."""
        if not self._held and not self._waiting:
            self._held = True
        else:
            waiting = asyncio.get_running_loop().create_future()
            self._waiting.setdefault(key, deque()).append(waiting)
            try:
                await waiting
            except asyncio.CancelledError:
                if waiting.done() and not waiting.cancelled():
                    self._pass()  # handed the turn as it was cancelled: the next one takes it
                else:
                    self._forget(key, waiting)
                raise
        try:
            yield
        finally:
            self._pass()

    def _pass(self) -> None:
        """Hand the turn to the first write of the next key that waits (its other writes, if
        any, go to the back of the round), or free it."""
        while self._waiting:
            key = next(iter(self._waiting))
            queue = self._waiting.pop(key)
            waiting = queue.popleft()
            if queue:
                self._waiting[key] = queue
            if not waiting.done():
                waiting.set_result(None)
                return
        self._held = False

    def _forget(self, key: str, waiting: asyncio.Future[None]) -> None:
        queue = self._waiting.get(key)
        if queue is None:
            return
        try:
            queue.remove(waiting)
        except ValueError:
            return
        if not queue:
            del self._waiting[key]

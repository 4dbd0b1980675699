"""A request body read within bounds: at most ``limit`` bytes, all of it within ``seconds``.

A body announced larger than the limit is refused before a byte of it is read (413); one that
grows past it while arriving is refused at the first byte too many; one that arrives too slowly
(a client dripping a byte a second) is refused at the deadline (408). Memory stays within the
limit whatever the client sends.

``Budget``: what the bodies of all writes under way may take together, and of one person's. A
body read whole is held until its write is answered (judged, then forwarded); without a bound,
one person's hundred unfinished writes of a megabyte each took 104 MiB of the gate (red team),
and a few thousand would have taken the gate, the only way to Alertmanager, down.
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

from oncall_policy.silence.sizes import format_size
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from aiohttp import StreamReader

# Of the most one body may take (``limits.max_body``), how many the bodies under way may take in
# all, and of one person's: a person's writes sent at once (a bot's, a script's) are many small
# ones; four of the largest, or 64 in all, are far more than honest writes take at a time.
PER_PERSON = 4
IN_ALL = 64


class BodyError(Exception):
    """A body the gate does not read: ``status`` (408 or 413) and why, for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def read(stream: StreamReader, announced: int | None, limit: int, seconds: float) -> bytes:
    if announced is not None and announced > limit:
        raise too_large(limit)
    try:
        async with asyncio.timeout(seconds):
            return await _bounded(stream, limit)
    except TimeoutError:
        raise BodyError(
            408, f"the request body did not arrive within {seconds:g}s; send it whole, at once"
        ) from None
    except ConnectionResetError:  # the client left: no one to answer, and nothing to log
        raise BodyError(400, "the connection closed before the request body arrived") from None


async def _bounded(stream: StreamReader, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := await stream.readany():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


class Budget:
    """Bytes the bodies under way take, in all and by person, each counted as announced (the
    largest a body may be when it is not announced) from before it is read until its write is
    answered."""

    def __init__(self, largest: int) -> None:
        self.largest = largest
        self.each = PER_PERSON * largest
        self.total = IN_ALL * largest
        self.taken = 0
        self._taken: dict[str, int] = {}

    @contextmanager
    def reserved(self, key: str, announced: int | None) -> Iterator[None]:
        """Room for a body of ``key`` (a person) while the block runs; ``BodyError`` 429 when
        their bodies under way take their share, 503 when all of them take the whole."""
        size = self.largest if announced is None else min(announced, self.largest)
        mine = self._taken.get(key, 0)
        if mine + size > self.each:
            raise BodyError(
                429,
                f"your silence writes under way take {format_size(mine)} of the gate's memory and "
                f"one person's may take {format_size(self.each)}: wait for their answers",
            )
        if self.taken + size > self.total:
            raise BodyError(503, "the gate is receiving too many silence writes at once; try again shortly")
        self.taken += size
        self._taken[key] = mine + size
        try:
            yield
        finally:
            self.taken -= size
            left = self._taken[key] - size
            if left:
                self._taken[key] = left
            else:
                del self._taken[key]


def too_large(limit: int) -> BodyError:
    return BodyError(413, f"the request body is larger than the gate's limit of {format_size(limit)}")

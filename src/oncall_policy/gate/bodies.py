"""A request body read within bounds: at most ``limit`` bytes, all of it within ``seconds``.

A body announced larger than the limit is refused before a byte of it is read (413); one that
grows past it while arriving is refused at the first byte too many; one that arrives too slowly
(a client dripping a byte a second) is refused at the deadline (408). Memory stays within the
limit whatever the client sends.
"""

from __future__ import annotations

import asyncio

from oncall_policy.silence.sizes import format_size
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import StreamReader


class BodyError(Exception):
    """A body the gate does not read: ``status`` (408 or 413) and why, for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def read(stream: StreamReader, announced: int | None, limit: int, seconds: float) -> bytes:
    if announced is not None and announced > limit:
        raise _too_large(limit)
    try:
        async with asyncio.timeout(seconds):
            return await _bounded(stream, limit)
    except TimeoutError:
        raise BodyError(
            408, f"the request body did not arrive within {seconds:g}s; send it whole, at once"
        ) from None


async def _bounded(stream: StreamReader, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := await stream.readany():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


def _too_large(limit: int) -> BodyError:
    return BodyError(413, f"the request body is larger than the gate's limit of {format_size(limit)}")

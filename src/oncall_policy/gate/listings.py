"""The upstreams' silence listings, read into what changed since the history cache last held them.

The cache asks every peer for every silence each ``history_max_age`` while writes come, and
reading a listing costs in proportion to the silences held: at 10,000 silences (4 MB) parsing,
checking and comparing it took the event loop a third of a second, every three quarters of a
second, during which no write was judged or forwarded (bench/gate.py). So a large listing is
read in a process of its own (``Reader``): there the bodies are parsed as Go reads them
(``parse``), merged (one copy per id), and compared with the keys the cache holds (``key_of``);
the event loop gets back only the ids of the silences it holds as they are, and the silences
that are new or changed. A small one is read on the event loop, where handing it over would
cost more than reading it.

``read`` is pure, and the same whichever process runs it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from hashlib import blake2b as _blake2b
from typing import Any

from oncall_policy.records import Record
from oncall_policy.silence import client, gojson, listing
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

Key = int  # a digest of what a listed silence must keep for the gate's reading of it to stand
# Bodies up to this many bytes in all (about 500 silences) are read on the event loop.
IN_PROCESS_BYTES = 256 * 1024


def key_of(item: Mapping[str, Any]) -> Key:
    """What a silence listed again must keep for the gate's reading of it to stand (its times
    and state), as a 64-bit digest: the same in every process (``hash`` is not), and a tenth of
    the tuple's cost to send to the reading process and back."""
    status = item.get("status")
    state = status.get("state") if isinstance(status, dict) else None
    text = "\x1f".join(
        repr(part) for part in (item.get("updatedAt"), item.get("startsAt"), item.get("endsAt"), state)
    )
    return int.from_bytes(_blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


class Read(Record):
    """A reading of the listings: ``absent``, the ids of ``known`` not listed; ``changed``, every
    silence listed that ``known`` does not hold as it is (one per id); ``failures``, (url, why)
    for each body that is not a listing as Alertmanager writes one. Every other id of ``known``
    is listed as known: what passes between the processes is what changed, not the listing."""

    absent: list[str]
    changed: list[dict[str, Any]]
    failures: list[tuple[str, str]]


def parse(body: bytes) -> list[dict[str, Any]]:
    """The silences of one listing, read as Go reads JSON; ``ValueError`` saying why not."""
    try:
        data = listing.read(body)
    except gojson.GoJSONError as error:
        raise ValueError(f"the answer is not JSON as Alertmanager writes it: {error.message}") from None
    if not (isinstance(data, list) and all(isinstance(item, dict) for item in data)):
        raise ValueError("expected a JSON list of silences")
    return data


def read(
    bodies: Sequence[tuple[str, bytes]], known: Mapping[str, Key], decided: Collection[str] = ()
) -> Read:
    """``bodies`` (url, listing) parsed and merged, then compared with ``known`` (id → key).
    The ids in ``decided`` count as listed as known, whatever their listed version: the cache
    lays its own record of them over the listing (the journal), so that version would be read
    and sent back only to be dropped (at 500 writes a second, 5,000 silences each time)."""
    listings: list[list[dict[str, Any]]] = []
    failures: list[tuple[str, str]] = []
    for url, body in bodies:
        try:
            listings.append(parse(body))
        except ValueError as error:
            failures.append((url, str(error)))
    listed: set[str] = set()
    changed: list[dict[str, Any]] = []
    for item in client.merge(listings) if listings else ():
        ident = item.get("id")
        if isinstance(ident, str) and (ident in decided or known.get(ident) == key_of(item)):
            listed.add(ident)
        else:
            changed.append(item)
    return Read([ident for ident in known if ident not in listed], changed, failures)


class ReaderTimeoutError(Exception):
    """The reading process gave no answer within its deadline (it was stopped, or wedged)."""


class Reader:
    """``read``, on the event loop for small listings, else in a process of its own (started
    when first needed, and again if it dies or gives no answer within ``seconds``)."""

    def __init__(self, in_process_bytes: int | None = None, seconds: float = 10.0) -> None:
        self.in_process_bytes = IN_PROCESS_BYTES if in_process_bytes is None else in_process_bytes
        self.seconds = seconds
        self._pool: ProcessPoolExecutor | None = None

    async def read(
        self, bodies: Sequence[tuple[str, bytes]], known: Mapping[str, Key], decided: Collection[str] = ()
    ) -> Read:
        """The reading; ``ReaderTimeoutError`` when the process has none within ``seconds``."""
        if sum(len(body) for _, body in bodies) <= self.in_process_bytes:
            return read(bodies, known, decided)
        loop = asyncio.get_running_loop()
        for _ in range(2):
            if self._pool is None:
                # Not forked from the gate (its threads, its sockets): a clean interpreter.
                context = multiprocessing.get_context("forkserver")
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            try:
                async with asyncio.timeout(self.seconds):
                    return await loop.run_in_executor(self._pool, read, bodies, known, decided)
            except BrokenProcessPool:  # the reader died (killed, out of memory): a new one
                self._discard()
            except TimeoutError:
                self._discard()  # stopped or wedged: the next reading starts a new one
                raise ReaderTimeoutError(f"no reading of the listing within {self.seconds:g}s") from None
        return read(bodies, known, decided)  # it died twice running: read here rather than not at all

    def _discard(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # The worker may be stopped or looping: shutdown() would wait on it for ever, and
        # cancels only what has not started. Its processes are killed (the pool's own table).
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self._discard()

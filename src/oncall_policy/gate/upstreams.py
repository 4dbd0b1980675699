"""The Alertmanagers behind the gate (one, or the peers of one cluster) and how they are asked.

- ``bodies``: every peer's silence listing, unread (in parallel, each within the timeout and
  ``max_listing`` bytes), with each peer's failure; ``listings`` reads them, off the event loop.
- ``create``: the body as received, to one peer: the first that is not marked down, then the
  next on a connection error or a 5xx (marked down for ``PAUSE`` seconds). A peer that does not
  answer in time is marked down but not followed by another: it may have created the silence.
- ``order``: the peers to try, healthy ones first, for the pass-through too.

The pass-through (``relay``) asks through a client of its own (``relayed``): its requests, and
answers streamed to clients that read them slowly, hold connections for as long as those clients
take, and never the connections the gate needs to judge and create silences.

Failures are ``silence.http_errors`` values (``unreachable``, ``timeout``, ``http-status``,
``bad-json``, ``too-large``), so the gate's 502/504 say what ``silence add`` would say.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
from yarl import URL

from oncall_policy.records import Record
from oncall_policy.silence.http_errors import (
    AlertmanagerError,
    AnswerLostError,
    HttpStatusError,
    TimedOutError,
    TooLargeError,
    UnreachableError,
)
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Final

    from multidict import CIMultiDictProxy

PAUSE = 5.0  # seconds a peer that failed is tried only after the others
MAX_ANSWER = 1024 * 1024  # the answer to a silence write: {"silenceID": …} or an error


class Answer(Record):
    """An upstream's whole answer to a silence write, and which peer gave it."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    base: str


class CreateFailedError(Exception):
    """No peer took the write: ``status`` (502 or 504) and every failure."""

    def __init__(self, status: int, failures: Sequence[AlertmanagerError]) -> None:
        super().__init__("; ".join(f"{failure} ({failure.reason})" for failure in failures))
        self.status = status
        self.failures = tuple(failures)


def session(
    trace_configs: Sequence[aiohttp.TraceConfig] = (), fields: Mapping[str, str] | None = None
) -> aiohttp.ClientSession:
    """The gate's client: bytes as sent (no decompression), no cookies kept between clients, no
    proxy from the environment, no headers of its own but ``Host`` and ``fields`` (the
    upstreams' tenant and credentials, on every request); ``trace_configs`` (metrics)."""
    return aiohttp.ClientSession(
        headers=dict(fields or {}),
        trace_configs=list(trace_configs),
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
        skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        connector=aiohttp.TCPConnector(limit=256, limit_per_host=128),
    )


class Upstreams:
    def __init__(
        self,
        bases: Sequence[str],
        http: aiohttp.ClientSession,
        timeout: float,
        max_listing: int,
        relayed: aiohttp.ClientSession | None = None,
    ) -> None:
        if not bases:
            raise ValueError("no upstream Alertmanager")
        self.bases: Final = tuple(base.rstrip("/") for base in bases)
        self.http: Final = http
        self.relayed: Final = relayed or http
        self.timeout: Final = timeout
        self.max_listing: Final = max_listing
        self._down_until: dict[str, float] = {}

    def order(self) -> list[str]:
        now = time.monotonic()
        return sorted(self.bases, key=lambda base: self._down_until.get(base, 0.0) > now)

    def mark_down(self, base: str) -> None:
        self._down_until[base] = time.monotonic() + PAUSE

    def url(self, base: str, raw_path: str, raw_query: str = "") -> URL:
        """``raw_path`` and ``raw_query`` (encoded, as received) under ``base``'s path, built from
        parts: no request target, however written (``http://other/``, ``//other/``), can name
        another host."""
        root = URL(base)
        return URL.build(
            scheme=root.scheme,
            user=root.raw_user,
            password=root.raw_password,
            host=root.raw_host or "",
            port=root.explicit_port,
            path=root.raw_path.rstrip("/") + raw_path,
            query_string=raw_query,
            encoded=True,
        )

    async def bodies(self) -> tuple[list[tuple[str, bytes]], list[AlertmanagerError]]:
        """Every peer's listing as it answered (url, body), unread, and each peer's failure."""
        found = await asyncio.gather(*(self._body(base) for base in self.bases))
        failures = [item for item in found if isinstance(item, AlertmanagerError)]
        return [item for item in found if not isinstance(item, AlertmanagerError)], failures

    async def _body(self, base: str) -> tuple[str, bytes] | AlertmanagerError:
        url = str(self.url(base, "/api/v2/silences"))
        try:
            status, body = await self._get(url, self.max_listing)
        except AlertmanagerError as error:
            self.mark_down(base)
            return error
        if status != 200:
            return HttpStatusError(url, status, body[:2000].decode("utf-8", "replace"))
        return url, body

    async def _get(self, url: str, limit: int) -> tuple[int, bytes]:
        try:
            async with asyncio.timeout(self.timeout):
                async with self.http.get(url, allow_redirects=False) as response:
                    return response.status, await bounded(response, url, limit)
        except TimeoutError:
            raise TimedOutError(url, f"no whole answer within {self.timeout:g}s") from None
        except aiohttp.ClientError as error:
            raise UnreachableError(url, str(error) or type(error).__name__) from None

    async def create(self, raw_query: str, body: bytes, fields: list[tuple[str, str]]) -> Answer:
        """The answer of the first peer that takes ``body`` at ``/api/v2/silences?raw_query``."""
        failures: list[AlertmanagerError] = []
        for base in self.order():
            url = self.url(base, "/api/v2/silences", raw_query)
            try:
                async with asyncio.timeout(self.timeout):
                    async with self.http.post(
                        url, data=body, headers=fields, allow_redirects=False
                    ) as response:
                        answer = Answer(
                            response.status,
                            response.headers,
                            await bounded(response, str(url), MAX_ANSWER, setting=""),
                            base,
                        )
            except TimeoutError:
                self.mark_down(base)
                failures.append(TimedOutError(str(url), f"no answer within {self.timeout:g}s"))
                raise CreateFailedError(504, failures) from None
            except aiohttp.ClientConnectorError as error:  # never reached it: another peer may take it
                self.mark_down(base)
                failures.append(UnreachableError(str(url), str(error) or type(error).__name__))
                continue
            except (aiohttp.ClientError, TooLargeError) as error:
                # Reached it, and its answer was lost (the connection dropped, or too long to read):
                # it may have taken the silence, as after a timeout, and another peer asked now
                # would create it twice.
                self.mark_down(base)
                failures.append(AnswerLostError(str(url), str(error) or type(error).__name__))
                raise CreateFailedError(502, failures) from None
            if answer.status < 500:
                return answer
            self.mark_down(base)
            failures.append(
                HttpStatusError(str(url), answer.status, answer.body[:2000].decode("utf-8", "replace"))
            )
        raise CreateFailedError(502, failures)

    async def ready(self, seconds: float = 2.0) -> bool:
        """Whether any peer says it is ready, within ``seconds``."""

        async def one(base: str) -> bool:
            try:
                async with asyncio.timeout(seconds), self.http.get(self.url(base, "/-/ready")) as response:
                    return response.status == 200
            except (TimeoutError, aiohttp.ClientError):
                return False

        return any(await asyncio.gather(*(one(base) for base in self.bases)))


async def bounded(
    response: aiohttp.ClientResponse, url: str, limit: int, setting: str = "[limits] max_listing="
) -> bytes:
    """The answer's body, refused (``TooLargeError``: raise ``setting``) past ``limit`` bytes
    without reading it all."""
    announced = response.content_length
    if announced is not None and announced > limit:
        raise TooLargeError(url, limit, announced, setting)
    parts: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise TooLargeError(url, limit, setting=setting)
        parts.append(chunk)
    return b"".join(parts)

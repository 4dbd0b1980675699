"""Pass-through: a request sent on to Alertmanager and its answer streamed back, unchanged.

Bodies flow through in chunks both ways, never held whole: a large listing or UI asset costs the
gate a chunk's memory. Header fields are those a proxy forwards (``headers``). A request without
a body goes to the next peer when one cannot be reached; one with a body (already flowing) does
not. Connecting and each read from Alertmanager are bounded by the upstream timeout: a peer that
cannot be reached is 502, one that does not answer in time 504, each with a body that says so.
"""

from __future__ import annotations

import aiohttp
from aiohttp import web

from oncall_policy.gate import answers
from oncall_policy.gate import headers as fields
from oncall_policy.gate.upstreams import Upstreams
from oncall_policy.silence.http_errors import redacted

CHUNK = 64 * 1024


async def relay(
    request: web.Request, upstreams: Upstreams, sent: list[tuple[str, str]]
) -> web.StreamResponse:
    """``request`` answered by the first peer that takes it (``sent``: the fields to send)."""
    timeout = aiohttp.ClientTimeout(total=None, connect=upstreams.timeout, sock_read=upstreams.timeout)
    has_body = request.body_exists
    failures: list[str] = []
    for base in upstreams.order():
        url = upstreams.url(base, request.rel_url.raw_path, request.rel_url.raw_query_string)
        try:
            upstream = await upstreams.relayed.request(
                request.method,
                url,
                headers=sent,
                data=request.content if has_body else None,
                allow_redirects=False,
                timeout=timeout,
            )
        except TimeoutError:
            upstreams.mark_down(base)
            return answers.error(504, f"{redacted(base)} did not answer within {upstreams.timeout:g}s")
        except aiohttp.ClientError as error:
            upstreams.mark_down(base)
            failures.append(f"{redacted(base)}: {error or type(error).__name__}")
            if has_body:
                break
            continue
        async with upstream:
            return await _stream(request, upstream)
    return answers.error(502, "no Alertmanager could be reached: " + "; ".join(failures))


async def _stream(request: web.Request, upstream: aiohttp.ClientResponse) -> web.StreamResponse:
    response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
    for name, value in fields.from_upstream(upstream.headers.items()):
        response.headers.add(name, value)
    if upstream.content_length is not None:
        response.content_length = upstream.content_length
    await response.prepare(request)
    async for chunk in upstream.content.iter_chunked(CHUNK):
        await response.write(chunk)
    await response.write_eof()
    return response

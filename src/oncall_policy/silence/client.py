"""A small Alertmanager API v2 client for silences that talks as amtool 0.25 talks (``transport``).

``silences(urls, config)`` lists every silence of one or more Alertmanagers (the peers of one HA
cluster): the union of their listings, one copy per silence id, the most recently updated. When
any of them cannot be read it raises ``HistoryUnavailableError`` with each failure and why
(``unreachable``, ``timeout``, ``http-status`` with the body, ``bad-json``, ``too-large``,
``not-sent``): a listing that failed never looks like an empty one, so a caller can refuse (fail
closed).

Every call is bounded: in time by ``timeout`` (seconds for the whole exchange, as amtool's
``--timeout``), in size by ``max_bytes`` (``DEFAULT_MAX_BYTES``), and what comes back is read as
Go reads JSON, nested at most ``gojson.MAX_DEPTH`` deep, before anything uses it.

URLs are read as amtool reads ``--alertmanager.url``: the API lives under the URL's path
(``http://proxy/alertmanager/`` → ``/alertmanager/api/v2/…``, cleaned as Go's ``path.Join``
cleans it); a query or fragment is dropped; ``user:password@`` is basic authentication.
"""

from __future__ import annotations

import time

from oncall_policy.silence.http_errors import (
    AlertmanagerError,
    BadResponseError,
    HttpStatusError,
    NotSentError,
    TimedOutError,
    TooLargeError,
    UnreachableError,
)
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable, Sequence
    from datetime import datetime
    from typing import Any

    from oncall_policy.silence.http_config import HttpConfig

# Everything that talks is imported where it is used: `silence check` imports this module for
# DEFAULT_URL and must not pay for http.client, ipaddress, json (about 8 ms) unless it talks.
DEFAULT_URL = "http://localhost:9093/"
DEFAULT_TIMEOUT = 30.0  # amtool's --timeout
DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # transport.MAX_BODY, without importing it

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_URL",
    "AlertmanagerError",
    "BadResponseError",
    "HistoryUnavailableError",
    "HttpStatusError",
    "NotSentError",
    "TimedOutError",
    "TooLargeError",
    "UnreachableError",
    "api_url",
    "create",
    "expire",
    "merge",
    "silences",
    "tenant_headers",
]


class HistoryUnavailableError(AlertmanagerError):
    """The silences of at least one Alertmanager could not be listed; ``failures`` says why,
    one ``AlertmanagerError`` per URL that failed."""

    reason = "history-unavailable"

    def __init__(self, failures: Sequence[AlertmanagerError]) -> None:
        detail = "; ".join(f"{failure} ({failure.reason})" for failure in failures)
        super().__init__(failures[0].url, detail)
        self.failures = tuple(failures)

    def __str__(self) -> str:
        return f"cannot list the silences: {self.detail}"


def api_url(base: str, path: str) -> str:
    """``base``'s API v2 ``path`` as amtool builds it: Go's ``path.Join(url.Path, "/api/v2", path)``
    on the URL's scheme and host, its query and fragment dropped."""
    from urllib.parse import quote, unquote, urlsplit  # noqa: PLC0415 - only when talking to one

    try:
        parts = urlsplit(base)
    except ValueError as error:
        raise NotSentError(base, f"not a URL: {error}") from None
    joined = clean_path(f"{unquote(parts.path)}/api/v2/{path}")
    return f"{parts.scheme}://{parts.netloc}{quote(joined, safe='/$&+,:;=@')}"


def clean_path(path: str) -> str:
    """Go's ``path.Clean`` of an absolute path."""
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/" + "/".join(parts)


class Bounds:
    """How long one exchange may take (seconds, amtool's ``--timeout``) and how large an answer
    may be (bytes)."""

    __slots__ = ("max_bytes", "timeout")

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes


def _call(  # noqa: PLR0913 - one API call
    method: str,
    url: str,
    *,
    body: Any = None,
    config: HttpConfig | None,
    bounds: Bounds,
    tls: ssl.SSLContext | None = None,
    read: Callable[[bytes], Any] | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> Any:
    """The decoded JSON answer of a 200, or ``None`` for an empty one (``read``: how to read
    it, raising ``gojson.GoJSONError``; ``gojson.loads`` by default)."""
    import json  # noqa: PLC0415

    from oncall_policy.silence import gojson, transport  # noqa: PLC0415

    data = None if body is None else json.dumps(body).encode()
    deadline = time.monotonic() + bounds.timeout
    response = transport.send(
        method,
        url,
        body=data,
        config=config,
        deadline=deadline,
        tls=tls,
        max_bytes=bounds.max_bytes,
        headers=headers,
    )
    if response.status != 200:  # amtool's client knows no other success
        raise HttpStatusError(url, response.status, response.body.decode("utf-8", "replace"))
    if not response.body.strip():
        return None
    try:
        return (read or gojson.loads)(response.body)
    except gojson.GoJSONError as error:
        shown = response.body[:60].decode("utf-8", "replace")
        more = "…" if len(response.body) > 60 else ""
        raise BadResponseError(
            url, f"the answer is not JSON as Alertmanager writes it: {error.message} ({shown!r}{more})"
        ) from None


def silences(
    urls: str | Sequence[str],
    config: HttpConfig | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    headers: Sequence[tuple[str, str]] = (),
) -> list[dict[str, Any]]:
    """Every silence the Alertmanagers at ``urls`` list (active, pending and expired not yet
    collected), one copy of each; raise ``HistoryUnavailableError`` when any cannot be read
    (each within ``timeout`` seconds and ``max_bytes``), and ``HttpConfigError`` when
    ``config``'s TLS files cannot be used (as amtool fails to start). ``headers`` go with every
    request (``tenant_headers``)."""
    from oncall_policy.silence import tls as tls_setup  # noqa: PLC0415

    targets = [urls] if isinstance(urls, str) else list(urls)
    if not targets:
        raise ValueError("no Alertmanager to list silences from")
    context = tls_setup.context(config) if any(url.lower().startswith("https:") for url in targets) else None
    bounds = Bounds(timeout, max_bytes)
    if len(targets) == 1:
        results = [_listing(targets[0], config, bounds, context, headers)]
    else:
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - only for several peers

        with ThreadPoolExecutor(max_workers=min(len(targets), 8)) as pool:
            results = list(pool.map(lambda url: _listing(url, config, bounds, context, headers), targets))
    failures = [result for result in results if isinstance(result, AlertmanagerError)]
    if failures:
        raise HistoryUnavailableError(failures)
    return merge([result for result in results if not isinstance(result, AlertmanagerError)])


def _listing(
    base: str,
    config: HttpConfig | None,
    bounds: Bounds,
    tls: ssl.SSLContext | None,
    headers: Sequence[tuple[str, str]],
) -> list[dict[str, Any]] | AlertmanagerError:
    from oncall_policy.silence import listing  # noqa: PLC0415

    try:
        url = api_url(base, "silences")
        found = _call("GET", url, config=config, bounds=bounds, tls=tls, read=listing.read, headers=headers)
    except AlertmanagerError as error:
        return error
    if not isinstance(found, list) or not all(isinstance(item, dict) for item in found):
        return BadResponseError(url, "expected a JSON list of silences")
    return found


def merge(listings: Sequence[Sequence[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One copy of each silence id (the most recently updated; on a tie, the first listed), in
    the order ids first appear; silences without an id are all kept."""
    if len(listings) == 1:  # one Alertmanager, which lists each id once: the listing as it is
        ids = [key for item in listings[0] if isinstance(key := item.get("id"), str)]
        if len(set(ids)) == len(ids):
            return list(listings[0])
    chosen: dict[str, dict[str, Any]] = {}
    kept: list[dict[str, Any] | str] = []
    for listing in listings:
        for item in listing:
            key = item.get("id")
            if not isinstance(key, str):
                kept.append(item)
            elif key not in chosen:
                chosen[key] = item
                kept.append(key)
            elif _updated(item) > _updated(chosen[key]):
                chosen[key] = item
    return [chosen[entry] if isinstance(entry, str) else entry for entry in kept]


def _updated(item: dict[str, Any]) -> datetime:
    from datetime import UTC, datetime  # noqa: PLC0415

    from oncall_policy.silence import rfc3339 as times  # noqa: PLC0415

    text = item.get("updatedAt")
    try:
        return times.parse(text) if isinstance(text, str) else datetime.min.replace(tzinfo=UTC)
    except times.TimeError:
        return datetime.min.replace(tzinfo=UTC)


def create(
    base: str,
    silence: dict[str, Any],
    config: HttpConfig | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    headers: Sequence[tuple[str, str]] = (),
) -> str:
    """Post ``silence``; its new id."""
    url = api_url(base, "silences")
    created = _call("POST", url, body=silence, config=config, bounds=Bounds(timeout), headers=headers)
    silence_id = created.get("silenceID") if isinstance(created, dict) else None
    if not isinstance(silence_id, str):
        raise BadResponseError(url, "the answer names no silenceID")
    return silence_id


def expire(
    base: str,
    silence_id: str,
    config: HttpConfig | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    headers: Sequence[tuple[str, str]] = (),
) -> None:
    from urllib.parse import quote  # noqa: PLC0415

    url = api_url(base, f"silence/{quote(silence_id, safe='')}")
    _call("DELETE", url, config=config, bounds=Bounds(timeout), headers=headers)


TENANT_HEADER = "X-Scope-OrgID"  # Mimir's and Cortex's tenant, as their Alertmanager reads it


def tenant_headers(tenant: str | None) -> tuple[tuple[str, str], ...]:
    """The header that names ``tenant`` to a multi-tenant Alertmanager; none without one."""
    return ((TENANT_HEADER, tenant),) if tenant else ()

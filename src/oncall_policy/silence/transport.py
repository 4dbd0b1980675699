"""One HTTP exchange with an Alertmanager, as amtool 0.25 (Go's net/http) has it: stdlib ``http.client``.

What amtool does, and so this (measured with Debian's amtool 0.25, see ``goproxy`` and
``http_config`` for proxies and authentication):
- Proxies: Go's environment rules without an HTTP config file, only its ``proxy_url`` with one.
- Authentication: the HTTP config's ``Authorization`` on every request, redirected ones too
  (prometheus/common adds it in the transport); basic auth written into the URL
  (``http://user:pass@host``) only while a redirect stays on the same host or a subdomain (Go's
  ``shouldCopyHeaderOnRedirect``); both at once is refused, as amtool refuses it.
- Redirects (``follow_redirects``, ten at most): 301, 302 and 303 turn any method but GET/HEAD into
  a bodiless GET, 307 and 308 repeat the request with its body; a 3xx without ``Location``, or any
  3xx when not following, is the answer. Measured: POST → 302 → GET; POST → 307/308 → POST again
  with the same body and the Bearer token; an empty config file does not follow.
- TLS: see ``tls``.
- ``--timeout`` bounds the whole exchange, as amtool's context deadline does: name resolution,
  connecting, TLS, a proxy's tunnel, redirects, headers and body, however slowly a server sends
  them (``deadline``).
- An answer larger than ``max_bytes`` (``MAX_BODY`` unless told) is refused, as soon as its
  ``Content-Length`` says so or, without one, as soon as that much has come: a listing takes
  several times its size in memory once read.
"""

from __future__ import annotations

import os
import time

from oncall_policy.records import Record
from oncall_policy.silence import deadline as deadlines
from oncall_policy.silence import tls as tls_setup
from oncall_policy.silence.http_auth import authorization_header
from oncall_policy.silence.http_config import HttpConfig, HttpConfigError
from oncall_policy.silence.http_errors import (
    NotSentError,
    TimedOutError,
    TooLargeError,
    UnreachableError,
)
from oncall_policy.static import TYPE_CHECKING
from oncall_policy.version import __version__

if TYPE_CHECKING:
    import http.client
    import ssl
    from collections.abc import Sequence


MAX_REDIRECTS = 10
DEFAULT_PORTS = {"http": "80", "https": "443"}
# About 150,000 silences as Alertmanager 0.25 writes them (~420 bytes each), three times the
# largest listing the benchmarks use. Measured on 2 cores: auditing that many takes 40 s and
# 0.85 GB at its peak; `silence check` with them as history, 10 s and 0.4 GB.
MAX_BODY = 64 * 1024 * 1024
USER_AGENT = f"oncall-policy/{__version__}"


class Response(Record):
    status: int
    body: bytes
    url: str


class Target(Record):
    """A URL taken apart as Go's ``url.URL`` has it: host as written (not lower-cased)."""

    scheme: str
    userinfo: str | None
    host: str
    port: str
    path: str  # with the query, as sent on the request line

    @property
    def address(self) -> str:
        """``host:port`` with the scheme's default port (Go's ``canonicalAddr``), lower-cased."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port or DEFAULT_PORTS.get(self.scheme, '')}".lower()

    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}{':' + self.port if self.port else ''}{self.path}"


def split(url: str) -> Target:
    """``url`` taken apart; raise ``NotSentError`` for what amtool cannot talk to."""
    from urllib.parse import urlsplit  # noqa: PLC0415 - only when talking to an Alertmanager

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - validates the port
    except ValueError as error:
        raise NotSentError(url, f"not a URL: {error}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise NotSentError(url, "not an http(s) URL")
    netloc = parts.netloc
    userinfo, _, hostport = netloc.rpartition("@") if "@" in netloc else (None, "", netloc)
    host, port = _host_port(hostport)
    if not host:
        raise NotSentError(url, "no host in the URL")
    path = parts.path or "/"
    return Target(
        parts.scheme.lower(), userinfo, host, port, path + (f"?{parts.query}" if parts.query else "")
    )


def _host_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):
        close = hostport.find("]")
        return hostport[1:close], hostport[close + 2 :] if hostport[close + 1 : close + 2] == ":" else ""
    host, _, port = hostport.partition(":")
    return host, port


def send(  # noqa: PLR0913 - one exchange, all of it
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    config: HttpConfig | None = None,
    deadline: float,
    tls: ssl.SSLContext | None = None,
    max_bytes: int = MAX_BODY,
    headers: Sequence[tuple[str, str]] = (),
) -> Response:
    """Send the request, following redirects as amtool does, by the ``time.monotonic()``
    ``deadline``; an answer of more than ``max_bytes`` is refused (``TooLargeError``). ``tls``
    is ``tls.context(config)``, made once for many requests. ``headers`` are sent on every hop
    besides amtool's (a multi-tenant Alertmanager's ``X-Scope-OrgID``)."""
    target = split(url)
    if target.userinfo is not None and config is not None:
        raise NotSentError(url, "basic authentication and http.config.file are mutually exclusive")
    exchange = _Exchange(method, body, config, deadline, tls, max_bytes)
    exchange.headers = tuple(headers)
    return deadlines.run_by(deadline, target.url(), lambda watch: exchange.follow(target, watch))


class _Exchange:
    """What every hop of one exchange shares."""

    def __init__(  # noqa: PLR0913, PLR0917 - the request and its bounds
        self,
        method: str,
        body: bytes | None,
        config: HttpConfig | None,
        deadline: float,
        tls: ssl.SSLContext | None,
        max_bytes: int,
    ) -> None:
        self.method = method
        self.body = body
        self.config = config
        self.deadline = deadline
        self.tls = tls
        self.max_bytes = max_bytes
        self.headers: tuple[tuple[str, str], ...] = ()

    def follow(self, target: Target, watch: deadlines.Watch) -> Response:
        """The answer, redirects followed as amtool follows them."""
        method, body, config, url = self.method, self.body, self.config, target.url()
        first, seen = target, 0
        while True:
            response = _once(method, target, body, self, watch, first)
            location = response.location
            follow = config.follow_redirects if config is not None else True
            if not (follow and response.status in (301, 302, 303, 307, 308) and location):
                return Response(response.status, response.body, target.url())
            seen += 1
            if seen > MAX_REDIRECTS:
                raise UnreachableError(url, f"stopped after {MAX_REDIRECTS} redirects")
            if response.status in (301, 302, 303) and method not in ("GET", "HEAD"):
                method, body = "GET", None
            target = _redirected(target, location)


def _redirected(target: Target, location: str) -> Target:
    from urllib.parse import urljoin  # noqa: PLC0415

    following = split(urljoin(target.url(), location))
    return following if following.userinfo is not None else following.replace(userinfo=target.userinfo)


class _Answer(Record):
    status: int
    body: bytes
    location: str | None


def _once(  # noqa: PLR0913, PLR0917 - one hop of an exchange
    method: str,
    target: Target,
    body: bytes | None,
    exchange: _Exchange,
    watch: deadlines.Watch,
    first: Target,
) -> _Answer:
    import http.client  # noqa: PLC0415 - only when talking to an Alertmanager

    url, config, deadline = target.url(), exchange.config, exchange.deadline
    proxy = _proxy(target, config)
    headers = _headers(target, body, config, first)
    headers.update(exchange.headers)
    if proxy is not None and proxy.userinfo is not None and target.scheme == "http":
        headers["Proxy-Authorization"] = _basic(proxy.userinfo)
    try:
        connection = _connection(target, proxy, config, exchange.tls, _remaining(deadline, url))
        # Every socket the connection makes is watched: shut when the deadline passes.
        connection._create_connection = watch.connect  # type: ignore[attr-defined]  # noqa: SLF001
        try:
            connection.request(method, _request_path(target, proxy), body=body, headers=headers)
            answer = connection.getresponse()
            data = _read(answer, connection, exchange, url)
            return _Answer(answer.status, data, answer.getheader("Location"))
        finally:
            connection.close()
    except TimeoutError:
        raise TimedOutError(url, deadlines.TIMED_OUT) from None
    except (http.client.HTTPException, OSError) as error:
        raise UnreachableError(url, str(error) or type(error).__name__) from None
    except ValueError as error:  # a header value http.client refuses (a newline in a secret)
        raise NotSentError(url, f"cannot send the request: {error}") from None


def _remaining(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimedOutError(url, deadlines.TIMED_OUT)
    return left


def _read(
    answer: http.client.HTTPResponse, connection: http.client.HTTPConnection, exchange: _Exchange, url: str
) -> bytes:
    """The body, by the deadline and at most ``exchange.max_bytes`` bytes: refused unread when
    its announced length is over, and as soon as more has come."""
    limit = exchange.max_bytes
    announced = _length(answer.getheader("Content-Length"))
    if announced is not None and announced > limit:
        raise TooLargeError(url, limit, announced)
    body = bytearray()
    while True:
        if connection.sock is not None:
            connection.sock.settimeout(_remaining(exchange.deadline, url))
        chunk = answer.read1(65536)
        if not chunk:
            return bytes(body)
        if len(body) + len(chunk) > limit:
            raise TooLargeError(url, limit)
        body += chunk


def _length(header: str | None) -> int | None:
    """The Content-Length, when it is a number (``http.client`` refuses a body that is not)."""
    text = (header or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 30 else None


def _headers(
    target: Target, body: bytes | None, config: HttpConfig | None, first: Target
) -> dict[str, str | bytes]:
    headers: dict[str, str | bytes] = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if config is not None:
        try:
            value = authorization_header(config)
        except HttpConfigError as error:
            raise NotSentError(target.url(), str(error)) from None
        if value is not None:
            headers["Authorization"] = value.encode("utf-8", "surrogateescape")
    elif target.userinfo is not None and _same_domain(target.address, first.address):
        headers["Authorization"] = _basic(target.userinfo)
    return headers


def _same_domain(sub: str, parent: str) -> bool:
    """Go's ``isDomainOrSubdomain`` of two ``host:port`` addresses."""
    return sub == parent or (sub.endswith("." + parent) and ":" not in sub.rsplit(":", 1)[0])


def _basic(userinfo: str) -> bytes:
    import base64  # noqa: PLC0415
    from urllib.parse import unquote_to_bytes  # noqa: PLC0415

    user, _, password = userinfo.partition(":")
    pair = unquote_to_bytes(user) + b":" + unquote_to_bytes(password)
    return b"Basic " + base64.b64encode(pair)


def _proxy(target: Target, config: HttpConfig | None) -> Target | None:
    """The proxy to use, taken apart, or ``None``; raise ``NotSentError`` for one we cannot use."""
    from oncall_policy.silence import goproxy  # noqa: PLC0415 - ipaddress: only when talking

    try:
        if config is not None:
            text = config.proxy_url
        else:
            text = goproxy.from_environment(
                target.scheme, target.host, target.port, goproxy.environment(os.environ)
            )
    except goproxy.ProxyRefusedError as error:
        raise NotSentError(target.url(), str(error)) from None
    if text is None:
        return None
    if not text:  # Go's url.Parse("") is an empty URL: amtool dials ":0" and fails every request
        raise NotSentError(target.url(), "proxy_url is empty")
    if not text.lower().startswith("http://"):  # amtool also speaks TLS and SOCKS to proxies
        raise NotSentError(
            target.url(), f"proxy {text!r}: only http:// proxies are supported by oncall-policy"
        )
    try:
        return split(text)
    except NotSentError as error:
        raise NotSentError(target.url(), f"proxy {text!r}: {error.detail}") from None


def _request_path(target: Target, proxy: Target | None) -> str:
    """Through a proxy, a plain-http request names the whole URL."""
    return target.url() if proxy is not None and target.scheme == "http" else target.path


def _connection(
    target: Target,
    proxy: Target | None,
    config: HttpConfig | None,
    tls: ssl.SSLContext | None,
    timeout: float,
) -> http.client.HTTPConnection:
    import http.client  # noqa: PLC0415

    host, port = (proxy.host, proxy.port) if proxy is not None else (target.host, target.port)
    port_number = int(port) if port else (443 if target.scheme == "https" and proxy is None else 80)
    if target.scheme != "https":
        return http.client.HTTPConnection(host, port_number, timeout=timeout)
    server_name = config.tls.server_name if config is not None else ""
    secure = tls_setup.https_connection()(
        host, port_number, timeout, tls or tls_setup.context(config), server_name or None
    )
    if proxy is not None:
        headers = dict(config.proxy_connect_header if config is not None else ())
        tunnel_headers = {name: ", ".join(values) for name, values in headers.items()}
        if proxy.userinfo is not None:
            tunnel_headers["Proxy-Authorization"] = _basic(proxy.userinfo).decode("ascii")
        secure.set_tunnel(target.host, int(target.port or 443), headers=tunnel_headers)
    return secure

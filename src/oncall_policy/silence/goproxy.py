"""Which proxy amtool uses for a URL: Go's ``http.ProxyFromEnvironment``, or the HTTP config's ``proxy_url``.

amtool without ``--http.config.file`` talks through go-openapi's default transport, whose proxy is
Go's ``ProxyFromEnvironment`` (go1.19 ``vendor/golang.org/x/net/http/httpproxy/proxy.go``):
``HTTP_PROXY`` (else ``http_proxy``) for http URLs, ``HTTPS_PROXY`` (else ``https_proxy``) for
https, except hosts named in ``NO_PROXY`` (else ``no_proxy``), and *never* for ``localhost`` or a
loopback IP address; under CGI (``REQUEST_METHOD`` set) an http proxy is refused. Python's urllib
differs (it would proxy 127.0.0.1, prefers the lower-case names and reads ``NO_PROXY`` otherwise),
so it is not used. With an HTTP config file amtool ignores the environment: only ``proxy_url``
counts, and then for every host, loopback too.

Measured with Debian's amtool 0.25 and a logging proxy on loopback: with ``HTTP_PROXY`` set,
``http://127.0.0.1:P``, ``http://localhost:P``, ``http://[::1]:P`` and ``http://127.1.2.3:P`` went
direct; ``http://LOCALHOST:P``, ``http://localhost.:P`` and ``http://am.invalid:P`` went through the
proxy (so did ``HTTP_PROXY=127.0.0.1:P``, without scheme); ``NO_PROXY=.invalid`` made
``am.invalid`` go direct; ``REQUEST_METHOD=GET`` gave ``refusing to use HTTP_PROXY value in CGI
environment``; with an HTTP config file without ``proxy_url`` the environment was ignored, and with
one, ``http://127.0.0.1:P`` and ``http://localhost:P`` (even with ``NO_PROXY=*``) went through it.
"""

from __future__ import annotations

import ipaddress

from oncall_policy.errors import OncallPolicyError
from oncall_policy.records import Record
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_PORTS = {"http": "80", "https": "443", "socks5": "1080"}


class ProxyRefusedError(OncallPolicyError):
    """A proxy Go would refuse to use (an http proxy under CGI)."""


class Environment(Record):
    """The proxy settings Go reads from the environment."""

    http_proxy: str
    https_proxy: str
    no_proxy: str
    cgi: bool


def environment(environ: Mapping[str, str]) -> Environment:
    """``httpproxy.FromEnvironment``: the upper-case name first, then the lower-case one."""

    def either(upper: str) -> str:
        return environ.get(upper) or environ.get(upper.lower()) or ""

    return Environment(
        either("HTTP_PROXY"), either("HTTPS_PROXY"), either("NO_PROXY"), bool(environ.get("REQUEST_METHOD"))
    )


def from_environment(scheme: str, host: str, port: str, env: Environment) -> str | None:
    """The proxy URL for a request to ``scheme://host:port`` (``host`` as written, unbracketed),
    or ``None`` to go direct; raise ``ProxyRefusedError`` where Go refuses."""
    proxy = _parse_proxy(env.https_proxy if scheme == "https" else env.http_proxy if scheme == "http" else "")
    if proxy is None:
        return None
    if scheme == "http" and env.cgi:
        raise ProxyRefusedError(
            "refusing to use HTTP_PROXY value in CGI environment; see golang.org/s/cgihttpproxy"
        )
    return proxy if _use_proxy(_ascii(host), port or DEFAULT_PORTS.get(scheme, ""), env.no_proxy) else None


def _parse_proxy(text: str) -> str | None:
    """``parseProxy``: without an http, https or socks5 scheme, ``http://`` is put in front."""
    if not text:
        return None
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    return text if scheme in ("http", "https", "socks5") else "http://" + text


def _ascii(host: str) -> str:
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Go's ``net.ParseIP``: no zone, no leading zeros (Python agrees on the latter)."""
    if "%" in host:
        return None
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """``localhost`` exactly (case matters to Go) or a loopback address, IPv4-mapped ones too."""
    if host == "localhost":
        return True
    ip = _ip(host)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip is not None and ip.is_loopback


def _use_proxy(host: str, port: str, no_proxy: str) -> bool:
    """``useProxy``: loopback never; else unless a ``NO_PROXY`` entry matches."""
    if is_loopback(host):
        return False
    ip = _ip(host)
    name = host.strip().lower()
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        if entry and _matches(entry, name, port, ip):
            return False
    return True


def _matches(
    entry: str, host: str, port: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None
) -> bool:
    if entry == "*":
        return True
    if "/" in entry:
        try:
            return ip is not None and ip in ipaddress.ip_network(entry, strict=False)
        except ValueError:
            pass
    want_host, want_port = _split_host_port(entry)
    if not want_host:
        return False
    entry_ip = _ip(want_host)
    if entry_ip is not None:
        return ip is not None and entry_ip == ip and want_port in ("", port)
    suffix = want_host[1:] if want_host.startswith("*.") else want_host
    whole = not suffix.startswith(".")
    suffix = "." + suffix if whole else suffix
    suffix = _ascii(suffix)
    return (host.endswith(suffix) or (whole and host == suffix[1:])) and want_port in ("", port)


def _split_host_port(entry: str) -> tuple[str, str]:
    """``net.SplitHostPort`` where it succeeds, else the whole entry as the host."""
    if entry.startswith("["):
        close = entry.find("]")
        if close > 0 and entry[close + 1 : close + 2] == ":" and entry[close + 2 :].isdigit():
            return entry[1:close], entry[close + 2 :]
        return entry, ""
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, port
    return entry, ""

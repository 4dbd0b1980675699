"""What a proxy forwards of a message's header fields (RFC 9110 §7.6).

Hop-by-hop fields belong to one connection and are not forwarded (§7.6.1): ``Connection`` and
every field it names, and ``Proxy-Connection``, ``Keep-Alive``, ``TE``, ``Transfer-Encoding``,
``Upgrade``, ``Trailer``, ``Proxy-Authenticate``, ``Proxy-Authorization``. The gate adds itself
to ``Via`` (§7.6.3) both ways. Towards Alertmanager, ``Host`` becomes the upstream's (the HTTP
client sets it from the URL) and ``X-Forwarded-For``/``-Host``/``-Proto`` say where the request
came from: extended when the peer is a trusted proxy, which set them, and replaced otherwise,
so that no client can claim another address.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

Fields = list[tuple[str, str]]
VIA = "1.1 oncall-policy-gate"
HOP_BY_HOP = frozenset(
    (
        "connection",
        "proxy-connection",
        "keep-alive",
        "te",
        "transfer-encoding",
        "upgrade",
        "trailer",
        "proxy-authenticate",
        "proxy-authorization",
    )
)
_FORWARDED = ("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded")


def end_to_end(fields: Iterable[tuple[str, str]], dropped: Iterable[str] = ()) -> Fields:
    """``fields`` without the hop-by-hop ones, those ``Connection`` names and ``dropped``."""
    fields = list(fields)
    named = {
        token.strip().lower()
        for name, value in fields
        if name.lower() == "connection"
        for token in value.split(",")
    }
    drop = HOP_BY_HOP | named | {name.lower() for name in dropped}
    return [(name, value) for name, value in fields if name.lower() not in drop]


def to_upstream(
    fields: Iterable[tuple[str, str]], *, peer: str, host: str | None, trusted: bool, dropped: Iterable[str]
) -> Fields:
    """The request's fields as sent on to Alertmanager (see the module docstring)."""
    fields = list(fields)
    kept = end_to_end(fields, (*dropped, "host", *([] if trusted else _FORWARDED)))
    given = {name.lower(): value for name, value in kept}
    chain = given.get("x-forwarded-for")
    kept = [(name, value) for name, value in kept if name.lower() != "x-forwarded-for"]
    kept.append(("X-Forwarded-For", f"{chain}, {peer}" if chain else peer))
    if "x-forwarded-host" not in given and host:
        kept.append(("X-Forwarded-Host", host))
    if "x-forwarded-proto" not in given:
        kept.append(("X-Forwarded-Proto", "http"))
    return _via(kept)


def from_upstream(fields: Iterable[tuple[str, str]]) -> Fields:
    """Alertmanager's answer's fields as sent on to the client."""
    return _via(end_to_end(fields))


def _via(fields: Fields) -> Fields:
    earlier = ", ".join(value for name, value in fields if name.lower() == "via")
    kept = [(name, value) for name, value in fields if name.lower() != "via"]
    kept.append(("Via", f"{earlier}, {VIA}" if earlier else VIA))
    return kept

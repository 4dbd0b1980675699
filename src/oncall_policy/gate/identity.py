"""Who a request authenticates as: the name it proves, before anyone looks it up in the roster.

- ``header``: the configured header (``X-Forwarded-Email``), set by an authenticating proxy in
  front, believed only when the TCP peer is one of ``trusted_peers``; from anyone else, or given
  more than once, the request is unauthenticated.
- ``basic``: HTTP basic authentication against the users file.
- ``none``: no one.

The credentials are the gate's: in basic mode ``Authorization`` is not forwarded, and the
identity header never is (``forwarded_away``).
"""

from __future__ import annotations

import base64
import binascii

from oncall_policy.gate.config import Auth, Network
from oncall_policy.gate.users import Verifier, address_of
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from multidict import CIMultiDictProxy

REALM = 'Basic realm="oncall-policy gate", charset="UTF-8"'


class Authenticator:
    def __init__(self, auth: Auth, verifier: Verifier | None) -> None:
        self.auth = auth
        self._verifier = verifier

    @property
    def challenge(self) -> str | None:
        """The ``WWW-Authenticate`` value of a 401 (None: no challenge a client could answer)."""
        return REALM if self.auth.mode == "basic" else None

    def forwarded_away(self) -> tuple[str, ...]:
        """Headers that carry the gate's credentials and are not sent on to Alertmanager."""
        if self.auth.mode == "basic":
            return ("Authorization",)
        if self.auth.mode == "header":
            return (self.auth.header,)
        return ()

    async def who(self, headers: CIMultiDictProxy[str], peer: str | None) -> str | None:
        """The name the request proves it is (None: unauthenticated)."""
        if self.auth.mode == "header":
            return from_header(headers.getall(self.auth.header, []), peer, self.auth.trusted_peers)
        if self.auth.mode == "basic" and self._verifier is not None:
            found = basic_credentials(headers.getall("Authorization", []))
            if found is not None and await self._verifier.verify(*found, peer):
                return found[0]
        return None


def from_header(values: Sequence[str], peer: str | None, trusted: Sequence[Network]) -> str | None:
    if len(values) != 1 or not values[0].strip() or not trusted_peer(peer, trusted):
        return None
    return values[0].strip()


def trusted_peer(peer: str | None, trusted: Sequence[Network]) -> bool:
    address = address_of(peer) if peer is not None else None
    return address is not None and any(address in network for network in trusted)


def basic_credentials(values: Sequence[str]) -> tuple[str, str] | None:
    """The name and password of one ``Authorization: Basic`` header (None: none, or malformed)."""
    if len(values) != 1:
        return None
    scheme, _, encoded = values[0].strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):  # ValueError: not ASCII at all
        return None
    name, colon, password = decoded.partition(":")
    return (name, password) if colon and name else None

"""The users file of basic mode: one ``NAME:HASH`` line per person, as ``htpasswd -B`` writes them.

NAME is how the person logs in: their roster email (or roster id). HASH is a bcrypt hash
(``$2b$``, ``$2a$`` or ``$2y$``); blank lines and lines starting with ``#`` are skipped. To add a
person (the password is read without echo)::

    htpasswd -B -C 12 gate-users engineer-a@clipper.app
    # or, without apache2-utils:
    .venv/bin/python -c 'import bcrypt, getpass
    print(bcrypt.hashpw(getpass.getpass().encode(), bcrypt.gensalt()).decode())'

and append ``engineer-a@clipper.app:<hash>`` to the file.

Checking a bcrypt hash takes about a second at cost 12 on a small machine, and clients such as
amtool send their credentials with every request, so ``Verifier`` remembers the pairs it has
accepted and refused — as a keyed hash (HMAC-SHA256 under a key made at start-up and never
stored), never the password — and lets only a few checks run at once. So that a client guessing
passwords cannot keep the checks busy for everyone else:

- the same pair asked again while it is being checked waits for that check (a browser sends
  its first requests side by side), and a pair refused once is refused at once after;
- a client address has at most ``PER_CLIENT`` checks under way or waiting, and one that gave a
  wrong password in the last ``GUESSING_SECONDS`` at most one; another is answered 429
  (``TooManyAttemptsError``), as is any check beyond ``MAX_WAITING`` waiting in all. An IPv6
  client counts by its /64 (``client_of``): one host is routinely given a whole /64, and one
  address of it per guess would otherwise fill the queue;
- people already checked are never queued behind anyone: their pair is remembered.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import secrets
import time
from pathlib import Path

import bcrypt

from oncall_policy.gate.config import GateConfigError
from oncall_policy.regular_files import read_regular

MAX_USERS_BYTES = 4 * 1024 * 1024
_PREFIXES = (b"$2a$", b"$2b$", b"$2y$")
_REMEMBERED = 10_000
MAX_WAITING = 32  # password checks waiting for a slot, from every client together
PER_CLIENT = 4  # checks of different pairs one address may have under way or waiting
GUESSING_SECONDS = 60.0


class TooManyAttemptsError(Exception):
    """A password check refused for now: the client (or everyone) has too many under way."""


def read(path: str | Path) -> dict[str, bytes]:
    """The hash of each name in the users file at ``path``; ``GateConfigError`` when it is unusable."""
    try:
        text = read_regular(path, MAX_USERS_BYTES).decode("utf-8")
    except OSError as error:
        raise GateConfigError(f"{path}: cannot read the users file: {error.strerror}") from None
    except UnicodeDecodeError:
        raise GateConfigError(f"{path}: the users file is not UTF-8") from None
    users: dict[str, bytes] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, colon, hashed = line.strip().rpartition(":")
        if not (colon and name and hashed.encode().startswith(_PREFIXES)):
            raise GateConfigError(f"{path}:{number}: expected NAME:BCRYPT-HASH (as `htpasswd -B` writes)")
        if name in users:
            raise GateConfigError(f"{path}:{number}: {name!r} is given twice")
        users[name] = hashed.encode()
    return users


class Verifier:
    """Checks a name and password against the users file's hashes, off the event loop."""

    def __init__(self, users: dict[str, bytes], concurrency: int = 2) -> None:
        self._users = users
        self._key = secrets.token_bytes(32)
        self._accepted: set[bytes] = set()
        self._refused: set[bytes] = set()
        self._checking: dict[bytes, asyncio.Future[bool]] = {}  # pair → its check under way
        self._failed: dict[str, float] = {}  # client address → when a check of its last failed
        self._busy: dict[str, int] = {}  # address → its checks under way or waiting
        self._slots = asyncio.Semaphore(concurrency)
        self._waiting = 0

    async def verify(self, name: str, password: str, client: str | None = None) -> bool:
        """Whether ``password`` is ``name``'s; ``TooManyAttemptsError`` when too many checks
        wait, or when ``client`` (an address) gave a wrong password lately and has another
        check under way."""
        hashed = self._users.get(name)
        if hashed is None:
            return False
        token = self._token(name, password, hashed)
        if token in self._accepted:
            return True
        if token in self._refused:
            return False
        under_way = self._checking.get(token)
        if under_way is not None:
            return await asyncio.shield(under_way)
        client = client_of(client)
        busy = self._busy.get(client, 0) if client is not None else 0
        if (
            self._waiting >= MAX_WAITING
            or busy >= PER_CLIENT
            or (busy and client is not None and self._guessing(client))
        ):
            raise TooManyAttemptsError
        checked = self._checking[token] = asyncio.get_running_loop().create_future()
        try:
            good = await self._check(password, hashed, client)
        except BaseException:
            checked.set_exception(TooManyAttemptsError())  # those waiting for it: try again
            checked.exception()  # retrieved, whether anyone waits for it or not
            raise
        finally:
            del self._checking[token]
        self._remember(token, good, client)
        checked.set_result(good)
        return good

    async def _check(self, password: str, hashed: bytes, client: str | None) -> bool:
        if client is not None:
            self._busy[client] = self._busy.get(client, 0) + 1
        self._waiting += 1
        waiting = True
        try:
            async with self._slots:
                self._waiting, waiting = self._waiting - 1, False
                return await asyncio.get_running_loop().run_in_executor(None, check, password, hashed)
        finally:
            if waiting:
                self._waiting -= 1
            if client is not None:
                left = self._busy.pop(client) - 1
                if left:
                    self._busy[client] = left

    def _guessing(self, client: str) -> bool:
        failed = self._failed.get(client)
        return failed is not None and time.monotonic() - failed < GUESSING_SECONDS

    def _remember(self, token: bytes, good: bool, client: str | None) -> None:
        remembered = self._accepted if good else self._refused
        if len(remembered) >= _REMEMBERED:
            remembered.clear()
        remembered.add(token)
        if not good and client is not None:
            if len(self._failed) >= _REMEMBERED:
                self._failed.clear()
            self._failed[client] = time.monotonic()

    def _token(self, name: str, password: str, hashed: bytes) -> bytes:
        material = b"\0".join((name.encode(), password.encode("utf-8", "surrogatepass"), hashed))
        return hmac.new(self._key, material, hashlib.sha256).digest()


def address_of(peer: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A peer's address as the gate compares it: without an IPv6 zone, an IPv4-mapped IPv6
    address as its IPv4 one (None: not an address)."""
    try:
        address = ipaddress.ip_address(peer.partition("%")[0])  # an IPv6 zone is no part of it
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_of(peer: str | None) -> str | None:
    """Who a peer address counts as: an IPv4 address itself, an IPv6 address its /64, the
    network one host or one customer line is given."""
    if peer is None:
        return None
    address = address_of(peer)
    if address is None:
        return peer
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def check(password: str, hashed: bytes) -> bool:
    """Whether ``password`` has ``hashed`` (bcrypt reads at most 72 bytes: a longer one never does)."""
    secret = password.encode("utf-8", "surrogatepass")
    if len(secret) > 72:
        return False
    try:
        return bcrypt.checkpw(secret, hashed)
    except ValueError:  # a malformed hash: no password has it
        return False

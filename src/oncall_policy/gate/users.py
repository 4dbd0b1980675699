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
accepted — as a keyed hash (HMAC-SHA256 under a key made at start-up and never stored), never
the password — and lets only a few checks run at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from pathlib import Path

import bcrypt

from oncall_policy.gate.config import GateConfigError
from oncall_policy.regular_files import read_regular

MAX_USERS_BYTES = 4 * 1024 * 1024
_PREFIXES = (b"$2a$", b"$2b$", b"$2y$")
_REMEMBERED = 10_000


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
        self._slots = asyncio.Semaphore(concurrency)

    async def verify(self, name: str, password: str) -> bool:
        hashed = self._users.get(name)
        if hashed is None:
            return False
        token = self._token(name, password, hashed)
        if token in self._accepted:
            return True
        async with self._slots:
            good = await asyncio.get_running_loop().run_in_executor(None, check, password, hashed)
        if good:
            if len(self._accepted) >= _REMEMBERED:
                self._accepted.clear()
            self._accepted.add(token)
        return good

    def _token(self, name: str, password: str, hashed: bytes) -> bytes:
        material = b"\0".join((name.encode(), password.encode("utf-8", "surrogatepass"), hashed))
        return hmac.new(self._key, material, hashlib.sha256).digest()


def check(password: str, hashed: bytes) -> bool:
    """Whether ``password`` has ``hashed`` (bcrypt reads at most 72 bytes: a longer one never does)."""
    secret = password.encode("utf-8", "surrogatepass")
    if len(secret) > 72:
        return False
    try:
        return bcrypt.checkpw(secret, hashed)
    except ValueError:  # a malformed hash: no password has it
        return False

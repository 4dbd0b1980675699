"""The gate's signing key: made by ``oncall-policy gate keygen``, held in a file the gate reads.

The private key is PKCS #8 PEM, written with mode 0600 and refused when others may read it; the
public key (``KEY.pub``, SubjectPublicKeyInfo PEM, 0644: it is meant to be handed out) is what
``silence audit --verify-key`` checks proofs with (``silence.proof``). Several gate instances
share one key. The key also makes the secret behind the approve page's form tokens (``secret``),
so that any instance accepts a form another served.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from oncall_policy.gate.config import GateConfigError
from oncall_policy.regular_files import read_regular
from oncall_policy.silence import proof
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from oncall_policy.matchers import Matcher


class Signer:
    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        self.secret = hashlib.sha256(b"oncall-policy approve-form tokens\0" + raw).digest()

    def sign(  # noqa: PLR0913, PLR0917 - every part the proof covers
        self,
        matchers: Sequence[Matcher],
        start: datetime,
        end: datetime,
        author: str,
        text: str,
        entries: str,
    ) -> str:
        signed_start = proof.microseconds(start)
        signature = self._key.sign(proof.message(matchers, signed_start, end, author, text, entries))
        return proof.encode(signed_start, signature)


def read(path: str | Path) -> Signer:
    """The signer whose private key is in ``path``; ``GateConfigError`` when it is unusable."""
    try:
        if Path(path).stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise GateConfigError(f"{path}: the signing key may be read by others: chmod 600 {path}")
        key = serialization.load_pem_private_key(read_regular(path, proof.MAX_KEY_BYTES), password=None)
    except OSError as error:
        raise GateConfigError(f"{path}: cannot read the signing key: {error.strerror}") from None
    except (ValueError, TypeError):
        raise GateConfigError(
            f"{path}: not an unencrypted PEM private key (gate keygen writes one)"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise GateConfigError(f"{path}: not an Ed25519 private key")
    return Signer(key)


def keygen(out: str | Path) -> tuple[Path, Path]:
    """A new key pair: the private key at ``out`` (0600), the public one at ``out.pub``; neither
    may exist already. Returns both paths."""
    private, public = Path(out), Path(f"{out}.pub")
    key = Ed25519PrivateKey.generate()
    secret = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    shown = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if existing := [str(path) for path in (private, public) if path.exists()]:
        raise GateConfigError(f"{' and '.join(existing)} exist already; keygen never overwrites a key")
    for path, data, mode in ((public, shown, 0o644), (private, secret, 0o600)):
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            raise GateConfigError(f"{path} exists already; keygen never overwrites a key") from None
        except OSError as error:
            raise GateConfigError(f"{path}: cannot write: {error.strerror}") from None
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), mode)  # whatever the umask
            file.write(data)
    return private, public

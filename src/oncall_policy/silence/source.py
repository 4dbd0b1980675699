"""Where the silence rules come from: ``generated/silence-rules.json`` when it is fresh.

Fresh means the file is as ``compile`` wrote it (its ``seal`` holds: the sha256 of all it says) and
it names the sha256 of the policy file's bytes (hashed here, stdlib only). It is read as a regular
file of bounded size, never through a symlink and without blocking (a FIFO in its place is no
file). When it is stale, edited, missing or refused, the policy is loaded properly — pydantic and
YAML, slow but correct — and the rules are built in memory; the caller is told why. When the
policy cannot be read or is invalid, ``PolicyError`` propagates: the caller must then reject every
silence (fail closed).

A seal is no signature: whoever may edit the file (a pull request's author) can seal it again, a
P1 cap raised to 30 days and all (red team). So a fresh file is used only once it is known to
be what this oncall-policy compiles the policy to: the first time a file is met, the policy is
compiled in memory and the bytes compared; the same are then remembered as verified in this
user's private cache (``private_cache``, by the seal's sha256 and for the policy's), so that later
runs read the file alone. A file that is not what the policy compiles to is stale.
"""

from __future__ import annotations

import errno
import os

from oncall_policy import build, private_cache
from oncall_policy.errors import PolicyError
from oncall_policy.json_loads import loads
from oncall_policy.records import Record
from oncall_policy.regular_files import FileRefusedError, read_regular
from oncall_policy.silence.document import FORMAT
from oncall_policy.silence.document.read import from_document
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.seal import digest_of, intact, sha256_hex
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

# Paths are strings here, not ``pathlib``: it costs ~7 ms of the silence path's start-up.
GENERATED = os.path.join("generated", "silence-rules.json")
# The most read of the policy or its rules: far above the loader's 16 MiB cap on a policy and the
# rules of a 10,000-alert policy (2 MB), yet a bound (``/dev/zero`` is no policy).
LIMIT = 64 * 1024 * 1024
VERIFIED = ("oncall-policy", "verified-silence-rules")  # private_cache's entries, by the seal


class Loaded(Record):
    rules: Rules
    stale: str | None = None  # why the generated rules were not used
    sha256: str = ""  # of the policy file's bytes the rules were loaded from
    include: tuple[str, ...] = ()  # the patterns naming its parts (a policy in parts)


def generated_path(policy: str | os.PathLike[str]) -> str:
    return os.path.join(os.path.dirname(policy), GENERATED)


def load(policy: str | os.PathLike[str]) -> Loaded:
    """The rules for ``policy``; raise ``PolicyError`` when it is missing or invalid."""
    policy = os.fspath(policy)
    raw = _read(policy)
    digest = sha256_hex(raw)
    generated = generated_path(policy)
    try:
        data = _read_generated(os.path.dirname(policy))
        if not intact(data):
            why = f"{generated} was changed after it was compiled"
        else:
            doc = loads(data)
            if doc.get("source", {}).get("sha256") != digest:
                why = f"{generated} was compiled from another version of {os.path.basename(policy)}"
            elif (changed := _changed_part(policy, doc)) is not None:
                why = f"{generated} was compiled from another version of {changed}"
            elif _verified(digest, data):
                return Loaded(from_document(doc), None, digest, tuple(doc.get("include") or ()))
            else:
                return _verifying(policy, raw, digest, data)
    except FileRefusedError as error:
        why = f"{generated} {error.strerror}"
    except OSError:
        why = f"{generated} is missing"
    except (ValueError, KeyError, TypeError, AttributeError):
        why = f"{generated} is unreadable"
    rules, include = _from_policy(policy, raw)
    return Loaded(rules, f"{why}; run `oncall-policy compile`", digest, include)


def _verified(digest: str, data: bytes) -> bool:
    """Whether the rules file ``data`` is known, in this user's cache, to be what this
    oncall-policy compiles the policy of sha256 ``digest`` to."""
    return private_cache.read(VERIFIED, digest_of(data), _verified_key(digest, data), 0) is not None


def remember_verified(digest: str, data: bytes) -> None:
    """Remember the sealed rules file ``data`` as what this oncall-policy compiles the policy of
    sha256 ``digest`` to (``compile`` does, as it makes it)."""
    private_cache.write(VERIFIED, digest_of(data), _verified_key(digest, data), b"")


def _verified_key(digest: str, data: bytes) -> bytes:
    """What a verification vouches for: the file (its seal's sha256: an entry's name alone could
    be copied to another's), the policy, and the build that compared them."""
    sealed, by = digest_of(data), build.identity()
    return f"silence rules {FORMAT} sealed {sealed} by oncall-policy {by}, of the policy {digest}".encode()


def _verifying(policy: str, raw: bytes, digest: str, data: bytes) -> Loaded:
    """The rules of a fresh file met for the first time: the policy compiled here, and the file
    remembered as verified if it is what that gives, else stale (its rules are not used)."""
    compiled, include = _compiled(policy, raw)
    rules = from_document(loads(compiled))
    if compiled == data:
        remember_verified(digest, data)
        return Loaded(rules, None, digest, include)
    name = os.path.basename(policy)
    why = f"{generated_path(policy)} is not what {name} compiles to (edited, then sealed again?)"
    return Loaded(rules, f"{why}; run `oncall-policy compile`", digest, include)


def _compiled(policy: str, raw: bytes) -> tuple[bytes, tuple[str, ...]]:
    """The rules file ``compile`` writes for the policy ``raw``, and its include patterns."""
    from pathlib import Path  # noqa: PLC0415 - the slow path only

    from oncall_policy.checks.checked import load_policy_bytes  # noqa: PLC0415
    from oncall_policy.load import parts  # noqa: PLC0415
    from oncall_policy.provenance import Source  # noqa: PLC0415
    from oncall_policy.silence.document.write import PATH  # noqa: PLC0415
    from oncall_policy.silence.document.write import build as document_of  # noqa: PLC0415

    loaded = load_policy_bytes(raw, policy)
    text = document_of(loaded, Source.of(Path(policy), raw, parts.sources(loaded)))[PATH]
    return text.encode("utf-8"), tuple(loaded.include or ())


def _changed_part(policy: str, doc: dict[str, Any]) -> str | None:
    """The first part (or ``include``) that differs from what the rules were compiled from;
    ``None`` when the policy has no parts or every part is as compiled."""
    include = doc.get("include")
    compiled = [(str(s["name"]), str(s["sha256"])) for s in doc["sources"][1:]]
    if not include:
        return None if not compiled else "the policy's parts"
    from pathlib import Path  # noqa: PLC0415 - only a policy with parts pays for it

    from oncall_policy.provenance import included  # noqa: PLC0415

    base = os.path.dirname(policy)
    try:
        names = included(Path(base or "."), include, os.path.basename(policy))
    except RecursionError:  # too deep to search: the loader says so, at the include
        return "the policy's parts (too deep to search)"
    if names != [name for name, _ in compiled]:
        return "the policy's parts (added, removed or renamed)"
    for name, sha in compiled:
        try:
            if sha256_hex(read_regular(os.path.join(base, name), LIMIT)) != sha:
                return name
        except OSError:
            return name
    return None


def _read_generated(beside: str) -> bytes:
    """``generated/silence-rules.json`` beside the policy, through no symlink: neither the file
    nor ``generated/`` may be one (either could lead to rules someone else wrote)."""
    folder, name = os.path.split(GENERATED)
    path = os.path.join(beside or ".", folder)
    try:
        directory = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        if error.errno in {errno.ELOOP, errno.ENOTDIR}:  # a symlink, or not a directory at all
            raise FileRefusedError(
                error.errno, f"is inside {path}, which is not a plain directory", path
            ) from None
        raise
    try:
        return read_regular(name, LIMIT, follow_symlinks=False, dir_fd=directory)
    finally:
        os.close(directory)


def _read(policy: str) -> bytes:
    """The policy's bytes: a regular file (a FIFO would block the check for good), read up to a
    bound past the loader's own, which then names a policy too large."""
    try:
        return read_regular(policy, LIMIT)
    except OSError as error:
        from oncall_policy.load.reading import UNREADABLE  # noqa: PLC0415 - only when it fails
        from oncall_policy.problems import Problem  # noqa: PLC0415

        message = f"cannot read the policy: {error.strerror}"
        raise PolicyError([Problem(policy, 1, 1, "", message, UNREADABLE.id)]) from None


def _from_policy(policy: str, raw: bytes) -> tuple[Rules, tuple[str, ...]]:
    from pathlib import Path  # noqa: PLC0415 - the slow path only

    from oncall_policy.checks.checked import load_policy_bytes  # noqa: PLC0415
    from oncall_policy.load import parts  # noqa: PLC0415
    from oncall_policy.provenance import Source  # noqa: PLC0415
    from oncall_policy.silence.document.write import document  # noqa: PLC0415

    loaded = load_policy_bytes(raw, policy)
    rules = from_document(document(loaded, Source.of(Path(policy), raw, parts.sources(loaded)), tables=False))
    return rules, tuple(loaded.include or ())

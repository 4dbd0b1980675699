"""A cache directory only this user can write, whose entries are used only for the key they were made for.

What a cache holds is run (compiled templates are Python code), so an entry is trusted only if no
one else could have put it there, and only for what it was built from:

- The chain. The base (``$XDG_CACHE_HOME`` when it is an absolute path, else ``~/.cache``) is the
  user's own setting and is taken as given, even as a symlink; it may be a shared place such as
  ``/tmp``. Below it, each directory of ours is opened relative to the one before without following
  a symlink, made (mode 0700) when missing, and refused unless the effective user owns it and
  neither group nor others may write it. The entry is opened relative to the last one, read only if
  it is a regular file, without following a symlink, without blocking (a FIFO) and up to a bound.
  Everything goes through open descriptors, so nothing can be swapped between a check and its use.
- The key. An entry is ``MAGIC``, then the sha256 of this user's secret, the caller's key and the
  payload, then the payload. The key is everything the payload was built from (the caller hashes
  its sources and versions into it), so a stale entry, one from another version, or one made for
  something else is a miss.
- The secret. A cache directory may be where others' files arrive: a CI job's cache inside the
  checkout (``XDG_CACHE_HOME=$CI_PROJECT_DIR/.cache``, as GitLab caches only paths there), which
  a merge request's commit fills (red team: an entry forged there vouched for a rules file it
  loosened). An entry counts only with the digest of 32 random bytes kept in this user's config
  directory (``$XDG_CONFIG_HOME`` or ``~/.config``, ``oncall-policy/cache-key``, made when
  missing, held to the same chain), which no cached or committed file holds. Whoever can write
  files as this user could still forge an entry, but could as well edit the installed package.

Anything that goes wrong (a refused directory, a damaged or mismatched entry, a full disk) is a
miss or an unwritten entry: a cache only ever costs speed.

``silence check`` reads it on every run: paths are strings, and neither ``pathlib``, ``hashlib``,
``contextlib`` nor ``typing`` is imported (each costs milliseconds of its start-up).
"""

from __future__ import annotations

import os
import stat

from oncall_policy.digests import sha256
from oncall_policy.regular_files import read_regular
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

MAGIC = b"oncall-policy cache entry v1\n"
_DIGEST = 32  # bytes of a SHA-256 digest


class UntrustedDirectoryError(OSError):
    """A directory of the cache's chain that someone other than this user could write."""


def base() -> Path:
    """``$XDG_CACHE_HOME`` if it is absolute (the XDG spec ignores a relative one), else ``~/.cache``."""
    from pathlib import Path  # noqa: PLC0415 - see the module's docstring

    return Path(_base())


def _base(variable: str = "XDG_CACHE_HOME", default: str = ".cache") -> str:
    configured = os.environ.get(variable, "")
    if os.path.isabs(configured):
        return configured
    home = os.path.expanduser("~")
    if not os.path.isabs(home):  # no $HOME and no entry in the password database: no cache
        raise OSError("no home directory for a cache")
    return os.path.join(home, default)


KEY_FILE = "cache-key"  # in the config directory: the name of the file that holds the secret
_SECRET_BYTES = 32
_secrets: list[bytes] = []  # this process's, once read


def _secret() -> bytes:
    """The secret of this user's caches (see the module docstring); ``OSError`` without one."""
    if _secrets:
        return _secrets[0]
    directory = _directory(("oncall-policy",), _base("XDG_CONFIG_HOME", ".config"))
    try:
        try:
            found = read_regular(KEY_FILE, _SECRET_BYTES, follow_symlinks=False, dir_fd=directory)
        except FileNotFoundError:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            try:
                descriptor = os.open(KEY_FILE, flags, 0o600, dir_fd=directory)
            except FileExistsError:  # another process made it first: that one counts
                pass
            else:
                with os.fdopen(descriptor, "wb") as file:
                    file.write(os.urandom(_SECRET_BYTES))
            found = read_regular(KEY_FILE, _SECRET_BYTES, follow_symlinks=False, dir_fd=directory)
        if len(found) != _SECRET_BYTES or os.fstat(directory).st_uid != os.geteuid():
            raise OSError(f"{KEY_FILE}: not the secret this user's caches are kept with")
    finally:
        os.close(directory)
    _secrets.append(found)
    return found


def read(parts: Sequence[str], name: str, key: bytes, limit: int) -> bytes | None:
    """The payload of entry ``name`` in ``base()/parts...`` if it was written for ``key``; else ``None``."""
    try:
        directory = _directory(parts)
    except OSError:
        return None
    try:
        entry = read_regular(name, len(MAGIC) + _DIGEST + limit, follow_symlinks=False, dir_fd=directory)
    except OSError:
        return None
    finally:
        os.close(directory)
    start = len(MAGIC) + _DIGEST
    head, digest, payload = entry[: len(MAGIC)], entry[len(MAGIC) : start], entry[start:]
    try:
        return payload if head == MAGIC and digest == _digest(key, payload) else None
    except OSError:  # no secret to check it with: no entry counts
        return None


def write(parts: Sequence[str], name: str, key: bytes, payload: bytes) -> None:
    """Keep ``payload`` as entry ``name`` for ``key``, replacing it whole; nothing if it cannot be."""
    try:
        directory = _directory(parts)
    except OSError:
        return
    try:
        _replace(directory, name, MAGIC + _digest(key, payload) + payload)
    except OSError:
        pass
    finally:
        os.close(directory)


def _digest(key: bytes, payload: bytes) -> bytes:
    """The entry's digest; ``OSError`` without this user's secret (no entry then counts)."""
    # The secret first (a fixed length), then the key's length, so that no other split of the
    # same bytes gives the same digest, and nothing appended to the payload can change the key.
    return sha256(_secret() + len(key).to_bytes(8, "big") + key + payload)


def _directory(parts: Sequence[str], home: str | None = None) -> int:
    """The last directory of ``home/parts...`` (``base()`` unless given), open (the caller closes
    it), each one checked on the way down."""
    home = _base() if home is None else home
    os.makedirs(home, 0o700, exist_ok=True)  # as the XDG spec asks of a missing base
    directory = os.open(home, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts:
            inner = _private(directory, part)
            os.close(directory)
            directory = inner
    except BaseException:
        os.close(directory)
        raise
    return directory


def _private(parent: int, name: str) -> int:
    """Directory ``name`` in ``parent``, made if missing, opened if it is this user's alone."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:  # noqa: SIM105 - contextlib.suppress: contextlib costs the silence path's start-up
        os.mkdir(name, 0o700, dir_fd=parent)
    except FileExistsError:
        pass
    directory = os.open(name, flags, dir_fd=parent)  # a symlink is refused here (ELOOP/ENOTDIR)
    found = os.fstat(directory)
    if found.st_uid != os.geteuid() or found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        os.close(directory)
        raise UntrustedDirectoryError(
            f"{name}: owned by uid {found.st_uid}, mode {stat.filemode(found.st_mode)}"
        )
    return directory


def _replace(directory: int, name: str, data: bytes) -> None:
    """Write ``name`` whole or not at all: into a new file of our own, then renamed over it."""
    temporary = f".tmp-{os.getpid()}-{os.urandom(6).hex()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(temporary, flags, 0o600, dir_fd=directory)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
    except BaseException:
        os.unlink(temporary, dir_fd=directory)
        raise

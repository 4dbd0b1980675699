"""Reading a file only when it is what it claims to be: a regular file of bounded size.

A path may name a FIFO (``open`` blocks forever), ``/dev/zero`` (``read`` never ends), a directory, or
a symlink planted by someone else. Every read of a file we did not just write goes through here: it
opens without blocking, checks the type on the open descriptor (no race between a check and the
open), refuses anything larger than the caller's limit before reading, and reads at most that much
even if the file grows meanwhile.
"""

from __future__ import annotations

import errno
import os
import stat

# A configuration, secret or arguments file: a megabyte is far more than any real one holds.
SMALL_FILE = 1 << 20


class FileRefusedError(OSError):
    """The path exists but is not a regular file we may read; ``strerror`` says why."""


def read_regular(
    path: str | os.PathLike[str], limit: int, *, follow_symlinks: bool = True, dir_fd: int | None = None
) -> bytes:
    """The bytes of ``path`` (relative to the open directory ``dir_fd`` if given, as ``os.open``
    takes it); raise ``OSError`` (``FileRefusedError`` for a wrong type or size)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_symlinks else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags, dir_fd=dir_fd)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_symlinks:
            raise FileRefusedError(errno.ELOOP, "is a symbolic link; refusing to follow it", path) from None
        raise
    try:
        return read_open(descriptor, path, limit)
    finally:
        os.close(descriptor)


def read_open(descriptor: int, path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the open ``descriptor`` (of ``path``, for messages), as ``read_regular`` reads them."""
    mode = os.fstat(descriptor)
    if not stat.S_ISREG(mode.st_mode):
        raise FileRefusedError(errno.EINVAL, f"is not a regular file ({kind(mode.st_mode)})", path)
    if mode.st_size > limit:
        raise FileRefusedError(errno.EFBIG, f"is {mode.st_size:,} bytes; at most {limit:,} are read", path)
    chunks: list[bytes] = []
    remaining = limit + 1
    while remaining > 0 and (chunk := os.read(descriptor, min(remaining, 1 << 20))):
        chunks.append(chunk)
        remaining -= len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise FileRefusedError(errno.EFBIG, f"grew past {limit:,} bytes while being read", path)
    return data


def kind(mode: int) -> str:
    """What a file of this mode is, for messages."""
    kinds = (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")

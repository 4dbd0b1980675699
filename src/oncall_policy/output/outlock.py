"""One compile at a time into a directory: ``flock`` on the output's parent directory.

Locking the parent's own descriptor leaves no lock file in the repository, releases the lock
however the process ends (kill -9 included), and gives every compile into the directory the same
lock whatever path it was named by. ``compile`` locks exclusively; ``compile --check`` shares the
lock, so that it reads one whole tree and never the moment of a swap. A waiter gives up after
``WAIT_SECONDS`` with a clear error rather than hanging a CI job.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from oncall_policy.output.place import OutputError, Place

WAIT_SECONDS = 60.0

# The parent directories this process has locked, by (device, inode): a nested ``locked`` (the
# CLI holds the lock around the writer, which takes it too) shares the outer one, as a second
# ``flock`` on a new descriptor would wait for the process's own lock.
_held: dict[tuple[int, int], tuple[int, bool]] = {}


@contextmanager
def locked(place: Place, *, exclusive: bool) -> Iterator[int | None]:
    """The parent's descriptor, locked while the block runs. A shared lock on a parent that does
    not exist is no lock (there is nothing to read); an exclusive one makes the parent first."""
    if exclusive:
        _make_parent(place)
    descriptor = _open_parent(place, missing_ok=not exclusive)
    if descriptor is None:
        yield None
        return
    try:
        yield from _holding(descriptor, place, exclusive=exclusive)
    finally:
        os.close(descriptor)


def _holding(descriptor: int, place: Place, *, exclusive: bool) -> Iterator[int]:
    found = os.fstat(descriptor)
    key = (found.st_dev, found.st_ino)
    if key in _held:
        outer, outer_exclusive = _held[key]
        if exclusive and not outer_exclusive:
            raise RuntimeError(f"{place.parent}: an exclusive lock asked for inside a shared one")
        yield outer
        return
    _acquire(descriptor, place, exclusive=exclusive)
    _held[key] = (descriptor, exclusive)
    try:
        yield descriptor
    finally:
        del _held[key]  # closing the descriptor releases the lock


def _acquire(descriptor: int, place: Place, *, exclusive: bool) -> None:
    operation = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    deadline = time.monotonic() + WAIT_SECONDS
    pause = 0.005
    while True:
        try:
            fcntl.flock(descriptor, operation)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise OutputError(
                    place.show(),
                    f"another `oncall-policy compile` into this directory has held its lock for "
                    f"{WAIT_SECONDS:g} s; run again when it has finished",
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
        except OSError as error:
            raise OutputError.system(place.show(), "lock the directory it is in", error) from None
        else:
            return


def _open_parent(place: Place, *, missing_ok: bool) -> int | None:
    try:
        return os.open(place.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        if missing_ok and isinstance(error, FileNotFoundError):
            return None
        raise OutputError.system(place.show(), "open the directory it is in", error) from None


def _make_parent(place: Place) -> None:
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError.system(place.show(), "make the directory it goes in", error) from None

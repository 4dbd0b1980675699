"""Putting the new output tree in the old one's place as one step, and recovering from a compile
killed while doing so.

On Linux ``renameat2(RENAME_EXCHANGE)`` swaps the two directories atomically: at every moment
``--out`` is the whole old tree or the whole new one, and the old tree, now at the sibling's name,
is removed after. Where that call is missing (another system, an old kernel or C library, a file
system without it) the swap is two renames: the old tree to the ``backup`` sibling, then the new
tree to ``--out``. A compile killed between the two leaves no ``--out`` and a complete backup;
the next compile, before anything else and under the lock, puts the backup back (``recover``),
and ``compile --check`` says the tree is missing until then. ``recover`` also removes every
sibling a killed compile left: a half-built new tree, or an old tree not yet removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
from collections.abc import Callable
from functools import cache

from oncall_policy.output.place import BACKUP, OutputError, Place
from oncall_policy.output.staging import remove

_RENAME_EXCHANGE = 2  # linux/fs.h
# What renameat2 says when it, or this file system, cannot exchange: fall back to two renames.
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def replace(place: Place, parent: int, stage: str) -> None:
    """Put the tree ``stage`` (a sibling of ``place``) where ``place`` is; remove the old tree.
    If it cannot be done, ``stage`` is removed and ``place`` left as it was."""
    try:
        old = _swap(place, parent, stage)
    except OutputError:
        _remove_quietly(parent, stage)
        raise
    _sync(parent)
    if old is not None:
        _remove_quietly(parent, old)


def _swap(place: Place, parent: int, stage: str) -> str | None:
    """Swap; the name the old tree is left at, if there was one."""
    if not _exists(parent, place.name):
        _rename(place, parent, stage, place.name)
        return None
    if _exchange(place, parent, stage):
        return stage
    backup = place.sibling(BACKUP)
    _rename(place, parent, place.name, backup)
    try:
        _rename(place, parent, stage, place.name)
    except OutputError:
        with contextlib.suppress(OSError):  # else the next compile puts it back (``recover``)
            os.rename(backup, place.name, src_dir_fd=parent, dst_dir_fd=parent)
        raise
    return backup


def recover(place: Place, parent: int) -> None:
    """Undo what a killed compile left: the backup back in place if ``--out`` is missing, and
    every other sibling removed. Call with the exclusive lock held."""
    backup = place.sibling(BACKUP)
    if not _exists(parent, place.name) and _exists(parent, backup):
        _rename(place, parent, backup, place.name)
    try:
        names = os.listdir(parent)
    except OSError as error:
        raise OutputError.system(place.show(), "list the directory it is in", error) from None
    for name in names:
        if place.is_sibling(name):
            try:
                remove(parent, name)
            except OSError as error:
                shown = str(place.shown.parent / name)
                raise OutputError.system(shown, "remove what an interrupted compile left", error) from None


def interrupted(place: Place, parent: int) -> bool:
    """Whether a compile was killed between the two renames of the fallback (``--out`` is gone)."""
    return not _exists(parent, place.name) and _exists(parent, place.sibling(BACKUP))


def _exchange(place: Place, parent: int, stage: str) -> bool:
    """Exchange ``stage`` and ``place`` atomically; False where the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(parent, os.fsencode(stage), parent, os.fsencode(place.name), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise _not_replaced(place, OSError(code, os.strerror(code)))


@cache
def _renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # not glibc >= 2.28 (or musl >= 1.2.?), or not Linux
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def _rename(place: Place, parent: int, source: str, target: str) -> None:
    try:
        os.rename(source, target, src_dir_fd=parent, dst_dir_fd=parent)
    except OSError as error:
        raise _not_replaced(place, error) from None


def _not_replaced(place: Place, error: OSError) -> OutputError:
    hint = ""
    if error.errno in {errno.EXDEV, errno.EBUSY}:
        # A mount point, or a directory of a container image's lower layer (overlayfs without
        # redirect_dir): neither can be renamed, and compile replaces the directory as a whole.
        hint = " (is it a mount point, or part of a container image? compile replaces it as a whole)"
    return OutputError(
        place.show(),
        f"cannot replace it with the new output built beside it: {error.strerror}{hint}; "
        "it is left as it was",
    )


def _exists(parent: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _remove_quietly(parent: int, name: str) -> None:
    """Remove a sibling; what cannot be removed now the next compile removes (``recover``)."""
    with contextlib.suppress(OSError):
        remove(parent, name)


def _sync(parent: int) -> None:
    """Make the rename durable: the swap survives a crash once compile has said it is done."""
    with contextlib.suppress(OSError):  # some file systems cannot sync a directory; done all the same
        os.fsync(parent)

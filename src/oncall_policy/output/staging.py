"""Building the new output tree beside the old one, in a sibling ``swap`` then puts in its place.

Files with new contents are created afresh (mode 0o666, directories 0o777, both less the umask,
as any tool's files are) and flushed to disk before the swap, so that a crash after it never
leaves an empty file. Every other file is a hard link to the old tree's: no copy, the same mode
and modification time, so a file whose contents did not change is untouched. Where a link cannot
be made (another file system's rules, another owner's file) the file is copied with its mode and
times. Anything that fails removes the sibling and leaves the old tree as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
from collections.abc import Mapping

from oncall_policy.output.place import STAGE, OutputError, Place
from oncall_policy.output.plan import Plan
from oncall_policy.output.previous import Tree

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
# A hard link refused for one of these reasons is made a copy instead.
_NO_LINK = {errno.EPERM, errno.EACCES, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


def build(place: Place, parent: int, plan: Plan, new: Mapping[str, bytes], tree: Tree | None) -> str:
    """The name (in ``parent``) of the new tree, complete and on disk."""
    name = place.sibling(f"{STAGE}{secrets.token_hex(8)}")
    try:
        os.mkdir(name, 0o777, dir_fd=parent)
    except OSError as error:
        raise OutputError.system(
            place.show(), "make a directory beside it to build the new output in", error
        ) from None
    try:
        stage = os.open(name, _DIRECTORY, dir_fd=parent)
        try:
            _fill(place, stage, plan, new, tree)
        finally:
            os.close(stage)
    except BaseException:
        _remove_quietly(parent, name)
        raise
    return name


def remove(parent: int, name: str) -> None:
    """Remove ``name`` in ``parent``, whatever it is, following no link."""
    if stat.S_ISDIR(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode):
        shutil.rmtree(name, dir_fd=parent)
    else:
        os.unlink(name, dir_fd=parent)


def _remove_quietly(parent: int, name: str) -> None:
    """Remove what a failed build made; what cannot be removed now the next compile removes."""
    with contextlib.suppress(OSError):
        remove(parent, name)


def _fill(place: Place, stage: int, plan: Plan, new: Mapping[str, bytes], tree: Tree | None) -> None:
    for path in plan.dirs:
        _make_dir(place, stage, path)
    for path in plan.write:
        _write(place, stage, path, new[path])
    if tree is None:
        return
    try:
        old = os.open(place.path, _DIRECTORY)
    except OSError as error:
        raise _failed(place, "", "open it", error) from None
    try:
        for path in plan.link:
            _link(place, old, stage, path, tree.files[path])
    finally:
        os.close(old)
    # Last, as a mode kept may forbid writing: a directory that was there keeps its mode.
    for path in ("", *plan.dirs):
        if path in tree.dirs:
            _keep_mode(place, stage, path, tree.dirs[path])


def _make_dir(place: Place, stage: int, path: str) -> None:
    try:
        os.mkdir(path, 0o777, dir_fd=stage)
    except OSError as error:
        raise _failed(place, path, "make it", error) from None


def _keep_mode(place: Place, stage: int, path: str, old: os.stat_result) -> None:
    try:
        os.chmod(path or ".", stat.S_IMODE(old.st_mode), dir_fd=stage)
    except OSError as error:
        raise _failed(place, path, "give it its mode", error) from None


def _write(place: Place, stage: int, path: str, data: bytes) -> None:
    try:
        descriptor = os.open(path, _CREATE, 0o666, dir_fd=stage)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise _failed(place, path, "write it", error) from None


def _link(place: Place, old: int, stage: int, path: str, listed: os.stat_result) -> None:
    try:
        try:
            os.link(path, path, src_dir_fd=old, dst_dir_fd=stage, follow_symlinks=False)
        except OSError as error:
            if error.errno not in _NO_LINK:
                raise
            _copy(place, old, stage, path, listed)
            return
        linked = os.stat(path, dir_fd=stage, follow_symlinks=False)
    except OSError as error:
        raise _failed(place, path, "carry it over", error) from None
    if (linked.st_dev, linked.st_ino) != (listed.st_dev, listed.st_ino):
        raise OutputError(place.show(path), "changed while compile was reading it; run compile again")


def _copy(place: Place, old: int, stage: int, path: str, listed: os.stat_result) -> None:
    source = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=old)
    try:
        found = os.fstat(source)
        if (found.st_dev, found.st_ino) != (listed.st_dev, listed.st_ino):
            raise OutputError(place.show(path), "changed while compile was reading it; run compile again")
        target = os.open(path, _CREATE, 0o600, dir_fd=stage)
        try:
            os.fchmod(target, stat.S_IMODE(found.st_mode))  # its own mode, not what the umask leaves
            while chunk := os.read(source, 1 << 20):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(target, view) :]
            os.fsync(target)
            os.utime(target, ns=(found.st_atime_ns, found.st_mtime_ns))
        finally:
            os.close(target)
    finally:
        os.close(source)


def _failed(place: Place, path: str, doing: str, error: OSError) -> OutputError:
    return OutputError(
        place.show(path),
        f"cannot {doing}: {error.strerror or error}; {place.show()} is left as it was",
    )

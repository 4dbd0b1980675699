"""The silence path's code read in one piece: an image of the code of the modules it imports.

``silence check`` runs about forty of this package's modules. Imported one by one, each costs
Python's import system a search of its package's directory, a ``stat`` of its source, and an open
and a read of its bytecode, a fifth of a millisecond or more apiece on these machines. So the
first run of a build keeps the code objects of the modules the silence path imported, marshalled,
in one file in the package's ``__pycache__`` (Python's own place for compiled code); later runs
read that file once, and a finder first on ``sys.meta_path`` serves those modules from it. Each is
the same code object, run the same way, with the same ``__file__``, ``__spec__`` and loader
methods, as the usual import gives (bench/code_image.py measures the difference).

- An image is for one build (``build.identity``: every module's size and modification time), one
  interpreter and one optimisation level; any other is ignored, and replaced. A module the image
  does not hold is imported as usual.
- It is trusted as Python trusts the bytecode beside a module, and no further: it is read only
  from the package's own ``__pycache__``, as a regular file (no symlink, no FIFO) up to a bound,
  and only when its owner is this user or the package's and no one else may write it.
- It is written as Python writes bytecode: not under ``sys.dont_write_bytecode``
  (``PYTHONDONTWRITEBYTECODE``), whole or not at all (a new file renamed over the old), and not
  at all where the package cannot be written (another user's installation).

Anything that goes wrong with an image costs the speed it would have given, never a run.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys

# importlib.machinery's own classes, from the module the interpreter starts with: importing
# importlib.machinery costs the silence path about 2 ms (it imports ``warnings``).
from _frozen_importlib_external import SourceFileLoader, spec_from_file_location

from oncall_policy import build
from oncall_policy.regular_files import read_open
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import CodeType, ModuleType

    Entry = tuple[str, bool, CodeType]  # a module's source file, whether a package, its code

FORMAT = 1  # of the image's layout
LIMIT = 16 * 1024 * 1024  # read at most (the silence path's image is about 0.4 MB)
PATH = os.path.join(build.PACKAGE, "__pycache__", f"silence-path.{sys.implementation.cache_tag}.image")
PACKAGE_NAME = __name__.partition(".")[0]


class Image:
    """What ``install`` found, for ``keep`` to bring up to date."""

    __slots__ = ("before", "modules", "path")

    def __init__(self, path: str, modules: dict[str, Entry] | None, before: frozenset[str]) -> None:
        self.path = path
        self.modules = modules  # the image in use; None if there was none for this build
        self.before = before  # what was imported before: no image can serve those

    def keep(self) -> None:
        """Once the silence path's modules are imported: write the image of them, unless the one
        in use holds them all already."""
        if sys.dont_write_bytecode:
            return
        ours = {
            name: module
            for name, module in list(sys.modules.items())
            if name.partition(".")[0] == PACKAGE_NAME and name not in self.before
        }
        if self.modules is not None and ours.keys() <= self.modules.keys():
            return
        entries = {name: entry for name, module in ours.items() if (entry := _entry(name, module))}
        header = (FORMAT, sys.version, sys.flags.optimize, build.identity())
        _write(self.path, marshal.dumps((*header, entries)))


def install(path: str | None = None) -> Image:
    """Serve the modules that the image at ``path`` (``PATH``) holds, when it is one for this build."""
    path = PATH if path is None else path
    before = frozenset(sys.modules)
    modules = _modules(_read(path))
    if modules:
        sys.meta_path.insert(0, _Finder(modules))
    return Image(path, modules, before)


class _Loader(SourceFileLoader):
    """A module's loader as the import system makes it, giving the code the image holds."""

    def __init__(self, fullname: str, path: str, code: CodeType) -> None:
        super().__init__(fullname, path)
        self.code = code

    def get_code(self, fullname: str) -> CodeType:  # noqa: ARG002 - only ever asked for its own
        return self.code


class _Finder:
    """First on ``sys.meta_path``: finds the modules the image holds, and no others."""

    def __init__(self, modules: dict[str, Entry]) -> None:
        self.modules = modules

    def find_spec(
        self,
        name: str,
        path: Sequence[str] | None = None,  # noqa: ARG002 - the finder protocol's; unused
        target: ModuleType | None = None,  # noqa: ARG002
    ) -> ModuleSpec | None:
        entry = self.modules.get(name)
        if entry is None:
            return None
        origin, package, code = entry
        # As the usual finder makes a spec (importlib's spec_from_file_location), with our loader.
        within = [os.path.dirname(origin)] if package else None
        return spec_from_file_location(
            name, origin, loader=_Loader(name, origin, code), submodule_search_locations=within
        )


def _modules(image: bytes | None) -> dict[str, Entry] | None:
    """The modules of ``image`` if it is one for this build, interpreter and optimisation."""
    if image is None:
        return None
    try:
        image_format, version, optimize, identity, modules = marshal.loads(image)  # noqa: S302 - trusted as bytecode is
    except (ValueError, EOFError, TypeError):  # damaged: as marshal reports it
        return None
    header = (image_format, version, optimize, identity)
    if header != (FORMAT, sys.version, sys.flags.optimize, build.identity()) or type(modules) is not dict:
        return None
    for name, entry in modules.items():
        if not (type(name) is str and type(entry) is tuple and len(entry) == 3):
            return None
        if not (type(entry[0]) is str and type(entry[1]) is bool and type(entry[2]) is _CODE):
            return None
    return modules


_CODE = type(_modules.__code__)  # ``types.CodeType``, without importing ``types``


def _entry(name: str, module: ModuleType) -> Entry | None:
    """What the image keeps of ``module``: its source file, whether it is a package, its code."""
    spec = getattr(module, "__spec__", None)
    loader = getattr(spec, "loader", None)
    if spec is None or spec.origin is None or not isinstance(loader, SourceFileLoader):
        return None  # not a module read from its source file: nothing to keep
    try:
        code = loader.get_code(name)
    except (ImportError, OSError, SyntaxError, ValueError):
        return None
    return None if code is None else (spec.origin, spec.submodule_search_locations is not None, code)


def _read(path: str) -> bytes | None:
    """The image at ``path``: a regular file, not through a symlink, of its owner (this user or
    the package's) alone; None when it is missing or not such a file."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        found = os.fstat(descriptor)
        if found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
        if found.st_uid != os.geteuid() and found.st_uid != os.stat(build.PACKAGE).st_uid:
            return None
        return read_open(descriptor, path, LIMIT)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _write(path: str, data: bytes) -> None:
    """``data`` as the image at ``path``, whole (a new file renamed over the old); nothing if it
    cannot be written."""
    temporary = f"{path}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(temporary, flags, 0o644)
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        try:  # noqa: SIM105 - contextlib costs the silence path's start-up
            os.unlink(temporary)
        except OSError:
            pass

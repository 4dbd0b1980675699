"""The silence path's code read in one piece: an image of the code of the modules it imports.

``silence check`` runs about forty of this package's modules. Imported one by one, each costs
Python's import system a search of its package's directory, a ``stat`` of its source, and an open
and a read of its bytecode, a fifth of a millisecond or more apiece on these machines. So the
first run of a build keeps the code objects of the modules the silence path imported, marshalled,
in one file in the package's ``__pycache__`` (Python's own place for compiled code); later runs
read that file once and run those modules at once, in the order that run finished importing them
(``sys.modules`` keeps it: the import system moves each module to its end once it is run). Each is
the same code object, run with the same ``__file__``, ``__spec__`` and loader methods as the usual
import gives; a finder first on ``sys.meta_path`` serves any the run asks for later. Run at once,
the modules skip the import system's own steps, a few dozen microseconds of Python apiece
(``bench/tricks.py code-image``: the image saves 15% of ``silence check``'s CPU time, of which
6% is running its modules at once rather than importing them one by one through its finder).

- Run in that order, each module finds the modules it imports already run, as it found them
  then: the package's imports form no circle (the ``no-circles`` and ``pipeline`` contracts
  ``lint-imports`` holds), and its modules only define things as they are run. A module whose
  package is not yet there, or that raises, stops the run there; the rest are imported when
  asked for, as usual, and the error, if any, comes again from that import, where the command
  reports it.

- An image is for one build (``build.identity``: every module's size, modification time and
  inode, worked out before the modules are imported), one interpreter and one optimisation level;
  any other is ignored, and replaced. It holds the manifest of the scan that found its build's
  identity, so that a later run can ``build.adopt`` it (a ``stat`` of each module and directory,
  no listing) instead of scanning again; a run that had to scan rewrites the image with its own
  manifest, once the package's directories have settled. A module the image does not hold is
  imported as usual, and so is a module reloaded (``importlib.reload``: its source may have
  changed since).
- It is trusted as Python trusts the bytecode beside a module, and no further: it is read only
  from the package's own ``__pycache__`` (under ``sys.pycache_prefix`` when Python keeps its
  bytecode there), as a regular file (no symlink, no FIFO) up to a bound, only when its owner is
  this user or the package's and no one else may write it, and only when it starts with the
  image's mark and has the length and CRC-32 it says (a damaged, cut or foreign file is never
  unmarshalled: marshal trusts the sizes it reads, and a few bytes could make it allocate
  gigabytes).
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

    from oncall_policy.build import Manifest

    Entry = tuple[str, bool, CodeType]  # a module's source file, whether a package, its code

FORMAT = 4  # of the image's layout
LIMIT = 16 * 1024 * 1024  # read at most (the silence path's image is about 0.4 MB)
# The image starts with MARK, then the length of the payload (8 bytes, big-endian) and its CRC-32
# (4 bytes), then the payload: marshal of (FORMAT, sys.version, sys.flags.optimize,
# build.identity(), {name: Entry}, build.manifest()), the entries in the order their modules
# finished running. The CRC (binascii: 0.4 ms in all, where sha256 took 1.5 ms)
# finds damage, not forgery: whoever may write the image may write the package's bytecode too.
MARK = b"oncall-policy code image\n"
_LENGTH = 8
_CRC = 4


def _path() -> str:
    """Where Python keeps the package's bytecode (``importlib.util.cache_from_source``'s rule)."""
    name = f"silence-path.{sys.implementation.cache_tag}.image"
    if sys.pycache_prefix:
        return os.path.join(sys.pycache_prefix, build.PACKAGE.lstrip(os.sep), name)
    return os.path.join(build.PACKAGE, "__pycache__", name)


PATH = _path()
PACKAGE_NAME = __name__.partition(".")[0]


class Image:
    """What ``install`` found, for ``keep`` to bring up to date."""

    __slots__ = ("adopted", "before", "identity", "modules", "path")

    def __init__(
        self,
        path: str,
        modules: dict[str, Entry] | None,
        before: frozenset[str],
        identity: str | None,
        *,
        adopted: bool = False,
    ) -> None:
        self.path = path
        self.modules = modules  # the image in use; None if there was none for this build
        self.before = before  # what was imported before: no image can serve those
        self.identity = identity  # the build's, worked out before its modules were imported
        self.adopted = adopted  # the identity is the image's, by its manifest: no scan made

    def keep(self) -> None:
        """Once the silence path's modules are imported: write the image of them, unless the one
        in use holds them all already and was adopted by its manifest, or has no better one
        (or there is no build to keep one for)."""
        if sys.dont_write_bytecode or self.identity is None:
            return
        ours = {
            name: module
            for name, module in list(sys.modules.items())
            if name.partition(".")[0] == PACKAGE_NAME and name not in self.before
        }
        manifest = None if self.adopted else build.manifest()
        if self.modules is not None and ours.keys() <= self.modules.keys() and manifest is None:
            return
        entries = {name: entry for name, module in ours.items() if (entry := _entry(name, module))}
        header = (FORMAT, sys.version, sys.flags.optimize, self.identity)
        _write(self.path, framed(marshal.dumps((*header, entries, manifest))))


def install(path: str | None = None) -> Image:
    """Serve the modules that the image at ``path`` (``PATH``) holds, when it is one for this build."""
    path = PATH if path is None else path
    before = frozenset(sys.modules)
    found = _contents(_payload(_read(path)))
    made_for, modules, manifest = found or ("", None, None)
    # Before any module it names is imported: an edit after this is the next build's.
    adopted = manifest is not None and build.adopt(manifest)
    try:
        identity = build.identity()
    except OSError:  # a directory of the package cannot be listed: no build to keep an image for
        return Image(path, None, before, None)
    if made_for != identity:
        modules = None
    if modules:
        sys.meta_path.insert(0, _Finder(modules))
        _run_in_order(modules)
    return Image(path, modules, before, identity, adopted=adopted)


def _run_in_order(modules: dict[str, Entry]) -> None:
    """Run ``modules`` in their order, each as the import system runs a module it found
    (importlib's ``_load_unlocked``), until one cannot be: see the module's docstring."""
    for name, (origin, package, code) in modules.items():
        parent, _, child = name.rpartition(".")
        if name in sys.modules:  # imported before, as the import system would find it
            continue
        if parent and parent not in sys.modules:
            return
        spec = _spec(name, origin, package, code)
        if spec is None:  # never, for a module's file: spec_from_file_location's other case
            return
        module = _module(spec)
        # As the import system marks a module being run (a circular import would see it so).
        spec._initializing = True  # type: ignore[attr-defined]  # noqa: SLF001
        sys.modules[name] = module
        try:
            exec(code, module.__dict__)  # noqa: S102 - the package's own code, as its import runs it
        except Exception:  # noqa: BLE001 - imported again when asked for, which reports it
            del sys.modules[name]
            return
        finally:
            spec._initializing = False  # type: ignore[attr-defined]  # noqa: SLF001
        sys.modules[name] = sys.modules.pop(name)  # the order they finished, as the import system keeps it
        if parent:
            setattr(sys.modules[parent], child, sys.modules[name])


def _module(spec: ModuleSpec) -> ModuleType:
    """The module for ``spec``, its attributes set as importlib's ``module_from_spec`` sets those
    of a module read from its source file (in a quarter of the time: ``silence check`` makes forty)."""
    module = _ModuleType(spec.name)
    module.__loader__ = spec.loader
    module.__package__ = spec.parent
    module.__spec__ = spec
    if spec.submodule_search_locations is not None:
        module.__path__ = spec.submodule_search_locations
    module.__file__ = spec.origin
    module.__cached__ = spec.cached  # type: ignore[attr-defined]
    return module


def _spec(name: str, origin: str, package: bool, code: CodeType) -> ModuleSpec | None:
    """The spec the usual finder makes for the module (importlib's ``spec_from_file_location``),
    with a loader that gives its code from the image."""
    within = [os.path.dirname(origin)] if package else None
    return spec_from_file_location(
        name, origin, loader=_Loader(name, origin, code), submodule_search_locations=within
    )


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
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        entry = self.modules.get(name)
        if entry is None or target is not None:  # a reload reads the source as it is now
            return None
        return _spec(name, *entry)


def framed(payload: bytes) -> bytes:
    """The image holding ``payload``: the mark, its length and CRC-32, then itself."""
    from binascii import crc32  # noqa: PLC0415 - once a build

    return MARK + len(payload).to_bytes(_LENGTH, "big") + crc32(payload).to_bytes(_CRC, "big") + payload


def _payload(image: bytes | None) -> bytes | None:
    """The payload of ``image``, if it starts with the mark and is as long and has the CRC it
    says: marshal trusts the sizes it reads (five bytes of a damaged file can make it allocate
    16 GiB), so it is given nothing else."""
    if image is None or not image.startswith(MARK):
        return None
    start = len(MARK) + _LENGTH + _CRC
    length = int.from_bytes(image[len(MARK) : len(MARK) + _LENGTH], "big")
    if length != len(image) - start:
        return None
    from binascii import crc32  # noqa: PLC0415 - only when there is an image to check

    payload = image[start:]
    return payload if crc32(payload) == int.from_bytes(image[start - _CRC : start], "big") else None


def _contents(payload: bytes | None) -> tuple[str, dict[str, Entry], Manifest | None] | None:
    """The build an image's ``payload`` is for, its modules and its manifest, if it is an image
    for this interpreter and optimisation."""
    if payload is None:
        return None
    try:
        image_format, version, optimize, made_for, modules, manifest = marshal.loads(payload)  # noqa: S302 - trusted as bytecode is
    except Exception:  # noqa: BLE001 - damaged: marshal says so in several ways (SystemError too)
        return None
    if (image_format, version, optimize) != (FORMAT, sys.version, sys.flags.optimize):
        return None
    if type(made_for) is not str or not _entries(modules):
        return None
    return made_for, modules, manifest  # a manifest of another shape is never adopted


def _entries(modules: object) -> bool:
    """Whether ``modules`` is a dictionary of entries, each as ``keep`` writes one."""
    if type(modules) is not dict:
        return False
    for name, entry in modules.items():
        if not (type(name) is str and type(entry) is tuple and len(entry) == 3):
            return False
        if not (type(entry[0]) is str and type(entry[1]) is bool and type(entry[2]) is _CODE):
            return False
    return True


_CODE = type(_contents.__code__)  # ``types.CodeType``, without importing ``types``
_ModuleType = type(sys)  # ``types.ModuleType``


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
    except BaseException as error:  # a full disk; or Ctrl-C, which must leave no file behind either
        try:  # noqa: SIM105 - contextlib costs the silence path's start-up
            os.unlink(temporary)
        except OSError:
            pass
        if not isinstance(error, OSError):
            raise

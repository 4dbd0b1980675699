"""google-re2's compiled extension, ``re2._re2``, loaded without running the ``re2`` package.

The package's ``__init__`` is a drop-in for ``re`` that ``engine`` does not use; it imports
``functools``, ``itertools`` and ``codecs`` and defines its classes: measured, importing
``re2._re2`` through it takes about 9 ms, the extension alone about 3 ms, of a ``silence check``
that needs RE2 for the policy's reason patterns. So the extension is found as ``import`` finds
it (each finder of ``sys.meta_path`` asked in turn, the package's own directories searched for
the submodule) and loaded by the loader found, then registered under its name, where a later
``import re2`` finds it instead of loading it twice. Anything unexpected — another Python,
another layout of the package — falls back to the plain import.
"""

from __future__ import annotations

import sys
from _imp import extension_suffixes
from _thread import allocate_lock

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

NAME = "re2._re2"
_lock = allocate_lock()


def load() -> Any:
    """The module ``re2._re2``, loaded once."""
    with _lock:
        loaded = sys.modules.get(NAME)
        if loaded is None and "re2" not in sys.modules:
            try:
                loaded = _load_alone()
            except Exception:  # noqa: BLE001 - whatever it is, the plain import below says it properly
                loaded = None
        if loaded is None:
            from re2 import _re2  # noqa: PLC0415

            loaded = _re2
        return loaded


def _load_alone() -> ModuleType | None:
    package = _spec("re2", None)
    locations = getattr(package, "submodule_search_locations", None)
    spec = _spec(NAME, locations) if locations else None
    create = getattr(sys.modules.get("_frozen_importlib"), "module_from_spec", None)
    origin = getattr(spec, "origin", None) or ""
    if (
        spec is None
        or spec.loader is None
        or create is None
        or not origin.endswith(tuple(extension_suffixes()))
    ):
        return None  # only a compiled extension is sure to import nothing of its package
    module: ModuleType = create(spec)  # importlib.util.module_from_spec, without importing importlib
    sys.modules[NAME] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[NAME]
        raise
    return module


def _spec(name: str, path: list[str] | None) -> Any:
    """The spec ``import`` would find for ``name`` (in ``path``, for a submodule)."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find(name, path) if find is not None else None
        if spec is not None:
            return spec
    return None

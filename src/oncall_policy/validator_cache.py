"""The policy's validator, kept between runs so that a command does not build it each time.

pydantic builds a model's validator the first time it is used, by walking every field's type
in Python to make a core schema that pydantic-core then compiles (the compiling is quick). For
the policy's 30 models that walk takes about 20 ms, 5-7% of ``oncall-policy check``. The core
schema depends only on the model's source and on the versions of Python, pydantic, pydantic-core
and annotated-types, so it is kept in the user's cache directory under a key made of exactly
those, and a later run compiles it directly. pydantic's maintainers discuss the same idea
upstream (pydantic/pydantic#13545).

What is kept is the core schema, less the JSON Schema hooks in its metadata (which validation
never reads, and which hold closures that cannot be stored), and the core config, both as
pydantic-core's own pickling of a validator gives them. The classes and functions in it are
stored by name. A pickle runs code as it loads, so only a file the user owns that no one else
may write is loaded: the same trust Python gives its own ``__pycache__``. Anything that goes
wrong with the cache (unwritable directory, a damaged or foreign file) costs only the speed.

Only the command line turns the cache on; the library builds validators as pydantic does.
"""

from __future__ import annotations

import os
import sys

from oncall_policy import TYPE_CHECKING

if TYPE_CHECKING:  # this module is light: the command line imports it before anything else
    from pathlib import Path
    from typing import Any

    from pydantic_core import SchemaValidator

    from oncall_policy.model import Policy

# The modules of ours the model's schema is made from: the model package and its scalar helpers.
# tests/test_validator_cache.py checks this covers every module ``oncall_policy.model`` imports.
MODEL_HELPERS = (
    "oncall_policy",
    "oncall_policy.datetimes",
    "oncall_policy.durations",
    "oncall_policy.matchers",
    "oncall_policy.records",
    "oncall_policy.zones",
)

DEFAULT = "default"
_directory: Path | str | None = None


def use(directory: Path | str | None) -> None:
    """Keep the validator in ``directory`` from now on: a path, ``DEFAULT`` for
    ``default_directory()`` (found when first needed: the silence path never needs it), or
    ``None`` to build it each run, as pydantic does (the default)."""
    global _directory  # noqa: PLW0603 - one switch, thrown by the command line at start-up
    _directory = directory


def default_directory() -> Path:
    """``$XDG_CACHE_HOME/oncall-policy``, else ``~/.cache/oncall-policy``."""
    from pathlib import Path  # noqa: PLC0415

    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "oncall-policy"


def validate(data: Any) -> Policy:
    """``Policy.model_validate(data)``, through the kept validator when the cache is on.

    A policy the kept validator refuses is validated again by the model itself, so that every
    error reported is pydantic's own.
    """
    from pathlib import Path  # noqa: PLC0415

    from oncall_policy.model import Policy  # noqa: PLC0415 - loaded already, by the loader

    directory = default_directory() if _directory == DEFAULT else _directory
    path = Path(directory) / _file_name() if directory is not None else None
    validator = _kept(path) if path is not None else None
    if validator is not None:
        try:
            policy: Policy = validator.validate_python(data)
        except ValueError:  # pydantic_core.ValidationError; the model says exactly why
            pass
        else:
            return policy
    try:
        return Policy.model_validate(data)
    finally:  # pydantic has built the validator now, whether or not this policy passed
        if path is not None and validator is None:
            _keep(path)


def _kept(path: Path) -> SchemaValidator | None:
    import pickle  # noqa: PLC0415

    from pydantic_core import SchemaValidator  # noqa: PLC0415

    try:
        with path.open("rb") as file:
            status = os.fstat(file.fileno())
            if status.st_uid != os.getuid() or status.st_mode & 0o022:
                return None
            schema, config = pickle.load(file)  # noqa: S301 - our own file: see the docstring
        return SchemaValidator(schema, config)
    except Exception:  # noqa: BLE001 - missing, damaged or from elsewhere: build it instead
        return None


def _keep(path: Path) -> None:
    import pickle  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from oncall_policy.model import Policy  # noqa: PLC0415

    temporary: Path | None = None
    try:
        # pydantic-core pickles a validator as the schema and config it was built from.
        reduced: Any = Policy.__pydantic_validator__.__reduce__()
        schema, config = reduced[1][:2]
        payload = pickle.dumps((_without_metadata(schema), config), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as file:
            temporary = Path(file.name)
            file.write(payload)
        temporary.replace(path)
        _forget_old(path)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _forget_old(kept: Path) -> None:
    """Remove validators other versions kept more than 30 days ago: a new key is written once per
    upgrade (or, for the project's own developers, per edit of the model)."""
    import time  # noqa: PLC0415

    cutoff = time.time() - 30 * 24 * 3600
    for other in kept.parent.glob("policy-validator-*.pickle"):
        if other != kept and other.stat().st_mtime < cutoff:
            other.unlink(missing_ok=True)


def _without_metadata(node: Any) -> Any:
    """The core schema without ``metadata``: JSON Schema hooks, which validation never reads."""
    if isinstance(node, dict):
        is_schema = isinstance(node.get("type"), str)
        return {
            key: _without_metadata(value)
            for key, value in node.items()
            if not (is_schema and key == "metadata")
        }
    if isinstance(node, list):
        return [_without_metadata(item) for item in node]
    return node


def _file_name() -> str:
    import hashlib  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    import annotated_types  # noqa: PLC0415 - these three are loaded already, by pydantic
    import pydantic_core  # noqa: PLC0415
    from pydantic.version import VERSION  # noqa: PLC0415

    digest = hashlib.sha256()
    # annotated_types defines the constraints (length, bounds) pydantic turns into the schema.
    for part in (sys.version, VERSION, pydantic_core.__version__, annotated_types.__version__):
        digest.update(part.encode() + b"\0")
    for name in sorted(_model_modules()):
        file = getattr(sys.modules[name], "__file__", None)
        digest.update(name.encode() + b"\0")
        if file:
            digest.update(Path(file).read_bytes())
    return f"policy-validator-{digest.hexdigest()[:32]}.pickle"


def _model_modules() -> set[str]:
    return {
        name
        for name in sys.modules
        if name in MODEL_HELPERS or name == "oncall_policy.model" or name.startswith("oncall_policy.model.")
    }

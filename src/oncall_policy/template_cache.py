"""jinja2's compiled templates, kept between runs in a ``private_cache`` directory.

Compiling the guide's templates is about a sixth of ``compile`` (``bench/caches.py``). jinja2's
own ``FileSystemBytecodeCache`` will not do: it loads any file of the right name from its
directory, whoever made it, through ``pickle`` and ``marshal``, so a directory another user can
write (``XDG_CACHE_HOME=/tmp``) runs their code. Here an entry is read only through
``private_cache`` (this user's directories, no symlinks, regular files, no blocking) and only for
its key: the template's name, file and source checksum, the environment settings that shape the
compiled code, and the Python and jinja2 versions that wrote it. The payload is the code object
alone, marshalled; no pickle is read.
"""

from __future__ import annotations

import marshal
import os
import sys
from types import CodeType

import jinja2
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

from oncall_policy import private_cache

DIRECTORY = ("oncall-policy", "jinja2")
LIMIT = 4 * 1024 * 1024  # the guide's largest compiled template is about 30 KB


class TemplateCache(BytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        payload = private_cache.read(DIRECTORY, _name(bucket), _key(bucket), LIMIT)
        if payload is None:
            return
        try:
            code = marshal.loads(payload)  # noqa: S302 - bound to its key, in our own directory
        except (EOFError, ValueError, TypeError):
            return
        if isinstance(code, CodeType):
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            private_cache.write(DIRECTORY, _name(bucket), _key(bucket), marshal.dumps(bucket.code))


def _name(bucket: Bucket) -> str:
    return f"template-{bucket.key}"  # jinja2's key: a sha1 of the template's name and file


def _key(bucket: Bucket) -> bytes:
    """Everything the compiled code depends on."""
    parts = (
        sys.version,
        sys.implementation.cache_tag or "",
        jinja2.__version__,
        bucket.key,
        bucket.checksum,  # a sha1 of the template's source
        _settings(bucket.environment),
    )
    return "\0".join(parts).encode()


def _settings(environment: Environment) -> str:
    """The environment's settings that change what a template compiles to."""
    return repr(
        (
            environment.block_start_string,
            environment.block_end_string,
            environment.variable_start_string,
            environment.variable_end_string,
            environment.comment_start_string,
            environment.comment_end_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.newline_sequence,
            environment.keep_trailing_newline,
            environment.optimized,
            environment.is_async,
            environment.autoescape if isinstance(environment.autoescape, bool) else "callable",
            sorted(environment.extensions),
        )
    )


def default() -> TemplateCache | None:
    """The cache ``compile`` uses: none when ``ONCALL_POLICY_NO_CACHE=1``."""
    return None if os.environ.get("ONCALL_POLICY_NO_CACHE") == "1" else TemplateCache()

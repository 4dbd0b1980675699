"""The jinja2 environment for the package's Markdown templates (``oncall_policy/templates``).

Autoescape is off (this is Markdown, not HTML) and undefined names are errors, so a typo in a
template fails the build instead of leaving a hole in the document. Compiled templates are kept
between runs (``template_cache``: only in a directory that is the user's alone, each bound to its
source), which saves compiling them on every ``compile``. Which cache, if any, is the caller's
choice (``template_cache.default``): the compile itself reaches for no directory.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined

from oncall_policy.markdown import cell
from oncall_policy.meaning import facts


def mermaid_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label: '#', quotes and angle brackets as entity codes."""
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


FILTERS = {
    "mermaid_id": mermaid_id,
    "mermaid_label": mermaid_label,
    "cell": cell,
    "human": facts.human,
    "short": facts.short,
}


@cache
def environment(bytecode_cache: BytecodeCache | None = None) -> Environment:
    env = Environment(
        loader=PackageLoader("oncall_policy", "templates"),
        bytecode_cache=bytecode_cache,
        autoescape=False,  # noqa: S701 - Markdown, not HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def render(name: str, bytecode_cache: BytecodeCache | None, **context: Any) -> str:
    return environment(bytecode_cache).get_template(name).render(**context)

"""Compilation: policy → the files under ``generated/``.

Each target is a module with ``build(policy: Policy, source: Source) -> dict[str, str]``: pure,
deterministic, returning file contents by path relative to the output directory. ``_targets``
lists them in the order they run. Nothing here touches disk: the writer (``oncall_policy.output``)
writes, and what a compile could reuse (previous output, caches) is handed in by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from oncall_policy.model import Policy
from oncall_policy.provenance import Source

if TYPE_CHECKING:
    from jinja2 import BytecodeCache

Build = Callable[[Policy, Source], dict[str, str]]


def build_all(policy: Policy, source: Source, template_cache: BytecodeCache | None = None) -> dict[str, str]:
    """Every generated file, by relative path, from every target. ``template_cache`` (the
    guide's compiled templates) comes from the caller: a compile reaches for no directory."""
    files: dict[str, str] = {}
    for build in _targets(template_cache).values():
        for path, text in build(policy, source).items():
            if path in files:
                raise RuntimeError(f"two targets write {path}")
            files[path] = text
    return dict(sorted(files.items()))


def _targets(template_cache: BytecodeCache | None) -> dict[str, Build]:
    """The targets by name, in the order they run; imported only when compiling."""
    from oncall_policy.compile import (  # noqa: PLC0415
        alertmanager,
        calendars,
        guide,
        mimir,
        pagerduty,
        prometheus_operator,
        silence_rules,
        terraform,
    )

    return {
        "alertmanager": alertmanager.build,
        "calendars": calendars.build,
        "guide": partial(guide.build, template_cache=template_cache),
        "mimir": mimir.build,
        "pagerduty": pagerduty.build,
        "prometheus_operator": prometheus_operator.build,
        "silence_rules": silence_rules.build,
        "terraform": terraform.build,
    }

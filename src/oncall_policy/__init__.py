"""oncall-policy: one typed policy.yaml, compiled into the configuration that enforces it.

The public API is re-exported here lazily, so that ``import oncall_policy`` stays cheap for the
interactive paths that need none of pydantic or the YAML libraries.
"""

from __future__ import annotations

import sys

from oncall_policy.static import TYPE_CHECKING

_EXPORTS = {
    "__version__": "oncall_policy.version",
    "dump_policy": "oncall_policy.load.dump",
    "load_policy": "oncall_policy.checks.checked",
    "load_policy_bytes": "oncall_policy.checks.checked",
    "load_policy_text": "oncall_policy.checks.checked",
    "Policy": "oncall_policy.model",
    "PolicyError": "oncall_policy.errors",
    "Problem": "oncall_policy.problems",
    "OncallPolicyError": "oncall_policy.errors",
    "Matcher": "oncall_policy.matchers",
    "parse_matcher": "oncall_policy.matchers",
    "parse_duration": "oncall_policy.durations",
    "format_duration": "oncall_policy.durations",
    "policy_schema": "oncall_policy.model.json_schema",
}

if TYPE_CHECKING:
    from typing import Any

    from oncall_policy.checks.checked import load_policy, load_policy_bytes, load_policy_text
    from oncall_policy.durations import format_duration, parse_duration
    from oncall_policy.errors import OncallPolicyError, PolicyError
    from oncall_policy.load.dump import dump_policy
    from oncall_policy.matchers import Matcher, parse_matcher
    from oncall_policy.model import Policy
    from oncall_policy.model.json_schema import policy_schema
    from oncall_policy.problems import Problem
    from oncall_policy.version import __version__


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = _EXPORTS[name]
        __import__(module)  # importlib.import_module without importlib (with warnings, about 1 ms)
        return getattr(sys.modules[module], name)
    raise AttributeError(f"module 'oncall_policy' has no attribute {name!r}")


__all__ = [
    "Matcher",
    "OncallPolicyError",
    "Policy",
    "PolicyError",
    "Problem",
    "__version__",
    "dump_policy",
    "format_duration",
    "load_policy",
    "load_policy_bytes",
    "load_policy_text",
    "parse_duration",
    "parse_matcher",
    "policy_schema",
]

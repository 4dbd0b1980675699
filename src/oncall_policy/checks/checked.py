"""A policy file as every command and the library read it: the loader's schema, then every check.

The loader places what the checks find at its line and column in the file; which checks run is
decided here, above it (``checks.run``), so that the loader imports no rule of ours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oncall_policy.checks import run
from oncall_policy.load.policy import parse_policy, parse_policy_bytes, parse_policy_text

if TYPE_CHECKING:
    from pathlib import Path

    from oncall_policy.load.parts import PartFiles
    from oncall_policy.model import Policy


def load_policy(path: str | Path) -> Policy:
    """Read and check a policy file; raise ``PolicyError`` with every problem in it."""
    return parse_policy(path, run)


def load_policy_bytes(raw: bytes, path: str = "policy.yaml", files: PartFiles | None = None) -> Policy:
    """``load_policy`` of bytes read already; its parts, if any, from ``files`` (default: beside ``path``)."""
    return parse_policy_bytes(raw, path, run, files)


def load_policy_text(text: str, path: str = "policy.yaml", *, fast_path: bool = True) -> Policy:
    """The checked policy in ``text``; ``fast_path`` as in ``load.parse_policy_text``."""
    return parse_policy_text(text, path, run, fast_path=fast_path)

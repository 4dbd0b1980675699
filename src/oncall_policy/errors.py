"""The exceptions oncall-policy raises for a user's mistake, apart from the ``Problem`` data.

Kept apart from ``problems`` so that the CLI's error boundary, and the silence path, need not
import ``dataclasses`` (with ``inspect``, about 10 ms of an interactive command's start-up).
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.problems import Problem


class OncallPolicyError(Exception):
    """Base of every error oncall-policy raises for a user's mistake (never for its own bug)."""


class PolicyError(OncallPolicyError):
    """A policy file that cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in policy")
        self.problems = sorted(problems)


# What the gate extra installs (``pip install 'oncall-policy[gate]'``), by import name.
GATE_EXTRA = ("aiohttp", "bcrypt", "cryptography", "prometheus_client")


def gate_extra_missing(error: ModuleNotFoundError) -> OncallPolicyError | None:
    """What to tell the user when ``error`` is a module of the gate extra not installed (None:
    it is some other module, which is a bug of ours)."""
    missing = (error.name or "").partition(".")[0]
    if missing not in GATE_EXTRA:
        return None
    return OncallPolicyError(
        f"this needs {missing}, part of oncall-policy's gate extra, which is not installed: "
        "pip install 'oncall-policy[gate]'"
    )

"""Prometheus-style durations (``15m``, ``1h30m``, ``1d``), as Alertmanager and amtool read them.

Kept free of third-party imports: the silence path parses durations on every call.
"""

from __future__ import annotations

import re
from datetime import timedelta

# model.ParseDuration in prometheus/common: units from largest to smallest, each at most once.
_UNITS_MS = (
    ("y", 365 * 86_400_000),
    ("w", 7 * 86_400_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1000),
    ("ms", 1),
)
_PATTERN = re.compile(
    r"(?:(?P<y>\d+)y)?(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?"
    r"(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?(?:(?P<ms>\d+)ms)?"
)
DURATION_PATTERN = r"^(0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?)$"


class DurationError(ValueError):
    """A string that is not a Prometheus duration."""


def parse_duration(text: str) -> timedelta:
    """Parse ``1h30m`` into a timedelta; ``0`` is the only unit-less value accepted."""
    if text == "0":
        return timedelta(0)
    found = _PATTERN.fullmatch(text)
    if not text or found is None:
        raise DurationError(
            f"not a valid duration: {text!r}; use whole numbers with units y, w, d, h, m, s, ms "
            "(for example 15m, 1h30m, 1d)"
        )
    total = sum(int(found[unit]) * ms for unit, ms in _UNITS_MS if found[unit])
    return timedelta(milliseconds=total)


def format_duration(value: timedelta) -> str:
    """Render a timedelta the way Prometheus does: largest units first, ``0s`` for zero."""
    remaining = int(value / timedelta(milliseconds=1))
    if remaining == 0:
        return "0s"
    if remaining < 0:
        raise DurationError(f"negative duration: {value}")
    parts = []
    for unit, ms in _UNITS_MS:
        count, remaining = divmod(remaining, ms)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)

"""Byte counts as people write them: ``64MiB``, ``1GiB``, ``500MB``, ``1048576``."""

from __future__ import annotations

from oncall_policy.errors import OncallPolicyError

_UNITS = {
    "": 1,
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
}


class SizeError(OncallPolicyError):
    """A size that is not a whole number of bytes, KB, MB, GB, KiB, MiB or GiB."""


def parse_size(text: str, flag: str) -> int:
    """The bytes ``text`` names (``flag``: the option it was given to, for the error)."""
    stripped = text.strip()
    digits = len(stripped) - len(stripped.lstrip("0123456789"))
    number, unit = stripped[:digits], stripped[digits:].strip().upper()
    if not number or unit not in _UNITS or len(number) > 30:
        raise SizeError(f"{flag}={text}: give a size such as 64MiB, 1GiB or 500MB")
    size = int(number) * _UNITS[unit]
    if size <= 0:
        raise SizeError(f"{flag}={text} leaves no room for any answer; give e.g. {flag}=64MiB")
    return size


def format_size(size: int, *, as_argument: bool = False) -> str:
    """``size`` in the largest binary unit that writes it whole (``64 MiB``), else in bytes;
    ``as_argument``: as ``parse_size`` reads it (``64MiB``, ``1000``)."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size % factor == 0:
            return f"{size // factor}{'' if as_argument else ' '}{unit}"
    return str(size) if as_argument else f"{size:,} bytes"

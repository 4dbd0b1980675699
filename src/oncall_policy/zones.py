"""IANA time-zone names, checked by loading the one zone asked for.

``zoneinfo.available_timezones()`` walks the whole zone database (about 70 ms here); a single
``ZoneInfo(name)`` reads one file.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Files in the zone database that are not zones one should name.
_NOT_ZONES = frozenset({"posixrules", "localtime", "Factory"})


def is_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone (``Etc/UTC``, ``Europe/Berlin``)."""
    if name in _NOT_ZONES or name.startswith(("posix/", "right/")):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True

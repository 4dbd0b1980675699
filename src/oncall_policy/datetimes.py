"""``datetime``'s classes, imported from the C module that defines them.

CPython 3.11's ``datetime.py`` first defines every class in Python, then replaces each one with
``_datetime``'s: measured, about 2 ms of ``silence check``'s start-up (with the ``math`` and
``operator`` it imports) for classes it throws away. The classes here are the very same objects
(``datetime.datetime is _datetime.datetime``); a Python without ``_datetime`` gets ``datetime``'s.
Python 3.12 and later do the same in ``datetime.py`` itself. mypy reads ``datetime``'s stubs.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import UTC, datetime, time, timedelta, timezone
else:
    try:
        from _datetime import UTC, datetime, time, timedelta, timezone
    except ImportError:  # another Python: the module that has them
        from datetime import UTC, datetime, time, timedelta, timezone

__all__ = ["UTC", "datetime", "time", "timedelta", "timezone"]

"""Durations as Go programs read them: Prometheus style (``15m``, ``1h30m``, ``1d``) as Alertmanager
and ``amtool silence add -d`` read them, and Go's own (``1.5s``, ``300ms``) as amtool's ``--timeout``.

Kept free of third-party imports: the silence path parses durations on every call. Read by hand,
not with ``re``: importing it (with ``enum``, which it imports) costs about 8 ms of the 30 ms that
``silence check`` spends above a bare Python; ``tests/test_durations_scan.py`` holds the readers
equal to the regular expressions they replace.
"""

from __future__ import annotations

from oncall_policy.datetimes import timedelta

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
_RANK = {unit: rank for rank, (unit, _) in enumerate(_UNITS_MS)}
DURATION_PATTERN = r"^(0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?)$"
# Go's time.Duration counts nanoseconds in an int64: about 292 years.
MAX_NANOSECONDS = (1 << 63) - 1
_MAX_DIGITS = len(str(MAX_NANOSECONDS))


class DurationError(ValueError):
    """A string that is not a Prometheus (or, for ``parse_go_duration``, a Go) duration."""


def parse_duration(text: str) -> timedelta:
    """Parse ``1h30m`` into a timedelta; ``0`` is the only unit-less value accepted.

    Like ``model.ParseDuration``, a duration longer than Go's ``time.Duration`` holds (about
    292 years) is refused: amtool says ``duration out of range`` (measured with Debian's amtool
    0.25: ``-d 292y`` and ``-d 106751d`` create a silence, ``-d 293y``, ``-d 106752d``, ``-d 9999y``
    and ``-d 99999999999999999999s`` are refused).
    """
    if not isinstance(text, str):  # as when it was read with a regular expression
        raise TypeError(f"a duration must be a string, not {type(text).__name__}")
    if text == "0":
        return timedelta(0)
    found = counts_by_unit(text)
    if not text or found is None:
        raise DurationError(
            f"not a valid duration: {text!r}; use whole numbers with units y, w, d, h, m, s, ms "
            "(for example 15m, 1h30m, 1d)"
        )
    counts = [(found[unit], ms) for unit, ms in _UNITS_MS if unit in found]
    if any(len(digits.lstrip("0")) > _MAX_DIGITS for digits, _ in counts):
        raise _out_of_range(text)
    total = sum(int(digits) * ms for digits, ms in counts)
    if total * 1_000_000 > MAX_NANOSECONDS:
        raise _out_of_range(text)
    return timedelta(milliseconds=total)


def counts_by_unit(text: str) -> dict[str, str] | None:
    """The digits written before each unit of a Prometheus duration (``1h30m`` → ``{"h": "1",
    "m": "30"}``; ``""`` → ``{}``), or None when ``text`` is not one: what the regular expression
    ``(?:([0-9]+)y)?(?:([0-9]+)w)?…(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?`` matches in full.

    Digits are ASCII only, as Go's regexp reads ``[0-9]`` (``str.isdigit`` also takes "١" and
    "൧"). After digits, ``ms`` is always the unit milliseconds: read as minutes, the ``s`` after it
    would have to start the next count's digits.
    """
    found: dict[str, str] = {}
    rank, index, end = -1, 0, len(text)
    while index < end:
        start = index
        while index < end and "0" <= text[index] <= "9":
            index += 1
        unit = "ms" if text.startswith("ms", index) else text[index : index + 1]
        unit_rank = _RANK.get(unit, -1)
        if index == start or unit_rank <= rank:  # no digits; no unit, or one out of order
            return None
        found[unit] = text[start:index]
        rank = unit_rank
        index += len(unit)
    return found


def _out_of_range(text: str) -> DurationError:
    return DurationError(
        f"duration out of range: {text!r} is longer than Alertmanager can hold (about 292 years: 106751d)"
    )


def format_duration(value: timedelta) -> str:
    """Render a timedelta the way Prometheus does: largest units first, ``0s`` for zero."""
    formatted = _FORMATTED.get(value)
    if formatted is None:
        if len(_FORMATTED) >= _FORMATTED_SIZE:
            _FORMATTED.clear()  # a long-running process sees many lengths; keep the memo small
        formatted = _FORMATTED[value] = _format_ms(int(value / _MILLISECOND), value)
    return formatted


# An audit writes the same few lengths tens of thousands of times (measured: 5% of its time).
_FORMATTED: dict[timedelta, str] = {}
_MILLISECOND = timedelta(milliseconds=1)
_FORMATTED_SIZE = 10_000


def _format_ms(remaining: int, value: timedelta) -> str:
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


# Go's time.ParseDuration (go1.19 src/time/time.go), which kingpin uses for amtool's --timeout.
_GO_UNITS_NS = {
    b"ns": 1,
    b"us": 1000,
    "µs".encode(): 1000,  # U+00B5 micro sign
    "μs".encode(): 1000,  # U+03BC Greek mu
    b"ms": 1_000_000,
    b"s": 1_000_000_000,
    b"m": 60_000_000_000,
    b"h": 3_600_000_000_000,
}
_DOT = ord(".")


def parse_go_duration(text: str) -> timedelta:
    """A Go duration, ``[-+]?([0-9]*([.][0-9]*)?[a-z]+)+``, as Go reads it (``1.5s``, ``1h30m``,
    ``300ms``, ``0``), to the microsecond; raise ``DurationError`` with Go's message where Go refuses."""
    raw = text.encode("utf-8", "surrogatepass")
    negative = raw[:1] == b"-"
    rest = raw[1:] if raw[:1] in (b"-", b"+") else raw
    if rest == b"0":
        return timedelta(0)
    if not rest:
        raise DurationError(f"time: invalid duration {text!r}")
    total = 0
    while rest:
        nanoseconds, rest = _go_term(rest, text)
        total += nanoseconds
        if total > 1 << 63:
            raise DurationError(f"time: invalid duration {text!r}")
    if not negative and total > MAX_NANOSECONDS:
        raise DurationError(f"time: invalid duration {text!r}")
    micro = total // 1000
    return timedelta(microseconds=-micro if negative else micro)


def _go_term(rest: bytes, text: str) -> tuple[int, bytes]:
    """One ``number unit`` of a Go duration, in nanoseconds, and what follows it."""
    whole, fraction, end = go_number(rest)
    if not whole and not fraction:  # no digits: ".s", "-.s", "s"
        raise DurationError(f"time: invalid duration {text!r}")
    rest = rest[end:]
    unit = rest[: go_unit_end(rest)]
    if not unit:
        raise DurationError(f"time: missing unit in duration {text!r}")
    rest = rest[len(unit) :]
    scale = _GO_UNITS_NS.get(unit)
    if scale is None:
        shown = unit.decode("utf-8", "replace")
        raise DurationError(f"time: unknown unit {shown!r} in duration {text!r}")
    value = int(whole or b"0") if len(whole.lstrip(b"0")) <= _MAX_DIGITS else 1 << 64
    if value > (1 << 63) // scale:
        raise DurationError(f"time: invalid duration {text!r}")
    digits = (fraction or b"")[:18]  # Go stops accumulating before uint64 overflows
    if digits:
        value = value * scale + int(float(int(digits)) * (scale / 10 ** len(digits)))
    else:
        value *= scale
    return value, rest


def go_number(data: bytes) -> tuple[bytes, bytes | None, int]:
    r"""The number a Go duration's term starts with, as ``([0-9]*)(?:\.([0-9]*))?`` matches it at
    the start of ``data``: the whole digits, the fraction's digits (None without a ``.``), and
    where the number ends."""
    end = _digits_end(data, 0)
    if data[end : end + 1] != b".":
        return data[:end], None, end
    stop = _digits_end(data, end + 1)
    return data[:end], data[end + 1 : stop], stop


def go_unit_end(data: bytes) -> int:
    """Where the unit at the start of ``data`` ends, as ``[^0-9.]*`` matches it: at the first
    ASCII digit or ``.``."""
    index = 0
    while index < len(data) and not (48 <= data[index] <= 57 or data[index] == _DOT):
        index += 1
    return index


def _digits_end(data: bytes, index: int) -> int:
    while index < len(data) and 48 <= data[index] <= 57:  # ASCII 0-9
        index += 1
    return index

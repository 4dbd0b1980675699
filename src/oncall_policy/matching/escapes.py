"""The lexical pieces of Go's regexp syntax: runes (with Go's UTF-8 checks), escapes, counts.

Ported from Go 1.19's regexp/syntax/parse.go (BSD licence): ``nextRune``, ``checkUTF8``,
``parseEscape``, ``parseRepeat``, ``parseInt``, ``isValidCaptureName``. Go slices the rest of the
pattern (``t = t[1:]``); here a position in the pattern stands for that rest. A pattern is a
``str``: a lone surrogate in it (what ``surrogateescape`` makes of a byte that is not UTF-8) is
reported as Go reports invalid UTF-8, quoting the text from it on.
"""

from __future__ import annotations

from oncall_policy.matching.regexp_errors import ErrorCode, RegexpError
from oncall_policy.matching.unicode_tables import MAX_RUNE

RUNE_ERROR = 0xFFFD  # what Go's decoder returns at the end of the text, without failing
_C_ESCAPES = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_OCTAL = "01234567"


def _is_surrogate(c: str) -> bool:
    return "\ud800" <= c <= "\udfff"


def next_rune(s: str, pos: int, end: int = -1) -> tuple[int, int]:
    """The rune at ``pos`` and the position after it; at the end, Go's ``RuneError`` and ``pos``.
    ``end`` bounds the text (as when Go decodes a substring), for the error's quote."""
    end = len(s) if end < 0 else end
    if pos >= end:
        return RUNE_ERROR, pos
    if _is_surrogate(s[pos]):
        raise RegexpError(ErrorCode.INVALID_UTF8, s[pos:end])
    return ord(s[pos]), pos + 1


def check_utf8(s: str, start: int = 0, end: int = -1) -> None:
    """Refuse ``s[start:end]`` if it holds a lone surrogate, quoting from the first one on."""
    text = s[start:] if end < 0 else s[start:end]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise RegexpError(ErrorCode.INVALID_UTF8, text[error.start :]) from None


def is_alnum(c: int) -> bool:
    return 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def unhex(c: int) -> int:
    for base, offset in ((0x30, 0), (0x61, 10), (0x41, 10)):
        if base <= c < base + (10 if offset == 0 else 6):
            return c - base + offset
    return -1


def parse_escape(s: str, pos: int) -> tuple[int, int]:
    """The rune of the escape sequence at ``pos`` (a backslash) and the position after it."""
    if pos + 1 >= len(s):
        raise RegexpError(ErrorCode.TRAILING_BACKSLASH, "")
    c, t = next_rune(s, pos + 1)
    found: tuple[int, int] | None
    if c < 0x80 and not is_alnum(c):
        return c, t  # escaped punctuation is always itself (and \_ is allowed)
    if chr(c) in _OCTAL:
        found = _octal(s, c, t)
    elif c == ord("x"):
        found, t = _hex(s, t)
    else:
        found = (_C_ESCAPES[chr(c)], t) if chr(c) in _C_ESCAPES else None
    if found is None:
        raise RegexpError(ErrorCode.INVALID_ESCAPE, s[pos:t])
    return found


def _octal(s: str, c: int, t: int) -> tuple[int, int] | None:
    r"""``\0``, ``\012``…; a single non-zero digit would be a backreference, which Go refuses."""
    if c != ord("0") and (t >= len(s) or s[t] not in _OCTAL):
        return None
    r = c - ord("0")
    for _ in range(2):
        if t >= len(s) or s[t] not in _OCTAL:
            break
        r, t = r * 8 + int(s[t]), t + 1
    return r, t


def _hex(s: str, t: int) -> tuple[tuple[int, int] | None, int]:
    r"""``\xhh`` or ``\x{h…}`` after the ``x``; the position reached is the error's end."""
    if t >= len(s):
        return None, t
    c, t = next_rune(s, t)
    if c == ord("{"):
        return _braced_hex(s, t)
    x = unhex(c)
    c, t = next_rune(s, t)
    y = unhex(c)
    return (None if x < 0 or y < 0 else (x * 16 + y, t)), t


def _braced_hex(s: str, t: int) -> tuple[tuple[int, int] | None, int]:
    r, digits = 0, 0
    while True:
        if t >= len(s):
            return None, t
        c, t = next_rune(s, t)
        if c == ord("}"):
            return (None if digits == 0 else (r, t)), t
        v = unhex(c)
        r = r * 16 + v
        if v < 0 or r > MAX_RUNE:
            return None, t
        digits += 1


def parse_int(s: str, pos: int) -> tuple[int, int] | None:
    """A decimal number without leading zeros at ``pos``: its value (-1 when it is too large) and
    the position after it; ``None`` when there is none."""
    end = pos
    while end < len(s) and "0" <= s[end] <= "9":
        end += 1
    if end == pos or (end - pos >= 2 and s[pos] == "0"):
        return None
    n = 0
    for digit in s[pos:end]:
        if n >= 100_000_000:  # Go stops here, to avoid overflow
            return -1, end
        n = n * 10 + ord(digit) - 0x30
    return n, end


def parse_repeat(s: str, pos: int) -> tuple[int, int, int] | None:
    """``{min}``, ``{min,}`` (max -1) or ``{min,max}`` at ``pos``: min, max and the position after
    the brace; min is -1 when a number is too large; ``None`` when it is not of that form."""
    if not s.startswith("{", pos):
        return None
    first = parse_int(s, pos + 1)
    if first is None or first[1] >= len(s):
        return None
    low, t = first
    high = low
    if s[t] == ",":
        second = _parse_max(s, t + 1)
        if second is None:
            return None
        high, t = second
        low = -1 if high < -1 else low  # the maximum was too large
    if not s.startswith("}", t):
        return None
    return low, high, t + 1


def _parse_max(s: str, t: int) -> tuple[int, int] | None:
    """After ``{min,``: the maximum (-1 for none, -2 when too large) and the position after it."""
    if t >= len(s):
        return None
    if s[t] == "}":
        return -1, t
    found = parse_int(s, t)
    if found is None:
        return None
    return (-2, found[1]) if found[0] < 0 else found


def is_valid_capture_name(name: str) -> bool:
    """Go 1.19 allows ``[A-Za-z0-9_]+`` (no length or leading-digit rule)."""
    return name != "" and all(c == "_" or is_alnum(ord(c)) for c in name)

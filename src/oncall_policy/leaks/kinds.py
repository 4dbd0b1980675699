"""Whether a text holds a secret, and of what kind, in any form a reader of it would decode.

A secret is looked for in the text as it stands, in the text as a URL parser or IDNA reads it
(percent-escapes decoded, full-width and other compatibility forms folded) and in the ASCII
text every run of base64 in it (standard or URL-safe, padded or not) decodes to, twice over.
A run may be broken by whitespace (``base64``'s 76-character lines, a YAML scalar folded or its
line escaped): a reader that drops whitespace, as ``base64 -d`` drops line breaks, still decodes it.
"""

from __future__ import annotations

import binascii
import re
from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator

from oncall_policy.leaks import tokens, webhooks

# The shortest text that can hold a secret: xoxb- and eight more characters.
SHORTEST = 13
_BASE64_SHORTEST = 27  # the base64 of the shortest token (20 characters)
_BASE64 = re.compile(rf"[A-Za-z0-9+/_-]{{{_BASE64_SHORTEST},}}")
# Pieces of base64's alphabet with whitespace between (ASCII's, and the line breaks YAML's \N, \L
# and \P escapes write): a run broken across lines or words. Matched from a piece's start only,
# each piece taken whole (possessive: no backtracking into it): tried at every place of a long
# run without whitespace, the search was quadratic (red team: 40,000 letters, 46 s).
_SPACED = re.compile(
    r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]++(?:[ \t\n\r\f\v\x85\u2028\u2029]++[A-Za-z0-9+/_-]++)+"
)
# Bytes that may be a secret's text: ASCII, as long as the shortest base64 of one decodes to.
_ASCII_MARK = b"a" * 20
_ASCII_MARKS = bytes(ord("a") if byte < 0x80 else ord(" ") for byte in range(256))
_DEPTH = 2  # base64 of base64


class Secret(NamedTuple):
    """What a secret found in a text is: its ``kind`` (``tokens.ROUTING_KEY``…), and whether
    it was written in base64."""

    kind: str
    encoded: bool = False

    def __str__(self) -> str:
        return f"base64 of {self.kind}" if self.encoded else self.kind


def secret(text: str) -> Secret | None:
    """The secret ``text`` holds, or ``None``."""
    if len(text) < SHORTEST:
        return None
    return _secret(text, _DEPTH)


def _secret(text: str, depth: int) -> Secret | None:
    for form in _forms(text):
        kind = webhooks.WEBHOOK_URL if webhooks.is_webhook(form) else tokens.kind(form)  # a URL holds tokens
        if kind is not None:
            return Secret(kind)
        if depth:
            for decoded in _base64_decoded(form):
                inner = _secret(decoded, depth - 1)
                if inner is not None:
                    return Secret(inner.kind, encoded=True)
    return None


def _forms(text: str) -> list[str]:
    if "%" not in text and text.isascii():
        return [text]
    decoded = _as_a_parser_reads(text)
    return [text] if decoded == text else [text, decoded]


def _as_a_parser_reads(text: str) -> str:
    """``text`` with percent-escapes decoded until none is left (``%2573`` is ``%73`` is ``s``),
    then in Unicode's compatibility form (``ｈｏｏｋｓ`` is ``hooks``)."""
    import unicodedata  # noqa: PLC0415 - only for text with escapes or beyond ASCII
    from urllib.parse import unquote  # noqa: PLC0415

    for _ in range(4):
        decoded = unquote(text, errors="surrogateescape")
        if decoded == text:
            break
        text = decoded
    return unicodedata.normalize("NFKC", text)


def _base64_decoded(text: str) -> list[str]:
    """What each run of base64 in ``text`` decodes to, where that is text: the run from each of
    its first four characters (it may follow a word without a break), and each part of it
    between slashes (it may be a path around base64); and each run broken by whitespace, joined."""
    if len(text) < _BASE64_SHORTEST:
        return []  # no run, nor pieces joined, is long enough: most suspects (a runbook's path)
    parts = {part for match in _BASE64.finditer(text) for part in _parts(match.group())}
    parts.update(part for match in _SPACED.finditer(text) for part in _joined(match.group().split()))
    return [plain for plain in map(_decode, parts) if plain is not None]


def _parts(run: str) -> set[str]:
    around = {run[start:] for start in range(4)} | set(run.split("/"))
    return {part for part in around if len(part) >= _BASE64_SHORTEST}


def broken_base64(stretch: str) -> bool:
    """Whether ``stretch``, base64's characters with whitespace between, may be base64 of a
    secret once its whitespace is dropped: whether it decodes, from any of the four places a quad
    may start, to a run of ASCII as long as the shortest base64 of a secret decodes to. Every run
    ``_joined`` tries decodes to a part of one of those (``suspects`` asks this, at little cost)."""
    return any(True for _ in _ascii_runs("".join(stretch.split())))


def _joined(pieces: list[str]) -> set[str]:
    """The base64 that whitespace-separated ``pieces`` may be, joined as a reader that drops
    whitespace joins them: all of them, and each stretch of them from one piece to another (words
    may stand around the run: ``key UjBB… Tk9Q… rotated``) that decodes to ASCII text."""
    joined = "".join(pieces)
    if len(joined) < _BASE64_SHORTEST:
        return set()
    found = _parts(joined)
    bounds = list(accumulate(map(len, pieces), initial=0))
    for offset, first, last in _ascii_runs(joined):
        found.update(_stretches(joined, bounds, offset, first, last))
    return found


def _ascii_runs(joined: str) -> Iterator[tuple[int, int, int]]:
    """Each run of ASCII ``joined`` decodes to from each of its first four characters: where it
    was decoded from, and the run's first and last byte. Found with ``bytes.find`` on the bytes
    marked (a pattern for 20 or more ASCII bytes backtracks at every byte of prose)."""
    for offset in range(4):
        marked = (_raw(joined[offset:]) or b"").translate(_ASCII_MARKS)
        first = marked.find(_ASCII_MARK)
        while first >= 0:
            last = marked.find(b" ", first)
            last = len(marked) if last < 0 else last
            yield offset, first, last
            first = marked.find(_ASCII_MARK, last)


def _stretches(joined: str, bounds: list[int], offset: int, first: int, last: int) -> list[str]:
    """The stretches of ``joined`` between piece ``bounds`` whose bytes are all within bytes
    ``first`` to ``last`` of ``joined`` decoded from ``offset``: those are ASCII. The text is
    decoded once for each place a quad may start, not once for each stretch (as many as pieces
    squared); a stretch starting on one of those quads decodes to a part of it."""
    lowest = offset + 4 * -(-first // 3)
    highest = offset + (4 * last + 6) // 3 - 1  # the longest end whose partial quad stays within
    starts = bounds[bisect_left(bounds, lowest) : bisect_right(bounds, highest - _BASE64_SHORTEST)]
    return [
        joined[start:end]
        for start in starts
        if start % 4 == offset
        for end in bounds[bisect_left(bounds, start + _BASE64_SHORTEST) : bisect_right(bounds, highest)]
    ]


def _decode(run: str) -> str | None:
    """The ASCII text ``run`` is the base64 of, or ``None``: every secret is ASCII, and what is
    not base64 (a name, a misaligned run) decodes to bytes beyond it."""
    raw = _raw(run)
    return raw.decode("ascii") if raw is not None and raw.isascii() else None


def _raw(run: str) -> bytes | None:
    run = run.replace("-", "+").replace("_", "/")  # URL-safe as standard (faster than translate)
    if len(run) % 4 == 1:  # a character too many to be whole: the run goes on past the base64
        run = run[:-1]
    try:
        return binascii.a2b_base64(run + "=" * (-len(run) % 4))
    except binascii.Error:
        return None

"""Whether a text holds a secret, and of what kind, in any form a reader of it would decode.

A secret is looked for in the text as it stands, in the text as a URL parser or IDNA reads it
(percent-escapes decoded, full-width and other compatibility forms folded) and in the ASCII
text every run of base64 in it (standard or URL-safe, padded or not) decodes to, twice over.
"""

from __future__ import annotations

import binascii
import re
from typing import NamedTuple

from oncall_policy.leaks import tokens, webhooks

# The shortest text that can hold a secret: xoxb- and eight more characters.
SHORTEST = 13
_BASE64_SHORTEST = 27  # the base64 of the shortest token (20 characters)
_BASE64 = re.compile(rf"[A-Za-z0-9+/_-]{{{_BASE64_SHORTEST},}}")
_URLSAFE = str.maketrans("-_", "+/")
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
    between slashes (it may be a path around base64)."""
    parts = {
        part
        for match in _BASE64.finditer(text)
        for part in {match.group()[start:] for start in range(4)} | set(match.group().split("/"))
        if len(part) >= _BASE64_SHORTEST
    }
    return [plain for plain in map(_decode, parts) if plain is not None]


def _decode(run: str) -> str | None:
    """The ASCII text ``run`` is the base64 of, or ``None``: every secret is ASCII, and what is
    not base64 (a name, a misaligned run) decodes to bytes beyond it."""
    run = run.translate(_URLSAFE)
    if len(run) % 4 == 1:  # a character too many to be whole: the run goes on past the base64
        run = run[:-1]
    try:
        raw = binascii.a2b_base64(run + "=" * (-len(run) % 4))
    except binascii.Error:
        return None
    return raw.decode("ascii") if raw.isascii() else None

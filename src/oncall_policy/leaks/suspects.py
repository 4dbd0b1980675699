"""The few texts, of all the strings of a document, worth asking ``kinds.secret`` about.

Asking about every string of a large policy would cost more than reading it, so they are joined
into one text and looked over at C speed (``bytes.translate`` and ``bytes.find``). Every secret
``kinds`` knows stands in a run of 20 or more characters of the tokens' and base64's alphabets,
or in a stretch of those alphabets and whitespace with 27 or more of their characters (base64
broken across lines), or needs a hint that the run does not give: a Slack token's ``xox`` or
``xapp``, a webhook host's ``hooks`` or ``slack`` (or either broken by a tab or a line break,
which URL parsers drop), a percent-escape, or a character beyond ASCII (a full-width letter).
The runs and stretches are the texts to ask about; so are the whole strings the hints stand in,
found around where they stand.
"""

from __future__ import annotations

from itertools import filterfalse

from oncall_policy.leaks import kinds

_RUN = 20
_RUN_MARK = b"a" * _RUN
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_=-"
_RUNS = bytes(ord("a") if byte in _ALPHABET else ord(" ") for byte in range(256))
# Base64 broken by whitespace: ``kinds`` joins the pieces of a stretch, and needs 27 characters.
_SPACES = b" \t\n\r\x0b\x0c"
_SPACED = 27
_SPACED_MARK = b"a" * _SPACED
_SPACED_RUNS = bytes(  # without "=": a stretch as ``kinds`` reads it, ended by padding
    ord("a") if byte in _ALPHABET.replace(b"=", b"") + _SPACES else ord(" ") for byte in range(256)
)
_HINTS_TEXT = ("xox", "xapp", "hooks", "slack", "%")
_HINTS = tuple(hint.encode() for hint in _HINTS_TEXT)
_HOSTS = (b"hooks", b"slack")
_BREAKS = b"\t\n\r"
_SEPARATOR = "\0"  # between strings: neither a run nor a hint goes on across it


def among(strings: list[str]) -> set[str]:
    """The runs and strings of ``strings`` that may hold a secret: ``kinds.secret`` of each is
    ``None`` only if it is ``None`` for every string."""
    text = _SEPARATOR.join(strings)
    raw = text.encode("ascii", "replace")  # one byte a character, whatever the text holds
    found = set(_runs(raw))
    found.update(_spaced(raw))
    lowered = raw.lower()
    hinted = [at for hint in _HINTS for at in _all(lowered, hint)]
    if hinted and text.count(_SEPARATOR) == len(strings) - 1:
        found.update(_around(text, at) for at in hinted)
    elif hinted:  # a string holds the separator itself: take every string with a hint
        found.update(s for s in strings if any(map(s.lower().__contains__, _HINTS_TEXT)))
    if not text.isascii():
        found.update(filterfalse(str.isascii, strings))
    if _broken_host(lowered):
        found.update(s for s in strings if any(map(s.__contains__, "\t\n\r")))
    return found


def _runs(raw: bytes, table: bytes = _RUNS, mark: bytes = _RUN_MARK) -> list[str]:
    """The stretches of ``raw`` that ``table`` marks, ``mark`` long or longer."""
    marked = raw.translate(table)
    runs: list[str] = []
    start = marked.find(mark)
    while start >= 0:
        end = marked.find(b" ", start + len(mark))
        end = len(marked) if end < 0 else end
        runs.append(raw[start:end].decode("ascii"))
        start = marked.find(mark, end)
    return runs


def _spaced(raw: bytes) -> list[str]:
    """The stretches of the alphabets and whitespace with whitespace in them (those without are
    runs already) and ``_SPACED`` characters of the alphabets, that may be broken base64: prose
    is such a stretch too, but seldom decodes to enough ASCII."""
    found: list[str] = []
    for stretch in _runs(raw, _SPACED_RUNS, _SPACED_MARK):
        characters = len(stretch.encode("ascii").translate(None, _SPACES))
        if _SPACED <= characters < len(stretch) and kinds.broken_base64(stretch):
            found.append(stretch)
    return found


def _around(text: str, at: int) -> str:
    """The string of the joined ``text`` that the character at ``at`` belongs to."""
    end = text.find(_SEPARATOR, at)
    return text[text.rfind(_SEPARATOR, 0, at) + 1 : len(text) if end < 0 else end]


def _all(text: bytes, hint: bytes) -> list[int]:
    places: list[int] = []
    at = text.find(hint)
    while at >= 0:
        places.append(at)
        at = text.find(hint, at + 1)
    return places


def _broken_host(lowered: bytes) -> bool:
    """Whether ``hooks`` or ``slack`` appears only once tabs and line breaks are dropped."""
    if not any(byte in lowered for byte in _BREAKS):
        return False
    joined = lowered.translate(None, _BREAKS)
    return any(joined.count(host) > lowered.count(host) for host in _HOSTS)

"""The few texts, of all the strings of a document, worth asking ``kinds.secret`` about.

Asking about every string of a large policy would cost more than reading it, so they are joined
into one text and looked over at C speed (``bytes.translate`` and ``bytes.find``). Every secret
``kinds`` knows stands in a run of 20 or more characters of the tokens' and base64's alphabets,
or needs a hint that the run does not give: a Slack token's ``xox`` or ``xapp``, a webhook
host's ``hooks`` or ``slack`` (or either broken by a tab or a line break, which URL parsers drop),
a percent-escape, or a character beyond ASCII (a full-width letter). The runs are the texts to
ask about; so are the whole strings the hints stand in, found around where they stand.
"""

from __future__ import annotations

from itertools import filterfalse

_RUN = 20
_RUN_MARK = b"a" * _RUN
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_=-"
_RUNS = bytes(ord("a") if byte in _ALPHABET else ord(" ") for byte in range(256))
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


def _runs(raw: bytes) -> list[str]:
    marked = raw.translate(_RUNS)
    runs: list[str] = []
    start = marked.find(_RUN_MARK)
    while start >= 0:
        end = marked.find(b" ", start + _RUN)
        end = len(marked) if end < 0 else end
        runs.append(raw[start:end].decode("ascii"))
        start = marked.find(_RUN_MARK, end)
    return runs


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

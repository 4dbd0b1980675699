"""Values and messages shown without the secrets in them.

The no-secrets rule refuses a secret without showing it, and so must every other problem found
in the same value ("unknown team …", "not a valid duration: …"), and every field path that
names a key holding one. Each place that shows a value of the policy in a message goes through
``shown``; every problem leaving the loader has its field path and message passed through
``scrub`` as well, which catches a value shown some other way.
"""

from __future__ import annotations

import re

from oncall_policy.leaks import kinds

# Words, and the quotes and punctuation around them in a message. (Patterns compiled when first
# used, through re's cache: only a policy with a problem needs them.)
_WORDS = r"""[^\s'"`,;()\[\]{}<>]+"""
# The escapes ``repr`` writes, undone before a word is judged: a tab in a webhook's host name is
# dropped by URL parsers, and shown as \t.
_ESCAPE = r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[tnr])"
_ESCAPED = {"t": "\t", "n": "\n", "r": "\r"}


def shown(value: object, *, quote: bool = True, limit: int | None = None) -> str:
    """``value`` as a message shows it (``repr``, or as it is with ``quote=False``; a string cut
    to ``limit`` characters), unless it is a string that holds a secret: then what it looks like,
    ``<a Slack token, not shown>``. The whole string is judged, never only what would be shown."""
    if isinstance(value, str):
        secret = kinds.secret(value)
        if secret is not None:
            return f"<{secret}, not shown>"
        value = value[:limit]
    return repr(value) if quote else str(value)


def scrub(text: str) -> str:
    """``text`` with each word in it that holds a secret shown as what it looks like."""
    if len(text) < kinds.SHORTEST:
        return text
    return re.sub(_WORDS, _scrub_word, text)


def _scrub_word(match: re.Match[str]) -> str:
    word = match.group()
    for text in (word, re.sub(_ESCAPE, _unescape, word)):
        secret = kinds.secret(text)
        if secret is not None:
            return f"<{secret}, not shown>"
    return word


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return _ESCAPED[code] if code in _ESCAPED else chr(int(code[1:], 16))

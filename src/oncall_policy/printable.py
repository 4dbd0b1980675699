r"""Text made safe to show on a terminal: the characters a terminal acts on, written as escapes.

What the command line prints is partly not ours: a policy's keys, file names, an Alertmanager's
answers, amtool's output. Printed raw, an escape sequence in them could recolour the screen or
move the cursor, a carriage return could write over the line before (``ACCEPTED`` over
``REJECTED``), and a bidirectional override could show text in another order than it has.
Each such character is written as Python writes it in a string: the C0 and C1 controls and DEL
as ``\x1b`` (``\t``, ``\n``, ``\r``), the line and paragraph separators and the bidirectional
controls as ``\u202e``. A lone surrogate (from an escape in a YAML or JSON key, or bytes read with
``surrogateescape``) is written ``\udc80`` too: raw, it reached the terminal as an undecodable byte.

No regular expressions: the silence path imports this, and ``re`` costs its start-up.
"""

from __future__ import annotations

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES.update({ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"})
_ESCAPES.update({code: f"\\u{code:04x}" for code in (*_BIDI, 0x2028, 0x2029)})
_KEEPING_LINES = {code: escape for code, escape in _ESCAPES.items() if code != ord("\n")}
# In JSON the C0 controls are escaped already (json.dumps does it), and a line break between
# values is layout: only what JSON leaves raw is escaped, as JSON escapes it (same value).
_IN_JSON = {code: f"\\u{code:04x}" for code in _ESCAPES if code >= 0x7F}


def printable(text: str) -> str:
    """``text`` with every control character escaped, line breaks too: one line stays one."""
    return text if text.isprintable() else _no_surrogates(text.translate(_ESCAPES))


def printable_lines(text: str) -> str:
    """``text`` with every control character escaped but its line breaks: text made of lines."""
    # Every character escaped is one ``isprintable`` refuses: text it accepts, its line breaks
    # aside, is left as it is without a lookup per character (an audit's report is megabytes).
    return text if text.replace("\n", "").isprintable() else _no_surrogates(text.translate(_KEEPING_LINES))


def printable_json(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the controls it leaves raw
    escaped the JSON way, so that it still reads as the same values."""
    return _no_surrogates(text.translate(_IN_JSON))


def _no_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which ``isprintable`` refuses, so only text escaped
    already comes here) written as an escape, at C speed: no table of 2,048 of them to build."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text

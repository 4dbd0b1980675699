"""Line and column of an offset, counted as YAML 1.2 counts them, for problems the loader places
itself (a character it refuses, bytes that are not UTF-8).

YAML 1.2 breaks lines at LF, CR LF and CR only (§5.4). NEL, LINE SEPARATOR and PARAGRAPH
SEPARATOR broke lines in YAML 1.1 and still do to libyaml and ruamel.yaml, while the fast path's
parser reads them as ordinary characters; the loader refuses all three before any parser sees the
text (``characters``), so on every text a parser reads, its marks and these positions count the
same lines. Columns count code points from 1, as both parsers do.
"""

from __future__ import annotations

UTF8_BOM = b"\xef\xbb\xbf"


def text_position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[offset]``."""
    breaks = text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset)
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return breaks + 1, offset - line_start + 1


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """The line and column of ``raw[offset]``, counting the characters of the text before it (a
    leading byte order mark is no character: the decoded text starts after it)."""
    start = len(UTF8_BOM) if raw.startswith(UTF8_BOM) and offset >= len(UTF8_BOM) else 0
    before = raw[start:offset].decode("utf-8", errors="replace")
    return text_position(before, len(before))

"""Bytes to text, refusing what no policy file should be: huge, empty, or not UTF-8."""

from __future__ import annotations

from oncall_policy.problems import Problem

MAX_BYTES = 16 * 1024 * 1024


def decode(raw: bytes, path: str) -> str | Problem:
    """The file's text, or the one problem that stops us reading it at all."""
    if len(raw) > MAX_BYTES:
        return Problem(
            path,
            1,
            1,
            "",
            f"file is {len(raw):,} bytes; a policy may be at most "
            f"{MAX_BYTES:,} bytes (split it or remove generated content)",
            "file-too-large",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(raw, error.start)
        return Problem(
            path,
            line,
            column,
            "",
            f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8",
            "not-utf-8",
        )
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return Problem(
            path, 1, 1, "", "file is empty; a policy starts with 'version: oncall-policy/v1'", "empty-file"
        )
    if "\x00" in text:
        line, column = _line_column(raw, raw.index(b"\x00"))
        return Problem(path, line, column, "", "NUL byte in file; is this a binary file?", "not-utf-8")
    return text


def _line_column(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column

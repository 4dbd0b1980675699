"""Bytes to text, refusing what no policy file should be: unreadable, huge, empty, or not UTF-8."""

from __future__ import annotations

import errno

from oncall_policy.load.bounds import MAX_BYTES
from oncall_policy.load.lines import byte_position
from oncall_policy.problems import Problem
from oncall_policy.regular_files import FileRefusedError

__all__ = ["MAX_BYTES", "decode", "too_large", "unreadable"]


def unreadable(path: str, error: OSError) -> Problem:
    """The problem of a file that cannot be read, or that ``regular_files`` refused to read."""
    if isinstance(error, FileRefusedError) and error.errno == errno.EFBIG:
        message = f"file {error.strerror}; split it or remove generated content"
        return Problem(path, 1, 1, "", message, "file-too-large")
    return Problem(path, 1, 1, "", f"cannot read file: {error.strerror}", "unreadable")


def too_large(size: int, path: str, unit: str = "bytes") -> Problem:
    return Problem(
        path,
        1,
        1,
        "",
        f"file is {size:,} {unit}; a policy may be at most "
        f"{MAX_BYTES:,} bytes (split it or remove generated content)",
        "file-too-large",
    )


def decode(raw: bytes, path: str) -> str | Problem:
    """The file's text, or the one problem that stops us reading it at all. One leading byte
    order mark is dropped; any other is refused with the other invisible characters."""
    if len(raw) > MAX_BYTES:
        return too_large(len(raw), path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = byte_position(raw, error.start)
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
        line, column = byte_position(raw, raw.index(b"\x00"))
        return Problem(path, line, column, "", "NUL byte in file; is this a binary file?", "not-utf-8")
    return text

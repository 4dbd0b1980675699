"""Bytes to text, refusing what no policy file should be: unreadable, huge, empty, or not UTF-8."""

from __future__ import annotations

import errno

from oncall_policy.load.bounds import MAX_BYTES
from oncall_policy.load.lines import byte_position
from oncall_policy.problems import Problem
from oncall_policy.regular_files import FileRefusedError
from oncall_policy.rulebook import LOADER, Rule

__all__ = [
    "EMPTY_FILE",
    "FILE_TOO_LARGE",
    "MAX_BYTES",
    "NOT_UTF8",
    "UNREADABLE",
    "decode",
    "too_large",
    "unreadable",
]

UNREADABLE = Rule(
    "unreadable",
    LOADER,
    "the file can be read. It exists, may be opened, and is a regular file: a FIFO, a device such "
    "as ``/dev/zero`` or a directory is refused before a byte is read.",
)
FILE_TOO_LARGE = Rule(
    "file-too-large",
    LOADER,
    f"a file holds at most {MAX_BYTES // 2**20} MiB. A policy of 60,000 alerts fits; anything larger "
    "is generated content or no policy, and is refused before it is read.",
)
NOT_UTF8 = Rule(
    "not-utf-8",
    LOADER,
    "the file is UTF-8 text. A byte that is not UTF-8, or a NUL byte (a binary file?), is refused at "
    "its place; one byte order mark at the start is dropped.",
)
EMPTY_FILE = Rule("empty-file", LOADER, "the file holds a document. An empty file is no policy.")


def unreadable(path: str, error: OSError) -> Problem:
    """The problem of a file that cannot be read, or that ``regular_files`` refused to read."""
    if isinstance(error, FileRefusedError) and error.errno == errno.EFBIG:
        message = f"file {error.strerror}; split it or remove generated content"
        return Problem(path, 1, 1, "", message, FILE_TOO_LARGE.id)
    return Problem(path, 1, 1, "", f"cannot read file: {error.strerror}", UNREADABLE.id)


def too_large(size: int, path: str, unit: str = "bytes") -> Problem:
    return Problem(
        path,
        1,
        1,
        "",
        f"file is {size:,} {unit}; a policy may be at most "
        f"{MAX_BYTES:,} bytes (split it or remove generated content)",
        FILE_TOO_LARGE.id,
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
            NOT_UTF8.id,
        )
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return Problem(
            path, 1, 1, "", "file is empty; a policy starts with 'version: oncall-policy/v1'", EMPTY_FILE.id
        )
    if "\x00" in text:
        line, column = byte_position(raw, raw.index(b"\x00"))
        return Problem(path, line, column, "", "NUL byte in file; is this a binary file?", NOT_UTF8.id)
    return text

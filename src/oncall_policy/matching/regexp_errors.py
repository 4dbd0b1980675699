"""The errors of the regex parser (Go's ``syntax.Error``) and of the matcher.

Ported from Go 1.19's regexp/syntax (BSD licence): the codes are Go's ``ErrorCode`` strings, and
``str()`` is Go's ``Error()``, so that we print what Alertmanager prints.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INTERNAL_ERROR = "regexp/syntax: internal error"  # Go 1.19's word for "too large"
    INVALID_CHAR_CLASS = "invalid character class"
    INVALID_CHAR_RANGE = "invalid character class range"
    INVALID_ESCAPE = "invalid escape sequence"
    INVALID_NAMED_CAPTURE = "invalid named capture"
    INVALID_PERL_OP = "invalid or unsupported Perl syntax"
    INVALID_REPEAT_OP = "invalid nested repetition operator"
    INVALID_REPEAT_SIZE = "invalid repeat count"
    INVALID_UTF8 = "invalid UTF-8"
    MISSING_BRACKET = "missing closing ]"
    MISSING_PAREN = "missing closing )"
    MISSING_REPEAT_ARGUMENT = "missing argument to repetition operator"
    TRAILING_BACKSLASH = "trailing backslash at end of expression"
    UNEXPECTED_PAREN = "unexpected )"
    NESTING_DEPTH = "expression nests too deeply"


class RegexpError(ValueError):
    """A regular expression Go's parser refuses: ``code`` says why, ``expr`` is the part of the
    pattern Go quotes (for invalid UTF-8, the text from the first bad character on)."""

    def __init__(self, code: ErrorCode, expr: str) -> None:
        super().__init__(code, expr)
        self.code = code
        self.expr = expr

    def __str__(self) -> str:
        return f"error parsing regexp: {self.code}: `{self.expr}`"


class RegexpTooComplexError(Exception):
    """A pattern Go accepts but RE2 cannot compile within our limits (``reason`` is RE2's word):
    a failure of the engine, not of the pattern, for a slower exact matcher to take over."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"regular expression too complex for RE2: {reason}")
        self.reason = reason

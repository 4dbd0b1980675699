"""The parse tree of a regular expression, as Go's ``regexp/syntax`` builds it (``Regexp``, ``Op``,
``Flags``), so that what we reason about is what Alertmanager (Go 1.19) compiles.

``rune`` holds code points: for ``LITERAL`` the characters in order, for ``CHAR_CLASS`` sorted
inclusive ranges flattened as ``lo, hi, lo, hi, …``. ``max == -1`` means no upper bound. The
parser mutates nodes while it builds them; once ``syntax.parse`` returns, treat the tree as frozen.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag


class Op(IntEnum):
    NO_MATCH = 1  # matches no strings
    EMPTY_MATCH = 2  # matches the empty string
    LITERAL = 3  # matches the runes in sequence
    CHAR_CLASS = 4  # matches one rune in the ranges
    ANY_CHAR_NOT_NL = 5  # any rune but newline
    ANY_CHAR = 6  # any rune
    BEGIN_LINE = 7  # empty, at the beginning of a line
    END_LINE = 8  # empty, at the end of a line
    BEGIN_TEXT = 9  # empty, at the beginning of the text
    END_TEXT = 10  # empty, at the end of the text
    WORD_BOUNDARY = 11  # \b (ASCII word characters)
    NO_WORD_BOUNDARY = 12  # \B
    CAPTURE = 13  # sub[0], capturing group number ``cap``, optional ``name``
    STAR = 14  # sub[0] zero or more times
    PLUS = 15  # sub[0] one or more times
    QUEST = 16  # sub[0] zero or one time
    REPEAT = 17  # sub[0] at least ``min``, at most ``max`` times (-1: no limit)
    CONCAT = 18  # the subs in sequence
    ALTERNATE = 19  # any one of the subs


class Flags(IntFlag):
    FOLD_CASE = 1 << 0  # case-insensitive (LITERAL: each rune matches its simple case folds)
    LITERAL = 1 << 1
    CLASS_NL = 1 << 2
    DOT_NL = 1 << 3
    ONE_LINE = 1 << 4
    NON_GREEDY = 1 << 5
    PERL_X = 1 << 6
    UNICODE_GROUPS = 1 << 7
    WAS_DOLLAR = 1 << 8
    SIMPLE = 1 << 9

    MATCH_NL = CLASS_NL | DOT_NL
    PERL = CLASS_NL | ONE_LINE | PERL_X | UNICODE_GROUPS  # what regexp.Compile uses
    POSIX = 0


NO_FLAGS = Flags(0)


class Regexp:
    """One node (Go's ``syntax.Regexp``)."""

    __slots__ = ("cap", "flags", "max", "min", "name", "op", "rune", "sub")

    def __init__(self, op: Op, flags: Flags = NO_FLAGS) -> None:
        self.op = op
        self.flags = flags
        self.sub: list[Regexp] = []
        self.rune: list[int] = []
        self.min = 0
        self.max = 0
        self.cap = 0
        self.name = ""

    def __repr__(self) -> str:
        return f"Regexp({self.op.name}, flags={int(self.flags)}, rune={self.rune}, sub={self.sub})"

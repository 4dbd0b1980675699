r"""The Perl (``\d \s \w`` and their negations) and POSIX (``[:alpha:]``, ``[:^alpha:]``…) classes.

Ported from Go 1.19's regexp/syntax/perl_groups.go (BSD licence). Each group is a sign (+1, or
-1 for the negated form) and a clean class; all are ASCII, as in Go and RE2.
"""

from __future__ import annotations

_DIGIT = (0x30, 0x39)
_SPACE_PERL = (0x9, 0xA, 0xC, 0xD, 0x20, 0x20)  # \s: no \v, unlike [:space:]
_WORD = (0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A)

PERL_GROUPS = {
    "\\d": (+1, _DIGIT),
    "\\D": (-1, _DIGIT),
    "\\s": (+1, _SPACE_PERL),
    "\\S": (-1, _SPACE_PERL),
    "\\w": (+1, _WORD),
    "\\W": (-1, _WORD),
}

_POSIX = {
    "alnum": (0x30, 0x39, 0x41, 0x5A, 0x61, 0x7A),
    "alpha": (0x41, 0x5A, 0x61, 0x7A),
    "ascii": (0x0, 0x7F),
    "blank": (0x9, 0x9, 0x20, 0x20),
    "cntrl": (0x0, 0x1F, 0x7F, 0x7F),
    "digit": _DIGIT,
    "graph": (0x21, 0x7E),
    "lower": (0x61, 0x7A),
    "print": (0x20, 0x7E),
    "punct": (0x21, 0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x7E),
    "space": (0x9, 0xD, 0x20, 0x20),
    "upper": (0x41, 0x5A),
    "word": _WORD,
    "xdigit": (0x30, 0x39, 0x41, 0x46, 0x61, 0x66),
}

POSIX_GROUPS = {
    **{f"[:{name}:]": (+1, ranges) for name, ranges in _POSIX.items()},
    **{f"[:^{name}:]": (-1, ranges) for name, ranges in _POSIX.items()},
}

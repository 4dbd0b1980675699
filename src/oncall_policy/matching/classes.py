r"""Character classes in the pattern: ``[…]``, ``[[:alpha:]]``, ``\pL``, ``\p{Greek}``, ``\d``.

Ported from Go 1.19's regexp/syntax/parse.go (BSD licence): ``parseClass``, ``parseClassChar``,
``parseNamedClass``, ``parseUnicodeClass``, ``parsePerlClassEscape``, ``appendGroup``. Each
``parse_*`` adds to the class ``r`` in place and returns the position after what it read, or
``None`` when the text there is not its kind of class.
"""

from __future__ import annotations

from oncall_policy.matching.escapes import check_utf8, next_rune, parse_escape
from oncall_policy.matching.groups import PERL_GROUPS, POSIX_GROUPS
from oncall_policy.matching.parser import FOLD_CASE, PERL_X
from oncall_policy.matching.ranges import (
    append_class,
    append_folded_class,
    append_folded_range,
    append_negated_class,
    append_range,
    clean_class,
    negate_class,
)
from oncall_policy.matching.regexp_errors import ErrorCode, RegexpError
from oncall_policy.matching.tree import Flags, Op
from oncall_policy.matching.unicode_tables import unicode_table
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from oncall_policy.matching.parser import Parser

_CLASS_NL = Flags.CLASS_NL.value
_UNICODE_GROUPS = Flags.UNICODE_GROUPS.value


def parse_class(p: Parser, start: int) -> int:
    """Push the bracketed class at ``start`` (its ``[``); return the position after its ``]``."""
    s = p.whole
    re = p.new_regexp(Op.CHAR_CLASS)
    re.flags = p.node_flags
    t, negated = start + 1, s.startswith("^", start + 1)
    if negated:
        t += 1
        if not p.flags & _CLASS_NL:
            re.rune += (0xA, 0xA)  # so that the negation leaves \n out
    first = True  # ] and - may come first
    while t >= len(s) or s[t] != "]" or first:
        if s.startswith("-", t) and not p.flags & PERL_X and not first and not s.startswith("-]", t):
            raise RegexpError(ErrorCode.INVALID_CHAR_RANGE, s[t : t + 2])  # POSIX: - first or last
        first = False
        t = _parse_class_item(p, re.rune, t, start)
    re.rune = clean_class(re.rune)
    if negated:
        re.rune = negate_class(re.rune)
    p.push(re)
    return t + 1


def _parse_class_item(p: Parser, r: list[int], t: int, start: int) -> int:
    """Add one item of the class at ``start`` (a named class, a rune or a range) to ``r``."""
    s = p.whole
    for parse_group in (parse_named_class, parse_unicode_class, parse_perl_class_escape):
        after = parse_group(p, r, t)
        if after is not None:
            return after
    lo, after = _parse_class_char(s, t, start)
    hi = lo
    if after + 1 < len(s) and s[after] == "-" and s[after + 1] != "]":  # [a-] is a or -
        hi, after = _parse_class_char(s, after + 1, start)
        if hi < lo:
            raise RegexpError(ErrorCode.INVALID_CHAR_RANGE, s[t:after])
    if p.flags & FOLD_CASE:
        append_folded_range(r, lo, hi)
    else:
        append_range(r, lo, hi)
    return after


def _parse_class_char(s: str, t: int, start: int) -> tuple[int, int]:
    if t >= len(s):
        raise RegexpError(ErrorCode.MISSING_BRACKET, s[start:])
    return parse_escape(s, t) if s[t] == "\\" else next_rune(s, t)


def parse_named_class(p: Parser, r: list[int], t: int) -> int | None:
    """A POSIX class such as ``[:alnum:]`` or ``[:^alnum:]`` (inside brackets)."""
    s = p.whole
    if not s.startswith("[:", t) or len(s) - t <= 2:
        return None
    end = s.find(":]", t + 2)
    if end < 0:
        return None
    name = s[t : end + 2]
    group = POSIX_GROUPS.get(name)
    if group is None:
        raise RegexpError(ErrorCode.INVALID_CHAR_RANGE, name)
    append_group(p, r, group)
    return end + 2


def parse_perl_class_escape(p: Parser, r: list[int], t: int) -> int | None:
    r"""A Perl class: ``\d \D \s \S \w \W``."""
    if not p.flags & PERL_X:
        return None
    group = PERL_GROUPS.get(p.whole[t : t + 2])
    if group is None:
        return None
    append_group(p, r, group)
    return t + 2


def append_group(p: Parser, r: list[int], group: tuple[int, Sequence[int]]) -> None:
    sign, ranges = group
    if p.flags & FOLD_CASE:
        ranges = clean_class(append_folded_class([], ranges))
    if sign < 0:
        append_negated_class(r, ranges)
    else:
        append_class(r, ranges)


def parse_unicode_class(p: Parser, r: list[int], t: int) -> int | None:
    r"""A Unicode class: ``\pL``, ``\p{Greek}``, negated as ``\PL``, ``\p{^Greek}``."""
    s = p.whole
    if not p.flags & _UNICODE_GROUPS or not s.startswith(("\\p", "\\P"), t):
        return None
    negated = s[t + 1] == "P"
    c, after = next_rune(s, t + 2)
    if c != ord("{"):
        seq = s[t:after]
        name = seq[2:]
    else:
        end = s.find("}", t)
        if end < 0:
            check_utf8(s, t)
            raise RegexpError(ErrorCode.INVALID_CHAR_RANGE, s[t:])
        seq, after, name = s[t : end + 1], end + 1, s[t + 3 : end]
        check_utf8(name)
    if name.startswith("^"):
        negated, name = not negated, name[1:]
    _append_unicode_table(p, r, name, seq, negated)
    return after


def _append_unicode_table(p: Parser, r: list[int], name: str, seq: str, negated: bool) -> None:
    found = unicode_table(name)
    if found is None:
        raise RegexpError(ErrorCode.INVALID_CHAR_RANGE, seq)
    table, fold = found
    ranges: Sequence[int] = table
    if p.flags & FOLD_CASE and fold is not None:
        ranges = clean_class(append_class(append_class([], table), fold))
    if negated:
        append_negated_class(r, ranges)
    else:
        append_class(r, ranges)

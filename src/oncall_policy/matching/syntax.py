"""Regular expressions read exactly as Go 1.19's ``regexp/syntax.Parse`` reads them, which is how
Alertmanager 0.25 reads a regex matcher (``regexp.Compile("^(?:" + value + ")$")``).

Ported from Go 1.19.8's regexp/syntax/parse.go (BSD licence). The tree (``tree.Regexp``) is Go's,
node for node: literals merged, alternations factored, classes cleaned and case-folded as Go does
it; an error is Go's error, word for word. The pieces live beside this module: ``parser`` (the
stack), ``factor``, ``classes``, ``escapes``, ``limits``, ``ranges``, ``unicode_tables``.
"""

from __future__ import annotations

from oncall_policy.matching.classes import parse_class, parse_perl_class_escape, parse_unicode_class
from oncall_policy.matching.escapes import (
    check_utf8,
    is_valid_capture_name,
    next_rune,
    parse_escape,
    parse_repeat,
)
from oncall_policy.matching.parser import FOLD_CASE, LEFT_PAREN, NON_GREEDY, PERL_X, Parser, as_flags
from oncall_policy.matching.regexp_errors import ErrorCode, RegexpError
from oncall_policy.matching.tree import Flags, Op, Regexp
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    # A step reads the piece at a position; it returns the position after it and, for a
    # repetition operator, where the operator started (else -1): Perl refuses two in a row.
    Step = Callable[[Parser, int, int], tuple[int, int]]

__all__ = ["Flags", "RegexpError", "parse"]

_ONE_LINE = Flags.ONE_LINE.value
_DOT_NL = Flags.DOT_NL.value
_FLAG_LETTERS = {"i": FOLD_CASE, "s": _DOT_NL, "U": NON_GREEDY}  # (?m) clears ONE_LINE instead
_ESCAPED_OPS = {"A": Op.BEGIN_TEXT, "b": Op.WORD_BOUNDARY, "B": Op.NO_WORD_BOUNDARY, "z": Op.END_TEXT}


def parse(pattern: str, flags: Flags = Flags.PERL) -> Regexp:
    """The parse tree of ``pattern``, as Go's ``syntax.Parse(pattern, flags)`` builds it
    (``regexp.Compile`` uses ``Flags.PERL``); a ``RegexpError`` where Go fails."""
    if flags & Flags.LITERAL:
        check_utf8(pattern)
        re = Regexp(Op.LITERAL, flags)
        re.rune = [ord(c) for c in pattern]
        return re
    p = Parser(pattern, int(flags))
    pos, last_repeat = 0, -1
    while pos < len(pattern):
        pos, last_repeat = _STEPS.get(pattern[pos], _literal)(p, pos, last_repeat)
    p.close_group()
    if len(p.stack) != 1:
        raise RegexpError(ErrorCode.MISSING_PAREN, pattern)
    return p.stack[0]


def _literal(p: Parser, pos: int, _last_repeat: int) -> tuple[int, int]:
    c = p.whole[pos]
    if "\ud800" <= c <= "\udfff":
        next_rune(p.whole, pos)  # raises Go's invalid UTF-8
    p.literal(ord(c))
    return pos + 1, -1


def _left_paren(p: Parser, pos: int, _last_repeat: int) -> tuple[int, int]:
    if p.flags & PERL_X and p.whole.startswith("(?", pos):
        return _perl_flags(p, pos), -1  # flags, a non-capturing or a named group
    p.num_cap += 1
    p.op(LEFT_PAREN).cap = p.num_cap
    return pos + 1, -1


def _vertical_bar(p: Parser, pos: int, _last_repeat: int) -> tuple[int, int]:
    p.parse_vertical_bar()
    return pos + 1, -1


def _right_paren(p: Parser, pos: int, _last_repeat: int) -> tuple[int, int]:
    p.parse_right_paren()
    return pos + 1, -1


def _caret(p: Parser, pos: int, _last_repeat: int) -> tuple[int, int]:
    p.op(Op.BEGIN_TEXT if p.flags & _ONE_LINE else Op.BEGIN_LINE)
    return pos + 1, -1


def _dollar(p: Parser, pos: int, _last_repeat: int) -> tuple[int, int]:
    if p.flags & _ONE_LINE:
        re = p.op(Op.END_TEXT)
        re.flags = as_flags(int(re.flags) | Flags.WAS_DOLLAR.value)
    else:
        p.op(Op.END_LINE)
    return pos + 1, -1


def _dot(p: Parser, pos: int, _last_repeat: int) -> tuple[int, int]:
    p.op(Op.ANY_CHAR if p.flags & _DOT_NL else Op.ANY_CHAR_NOT_NL)
    return pos + 1, -1


def _bracket(p: Parser, pos: int, _last_repeat: int) -> tuple[int, int]:
    return parse_class(p, pos), -1


def _repetition(op: Op) -> Step:
    def step(p: Parser, pos: int, last_repeat: int) -> tuple[int, int]:
        return p.repeat(op, 0, 0, pos, pos + 1, last_repeat), pos

    return step


def _brace(p: Parser, pos: int, last_repeat: int) -> tuple[int, int]:
    counted = parse_repeat(p.whole, pos)
    if counted is None:  # not {n}, {n,} or {n,m}: a literal {
        p.literal(ord("{"))
        return pos + 1, -1
    low, high, after = counted
    if low < 0 or low > 1000 or high > 1000 or 0 <= high < low:
        raise RegexpError(ErrorCode.INVALID_REPEAT_SIZE, p.whole[pos:after])
    return p.repeat(Op.REPEAT, low, high, pos, after, last_repeat), pos


def _backslash(p: Parser, pos: int, _last_repeat: int) -> tuple[int, int]:
    s = p.whole
    if p.flags & PERL_X and pos + 1 < len(s):
        c = s[pos + 1]
        if c in _ESCAPED_OPS:
            p.op(_ESCAPED_OPS[c])
            return pos + 2, -1
        if c == "C":  # any byte: not supported
            raise RegexpError(ErrorCode.INVALID_ESCAPE, s[pos : pos + 2])
        if c == "Q":
            return _quoted(p, pos), -1
    re = p.new_regexp(Op.CHAR_CLASS)
    re.flags = p.node_flags
    for parse_group in (parse_unicode_class, parse_perl_class_escape):
        after = parse_group(p, re.rune, pos)
        if after is not None:
            p.push(re)
            return after, -1
    p.reuse(re)
    c_rune, after = parse_escape(s, pos)
    p.literal(c_rune)
    return after, -1


def _quoted(p: Parser, pos: int) -> int:
    r"""``\Q…\E``: everything up to ``\E`` (or the end) is literal."""
    s = p.whole
    end = s.find("\\E", pos + 2)
    text_end, after = (len(s), len(s)) if end < 0 else (end, end + 2)
    i = pos + 2
    while i < text_end:
        c, i = next_rune(s, i, text_end)
        p.literal(c)
    return after


def _perl_flags(p: Parser, pos: int) -> int:
    """``(?P<name>``, ``(?:``, ``(?flags)`` or ``(?flags:`` at ``pos``: the position after it."""
    s = p.whole
    if len(s) - pos > 4 and s.startswith("P<", pos + 2):
        return _named_capture(p, pos)
    t, flags, negated, saw_flag = pos + 2, p.flags, False, False
    while t < len(s):
        c, t = next_rune(s, t)
        letter = chr(c)
        if letter in _FLAG_LETTERS or letter == "m":
            flags = flags & ~_ONE_LINE if letter == "m" else flags | _FLAG_LETTERS[letter]
            saw_flag = True
        elif letter == "-" and not negated:
            # Invert, so that the letters after - clear what they would set; invert back at the end.
            negated, flags, saw_flag = True, flags ^ 0xFFFF, False
        elif letter in ":)" and (saw_flag or not negated):
            if letter == ":":
                p.op(LEFT_PAREN)  # a group, with the flags in force before it
            p.set_flags(flags ^ 0xFFFF if negated else flags)
            return t
        else:
            break
    raise RegexpError(ErrorCode.INVALID_PERL_OP, s[pos:t])


def _named_capture(p: Parser, pos: int) -> int:
    s = p.whole
    end = s.find(">", pos)
    if end < 0:
        check_utf8(s, pos)
        raise RegexpError(ErrorCode.INVALID_NAMED_CAPTURE, s[pos:])
    name = s[pos + 4 : end]
    check_utf8(name)
    if not is_valid_capture_name(name):
        raise RegexpError(ErrorCode.INVALID_NAMED_CAPTURE, s[pos : end + 1])
    p.num_cap += 1
    re = p.op(LEFT_PAREN)
    re.cap, re.name = p.num_cap, name
    return end + 1


_STEPS: dict[str, Step] = {
    "(": _left_paren,
    "|": _vertical_bar,
    ")": _right_paren,
    "^": _caret,
    "$": _dollar,
    ".": _dot,
    "[": _bracket,
    "*": _repetition(Op.STAR),
    "+": _repetition(Op.PLUS),
    "?": _repetition(Op.QUEST),
    "{": _brace,
    "\\": _backslash,
}

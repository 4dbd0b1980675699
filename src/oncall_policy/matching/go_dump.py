"""Go's test dump of a parse tree (``regexp/syntax/parse_test.go``): ``cat{lit{a}cc{0x61-0x7a}}``.

Ported from Go 1.19's regexp/syntax/parse_test.go (BSD licence). It shows the structure Go's
``String()`` hides, so that our trees can be compared with Go's, character for character.
"""

from __future__ import annotations

from oncall_policy.matching.tree import Flags, Op, Regexp
from oncall_policy.matching.unicode_tables import MAX_RUNE, simple_fold
from oncall_policy.matching.walk import fold

_NAMES = {
    Op.NO_MATCH: "no",
    Op.EMPTY_MATCH: "emp",
    Op.LITERAL: "lit",
    Op.CHAR_CLASS: "cc",
    Op.ANY_CHAR_NOT_NL: "dnl",
    Op.ANY_CHAR: "dot",
    Op.BEGIN_LINE: "bol",
    Op.END_LINE: "eol",
    Op.BEGIN_TEXT: "bot",
    Op.END_TEXT: "eot",
    Op.WORD_BOUNDARY: "wb",
    Op.NO_WORD_BOUNDARY: "nwb",
    Op.CAPTURE: "cap",
    Op.STAR: "star",
    Op.PLUS: "plus",
    Op.QUEST: "que",
    Op.REPEAT: "rep",
    Op.CONCAT: "cat",
    Op.ALTERNATE: "alt",
}
_REPEATS = (Op.STAR, Op.PLUS, Op.QUEST, Op.REPEAT)


def dump(re: Regexp) -> str:
    return fold(re, _dump_node)


def _dump_node(re: Regexp, subs: list[str]) -> str:
    return f"{_name(re)}{{{_body(re, subs)}}}"


def _name(re: Regexp) -> str:
    if re.op not in _NAMES:
        return f"op{int(re.op)}"
    if re.op in _REPEATS:
        return ("n" if re.flags & Flags.NON_GREEDY else "") + _NAMES[re.op]
    if re.op == Op.LITERAL:
        name = "str" if len(re.rune) > 1 else "lit"
        folds = re.flags & Flags.FOLD_CASE and any(simple_fold(r) != r for r in re.rune)
        return name + ("fold" if folds else "")
    return _NAMES[re.op]


def _body(re: Regexp, subs: list[str]) -> str:
    if re.op == Op.END_TEXT:
        return "" if re.flags & Flags.WAS_DOLLAR else "\\z"
    if re.op == Op.LITERAL:
        return "".join(map(_printable, re.rune))
    if re.op == Op.REPEAT:
        return f"{re.min},{re.max} {subs[0]}"
    if re.op == Op.CAPTURE and re.name:
        return f"{re.name}:{subs[0]}"
    if re.op == Op.CHAR_CLASS:
        pairs = zip(re.rune[::2], re.rune[1::2], strict=True)
        return " ".join(f"{lo:#x}" if lo == hi else f"{lo:#x}-{hi:#x}" for lo, hi in pairs)
    return "".join(subs)


def _printable(r: int) -> str:
    """The rune as Go's ``WriteRune`` writes it: U+FFFD for a surrogate or a non-rune."""
    return "\ufffd" if 0xD800 <= r <= 0xDFFF or not 0 <= r <= MAX_RUNE else chr(r)

"""Collapsing concatenations and alternations, and factoring alternations (``ABC|ABD`` becomes
``AB[CD]``), exactly as Go does: the tree's shape is what Go's limits and matcher see.

Ported from Go 1.19's regexp/syntax/parse.go and regexp.go (BSD licence): ``collapse``,
``factor``, ``leadingString``, ``removeLeadingString``, ``leadingRegexp``,
``removeLeadingRegexp``, ``cleanAlt``, ``mergeCharClass``, ``isCharClass``, ``matchRune``, and
``Regexp.Equal`` (which, like Go's, ignores a literal's case folding).
"""

from __future__ import annotations

from oncall_policy.matching.ranges import append_class, append_literal, clean_class
from oncall_policy.matching.re2_limits import check_limits
from oncall_policy.matching.tree import Flags, Op
from oncall_policy.matching.unicode_tables import MAX_RUNE
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.parser import Parser
    from oncall_policy.matching.tree import Regexp

_FOLD_CASE = Flags.FOLD_CASE.value
_CLASS_OPS = (Op.CHAR_CLASS, Op.ANY_CHAR_NOT_NL, Op.ANY_CHAR)


def collapse(p: Parser, subs: list[Regexp], op: Op) -> Regexp:
    """``op`` (``CONCAT`` or ``ALTERNATE``) of ``subs``, with nested nodes of the same op hoisted."""
    if len(subs) == 1:
        return subs[0]
    re = p.new_regexp(op)
    for sub in subs:
        if sub.op == op:
            re.sub += sub.sub
            p.reuse(sub)
        else:
            re.sub.append(sub)
    if op == Op.ALTERNATE:
        re.sub = factor(p, re.sub)
        if len(re.sub) == 1:
            old, re = re, re.sub[0]
            p.reuse(old)
    return re


def factor(p: Parser, sub: list[Regexp]) -> list[Regexp]:
    """The alternatives ``sub`` with common prefixes factored out and single runes merged."""
    if len(sub) < 2:
        return sub
    sub = _factor_strings(p, sub)
    sub = _factor_leading_classes(p, sub)
    sub = _merge_classes(p, sub)
    # Round 4: a run of empty matches becomes one.
    empty = Op.EMPTY_MATCH
    return [re for i, re in enumerate(sub) if not (i + 1 < len(sub) and re.op == sub[i + 1].op == empty)]


def _factor_strings(p: Parser, sub: list[Regexp]) -> list[Regexp]:
    """Round 1: alternatives that begin with the same literal text share it as a prefix."""
    out: list[Regexp] = []
    prefix_runes: list[int] = []
    prefix_flags = start = 0
    for i in range(len(sub) + 1):
        runes, flags = leading_string(sub[i]) if i < len(sub) else ([], 0)
        if i < len(sub) and flags == prefix_flags:
            same = 0
            while same < min(len(prefix_runes), len(runes)) and prefix_runes[same] == runes[same]:
                same += 1
            if same > 0:
                prefix_runes = prefix_runes[:same]
                continue
        if i - start == 1:
            out.append(sub[start])
        elif i - start > 1:
            prefix = p.new_regexp(Op.LITERAL)
            prefix.flags = Flags(prefix_flags)
            prefix.rune = list(prefix_runes)
            for j in range(start, i):
                sub[j] = remove_leading_string(p, sub[j], len(prefix_runes))
                check_limits(p, sub[j])
            out.append(_concat_of(p, prefix, collapse(p, sub[start:i], Op.ALTERNATE)))
        start, prefix_runes, prefix_flags = i, runes, flags
    return out


def _factor_leading_classes(p: Parser, sub: list[Regexp]) -> list[Regexp]:
    """Round 2: alternatives that begin with the same class (or fixed repeat of one) share it.
    Nothing more complex is factored: that would merge paths the matcher must keep apart."""
    out: list[Regexp] = []
    first: Regexp | None = None
    start = 0
    for i in range(len(sub) + 1):
        ifirst = leading_regexp(sub[i]) if i < len(sub) else None
        if i < len(sub) and first is not None and equal(first, ifirst) and _factorable(first):
            continue
        if i - start == 1:
            out.append(sub[start])
        elif i - start > 1 and first is not None:  # (a run of two or more always has one)
            for j in range(start, i):
                sub[j] = remove_leading_regexp(p, sub[j], reuse=j != start)  # the prefix is sub[start]'s
                check_limits(p, sub[j])
            out.append(_concat_of(p, first, collapse(p, sub[start:i], Op.ALTERNATE)))
        start, first = i, ifirst
    return out


def _factorable(re: Regexp) -> bool:
    if is_char_class(re):
        return True
    return re.op == Op.REPEAT and re.min == re.max and is_char_class(re.sub[0])


def _merge_classes(p: Parser, sub: list[Regexp]) -> list[Regexp]:
    """Round 3: runs of single runes and classes become one class."""
    out: list[Regexp] = []
    start = 0
    for i in range(len(sub) + 1):
        if i < len(sub) and is_char_class(sub[i]):
            continue
        if i - start == 1:
            out.append(sub[start])
        elif i - start > 1:
            most = start  # merge into the most complex of the run
            for j in range(start + 1, i):
                if (sub[most].op, len(sub[most].rune)) < (sub[j].op, len(sub[j].rune)):
                    most = j
            sub[start], sub[most] = sub[most], sub[start]
            for j in range(start + 1, i):
                merge_char_class(sub[start], sub[j])
                p.reuse(sub[j])
            clean_alt(sub[start])
            out.append(sub[start])
        if i < len(sub):
            out.append(sub[i])
        start = i + 1
    return out


def _concat_of(p: Parser, prefix: Regexp, suffix: Regexp) -> Regexp:
    re = p.new_regexp(Op.CONCAT)
    re.sub = [prefix, suffix]
    return re


def leading_string(re: Regexp) -> tuple[list[int], int]:
    """The literal runes ``re`` begins with, and whether they fold case (``FOLD_CASE`` or 0)."""
    if re.op == Op.CONCAT and re.sub:
        re = re.sub[0]
    if re.op != Op.LITERAL:
        return [], 0
    return re.rune, int(re.flags) & _FOLD_CASE


def remove_leading_string(p: Parser, re: Regexp, n: int) -> Regexp:
    """``re`` without its first ``n`` literal runes (the replacement node for ``re``)."""
    chain: list[Regexp] = []
    node = re
    while node.op == Op.CONCAT and node.sub:
        chain.append(node)
        node = node.sub[0]
    if node.op == Op.LITERAL:
        node.rune = node.rune[n:]
        if not node.rune:
            node.op = Op.EMPTY_MATCH
    for parent in reversed(chain):  # Go recurses; each concatenation may now simplify
        parent.sub[0] = node
        if node.op != Op.EMPTY_MATCH:
            node = parent
            continue
        p.reuse(node)
        if len(parent.sub) <= 1:
            parent.op, parent.sub, node = Op.EMPTY_MATCH, [], parent
        elif len(parent.sub) == 2:
            node = parent.sub[1]
            p.reuse(parent)
        else:
            del parent.sub[0]
            node = parent
    return node


def leading_regexp(re: Regexp) -> Regexp | None:
    if re.op == Op.EMPTY_MATCH:
        return None
    if re.op == Op.CONCAT and re.sub:
        return None if re.sub[0].op == Op.EMPTY_MATCH else re.sub[0]
    return re


def remove_leading_regexp(p: Parser, re: Regexp, reuse: bool) -> Regexp:
    """``re`` without its leading piece, recycled if ``reuse`` (the replacement node for ``re``)."""
    if re.op == Op.CONCAT and re.sub:
        if reuse:
            p.reuse(re.sub[0])
        del re.sub[0]
        if not re.sub:
            re.op = Op.EMPTY_MATCH
        elif len(re.sub) == 1:
            old, re = re, re.sub[0]
            p.reuse(old)
        return re
    if reuse:
        p.reuse(re)
    return p.new_regexp(Op.EMPTY_MATCH)


def is_char_class(re: Regexp) -> bool:
    """Whether ``re`` matches one rune: a one-rune literal, a class, ``.``."""
    return (re.op == Op.LITERAL and len(re.rune) == 1) or re.op in _CLASS_OPS


def match_rune(re: Regexp, r: int) -> bool:
    if re.op == Op.LITERAL:
        return len(re.rune) == 1 and re.rune[0] == r
    if re.op == Op.CHAR_CLASS:
        return any(re.rune[i] <= r <= re.rune[i + 1] for i in range(0, len(re.rune), 2))
    return re.op == Op.ANY_CHAR or (re.op == Op.ANY_CHAR_NOT_NL and r != ord("\n"))


def merge_char_class(dst: Regexp, src: Regexp) -> None:
    """``dst`` becomes ``dst|src``; ``dst`` is the more complex (``dst.op >= src.op``)."""
    if dst.op == Op.ANY_CHAR_NOT_NL and match_rune(src, ord("\n")):
        dst.op = Op.ANY_CHAR
    elif dst.op == Op.CHAR_CLASS:
        if src.op == Op.LITERAL:
            append_literal(dst.rune, src.rune[0], bool(int(src.flags) & _FOLD_CASE))
        else:
            append_class(dst.rune, src.rune)
    elif dst.op == Op.LITERAL and (src.rune[0] != dst.rune[0] or src.flags != dst.flags):
        dst.op = Op.CHAR_CLASS
        dst.rune = append_literal([], dst.rune[0], bool(int(dst.flags) & _FOLD_CASE))
        append_literal(dst.rune, src.rune[0], bool(int(src.flags) & _FOLD_CASE))


def clean_alt(re: Regexp) -> None:
    """Clean a class about to join an alternation; a class of every rune becomes ``.``."""
    if re.op != Op.CHAR_CLASS:
        return
    re.rune = clean_class(re.rune)
    if re.rune == [0, MAX_RUNE]:
        re.op, re.rune = Op.ANY_CHAR, []
    elif re.rune == [0, 0x9, 0xB, MAX_RUNE]:
        re.op, re.rune = Op.ANY_CHAR_NOT_NL, []


def equal(x: Regexp | None, y: Regexp | None) -> bool:
    """Go's ``Regexp.Equal``: the same structure (a literal's flags are not compared)."""
    pairs = [(x, y)]
    while pairs:
        a, b = pairs.pop()
        if a is None or b is None:
            if a is not b:
                return False
            continue
        if a.op != b.op or not _same_node(a, b):
            return False
        if a.op in (Op.CONCAT, Op.ALTERNATE, Op.STAR, Op.PLUS, Op.QUEST, Op.REPEAT, Op.CAPTURE):
            pairs.extend(zip(a.sub, b.sub, strict=True))
    return True


def _same_node(a: Regexp, b: Regexp) -> bool:
    """What ``equal`` compares of two nodes of the same op, apart from their subexpressions."""
    differ = int(a.flags) ^ int(b.flags)
    if a.op == Op.END_TEXT:
        return not differ & Flags.WAS_DOLLAR.value  # remembers whether it was $ or \z
    if a.op in (Op.LITERAL, Op.CHAR_CLASS):
        return a.rune == b.rune
    if a.op in (Op.CONCAT, Op.ALTERNATE):
        return len(a.sub) == len(b.sub)
    if a.op in (Op.STAR, Op.PLUS, Op.QUEST, Op.REPEAT):
        return not differ & Flags.NON_GREEDY.value and (a.min, a.max) == (b.min, b.max)
    if a.op == Op.CAPTURE:
        return (a.cap, a.name) == (b.cap, b.name)
    return True

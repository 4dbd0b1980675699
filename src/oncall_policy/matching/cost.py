r"""What a parse tree costs to compile into RE2, estimated before compiling it.

Go accepts programs of up to 3.3 million of its own instructions, and counts a character class as
one; RE2 writes a class as UTF-8 byte ranges (``\pL`` is about 1,200 instructions) and compiles
about a million instructions a second. So ``\pL{1000}``, which Alertmanager takes in its stride,
would take RE2 a second to compile. The estimate here counts what RE2 will build, generously, so
that a caller can decline to compile a pattern it could not judge in time.
"""

from __future__ import annotations

from oncall_policy.matching.tree import Flags, Op
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.tree import Regexp

_ANY_COST = 16  # `.`: every rune, as UTF-8 byte ranges
# The most an estimate may come to for a pattern to be compiled while judging a silence: about
# 200,000 real RE2 instructions, a fifth of a second (the estimate runs about 2.4 times high).
MAX_COST = 500_000


def _utf8_length(rune: int) -> int:
    return 1 if rune < 0x80 else 2 if rune < 0x800 else 3 if rune < 0x10000 else 4


def _leaf(re: Regexp) -> int:
    if re.op == Op.LITERAL:
        width = 3 if re.flags & Flags.FOLD_CASE else 1  # a folded rune is a class of its orbit
        return sum(width * _utf8_length(r) for r in re.rune)
    if re.op == Op.CHAR_CLASS:
        return sum(_utf8_length(hi) for hi in re.rune[1::2]) + len(re.rune) // 2
    if re.op in (Op.ANY_CHAR, Op.ANY_CHAR_NOT_NL):
        return _ANY_COST
    return 1


def cost(tree: Regexp) -> int:
    """About how many RE2 instructions ``tree`` compiles to (more rather than fewer)."""
    totals: dict[int, int] = {}
    stack: list[tuple[Regexp, bool]] = [(tree, False)]
    while stack:  # iterative: Go allows trees 1,000 deep
        re, done = stack.pop()
        if not done:
            stack.append((re, True))
            stack.extend((sub, False) for sub in re.sub)
            continue
        subs = sum(totals[id(sub)] for sub in re.sub)
        if re.op == Op.REPEAT:
            times = re.max if re.max != -1 else re.min + 1
            totals[id(re)] = subs * max(times, 1) + times
        elif re.sub:
            totals[id(re)] = subs + len(re.sub)
        else:
            totals[id(re)] = _leaf(re)
    return totals[id(tree)]

"""The parser's state and its stack of parsed pieces (Go's ``parser`` and its stack methods).

Ported from Go 1.19's regexp/syntax/parse.go (BSD licence): ``newRegexp``, ``reuse``, ``push``,
``maybeConcat``, ``literal``, ``op``, ``repeat``, ``concat``, ``alternate``, ``swapVerticalBar``,
``parseVerticalBar``, ``parseRightParen``. Nodes are recycled through a free list as in Go,
because the limits count allocations and cache per node (see ``limits``).

The stack holds, besides nodes, Go's two pseudo-operators, which never reach a finished tree: a
``(`` (``LEFT_PAREN``, which becomes the ``CAPTURE`` node) and a ``|`` (``VERTICAL_BAR``).
"""

from __future__ import annotations

from oncall_policy.matching import factor
from oncall_policy.matching.re2_limits import check_limits, repeat_is_valid
from oncall_policy.matching.regexp_errors import ErrorCode, RegexpError
from oncall_policy.matching.tree import Flags, Op, Regexp
from oncall_policy.matching.unicode_tables import MAX_FOLD, MIN_FOLD, fold_orbit, simple_fold
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Final

# Go's pseudo-ops start at 128, past every real Op; the tree's type has no room for them.
PSEUDO: Final = 128
LEFT_PAREN: Final[Op] = PSEUDO  # type: ignore[assignment]
VERTICAL_BAR: Final[Op] = PSEUDO + 1  # type: ignore[assignment]

# The parser keeps its flags as a plain int: IntFlag arithmetic costs about 1 us an operation.
FOLD_CASE: Final = Flags.FOLD_CASE.value
NON_GREEDY: Final = Flags.NON_GREEDY.value
PERL_X: Final = Flags.PERL_X.value
_FLAGS: dict[int, Flags] = {}


def as_flags(value: int) -> Flags:
    """``Flags(value)``, from a cache."""
    flags = _FLAGS.get(value)
    if flags is None:
        flags = _FLAGS[value] = Flags(value)
    return flags


def min_fold_rune(r: int) -> int:
    """The smallest rune that folds to ``r``: the one a case-folded literal records."""
    return r if r < MIN_FOLD or r > MAX_FOLD else fold_orbit(r)[0]


class Parser:
    __slots__ = (
        "flags",
        "free",
        "height",
        "node_flags",
        "num_cap",
        "num_regexp",
        "num_runes",
        "repeats",
        "size",
        "stack",
        "whole",
    )

    def __init__(self, whole: str, flags: int) -> None:
        self.whole = whole  # the pattern, as errors about all of it quote it
        self.flags = flags
        self.node_flags = as_flags(flags)  # the same, as nodes carry it
        self.stack: list[Regexp] = []
        self.free: list[Regexp] = []
        self.num_cap = 0
        self.num_regexp = 0  # nodes allocated (recycled ones are not counted again)
        self.num_runes = 0
        self.repeats = 1  # product of the repeat counts seen, until sizes are tracked
        self.height: dict[Regexp, int] | None = None
        self.size: dict[Regexp, int] | None = None

    def set_flags(self, flags: int) -> None:
        self.flags = flags
        self.node_flags = as_flags(flags)

    def new_regexp(self, op: Op) -> Regexp:
        if not self.free:
            self.num_regexp += 1
            return Regexp(op)
        re = self.free.pop()
        re.__init__(op)  # type: ignore[misc] # Go zeroes the recycled node in place: *re = Regexp{}
        return re

    def reuse(self, re: Regexp) -> None:
        if self.height is not None:
            self.height.pop(re, None)
        self.free.append(re)

    def push(self, re: Regexp) -> Regexp | None:
        """Push ``re``, unless it is one rune that joins the literal below (then ``None``)."""
        self.num_runes += len(re.rune)
        if re.op == Op.CHAR_CLASS and len(re.rune) == 2 and re.rune[0] == re.rune[1]:
            if self.maybe_concat(re.rune[0], self.flags & ~FOLD_CASE):
                return None
            self._make_literal(re, self.flags & ~FOLD_CASE)
        elif re.op == Op.CHAR_CLASS and _is_case_pair(re.rune):  # [Aa] or [Δδ]
            if self.maybe_concat(re.rune[0], self.flags | FOLD_CASE):
                return None
            self._make_literal(re, self.flags | FOLD_CASE)
        else:
            self.maybe_concat(-1, 0)
        self.stack.append(re)
        check_limits(self, re)
        return re

    @staticmethod
    def _make_literal(re: Regexp, flags: int) -> None:
        re.op = Op.LITERAL
        re.rune = re.rune[:1]
        re.flags = as_flags(flags)

    def maybe_concat(self, r: int, flags: int) -> bool:
        """Merge the two literals on top of the stack, if they are; then, given a rune ``r >= 0``,
        recycle the upper node for it (and say so) rather than let the caller push a new one."""
        if len(self.stack) < 2:
            return False
        re1, re2 = self.stack[-1], self.stack[-2]
        if re1.op != Op.LITERAL or re2.op != Op.LITERAL or (int(re1.flags) ^ int(re2.flags)) & FOLD_CASE:
            return False
        re2.rune += re1.rune
        if r >= 0:
            re1.rune = [r]
            re1.flags = as_flags(flags)
            return True
        self.stack.pop()
        self.reuse(re1)
        return False

    def literal(self, r: int) -> None:
        re = self.new_regexp(Op.LITERAL)
        re.flags = self.node_flags
        re.rune = [min_fold_rune(r) if self.flags & FOLD_CASE else r]
        self.push(re)

    def op(self, op: Op) -> Regexp:
        re = self.new_regexp(op)
        re.flags = self.node_flags
        self.push(re)  # pushed as it is: only a one-rune class merges into a literal
        return re

    def repeat(  # noqa: PLR0913, PLR0917 - Go's repeat(op, min, max, before, after, lastRepeat)
        self, op: Op, low: int, high: int, before: int, after: int, last_repeat: int
    ) -> int:
        """Replace the top of the stack by its repetition; ``before`` is where the operator starts,
        ``after`` where it ends, ``last_repeat`` where the previous piece's operator started (or
        -1). The position after the operator, and a ``?`` making it non-greedy, is returned."""
        s, flags = self.whole, self.flags
        if flags & PERL_X:
            if s.startswith("?", after):
                after += 1
                flags ^= NON_GREEDY
            if last_repeat >= 0:  # Perl refuses a** (and a++ means something else)
                raise RegexpError(ErrorCode.INVALID_REPEAT_OP, s[last_repeat:after])
        if not self.stack or self.stack[-1].op >= PSEUDO:
            raise RegexpError(ErrorCode.MISSING_REPEAT_ARGUMENT, s[before:after])
        re = self.new_regexp(op)
        re.min, re.max, re.flags = low, high, as_flags(flags)
        re.sub = [self.stack[-1]]
        self.stack[-1] = re
        check_limits(self, re)
        if op == Op.REPEAT and (low >= 2 or high >= 2) and not repeat_is_valid(re, 1000):
            raise RegexpError(ErrorCode.INVALID_REPEAT_SIZE, s[before:after])
        return after

    def _pop_to_pseudo(self) -> list[Regexp]:
        """Pop and return the pieces above the topmost ``(`` or ``|``."""
        i = len(self.stack)
        while i > 0 and self.stack[i - 1].op < PSEUDO:
            i -= 1
        subs = self.stack[i:]
        del self.stack[i:]
        return subs

    def concat(self) -> None:
        """Replace the pieces above the topmost ``|`` or ``(`` by their concatenation."""
        self.maybe_concat(-1, 0)
        subs = self._pop_to_pseudo()
        self.push(factor.collapse(self, subs, Op.CONCAT) if subs else self.new_regexp(Op.EMPTY_MATCH))

    def alternate(self) -> None:
        """Replace the pieces above the topmost ``(`` by their alternation."""
        subs = self._pop_to_pseudo()
        if not subs:
            self.push(self.new_regexp(Op.NO_MATCH))
            return
        factor.clean_alt(subs[-1])  # the others were cleaned by swap_vertical_bar
        self.push(factor.collapse(self, subs, Op.ALTERNATE))

    def swap_vertical_bar(self) -> bool:
        """If a ``|`` is below the top piece, put the piece under it (merging it into the one
        below when both are classes) and say so."""
        stack = self.stack
        n = len(stack)
        if n >= 3 and stack[-2].op == VERTICAL_BAR and factor.is_char_class(stack[-1]):
            re1, re3 = stack[-1], stack[-3]
            if factor.is_char_class(re3):
                if re1.op > re3.op:  # merge into the more complex of the two
                    re1, re3 = re3, re1
                    stack[-3] = re3
                factor.merge_char_class(re3, re1)
                self.reuse(re1)
                stack.pop()
                return True
        if n >= 2 and stack[-2].op == VERTICAL_BAR:
            if n >= 3:
                factor.clean_alt(stack[-3])  # now out of reach: clean it
            stack[-2], stack[-1] = stack[-1], stack[-2]
            return True
        return False

    def parse_vertical_bar(self) -> None:
        self.concat()
        if not self.swap_vertical_bar():
            self.op(VERTICAL_BAR)

    def close_group(self) -> None:
        """The end of the current alternation: at a ``)`` or at the end of the pattern."""
        self.concat()
        if self.swap_vertical_bar():
            self.stack.pop()  # the vertical bar
        self.alternate()

    def parse_right_paren(self) -> None:
        self.close_group()
        if len(self.stack) < 2 or self.stack[-2].op != LEFT_PAREN:
            raise RegexpError(ErrorCode.UNEXPECTED_PAREN, self.whole)
        re1, re2 = self.stack[-1], self.stack[-2]
        del self.stack[-2:]
        self.set_flags(int(re2.flags))  # the flags in force at the (
        if re2.cap == 0:
            self.push(re1)  # just for grouping
        else:
            re2.op = Op.CAPTURE
            re2.sub = [re1]
            self.push(re2)


def _is_case_pair(r: list[int]) -> bool:
    """Whether the class is exactly two runes that fold to each other: [Aa], [Δδ], [Ā-ā]."""
    if len(r) == 4 and r[0] == r[1] and r[2] == r[3]:
        lo, hi = r[0], r[2]
    elif len(r) == 2 and r[0] + 1 == r[1]:
        lo, hi = r
    else:
        return False
    return simple_fold(lo) == hi and simple_fold(hi) == lo

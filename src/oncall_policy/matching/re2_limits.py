"""The parser's limits on what it builds: runes, compiled size, height, nested repetition.

Ported from Go 1.19.8's regexp/syntax/parse.go (BSD licence): ``checkLimits``, ``checkSize``,
``calcSize``, ``checkHeight``, ``calcHeight``, ``repeatIsValid``. Go caches sizes and heights per
node, starts caching only once enough nodes exist, and never forgets a size (only a height, when
the node is recycled); these caches, and so the limits' exact edges, are kept as Go keeps them.
The walks are iterative: the trees are up to 1000 deep.
"""

from __future__ import annotations

from oncall_policy.matching.regexp_errors import ErrorCode, RegexpError
from oncall_policy.matching.tree import Op
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.parser import Parser
    from oncall_policy.matching.tree import Regexp

MAX_HEIGHT = 1000
_INST_SIZE = 5 * 8
MAX_SIZE = (128 << 20) // _INST_SIZE  # compiled instructions (Go: 128 MB of them)
MAX_RUNES = (128 << 20) // 4  # runes in all the nodes' classes and literals


def check_limits(p: Parser, re: Regexp) -> None:
    if p.num_runes > MAX_RUNES:
        raise RegexpError(ErrorCode.INTERNAL_ERROR, p.whole)
    small = p.num_regexp < MAX_HEIGHT and p.num_regexp < MAX_SIZE // p.repeats
    if small and p.size is None and re.op != Op.REPEAT:
        return  # what the two checks below conclude for a small tree, in a quarter of the time
    _check_size(p, re)
    _check_height(p, re)


def _check_size(p: Parser, re: Regexp) -> None:
    if p.size is None:
        # Cheap test first: nodes allocated times the product of the repeats seen.
        if re.op == Op.REPEAT:
            n = max(re.max if re.max != -1 else re.min, 1)
            p.repeats = MAX_SIZE if n > MAX_SIZE // p.repeats else p.repeats * n
        if p.num_regexp < MAX_SIZE // p.repeats:
            return
        p.size = {}
        for node in list(p.stack):
            _check_size(p, node)
    if _calc_size(p.size, re, force=True) > MAX_SIZE:
        raise RegexpError(ErrorCode.INTERNAL_ERROR, p.whole)


def _calc_size(cache: dict[Regexp, int], root: Regexp, force: bool) -> int:
    """Go's estimate of the instructions ``root`` compiles to; cached sizes of its descendants
    are trusted, as Go trusts them (``force`` recomputes ``root`` itself)."""
    if not force and root in cache:
        return cache[root]
    stack: list[tuple[Regexp, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            cache[node] = max(_node_size(node, cache), 1)
        else:
            stack.append((node, True))
            stack.extend((sub, False) for sub in node.sub if sub not in cache)
    return cache[root]


def _node_size(re: Regexp, cache: dict[Regexp, int]) -> int:
    op = re.op
    if op == Op.LITERAL:
        return len(re.rune)
    if op in (Op.CONCAT, Op.ALTERNATE):
        total = sum(cache[sub] for sub in re.sub)
        return total + len(re.sub) - 1 if op == Op.ALTERNATE and len(re.sub) > 1 else total
    if op in (Op.CAPTURE, Op.STAR, Op.PLUS, Op.QUEST):
        # A star may take two instructions: assume it does.
        return (2 if op in (Op.CAPTURE, Op.STAR) else 1) + cache[re.sub[0]]
    if op == Op.REPEAT:
        return _repeat_size(re, cache[re.sub[0]])
    return 0


def _repeat_size(re: Regexp, sub: int) -> int:
    if re.max == -1:
        return 2 + sub if re.min == 0 else 1 + re.min * sub  # x* or xxx+
    return re.max * sub + re.max - re.min  # x{2,5} = xx(x(x(x)?)?)?


def _check_height(p: Parser, re: Regexp) -> None:
    if p.num_regexp < MAX_HEIGHT:
        return
    if p.height is None:
        p.height = {}
        for node in list(p.stack):
            _check_height(p, node)
    if _calc_height(p.height, re) > MAX_HEIGHT:
        raise RegexpError(ErrorCode.NESTING_DEPTH, p.whole)


def _calc_height(cache: dict[Regexp, int], root: Regexp) -> int:
    """The height of ``root`` (recomputed), trusting its descendants' cached heights as Go does."""
    stack: list[tuple[Regexp, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            cache[node] = 1 + max((cache[sub] for sub in node.sub), default=0)
        else:
            stack.append((node, True))
            stack.extend((sub, False) for sub in node.sub if sub not in cache)
    return cache[root]


def repeat_is_valid(re: Regexp, n: int) -> bool:
    """Whether the repetition ``re`` and those inside it ask for at most ``n`` copies of the
    innermost thing (Go does not look inside ``x{0}``)."""
    stack = [(re, n)]
    while stack:
        node, budget = stack.pop()
        if node.op == Op.REPEAT:
            m = node.max
            if m == 0:
                continue
            if m < 0:
                m = node.min
            if m > budget:
                return False
            if m > 0:
                budget //= m
        stack.extend((sub, budget) for sub in node.sub)
    return True

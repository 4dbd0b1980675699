"""Unified diffs for ``compile --check`` whose cost does not grow with the square of a file.

``difflib`` compares every line with every other: a change that touches each of a file's lines
(moving ``runbook_base_url``) took minutes on a large policy. Here lines both texts share are
first set aside at both ends, then lines that occur exactly once in each text anchor the two
together (the longest run of them in the same order, as patience diff does); only the stretches
between anchors small enough to be cheap go to ``difflib``, and a larger one with nothing in
common is one replacement. The diff printed is bounded too: past ``MAX_LINES`` changed lines it
stops, at a valid hunk, and says how many it left out.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import NamedTuple

MAX_LINES = 2_000  # changed lines shown of one file
CONTEXT = 3
_CHEAP = 10_000  # the most lines x lines difflib is given to align at once
_DEPTH = 8  # how many times anchors are looked for again inside the stretch between two

Op = tuple[str, int, int, int, int]  # difflib's opcodes: tag, before[i1:i2], after[j1:j2]
Span = tuple[int, int, int, int]  # before[alo:ahi] and after[blo:bhi]


class Diff(NamedTuple):
    text: str
    shown: int  # changed lines in ``text``
    total: int  # changed lines in all


def unified(path: str, before: str, after: str, max_lines: int = MAX_LINES) -> Diff:
    """``difflib.unified_diff``'s format (``a/path``, ``b/path``), at most ``max_lines`` changed
    lines of it."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    ops = opcodes(old, new)
    total = sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in ops if tag != "equal")
    clipped = _clipped(ops, max_lines)
    shown = sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in clipped if tag != "equal")
    hunks = list(_grouped(clipped))
    if not hunks:
        return Diff("", 0, total)
    lines = [f"--- a/{path}\n", f"+++ b/{path}\n"]
    for group in hunks:
        lines.extend(_hunk(group, old, new))
    return Diff("".join(line if line.endswith("\n") else line + "\n" for line in lines), shown, total)


def opcodes(before: Sequence[str], after: Sequence[str]) -> list[Op]:
    """Opcodes turning ``before`` into ``after``, as ``SequenceMatcher.get_opcodes`` gives them."""
    ops: list[Op] = []
    _align(before, after, (0, len(before), 0, len(after)), _DEPTH, ops)
    return _merged(ops)


def _align(a: Sequence[str], b: Sequence[str], span: Span, depth: int, ops: list[Op]) -> None:
    alo, ahi, blo, bhi = span
    head = 0
    while alo + head < ahi and blo + head < bhi and a[alo + head] == b[blo + head]:
        head += 1
    tail = 0
    while ahi - tail > alo + head and bhi - tail > blo + head and a[ahi - tail - 1] == b[bhi - tail - 1]:
        tail += 1
    ops.append(("equal", alo, alo + head, blo, blo + head))
    _middle(a, b, (alo + head, ahi - tail, blo + head, bhi - tail), depth, ops)
    ops.append(("equal", ahi - tail, ahi, bhi - tail, bhi))


def _middle(a: Sequence[str], b: Sequence[str], span: Span, depth: int, ops: list[Op]) -> None:
    alo, ahi, blo, bhi = span
    if alo == ahi or blo == bhi or ahi - alo == bhi - blo == 1:  # nothing in common to look for
        ops.append(("replace", alo, ahi, blo, bhi))  # or a deletion, or an insertion: ``_merged``
        return
    if (ahi - alo) * (bhi - blo) <= _CHEAP:
        matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
        found = matcher.get_opcodes()
        ops.extend((tag, i1 + alo, i2 + alo, j1 + blo, j2 + blo) for tag, i1, i2, j1, j2 in found)
        return
    anchors = _anchors(a, b, span) if depth else []
    if not anchors:
        ops.append(("replace", alo, ahi, blo, bhi))
        return
    i, j = alo, blo
    for ai, bj in anchors:
        _align(a, b, (i, ai, j, bj), depth - 1, ops)
        ops.append(("equal", ai, ai + 1, bj, bj + 1))
        i, j = ai + 1, bj + 1
    _align(a, b, (i, ahi, j, bhi), depth - 1, ops)


def _anchors(a: Sequence[str], b: Sequence[str], span: Span) -> list[tuple[int, int]]:
    """Lines found exactly once on each side, the longest run of them in the same order."""
    alo, ahi, blo, bhi = span
    in_a, in_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
    where = {b[j]: j for j in range(blo, bhi) if in_b[b[j]] == 1 and in_a[b[j]] == 1}
    pairs = [(i, where[a[i]]) for i in range(alo, ahi) if a[i] in where]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (in increasing first place) increasing in the second
    place too: patience sorting, n log n."""
    tops: list[int] = []  # the smallest second place ending a run of each length
    ends: list[int] = []  # the index in pairs of that run's last pair
    before = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(tops, j)
        if length == len(tops):
            tops.append(j)
            ends.append(index)
        else:
            tops[length], ends[length] = j, index
        before[index] = ends[length - 1] if length else -1
    run = []
    index = ends[-1] if ends else -1
    while index >= 0:
        run.append(pairs[index])
        index = before[index]
    return run[::-1]


def _merged(ops: list[Op]) -> list[Op]:
    """Empty opcodes dropped, neighbours of one kind joined and named, as difflib gives them."""
    merged: list[Op] = []
    for tag, i1, i2, j1, j2 in ops:
        if i1 == i2 and j1 == j2:
            continue
        if merged and (merged[-1][0] == "equal") == (tag == "equal"):
            _, i1, _, j1, _ = merged.pop()  # noqa: PLW2901 - the joined opcode starts there
        merged.append((_tag(tag, i1, i2, j1, j2), i1, i2, j1, j2))
    return merged


def _tag(tag: str, i1: int, i2: int, j1: int, j2: int) -> str:
    if tag == "equal":
        return tag
    return "replace" if i1 < i2 and j1 < j2 else ("delete" if i1 < i2 else "insert")


def _clipped(ops: list[Op], budget: int) -> list[Op]:
    """The opcodes up to ``budget`` changed lines; an opcode past it is cut, half of what is
    left for the lines it removes and the rest for those it adds."""
    kept: list[Op] = []
    for op in ops:
        tag, i1, i2, j1, j2 = op
        size = i2 - i1 + j2 - j1
        if tag == "equal" or size <= budget:
            kept.append(op)
            budget -= 0 if tag == "equal" else size
            continue
        removed = min(i2 - i1, max(budget // 2, budget - (j2 - j1)))
        added = min(j2 - j1, budget - removed)
        if removed or added:
            kept.append((_tag(tag, i1, i1 + removed, j1, j1 + added), i1, i1 + removed, j1, j1 + added))
        break
    return kept


def _grouped(ops: list[Op]) -> Iterator[list[Op]]:
    """Hunks: the changes with ``CONTEXT`` lines of the unchanged around them, as difflib groups."""
    if not ops:
        return
    ops = list(ops)
    if ops[0][0] == "equal":
        _, i1, i2, j1, j2 = ops[0]
        ops[0] = ("equal", max(i1, i2 - CONTEXT), i2, max(j1, j2 - CONTEXT), j2)
    if ops[-1][0] == "equal":
        _, i1, i2, j1, j2 = ops[-1]
        ops[-1] = ("equal", i1, min(i2, i1 + CONTEXT), j1, min(j2, j1 + CONTEXT))
    group: list[Op] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" and i2 - i1 > 2 * CONTEXT:  # a long stretch unchanged ends a hunk
            group.append((tag, i1, i1 + CONTEXT, j1, j1 + CONTEXT))
            yield group
            group = [(tag, i2 - CONTEXT, i2, j2 - CONTEXT, j2)]
        else:
            group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def _hunk(group: list[Op], old: Sequence[str], new: Sequence[str]) -> Iterator[str]:
    first, last = group[0], group[-1]
    yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
    for tag, i1, i2, j1, j2 in group:
        if tag == "equal":
            yield from (f" {line}" for line in old[i1:i2])
            continue
        yield from (f"-{line}" for line in old[i1:i2])
        yield from (f"+{line}" for line in new[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it: 1-based start, and a length unless it is 1."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"

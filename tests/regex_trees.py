"""Test-only helpers for Go parse trees, until ``matching.syntax`` (the port of Go's parser) lands.

``tree(pattern)`` builds the tree Go would build, up to shape, for the constructs the tests use:
literals, ``.``, classes (ranges, negation, ``[:upper:]``-style, ``\\d\\w\\s``), groups
``(…)``/``(?:…)``, flags ``(?i)``, ``(?m)``, ``(?s)`` (also scoped, ``(?i:…)``), ``|``, ``* + ?``,
``{n}``, ``{n,}``, ``{n,m}``, ``^ $ \\A \\z \\b \\B``, and ``\\x{…}`` escapes. Go would factor
alternations and simplify, which changes shapes, not languages.

``reference_fullmatch(tree, text)`` is a deliberately naive matcher over the tree, by sets of end
positions, with assertions evaluated as Go's ``EmptyOpContext`` does: the reference the derivative
engine is checked against on short strings. ``python_pattern(tree)`` renders an assertion-free
tree for Python's ``re``.
"""

from __future__ import annotations

import re

from oncall_policy.matching.tree import Flags, Op, Regexp

MAX = 0x10FFFF
_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "digit": "0-9",
    "lower": "a-z",
    "upper": "A-Z",
    "space": "\t\n\v\f\r ",
    "word": "0-9A-Za-z_",
    "punct": "!-/:-@[-`{-~",
}
_PERL = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\t\n\f\r "}
_ASSERTION_ESCAPES = {"A": Op.BEGIN_TEXT, "z": Op.END_TEXT, "b": Op.WORD_BOUNDARY, "B": Op.NO_WORD_BOUNDARY}
_CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}


NO_FLAGS = Flags(0)


def node(op: Op, *sub: Regexp, rune: list[int] | None = None, flags: Flags = NO_FLAGS) -> Regexp:
    built = Regexp(op, flags)
    built.sub = list(sub)
    built.rune = rune or []
    return built


def literal(text: str, *, fold: bool = False) -> Regexp:
    return node(Op.LITERAL, rune=[ord(c) for c in text], flags=Flags.FOLD_CASE if fold else NO_FLAGS)


def repeat(sub: Regexp, low: int, high: int) -> Regexp:
    built = node(Op.REPEAT, sub)
    built.min, built.max = low, high
    return built


def tree(pattern: str) -> Regexp:
    parser = _Parser(pattern)
    parsed = parser.alternation()
    if parser.pos != len(pattern):
        raise ValueError(f"unexpected {pattern[parser.pos]!r} at {parser.pos} in {pattern!r}")
    return parsed


def anchored(pattern: str) -> Regexp:
    """Alertmanager's ``^(?:pattern)$``."""
    return node(Op.CONCAT, node(Op.BEGIN_TEXT), tree(pattern), node(Op.END_TEXT))


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0
        self.flags = {"i": False, "m": False, "s": False}

    def peek(self, ahead: int = 0) -> str:
        at = self.pos + ahead
        return self.text[at] if at < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        self.pos += 1
        return char

    def alternation(self) -> Regexp:
        saved = dict(self.flags)
        branches = [self.concatenation()]
        while self.peek() == "|":
            self.take()
            branches.append(self.concatenation())
        self.flags = saved
        return branches[0] if len(branches) == 1 else node(Op.ALTERNATE, *branches)

    def concatenation(self) -> Regexp:
        items = []
        while self.peek() not in ("", "|", ")"):
            item = self.repetition()
            if item is not None:
                items.append(item)
        if not items:
            return node(Op.EMPTY_MATCH)
        return items[0] if len(items) == 1 else node(Op.CONCAT, *items)

    def repetition(self) -> Regexp | None:
        item = self.atom()
        if item is None:
            return None
        while self.peek() in ("*", "+", "?", "{"):
            operator = self.take()
            if operator == "{":
                item = self.counted(item)
            else:
                item = node({"*": Op.STAR, "+": Op.PLUS, "?": Op.QUEST}[operator], item)
            if self.peek() == "?":
                self.take()  # non-greedy: the same language
        return item

    def counted(self, item: Regexp) -> Regexp:
        end = self.text.index("}", self.pos)
        low, comma, high = self.text[self.pos : end].partition(",")
        self.pos = end + 1
        return repeat(item, int(low), -1 if comma and not high else int(high or low))

    def atom(self) -> Regexp | None:  # noqa: PLR0911 - one branch per construct
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            return node(Op.CHAR_CLASS, rune=self.char_class())
        if char == ".":
            return node(Op.ANY_CHAR if self.flags["s"] else Op.ANY_CHAR_NOT_NL)
        if char == "^":
            return node(Op.BEGIN_LINE if self.flags["m"] else Op.BEGIN_TEXT)
        if char == "$":
            return node(Op.END_LINE if self.flags["m"] else Op.END_TEXT)
        if char == "\\":
            escaped = self.peek()
            if escaped in _ASSERTION_ESCAPES:
                self.take()
                return node(_ASSERTION_ESCAPES[escaped])
            if escaped in _PERL:
                self.take()
                return node(Op.CHAR_CLASS, rune=_ranges(_PERL[escaped]))
            char = chr(self.escape())
        return literal(char, fold=self.flags["i"])

    def group(self) -> Regexp | None:
        capture = True
        if self.peek() == "?":
            self.take()
            flags = ""
            while self.peek() not in (":", ")"):
                flags += self.take()
            for flag in flags:
                self.flags[flag] = True
            if self.take() == ")":
                return None  # (?i) changes the rest of the group
            capture = False
        saved = dict(self.flags)
        inner = self.alternation()
        self.flags = saved
        if self.take() != ")":
            raise ValueError("missing )")
        return node(Op.CAPTURE, inner) if capture else inner

    def escape(self) -> int:
        char = self.take()
        if char == "x":
            end = self.text.index("}", self.pos)
            code = int(self.text[self.pos + 1 : end], 16)
            self.pos = end + 1
            return code
        return ord(_CONTROL_ESCAPES.get(char, char))

    def char_class(self) -> list[int]:
        negated = self.peek() == "^"
        if negated:
            self.take()
        pairs: list[tuple[int, int]] = []
        while not (self.peek() == "]" and pairs):
            pairs += self.class_item()
        self.take()
        if self.flags["i"]:
            pairs += [
                (ord(chr(c).swapcase()),) * 2
                for lo, hi in pairs
                for c in range(lo, hi + 1)
                if chr(c).isascii() and chr(c).isalpha()
            ]
        return _flatten(_negate(pairs) if negated else pairs)

    def class_item(self) -> list[tuple[int, int]]:
        if self.text.startswith("[:", self.pos):
            end = self.text.index(":]", self.pos)
            name = self.text[self.pos + 2 : end]
            self.pos = end + 2
            return _pairs(_POSIX[name])
        if self.peek() == "\\" and self.peek(1) in _PERL:
            self.pos += 2
            return _pairs(_PERL[self.text[self.pos - 1]])
        low = self.class_char()
        if self.peek() == "-" and self.peek(1) != "]":
            self.take()
            return [(low, self.class_char())]
        return [(low, low)]

    def class_char(self) -> int:
        char = self.take()
        return self.escape() if char == "\\" else ord(char)


def _pairs(spec: str) -> list[tuple[int, int]]:
    found, at = [], 0
    while at < len(spec):
        if at + 2 < len(spec) and spec[at + 1] == "-":
            found.append((ord(spec[at]), ord(spec[at + 2])))
            at += 3
        else:
            found.append((ord(spec[at]), ord(spec[at])))
            at += 1
    return found


def _ranges(spec: str) -> list[int]:
    return _flatten(_pairs(spec))


def _flatten(pairs: list[tuple[int, int]]) -> list[int]:
    merged: list[list[int]] = []
    for lo, hi in sorted(pairs):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [bound for pair in merged for bound in pair]


def _negate(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Go's negated class: everything else up to U+10FFFF (surrogates included, as Go does)."""
    flat, found, start = _flatten(pairs), [], 0
    for lo, hi in zip(flat[::2], flat[1::2], strict=True):
        if lo > start:
            found.append((start, lo - 1))
        start = hi + 1
    if start <= MAX:
        found.append((start, MAX))
    return found


# The reference matcher ---------------------------------------------------------------------------


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _holds(op: Op, text: str, at: int) -> bool:
    before = text[at - 1] if at > 0 else None
    after = text[at] if at < len(text) else None
    if op == Op.BEGIN_TEXT:
        return before is None
    if op == Op.END_TEXT:
        return after is None
    if op == Op.BEGIN_LINE:
        return before in (None, "\n")
    if op == Op.END_LINE:
        return after in (None, "\n")
    boundary = _is_word(before or "") != _is_word(after or "")
    return boundary if op == Op.WORD_BOUNDARY else not boundary


def _one_char(regexp: Regexp, char: str) -> bool:
    code = ord(char)
    if regexp.op == Op.ANY_CHAR:
        return True
    if regexp.op == Op.ANY_CHAR_NOT_NL:
        return char != "\n"
    pairs = zip(regexp.rune[::2], regexp.rune[1::2], strict=True)
    return any(lo <= code <= hi for lo, hi in pairs)


def _ends(regexp: Regexp, text: str, at: int) -> set[int]:  # noqa: C901, PLR0911 - one branch per op
    op = regexp.op
    if op == Op.NO_MATCH:
        return set()
    if op == Op.EMPTY_MATCH:
        return {at}
    if op == Op.LITERAL:
        for rune in regexp.rune:
            if at >= len(text):
                return set()
            same = ord(text[at]) == rune or (
                regexp.flags & Flags.FOLD_CASE
                and text[at].isascii()
                and text[at].lower() == chr(rune).lower()
            )
            if not same:
                return set()
            at += 1
        return {at}
    if op in (Op.CHAR_CLASS, Op.ANY_CHAR, Op.ANY_CHAR_NOT_NL):
        return {at + 1} if at < len(text) and _one_char(regexp, text[at]) else set()
    if op in (Op.BEGIN_LINE, Op.END_LINE, Op.BEGIN_TEXT, Op.END_TEXT, Op.WORD_BOUNDARY, Op.NO_WORD_BOUNDARY):
        return {at} if _holds(op, text, at) else set()
    if op == Op.CAPTURE:
        return _ends(regexp.sub[0], text, at)
    if op == Op.CONCAT:
        positions = {at}
        for sub in regexp.sub:
            positions = {end for start in positions for end in _ends(sub, text, start)}
        return positions
    if op == Op.ALTERNATE:
        return {end for sub in regexp.sub for end in _ends(sub, text, at)}
    low, high = {Op.STAR: (0, -1), Op.PLUS: (1, -1), Op.QUEST: (0, 1)}.get(op, (regexp.min, regexp.max))
    return _repeat_ends(regexp.sub[0], text, at, low, high)


def _repeat_ends(sub: Regexp, text: str, at: int, low: int, high: int) -> set[int]:
    frontier = {at}
    for _ in range(low):
        frontier = {end for start in frontier for end in _ends(sub, text, start)}
    found, extra = set(frontier), 0
    while frontier and (high == -1 or extra < high - low):
        extra += 1
        # a position reached again, later, has fewer repetitions left: it adds nothing
        frontier = {end for start in frontier for end in _ends(sub, text, start)} - found
        found |= frontier
    return found


def reference_fullmatch(regexp: Regexp, text: str) -> bool:
    return len(text) in _ends(regexp, text, 0)


# Rendering for Python's re ------------------------------------------------------------------------


def python_pattern(regexp: Regexp) -> str:  # noqa: C901, PLR0911 - one return per op
    """An equivalent pattern for Python's ``re`` (assertion-free ASCII-folding trees only)."""
    op, subs = regexp.op, [python_pattern(sub) for sub in regexp.sub]
    if op == Op.NO_MATCH:
        return "(?!)"
    if op == Op.EMPTY_MATCH:
        return "(?:)"
    if op == Op.LITERAL:
        fold = bool(regexp.flags & Flags.FOLD_CASE)
        return "".join(f"(?i:{re.escape(chr(r))})" if fold else re.escape(chr(r)) for r in regexp.rune)
    if op == Op.CHAR_CLASS:
        pairs = zip(regexp.rune[::2], regexp.rune[1::2], strict=True)
        inner = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in pairs)
        return f"[{inner}]" if inner else "(?!)"
    if op == Op.ANY_CHAR:
        return "(?s:.)"
    if op == Op.ANY_CHAR_NOT_NL:
        return "[^\\n]"
    if op == Op.CAPTURE:
        return f"({subs[0]})"
    if op == Op.CONCAT:
        return "".join(f"(?:{sub})" for sub in subs)
    if op == Op.ALTERNATE:
        return "(?:" + "|".join(subs) + ")"
    suffix = {Op.STAR: "*", Op.PLUS: "+", Op.QUEST: "?"}.get(op)
    if suffix is None:
        suffix = f"{{{regexp.min},{'' if regexp.max == -1 else regexp.max}}}"
    return f"(?:{subs[0]}){suffix}"

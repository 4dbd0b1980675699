"""Matching as Go's ``regexp`` matches, in linear time: the parse tree is written as an explicit
RE2 pattern (``emit``) and run by google-re2, RE2's own binding.

``compile(parse("^(?:" + value + ")$"))`` is how Alertmanager compiles a regex matcher; then
``fullmatch`` answers what Go's ``MatchString`` answers. google-re2 is imported on first compile:
the paths that never match a regex do not pay for it.
"""

from __future__ import annotations

from oncall_policy.recent import Recent
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from oncall_policy.matching.tree import Regexp

# RE2's memory budget: a ceiling, not an allocation. Its default (8 MiB) refuses programs Go
# compiles, such as \pL{1000}: 1.1 million RE2 instructions (a Unicode class is a tree of UTF-8
# byte ranges), where Go's size estimate counts the class as one. 64 MiB takes programs of up to
# about 4 million (measured: \pL{1000} three and a half times over), built at about a microsecond
# an instruction; Go's own limit lets through larger ones, which RE2 would take seconds to build.
MAX_MEM = 64 << 20
_CACHE_SIZE = 4096
_CACHED_PROGRAM_SIZE = 100_000  # larger programs (megabytes each) are not kept
# Programs kept in all, in RE2 instructions (about 10 bytes each, measured: 200 programs of
# \pL{60} took 126 MiB): by count alone, writes of new regexes near the size kept took gigabytes.
CACHED_INSTRUCTIONS = 2_000_000


def program_size(pattern: Pattern) -> int:
    return pattern.program_size


_cache: Recent[str, Pattern] = Recent(_CACHE_SIZE, program_size, CACHED_INSTRUCTIONS)


class Pattern:
    """A compiled tree: ``source`` is the RE2 pattern it was written as (``emit.search_pattern``),
    matched from the start of the text; ``program_size`` is the number of RE2 instructions."""

    __slots__ = ("_anchor_start", "_match", "program_size", "source")

    def __init__(self, source: str) -> None:
        from oncall_policy.matching import re2_extension  # noqa: PLC0415 - google-re2 only when a regex is compiled

        _re2 = re2_extension.load()
        options = _re2.RE2.Options()
        options.log_errors = False
        options.never_capture = True
        options.max_mem = MAX_MEM
        regexp = _re2.RE2(source.encode("ascii"), options)
        if not regexp.ok():
            raise _too_complex(regexp.error().decode("utf-8", "replace"))
        self.source = source
        self.program_size: int = regexp.ProgramSize()
        self._match: Callable[[object, bytes, int, int], list[tuple[int, int]]] = regexp.Match
        self._anchor_start = _re2.RE2.Anchor.ANCHOR_START

    def fullmatch(self, text: str) -> bool:
        """Go's ``MatchString`` of the tree against ``text``: for the anchored tree of a matcher
        (``^(?:value)$``), whether the whole value matches. Anchors are the tree's own, so an
        unbalanced value (``a)|(b``) matches as it does in Alertmanager, not as a whole string."""
        data = _go_text(text)
        return self._match(self._anchor_start, data, 0, len(data))[0][0] >= 0

    def __repr__(self) -> str:
        return f"Pattern({self.source!r})"


def compile(tree: Regexp) -> Pattern:  # noqa: A001 - the module's verb, as re.compile
    """The tree compiled for matching; ``RegexpTooComplexError`` where RE2 cannot take it, or
    where Go's answer hangs on its one-pass prefix (see ``leading_surrogate``)."""
    from oncall_policy.matching.emit import search_pattern  # noqa: PLC0415 - a `Pattern` of a
    # pattern written ahead (silence reasons) needs neither the tree nor the emitter

    if leading_surrogate(tree):
        raise _too_complex("a surrogate in the literal text a match begins with")
    source = search_pattern(tree)
    pattern = _cache.get(source)
    if pattern is None:
        pattern = Pattern(source)
        if pattern.program_size <= _CACHED_PROGRAM_SIZE:
            _cache[source] = pattern
    return pattern


def _too_complex(reason: str) -> Exception:
    # Imported only when raised: the errors module defines Go's error codes as a StrEnum, and
    # ``enum`` (with functools and collections) costs about 3 ms of ``silence check``'s start-up.
    from oncall_policy.matching.regexp_errors import RegexpTooComplexError  # noqa: PLC0415

    return RegexpTooComplexError(reason)


def leading_surrogate(tree: Regexp) -> bool:
    r"""Whether a surrogate rune (``\x{D800}``) may be in the literal text every match begins with.

    No text holds a surrogate, so Go never matches one, except there: a one-pass program compares
    its literal prefix as bytes, written by ``WriteRune``, which writes a surrogate as U+FFFD; so
    ``^(?:\x{D800})$`` matches "\ufffd". Whether a program is one-pass takes Go's compiler and
    its one-pass analysis; rather than guess, such a tree is refused. The walk is generous (it
    reads on past repetitions where Go's prefix may stop): it may refuse a tree Go would not match
    that way, never the other way round."""
    return _leads_with_surrogate(tree) is True


def _leads_with_surrogate(re: Regexp) -> bool | None:
    """True: a surrogate may lead; False: none does, and the literal text may go on after ``re``;
    None: none does, and the literal text ends within ``re``."""
    from oncall_policy.matching.tree import Op  # noqa: PLC0415

    if re.op == Op.LITERAL:
        return any(0xD800 <= r <= 0xDFFF for r in re.rune)
    if re.op in (Op.BEGIN_TEXT, Op.EMPTY_MATCH):
        return False
    if re.op == Op.PLUS or (re.op == Op.REPEAT and re.min >= 1):
        return _leads_with_surrogate(re.sub[0]) is True
    if re.op != Op.CONCAT:
        return None
    for sub in re.sub:
        found = _leads_with_surrogate(sub)
        if found is not False:
            return found
    return False


def _go_text(text: str) -> bytes:
    """``text`` as UTF-8, each lone surrogate (a byte that was not UTF-8) as U+FFFD, as Go reads it."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text).encode("utf-8")

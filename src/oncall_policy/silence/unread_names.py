r"""Which alert names a regex on ``alertname`` may admit, when it is too long or too costly to judge.

An earlier silence Alertmanager holds may carry a regex the judge will not compile (longer than
``MAX_REGEX_LENGTH``, or costlier than ``cost.MAX_COST``: ``matchers.Matcher.too_complex``). It is
history all the same, judged by the matchers the judge can read (``evaluate._narrowed``); without
its ``alertname`` regex it would be taken to mute every alert, and one such silence, planted past
the gate, would refuse every silence chained after it on any alert (red team). The alert names
judged are few and known, so whether the regex admits each is asked name by name:

- a regex parsed already (too costly to compile, not too long) by its language
  (``Language.matches``: a derivative per character, no compiling);
- a regex too long to parse, by its top-level alternatives: one made of plain characters is the
  name itself, and the others are parsed and asked as above while they come to at most
  ``MAX_REGEX_LENGTH`` characters in all, the work a regex of that length costs.

The answer is ``True``, ``False`` or ``None`` (cannot tell), and every doubt says ``None``: an
alternative that does not parse alone (the regex was split where it should not have been), an
inline flag outside any group (``(?i)``, which reaches the alternatives after it), a budget run out.
"""

from __future__ import annotations

from bisect import bisect_left

from oncall_policy.matchers import MAX_REGEX_LENGTH, Matcher, Op
from oncall_policy.matching.budget import UNDECIDED, Undecided
from oncall_policy.recent import Recent
from oncall_policy.silence import labels
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.matching.language import Language

_SPECIAL = frozenset("\\.+*?()|[]{}^$")  # what Go's parser reads as other than itself, outside a class


def may_admit(matcher: Matcher, name: str) -> bool:
    """Whether the regex ``matcher`` (on ``alertname``) may admit the alert name ``name``: it
    may unless it surely does not (``=~``) or surely matches it (``!~``)."""
    matched = matches(matcher.value, name)
    if matched is None:
        return True
    return matched if matcher.op is Op.REGEX else not matched


def matches(pattern: str, name: str) -> bool | None:
    """Whether Alertmanager's ``=~pattern`` matches ``name`` (None: cannot tell in the work
    allowed). What is read of a pattern is remembered, as each judgement asks of the same
    earlier silences again; each question has an allowance of its own, an assessment's, so the
    answer is the same whoever asks first and whatever else the judgement spent."""
    with labels.assessment():
        return _matches(pattern, name)


def _matches(pattern: str, name: str) -> bool | None:
    read = _READ.get(pattern)
    if read is None:
        read = _READ[pattern] = _read(pattern)
    if read is None or isinstance(read, Undecided):
        return None
    literals, languages = read
    if name in literals:
        return True
    found = False
    for language in languages:
        matched = language.matches(name)
        if isinstance(matched, Undecided):
            return None
        found = found or matched
    return found


_Read = tuple[frozenset[str], tuple["Language", ...]]
_READ: Recent[str, _Read | Undecided] = Recent(256)


def _read(pattern: str) -> _Read | Undecided:
    """The alternatives of ``pattern`` that are plain names, and the languages of the others;
    ``UNDECIDED`` when it cannot be read in the work allowed."""
    if len(pattern) <= MAX_REGEX_LENGTH:
        language = _language(pattern)
        return UNDECIDED if language is None else (frozenset(), (language,))
    return by_branches(pattern)


def by_branches(pattern: str) -> _Read | Undecided:
    """``_read`` of a pattern too long to parse whole: by its top-level alternatives."""
    branches = top_level_branches(pattern)
    if branches is None:
        return UNDECIDED
    literals = frozenset(b for b in branches if not _SPECIAL.intersection(b))
    others = [b for b in branches if _SPECIAL.intersection(b)]
    if sum(map(len, others)) > MAX_REGEX_LENGTH:
        return UNDECIDED
    languages = [_language(branch) for branch in others]
    if None in languages:  # the split was wrong, or the regex is: whichever, cannot tell
        return UNDECIDED
    return literals, tuple(language for language in languages if language is not None)


def _language(pattern: str) -> Language | None:
    """The language of ``=~pattern`` (None: it does not parse alone)."""
    from oncall_policy.matching import syntax  # noqa: PLC0415 - only for unread regexes
    from oncall_policy.matching.language import Language  # noqa: PLC0415

    try:
        return Language.of_tree(syntax.parse(f"^(?:{pattern})$"))
    except syntax.RegexpError:
        return None


def top_level_branches(pattern: str) -> list[str] | None:
    r"""``pattern`` split at each ``|`` outside groups, classes and ``\\Q…\\E``; None when an
    inline flag stands outside every group (it reaches across the ``|`` after it) or a group
    is left open or closed twice. A wrong split is caught by the parts not parsing alone."""
    branches: list[str] = []
    closers = _closers(pattern)
    depth = start = i = 0
    while i < len(pattern):
        char = pattern[i]
        if char in "\\[":
            i = _past_escape(pattern, i) if char == "\\" else _class_end(pattern, i, closers)
            if i < 0:
                return None
            continue
        if char == "(":
            if depth == 0 and not _scoped_group(pattern, i):
                return None
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    if depth != 0:
        return None
    branches.append(pattern[start:])
    return branches


def _past_escape(pattern: str, at: int) -> int:
    r"""Just past the escape at ``at``: ``\Q…\E`` whole (to the end when no ``\E``), or the
    escaped character (what follows it, as ``\x{…}``, holds no ``|`` Go accepts)."""
    if pattern.startswith("\\Q", at):
        end = pattern.find("\\E", at + 2)
        return len(pattern) if end < 0 else end + 2
    return at + 2


def _scoped_group(pattern: str, at: int) -> bool:
    """Whether the ``(`` at ``at`` opens a group (``(``, ``(?:``, ``(?i:``, ``(?P<name>``), not a
    flag setting for the rest of the enclosing group (``(?i)``)."""
    if not pattern.startswith("(?", at):
        return True
    i = at + 2
    if pattern.startswith("P<", i):
        return True
    while i < len(pattern) and (pattern[i].isalpha() or pattern[i] == "-"):
        i += 1
    return i < len(pattern) and pattern[i] == ":"


def _class_end(pattern: str, at: int, closers: list[int]) -> int:
    r"""Where the class opened at ``at`` ends (just past its ``]``), read item by item as Go's
    ``parseClass`` reads one (-1 when it never ends): a ``]`` first (after ``^``) is itself; an
    item is a named class ``[:…:]`` (whatever is up to the next ``:]``, which Go refuses unless
    it is a name), an escape or a character, and a character or escape may be followed by ``-``
    and a second one, the range's end, whatever it is (``!-[`` ends at ``[``: no named class).
    ``closers``: where each ``:]`` of the pattern stands, so that each look-up is a bisection,
    not a scan to the end (``[!-[:`` repeated was quadratic: red team)."""
    i = at + 1
    if pattern.startswith("^", i):
        i += 1
    first = True
    while i < len(pattern):
        if pattern[i] == "]" and not first:
            return i + 1
        first = False
        if pattern.startswith("[:", i):
            found = bisect_left(closers, i + 2)
            if found < len(closers):
                i = closers[found] + 2
                continue
        i = _class_char_end(pattern, i)
        if pattern.startswith("-", i) and i + 1 < len(pattern) and pattern[i + 1] != "]":
            i = _class_char_end(pattern, i + 1)
    return -1


def _class_char_end(pattern: str, at: int) -> int:
    r"""Just past the character or escape at ``at`` in a class (what follows an escape's letter,
    as ``\x{5D}``'s, holds no ``]``, ``[`` or ``-`` Go accepts)."""
    return at + 2 if pattern[at] == "\\" else at + 1


def _closers(pattern: str) -> list[int]:
    """Where each ``:]`` of ``pattern`` begins."""
    found = []
    at = pattern.find(":]")
    while at >= 0:
        found.append(at)
        at = pattern.find(":]", at + 1)
    return found

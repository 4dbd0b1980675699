"""Characters a policy must not hold: raw in the file, or made by an escape in a quoted scalar.

A policy's text ends up in ON_CALL.md, Alertmanager's configuration and PagerDuty's objects. A
control character there is invisible to the reviewer and active somewhere else: ESC starts a
terminal escape sequence, NUL ends a C string, a carriage return rewrites a line on screen. And
some characters are read differently by the tools that read YAML, so a file holding them means
two things; those are refused wherever they stand, comments included.
"""

from __future__ import annotations

import re
from functools import cache

from oncall_policy.load.lines import text_position
from oncall_policy.problems import Problem
from oncall_policy.rulebook import LOADER, Rule

CONTROL_CHARACTER = Rule(
    "control-character",
    LOADER,
    "a file holds printable text, TABs and line breaks only. Control characters are refused wherever "
    "they stand, comments included, and when an escape makes one in a double-quoted value (TAB and "
    "LF stay legitimate in a value, not in a key); so are NEL, LINE SEPARATOR and PARAGRAPH "
    "SEPARATOR, which YAML 1.1 readers take for line breaks and YAML 1.2 readers do not, a byte "
    "order mark anywhere but the start, surrogates and the noncharacters U+FFFE and U+FFFF.",
)

# Raw in the file: the C0 controls but TAB, LF and CR (TAB separates and may stand in block
# scalars; LF and CR break lines); DEL and the C1 controls, NEL (U+0085) among them; LINE
# SEPARATOR and PARAGRAPH SEPARATOR, which YAML 1.1 readers (libyaml, ruamel.yaml, Go's yaml.v2)
# take for line breaks and YAML 1.2 readers (the fast path's) do not; a byte order mark after the
# start of the text (where ``reading`` drops one): two files joined, or a BOM saved twice, which
# each parser skips in different places; surrogates, which UTF-8 cannot carry; and the
# noncharacters U+FFFE and U+FFFF, which libyaml refuses.
_ELSEWHERE = "\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff"
RAW_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f"
# In a value, after escapes are read: the same, and CR, which only an escape (`\r`) can make
# there (parsers turn every line break into LF). TAB and LF stay: a multi-line response is
# written as a block scalar, or as "step 1\nstep 2", and a TAB is text in a block scalar.
VALUE_C0 = "\x00-\x08\x0b-\x1f"
# In a key, TAB and LF too: a key is a name on one line.
KEY_C0 = "\x00-\x1f"


@cache
def refused(c0: str) -> re.Pattern[str]:
    """The characters refused: those of ``c0`` (``RAW_C0``, ``VALUE_C0`` or ``KEY_C0``) and the
    rest above. Compiled when first needed: ``re`` builds a class range by range, a millisecond
    each, which most runs never need."""
    return re.compile(f"[{c0}{_ELSEWHERE}]")


# Printable ASCII, TAB and the line breaks: an ASCII text holding nothing else holds nothing
# refused raw. Deleting them from its bytes is ten times quicker than the search (2 ms for 2 MB).
_ASCII_ALLOWED = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def has_raw(text: str) -> bool:
    """Whether ``text`` holds a character refused raw."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _ASCII_ALLOWED))
    return refused(RAW_C0).search(text) is not None


# A file of binary noise would otherwise report one problem a character.
MAX_REPORTED = 20


def raw_problems(text: str, path: str) -> list[Problem]:
    """A problem at each of the first ``MAX_REPORTED`` characters refused raw in ``text``."""
    matches = refused(RAW_C0).finditer(text)
    found = [match.start() for _, match in zip(range(MAX_REPORTED + 1), matches, strict=False)]
    problems = []
    for offset in found[:MAX_REPORTED]:
        line, column = text_position(text, offset)
        problems.append(Problem(path, line, column, "", _raw_message(text[offset]), CONTROL_CHARACTER.id))
    if len(found) > MAX_REPORTED:
        problems[-1] = problems[-1]._replace(message=f"{problems[-1].message} (and more after it)")
    return problems


def value_problem(value: str, *, key: bool) -> str | None:
    """Why a key or a string value (its escapes read) is refused, or ``None``."""
    found = refused(KEY_C0 if key else VALUE_C0).search(value)
    if found is None:
        return None
    where = "key" if key else "value"
    allowed = (
        "a key is printable text on one line"
        if key
        else "TAB and line breaks are the only controls text may hold"
    )
    return f"the {where} holds {describe(found.group())}; {allowed}"


def describe(char: str) -> str:
    """``U+001B (ESCAPE)``: the code point and its name, or what it is when Unicode names none."""
    import unicodedata  # noqa: PLC0415 - only a refused file pays for it

    name = unicodedata.name(char, None) or _CONTROL_NAMES.get(char) or _KINDS[unicodedata.category(char)]
    return f"U+{ord(char):04X} ({name})"


_KINDS = {"Cc": "a control character", "Cs": "a surrogate", "Cn": "a noncharacter"}


def _raw_message(char: str) -> str:
    if char in "\x85\u2028\u2029":
        return (
            f"{describe(char)} in the file: YAML 1.1 readers end a line there and YAML 1.2 "
            "readers do not; remove it, or break the line"
        )
    if char == "\ufeff":
        return "a byte order mark (U+FEFF) after the start of the file (two files joined?); remove it"
    if "\ud800" <= char <= "\udfff" or char in "\ufffe\uffff":
        return f"{describe(char)} in the file, which is no character; save the file as UTF-8"
    return f"{describe(char)} in the file; a policy holds printable text, TABs and line breaks only"


# ``unicodedata`` names no control character; these are their names in Unicode's alias table.
_C0_NAMES = (
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "BELL",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED",
    "LINE TABULATION",
    "FORM FEED",
    "CARRIAGE RETURN",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "FILE SEPARATOR",
    "GROUP SEPARATOR",
    "RECORD SEPARATOR",
    "UNIT SEPARATOR",
)
_CONTROL_NAMES = {chr(code): name for code, name in enumerate(_C0_NAMES)} | {
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
}

"""The fast path: a Rust YAML parser with no positions, taken only for text it reads as we do.

Positions are needed only when there is a problem to report, so a policy is parsed here first
and handed to the position-keeping path (``positional``) whenever anything might be wrong. This
path declines text in which what we refuse or treat specially could appear: tags, directives,
anchors, tabs (which the parsers accept differently), and YAML 1.1 look-alikes such as ``on`` or
``09:00``. The tests are
conservative (a decline costs only time), and a property test holds both paths to the same
model for every input.
"""

from __future__ import annotations

import re
from typing import Any

from oncall_policy.load.scalars import yaml11_trap

# Tags (`!x`), anchors and aliases (`&a`, `*a`) where a node can start.
_INDICATORS = re.compile(r"(?:^|[\s\[{,])[!&*]\S", re.MULTILINE)
# Where a plain scalar can start and end (after `key: `, `- `, `[`, `,`; before `,`, `]`, `}`,
# ` #`, `: ` or the end of the line).
_PLAIN_START = r"(?:^[ \t]*|[:?-][ \t]+|[\[{,][ \t]*)"
_PLAIN_END = r"(?=[ \t]*(?:$|[,\]}#]|:[ \t]|:$))"
# A plain scalar that starts like a number. The Rust parser reads more spellings as numbers than
# YAML 1.2's core schema does (`1_000`, `0b101`, `+0x1F`), and `017` is octal to YAML 1.1 readers,
# so only the canonical spellings are left to it.
_NUMBER_LIKE = re.compile(rf"{_PLAIN_START}([-+.0-9][^\s,\]}}#]*){_PLAIN_END}", re.MULTILINE)
_CANONICAL_NUMBER = re.compile(
    r"[-+]?(0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
)
_NUMERIC_START = re.compile(r"[-+]?\.?[0-9]")
_NUMBER_CHARACTERS = re.compile(
    r"[-+]?(0x[0-9a-fA-F_]*|0o[0-7_]*|0b[01_]*|[0-9_]*\.?[0-9_]*([eE][-+]?[0-9_]*)?)"
)
# Quoted scalars and comments, which may hold brackets.
_QUOTED = re.compile(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"")
_COMMENT = re.compile(r"(?:^|[ \t])#.*")


def parse(text: str) -> Any | None:
    """The parsed document, or ``None`` when this path declines or the parser refuses the text."""
    if (
        "\t" in text
        or "\n%" in text
        or text.startswith("%")
        or (("!" in text or "&" in text or "*" in text) and _INDICATORS.search(text))
    ):
        return None
    import yaml_rs  # noqa: PLC0415 - only the loader pays for it

    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - any refusal is reported by the position-keeping path
        return None
    if not isinstance(data, dict) or not _flow_lines_break_after_commas(text):
        return None
    scan = _Scan()
    scan.walk(data)
    if scan.saw_number and _odd_number(text):
        return None
    if any(_unquoted(text, trap) for trap in scan.traps):
        return None
    return data


def _flow_lines_break_after_commas(text: str) -> bool:
    """Whether every flow collection that spans lines breaks them only after a ',' or its
    opening bracket. The Rust parser also accepts a plain scalar, even a key, continued on the
    next line inside one, which libyaml refuses; such text is left to the position-keeping path,
    as is a quoted scalar left open at the end of a line in one."""
    depth = 0
    for line in text.splitlines():
        if depth == 0 and "{" not in line and "[" not in line:
            continue
        quoted = "'" in line or '"' in line or "#" in line
        bare = _COMMENT.sub("", _QUOTED.sub("_", line)) if quoted else line
        depth = max(depth + bare.count("{") + bare.count("[") - bare.count("}") - bare.count("]"), 0)
        if depth and ("'" in bare or '"' in bare or not bare.rstrip().endswith((",", "{", "["))):
            return False
    return True


def _odd_number(text: str) -> bool:
    """Whether a plain scalar is spelled as a number other than YAML 1.2's canonical forms (or
    with a leading zero, which YAML 1.1 reads as octal)."""
    for found in _NUMBER_LIKE.finditer(text):
        token = found.group(1)
        if not (_NUMERIC_START.match(token) and _NUMBER_CHARACTERS.fullmatch(token)):
            continue  # `15m`, `2025-12-29T09:00`: strings to every reader
        digits = token.lstrip("+-")
        leading_zero = len(digits) > 1 and digits[0] == "0" and digits[1] in "0123456789_"
        if leading_zero or not _CANONICAL_NUMBER.fullmatch(token):
            return True
    return False


class _Scan:
    """Strings that are YAML 1.1 traps when unquoted (the parsed value does not say whether they
    were), and whether there is a number at all (whose spelling, ``017`` or ``1_000`` or ``17``,
    the parsed value no longer shows)."""

    def __init__(self) -> None:
        self.traps: set[str] = set()
        self.saw_number = False

    def walk(self, data: dict[str, Any]) -> None:
        stack: list[Any] = [data]
        while stack:
            node = stack.pop()
            for key, value in node.items() if isinstance(node, dict) else enumerate(node):
                if isinstance(key, str):
                    self._string(key)
                if isinstance(value, str):
                    self._string(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    self.saw_number = True

    def _string(self, text: str) -> None:
        # A cheap test first: YAML 1.1 traps are short or start with a digit or sign.
        if (len(text) <= 3 or text[0] in "0123456789+-") and yaml11_trap(text) is not None:
            self.traps.add(text)


def _unquoted(text: str, scalar: str) -> bool:
    """Whether ``scalar`` may stand unquoted somewhere in ``text`` (comments may match too)."""
    return re.search(rf"{_PLAIN_START}{re.escape(scalar)}{_PLAIN_END}", text, re.MULTILINE) is not None

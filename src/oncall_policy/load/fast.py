"""The fast path: a Rust YAML parser with no positions, taken only for text it reads as we do.

Positions are needed only when there is a problem to report, so a policy is parsed here first
and handed to the position-keeping path (``positional``) whenever anything might be wrong. This
path declines text in which what we refuse or treat specially could appear: tags, directives,
anchors, tabs (which the parsers accept differently), YAML 1.1 look-alikes such as ``on`` or
``09:00``, secrets, and whatever ``precheck`` stops; and it refuses after parsing what the other
path refuses while building: integers beyond 64 bits, control characters made by escapes, more
nodes or deeper nesting than ``limits`` allows. The tests are
conservative (a decline costs only time), and a property test holds both paths to the same
model for every input.
"""

from __future__ import annotations

import re
from typing import Any

from oncall_policy.checks.secrets import may_hold_secret
from oncall_policy.load import characters, limits, precheck
from oncall_policy.load.scalars import INT64, yaml11_trap

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
# In a flow collection, a scalar that starts with an indicator (`[|b]`, `{?b: 1}`, `{k: :b}`), a
# colon after a space (`[b :]`) or before a flow indicator (`{k:, b}`): the Rust parser reads them
# as YAML 1.2 says, libyaml refuses them or reads them as part of a plain scalar or as an
# explicit key.
_FLOW_INDICATOR = re.compile(r"[\[{,:][ \t]*[|>?:]|[ \t]:(?=[ \t]*(?:[,\]}]|$))|:(?=[,\[\]{}])")
# An explicit key (`? key`), which may be a collection: the Rust parser makes a tuple or a
# frozenset of it, the other path refuses it.
_EXPLICIT_KEY = re.compile(r"(?:^|[\s\[{,])\?(?:[ \t]|$)", re.MULTILINE)


def parse(text: str) -> Any | None:
    """The parsed document, or ``None`` when this path declines or the parser refuses the text."""
    if precheck.declines(text):
        return None
    # The patterns below read lines as ``re`` does, ending at LF only; YAML also ends them at CR.
    lines = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    if _declines(text, lines):
        return None
    import yaml_rs  # noqa: PLC0415 - only the loader pays for it

    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - any refusal is reported by the position-keeping path
        return None
    return data if _reads_alike(data, text, lines) else None


def _declines(text: str, lines: str) -> bool:
    """Whether the text holds what this path leaves to the other before parsing."""
    return (
        "\t" in text
        or _block_scalar_at_the_end(lines)
        or "\n%" in lines
        or lines.startswith("%")
        or may_hold_secret(text)
        or (("!" in lines or "&" in lines or "*" in lines) and _INDICATORS.search(lines) is not None)
        or ("?" in lines and _EXPLICIT_KEY.search(lines) is not None)
    )


def _reads_alike(data: Any, text: str, lines: str) -> bool:
    """Whether the other path reads ``data`` from the text too, and accepts it."""
    if not isinstance(data, dict) or not _flow_collections_read_alike(lines):
        return False
    scan = _Scan(escapes="\\" in text)
    if not scan.walk(data):
        return False
    if scan.saw_number and _odd_number(lines):
        return False
    return not any(_unquoted(lines, trap) for trap in scan.traps)


def _flow_collections_read_alike(text: str) -> bool:
    """Whether every flow collection that spans lines breaks them only after a ',' or its
    opening bracket, and none holds a scalar starting with an indicator (``_FLOW_INDICATOR``).
    The Rust parser also accepts a plain scalar, even a key, continued on the next line inside
    one, which libyaml refuses; such text is left to the position-keeping path, as is a quoted
    scalar left open at the end of a line in one."""
    depth = 0
    for line in text.splitlines():
        if depth == 0 and "{" not in line and "[" not in line:
            continue
        quoted = "'" in line or '"' in line or "#" in line
        bare = _COMMENT.sub("", _QUOTED.sub("_", line)) if quoted else line
        depth = max(depth + bare.count("{") + bare.count("[") - bare.count("}") - bare.count("]"), 0)
        if depth and ("'" in bare or '"' in bare or not bare.rstrip().endswith((",", "{", "["))):
            return False
        if _FLOW_INDICATOR.search(bare):
            return False
    return True


def _block_scalar_at_the_end(text: str) -> bool:
    r"""Whether a block scalar may end the text without a line break: the Rust parser adds one
    (``a: |\n  x`` reads ``x\n``), libyaml does not."""
    return not text.endswith("\n") and ("|" in text or ">" in text)


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
    """What the parsed value no longer shows about the text, and what the other path refuses
    while building. Strings that are YAML 1.1 traps when unquoted (the value does not say whether
    they were); whether there is a number at all (whose spelling, ``017`` or ``1_000`` or ``17``,
    the value no longer shows); and whether the data passes ``walk``."""

    def __init__(self, *, escapes: bool) -> None:
        self.traps: set[str] = set()
        self.saw_number = False
        # Raw control characters were declined before parsing, so only an escape can make one.
        self.escapes = escapes

    def walk(self, data: dict[str, Any]) -> bool:
        """Whether ``data`` is within ``limits`` (nodes and depth), holds no integer beyond 64
        bits, and (when the text has escapes) no key or string a control character refuses."""
        stack: list[tuple[Any, int]] = [(data, 1)]
        nodes, max_depth = 1, limits.MAX_DEPTH
        while stack:
            node, depth = stack.pop()
            if depth > max_depth:
                return False
            mapping = isinstance(node, dict)
            nodes += 2 * len(node) if mapping else len(node)
            for key, value in node.items() if mapping else enumerate(node):
                if mapping and not (_plain_key(key) and self._scalar(key, key=True)):
                    return False
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1))
                elif not self._scalar(value, key=False):
                    return False
        return nodes <= limits.MAX_NODES

    def _scalar(self, value: Any, *, key: bool) -> bool:
        if isinstance(value, str):
            if value == "\n":
                return False  # an empty block scalar: "\n" to the Rust parser, "" to libyaml
            # A cheap test first: YAML 1.1 traps are short or start with a digit or sign.
            if (len(value) <= 3 or value[0] in "0123456789+-") and yaml11_trap(value) is not None:
                self.traps.add(value)
            return not self.escapes or characters.value_problem(value, key=key) is None
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.saw_number = True
            return not isinstance(value, int) or value in INT64
        return True


def _plain_key(key: object) -> bool:
    """A key the other path accepts: a collection key is a tuple or frozenset here."""
    return key is None or isinstance(key, str | int | float | bool)


def _unquoted(text: str, scalar: str) -> bool:
    """Whether ``scalar`` may stand unquoted somewhere in ``text`` (comments may match too)."""
    return re.search(rf"{_PLAIN_START}{re.escape(scalar)}{_PLAIN_END}", text, re.MULTILINE) is not None

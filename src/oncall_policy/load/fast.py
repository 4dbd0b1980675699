"""The fast path: a Rust YAML parser with no positions, taken only for text it reads as we do.

Positions are needed only when there is a problem to report, so a policy is parsed here first
and handed to the position-keeping path (``positional``) whenever anything might be wrong. This
path declines text in which what we refuse or treat specially could appear: tags, directives,
anchors, tabs (which the parsers accept differently), YAML 1.1 look-alikes such as ``on`` or
``09:00``, and whatever ``precheck`` stops; and it refuses after parsing what the other
path refuses while building: integers beyond 64 bits, control characters made by escapes, more
nodes or deeper nesting than ``limits`` allows. The tests are
conservative (a decline costs only time), and a property test holds both paths to the same
model for every input.
"""

from __future__ import annotations

import re
from typing import Any

from oncall_policy.load import bounds, characters, precheck
from oncall_policy.load.scalars import INT64, yaml11_trap

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
# colon after a space (`[b :]`) or next to a flow indicator (`{k:, b}`, `{:b}`): the Rust parser
# reads them as YAML 1.2 says, libyaml refuses them or reads them as part of a plain scalar or as
# an explicit key. The first pattern starts with a literal, which ``re`` looks for before trying
# the rest; the others run only on lines that hold their rarer characters.
_FLOW_COLON = re.compile(r":(?:(?<=[\[{,]:)|[,\[\]{}:])")
_FLOW_INDICATOR_START = re.compile(r"[\[{,:][ \t]*[|>?]")
_FLOW_ODD_FIRST = frozenset("|>?:")
_FLOW_SPACED_COLON = re.compile(r"[\[{,:][ \t]+:|[ \t]:[ \t]*(?:[,\]}]|$)", re.MULTILINE)


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
        or "<<" in text  # perhaps a merge key, which the other path refuses (``positional.MERGE_KEY``)
        or any(_at_node_start(lines, indicator) for indicator in "!&*?")
    )


def _at_node_start(text: str, indicator: str) -> bool:
    """Whether ``indicator`` stands where a node can start (at a line's start, after a space or
    ``[``, ``{``, ``,``): a tag (``!x``), an anchor (``&a``), an alias (``*a``) before a non-space,
    or an explicit key (``? key``, whose key may be a collection: the Rust parser makes a tuple
    or a frozenset of it, the other path refuses it) before a space. A loop over the indicator's
    few occurrences: a pattern tried at every position costs a millisecond on a small policy."""
    at = text.find(indicator)
    while at != -1:
        after = text[at + 1 : at + 2]
        follows = after in _BLANKS if indicator == "?" else after not in _BLANKS
        if follows and (at == 0 or text[at - 1] in " \t\n[{,"):
            return True
        at = text.find(indicator, at + 1)
    return False


_BLANKS = frozenset(("", " ", "\t", "\n"))


def _reads_alike(data: Any, text: str, lines: str) -> bool:
    """Whether the other path reads ``data`` from the text too, and accepts it."""
    if not isinstance(data, dict) or not _flow_collections_read_alike(lines):
        return False
    scan = _Scan(escapes="\\" in text and _escapes_controls(text))
    if not scan.walk(data):
        return False
    if scan.saw_number and _odd_number(lines):
        return False
    return not any(_unquoted(lines, trap) for trap in scan.traps)


def _flow_collections_read_alike(text: str) -> bool:
    """Whether every flow collection that spans lines breaks them only after a ',' or its
    opening bracket, and none holds a scalar the parsers read differently (``_odd_flow_scalar``).
    The Rust parser also accepts a plain scalar, even a key, continued on the next line inside
    one, which libyaml refuses; such text is left to the position-keeping path, as is a quoted
    scalar left open at the end of a line in one."""
    rare = any(character in text for character in "|>?") or " :" in text or "\t:" in text
    depth = 0
    flow: list[str] = []
    for line in text.splitlines():
        if depth == 0 and "{" not in line and "[" not in line:
            continue
        quoted = "'" in line or '"' in line or "#" in line
        bare = _COMMENT.sub("", _QUOTED.sub("_", line)) if quoted else line
        if depth and bare.lstrip(" ")[:1] in _FLOW_ODD_FIRST:
            return False  # a line inside a flow collection starts with an indicator (` |b,`)
        depth = max(depth + bare.count("{") + bare.count("[") - bare.count("}") - bare.count("]"), 0)
        if depth and ("'" in bare or '"' in bare or not bare.rstrip().endswith((",", "{", "["))):
            return False
        if rare and _odd_flow_scalar(bare):
            return False
        flow.append(bare)
    # One search over all the lines: a pattern that starts with a literal is quick over a long text.
    return _FLOW_COLON.search("\n".join(flow)) is None


def _odd_flow_scalar(bare: str) -> bool:
    """Whether a line of a flow collection (quoted scalars and comments taken out) holds a scalar
    starting with an indicator or a colon after a space: tests of a rare character first."""
    return (
        ("|" in bare or ">" in bare or "?" in bare) and _FLOW_INDICATOR_START.search(bare) is not None
    ) or ((" :" in bare or "\t:" in bare) and _FLOW_SPACED_COLON.search(bare) is not None)


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
        self.refused = False

    def walk(self, data: dict[str, Any]) -> bool:
        """Whether ``data`` is within ``limits`` (nodes and depth), holds no integer beyond 64
        bits, no collection as a key, no empty block scalar, and (when the text has escapes
        that make them) no key or string with a control character."""
        stack: list[tuple[Any, int]] = [(data, 1)]
        nodes, max_depth, escapes = 1, bounds.MAX_DEPTH, self.escapes
        while stack and not self.refused:
            node, depth = stack.pop()
            if depth > max_depth:
                return False
            if isinstance(node, dict):
                nodes += 2 * len(node)
                self._keys(node)
                children = node.values()
            else:
                nodes += len(node)
                children = node
            for value in children:
                if isinstance(value, str):
                    if len(value) <= 3 or value[0] in _SIGNS or (escapes and not value.isprintable()):
                        self._scalar(value, key=False)
                elif isinstance(value, dict | list):
                    stack.append((value, depth + 1))
                elif value is not None:
                    self._scalar(value, key=False)
        return not self.refused and nodes <= bounds.MAX_NODES

    def _keys(self, mapping: dict[Any, Any]) -> None:
        escapes = self.escapes
        for key in mapping:
            # Most keys are long printable words: this test is all they cost.
            if (
                not isinstance(key, str)
                or len(key) <= 3
                or key[0] in _SIGNS
                or (escapes and not key.isprintable())
            ):
                self._scalar(key, key=True)

    def _scalar(self, value: Any, *, key: bool) -> None:
        if isinstance(value, str):
            if yaml11_trap(value) is not None:
                self.traps.add(value)
            # An empty block scalar is "\n" to the Rust parser, "" to libyaml.
            if value == "\n" or (self.escapes and characters.value_problem(value, key=key) is not None):
                self.refused = True
        elif isinstance(value, bool):
            pass
        elif isinstance(value, int | float):
            self.saw_number = True
            self.refused |= isinstance(value, int) and value not in INT64
        elif value is not None:
            self.refused = True  # a collection key: a tuple or a frozenset here


# YAML 1.1 traps are short or start with a digit or sign.
_SIGNS = frozenset("0123456789+-")


def _escapes_controls(text: str) -> bool:
    r"""Whether an escape in the text may make a control character (``\e``, ``\x07``, ``\u0085``;
    ``\t`` and ``\n`` in a key). A cheap over-estimate: it ignores quoting, and ``\\``
    escapes a backslash."""
    at = text.find("\\")
    while at != -1:
        after = text[at + 1 : at + 2]
        if after in _CONTROL_ESCAPES:
            return True
        at = text.find("\\", at + (2 if after == "\\" else 1))
    return False


_CONTROL_ESCAPES = frozenset("0abtnvfreNLPxuU")


def _unquoted(text: str, scalar: str) -> bool:
    """Whether ``scalar`` may stand unquoted somewhere in ``text`` (comments may match too)."""
    return re.search(rf"{_PLAIN_START}{re.escape(scalar)}{_PLAIN_END}", text, re.MULTILINE) is not None

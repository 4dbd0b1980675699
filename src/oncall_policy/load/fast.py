"""The fast path: a Rust YAML parser with no positions, taken only for text it reads as we do.

Positions are needed only when there is a problem to report, so a policy is parsed here first
and handed to the position-keeping path (``positional``) whenever anything might be wrong. This
path declines text in which what we refuse or treat specially could appear: tags, directives,
anchors, tabs (which the parsers accept differently), YAML 1.1 look-alikes such as ``on`` or
``09:00``, and secrets. The tests are
conservative (a decline costs only time), and a property test holds both paths to the same
model for every input.
"""

from __future__ import annotations

import re
from typing import Any

from oncall_policy.checks.secrets import may_hold_secret
from oncall_policy.load.scalars import yaml11_trap

# Tags (`!x`), anchors and aliases (`&a`, `*a`) where a node can start.
_INDICATORS = re.compile(r"(?:^|[\s\[{,])[!&*]\S", re.MULTILINE)
# Where a plain scalar can start and end (after `key: `, `- `, `[`, `,`; before `,`, `]`, `}`,
# ` #`, `: ` or the end of the line).
_PLAIN_START = r"(?:^[ \t]*|[:?-][ \t]+|[\[{,][ \t]*)"
_PLAIN_END = r"(?=[ \t]*(?:$|[,\]}#]|:[ \t]|:$))"
# An integer written with a leading zero (`017`): YAML 1.1 octal, decimal in 1.2.
_LEADING_ZERO = re.compile(rf"{_PLAIN_START}[-+]?0[0-9_]+{_PLAIN_END}", re.MULTILINE)


def parse(text: str) -> Any | None:
    """The parsed document, or ``None`` when this path declines or the parser refuses the text."""
    if (
        "\t" in text
        or "\n%" in text
        or text.startswith("%")
        or may_hold_secret(text)
        or (("!" in text or "&" in text or "*" in text) and _INDICATORS.search(text))
    ):
        return None
    import yaml_rs  # noqa: PLC0415 - only the loader pays for it

    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - any refusal is reported by the position-keeping path
        return None
    if not isinstance(data, dict):
        return None
    scan = _Scan()
    scan.walk(data)
    if scan.saw_int and _LEADING_ZERO.search(text):
        return None
    if any(_unquoted(text, trap) for trap in scan.traps):
        return None
    return data


class _Scan:
    """Strings that are YAML 1.1 traps when unquoted (the parsed value does not say whether they
    were), and whether there is an integer at all (whose spelling, ``017`` or ``17``, the parsed
    value no longer shows)."""

    def __init__(self) -> None:
        self.traps: set[str] = set()
        self.saw_int = False

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
                elif isinstance(value, int) and not isinstance(value, bool):
                    self.saw_int = True

    def _string(self, text: str) -> None:
        # A cheap test first: YAML 1.1 traps are short or start with a digit or sign.
        if (len(text) <= 3 or text[0] in "0123456789+-") and yaml11_trap(text) is not None:
            self.traps.add(text)


def _unquoted(text: str, scalar: str) -> bool:
    """Whether ``scalar`` may stand unquoted somewhere in ``text`` (comments may match too)."""
    return re.search(rf"{_PLAIN_START}{re.escape(scalar)}{_PLAIN_END}", text, re.MULTILINE) is not None

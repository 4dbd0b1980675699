"""A small deterministic YAML emitter for the generated configuration files.

It writes only what the compilers produce: mappings (in insertion order), sequences, strings,
booleans and integers. Every string is written so that YAML 1.1 (Alertmanager's go-yaml v2)
and YAML 1.2 readers both read back the same string:

- plain when it is an identifier-like word or a duration (``slack-alerts``, ``30s``) that no
  reader takes for a boolean, null or number;
- single-quoted when it is printable on one line (``'severity="critical"'``);
- double-quoted with escapes otherwise.

A mapping key ``"#"`` is not data: its value is written as a comment line above the mapping.
Sequences of scalars are written in flow style (``[alertname, service]``), the rest in block style.
It is several times faster than ruamel.yaml's dumper for our output (see ``bench/alertmanager.py``)
and its output is checked by the real ``amtool check-config`` in the tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache

COMMENT = "#"
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*|[0-9]+(?:ms|[smhdwy])(?:[0-9]+(?:ms|[smhdwy]))*", re.ASCII)
_WORDS = frozenset(("y", "n", "yes", "no", "true", "false", "on", "off", "null"))
# c-printable of YAML, minus the line breaks YAML 1.1 knows besides \n (NEL, LS, PS) and BOM.
NOT_PRINTABLE = "[^\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]"
# The same class for ASCII text, which is most text: ``re`` compiles the whole class by walking
# its ranges code point by code point (5 ms), so that is done only when other text is written.
_ASCII_NOT_PRINTABLE = re.compile("[^\x20-\x7e]")


@cache
def _beyond_ascii(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _not_printable(text: str) -> re.Pattern[str]:
    return _ASCII_NOT_PRINTABLE if text.isascii() else _beyond_ascii(NOT_PRINTABLE)


Scalar = str | bool | int


def render(data: Mapping[str, object], header: str = "") -> str:
    """The YAML text of ``data``, after ``header`` (comment lines, kept as given)."""
    lines: list[str] = []
    _mapping(data, 0, lines)
    return header + "\n".join(lines) + "\n"


def scalar(value: object) -> str:
    """One scalar in the safest readable style."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot emit {type(value).__name__} as a YAML scalar")
    if _PLAIN.fullmatch(value) and not _looks_special(value):
        return value
    if value and not _not_printable(value).search(value) and value[0] != " " and value[-1] != " ":
        return "'" + value.replace("'", "''") + "'"
    return _double_quoted(value)


def _looks_special(value: str) -> bool:
    if value.lower() in _WORDS:
        return True
    try:
        float(value)
    except ValueError:
        return False
    return True


def _double_quoted(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _not_printable(text).sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | bool | int)


def _mapping(data: Mapping[str, object], indent: int, lines: list[str], first: str = "") -> None:
    """Write a mapping whose keys sit at ``indent``; ``first`` (``"- "`` inside a sequence)
    replaces the indentation's end on its first line."""
    outer = " " * (indent - len(first))
    if COMMENT in data:
        lines.append(f"{outer}# {data[COMMENT]}")
    prefix = outer + first
    for key, value in data.items():
        if key != COMMENT:
            _entry(f"{prefix}{key}:", value, indent, lines)
            prefix = " " * indent


def _entry(head: str, value: object, indent: int, lines: list[str]) -> None:
    if _is_scalar(value):
        lines.append(f"{head} {scalar(value)}")
    elif isinstance(value, Mapping):
        lines.append(f"{head} {{}}" if not value else head)
        _mapping(value, indent + 2, lines)
    elif isinstance(value, Sequence):
        if not value or all(_is_scalar(item) for item in value):
            lines.append(f"{head} [{', '.join(scalar(item) for item in value)}]")
        else:
            lines.append(head)
            _sequence(value, indent + 2, lines)
    else:
        raise TypeError(f"cannot emit {type(value).__name__} as YAML")


def _sequence(items: Sequence[object], indent: int, lines: list[str]) -> None:
    for item in items:
        if isinstance(item, Mapping) and item:
            _mapping(item, indent + 2, lines, first="- ")
        elif _is_scalar(item):
            lines.append(f"{' ' * indent}- {scalar(item)}")
        else:
            raise TypeError("sequence items are non-empty mappings or scalars")

"""YAML 1.2 core-schema resolution of plain scalars, and the YAML 1.1 readings that trap people.

Alertmanager, PyYAML and many editors still read YAML 1.1, where ``on`` is true, ``09:00`` is
540 and ``017`` is 15. We read YAML 1.2 but refuse those spellings unquoted, so that the file
means one thing to every tool.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from oncall_policy.rulebook import LOADER, Rule

YAML11_TRAP = Rule(
    "yaml11-trap",
    LOADER,
    "an unquoted value means the same in YAML 1.1 and YAML 1.2. ``on``, ``09:00`` and ``017`` are a "
    "boolean, 540 and 15 to YAML 1.1 readers (Alertmanager, PyYAML, many editors) and a string, a "
    "string and 17 to YAML 1.2: such a value is refused unquoted, so the file means one thing to "
    "every tool.",
)
NUMBER_TOO_LARGE = Rule(
    "number-too-large",
    LOADER,
    "an unquoted integer fits in 64 bits. Alertmanager, PagerDuty and Terraform read no larger one; "
    "quote it if it is text.",
)

_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE = re.compile(r"true|True|TRUE")
_FALSE = re.compile(r"false|False|FALSE")
_INT10 = re.compile(r"[-+]?[0-9]+")
_INT8 = re.compile(r"0o[0-7]+")
_INT16 = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")

_YAML11_BOOL = re.compile(r"y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF")
_YAML11_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
_YAML11_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_YAML11_OTHER_NUMBER = re.compile(r"[-+]?(0b[01_]+|[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?)")


# Integers a policy may hold: what Alertmanager (Go), PagerDuty and Terraform read. Python refuses
# to convert more than 4,300 decimal digits (leading zeros included), so an integer is converted
# from its significant digits, and not at all past more than any 64-bit integer has.
INT64 = range(-(2**63), 2**63)
_MAX_SIGNIFICANT = 30


def _significant(text: str) -> str:
    digits = text.lstrip("+-")
    return (digits[2:] if digits[:2] in ("0x", "0o") else digits).lstrip("0")


def _integer(base: int) -> Callable[[str], object]:
    def convert(text: str) -> object:
        significant = _significant(text)
        if len(significant) > _MAX_SIGNIFICANT:
            return text  # refused by ``integer_problem``
        value = int(significant or "0", base)
        return -value if text.startswith("-") else value

    return convert


_CORE_SCHEMA: tuple[tuple[re.Pattern[str], Callable[[str], object]], ...] = (
    (_NULL, lambda _: None),
    (_TRUE, lambda _: True),
    (_FALSE, lambda _: False),
    (_INT10, _integer(10)),
    (_INT8, _integer(8)),
    (_INT16, _integer(16)),
    (_FLOAT, float),
    (_INF, lambda text: float("-inf") if text.startswith("-") else float("inf")),
    (_NAN, lambda _: float("nan")),
)


# Every null, boolean and number of the core schema starts with one of these (or is empty).
_RESOLVED_START = frozenset("~nNtTfF0123456789+-.")
# Every YAML 1.1 trap starts with one of these.
_TRAP_START = frozenset("yYnNoO0123456789+-")


def resolve_plain(text: str) -> object:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    if text and text[0] not in _RESOLVED_START:
        return text  # most scalars: words
    for pattern, convert in _CORE_SCHEMA:
        if pattern.fullmatch(text):
            return convert(text)
    return text


def integer_problem(text: str) -> str | None:
    """Why an unquoted scalar that YAML 1.2 reads as an integer is refused: it does not fit in
    64 bits. ``None`` for every other scalar."""
    if not text or text[0] not in _INTEGER_START:
        return None
    base = next((base for pattern, base in _INTEGERS if pattern.fullmatch(text)), None)
    if base is None:
        return None
    value = _integer(base)(text)
    if isinstance(value, int) and value in INT64:  # (a str ``in`` a range would walk all of it)
        return None
    shown = text if len(text) <= 24 else f"{text[:20]}…"
    return (
        f"the integer {shown} ({len(_significant(text)):,} digits) does not fit in 64 bits, as "
        "Alertmanager, PagerDuty and Terraform need; quote it if it is text"
    )


_INTEGER_START = frozenset("0123456789+-")
_INTEGERS = ((_INT10, 10), (_INT8, 8), (_INT16, 16))


def yaml11_trap(text: str) -> str | None:
    """Why an unquoted scalar reads differently under YAML 1.1, and what to write instead; or
    ``None`` if it reads the same."""
    if not text or text[0] not in _TRAP_START:
        return None
    quote = f"quote it ('{text}') so every tool reads the same"
    if _YAML11_BOOL.fullmatch(text):
        return f"'{text}' is a boolean in YAML 1.1 but a string in YAML 1.2; {quote}, or write true/false"
    if _YAML11_SEXAGESIMAL.fullmatch(text):
        return f"'{text}' is a base-60 number in YAML 1.1 (09:00 reads as 540); {quote}"
    if _YAML11_OCTAL.fullmatch(text) and text.lstrip("+-") != "0":
        return (
            f"'{text}' is an octal number in YAML 1.1 but decimal in YAML 1.2; write it without "
            f"the leading zero, or {quote}"
        )
    if _YAML11_OTHER_NUMBER.fullmatch(text):
        return f"'{text}' is a number in YAML 1.1 but a string in YAML 1.2; {quote}"
    return None

r"""JSON as Alertmanager reads it: Go's ``encoding/json`` (go1.19), and where Python's differs.

Go matches an object key to a struct field by the field's exact name first, else by
case-folding (``fold.go``: ASCII letters fold to their other case, and ``ſ`` U+017F to ``s``, ``K``
U+212A to ``k``); for a key given more than once the last value wins; unknown keys are ignored;
a lone surrogate escape (``"\ud800"``) becomes U+FFFD. Measured on a real Alertmanager 0.25: a
body with ``"matchers"`` then ``"Matchers"``, ``"value"`` then ``"Value"``, ``"isRegex"`` then
``"IsRegex"``, or ``"EndsAt"`` after ``"endsAt"`` creates the silence from the later key, and
``"ſtartsAt"`` sets ``startsAt``.

Python's ``json`` matches no key to another, and its ``dict`` keeps the last value of a repeated
key but forgets there were two; it keeps lone surrogates. So ``loads`` keeps every pair of an
object (``Object.pairs``) for the caller to refuse what Go would read differently, and ``read``
also gives the line and column of every key and value. Both refuse what Go refuses and Python's
``json`` accepts (``NaN``, ``Infinity``) and what Python cannot read (integers of more than 4300
digits); neither guesses. Both refuse nesting deeper than ``MAX_DEPTH``, whatever the depth of
the stack they are called at, so that nothing reading what they give ever recurses past
Python's limit (``json.dumps``, ``repr``, ``pickle`` do).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C scanner, when built

from oncall_policy.recent import Recent
from oncall_policy.records import Record
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

Path = tuple[str | int, ...]
Position = tuple[int, int]
MAX_DEPTH = 100  # a silence is 3 deep; Go allows 10,000, Python's recursion limit far fewer
_SURROGATE = re.compile("[\ud800-\udfff]")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = {"t": 4, "f": 5, "n": 4}
_CASE_MASK = 0xDF  # clears the ASCII lower-case bit
_KELVIN, _LONG_S = "\u212a".encode(), "\u017f".encode()


class GoJSONError(ValueError):
    """JSON Alertmanager would refuse, or that we refuse rather than read differently from it."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Object(dict[str, "Any"]):
    """A JSON object: the last value of each key (what Go keeps) and, in ``pairs``, every pair
    in the order written."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs: list[tuple[str, Any]] = pairs


class Parsed(Record):
    """A document with the position (line, column) of every value and key, by path. A key given
    twice has the position of its last occurrence, whose value Go keeps."""

    data: Any
    values: dict[Path, Position]
    keys: dict[Path, Position]


def loads(text: str | bytes, *, canonical: Callable[[Any], bool] | None = None) -> Any:
    """The JSON value of ``text`` (bytes must be UTF-8), objects as ``Object``; raise
    ``GoJSONError`` with a position for what cannot be read as Go reads it.

    ``canonical``: for a document Go itself wrote, such as an Alertmanager's listing. It is first
    read into plain dicts, about twice as fast; that reading stands when ``canonical`` finds every
    key spelled as its field, as Go writes them: then only an exact repeat could have been merged,
    and a dict keeps its last value, as Go does. Otherwise it is read again, every pair kept."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise GoJSONError(f"byte {error.start} is not UTF-8") from None
    found = _loads(text, canonical)
    if not within_depth(found):
        raise GoJSONError(_TOO_DEEP)
    return found


_TOO_DEEP = f"nested too deeply: more than {MAX_DEPTH} levels"


def _loads(text: str, canonical: Callable[[Any], bool] | None) -> Any:
    try:
        if canonical is not None:
            found = json.loads(text, parse_constant=_no_constant)
            if canonical(found):
                return found
        return json.loads(text, object_pairs_hook=Object, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise GoJSONError(error.msg, error.lineno, error.colno) from None
    except RecursionError:  # deeper than the C scanner goes: far deeper than MAX_DEPTH
        raise GoJSONError(_TOO_DEEP) from None
    except ValueError as error:  # an integer too long for int(), or a constant refused below
        raise GoJSONError(str(error)) from None


_CONTAINERS = frozenset((dict, list, Object))


def within_depth(data: Any) -> bool:
    """Whether no value in ``data`` (as ``json.loads`` gives it) is inside more than
    ``MAX_DEPTH`` arrays and objects: looked at level by level, without recursion (about 2 ms
    for 1,000 listed silences)."""
    level = [data] if type(data) in _CONTAINERS else []
    for _ in range(MAX_DEPTH):
        if not level:
            return True
        level = [
            child
            for value in level
            for child in (value if type(value) is list else value.values())
            if type(child) in _CONTAINERS
        ]
    return not any(level)  # a container this deep may hold nothing


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (Go refuses it)")


def read(text: str) -> Parsed:
    """``loads``, and where each value and key stands in ``text`` (and where it nests too deep)."""
    data = _loads(text, None)
    lines = [match.end() for match in re.finditer("\n", text)]
    scanner = _Scanner(text, lines)
    scanner.value(_WHITESPACE.match(text, 0).end(), ())  # type: ignore[union-attr]
    return Parsed(data, scanner.values, scanner.keys)


class _Scanner:
    """Positions in a text ``loads`` has accepted (so it is valid JSON and not too deep)."""

    def __init__(self, text: str, lines: list[int]) -> None:
        self.text = text
        self.lines = lines
        self.values: dict[Path, Position] = {}
        self.keys: dict[Path, Position] = {}

    def position(self, offset: int) -> Position:
        line = bisect_right(self.lines, offset)
        return line + 1, offset - (self.lines[line - 1] if line else 0) + 1

    def skip(self, offset: int) -> int:
        return _WHITESPACE.match(self.text, offset).end()  # type: ignore[union-attr]

    def value(self, offset: int, path: Path) -> int:
        if len(path) > MAX_DEPTH:
            raise GoJSONError(_TOO_DEEP, *self.position(offset))
        self.values[path] = self.position(offset)
        char = self.text[offset]
        if char == "{":
            return self.members(self.skip(offset + 1), path)
        if char == "[":
            return self.items(self.skip(offset + 1), path)
        if char == '"':
            return int(scanstring(self.text, offset + 1, True)[1])  # noqa: FBT003 - strict, positional
        if char in _LITERALS:
            return offset + _LITERALS[char]
        return _NUMBER.match(self.text, offset).end()  # type: ignore[union-attr]

    def members(self, offset: int, path: Path) -> int:
        while self.text[offset] != "}":
            key, end = scanstring(self.text, offset + 1, True)  # noqa: FBT003
            if (*path, key) in self.keys:  # given again: only the last one's positions stand
                self.forget((*path, key))
            self.keys[(*path, key)] = self.position(offset)
            offset = self.value(self.skip(self.skip(end) + 1), (*path, key))
            offset = self.skip(offset)
            offset = self.skip(offset + 1) if self.text[offset] == "," else offset
        return offset + 1

    def forget(self, prefix: Path) -> None:
        for found in (self.values, self.keys):
            for path in [path for path in found if path[: len(prefix)] == prefix]:
                del found[path]

    def items(self, offset: int, path: Path) -> int:
        index = 0
        while self.text[offset] != "]":
            offset = self.skip(self.value(offset, (*path, index)))
            offset = self.skip(offset + 1) if self.text[offset] == "," else offset
            index += 1
        return offset + 1


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which Go would have read as U+FFFD."""
    return not text.isascii() and _SURROGATE.search(text) is not None


# An audit reads the same keys 50,000 times; a gate is sent new ones (of any length) without end.
_FIELDS: Recent[tuple[str, tuple[str, ...]], str | None] = Recent(5000)


def field_of(key: str, fields: Sequence[str]) -> str | None:
    """The struct field (of ``fields``, in declaration order, ASCII names) Go's decoder sets
    for ``key``: an exact name first, else the first that case-folds to it; ``None``: ignored."""
    if key in fields:
        return key
    memo = (key, tuple(fields))
    if memo in _FIELDS:
        return _FIELDS.get(memo)
    found = next((field for field in fields if equal_fold(field, key)), None)
    _FIELDS[memo] = found
    return found


def equal_fold(field: str, key: str) -> bool:
    """``foldFunc(field)(field, key)`` of go1.19's ``encoding/json/fold.go``, for an ASCII field."""
    if has_surrogate(key):  # Go has turned it into U+FFFD, which folds to no ASCII letter
        return False
    name, other = field.encode("ascii"), key.encode("utf-8")
    if any(byte & _CASE_MASK in b"KS" for byte in name):
        return _equal_fold_right(name, other)
    if all(ord("A") <= byte & _CASE_MASK <= ord("Z") for byte in name):
        return len(name) == len(other) and all(
            a & _CASE_MASK == b & _CASE_MASK for a, b in zip(name, other, strict=True)
        )
    return len(name) == len(other) and all(
        a == b or (_is_letter(a) and a & _CASE_MASK == b & _CASE_MASK)
        for a, b in zip(name, other, strict=True)
    )


def _is_letter(byte: int) -> bool:
    return ord("a") <= byte <= ord("z") or ord("A") <= byte <= ord("Z")


def _equal_fold_right(name: bytes, other: bytes) -> bool:
    """``equalFoldRight``: ``name`` holds k, K, s or S, which also fold to U+212A and U+017F."""
    rest = other
    for byte in name:
        if not rest:
            return False
        if rest[0] < 0x80:
            if byte != rest[0] and not (_is_letter(byte) and byte & _CASE_MASK == rest[0] & _CASE_MASK):
                return False
            rest = rest[1:]
            continue
        special = _LONG_S if byte in b"sS" else _KELVIN if byte in b"kK" else None
        if special is None or not rest.startswith(special):
            return False
        rest = rest[len(special) :]
    return not rest

"""Alertmanager 0.25 label matchers: parsing (``pkg/labels/parse.go``) and matching (``matcher.go``).

No third-party imports: used by the model, the routing simulator and the silence path alike.
"""

from __future__ import annotations

import re
from enum import Enum

from oncall_policy import TYPE_CHECKING
from oncall_policy.records import Record

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Final

LABEL_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_MATCHER = re.compile(r"\s*(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?P<op>=~|!~|!=|=)\s*(?P<value>.*?)\s*")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}


class MatcherError(ValueError):
    """A matcher Alertmanager would refuse (or, worse, amtool would silently rewrite)."""


class Op(Enum):
    EQUAL = "="
    NOT_EQUAL = "!="
    REGEX = "=~"
    NOT_REGEX = "!~"

    @property
    def is_regex(self) -> bool:
        return self in (Op.REGEX, Op.NOT_REGEX)

    @property
    def is_negative(self) -> bool:
        return self in (Op.NOT_EQUAL, Op.NOT_REGEX)


class Matcher(Record):
    """``name op value``; regexes are anchored as Alertmanager anchors them: ``^(?:value)$``."""

    __match_args__ = ("name", "op", "value")
    __slots__ = (*__match_args__, "_regex", "_negative")

    def __init__(self, name: str, op: Op, value: str) -> None:
        if not LABEL_NAME.fullmatch(name):
            raise MatcherError(f"invalid label name {name!r}")
        self.name: Final = name
        self.op: Final = op
        self.value: Final = value
        self._regex: Final = compile_anchored(value) if op.is_regex else None
        self._negative: Final = op.is_negative

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: object, _handler: object) -> dict[str, object]:
        """For pydantic, which the model uses (this module does not import it): a matcher field
        holds an instance; the model's validators turn strings into one."""
        return {"type": "is-instance", "cls": cls}

    def matches(self, value: str) -> bool:
        """Whether a label value (``""`` when the label is missing) satisfies this matcher."""
        if self._regex is not None:
            return (self._regex.fullmatch(value) is not None) != self._negative
        return (value == self.value) != self._negative

    def matches_labels(self, labels: Mapping[str, str]) -> bool:
        return self.matches(labels.get(self.name, ""))

    @property
    def matches_empty(self) -> bool:
        return self.matches("")

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.name}{self.op.value}"{escaped}"'


def compile_anchored(pattern: str) -> re.Pattern[str]:
    """Compile a regex as Alertmanager does; Go's RE2 syntax is close to Python's for what labels use."""
    try:
        return re.compile(f"(?:{pattern})", re.DOTALL)
    except re.error as error:
        raise MatcherError(f"invalid regular expression {pattern!r}: {error}") from None


def parse_matcher(text: str) -> Matcher:
    """Parse one matcher such as ``service=~"api-.*"`` or ``team=frontend``."""
    found = _MATCHER.fullmatch(text)
    if found is None:
        raise MatcherError(f"bad matcher format: {text}")
    return Matcher(found["name"], Op(found["op"]), _unquote(found["value"], text))


def _unquote(raw: str, text: str) -> str:
    if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
        return _unescape(raw[1:-1], text)
    if '"' in raw:
        raise MatcherError(f"matcher value contains unescaped double quote: {text}")
    return raw


def _unescape(body: str, text: str) -> str:
    out: list[str] = []
    chars = iter(body)
    for char in chars:
        if char == '"':
            raise MatcherError(f"matcher value contains unescaped double quote: {text}")
        if char == "\\":
            following = next(chars, "")
            out.append(_ESCAPES.get(following, "\\" + following))
        else:
            out.append(char)
    return "".join(out)


def split_matchers(text: str) -> list[str]:
    """The matchers of one group as Alertmanager reads it: ``a="1"``, ``{a="1", b=~"x|y"}`` or
    ``a=1,b!=2``. Commas outside double quotes separate; inside quotes a backslash escapes."""
    body = text.strip()
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    parts: list[str] = []
    start, quoted, escaped = 0, False, False
    for index, char in enumerate(body):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = quoted
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            parts.append(body[start:index])
            start = index + 1
    parts.append(body[start:])
    return [part for part in parts if part.strip()]


def parse_matchers(text: str) -> list[Matcher]:
    """Every matcher of one group (see ``split_matchers``)."""
    return [parse_matcher(part) for part in split_matchers(text)]


def matches_all(matchers: tuple[Matcher, ...], labels: Mapping[str, str]) -> bool:
    return all(matcher.matches_labels(labels) for matcher in matchers)

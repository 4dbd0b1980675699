r"""Alertmanager 0.25 label matchers: parsing (``pkg/labels/parse.go``) and matching (``matcher.go``).

One matcher engine for routing, inhibition, silences and rule selectors. A regex is read by our
port of Go's parser (``matching.syntax``) and matched by RE2 (``matching.engine``), anchored as
Alertmanager anchors it: ``^(?:value)$``. Alertmanager checks a silence's regex by compiling the
bare value, so a value must parse on its own (``a)|(b``, which would parse inside the anchors as
"starts with a or ends with b", is refused); one that parses alone but not inside the anchors
(``\Qabc``) is *broken*: Alertmanager stores such a silence and then cannot query any silence.
Imports no third-party module until a regex is matched, nor ``re`` or ``enum`` (see ``Op``).
"""

from __future__ import annotations

from oncall_policy.recent import Recent
from oncall_policy.records import Record
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import ClassVar

    from oncall_policy.matching.engine import Pattern
    from oncall_policy.matching.language import Language
    from oncall_policy.matching.tree import Regexp


class MatcherError(ValueError):
    """A matcher Alertmanager would refuse (or, worse, amtool would silently rewrite)."""


class Op:
    """A matcher's operator: ``Op.EQUAL`` (``=``), ``Op.NOT_EQUAL`` (``!=``), ``Op.REGEX``
    (``=~``) or ``Op.NOT_REGEX`` (``!~``).

    Four constants as an ``Enum`` has them — ``Op("=~") is Op.REGEX``, ``.name``, ``.value``,
    compared by identity, copied and pickled as themselves — without ``enum``: with the
    ``functools`` and ``collections`` it imports, that costs about 3 ms of ``silence check``'s
    start-up, which uses nothing else of it. Only an Enum's class-level lookups (``Op["REGEX"]``,
    iterating over ``Op``) are left out.
    """

    __slots__ = ("_name", "_value")
    EQUAL: ClassVar[Op]
    NOT_EQUAL: ClassVar[Op]
    REGEX: ClassVar[Op]
    NOT_REGEX: ClassVar[Op]
    _BY_VALUE: ClassVar[dict[str, Op]] = {}

    _name: str
    _value: str

    def __new__(cls, value: str) -> Op:  # noqa: PYI034 - one of the four constants, never a new one
        """The operator written ``value``; ``ValueError`` for any other text, as an Enum says."""
        try:
            return cls._BY_VALUE[value]
        except (KeyError, TypeError):  # TypeError: unhashable
            raise ValueError(f"{value!r} is not a valid Op") from None

    @classmethod
    def _define(cls, name: str, value: str) -> Op:
        op = object.__new__(cls)
        object.__setattr__(op, "_name", name)
        object.__setattr__(op, "_value", value)
        cls._BY_VALUE[value] = op
        return op

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot set {name!r}: an Op is a constant")

    @property
    def name(self) -> str:
        return self._name

    @property
    def value(self) -> str:
        return self._value

    @property
    def is_regex(self) -> bool:
        return self is Op.REGEX or self is Op.NOT_REGEX

    @property
    def is_negative(self) -> bool:
        return self is Op.NOT_EQUAL or self is Op.NOT_REGEX

    def __repr__(self) -> str:
        return f"<Op.{self._name}: {self._value!r}>"

    def __str__(self) -> str:
        return f"Op.{self._name}"

    def __reduce__(self) -> tuple[type[Op], tuple[str]]:
        return Op, (self._value,)


Op.EQUAL = Op._define("EQUAL", "=")  # noqa: SLF001 - the four constants, made once
Op.NOT_EQUAL = Op._define("NOT_EQUAL", "!=")  # noqa: SLF001
Op.REGEX = Op._define("REGEX", "=~")  # noqa: SLF001
Op.NOT_REGEX = Op._define("NOT_REGEX", "!~")  # noqa: SLF001


class Matcher(Record):
    """``name op value``; regexes are anchored as Alertmanager anchors them: ``^(?:value)$``.
    ``broken`` says why Alertmanager could not use a regex it accepts (None: it can);
    ``too_complex`` why oncall-policy will not compile it to judge a silence (None: it will)."""

    __slots__ = ("_hash", "_negative", "_tree", "broken", "too_complex")  # worked out from the fields

    name: str
    op: Op
    value: str

    def __post_init__(self) -> None:
        if not is_label_name(self.name):
            raise MatcherError(f"invalid label name {self.name!r}")
        if not _is_utf8(self.value):
            raise MatcherError(f"the value of {self.name} is not valid UTF-8 text")
        self._hash = hash((self.name, self.op, self.value))  # memo keys hash matcher sets, silence by silence
        self._negative = self.op.is_negative
        too_long = self.op.is_regex and len(self.value) > MAX_REGEX_LENGTH
        # A regex that long is not even parsed: parsing and judging 100,000 characters took seconds.
        tree, broken = _anchored(self.value) if self.op.is_regex and not too_long else (None, None)
        self.too_complex = _too_complex(tree) if tree is not None else None
        if too_long:
            self.too_complex = f"{len(self.value):,} characters; the longest judged is {MAX_REGEX_LENGTH:,}"
        self._tree = tree if self.too_complex is None else None
        self.broken = broken

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: object, _handler: object) -> dict[str, object]:
        """For pydantic, which the model uses (this module does not import it): a matcher field
        holds an instance; the model's validators turn strings into one."""
        return {"type": "is-instance", "cls": cls}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.name == other.name and self.op is other.op and self.value == other.value

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[Matcher], tuple[str, Op, str]]:
        """Made again where it is unpickled: a string's hash differs from process to process."""
        return type(self), (self.name, self.op, self.value)

    def matches(self, value: str) -> bool:
        """Whether a label value (``""`` when the label is missing) satisfies this matcher.
        A broken matcher matches nothing (Alertmanager's silence query fails)."""
        if self.op.is_regex:
            if self._tree is None:
                return False
            return fullmatch(self.value, value) != self._negative
        return (value == self.value) != self._negative

    @property
    def language(self) -> Language:
        """The label values this matcher admits, for reasoning about reach."""
        from oncall_policy.matching.language import Language  # noqa: PLC0415 - only when reasoning

        key = (self.op, self.value)
        found = _LANGUAGES.get(key)
        if found is None:
            if self.op.is_regex and self._tree is None:
                found = Language.nothing()  # broken: matches nothing, negated or not
            else:
                admitted = Language.of_tree(self._tree) if self._tree else Language.literal(self.value)
                found = ~admitted if self._negative else admitted
            _LANGUAGES[key] = found
        return found

    def matches_labels(self, labels: Mapping[str, str]) -> bool:
        return self.matches(labels.get(self.name, ""))

    @property
    def empty_for_alertmanager(self) -> bool:
        """Whether Alertmanager's check of a new silence (0.25's ``matchesEmpty``) counts this
        matcher as matching the empty string: an equality matcher on "", or a regex whose *bare*
        value (not anchored: the check runs before the anchors) matches ""; never a negative one."""
        if self.op is Op.EQUAL:
            return self.value == ""
        if self.op is Op.REGEX and self.too_complex is None:
            found = _BARE_EMPTY.get(self.value)
            if found is None:
                from oncall_policy.matching import engine, syntax  # noqa: PLC0415

                found = _BARE_EMPTY[self.value] = engine.compile(syntax.parse(self.value)).fullmatch("")
            return found
        return False

    @property
    def matches_empty(self) -> bool:
        return self.matches("")

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.name}{self.op.value}"{escaped}"'


def only_value(matchers: Sequence[Matcher]) -> str | None:
    """The one value a label may have under all of ``matchers`` (None: none, several, or not
    decided within the default budget): the team a window's scope pins, for one."""
    equal = next((m.value for m in matchers if m.op is Op.EQUAL), None)
    if equal is not None:
        return equal if all(m.matches(equal) for m in matchers) else None
    from oncall_policy.matching.language import Language  # noqa: PLC0415 - only when reasoning

    language = Language.any()
    for matcher in matchers:
        language = language & matcher.language
    value = language.witness()
    if not isinstance(value, str):
        return None
    return value if (language - Language.literal(value)).witness() is None else None


# Each matcher's language, built once: a reach asks a question per alert and rule, and building
# a term of wide classes (``[\\pL\\pN\\pS]`` ninety times) took 50 ms each time.
_LANGUAGES: Recent[tuple[Op, str], Language] = Recent(4096)

MAX_REGEX_LENGTH = 8_192  # characters of a regex matcher's value that oncall-policy will judge
# Per regex value (the writer's text): its anchored parse, whether its bare value matches "", its
# compiled pattern; kept while in use (``recent``), as a gate meets new values without end.
_TREES: Recent[str, tuple[Regexp | None, str | None]] = Recent(4096)
_BARE_EMPTY: Recent[str, bool] = Recent(4096)
_PATTERNS: Recent[str, Pattern] = Recent(4096, lambda pattern: pattern.program_size, 2_000_000)  # RE2
# instructions in all, as ``engine`` keeps (a pattern near the largest kept takes about 1 MiB)


def _anchored(value: str) -> tuple[Regexp | None, str | None]:
    """The parse of ``^(?:value)$`` (or None and why it fails), checking the bare value first as
    Alertmanager checks a silence's; remembered per value."""
    found = _TREES.get(value)
    if found is None:
        from oncall_policy.matching import syntax  # noqa: PLC0415 - only for regex matchers

        try:
            syntax.parse(value)
        except syntax.RegexpError as error:
            raise MatcherError(f"invalid regular expression {value!r}: {error}") from None
        try:
            found = (syntax.parse(f"^(?:{value})$"), None)
        except syntax.RegexpError as error:
            found = (None, str(error))
        _TREES[value] = found
    return found


def _too_complex(tree: Regexp) -> str | None:
    from oncall_policy.matching import cost  # noqa: PLC0415

    estimate = cost.cost(tree)
    if estimate <= cost.MAX_COST:
        return None
    return f"about {estimate:,} RE2 instructions to compile; the most judged is {cost.MAX_COST:,}"


def fullmatch(pattern: str, value: str) -> bool:
    """Whether Alertmanager's regex matcher ``=~pattern`` admits ``value`` (linear time)."""
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        from oncall_policy.matching import engine  # noqa: PLC0415 - imports RE2

        tree, _ = _anchored(pattern)
        if tree is None:
            return False
        compiled = _PATTERNS[pattern] = engine.compile(tree)
    return compiled.fullmatch(value)


def _is_utf8(value: str) -> bool:
    """Whether ``value`` holds no lone surrogate (which no UTF-8 text can)."""
    return value.isascii() or not any(0xD800 <= ord(c) <= 0xDFFF for c in value)


_GO_SPACE = "\t\n\f\r "  # Go's \s: ASCII only (a NO-BREAK SPACE is part of a value)
_NAME_START_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:"
_NAME_REST_CHARS = _NAME_START_CHARS + "0123456789"
_NAME_START = frozenset(_NAME_START_CHARS)
_NAME_REST = frozenset(_NAME_REST_CHARS)


def is_label_name(text: str) -> bool:
    """Whether ``text`` is a label name as Alertmanager 0.25 takes it in a matcher, what
    ``[a-zA-Z_:][a-zA-Z0-9_:]*`` matches in full (``tests/test_label_names_scan.py``)."""
    if not isinstance(text, str):  # as when it was read with a regular expression
        raise TypeError(f"a label name must be a string, not {type(text).__name__}")
    # Stripping every allowed character leaves nothing only when there is no other one.
    return text[:1] in _NAME_START and not text[1:].strip(_NAME_REST_CHARS)


def parse_matcher(text: str) -> Matcher:
    r"""One matcher as Alertmanager 0.25's ``labels.ParseMatcher`` reads it (``service=~"api-.*"``,
    ``team=frontend``): a label name, an operator, and a value that may be double-quoted, with
    OpenMetrics escapes (``\"``, ``\\``, ``\n``) honoured whether quoted or not, a ``\`` before
    anything else kept as it is, and ASCII whitespace around the three trimmed. Written by hand
    rather than with Go's regex, whose lazy ``.*?`` before ``\s*$`` is quadratic in Python's."""
    rest = text.lstrip(_GO_SPACE)
    end = 0
    if rest[:1] in _NAME_START:
        end = 1
        while end < len(rest) and rest[end] in _NAME_REST:
            end += 1
    name, rest = rest[:end], rest[end:].lstrip(_GO_SPACE)
    op = next((op for op in ("=~", "=", "!=", "!~") if rest.startswith(op)), None)
    if not name or op is None:
        raise MatcherError(f"bad matcher format: {text}")
    raw = rest[len(op) :].lstrip(_GO_SPACE).rstrip(_GO_SPACE)
    return Matcher(name, Op(op), _unescape(raw))


def _unescape(raw: str) -> str:
    """The value of ``raw`` as ParseMatcher reads it (errors worded as Alertmanager words them)."""
    body, quoted = (raw[1:], True) if raw.startswith('"') else (raw, False)
    if not _is_utf8(body):
        raise MatcherError(f"matcher value not valid UTF-8: {raw}")
    out: list[str] = []
    escaped = False
    last = len(body) - 1
    for index, char in enumerate(body):
        if escaped:
            escaped = False
            out.append("\n" if char == "n" else char if char in '"\\' else "\\" + char)
        elif char == "\\" and index < last:
            escaped = True
        elif char == '"':
            if not quoted or index < last:
                raise MatcherError(f"matcher value contains unescaped double quote: {raw}")
            quoted = False
        else:
            out.append(char)
    if quoted:
        raise MatcherError(f"matcher value contains unescaped double quote: {raw}")
    return "".join(out)


def parse_matchers(text: str) -> list[Matcher]:
    """Every matcher of ``{a="1", b=~"x|y"}`` or ``a=1,b!=2``, as ``labels.ParseMatchers`` reads
    it (a configuration's ``matchers`` item): one leading ``{`` and one trailing ``}`` dropped;
    commas outside double quotes separate (a backslash escapes a quote, in quotes or not); an
    empty part is an error, but for a last one of nothing but whitespace."""
    body = text.removeprefix("{").removesuffix("}")
    tokens: list[str] = []
    token: list[str] = []
    inside = escaped = False
    for char in body:
        if char == "," and not inside:
            tokens.append("".join(token))
            token = []
            continue
        if char == '"':
            if escaped:
                escaped = False
            else:
                inside = not inside
        elif char == "\\":
            escaped = not escaped
        else:
            escaped = False
        token.append(char)
    if last := "".join(token).strip():
        tokens.append(last)
    return [parse_matcher(found) for found in tokens]


def matches_all(matchers: tuple[Matcher, ...], labels: Mapping[str, str]) -> bool:
    return all(matcher.matches_labels(labels) for matcher in matchers)

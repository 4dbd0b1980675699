"""Hypothesis strategies for the loader's properties: valid policies with arbitrary text, and
texts made by mutating valid policy files the ways people, tools and attackers break them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from oncall_policy.checks.checked import load_policy
from oncall_policy.leaks.kinds import secret
from oncall_policy.load.characters import value_problem
from oncall_policy.model import Policy
from oncall_policy.model.types import PagerDutyAddendum, PagerDutyName, PagerDutyText, Text
from tests.strategies import policies

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "clipper": ROOT / "policy.yaml",
    "acme": ROOT / "examples" / "acme" / "policy.yaml",
    "globex": ROOT / "examples" / "globex" / "policy.yaml",
    "minimal": ROOT / "tests" / "policies" / "minimal.yaml",
}
TEXTS = {name: path.read_text(encoding="utf-8") for name, path in SOURCES.items()}
POLICIES = {name: load_policy(path) for name, path in SOURCES.items()}
MINIMAL_TEXT = TEXTS["minimal"]

#: Every character a policy's text may hold: all but the controls ``load.characters`` refuses
#: (TAB and LF stay), surrogates and noncharacters.
text_characters = st.characters(
    exclude_categories=("Cs", "Cc"),
    include_characters="\t\n",
    exclude_characters="\u2028\u2029\ufeff\ufffe\uffff",
)
#: Any non-empty text a person might write in a free-text field (never a secret).
free_text = (
    st.text(text_characters, min_size=1, max_size=40)
    .filter(lambda s: secret(s) is None)
    .map(lambda s: s if value_problem(s, key=False) is None else "x")  # the alphabet says so; made sure
)
#: Names PagerDuty accepts: U+0020-U+FFFF without \ / & < >, no space at either end.
pagerduty_names = (
    st.text(
        st.characters(
            min_codepoint=0x20,
            max_codepoint=0xFFFF,
            exclude_categories=("Cs", "Cc"),
            exclude_characters="\\/&<>\u2028\u2029\ufeff\ufffe\uffff",
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda s: s != "" and secret(s) is None)
)


@st.composite
def valid_policies(draw: st.DrawFn) -> Policy:
    """An example policy with every person's name, every alert's meaning and response, and every
    rotation's name replaced by arbitrary text, and its people shuffled: valid by construction."""
    policy = POLICIES[draw(st.sampled_from(sorted(POLICIES)))]
    people = [p.model_copy(update={"name": draw(free_text)}) for p in policy.people]
    alerts = [
        a.model_copy(update={"meaning": draw(free_text), "response": draw(free_text)}) for a in policy.alerts
    ]
    rotations = [r.model_copy(update={"name": draw(pagerduty_names)}) for r in policy.rotations]
    organisation = policy.organisation.model_copy(update={"name": draw(free_text)})
    update: dict[str, Any] = {
        "people": tuple(draw(st.permutations(people))),
        "alerts": tuple(alerts),
        "rotations": tuple(rotations),
        "organisation": organisation,
    }
    return policy.model_copy(update=update)


#: Characters the parsers, or the tools after them, read differently: controls, YAML 1.1's line
#: breaks, byte order marks, and the line breaks and TAB that are allowed.
ODD_CHARACTERS = [
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\x0b",
    "\x0c",
]
ALLOWED_CHARACTERS = ["\t", "\r", "\r\n", "\n", "\xa0", "\u200b", "\U0001f525"]
#: Double-quoted scalars whose escapes make those characters (and some allowed ones).
ESCAPED = [
    '"\\e"',
    '"\\0"',
    '"\\a"',
    '"\\x1b[31m"',
    '"\\x07"',
    '"\\u0085"',
    '"\\N"',
    '"\\L"',
    '"\\P"',
    '"\\r"',
    '"\\v"',
    '"\\uFEFF"',
    '"a\\tb"',
    '"a\\nb"',
    '"\\_"',
    '"\\U0001F525"',
    '"\\ud800"',
    '"\\x7f"',
]
#: Integers at and past 64 bits, and past Python's 4,300-digit conversion limit.
HUGE_NUMBERS = [
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "0x7fffffffffffffff",
    "0x8000000000000000",
    "0o1000000000000000000000",
    "9" * 4301,
    "1" * 5000,
]

#: Scalars that YAML readers disagree about, or that stress quoting and parsing.
tricky_scalars = st.sampled_from(
    [
        "on",
        "off",
        "yes",
        "No",
        "y",
        "~",
        "null",
        "true",
        "False",
        "09:00",
        "1:30:00",
        "017",
        "0o17",
        "0x1F",
        "1_000",
        "1e3",
        ".inf",
        "-.inf",
        ".nan",
        "12",
        "-3",
        "0",
        "'quoted'",
        '"dq\\n"',
        "|\n  block\n",
        ">\n  folded\n",
        "&a x",
        "*a",
        "!!str 5",
        "!custom x",
        "[a, b]",
        "{a: 1}",
        "{a: https://x.example/y}",
        "x # comment",
        "'it''s'",
        '"\\u00e9"',
        "[",
        "}",
        ": x",
        "- x",
        "é",
        "\t",
        "%",
        "@x",
        "`x",
        "? x",
        "<< : {a: 1}",
        "2025-12-29",
        "2025-12-29T09:00:00Z",
        *ESCAPED,
        *HUGE_NUMBERS,
        "[|b]",
        "{?b: 1}",
        "{k:, b}",
        "[b :]",
        "|",
        ">-",
        "? {a: 1}",
    ]
)


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    """A valid policy text after one or more edits of the kinds that break files: bytes deleted,
    duplicated or swapped; a key renamed; a value replaced by another kind of value (an escape,
    a huge integer, a flow collection); an odd character inserted anywhere (comments too); a
    byte order mark at the start, twice, or at a line's start; line breaks made CR LF or CR."""
    text = TEXTS[draw(st.sampled_from(sorted(TEXTS)))]
    for _ in range(draw(st.integers(1, 3))):
        text = draw(st.sampled_from(MUTATIONS))(draw, text)
    return text


def _span(draw: st.DrawFn, text: str) -> tuple[int, int]:
    start = draw(st.integers(0, max(0, len(text) - 1)))
    return start, min(len(text), start + draw(st.integers(0, 80)))


def _delete(draw: st.DrawFn, text: str) -> str:
    start, end = _span(draw, text)
    return text[:start] + text[end:]


def _duplicate(draw: st.DrawFn, text: str) -> str:
    start, end = _span(draw, text)
    return text[:end] + text[start:end] + text[end:]


def _swap(draw: st.DrawFn, text: str) -> str:
    (a, b), (c, d) = sorted([_span(draw, text), _span(draw, text)])
    if b > c:
        return text
    return text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:]


def _lines_with_values(text: str) -> list[int]:
    return [
        i for i, line in enumerate(text.splitlines()) if ": " in line and not line.lstrip().startswith("#")
    ]


def _rename_key(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines(keepends=True)
    candidates = _lines_with_values(text)
    if not candidates:
        return text
    i = draw(st.sampled_from(candidates))
    key, _, rest = lines[i].partition(": ")
    indent = key[: len(key) - len(key.lstrip())]
    lines[i] = f"{indent}{draw(st.sampled_from(['nmae', 'id', 'severity', 'x', 'roles', 'on']))}: {rest}"
    return "".join(lines)


def _retype(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines(keepends=True)
    candidates = _lines_with_values(text)
    if not candidates:
        return text
    i = draw(st.sampled_from(candidates))
    key, _, _ = lines[i].partition(": ")
    lines[i] = f"{key}: {draw(tricky_scalars)}\n"
    return "".join(lines)


def _long(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


#: Lengths of long free text: about the 500 a PagerDuty name may have, the 700 of a schedule's
#: description, PagerDuty's 1,000, and the model's 10,000.
_long_lengths = st.one_of(
    st.integers(490, 510), st.integers(680, 720), st.integers(980, 1020), st.just(10_000)
)


@st.composite
def any_text(draw: st.DrawFn, long_percent: int = 10) -> str:
    """Free text of any length the model allows: short, or (``long_percent`` of the time) a
    short text repeated to a length near a limit."""
    text = draw(free_text)
    if draw(st.integers(0, 99)) < long_percent:
        text = _long(text, draw(_long_lengths))
    return text if secret(text) is None else "x"


@st.composite
def any_name(draw: st.DrawFn, long_percent: int = 10) -> str:
    """A name for a PagerDuty object: mostly one PagerDuty accepts, sometimes any text (which
    the model refuses when PagerDuty would)."""
    if draw(st.integers(0, 39)) == 0:
        return draw(any_text(long_percent))
    name = draw(pagerduty_names)
    if draw(st.integers(0, 99)) < long_percent:
        name = _long(name, draw(_long_lengths)).strip() or "x"
    return name


_FREE_TEXT_TYPES = (PagerDutyName, PagerDutyText, PagerDutyAddendum, Text)
_KEPT = {("Reason", "description")}  # a silence reason's patterns must match its description


def _free_text_type(model: type[BaseModel], name: str) -> Any | None:
    field = model.model_fields[name]
    if (model.__name__, name) in _KEPT:
        return None
    for alias in _FREE_TEXT_TYPES:
        metadata = FieldInfo.from_annotation(alias).metadata
        if alias in get_args(field.annotation) or (field.annotation is str and field.metadata == metadata):
            return alias
    return None


def _rewrite(draw: st.DrawFn, value: Any, long_percent: int) -> Any:
    """``value`` with every free-text field of every model in it redrawn."""
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            field_value = getattr(value, name)
            kind = _free_text_type(type(value), name) if isinstance(field_value, str) else None
            if kind is None:
                update[name] = _rewrite(draw, field_value, long_percent)
            else:
                text = any_name(long_percent) if kind is PagerDutyName else any_text(long_percent)
                update[name] = draw(text)
        return value.model_copy(update=update)
    if isinstance(value, tuple):
        return tuple(_rewrite(draw, item, long_percent) for item in value)
    if isinstance(value, dict):
        return {key: _rewrite(draw, item, long_percent) for key, item in value.items()}
    return value


@st.composite
def policies_with_any_text(draw: st.DrawFn) -> Policy:
    """An example policy, or one drawn by ``tests.strategies.policies`` (any routing shape), with
    every free-text field (names, descriptions, meanings, responses …) redrawn: any characters a
    policy may hold, any length the model allows. Built without validation, as a person could
    write it: ``check`` may refuse it."""
    base = draw(st.one_of(st.sampled_from(sorted(POLICIES)).map(POLICIES.__getitem__), policies()))
    # A policy has dozens of free-text fields: most draws keep them all short, so that most
    # policies pass ``check`` and reach the compiler; some make a few, or many, long.
    policy: Policy = _rewrite(draw, base, draw(st.sampled_from([0, 0, 0, 3, 20])))
    return policy


def _insert_character(draw: st.DrawFn, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(ODD_CHARACTERS + ALLOWED_CHARACTERS)) + text[at:]


def _byte_order_mark(draw: st.DrawFn, text: str) -> str:
    where = draw(st.sampled_from(["start", "twice", "line"]))
    if where != "line":
        return "\ufeff" * (1 if where == "start" else 2) + text
    lines = text.splitlines(keepends=True)
    i = draw(st.integers(0, len(lines) - 1))
    return "".join([*lines[:i], "\ufeff" + lines[i], *lines[i + 1 :]])


def _line_breaks(draw: st.DrawFn, text: str) -> str:
    return text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))


def _flow_collection(draw: st.DrawFn, text: str) -> str:
    """A value replaced by a flow list or mapping of up to a few hundred items."""
    lines = text.splitlines(keepends=True)
    candidates = _lines_with_values(text)
    if not candidates:
        return text
    i = draw(st.sampled_from(candidates))
    n = draw(st.integers(0, 300))
    items = draw(st.sampled_from(["[{}]", "{{{}}}"])).format(", ".join(f"k{j}" for j in range(n)))
    key, _, _ = lines[i].partition(": ")
    lines[i] = f"{key}: {items}\n"
    return "".join(lines)


MUTATIONS = [
    _delete,
    _duplicate,
    _swap,
    _rename_key,
    _retype,
    _insert_character,
    _byte_order_mark,
    _line_breaks,
    _flow_collection,
]

"""Hypothesis strategies for the loader's properties: valid policies with arbitrary text, and
texts made by mutating valid policy files the ways people and tools break them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from oncall_policy.leaks.kinds import secret
from oncall_policy.load import load_policy
from oncall_policy.model import Policy

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "clipper": ROOT / "policy.yaml",
    "acme": ROOT / "examples" / "acme" / "policy.yaml",
    "minimal": ROOT / "tests" / "policies" / "minimal.yaml",
}
TEXTS = {name: path.read_text(encoding="utf-8") for name, path in SOURCES.items()}
POLICIES = {name: load_policy(path) for name, path in SOURCES.items()}

#: Any non-empty text a person might write in a free-text field (no surrogates; never a secret).
free_text = st.text(min_size=1, max_size=40).filter(lambda s: secret(s) is None)


@st.composite
def valid_policies(draw: st.DrawFn) -> Policy:
    """An example policy with every person's name, every alert's meaning and response, and every
    rotation's name replaced by arbitrary text, and its people shuffled: valid by construction."""
    policy = POLICIES[draw(st.sampled_from(sorted(POLICIES)))]
    people = [p.model_copy(update={"name": draw(free_text)}) for p in policy.people]
    alerts = [
        a.model_copy(update={"meaning": draw(free_text), "response": draw(free_text)}) for a in policy.alerts
    ]
    rotations = [r.model_copy(update={"name": draw(free_text)}) for r in policy.rotations]
    organisation = policy.organisation.model_copy(update={"name": draw(free_text)})
    update: dict[str, Any] = {
        "people": tuple(draw(st.permutations(people))),
        "alerts": tuple(alerts),
        "rotations": tuple(rotations),
        "organisation": organisation,
    }
    return policy.model_copy(update=update)


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
    ]
)


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    """A valid policy text after one or more edits of the kinds that break files: bytes deleted,
    duplicated or swapped; a key renamed; a value replaced by another kind of value."""
    text = TEXTS[draw(st.sampled_from(sorted(TEXTS)))]
    for _ in range(draw(st.integers(1, 3))):
        text = draw(st.sampled_from([_delete, _duplicate, _swap, _rename_key, _retype]))(draw, text)
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

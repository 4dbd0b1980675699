"""Properties of the loader, each stated in its test's docstring."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.checks.checked import load_policy_bytes, load_policy_text
from oncall_policy.errors import PolicyError
from oncall_policy.load import bounds, fast, positional
from oncall_policy.load.dump import dump_policy
from oncall_policy.model import Policy
from oncall_policy.problems import Problem
from tests.conftest import ROOT
from tests.strategies_load import (
    ALLOWED_CHARACTERS,
    ODD_CHARACTERS,
    mutated_texts,
    tricky_scalars,
    valid_policies,
)


@given(valid_policies())
def test_dump_then_load_gives_an_equal_policy(policy: Policy):
    """(a) Dumping any valid policy and loading the text back gives an equal model."""
    assert load_policy_text(dump_policy(policy), "dumped.yaml") == policy


def _problems(raw: bytes, name: str) -> list[Problem] | None:
    """The problems of a file (``None`` when it is a valid policy); any other exception escapes."""
    try:
        load_policy_bytes(raw, name)
    except PolicyError as error:
        return error.problems
    return None


def _yaml_lines(text: str) -> int:
    """Lines as YAML 1.2 counts them: broken by LF, CR LF and CR only."""
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


@given(mutated_texts())
def test_loader_is_total(text: str):
    """(b) Any mutation of a valid file yields a Policy or our PolicyError whose every problem
    has a line and column of at least 1, on a line the file has as YAML counts lines (a NEL or
    LINE SEPARATOR starts none) — never another exception."""
    problems = _problems(text.encode("utf-8"), "mutated.yaml")
    if problems is not None:
        assert problems
        assert all(p.line >= 1 and p.column >= 1 and p.path == "mutated.yaml" for p in problems)
        assert all(p.line <= _yaml_lines(text) for p in problems)


@given(st.binary(max_size=200))
def test_loader_is_total_on_arbitrary_bytes(raw: bytes):
    """(b) Even bytes that are not a policy at all give PolicyError, never another exception."""
    problems = _problems(raw, "noise.yaml")
    assert problems  # no random bytes make a valid policy
    assert all(p.line >= 1 and p.column >= 1 for p in problems)


def _same(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN and keeps bool and int apart."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _outcome(text: str, *, fast_path: bool) -> Policy | list[Problem]:
    try:
        return load_policy_text(text, "p.yaml", fast_path=fast_path)
    except PolicyError as error:
        return error.problems


def _assert_paths_agree(text: str) -> None:
    data = fast.parse(text)
    if data is not None:
        document = positional.read(text, "p.yaml")
        assert document.problems == [], "the fast path accepted text the positional path refuses"
        assert _same(data, document.data)
    assert _outcome(text, fast_path=True) == _outcome(text, fast_path=False)


@given(mutated_texts())
def test_fast_path_reads_what_the_position_keeping_path_reads(text: str):
    """(c) Whenever the fast path accepts a text, the position-keeping path finds no YAML problem
    in it and yields exactly the same data; and the loader answers the same with the fast path
    as without it: the same policy, or the same problems at the same places. Mutations include
    control characters, Unicode line separators, byte order marks, escapes, huge integers and
    flow collections."""
    _assert_paths_agree(text)


_KEYS = st.sampled_from(["a", "b", "on", "k", '"\\e"', '"k\\tk"', "'a\nb'", "9" * 30])


@given(st.lists(st.tuples(_KEYS, tricky_scalars), min_size=1, max_size=5))
def test_fast_path_agrees_on_tricky_scalars(pairs: list[tuple[str, str]]):
    """(c) The same, on small documents made of the scalars YAML readers disagree about, escapes
    that make control characters, and integers past 64 bits."""
    _assert_paths_agree("".join(f"{key}: {value}\n" for key, value in pairs))


@given(
    st.lists(
        st.sampled_from([*ODD_CHARACTERS, *ALLOWED_CHARACTERS, "# c", "a: ", "- ", "\n", "  ", "x"]),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["", "\ufeff", "\ufeff\ufeff"]),
)
def test_fast_path_agrees_on_odd_characters(pieces: list[str], start: str):
    """(c) The same, on small documents of odd characters: controls, NEL and the Unicode line
    and paragraph separators, byte order marks (at the start, twice, anywhere)."""
    _assert_paths_agree(start + "".join(pieces))


def _collection(shape: str, items: int, item: str) -> str:
    """A YAML collection of ``items`` items, each ``item`` (a scalar or a small collection)."""
    if shape == "flow list":
        return "[" + ", ".join([item or "''"] * items) + "]"
    if shape == "flow mapping":
        return "{" + ", ".join(f"k{i}: {item}" for i in range(items)) + "}"
    if shape == "block list":
        return "".join(f"\n  - {item}" for _ in range(items)) or "[]"
    return "".join(f"\n  k{i}: {item}" for i in range(items)) or "{}"


@given(
    st.integers(1, 60),
    st.integers(0, 80),
    st.sampled_from(["flow list", "flow mapping", "block list", "block mapping"]),
    st.sampled_from(["x", "", "[x, y]", "{a: b}"]),
)
def test_both_paths_hold_the_node_cap(cap: int, items: int, shape: str, item: str):
    """(c) The node cap holds on both paths, at the same node: a collection of ``items`` items
    under a cap of ``cap`` nodes (the real cap is a million; the rule does not depend on it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bounds, "MAX_NODES", cap)
        _assert_paths_agree(f"version: oncall-policy/v1\nx: {_collection(shape, items, item)}\n")


@given(st.integers(90, 110), st.sampled_from(["[", "{a: "]))
def test_both_paths_hold_the_depth_cap(depth: int, opening: str):
    """(c) The nesting cap (100) holds on both paths."""
    closing = "]" if opening == "[" else "}"
    _assert_paths_agree(f"version: oncall-policy/v1\nx: {opening * depth}1{closing * depth}\n")


@given(valid_policies())
def test_fast_path_and_positional_path_give_equal_policies(policy: Policy):
    """(c) On valid policies both paths build equal models."""
    text = dump_policy(policy)
    data = fast.parse(text)
    document = positional.read(text, "p.yaml")
    assert data is not None or document.problems == []
    if data is not None:
        assert Policy.model_validate(data) == Policy.model_validate(document.data)


MINIMAL = (ROOT / "tests" / "policies" / "minimal.yaml").read_text()


@pytest.mark.parametrize(
    ("broken", "refused"),
    [
        pytest.param("  - {id: max, a key\n name: Max,", True, id="a key continued on the next line"),
        pytest.param("  - {id: max, name: Max\n   ,", False, id="a break before the comma"),
        pytest.param('  - {id: max, name: "Max\n   ",', False, id="a quoted scalar across lines"),
    ],
)
def test_a_multiline_flow_collection_the_rust_parser_may_misread_is_left_to_libyaml(
    broken: str, refused: bool
):
    """Found by the mutation property: the Rust parser takes a plain scalar continued on the next
    line inside a flow mapping, even as a key, where libyaml refuses the text. Flow collections
    that break lines anywhere but after a comma or their bracket are read by libyaml alone."""
    text = MINIMAL.replace("  - {id: max, name: Max,", broken, 1)
    assert text != MINIMAL
    assert fast.parse(text) is None
    problems = positional.read(text, "p.yaml").problems
    assert [problem.rule for problem in problems] == (["yaml-syntax"] if refused else [])

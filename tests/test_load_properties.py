"""Properties of the loader, each stated in its test's docstring."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.load import dump_policy, fast, load_policy_bytes, load_policy_text, positional
from oncall_policy.model import Policy
from oncall_policy.problems import PolicyError, Problem
from tests.conftest import ROOT
from tests.strategies_load import mutated_texts, tricky_scalars, valid_policies


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


@given(mutated_texts())
def test_loader_is_total(text: str):
    """(b) Any mutation of a valid file yields a Policy or our PolicyError whose every problem
    has a line and column of at least 1 — never another exception."""
    problems = _problems(text.encode("utf-8"), "mutated.yaml")
    if problems is not None:
        assert problems
        assert all(p.line >= 1 and p.column >= 1 and p.path == "mutated.yaml" for p in problems)


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


def _assert_paths_agree(text: str) -> None:
    data = fast.parse(text)
    if data is None:
        return  # the fast path declined: only the position-keeping path speaks
    document = positional.read(text, "p.yaml")
    assert document.problems == [], "the fast path accepted text the positional path refuses"
    assert _same(data, document.data)


@given(mutated_texts())
def test_fast_path_reads_what_the_position_keeping_path_reads(text: str):
    """(c) Whenever the fast path accepts a text, the position-keeping path finds no YAML problem
    in it and yields exactly the same data — so both give the same model, or the same errors."""
    _assert_paths_agree(text)


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "on", "k"]), tricky_scalars), min_size=1, max_size=5))
def test_fast_path_agrees_on_tricky_scalars(pairs: list[tuple[str, str]]):
    """(c) The same, on small documents made of the scalars YAML readers disagree about."""
    _assert_paths_agree("".join(f"{key}: {value}\n" for key, value in pairs))


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

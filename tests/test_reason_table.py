"""A reason's table (written at ``compile``, run without RE2) finds what RE2 finds.

RE2 searching the reason's ``source`` is the reference: the table must agree with it on every
comment, for random Go patterns (with the contexts ``\\b`` and ``^`` look at around a match) and for
every reason of the example policies. A damaged table is refused whole, never half run.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.matching import search
from oncall_policy.matching.search import Searcher
from oncall_policy.silence import tabulate
from oncall_policy.silence.reason_table import SMALL, Table
from tests.conftest import ACME, CLIPPER, GLOBEX
from tests.strategies_regex import TEXT, patterns_with_values

AROUND = st.sampled_from(["", " ", "x", "_", "\n", "é", "K", "ſ", "-", "9"])


def _table(patterns: list[str]) -> Table | None:
    built = tabulate.build(patterns)
    return None if built is None else Table(json.loads(json.dumps(built)))


@given(patterns_with_values(poison=False), st.lists(st.tuples(AROUND, AROUND, TEXT), max_size=4))
def test_a_table_finds_what_re2_finds(case: tuple[str, tuple[str, ...]], wrappings: list[Any]) -> None:
    """For any Go pattern and any comment around its own examples, the table and RE2 agree."""
    pattern, values = case
    table = _table([pattern])
    if table is None:  # past the budget, the reason keeps RE2
        return
    reference = Searcher(search.source([pattern]))
    texts = [
        *values,
        *(before + value + after + more for value in values for before, after, more in wrappings),
    ]
    for text in texts:
        assert table.found(text) == reference.found(text), (pattern, text)


@pytest.mark.parametrize("policy", [CLIPPER, ACME, GLOBEX], ids=["clipper", "acme", "globex"])
def test_every_example_reason_has_a_table(policy: Any) -> None:
    from oncall_policy.silence import source  # noqa: PLC0415

    rules = source.load(policy).rules
    for reason in (*rules.valid, *rules.invalid):
        assert tabulate.build(reason.patterns) is not None, reason.id


GOOD = tabulate.build([r"\bmaint"])
assert GOOD is not None


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param({"format": "contains-dfa/0"}, id="other-format"),
        pytest.param({"next": GOOD["next"][:-4]}, id="short-table"),
        pytest.param({"next": "ffff" + GOOD["next"][4:]}, id="cell-past-dead"),
        pytest.param({"next": f"{GOOD['dead'] + 1:02x}" + GOOD["next"][2:]}, id="cell-just-past-dead"),
        pytest.param({"classes": [0] * 127}, id="short-classes"),
        pytest.param({"classes": [GOOD["width"]] * 128}, id="class-out-of-range"),
        pytest.param({"start": "0"}, id="start-not-an-integer"),
        pytest.param({"start": True}, id="start-a-boolean"),
        pytest.param({"wide": [129, 0]}, id="wide-not-from-128"),
        pytest.param({"next": "zz" + GOOD["next"][2:]}, id="not-hex"),
        pytest.param({"next": GOOD["next"][:-2]}, id="half-a-cell"),
        pytest.param({"next": None}, id="no-cells"),
    ],
)
def test_a_damaged_table_is_refused(damage: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="reason table"):
        Table({**GOOD, **damage})


@pytest.mark.parametrize("text", ["maint\udc80", "\ud800 maint", "x\udfff\udfffmaint", "a \ufffd b"])
def test_a_lone_surrogate_is_read_as_re2_reads_it(text: str) -> None:
    table = _table([r"\bmaint\b", "\ufffd"])
    assert table is not None
    assert table.found(text) == Searcher(search.source([r"\bmaint\b", "\ufffd"])).found(text)


def test_a_table_of_more_than_256_states_finds_what_re2_finds() -> None:
    """Past 256 states a cell takes two bytes (read big-endian on every machine)."""
    patterns = [r"a[ab]{8}x"]
    built = tabulate.build(patterns)
    assert built is not None
    assert built["dead"] >= SMALL
    table, reference = Table(built), Searcher(search.source(patterns))
    texts = ["a" + "b" * 8 + "x", "ab" * 9 + "x", "b" * 9 + "x", "aaaaabbbbx", "é" + "a" * 9 + "X"]
    assert [table.found(text) for text in texts] == [reference.found(text) for text in texts]
    assert any(table.found(text) for text in texts)

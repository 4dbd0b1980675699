"""``UNDECIDED`` at run time (``matching.budget``) behaves as the one-member ``Enum`` it replaces,
and the one that mypy still sees."""

from __future__ import annotations

import copy
import pickle
from enum import Enum
from typing import NoReturn

import pytest

from oncall_policy.matching import budget, syntax
from oncall_policy.matching.budget import UNDECIDED, Undecided
from oncall_policy.matching.language import Language


class EnumUndecided(Enum):
    """``budget.Undecided`` as it was."""

    UNDECIDED = "UNDECIDED"

    def __bool__(self) -> NoReturn:
        raise TypeError("UNDECIDED is neither true nor false: test `is UNDECIDED` first")

    def __repr__(self) -> str:
        return "UNDECIDED"

    def __str__(self) -> str:
        return "UNDECIDED"


OLD = EnumUndecided.UNDECIDED


def test_undecided_is_what_the_enum_member_was():
    assert Undecided.UNDECIDED is UNDECIDED
    assert isinstance(UNDECIDED, Undecided)
    assert (UNDECIDED.name, UNDECIDED.value) == (OLD.name, OLD.value)
    assert (repr(UNDECIDED), str(UNDECIDED), f"{UNDECIDED}") == (repr(OLD), str(OLD), f"{OLD}")
    assert copy.copy(UNDECIDED) is UNDECIDED
    assert copy.deepcopy([UNDECIDED])[0] is UNDECIDED
    assert pickle.loads(pickle.dumps(UNDECIDED)) is UNDECIDED  # noqa: S301 - our own bytes
    assert [UNDECIDED] == [budget.UNDECIDED]
    assert OLD.value != UNDECIDED
    assert UNDECIDED is not None
    assert {UNDECIDED: 1}[budget.UNDECIDED] == 1


def test_undecided_is_neither_true_nor_false():
    for member in (UNDECIDED, OLD):
        with pytest.raises(TypeError, match="neither true nor false") as raised:
            bool(member)
        with pytest.raises(TypeError):
            _ = not member
        assert str(raised.value) == "UNDECIDED is neither true nor false: test `is UNDECIDED` first"


def test_a_query_out_of_budget_answers_undecided():
    """The language engine, which returns it, still returns this one object."""
    language = Language.of_tree(syntax.parse("(a|aa){1000}b"))
    assert language.is_empty(budget.Budget(states=2, steps=10)) is UNDECIDED

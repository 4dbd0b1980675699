"""Label names read by hand (``matchers``, ``silence.shape``) as the regexes they replace read them,
and ``matchers.Op`` behaving as the ``Enum`` it replaces.

The regexes and the Enum are kept here as the reference: the modules no longer import ``re`` or
``enum``.
"""

from __future__ import annotations

import copy
import pickle
import re
from enum import Enum

import pytest
from hypothesis import given, settings

from oncall_policy.matchers import Op, is_label_name
from oncall_policy.silence.shape import is_silence_label
from tests.strategies_text import mutated, texts

# A matcher's label name (Alertmanager 0.25's parser), and a silence's (its API's validation).
LABEL_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
SILENCE_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")

NAME_PIECES = ("alertname", "_", ":", "a", "Z", "0", "9", "__name__", "job:rate5m", "-", ".", "é", "ſ", "K")


@settings(max_examples=2000)
@given(texts(*NAME_PIECES) | texts(*NAME_PIECES).flatmap(mutated))
def test_label_names_read_as_the_regexes_read_them(text):
    assert is_label_name(text) == (LABEL_NAME.fullmatch(text) is not None)
    assert is_silence_label(text) == (SILENCE_LABEL.fullmatch(text) is not None)


def test_the_tricky_names_by_name():
    for text in ["", "a", "_", ":", "0", "a0", "0a", "a:b", ":a", "a b", "a\n", "\na", "é", "ａ", "a١", "K"]:
        assert is_label_name(text) == (LABEL_NAME.fullmatch(text) is not None), text
        assert is_silence_label(text) == (SILENCE_LABEL.fullmatch(text) is not None), text


class EnumOp(Enum):
    """``matchers.Op`` as it was."""

    EQUAL = "="
    NOT_EQUAL = "!="
    REGEX = "=~"
    NOT_REGEX = "!~"

    @property
    def is_regex(self) -> bool:
        return self in (EnumOp.REGEX, EnumOp.NOT_REGEX)

    @property
    def is_negative(self) -> bool:
        return self in (EnumOp.NOT_EQUAL, EnumOp.NOT_REGEX)


@pytest.mark.parametrize("old", list(EnumOp), ids=lambda old: old.name)
def test_an_op_is_what_the_enum_member_was(old):
    op = Op(old.value)
    assert op is getattr(Op, old.name)
    assert (op.name, op.value, op.is_regex, op.is_negative) == (
        old.name,
        old.value,
        old.is_regex,
        old.is_negative,
    )
    assert repr(op) == repr(old).replace("EnumOp", "Op")
    assert str(op) == f"{op}" == str(old).replace("EnumOp", "Op")
    assert copy.copy(op) is op
    assert copy.deepcopy(op) is op
    assert pickle.loads(pickle.dumps(op)) is op  # noqa: S301 - our own bytes
    assert op == Op(old.value)
    assert {op: 1}[Op(old.value)] == 1
    assert [other for other in (Op.EQUAL, Op.NOT_EQUAL, Op.REGEX, Op.NOT_REGEX) if other == op] == [op]
    with pytest.raises(AttributeError):
        op.value = "x"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "==", "~=", "=~ ", "EQUAL", "Op.EQUAL"])
def test_an_unknown_op_is_refused_as_the_enum_refused_it(text):
    with pytest.raises(ValueError, match="is not a valid") as new:
        Op(text)
    with pytest.raises(ValueError, match="is not a valid") as old:
        EnumOp(text)
    assert str(new.value) == str(old.value).replace("EnumOp", "Op")


@pytest.mark.parametrize("value", [None, 1, b"job", bytearray(b"")])
def test_what_is_not_text_is_a_type_error_as_for_the_regex(value):
    with pytest.raises(TypeError):
        LABEL_NAME.fullmatch(value)
    with pytest.raises(TypeError):
        is_label_name(value)

"""People's addresses (``silence.people``) and window ids in comments (``silence.maintenance``)
read by hand as the regular expressions they replace read them.

The regexes are kept here as the reference: the modules no longer import ``re``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy.people import address, angled, is_plain
from oncall_policy.silence import comment as comments
from oncall_policy.silence.maintenance import mentions
from tests.strategies_text import SPACES, mutated, texts

# people.py: ``Name <address>``, then a plain address, each matched in full.
ANGLE = re.compile(r"[^<>]*<([^<>]*)>\s*")
PLAIN = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")
# maintenance.py: a window id as a whole token, searched.
ID_CHARS = "A-Za-z0-9_.-"


def mentions_by_regex(comment: str, window_id: str) -> bool:
    return re.search(rf"(?<![{ID_CHARS}]){re.escape(window_id)}(?![{ID_CHARS}])", comment) is not None


def address_by_regex(text: str) -> str | None:
    text = text.strip()
    found = ANGLE.fullmatch(text)
    if found is not None:
        text = found[1].strip()
    return text if PLAIN.fullmatch(text) else None


ADDRESS_PIECES = (
    "manager-x@clipper.app",
    "Manager X ",
    "<",
    ">",
    "@",
    "+alt",
    "a",
    "Z",
    "0",
    ".",
    "-",
    "'",
    "`",
    "~",
    '"',
    "(c)",
    ",",
    "ａ",
    "é",
    *SPACES,
)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    """``Name <local@domain>`` and plain addresses, spaces around, then perhaps changed."""
    local = draw(st.sampled_from(["engineer-a", "a.b+c", "o'brien", "x", ""]))
    domain = draw(st.sampled_from(["clipper.app", "clipper.app.", "b", ""]))
    text = f"{local}@{domain}"
    if draw(st.booleans()):
        text = f"{draw(st.sampled_from(['', 'Name ', 'A <b> ']))}<{text}>"
    space = st.sampled_from(["", *SPACES])
    text = f"{draw(space)}{text}{draw(space)}"
    return draw(st.just(text) | mutated(text) | mutated(text).flatmap(mutated))


@settings(max_examples=1000)
@given(addresses() | texts(*ADDRESS_PIECES))
def test_addresses_read_as_the_regexes_read_them(text):
    found = ANGLE.fullmatch(text)
    assert angled(text) == (None if found is None else found[1])
    assert is_plain(text) == (PLAIN.fullmatch(text) is not None)
    assert address(text) == address_by_regex(text)


ID_PIECES = ("CHG-12", "CHG-123", "chg-12", "-", ".", "_", "a", "0", " ", "(", ")", ",", "é", "١", "\n")


@settings(max_examples=1000)
@given(
    texts(*ID_PIECES, max_pieces=8),
    st.sampled_from(["CHG-12", "", "-", ".", "a.b", "é", "١", " ", "CHG-12 ", "(x)", "\\d"])
    | texts(*ID_PIECES),
)
def test_window_ids_found_as_the_regex_finds_them(comment, window_id):
    assert mentions(comment, window_id) == mentions_by_regex(comment, window_id)
    around = f"during {window_id}, then"
    assert mentions(around, window_id) == mentions_by_regex(around, window_id)


def test_the_tricky_cases_by_name():
    for comment, window_id in [
        ("CHG-123", "CHG-12"),
        ("CHG-12.", "CHG-12"),
        ("(CHG-12)", "CHG-12"),
        ("aaa", "aa"),
        ("a aa", "aa"),
        ("", ""),
        ("x", ""),
        ("é", ""),
        ("CHG-12éx", "CHG-12"),
    ]:
        assert mentions(comment, window_id) == mentions_by_regex(comment, window_id), (comment, window_id)
    for text in [
        "Name <a@b>",
        "<a@b> ",
        "<a@b>\u3000",
        "<a@b>\u200b",
        "a <b> <c@d>",
        "<<a@b>",
        "a@b@c",
        "@b",
        "a@",
    ]:
        assert address(text) == address_by_regex(text), text


def test_pythons_unicode_whitespace_is_str_isspace():
    r"""``angled`` reads the regex's ``\s`` as ``str.isspace``: the same set, every code point."""
    space = re.compile(r"\s")
    assert [c for c in map(chr, range(0x110000)) if (space.fullmatch(c) is not None) != c.isspace()] == []


@pytest.mark.parametrize("value", [None, 1, b"during CHG-12"])
def test_a_comment_that_is_not_text_is_a_type_error_as_for_the_regex(value):
    with pytest.raises(TypeError):
        mentions_by_regex(value, "CHG-12")
    with pytest.raises(TypeError):
        mentions(value, "CHG-12")


# comment.py: an approval record at the end of a comment, compiled only when one may be there.
RECORD = re.compile(r"\s*\[approved-by:(?P<body>[^\[\]]*)\]\s*$")
ENTRY = re.compile(r"\s*(?P<email>[^\s,()]+)\s*(?:\((?P<roles>[^()]*)\))?\s*")


def read_by_regex(text: str) -> tuple[str, tuple[str, ...]]:
    found = RECORD.search(text)
    if found is None:
        return text, ()
    emails = [m["email"] for part in found["body"].split(",") if (m := ENTRY.fullmatch(part))]
    return text[: found.start()], tuple(emails)


@settings(max_examples=1000)
@given(texts("[approved-by:", "[approved-by: a@b.c (manager)]", "[", "]", ",", "(", ")", " ", "x@y.z", "\n"))
def test_approval_records_read_as_before(text):
    assert comments.read(text) == read_by_regex(text)

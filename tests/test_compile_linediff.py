"""The unified diffs of ``compile --check``: correct, bounded in length, and cheap on any change."""

from __future__ import annotations

import difflib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.output import linediff
from oncall_policy.output.linediff import unified

HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n")

# Lines from a small alphabet, so that texts share lines, repeat them, and differ in places.
lines = st.lists(
    st.sampled_from(["a\n", "b\n", "c\n", "d\n", "e\n", "unique-1\n", "unique-2\n", "x"]), max_size=40
)


def apply(before: str, diff: str) -> str:
    """``before`` patched with ``diff``, checking every hunk's header and context on the way."""
    old = before.splitlines(keepends=True)
    body = diff.splitlines(keepends=True)
    assert body[:2] == ["--- a/f\n", "+++ b/f\n"]
    new: list[str] = []
    at, index = 0, 2
    while index < len(body):
        header = HUNK.fullmatch(body[index])
        assert header, body[index]
        start, length = int(header[1]), int(header[2] or 1)
        first = start - 1 if length else start
        new += old[at:first]
        at, index, taken, given_ = first, index + 1, 0, 0
        while index < len(body) and not body[index].startswith("@@"):
            sign, line = body[index][0], body[index][1:]
            if sign in " -":
                assert old[at].rstrip("\n") == line.rstrip("\n")
                at, taken = at + 1, taken + 1
            if sign in " +":
                new.append(line)
                given_ += 1
            index += 1
        assert taken == length
        assert given_ == int(header[4] or 1)
    return "".join(new + old[at:])


def _same_lines(a: str, b: str) -> bool:
    """Equal but for a missing newline at the very end, which unified diffs do not mark here."""
    return a.rstrip("\n") == b.rstrip("\n") and a.splitlines() == b.splitlines()


@given(lines, lines)
def test_applying_the_diff_gives_the_new_text(before: list[str], after: list[str]):
    old, new = "".join(before), "".join(after)
    diff = unified("f", old, new)
    assert diff.shown == diff.total
    if old.splitlines() == new.splitlines():
        assert diff.text == ""
    else:
        assert _same_lines(apply(old, diff.text), new)


@given(lines, lines, st.integers(min_value=0, max_value=20))
def test_a_long_diff_stops_at_a_valid_hunk(before: list[str], after: list[str], most: int):
    diff = unified("f", "".join(before), "".join(after), max_lines=most)
    assert diff.shown <= min(most, diff.total)
    assert sum(line[:1] in "+-" for line in diff.text.splitlines()[2:]) == diff.shown
    if diff.text:
        apply("".join(before), diff.text)  # every hunk's header and context agree with the old text


def test_a_small_change_reads_as_difflib_writes_it():
    before = "".join(f"line {n}\n" for n in range(30))
    after = before.replace("line 7\n", "line seven\n").replace("line 20\n", "")
    expected = "".join(
        difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), "a/f", "b/f")
    )
    assert unified("f", before, after).text == expected


def test_a_change_all_through_a_large_file_only_gives_difflib_small_stretches(monkeypatch):
    """A change in every one of 20,000 alerts of a 100,000-line file (two lines changed, one
    added, as moving ``runbook_base_url`` and more would): the quadratic aligner only ever sees
    the few lines between two that did not change."""
    given_sizes: list[int] = []
    matcher = difflib.SequenceMatcher

    def counted(
        junk: object, a: list[str], b: list[str], autojunk: bool = True
    ) -> difflib.SequenceMatcher[str]:
        given_sizes.append(len(a) * len(b))
        return matcher(None, a, b, autojunk=autojunk)

    monkeypatch.setattr(linediff.difflib, "SequenceMatcher", counted)
    before = "".join(
        f"- alert: A{n}\n  severity: P1\n  runbook: https://old/{n}\n  for: 5m\n  x: y\n"
        for n in range(20_000)
    )
    after = before.replace("https://old/", "https://new/").replace("for: 5m\n", "for: 10m\n  keep: 1h\n")
    diff = unified("f", before, after)
    assert diff.total == 20_000 * 5
    assert diff.shown == 2_000
    assert given_sizes
    assert max(given_sizes) <= linediff._CHEAP
    assert diff.text.startswith(  # 400 alerts' changes, close enough to make one hunk
        "--- a/f\n+++ b/f\n@@ -1,2002 +1,2402 @@\n"
        " - alert: A0\n   severity: P1\n-  runbook: https://old/0\n-  for: 5m\n"
        "+  runbook: https://new/0\n+  for: 10m\n+  keep: 1h\n   x: y\n - alert: A1\n"
    )


@pytest.mark.parametrize(
    ("before", "after", "header"),
    [("", "a\n", "@@ -0,0 +1 @@"), ("a\n", "", "@@ -1 +0,0 @@"), ("a\nb\n", "a\nc\nd\n", "@@ -1,2 +1,3 @@")],
    ids=["created", "removed", "changed"],
)
def test_hunk_headers(before: str, after: str, header: str):
    assert unified("f", before, after).text.splitlines()[2] == header

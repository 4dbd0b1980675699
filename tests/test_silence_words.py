"""``silence check|add`` words read by hand (``cli.silence_words``) mean what argparse reads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.cli import silence as argparsed
from oncall_policy.cli.silence_words import OPTIONS, Options, parse

VALUES = ["2h", "", "policy.yaml", "json", "text", "x@y.z", "-1h", "--", "a=b", "--x", "-", " s p "]
MATCHERS = ["alertname=X", 'service=~"a|b"', "{a=1,b!=2}", "x", "", "-x", "--", "-d2h"]
FLAGS = [*OPTIONS, "-h", "--help", "--dur", "--approved", "-x", "--format=yaml", "-dd"]


@st.composite
def words(draw: st.DrawFn) -> list[str]:
    """Command lines of options (known, unknown, abbreviated; with ``=``, joined or apart),
    values (some that look like options) and matchers, in any order."""
    found: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["option", "option", "joined", "matcher"]))
        if kind == "matcher":
            found.append(draw(st.sampled_from(MATCHERS)))
            continue
        flag = draw(st.sampled_from(FLAGS))
        value = draw(st.sampled_from(VALUES))
        if kind == "joined":
            found.append(f"{flag}={value}" if flag.startswith("--") else f"{flag}{value}")
        else:
            found.extend([flag, value])
    return found


def by_argparse(argv: list[str]) -> dict[str, object] | None:
    try:
        return vars(argparsed._parser("check").parse_intermixed_args(argv))
    except SystemExit:
        return None


@given(words())
def test_words_read_by_hand_mean_what_argparse_reads(argv):
    """Wherever the hand reading answers, argparse reads the same options; where argparse would
    refuse the words, the hand reading does not answer (argparse then reports the error)."""
    mine = parse(argv)
    if mine is not None:
        assert mine.as_dict() == by_argparse(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["alertname=HighErrorRate", "-d", "2h", "-c", "deployment", "-a", "engineer-a@clipper.app"],
        [
            "--duration=2h",
            "alertname=X",
            "--comment",
            "INC-1 x",
            "--approved-by",
            "a@b.c",
            "--approved-by=d@e.f",
        ],
        ["-d2h", "alertname=X", "-c=INC-1"],
        ["--format=json", "--policy", "p.yaml", "--peer=http://a", "--peer", "http://b", "x=y"],
    ],
)
def test_ordinary_command_lines_are_read_by_hand(argv):
    mine = parse(argv)
    assert mine is not None
    assert mine.as_dict() == by_argparse(argv)


@pytest.mark.parametrize(
    "argv", [["--help"], ["-d"], ["--dur=2h"], ["--format=yaml"], ["-c", "-x"], ["--", "alertname=X"]]
)
def test_what_is_not_plain_is_left_to_argparse(argv, capsys):
    assert parse(argv) is None


def test_defaults_are_argparses():
    assert Options().as_dict() == by_argparse([])

"""What the command line prints has no character a terminal would act on: a policy's keys, file
names and an Alertmanager's answers are shown with their control characters escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oncall_policy import printable as printable_module
from oncall_policy.cli import main
from oncall_policy.printable import printable, printable_json, printable_lines
from tests.conftest import CLIPPER
from tests.http_servers import canned

MINIMAL = (Path(__file__).parent / "policies" / "minimal.yaml").read_text(encoding="utf-8")
OK = ["alertname=HighErrorRate", "-d", "2h", "-c", "deployment", "--author=engineer-a@clipper.app"]
# Each character a terminal acts on, and how it is shown.
CONTROLS = {
    "\x1b": "\\x1b",  # ESC: colours, cursor moves, window titles
    "\r": "\\r",  # back to the start of the line: writes over it
    "\t": "\\t",
    "\n": "\\n",
    "\x00": "\\x00",
    "\x07": "\\x07",  # BEL
    "\x7f": "\\x7f",  # DEL
    "\x85": "\\x85",  # NEL, a C1 control
    "\x9b": "\\x9b",  # CSI, the C1 form of ESC [
    "\u2028": "\\u2028",  # line separator
    "\u2029": "\\u2029",  # paragraph separator
    "\u202e": "\\u202e",  # right-to-left override
    "\u2066": "\\u2066",  # left-to-right isolate
    "\u200f": "\\u200f",  # right-to-left mark
    "\u061c": "\\u061c",  # Arabic letter mark
}
# What a terminal must never receive raw from us (line breaks aside, where lines are meant).
RAW = [c for c in CONTROLS if c != "\n"]


@pytest.mark.parametrize("control", sorted(CONTROLS), ids=[repr(c) for c in sorted(CONTROLS)])
def test_each_control_character_is_escaped(control: str):
    assert printable(f"a{control}b") == f"a{CONTROLS[control]}b"
    assert printable_lines(f"a{control}b") == ("a\nb" if control == "\n" else f"a{CONTROLS[control]}b")


def test_printable_text_is_left_as_it_is():
    text = "p.yaml:3:5: [error] alerts[0].name: 'Dîsk—füll ✓ 日本' is not… (rule)"
    assert printable(text) is text
    assert printable_lines(f"{text}\n{text}\n") == f"{text}\n{text}\n"


def test_every_escaped_character_is_one_isprintable_refuses():
    """``printable`` and ``printable_lines`` leave text ``isprintable`` accepts as it is, without
    looking at each character: that is right only while each one they escape is refused by it."""
    escaped = [chr(code) for code in (*printable_module._ESCAPES, *printable_module._KEEPING_LINES)]
    assert [c for c in escaped if c.isprintable()] == []


@pytest.mark.parametrize("show", [printable, printable_lines, printable_json])
def test_a_lone_surrogate_is_escaped_and_the_rest_kept(show):
    """Red team: a policy key "\\udc80x" reached the terminal as a raw byte."""
    assert show("\udc80x\u00e9") == "\\udc80x\u00e9"
    assert show("ok \U0001f600") == "ok \U0001f600"


def test_policy_keys_with_a_surrogate_are_printed_escaped(tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text('version: oncall-policy/v1\n"\\udc80x": 1\n')
    assert main(["check", str(policy)]) == 1
    out = capsys.readouterr().out
    assert "\\udc80x: the key holds U+DC80" in out
    out.encode("utf-8")  # no surrogate left to print


def test_json_keeps_its_values():
    """In JSON the controls json.dumps leaves raw are escaped the JSON way: the same values."""
    values = {"k\u202e": "a\x85b\u2028c\x7f\x1b"}
    text = printable_json(json.dumps(values, ensure_ascii=False, indent=2))
    assert json.loads(text) == values
    assert not any(c in text for c in RAW)


def _assert_no_raw_control(*outputs: str) -> None:
    for output in outputs:
        assert not [c for c in RAW if c in output], output


@pytest.mark.parametrize("output", ["text", "github", "json"])
def test_policy_keys_are_printed_escaped(tmp_path, capsys, output: str):
    key = "\\e[31mred\\r\\x9bX\\u202eY\\u2028Z"  # YAML escapes: ESC, CR, CSI, RLO, LS
    text = MINIMAL.replace("    name: Weekly\n", f'    name: Weekly\n    "{key}": 1\n')
    policy = tmp_path / "policy\x1b[2J.yaml"
    policy.write_text(text, encoding="utf-8")
    assert main(["check", "--format", output, str(policy)]) == 1
    printed = capsys.readouterr()
    _assert_no_raw_control(printed.out, printed.err)
    if output == "json":
        assert {row["file"] for row in json.loads(printed.out)} == {str(policy)}
    else:
        assert "policy\\x1b[2J.yaml" in printed.out


def test_an_alertmanagers_answer_is_printed_escaped(capsys):
    body = b"\x1b[2K\rACCEPTED: all good\n\xe2\x80\xae\x1b]0;owned\x07"
    with canned(500, body) as (url, _log):
        status = main(["silence", "check", "--policy", str(CLIPPER), f"--alertmanager.url={url}", *OK])
    assert status == 1
    printed = capsys.readouterr()
    _assert_no_raw_control(printed.out, printed.err)
    assert printed.out.startswith("REJECTED: ")
    assert "\\x1b[2K\\rACCEPTED: all good\\n\\u202e\\x1b]0;owned\\x07" in printed.out


def test_an_unreadable_audit_is_reported_escaped(capsys):
    with canned(502, b"bad gateway\x1b[31m\r\n") as (url, _log):
        status = main(["silence", "audit", "--policy", str(CLIPPER), f"--alertmanager.url={url}"])
    assert status == 4
    printed = capsys.readouterr()
    _assert_no_raw_control(printed.out, printed.err)
    assert "bad gateway\\x1b[31m" in printed.err

"""Characters, line breaks and numbers the two YAML parsers (or the tools after them) read
differently are refused at their own line and column, the same with the fast path as without."""

from __future__ import annotations

import pytest

from oncall_policy.checks.checked import load_policy_bytes, load_policy_text
from oncall_policy.errors import PolicyError
from oncall_policy.load import positional
from oncall_policy.model import Policy
from tests.strategies_load import MINIMAL_TEXT as MINIMAL

CONTROLS = "a policy holds printable text, TABs and line breaks only (control-character)"
SEPARATOR = "YAML 1.1 readers end a line there and YAML 1.2 readers do not; remove it, or break the line (control-character)"
IN_VALUE = "TAB and line breaks are the only controls text may hold (control-character)"
BOM = "a byte order mark (U+FEFF) after the start of the file (two files joined?); remove it (control-character)"
TOO_BIG = "does not fit in 64 bits, as Alertmanager, PagerDuty and Terraform need; quote it if it is text (number-too-large)"


def _problems(raw: bytes) -> list[str]:
    """The problems of the file, the same with the fast path and without it."""
    answers = []
    for fast_path in (True, False):
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
            load_policy_text(text, "p.yaml", fast_path=fast_path)
        except PolicyError as error:
            answers.append([str(problem) for problem in error.problems])
        else:
            answers.append([])
    assert answers[0] == answers[1]
    if answers[0]:
        with pytest.raises(PolicyError) as refused:
            load_policy_bytes(raw, "p.yaml")
        assert [str(problem) for problem in refused.value.problems] == answers[0]
    return answers[0]


def _edited(*edits: tuple[str, str]) -> bytes:
    text = MINIMAL
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return text.encode("utf-8")


CASES = [
    pytest.param(
        [("name: Minimal", "name: Mini\x07mal")],
        [f"p.yaml:4:13: [error] U+0007 (BELL) in the file; {CONTROLS}"],
        id="BEL in a value",
    ),
    pytest.param(
        [("base that", "base\x1b[2J that")],
        [f"p.yaml:1:33: [error] U+001B (ESCAPE) in the file; {CONTROLS}"],
        id="ESC in a comment",
    ),
    pytest.param(
        [("id: engineer", "id: engin\x7feer"), ("id: manager", "id: \x9bmanager")],
        [
            f"p.yaml:9:14: [error] U+007F (DELETE) in the file; {CONTROLS}",
            f"p.yaml:10:9: [error] U+009B (a control character) in the file; {CONTROLS}",
        ],
        id="DEL and a C1 control, each at its place",
    ),
    pytest.param(
        [("base that", "base\u2028that"), ("name: Weekly", "name: weekly: x")],
        [f"p.yaml:1:33: [error] U+2028 (LINE SEPARATOR) in the file: {SEPARATOR}"],
        id="LINE SEPARATOR in a comment is refused where it stands, and starts no line",
    ),
    pytest.param(
        [("small valid", "small\u2029valid"), ("  name: Minimal", "  name: Min\x85imal")],
        [
            f"p.yaml:1:10: [error] U+2029 (PARAGRAPH SEPARATOR) in the file: {SEPARATOR}",
            f"p.yaml:4:12: [error] U+0085 (NEXT LINE) in the file: {SEPARATOR}",
        ],
        id="PARAGRAPH SEPARATOR and NEL",
    ),
    pytest.param(
        [("name: Minimal", 'name: "Mini\\emal"')],
        [f"p.yaml:4:9: [error] organisation.name: the value holds U+001B (ESCAPE); {IN_VALUE}"],
        id="ESC made by an escape",
    ),
    pytest.param(
        [("name: Minimal", 'name: "\\0"'), ("name: Ann", 'name: "\\x07"'), ("name: Bob", 'name: "A\\u0085"')],
        [
            f"p.yaml:4:9: [error] organisation.name: the value holds U+0000 (NULL); {IN_VALUE}",
            f"p.yaml:12:21: [error] people[0].name: the value holds U+0007 (BELL); {IN_VALUE}",
            f"p.yaml:13:21: [error] people[1].name: the value holds U+0085 (NEXT LINE); {IN_VALUE}",
        ],
        id="NUL, BEL and NEL made by escapes",
    ),
    pytest.param(
        [("response: Restart it.", 'response: "Restart it.\\r\\L"')],
        [f"p.yaml:59:15: [error] alerts[0].response: the value holds U+000D (CARRIAGE RETURN); {IN_VALUE}"],
        id="a carriage return made by an escape",
    ),
    pytest.param(
        [("  name: Minimal", '  "na\\tme": Minimal')],
        [
            "p.yaml:4:3: [error] organisation.na\tme: the key holds U+0009 (CHARACTER TABULATION); a key is printable text on one line (control-character)",
            "p.yaml:4:3: [error] organisation.na\tme: unknown field 'na\\tme'; did you mean 'name'? (unknown-field)",
            "p.yaml:4:3: [error] organisation.name: required field is missing; add it (missing-field)",
        ],
        id="TAB in a key",
    ),
    pytest.param(
        [("# A small", "\ufeff\ufeff# A small")],
        [f"p.yaml:1:1: [error] {BOM}"],
        id="a byte order mark twice",
    ),
    pytest.param(
        [("secrets:\n", "secrets:\n\ufeff")],
        [f"p.yaml:7:1: [error] {BOM}"],
        id="a byte order mark at a line's start",
    ),
    pytest.param(
        [("name: Minimal", "name: " + "1" * 5000)],
        [
            f"p.yaml:4:9: [error] organisation.name: the integer 11111111111111111111… (5,000 digits) {TOO_BIG}"
        ],
        id="an integer past Python's 4,300-digit limit",
    ),
    pytest.param(
        [("    name: Main\n", "    name: Main\n    loops: 9223372036854775808\n")],
        [
            "p.yaml:45:12: [error] escalation_policies[0].loops: input should be less than or equal to 9 (invalid-value)",
            f"p.yaml:45:12: [error] escalation_policies[0].loops: the integer 9223372036854775808 (19 digits) {TOO_BIG}",
        ],
        id="an integer one past 64 bits",
    ),
    pytest.param(
        [("    name: Main\n", "    name: Main\n    loops: 9223372036854775807\n")],
        [
            "p.yaml:45:12: [error] escalation_policies[0].loops: input should be less than or equal to 9 (invalid-value)"
        ],
        id="the largest 64-bit integer is read",
    ),
    pytest.param(
        [("    name: Main\n", f"    name: Main\n    loops: {'0' * 5000}7\n")],
        [
            "p.yaml:45:12: [error] escalation_policies[0].loops: '"
            + "0" * 5000
            + "7' is an octal number in YAML 1.1 but decimal in YAML 1.2; write it without the leading zero, or quote it ('"
            + "0" * 5000
            + "7') so every tool reads the same (yaml11-trap)"
        ],
        id="leading zeros past Python's limit: a small integer, and a YAML 1.1 trap",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_refused_where_it_stands(edits: list[tuple[str, str]], expected: list[str]):
    assert _problems(_edited(*edits)) == expected


def test_a_byte_order_mark_at_the_start_is_read():
    assert _problems(b"\xef\xbb\xbf" + MINIMAL.encode()) == []


def test_tab_and_line_breaks_stay_in_values():
    """TAB and LF are text: in block scalars (a multi-line response) and as escapes."""
    text = MINIMAL.replace(
        "    response: Restart it.\n", "    response: |\n      1.\tRestart it.\n      2.\tWatch it.\n", 1
    ).replace("meaning: A disk fills up.", 'meaning: "A disk\\tfills\\nup."', 1)
    policy = load_policy_text(text, "p.yaml")
    assert isinstance(policy, Policy)
    assert policy.alerts[0].response == "1.\tRestart it.\n2.\tWatch it.\n"
    assert policy.alerts[1].meaning == "A disk\tfills\nup."
    assert load_policy_text(text, "p.yaml", fast_path=False) == policy


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CR LF", "CR"])
def test_cr_line_breaks_count_as_yaml_counts_them(newline: str):
    """The same problems at the same lines whatever breaks the lines."""
    broken = MINIMAL.replace("name: Weekly", "name: on\n    hand: x", 1).replace(
        "id: engineer\n", "id: 'x y'\n", 1
    )
    expected = _problems(broken.encode())
    assert len(expected) == 3
    assert _problems(broken.replace("\n", newline).encode()) == expected


@pytest.mark.parametrize(
    ("char", "what"), [("\ud800", "U+D800 (a surrogate)"), ("\uffff", "U+FFFF (a noncharacter)")]
)
def test_what_is_no_character_is_refused_in_a_text_handed_to_the_loader(char: str, what: str):
    text = MINIMAL.replace("name: Minimal", f"name: Mini{char}mal", 1)
    for fast_path in (True, False):
        with pytest.raises(PolicyError) as refused:
            load_policy_text(text, "p.yaml", fast_path=fast_path)
        assert [str(problem) for problem in refused.value.problems] == [
            f"p.yaml:4:13: [error] {what} in the file, which is no character; save the file as UTF-8 (control-character)"
        ]


def test_a_reader_error_is_placed_on_one_line():
    """Were a character the parser refuses to reach it, its error is placed, on one line."""
    document = positional._read_with("a: 1\nb: x\x07y\n", "p.yaml", pure=False)
    assert [str(problem) for problem in document.problems] == [
        "p.yaml:2:5: [error] YAML: unacceptable character #x0007: control characters are not allowed (yaml-syntax)"
    ]

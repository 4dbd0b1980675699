"""The regex parser against Go's own expectations.

The tables are ported from Go 1.19's regexp/syntax/parse_test.go (BSD licence, The Go Authors):
each pattern's tree, in that file's dump format, must be the one Go builds. The error messages
were checked against Go 1.19.8 (``tools/goregexp``); they are what Alertmanager 0.25 prints.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.matching import re2_limits, unicode_tables
from oncall_policy.matching.go_dump import dump
from oncall_policy.matching.ranges import append_range
from oncall_policy.matching.regexp_errors import ErrorCode, RegexpError
from oncall_policy.matching.syntax import parse
from oncall_policy.matching.tree import Flags, Op
from oncall_policy.matching.unicode_tables import fold_orbit, unicode_table


def _class_dump(ranges: list[int]) -> str:
    """mkCharClass's dump of a class given as flattened ranges."""
    pairs = zip(ranges[::2], ranges[1::2], strict=True)
    return "cc{" + " ".join(f"{lo:#x}" if lo == hi else f"{lo:#x}-{hi:#x}" for lo, hi in pairs) + "}"


def _upper() -> str:
    """mkCharClass(unicode.IsUpper): the category Lu."""
    found = unicode_table("Lu")
    assert found is not None
    return _class_dump(list(found[0]))


def _upper_fold() -> str:
    """mkCharClass(isUpperFold): the runes that are upper case or fold to one that is."""
    found = unicode_table("Lu")
    assert found is not None
    upper = found[0]
    runes = {r for i in range(0, len(upper), 2) for r in range(upper[i], upper[i + 1] + 1)}
    runes |= {f for r in list(runes) for f in fold_orbit(r)}
    ranges: list[int] = []
    for r in sorted(runes):
        if ranges and ranges[-1] == r - 1:
            ranges[-1] = r
        else:
            ranges += [r, r]
    return _class_dump(ranges)


PARSE_TESTS = [
    # Base cases
    ("a", "lit{a}"),
    ("a.", "cat{lit{a}dot{}}"),
    ("a.b", "cat{lit{a}dot{}lit{b}}"),
    ("ab", "str{ab}"),
    ("a.b.c", "cat{lit{a}dot{}lit{b}dot{}lit{c}}"),
    ("abc", "str{abc}"),
    ("a|^", "alt{lit{a}bol{}}"),
    ("a|b", "cc{0x61-0x62}"),
    ("(a)", "cap{lit{a}}"),
    ("(a)|b", "alt{cap{lit{a}}lit{b}}"),
    ("a*", "star{lit{a}}"),
    ("a+", "plus{lit{a}}"),
    ("a?", "que{lit{a}}"),
    ("a{2}", "rep{2,2 lit{a}}"),
    ("a{2,3}", "rep{2,3 lit{a}}"),
    ("a{2,}", "rep{2,-1 lit{a}}"),
    ("a*?", "nstar{lit{a}}"),
    ("a+?", "nplus{lit{a}}"),
    ("a??", "nque{lit{a}}"),
    ("a{2}?", "nrep{2,2 lit{a}}"),
    ("a{2,3}?", "nrep{2,3 lit{a}}"),
    ("a{2,}?", "nrep{2,-1 lit{a}}"),
    # Malformed { } are treated as literals.
    ("x{1001", "str{x{1001}"),
    ("x{9876543210", "str{x{9876543210}"),
    ("x{9876543210,", "str{x{9876543210,}"),
    ("x{2,1", "str{x{2,1}"),
    ("x{1,9876543210", "str{x{1,9876543210}"),
    ("", "emp{}"),
    ("|", "emp{}"),  # alt{emp{}emp{}} but got factored
    ("|x|", "alt{emp{}lit{x}emp{}}"),
    (".", "dot{}"),
    ("^", "bol{}"),
    ("$", "eol{}"),
    (r"\|", "lit{|}"),
    (r"\(", "lit{(}"),
    (r"\)", "lit{)}"),
    (r"\*", "lit{*}"),
    (r"\+", "lit{+}"),
    (r"\?", "lit{?}"),
    ("{", "lit{{}"),
    ("}", "lit{}}"),
    (r"\.", "lit{.}"),
    (r"\^", "lit{^}"),
    (r"\$", "lit{$}"),
    ("\\\\", "lit{\\}"),
    ("[ace]", "cc{0x61 0x63 0x65}"),
    ("[abc]", "cc{0x61-0x63}"),
    ("[a-z]", "cc{0x61-0x7a}"),
    ("[a]", "lit{a}"),
    (r"\-", "lit{-}"),
    ("-", "lit{-}"),
    (r"\_", "lit{_}"),
    ("abc", "str{abc}"),
    ("abc|def", "alt{str{abc}str{def}}"),
    ("abc|def|ghi", "alt{str{abc}str{def}str{ghi}}"),
    # Posix and Perl extensions
    ("[[:lower:]]", "cc{0x61-0x7a}"),
    ("[a-z]", "cc{0x61-0x7a}"),
    ("[^[:lower:]]", "cc{0x0-0x60 0x7b-0x10ffff}"),
    ("[[:^lower:]]", "cc{0x0-0x60 0x7b-0x10ffff}"),
    ("(?i)[[:lower:]]", "cc{0x41-0x5a 0x61-0x7a 0x17f 0x212a}"),
    ("(?i)[a-z]", "cc{0x41-0x5a 0x61-0x7a 0x17f 0x212a}"),
    ("(?i)[^[:lower:]]", "cc{0x0-0x40 0x5b-0x60 0x7b-0x17e 0x180-0x2129 0x212b-0x10ffff}"),
    ("(?i)[[:^lower:]]", "cc{0x0-0x40 0x5b-0x60 0x7b-0x17e 0x180-0x2129 0x212b-0x10ffff}"),
    (r"\d", "cc{0x30-0x39}"),
    (r"\D", "cc{0x0-0x2f 0x3a-0x10ffff}"),
    (r"\s", "cc{0x9-0xa 0xc-0xd 0x20}"),
    (r"\S", "cc{0x0-0x8 0xb 0xe-0x1f 0x21-0x10ffff}"),
    (r"\w", "cc{0x30-0x39 0x41-0x5a 0x5f 0x61-0x7a}"),
    (r"\W", "cc{0x0-0x2f 0x3a-0x40 0x5b-0x5e 0x60 0x7b-0x10ffff}"),
    (r"(?i)\w", "cc{0x30-0x39 0x41-0x5a 0x5f 0x61-0x7a 0x17f 0x212a}"),
    (r"(?i)\W", "cc{0x0-0x2f 0x3a-0x40 0x5b-0x5e 0x60 0x7b-0x17e 0x180-0x2129 0x212b-0x10ffff}"),
    (r"[^\\]", "cc{0x0-0x5b 0x5d-0x10ffff}"),
    # Unicode, negatives, and a double negative.
    (r"\p{Braille}", "cc{0x2800-0x28ff}"),
    (r"\P{Braille}", "cc{0x0-0x27ff 0x2900-0x10ffff}"),
    (r"\p{^Braille}", "cc{0x0-0x27ff 0x2900-0x10ffff}"),
    (r"\P{^Braille}", "cc{0x2800-0x28ff}"),
    (r"\pZ", "cc{0x20 0xa0 0x1680 0x2000-0x200a 0x2028-0x2029 0x202f 0x205f 0x3000}"),
    (r"[\p{Braille}]", "cc{0x2800-0x28ff}"),
    (r"[\P{Braille}]", "cc{0x0-0x27ff 0x2900-0x10ffff}"),
    (r"[\p{^Braille}]", "cc{0x0-0x27ff 0x2900-0x10ffff}"),
    (r"[\P{^Braille}]", "cc{0x2800-0x28ff}"),
    (r"[\pZ]", "cc{0x20 0xa0 0x1680 0x2000-0x200a 0x2028-0x2029 0x202f 0x205f 0x3000}"),
    (r"\p{Lu}", _upper()),
    (r"[\p{Lu}]", _upper()),
    (r"(?i)[\p{Lu}]", _upper_fold()),
    (r"\p{Any}", "dot{}"),
    (r"\p{^Any}", "cc{}"),
    # Hex, octal.
    (r"[\012-\234]\141", "cat{cc{0xa-0x9c}lit{a}}"),
    (r"[\x{41}-\x7a]\x61", "cat{cc{0x41-0x7a}lit{a}}"),
    # More interesting regular expressions.
    ("a{,2}", "str{a{,2}}"),
    (r"\.\^\$\\", "str{.^$\\}"),
    ("[a-zABC]", "cc{0x41-0x43 0x61-0x7a}"),
    ("[^a]", "cc{0x0-0x60 0x62-0x10ffff}"),
    ("[α-ε☺]", "cc{0x3b1-0x3b5 0x263a}"),  # utf-8
    ("a*{", "cat{star{lit{a}}lit{{}}"),
    # Test precedences
    ("(?:ab)*", "star{str{ab}}"),
    ("(ab)*", "star{cap{str{ab}}}"),
    ("ab|cd", "alt{str{ab}str{cd}}"),
    ("a(b|c)d", "cat{lit{a}cap{cc{0x62-0x63}}lit{d}}"),
    # Test flattening.
    ("(?:a)", "lit{a}"),
    ("(?:ab)(?:cd)", "str{abcd}"),
    ("(?:a+b+)(?:c+d+)", "cat{plus{lit{a}}plus{lit{b}}plus{lit{c}}plus{lit{d}}}"),
    ("(?:a+|b+)|(?:c+|d+)", "alt{plus{lit{a}}plus{lit{b}}plus{lit{c}}plus{lit{d}}}"),
    ("(?:a|b)|(?:c|d)", "cc{0x61-0x64}"),
    ("a|.", "dot{}"),
    (".|a", "dot{}"),
    ("(?:[abc]|A|Z|hello|world)", "alt{cc{0x41 0x5a 0x61-0x63}str{hello}str{world}}"),
    ("(?:[abc]|A|Z)", "cc{0x41 0x5a 0x61-0x63}"),
    # Test Perl quoted literals
    (r"\Q+|*?{[\E", "str{+|*?{[}"),
    (r"\Q+\E+", "plus{lit{+}}"),
    (r"\Qab\E+", "cat{lit{a}plus{lit{b}}}"),
    (r"\Q\\E", "lit{\\}"),
    (r"\Q\\\E", "str{\\\\}"),
    # Test Perl \A and \z
    ("(?m)^", "bol{}"),
    ("(?m)$", "eol{}"),
    ("(?-m)^", "bot{}"),
    ("(?-m)$", "eot{}"),
    (r"(?m)\A", "bot{}"),
    (r"(?m)\z", "eot{\\z}"),
    (r"(?-m)\A", "bot{}"),
    (r"(?-m)\z", "eot{\\z}"),
    # Test named captures
    ("(?P<name>a)", "cap{name:lit{a}}"),
    # Case-folded literals
    ("[Aa]", "litfold{A}"),
    (r"[\x{100}\x{101}]", "litfold{Ā}"),
    ("[Δδ]", "litfold{Δ}"),
    # Strings
    ("abcde", "str{abcde}"),
    ("[Aa][Bb]cd", "cat{strfold{AB}str{cd}}"),
    # Factoring.
    ("abc|abd|aef|bcx|bcy", "alt{cat{lit{a}alt{cat{lit{b}cc{0x63-0x64}}str{ef}}}cat{str{bc}cc{0x78-0x79}}}"),
    (
        "ax+y|ax+z|ay+w",
        "cat{lit{a}alt{cat{plus{lit{x}}lit{y}}cat{plus{lit{x}}lit{z}}cat{plus{lit{y}}lit{w}}}}",
    ),
    # Bug fixes.
    ("(?:.)", "dot{}"),
    ("(?:x|(?:xa))", "cat{lit{x}alt{emp{}lit{a}}}"),
    ("(?:.|(?:.a))", "cat{dot{}alt{emp{}lit{a}}}"),
    ("(?:A(?:A|a))", "cat{lit{A}litfold{A}}"),
    ("(?:A|a)", "litfold{A}"),
    ("A|(?:A|a)", "litfold{A}"),
    ("(?s).", "dot{}"),
    ("(?-s).", "dnl{}"),
    ("(?:(?:^).)", "cat{bol{}dot{}}"),
    ("(?-s)(?:(?:^).)", "cat{bol{}dnl{}}"),
    (r"[\s\S]a", "cat{cc{0x0-0x10ffff}lit{a}}"),
    # RE2 prefix_tests
    ("abc|abd", "cat{str{ab}cc{0x63-0x64}}"),
    ("a(?:b)c|abd", "cat{str{ab}cc{0x63-0x64}}"),
    ("abc|x|abd", "alt{str{abc}lit{x}str{abd}}"),
    ("(?i)abc|ABD", "cat{strfold{AB}cc{0x43-0x44 0x63-0x64}}"),
    ("[ab]c|[ab]d", "cat{cc{0x61-0x62}cc{0x63-0x64}}"),
    (".c|.d", "cat{dot{}cc{0x63-0x64}}"),
    ("x{2}|x{2}[0-9]", "cat{rep{2,2 lit{x}}alt{emp{}cc{0x30-0x39}}}"),
    ("x{2}y|x{2}[0-9]y", "cat{rep{2,2 lit{x}}alt{lit{y}cat{cc{0x30-0x39}lit{y}}}}"),
    ("a.*?c|a.*?b", "cat{lit{a}alt{cat{nstar{dot{}}lit{c}}cat{nstar{dot{}}lit{b}}}}"),
    # Valid repetitions.
    ("((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}))", ""),
    ("((((((((((x{1}){2}){2}){2}){2}){2}){2}){2}){2}){2})", ""),
    # Valid nesting.
    ("(" * 999 + ")" * 999, ""),
    ("(?:" * 999 + ")*" * 999, ""),
    ("(" + "|" * 12345 + ")", ""),  # not nested at all
]

FOLDCASE_TESTS = [
    ("AbCdE", "strfold{ABCDE}"),
    ("[Aa]", "litfold{A}"),
    ("a", "litfold{A}"),
    # 0x17F is an old English long s (looks like an f) and folds to s.
    # 0x212A is the Kelvin symbol and folds to k.
    ("A[F-g]", "cat{litfold{A}cc{0x41-0x7a 0x17f 0x212a}}"),  # [Aa][A-z...]
    ("[[:upper:]]", "cc{0x41-0x5a 0x61-0x7a 0x17f 0x212a}"),
    ("[[:lower:]]", "cc{0x41-0x5a 0x61-0x7a 0x17f 0x212a}"),
]

LITERAL_TESTS = [("(|)^$.[*+?]{5,10},\\", "str{(|)^$.[*+?]{5,10},\\}")]

MATCHNL_TESTS = [
    (".", "dot{}"),
    ("\n", "lit{\n}"),
    ("[^a]", "cc{0x0-0x60 0x62-0x10ffff}"),
    ("[a\\n]", "cc{0xa 0x61}"),
]

NOMATCHNL_TESTS = [
    (".", "dnl{}"),
    ("\n", "lit{\n}"),
    ("[^a]", "cc{0x0-0x9 0xb-0x60 0x62-0x10ffff}"),
    ("[a\\n]", "cc{0xa 0x61}"),
]

TEST_FLAGS = Flags.MATCH_NL | Flags.PERL_X | Flags.UNICODE_GROUPS


def _cases(tests: list[tuple[str, str]], flags: Flags) -> list[object]:
    return [pytest.param(pattern, flags, want, id=repr(pattern)[:40]) for pattern, want in tests]


@pytest.mark.parametrize(
    ("pattern", "flags", "want"),
    [
        *_cases(PARSE_TESTS, TEST_FLAGS),
        *_cases(FOLDCASE_TESTS, Flags.FOLD_CASE),
        *_cases(LITERAL_TESTS, Flags.LITERAL),
        *_cases(MATCHNL_TESTS, Flags.MATCH_NL),
        *_cases(NOMATCHNL_TESTS, Flags.POSIX),
    ],
)
def test_parse_dump_is_gos(pattern, flags, want):
    tree = parse(pattern, flags)
    if want:
        assert dump(tree) == want


def test_fold_constants():
    """minFold and maxFold are the lowest and highest runes SimpleFold moves (TestFoldConstants)."""
    folding = [r for r in range(0x110000) if unicode_tables.simple_fold(r) != r]
    assert (folding[0], folding[-1]) == (unicode_tables.MIN_FOLD, unicode_tables.MAX_FOLD)


def test_append_range_collapse():
    """append_range merges each new range into one of the last two (TestAppendRangeCollapse)."""
    r: list[int] = []
    for i in range(ord("A"), ord("Z") + 1):
        append_range(r, i, i)
        append_range(r, i + 32, i + 32)
    assert "".join(map(chr, r)) == "AZaz"


INVALID_REGEXPS = [
    "(",
    ")",
    "(a",
    "a)",
    "(a))",
    "(a|b|",
    "a|b|)",
    "(a|b|))",
    "(a|b",
    "a|b)",
    "(a|b))",
    "[a-z",
    "([a-z)",
    "[a-z)",
    "([a-z]))",
    "x{1001}",
    "x{9876543210}",
    "x{2,1}",
    "x{1,9876543210}",
    "\udcff",  # invalid UTF-8 (the byte 0xff, as surrogateescape decodes it)
    "[\udcff]",
    "[\\\udcff]",
    "\\\udcff",
    "(?P<name>a",
    "(?P<name>",
    "(?P<name",
    "(?P<x y>a)",
    "(?P<>a)",
    "[a-Z]",
    "(?i)[a-Z]",
    r"\Q\E*",
    "a{100000}",  # too much repetition
    "a{100000,}",  # too much repetition
    "((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})",  # too much repetition
    "(" * 1000 + ")" * 1000,  # too deep
    "(?:" * 1000 + ")*" * 1000,  # too deep
    "(" + "(xx?)" * 1000 + "){1000}",  # too long
    "(xx?){1000}" * 1000,  # too long
]

ONLY_PERL = [
    r"[a-b-c]",
    r"\Qabc\E",
    r"\Q*+?{[\E",
    r"\Q\\E",
    r"\Q\\\E",
    r"\Q\\\\E",
    r"\Q\\\\\E",
    "(?:a)",
    "(?P<name>a)",
]

ONLY_POSIX = ["a++", "a**", "a?*", "a+*", "a{1}*", ".{1}{2}.{3}"]


@pytest.mark.parametrize("flags", [Flags.PERL, Flags.POSIX], ids=["perl", "posix"])
@pytest.mark.parametrize("pattern", INVALID_REGEXPS, ids=lambda p: repr(p)[:30])
def test_invalid_regexps(pattern, flags):
    with pytest.raises(RegexpError):
        parse(pattern, flags)


@pytest.mark.parametrize("pattern", ONLY_PERL)
def test_only_perl(pattern):
    parse(pattern, Flags.PERL)
    with pytest.raises(RegexpError):
        parse(pattern, Flags.POSIX)


@pytest.mark.parametrize("pattern", ONLY_POSIX)
def test_only_posix(pattern):
    parse(pattern, Flags.POSIX)
    with pytest.raises(RegexpError):
        parse(pattern, Flags.PERL)


def test_too_many_runes(monkeypatch):
    """Go's rune limit (32M runes of classes; \\pL has 1244) at a size a test can afford."""
    monkeypatch.setattr(re2_limits, "MAX_RUNES", 1244 * 10)
    parse(r"\pL" * 10)
    with pytest.raises(RegexpError) as raised:
        parse(r"\pL" * 11)
    assert raised.value.code == ErrorCode.INTERNAL_ERROR
    assert raised.value.expr == r"\pL" * 11


GO_ERRORS = [
    ("(backend", "missing closing ): `(backend`"),
    ("^(?:(backend)$", "missing closing ): `^(?:(backend)$`"),
    (r"\C", r"invalid escape sequence: `\C`"),
    ("(?<n>a)", "invalid or unsupported Perl syntax: `(?<`"),
    ("x**", "invalid nested repetition operator: `**`"),
    ("a**?", "invalid nested repetition operator: `**?`"),
    ("a{1001}", "invalid repeat count: `{1001}`"),
    ("a{2,1}", "invalid repeat count: `{2,1}`"),
    ("x{1,1001}", "invalid repeat count: `{1,1001}`"),
    ("((a{100}){100})", "invalid repeat count: `{100}`"),
    ("*", "missing argument to repetition operator: `*`"),
    ("*?", "missing argument to repetition operator: `*?`"),
    ("a|*", "missing argument to repetition operator: `*`"),
    (r"\Q\E*", "missing argument to repetition operator: `*`"),
    ("(?i", "invalid or unsupported Perl syntax: `(?i`"),
    ("(?", "invalid or unsupported Perl syntax: `(?`"),
    ("(?-)", "invalid or unsupported Perl syntax: `(?-)`"),
    ("(?P=n)", "invalid or unsupported Perl syntax: `(?P`"),
    ("(?P<n", "invalid named capture: `(?P<n`"),
    ("(?P<>a)", "invalid named capture: `(?P<>`"),
    ("(?P<a b>a)", "invalid named capture: `(?P<a b>`"),
    ("(?P<n>", "missing closing ): `(?P<n>`"),
    ("[a-", "missing closing ]: `[a-`"),
    ("[[:alpha:]", "missing closing ]: `[[:alpha:]`"),
    ("[z-a]", "invalid character class range: `z-a`"),
    ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
    (r"\p{Foo}", r"invalid character class range: `\p{Foo}`"),
    (r"\pX", r"invalid character class range: `\pX`"),
    (r"\p{Greek", r"invalid character class range: `\p{Greek`"),
    (r"\x{110000}", r"invalid escape sequence: `\x{110000`"),
    (r"\x{}", r"invalid escape sequence: `\x{}`"),
    (r"\xZ", r"invalid escape sequence: `\xZ`"),
    (r"\1", r"invalid escape sequence: `\1`"),
    (r"\8", r"invalid escape sequence: `\8`"),
    ("a\\", "trailing backslash at end of expression: ``"),
    (")", "unexpected ): `)`"),
    ("a)b", "unexpected ): `a)b`"),
    ("a\udcffb", "invalid UTF-8: `\udcffb`"),
    ("[a-\udcff]", "invalid UTF-8: `\udcff]`"),
    ("(?P<a\udcff>x)", "invalid UTF-8: `\udcff`"),  # Go quotes the rest of the name only
    ("\\Qab\udcff\\Ecd", "invalid UTF-8: `\udcff`"),  # ... and of the quoted text only
    ("a\ud800", "invalid UTF-8: `\ud800`"),  # any lone surrogate
    ("(" * 1000 + ")" * 1000, f"expression nests too deeply: `{'(' * 1000 + ')' * 1000}`"),
    ("(xx?){1000}" * 1000, f"regexp/syntax: internal error: `{'(xx?){1000}' * 1000}`"),
]


@pytest.mark.parametrize(("pattern", "message"), GO_ERRORS, ids=lambda p: repr(p)[:30])
def test_error_is_gos(pattern, message):
    with pytest.raises(RegexpError) as raised:
        parse(pattern)
    error = raised.value
    assert str(error) == f"error parsing regexp: {message}"
    assert str(error) == f"error parsing regexp: {error.code}: `{error.expr}`"
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("pattern", "want"),
    [
        ("critical{,1}", "str{critical{,1}}"),  # a malformed count is literal text
        ("[[:upper:]]", "cc{0x41-0x5a}"),
        ("(?i)k", "litfold{K}"),
        ("(?i)é", "litfold{É}"),
        ("[\\d-z]", "cc{0x2d 0x30-0x39 0x7a}"),
        ("(?P<name>a)(?P<name>b)", "cat{cap{name:lit{a}}cap{name:lit{b}}}"),  # Go 1.19 allows it
        (r"\z*", "star{eot{\\z}}"),
        (r"[\x{D800}]", "lit{\ufffd}"),  # a surrogate escape is a rune (dumped as Go writes it)
        ("(?i)ſ", "litfold{S}"),
    ],
)
def test_perl_parse(pattern, want):
    assert dump(parse(pattern)) == want


def test_tree_nodes():
    tree = parse("(?P<id>a+?)|$")
    assert tree.op == Op.ALTERNATE
    capture, end = tree.sub
    assert (capture.op, capture.cap, capture.name) == (Op.CAPTURE, 1, "id")
    assert capture.sub[0].flags & Flags.NON_GREEDY
    assert end.flags & Flags.WAS_DOLLAR


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("()[]{}|*+?\\^$.-:P<>=iU")))
def test_parse_raises_only_regexp_error(pattern):
    """Any text either parses or raises RegexpError with Go's message shape."""
    try:
        parse(pattern)
    except RegexpError as error:
        message = str(error)
    else:
        return
    assert message.startswith("error parsing regexp: ")


def test_ascii_case_folding_reads_no_table():
    """(?i) over ASCII (and Kelvin, long s) is written in code: no Unicode data file is read."""
    code = (
        "from oncall_policy.matching import syntax, unicode_tables as u;"
        "syntax.parse('(?i)HighMemoryUsage|k|[a-z]+|\\\\w');"
        "import sys; print(u._orbits is None, u._tables is None, 're2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "False"]

"""Matching as Alertmanager 0.25 matches: Go's regexp on ``^(?:value)$``.

The expected answers were checked against Go 1.19.8's ``regexp.MatchString`` (``tools/goregexp``);
each trap here is a place where Python's ``re`` answers differently.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.matching import engine
from oncall_policy.matching.emit import to_re2
from oncall_policy.matching.regexp_errors import RegexpTooComplexError
from oncall_policy.matching.syntax import parse
from oncall_policy.matching.unicode_tables import fold_orbit


def matches(value: str, text: str) -> bool:
    """Whether an Alertmanager regex matcher with ``value`` matches the label value ``text``."""
    return engine.compile(parse(f"^(?:{value})$")).fullmatch(text)


@pytest.mark.parametrize(
    ("value", "text", "want"),
    [
        # POSIX classes are classes, not a set followed by ].
        ("HighMemoryUsage|[[:upper:]].*", "ServiceDown", True),
        ("[[:upper:]]", "A", True),
        ("[[:upper:]]", "[", False),
        ("[[:upper:]]", ":]", False),
        # {,1} is literal text in Go (a quantifier in Python).
        ("critical{,1}", "critical{,1}", True),
        ("critical{,1}", "critical", False),
        ("critical{,1}", "criticall", False),
        # . never matches a newline; a negated class does.
        (".+", "line\nbreak", False),
        ("[^a]", "\n", True),
        ("(?s).", "\n", True),
        # \d \w \s are ASCII only; \pL is Unicode.
        (r"\d", "٣", False),
        (r"\w", "é", False),
        (r"\s", "\u00a0", False),
        (r"\s", "\v", False),
        (r"\pL", "é", True),
        (r"\p{Greek}+", "αβγ", True),
        (r"\PL", "é", False),
        # Case folding, Go's simple folds.
        ("(?i)highmemoryusage", "HighMemoryUsage", True),
        ("(?i)k", "\u212a", True),  # Kelvin sign
        ("(?i)s", "\u017f", True),  # long s
        ("(?i)ß", "ẞ", True),
        ("(?i)ß", "SS", False),  # no full case folding
        ("(?i)σ", "ς", True),
        ("(?i:a)b", "AB", False),
        # Anchors: the value is anchored, the text is the whole label value.
        (r"api-(eu|us)-\d+", "api-eu-12", True),
        (r"api-(eu|us)-\d+", "xapi-eu-12", False),
        (r"api-(eu|us)-\d+", "api-eu-12x", False),
        ("", "", True),
        ("", "x", False),
        ("a|", "", True),
        # An unbalanced value closes Alertmanager's group: ^(?:a)|(b)$, anchored on one side each.
        ("a)|(b", "azzz", True),
        ("a)|(b", "zzzb", True),
        ("a)|(b", "zzz", False),
        # Line anchors and word boundaries, as Go has them.
        ("(?m)a$\nb", "a\nb", True),
        ("(?m)^b", "b", True),
        (r"a\b", "a", True),
        (r"\Ba", "a", False),
        # A search starts at a rune: RE2 alone would find \B between the bytes of ẞ.
        (r"a)|\B|(b", "iẞB", False),
        (r"a)|\B|(b", "ii", True),
        # Go reads a byte that is not UTF-8 (here, as surrogateescape decodes it) as U+FFFD.
        (".", "\udcff", True),
        (r"\x{FFFD}", "\udcff", True),
        ("\ufffd", "\ud800", True),
        # Escapes, counts, quoting.
        (r"\Qa.b\E+", "a.bb", True),
        (r"\Qa.b\E+", "axb", False),
        ("x{2,3}", "xxxx", False),
        ("(?:a{0}b){2}", "bb", True),
        ("((a{1000}){0}){2}", "", True),  # RE2 refuses this nesting, Go does not look inside {0}
    ],
)
def test_matches_as_go(value, text, want):
    assert matches(value, text) is want


def test_exponential_backtracking_is_linear():
    """Python's re needs exponential time here; RE2 (like Go) needs linear time."""
    started = time.perf_counter()
    assert not matches("(x+x+)+y", "x" * 50)
    assert time.perf_counter() - started < 1


def test_emitted_pattern_is_explicit():
    """Classes, dots and folded letters are written as code-point ranges, surrogates left out."""
    assert to_re2(parse("^(?:a.)$")) == r"\Aa[\x{0}-\x{9}\x{b}-\x{d7ff}\x{e000}-\x{10ffff}]\z"
    assert to_re2(parse("(?i)k")) == r"[\x{4b}\x{6b}\x{212a}]"
    assert to_re2(parse("(ab|cd)*")) == "(?:ab|cd)*"
    assert to_re2(parse("x{0}y")) == "(?:)y"
    assert to_re2(parse(r"[\x{D800}-\x{E000}]")) == r"[\x{e000}]"
    assert to_re2(parse(r"\x{D800}x")) == r"[^\x00-\x{10ffff}]x"


def test_a_surrogate_a_match_would_begin_with_is_refused():
    r"""Go matches ^(?:\x{D800}a)$ against "\ufffda": its one-pass matcher compares the literal
    prefix as bytes, and writes a surrogate as U+FFFD. Rather than guess whether Go's program is
    one-pass, the engine refuses such a tree; anywhere else a surrogate simply never matches."""
    with pytest.raises(RegexpTooComplexError):
        engine.compile(parse(r"^(?:\x{D800}a)$"))
    with pytest.raises(RegexpTooComplexError):
        engine.compile(parse(r"^(?:x{2}[\x{DFFF}])$"))
    assert not matches(r"a|\x{D800}", "\ufffd")
    assert not matches(r"a.\x{D800}", "ab\ufffd")
    assert not matches(r"(\x{D800})", "\ufffd")


def test_compiled_patterns_are_cached():
    assert engine.compile(parse("^(?:api-.*)$")) is engine.compile(parse("^(?:api-.*)$"))


def test_too_complex_for_re2_is_a_typed_error(monkeypatch):
    """Go accepts \\pL{1000} (1.1 million RE2 instructions); past RE2's budget the failure is explicit."""
    monkeypatch.setattr(engine, "MAX_MEM", 1 << 20)
    with pytest.raises(RegexpTooComplexError) as raised:
        engine.compile(parse(r"^(?:\pL{200})$"))
    assert "too large" in raised.value.reason


def test_import_does_not_load_re2():
    code = "import oncall_policy.matching.engine, sys; print('re2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


_GO_META = set("\\.+*?()|[]{}^$")


def _quote(text: str) -> str:
    """Go's regexp.QuoteMeta."""
    return "".join("\\" + c if c in _GO_META else c for c in text)


_texts = st.text(st.characters(codec="utf-8"), max_size=12)


@given(text=_texts, other=_texts)
def test_a_quoted_value_matches_exactly_itself(text, other):
    """A value quoted as Go quotes it matches the text itself and nothing else."""
    pattern = engine.compile(parse(f"^(?:{_quote(text)})$"))
    assert pattern.fullmatch(text)
    assert pattern.fullmatch(other) is (other == text)


@given(data=st.data(), text=_texts)
def test_case_insensitive_value_matches_every_case_variant(data, text):
    """(?i) matches the text with each character replaced by any rune it simply folds to."""
    variant = "".join(chr(data.draw(st.sampled_from(fold_orbit(ord(c))))) for c in text)
    assert engine.compile(parse(f"^(?i:{_quote(text)})$")).fullmatch(variant)

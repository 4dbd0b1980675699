"""Language: the strings a Go regex matches, and the questions silences ask of them.

``matcher(re)`` is the language of Go's parse (``matching.syntax``) of Alertmanager's anchored
``^(?:re)$``, i.e. the label values ``=~"re"`` accepts; odd shapes are built by hand.
"""

from __future__ import annotations

import time

import pytest

from oncall_policy.matching import engine
from oncall_policy.matching.budget import Budget
from oncall_policy.matching.language import UNDECIDED, Language
from oncall_policy.matching.tree import Op
from tests.regex_trees import anchored, literal, node, reference_fullmatch, repeat

ALERTS = [
    "SLOAvailabilityBreach",
    "SLOErrorRateBreach",
    "ServiceDown",
    "DatabaseDown",
    "RedisDown",
    "HighErrorRate",
    "HighResponseTime",
    "HighMemoryUsage",
    "LowDiskSpace",
    "FailedAuthenticationSpike",
    "SQLInjectionAttempt",
    "SuspiciousSecurityEvent",
]
KNOWN = Language.of_strings(ALERTS)


def matcher(pattern: str) -> Language:
    return Language.of_tree(anchored(pattern))


def timed(action):
    """The answer, and the CPU time this thread spent on it: the work done, whatever else the
    machine is running (a wall clock failed these bounds while other test processes ran)."""
    started = time.thread_time()
    result = action()
    return result, time.thread_time() - started


# Hand-checked questions ---------------------------------------------------------------------------


def test_a_regex_that_admits_unknown_alert_names_is_not_inside_the_known_set():
    wide = matcher("HighMemoryUsage|[[:upper:]].*")
    assert wide.is_subset(KNOWN) is False
    assert (wide - KNOWN).witness() == "A"


def test_an_alternation_of_known_names_is_inside_the_known_set():
    assert matcher("HighMemoryUsage|ServiceDown").is_subset(KNOWN) is True
    assert matcher("High.*").members() is UNDECIDED
    assert (matcher("High.*") & KNOWN).members() == ("HighErrorRate", "HighMemoryUsage", "HighResponseTime")


@pytest.mark.parametrize(
    ("language", "witness"),
    [
        (matcher("api-.*") & ~matcher("api-eu.*"), "api-"),
        (matcher("api-.+") & ~matcher("api-eu.*"), "api-a"),
        (matcher("api-e.") - matcher("api-eu.*"), "api-ea"),
        (matcher("a") & ~matcher("a"), None),
        (matcher("sev.*") & matcher("critical"), None),
        (matcher("[^a]"), "b"),
        (matcher(".+") & ~matcher("[[:alnum:]]+"), "!"),
        (matcher("(?i)HIGH"), "high"),
        (Language.nothing(), None),
        (Language.any(), ""),
        (~Language.any(), None),
    ],
    ids=[
        "api-minus-eu",
        "api-plus-minus-eu",
        "difference",
        "a-and-not-a",
        "sev-and-critical",
        "negated-class",
        "punctuation",
        "fold",
        "nothing",
        "any",
        "not-any",
    ],
)
def test_witnesses(language, witness):
    assert language.witness() == witness
    assert language.is_empty() is (witness is None)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"\bfoo\b", "foo", True),
        (r".*\bfoo\b.*", "a foo!", True),
        (r".*\bfoo\b.*", "afoo", False),
        (r".*\Bfoo.*", "afoo", True),
        (r".*\Bfoo.*", "-foo", False),
        (r"\b", "", False),  # both sides of the empty string are non-word
        (r"\B", "", True),
        (r"a\bb", "ab", False),
        (r"a\Bb", "ab", True),
        (r"_\b-", "_-", True),  # '_' is a word character, '-' is not
        (r"é\bx", "éx", True),  # \b is ASCII: 'é' is not a word character
        (r"a$", "a\n", False),  # $ without (?m) is the end of the text only
        (r"a\n$", "a\n", True),
        (r"(?m)a$\n", "a\n", True),  # (?m)$ also before a newline
        (r"(?m)a$", "a\n", False),  # … but does not consume it
        (r"(?m)^a$\n^b$", "a\nb", True),
        (r"(?m)a\n^b", "a\nb", True),
        (r"a\n^b", "a\nb", False),  # ^ without (?m) is the start of the text only
        (r"(?m)(?:^a\n?)*", "a\na\na", True),
        (r"(?m)(?:^a)*", "aa", False),  # ^ inside a repetition: only at a line start
        (r"(?:^a)*", "a", True),
        (r"(?:^a)*", "", True),
        (r"(?:a|^)+b", "b", True),
        (r"(?:a|^)+b", "ab", True),
        (r"(?:a|\b)+b", "b", True),  # \b holds before the first 'b': the start is non-word
        (r"(?:a|\b)+b", "-b", False),
        (r"(?:a\b|-)*", "a-a", True),
        (r"(?:a\b|-)*", "a-aa", False),
        (r"a{2,3}", "aaaa", False),
        (r"(?:a?){3}b", "ab", True),
        (r"(?:\b|a){2,3}", "a", True),
        (r"(?:\Ba|b){2}", "ba", True),
        (r"(?:\Ba|b){2}", "ab", False),
        (r"(?s:.)", "\n", True),
        (r".", "\n", False),
        (r"[^a]", "\n", True),
        (r"\x{10FFFF}", "\U0010ffff", True),
    ],
)
def test_assertions_and_classes_mean_what_go_means(pattern, text, expected):
    language = matcher(pattern)
    assert language.matches(text) is expected
    assert reference_fullmatch(anchored(pattern), text) is expected  # the reference agrees


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?m)^a$", ("a",)),
        (r"(?m)(?:^a$\n?){1,2}", ("a", "a\n", "a\na", "a\na\n")),
        (r"(?m)a$b", ()),
        (r"\bfoo\b|x\Bfoo", ("foo", "xfoo")),
        (r"\bfoo\b|-\Bfoo", ("foo",)),
        (r"(?i)ab", ("AB", "Ab", "aB", "ab")),
        (r"a{0,2}|b", ("", "a", "b", "aa")),  # shortest first
        (r"HighMemoryUsage|ServiceDown", ("ServiceDown", "HighMemoryUsage")),
    ],
)
def test_members_of_finite_languages(pattern, expected):
    assert matcher(pattern).is_finite() is True
    assert matcher(pattern).members() == expected


@pytest.mark.parametrize("pattern", [r"(?m)(?:^a$\n?)+", "a*", ".", r"[^a]|a+", r"\b.+"])
def test_infinite_or_too_large_languages_have_no_member_list(pattern):
    assert matcher(pattern).members(limit=1000) is UNDECIDED


def test_is_finite_tells_infinite_from_finite_but_large():
    assert matcher(".").is_finite() is True
    assert matcher(".*").is_finite() is False
    assert (matcher("a*") & matcher("a{0,3}")).is_finite() is True
    assert matcher("a{2}|b").members(limit=1) is UNDECIDED


def test_a_language_does_not_hold_surrogates():
    assert matcher(".").matches("\udc80") is True  # a byte that is not UTF-8: U+FFFD to Go
    assert matcher(r"\x{FFFD}").matches("\udcff") is True
    assert (matcher(".") - matcher(r"\x{FFFD}")).matches("\udcff") is False
    with pytest.raises(ValueError, match="surrogate"):
        Language.literal("a\udfff")
    with pytest.raises(ValueError, match="surrogate"):
        Language.of_strings(["fine", "\ud900"])


KELVIN, LONG_S = "\u212a", "\u017f"


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("(?i)k", KELVIN, True),
        ("(?i)K", KELVIN, True),
        (f"(?i){KELVIN}", "k", True),
        ("k", KELVIN, False),
        ("(?i)[k]", KELVIN, True),  # a folded class: the parser adds the orbit
        ("(?i)[^k]", KELVIN, False),
        ("(?i)s", LONG_S, True),
        ("(?i)[a-z]", LONG_S, True),
        ("[a-z]", LONG_S, False),
        ("(?i)ß", "ẞ", True),
        ("(?i)ẞ", "ß", True),
        ("(?i)ß", "SS", False),  # simple folding, not full: ß is one rune
        ("(?i)ß", "ss", False),
        ("(?i)σ", "ς", True),
        ("(?i)σ", "Σ", True),
        ("(?i)ς", "Σ", True),
        ("σ", "ς", False),
        ("(?i)é", "É", True),
        ("(?i)É", "é", True),
        ("é", "É", False),
        ("(?i)intrusiondétectée", "IntrusionDétectée", True),
        ("(?i)µ", "Μ", True),  # the micro sign folds with the Greek mu
        ("(?i)İ", "i", False),  # dotted capital I has no simple fold
        (r"\pL", "é", True),
        (r"\pL", "日", True),
        (r"\pL", KELVIN, True),
        (r"\pL", "1", False),
        (r"\pL", "_", False),
        (r"\PL", "é", False),
        (r"\pL+", "Straße", True),
    ],
)
def test_case_folding_follows_go_simple_folding(pattern, text, expected):
    """(?i) admits a rune's whole simple-folding orbit as Go's tables have it (the Kelvin sign
    with k, the long s with s, ς with σ and Σ), and no more; \\pL is Go's Unicode letters. The
    derivative engine, the reference matcher and RE2 all agree."""
    tree = anchored(pattern)
    assert Language.of_tree(tree).matches(text) is expected
    assert reference_fullmatch(tree, text) is expected
    assert engine.compile(tree).fullmatch(text) is expected


@pytest.mark.parametrize(
    ("admitted", "excluded", "witness"),
    [
        ("(?i)k", "[kK]", KELVIN),
        ("(?i)s", "[sS]", LONG_S),
        ("(?i)ß", "ß", "ẞ"),
        ("(?i)σ", "σ|Σ", "ς"),
        ("(?i)é", "é", "É"),
        ("(?i)[[:upper:]]", "[a-zA-Z]", LONG_S),
        (r"\pL", "[a-zA-Z]", "ª"),  # the first letter past ASCII
        ("(?i)k", f"[kK{KELVIN}]", None),
    ],
    ids=["kelvin", "long-s", "sharp-s", "final-sigma", "e-acute", "upper-folded", "letter", "none-left"],
)
def test_a_witness_uses_a_fold_when_only_it_is_admitted(admitted, excluded, witness):
    """When the readable spellings are taken away, the witness is the fold that is left."""
    assert (matcher(admitted) - matcher(excluded)).witness() == witness
    if witness is not None:
        assert engine.compile(anchored(admitted)).fullmatch(witness) is True
        assert engine.compile(anchored(excluded)).fullmatch(witness) is False


def test_undecided_is_not_a_truth_value():
    assert matcher("[ab]*a[ab]{20}").is_finite(Budget(states=100)) is UNDECIDED
    with pytest.raises(TypeError, match="neither true nor false"):
        bool(UNDECIDED)
    assert repr(UNDECIDED) == "UNDECIDED"


def test_decided_answers_are_remembered_undecided_ones_are_not():
    """An audit asks the same question of many silences: a decided answer is a fact about the
    language, reused whatever the budget; running out of budget is not."""
    slow = matcher("[ab]*a[ab]{8}") & ~matcher("[ab]*b[ab]{8}")
    assert slow.is_empty(Budget(states=50)) is UNDECIDED
    assert slow.witness() == "a" * 9
    assert slow.witness(Budget(states=1)) == "a" * 9
    assert (matcher("[ab]*a[ab]{8}") & ~matcher("[ab]*b[ab]{8}")).is_empty(Budget(states=1)) is False


# Finite sets and literals -------------------------------------------------------------------------


def test_literals_and_string_sets():
    assert Language.literal("api").matches("api") is True
    assert Language.literal("").witness() == ""
    assert Language.of_strings([]).is_empty() is True
    assert Language.of_strings(["bb", "c", "a", "bb"]).members() == ("a", "c", "bb")
    assert (Language.literal("api") | Language.literal("db")).is_subset(
        Language.of_strings(["api", "db", "x"])
    )
    assert (matcher("[a-z]+") - Language.of_strings(["a", "b"])).witness() == "c"


def test_a_set_of_100000_names_stays_cheap():
    names = [f"Alert{i:06d}Firing" for i in range(100_000)]
    known, built = timed(lambda: Language.of_strings(names))
    assert built < 1.0
    subset, took = timed(lambda: matcher("Alert00004[2-5]Firing").is_subset(known))
    assert subset is True
    assert took < 0.1
    assert (matcher("Alert.*") - known).witness() == "Alert"
    assert known.matches("Alert099999Firing") is True
    assert known.matches("Alert100000Firing") is False


# Bounds -------------------------------------------------------------------------------------------


def nested_repeats(*bounds: tuple[int, int], tail: str = "") -> Language:
    """``(…(a{l,h})…){l,h}`` then ``tail``, built by hand: Go refuses nested repetitions past 1000
    copies, but the engine must stay bounded on any tree."""
    built = literal("a")
    for low, high in bounds:
        built = repeat(built, low, high)
    return Language.of_tree(node(Op.CONCAT, built, literal(tail)) if tail else built)


@pytest.mark.parametrize(
    "language",
    [
        matcher("(x+x+)+y"),
        matcher("(?:a|aa){1000}"),
        matcher("(?:[ab]*a[ab]{20})"),
        matcher(r"(?:\b\B|a){1000}"),
        matcher(".*a.*b.*c.*d.*e.*f.*g.*h"),
        nested_repeats((1000, 1000), (1000, 1000)),
        nested_repeats((1000, 1000), (1000, 1000), (1000, 1000)),
        nested_repeats((0, 1000), (0, 1000), tail="b"),
    ],
    ids=["x+x+", "a|aa", "ab-window", "b-B", "dot-stars", "a1000^2", "a1000^3", "a0-1000^2"],
)
def test_pathological_languages_finish_fast(language):
    """Every question finishes well within the CLI's second: answered or UNDECIDED."""
    for question in (
        language.witness,
        language.is_finite,
        (language & ~matcher("x*y")).is_empty,
        lambda: language.matches("a" * 2000),
    ):
        _answer, took = timed(question)
        assert took < 1.0, question


def test_counted_repetition_is_symbolic():
    long_enough = Budget(steps=200_000)  # a step or two per character and level
    hundred_hundreds = nested_repeats((100, 100), (100, 100))
    assert hundred_hundreds.matches("a" * 10_000, long_enough) is True
    assert hundred_hundreds.matches("a" * 9_999, long_enough) is False
    assert hundred_hundreds.matches("a" * 10_001, long_enough) is False
    assert matcher("a{1000}").witness() == "a" * 1000
    assert matcher("(?:a{2,3}){2}b").members() == ("aaaab", "aaaaab", "aaaaaab")


def test_the_clock_bounds_a_query():
    explosive = matcher("(?:[ab]*a[ab]{20})")
    answer, took = timed(lambda: explosive.is_finite(Budget(states=10**9, steps=10**9, seconds=0.05)))
    assert answer is UNDECIDED
    assert took < 0.5


def test_deep_trees_do_not_recurse():
    """Go nests trees up to 1000 deep; nothing here recurses on depth."""
    deep = literal("a")
    for level in range(1000):
        deep = node(Op.CONCAT, node(Op.STAR, deep), literal("b")) if level % 2 else node(Op.CAPTURE, deep)
    language = Language.of_tree(deep)
    assert language.witness() == "b"
    # each step derives all 1000 levels
    assert language.matches("b" * 20, Budget(steps=200_000)) is True
    assert language.matches("a" + "b" * 20, Budget(steps=200_000)) is False  # an 'a' needs 500 b's after it
    assert "…" in repr(language)
    nested = literal("x")
    for _ in range(1000):
        nested = node(Op.ALTERNATE, node(Op.CONCAT, literal("y"), nested), literal("z"))
    assert Language.of_tree(nested).witness() == "z"
    assert Language.of_tree(nested).matches("y" * 1000 + "x") is True


def test_repeat_bounds_out_of_order_match_nothing():
    assert Language.of_tree(repeat(literal("a"), 3, 2)).is_empty() is True

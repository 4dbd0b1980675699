"""Hypothesis strategies for Go (RE2) regular expressions, as Alertmanager 0.25 reads silence and
route regexes, and for the label values worth matching them against.

``regexes()`` draws patterns from a grammar of what Go's ``regexp/syntax`` accepts, weighted
towards where dialects differ (Python's ``re``, RE2 itself, newer Go): non-ASCII literals whose
case folding is special (K U+212A, ſ U+017F, ß, σ/ς/Σ, µ), escapes (``\\x{1F600}``, octal),
ASCII-only Perl classes, POSIX and Unicode classes, inline flags, ``\\Q…\\E``, lazy and counted
repetition, and braces Go reads as literal text (``{,1}``). Every piece of a pattern carries strings
it is meant to match, so ``patterns_with_values()`` can offer values that match and values that
nearly do (case variants, a newline more, a character less). Those strings are guesses: the
server, through ``tests/oracle.py``, is the only judge. Sizes stay small (groups at most two deep,
repeat counts at most 3) so that drawing one costs about a millisecond.

Two outcomes besides "accepted" are drawn on purpose: ``invalid=True`` mixes in patterns Go refuses
(``INVALID``), and ``poison=True`` (the default) rarely ends a pattern inside an unterminated
``\\Q`` or nests it 999 groups deep, which Go accepts bare but not as ``^(?:…)$`` (see
``tests/oracle.py``, ``Poisoned``). Label names beginning ``oracle_`` are never drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hypothesis import strategies as st

from tests.oracle import ApiMatcher, matcher

#: Literal characters, written raw (meta characters are escaped when drawn).
LITERALS = "azAQks09_- /:=,@\"'\néÉßẞKſσςΣωµİı日本😀.*+?()[]{}|^$\\"
META = frozenset(".*+?()[]{}|^$\\")
#: Escapes and the character each stands for.
ESCAPES = {
    r"\x41": "A", r"\x{1F600}": "😀", r"\x{e9}": "é", r"\x{212A}": "K", r"\n": "\n", r"\t": "\t",
    r"\r": "\r", r"\f": "\f", r"\v": "\v", r"\a": "\a", r"\101": "A", r"\000": "\x00", r"\_": "_",
    r"\-": "-", r"\ ": " ", r"\%": "%", r"\}": "}", r"\]": "]",
}  # fmt: skip
#: Classes outside brackets: one character each; the examples include near misses on purpose.
CLASSES = {
    ".": ("x", "é", "\n"), r"\d": ("7", "٣"), r"\D": ("x", "7"), r"\w": ("a", "_", "é"),
    r"\W": ("-", "a"), r"\s": (" ", "\v", "\u00a0"), r"\S": ("x", " "), r"\pL": ("a", "é", "日"),
    r"\pN": ("5", "½", "٣"), r"\p{Greek}": ("σ", "Σ", "a"), r"\p{Lu}": ("A", "Σ", "a"),
    r"\PN": ("x", "5"), r"\p{^Lu}": ("a", "A"), r"\P{L}": ("1", "a"), r"\p{Han}": ("日", "a"),
    r"\pZ": (" ", "\u00a0"), r"\p{Any}": ("\n", "x"), "[]a]": ("]", "a"), "[^]a]": ("b", "]"),
    "[-a]": ("-", "a"), "[a-]": ("-", "b"), "[[.a.]]": ("a]", ".]"), r"[\d-z]": ("-", "5", "y"),
}  # fmt: skip
#: Items of a bracket class ``[…]`` and characters they hold (or nearly hold).
BRACKET_ITEMS = {
    "a-z": ("a", "q", "K"), "A-Z": ("A", "k"), "0-9": ("0", "٣"), "à-ÿ": ("é", "É"),
    "α-ω": ("σ", "ς", "Σ"), r"\x{1F600}-\x{1F64F}": ("😀",), "_": ("_",), ".": (".",), "é": ("é", "É"),
    "K": ("K", "k"), "ſ": ("ſ", "s", "S"), "[:upper:]": ("A", "a", "É"), "[:^digit:]": ("x", "5"),
    "[:alpha:]": ("a", "é"), "[:word:]": ("_", "é"), "[:space:]": (" ", "\v"), "[:punct:]": ("!", "_"),
    "[:xdigit:]": ("f", "G"), r"\d": ("5",), r"\s": ("\t",), r"\W": ("!",), r"\pL": ("ß",),
    r"\p{Greek}": ("ω",), r"\]": ("]",), r"\-": ("-",), r"\\": ("\\",), r"\n": ("\n",), r"\^": ("^",),
}  # fmt: skip
OUTSIDE = ("!", "Z", "\n", "é", "0", " ")
ANCHORS = ("^", "$", r"\A", r"\z", r"\b", r"\B")
FLAGS = ("(?i)", "(?s)", "(?m)", "(?U)", "(?-i)", "(?is)", "(?i-s)", "(?sm)")
FLAG_GROUPS = ("(?i:", "(?s:", "(?m:", "(?U:", "(?-i:", "(?im:")
QUOTED = ("a.b", "*", "x|y", "(", "é+", "\\", "$^", "{,1}")
#: Braces that are not a repetition, which Go reads as literal text (Python 3.11 reads ``{,1}``).
LITERAL_BRACES = ("{,1}", "{x}", "{}", "{,}", "{1,x}", "{ 1}")
#: Constructs Go refuses (many of which Python's ``re`` accepts) wherever they stand in a pattern;
#: ``INVALID_FIRST`` only at its start, ``INVALID_LAST`` only at its end (``\\1`` before a digit is
#: an octal escape, ``[a`` may be closed by a later ``]``, ``\\Q`` may be ended by a later ``\\E``).
INVALID = (
    "(a", "a)", "a)|(b", r"\C", "(?<n>a)", "x**", "a++", "x*?*", "a{2}{3}", "[z-a]", "a{1001}",
    "x{2,1}", "(a{100}){11}", r"\8", "(?=a)", "(?!a)", "(?<=a)", "(?<!a)", "(?P=n)", r"\Z", r"\G",
    r"\e", r"\u0041", r"\N{DASH}", r"\xZZ", r"\x{110000}", "[[:foo:]]", r"\p{Foo}", r"\p{greek}",
    r"\p{IsGreek}", "(?x)a", "(?a)", "(?#c)", "(?i", "(?", "(?P<>a)", "(?P<é>a)",
    "(" * 1000 + "a" + ")" * 1000,
)  # fmt: skip
INVALID_FIRST = ("*a", "+", "?x", "{1}")
INVALID_LAST = ("\\", r"\1", "[a", "[]", "[^]", r"(\Qa)")
#: Case partners beyond ``str.swapcase``: what RE2's ``(?i)`` folds together, and what it does not.
FOLDS = str.maketrans("kKsſßẞσςµİ", "Kkſsẞßςσμi")
#: The labels ``silence_cases`` puts matchers on.
NAMES = ("alertname", "severity", "service", "env")
TEXT = st.text(st.sampled_from("aAzZ09 _-.\néßKſσΣ日😀\x00"), max_size=6)
MAX_EXAMPLES = 6
MAX_LENGTH = 200


@dataclass(frozen=True)
class Piece:
    """A fragment of a pattern and strings it is meant to match in full (guesses, not claims)."""

    pattern: str
    examples: tuple[str, ...]


def _piece(pattern: str, examples: Sequence[str]) -> Piece:
    kept = [e for e in dict.fromkeys(examples) if len(e) <= MAX_LENGTH]
    return Piece(pattern, tuple(kept[:MAX_EXAMPLES]) or ("",))


def _concat(pieces: Sequence[Piece]) -> Piece:
    """Side by side; example ``i`` joins example ``i`` (cyclically) of every piece."""
    width = max((len(p.examples) for p in pieces), default=1)
    examples = ["".join(p.examples[i % len(p.examples)] for p in pieces) for i in range(width)]
    return _piece("".join(p.pattern for p in pieces), examples)


@st.composite
def _literal(draw: st.DrawFn) -> Piece:
    char = draw(st.sampled_from(LITERALS))
    escaped = char in META and (char not in "]}" or draw(st.booleans()))  # Go reads a lone ] or } as itself
    return _piece("\\" + char if escaped else char, [char])


@st.composite
def _bracket(draw: st.DrawFn) -> Piece:
    items = list(
        dict.fromkeys(draw(st.lists(st.sampled_from(sorted(BRACKET_ITEMS)), min_size=1, max_size=3)))
    )
    members = [example for item in items for example in BRACKET_ITEMS[item]]
    if draw(st.booleans()):
        return _piece("[^" + "".join(items) + "]", [*OUTSIDE, *members])
    return _piece("[" + "".join(items) + "]", [*members, *OUTSIDE[:2]])


_ESCAPES = st.sampled_from([_piece(k, [v]) for k, v in ESCAPES.items()])
_CLASSES = st.sampled_from([_piece(k, v) for k, v in CLASSES.items()])
_QUOTES = st.sampled_from([_piece(rf"\Q{text}\E", [text]) for text in QUOTED])
_CHARACTERS = st.one_of(_literal(), _ESCAPES, _CLASSES, _bracket(), _QUOTES)


def _unit(depth: int) -> st.SearchStrategy[Piece]:
    """What a repetition may follow: one character's worth, or a group."""
    return st.one_of(_CHARACTERS, _group(depth - 1)) if depth > 0 else _CHARACTERS


@st.composite
def _group(draw: st.DrawFn, depth: int) -> Piece:
    inner = draw(_alternation(depth))
    # Names repeat across groups of one depth: Go 1.19 accepts that, Python's re does not.
    opening = draw(st.sampled_from(["(", "(?:", f"(?P<g{depth}>", *FLAG_GROUPS]))
    examples = inner.examples
    if opening.startswith(("(?i", "(?-i")):
        examples = (*examples, *(e.swapcase() for e in examples))
    return _piece(f"{opening}{inner.pattern})", examples)


@st.composite
def _repeated(draw: st.DrawFn, unit: Piece) -> Piece:
    low, high = sorted(draw(st.lists(st.integers(0, 3), min_size=2, max_size=2)))
    operator, counts = draw(
        st.sampled_from(
            [
                ("*", (0, 1, 2)),
                ("+", (1, 2)),
                ("?", (0, 1)),
                (f"{{{low}}}", (low,)),
                (f"{{{low},}}", (low, low + 1)),
                (f"{{{low},{high}}}", (low, high)),
            ]
        )
    )
    lazy = draw(st.sampled_from(["", "", "?"]))
    examples = [(e * n) for e in unit.examples[:2] for n in counts]
    return _piece(unit.pattern + operator + lazy, examples)


@st.composite
def _item(draw: st.DrawFn, depth: int) -> Piece:
    kind = draw(st.sampled_from(["unit", "unit", "unit", "repeat", "repeat", "anchor", "flag", "brace"]))
    if kind == "anchor":
        anchor = _piece(draw(st.sampled_from(ANCHORS)), [""])
        return draw(_repeated(anchor)) if draw(st.integers(0, 9)) == 9 else anchor  # Go allows ^*
    if kind == "flag":
        return _piece(draw(st.sampled_from(FLAGS)), [""])
    if kind == "brace":
        text = draw(st.sampled_from(LITERAL_BRACES))
        return _piece(text, [text])
    unit = draw(_unit(depth))
    return draw(_repeated(unit)) if kind == "repeat" else unit


@st.composite
def _alternation(draw: st.DrawFn, depth: int) -> Piece:
    branches = [
        _concat(draw(st.lists(_item(depth), min_size=0 if i else 1, max_size=4)))
        for i in range(draw(st.sampled_from([1, 1, 1, 2, 3])))
    ]
    examples = [e for branch in branches for e in branch.examples[:2]]
    return _piece("|".join(b.pattern for b in branches), examples)


@st.composite
def _poisoned(draw: st.DrawFn, piece: Piece) -> Piece:
    """Rarely, a pattern Go accepts only bare: ending in an open ``\\Q``, or 999 groups deep."""
    choice = draw(st.integers(0, 49))  # hypothesis starts from 0: keep the rare cases away from it
    if choice == 48:
        text = draw(st.sampled_from(QUOTED))
        return _piece(rf"{piece.pattern}\Q{text}", [e + text for e in piece.examples])
    if choice == 49:  # Go's limit is a parse tree 1000 high; one character is 1, each group adds 1
        char = draw(st.one_of(_literal(), _ESCAPES))
        return _piece("(" * 999 + char.pattern + ")" * 999, char.examples)
    return piece


@st.composite
def _invalid(draw: st.DrawFn, piece: Piece) -> Piece:
    """A valid pattern with something Go refuses before or after it."""
    where = draw(st.sampled_from(["before", "after", "before", "after", "first", "last"]))
    if where == "first":
        return _piece(draw(st.sampled_from(INVALID_FIRST)) + piece.pattern, piece.examples)
    if where == "last":
        return _piece(piece.pattern + draw(st.sampled_from(INVALID_LAST)), piece.examples)
    bad = draw(st.sampled_from(INVALID))
    return _piece(bad + piece.pattern if where == "before" else piece.pattern + bad, piece.examples)


@st.composite
def regex_pieces(draw: st.DrawFn, *, invalid: bool = False, poison: bool = True) -> Piece:
    """A pattern with the strings its parts are meant to match (see the module docstring).
    ``invalid``: about one in three is a pattern Go refuses. ``poison``: about one in 25 ends in
    an open ``\\Q`` or nests 999 groups deep (Go accepts it, Alertmanager's anchored form fails)."""
    piece = draw(_alternation(draw(st.integers(0, 2))))
    if invalid and draw(st.booleans()):  # about one in three: hypothesis leans to False
        return draw(_invalid(piece))
    return draw(_poisoned(piece)) if poison else piece


def regexes(*, invalid: bool = False, poison: bool = True) -> st.SearchStrategy[str]:
    """RE2-syntax pattern strings (``regex_pieces`` without the examples)."""
    return regex_pieces(invalid=invalid, poison=poison).map(lambda piece: piece.pattern)


def near_misses(text: str) -> list[str]:
    """Strings one small step from ``text``: case variants (RE2's folds included), a newline
    before or after, the last character dropped or doubled, one more in front."""
    variants = [text.upper(), text.lower(), text.swapcase(), text.translate(FOLDS), text.casefold()]
    return [*variants, text + "\n", "\n" + text, text[:-1], text + text[-1:], "x" + text]


def values_from(examples: Sequence[str]) -> st.SearchStrategy[str]:
    """Label values around ``examples``: half of them the examples themselves, then their near
    misses or ``""``, then random text."""
    near = [miss for example in examples for miss in near_misses(example)]
    exact = st.sampled_from(list(dict.fromkeys(examples)) or [""])
    return st.one_of(exact, exact, st.sampled_from(list(dict.fromkeys(["", *near]))), TEXT)


@st.composite
def values_for(draw: st.DrawFn, pattern: str) -> str:
    """A label value for any pattern, from its text alone: its literal runs (escapes resolved
    naively, meta characters dropped), all of them joined, their near misses, ``""`` or random text."""
    runs, current, chars = [], [], iter(pattern)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char in META:
            runs.append("".join(current))
            current = []
        else:
            current.append(char)
    runs.append("".join(current))
    return draw(values_from([run for run in runs if run] + ["".join(runs)]))


@st.composite
def patterns_with_values(
    draw: st.DrawFn, *, invalid: bool = False, poison: bool = True, max_values: int = 8
) -> tuple[str, tuple[str, ...]]:
    """A pattern and 1–``max_values`` label values from its own pieces: typically some match, some
    nearly do."""
    piece = draw(regex_pieces(invalid=invalid, poison=poison))
    values = draw(st.lists(values_from(piece.examples), min_size=1, max_size=max_values))
    return piece.pattern, tuple(values)


#: A label name as alerts and matchers may use it (never ``oracle_…``, which the oracle reserves).
label_name = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,6}", fullmatch=True).filter(
    lambda name: not name.startswith("oracle_")
)
Values = Sequence[str] | st.SearchStrategy[str]


@st.composite
def alerts(
    draw: st.DrawFn, label_names: Sequence[str], values: Values | Mapping[str, Values]
) -> dict[str, str]:
    """A label set over ``label_names``: each label mostly holds one of ``values`` (or of
    ``values[name]``), else is empty or absent (the same to Alertmanager, not to a harness)."""
    labels = {}
    for name in label_names:
        pool = values[name] if isinstance(values, Mapping) else values
        kind = draw(st.sampled_from(["value", "value", "value", "empty", "absent"]))
        if kind != "absent":
            labels[name] = "" if kind == "empty" else draw(_strategy(pool))
    return labels


def _strategy(values: Values) -> st.SearchStrategy[str]:
    return values if isinstance(values, st.SearchStrategy) else st.sampled_from(list(values) or [""])


@st.composite
def silence_cases(
    draw: st.DrawFn, *, max_alerts: int = 8, poison: bool = True
) -> tuple[list[ApiMatcher], list[dict[str, str]]]:
    """One silence's matchers (1–3, any operator; regexes from ``patterns_with_values``; a label
    may have two) and 1–``max_alerts`` alerts whose values for each label come from that label's
    matchers' values, so that every matcher holds for some alerts and fails for others."""
    names = [draw(st.sampled_from(NAMES)) for _ in range(draw(st.sampled_from([1, 1, 1, 2, 2, 3])))]
    matchers: list[ApiMatcher] = []
    pools: dict[str, list[str]] = {}
    for name in names:
        pattern, values = draw(patterns_with_values(poison=poison))
        op = draw(st.sampled_from(["=~", "=~", "!~", "=", "!="]))
        matchers.append(matcher(name, op, pattern if "~" in op else values[0]))
        pools.setdefault(name, []).extend(values)
    found = draw(st.lists(alerts(sorted(pools), pools), min_size=1, max_size=max_alerts))
    return matchers, found

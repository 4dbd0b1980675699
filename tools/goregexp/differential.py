"""Differential test of oncall_policy.matching against Go 1.19's regexp (development only).

Generates patterns from an RE2-aware grammar (plus random mutations of them, down to bytes that
are not UTF-8) and subject strings, sends them to the Go oracle (``main.go`` beside this file),
and compares, for each pattern: syntax.Parse's error or tree dump (under Perl flags, sometimes
others), the same for the anchored ``^(?:p)$``, and MatchString of every subject against it.

    go build -o .goregexp tools/goregexp/main.go
    .venv/bin/python tools/goregexp/differential.py --oracle ./.goregexp --patterns 200000

Needs Go 1.19 (for the oracle); not part of the test suite. Differences go to --out as JSON lines.
"""

from __future__ import annotations

import argparse
import ast
import bz2
import json
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from oncall_policy.matching import engine
from oncall_policy.matching.go_dump import dump
from oncall_policy.matching.regexp_errors import RegexpError, RegexpTooComplexError
from oncall_policy.matching.syntax import parse
from oncall_policy.matching.tree import Flags, Op, Regexp
from oncall_policy.matching.unicode_tables import fold_orbit

# Letters that fold unusually: Kelvin, long s, Å/Å, Ω/Ω, σ/ς/Σ, ǅ (title case), ß/ẞ, İ/ı,
# Greek with tonos, Cherokee, Deseret (astral), Adlam (the last to fold), and the odd ones.
FOLDERS = "kKKsSſåÅÅωΩΩσςΣǄǅǆßẞİıiIΐΰΪϐβϑθµμΜᏸᏰ𐐀𐐨𞤀𞤢ǰJjɐⱯ"
OTHERS = "é中😀ж\u00a0\u2028\ufffd\U0010ffff\x00\x7f"
PLAIN = "abcxyzABCXYZ019_-.,:;/ "
SPECIAL = "\\[]{}()*+?|^$.-"
CLASS_NAMES = [
    "L",
    "Lu",
    "Ll",
    "Lt",
    "N",
    "Nd",
    "Z",
    "Greek",
    "Latin",
    "Cyrillic",
    "Han",
    "Any",
    "Common",
    "Inherited",
    "M",
    "Mn",
    "Cs",
    "Co",
    "C",
    "P",
    "S",
    "Braille",
    "Sc",
    "Lm",
]
POSIX = [
    "alnum",
    "alpha",
    "ascii",
    "blank",
    "cntrl",
    "digit",
    "graph",
    "lower",
    "print",
    "punct",
    "space",
    "upper",
    "word",
    "xdigit",
]
ESCAPES = [
    r"\d",
    r"\D",
    r"\s",
    r"\S",
    r"\w",
    r"\W",
    r"\a",
    r"\f",
    r"\t",
    r"\n",
    r"\r",
    r"\v",
    r"\.",
    r"\-",
    r"\_",
    r"\*",
    r"\\",
    r"\0",
    r"\012",
    r"\x41",
    r"\x6b",
    r"\x{212a}",
    r"\x{1F600}",
    r"\x{FFFD}",
    r"\x{10FFFF}",
    r"\pL",
    r"\PL",
    r"\pN",
    r"\p{Greek}",
    r"\P{Greek}",
    r"\p{^Greek}",
    r"\p{Lu}",
    r"\p{Ll}",
    r"\p{Any}",
    r"\p{^Any}",
    r"\pZ",
]
ASSERTIONS = [r"\b", r"\B", r"\A", r"\z", "^", "$"]
BAD_ESCAPES = [
    r"\1",
    r"\8",
    r"\x{110000}",
    r"\x{}",
    r"\x",
    r"\xZ",
    r"\C",
    r"\e",
    r"\Z",
    r"\pX",
    r"\p{Foo}",
    r"\p{",
    r"\p",
    r"\x{D800}",
    r"\x{DFFF}",
    r"\Q",
    "\\",
]
FLAG_GROUPS = [
    "(?i)",
    "(?s)",
    "(?m)",
    "(?U)",
    "(?-i)",
    "(?i-s)",
    "(?ims)",
    "(?-m)",
    "(?sm-U)",
    "(?-s)",
    "(?mi)",
]
BAD_FLAG_GROUPS = ["(?-)", "(?i-)", "(?x)", "(?P=n)", "(?<n>", "(?'n'", "(?#c)", "(?", "(?i"]
REPEATS = [
    "*",
    "+",
    "?",
    "*?",
    "+?",
    "??",
    "{2}",
    "{0}",
    "{1}",
    "{0,}",
    "{1,3}",
    "{2,}",
    "{,1}",
    "{1000}",
    "{x}",
    "{",
    "}",
    "{2}?",
    "{0,2}",
    "{100}",
    "{10}",
    "{3,5}?",
    "{0,0}",
    "{1,}",
]
BAD_REPEATS = ["{2,1}", "{1001}", "{01}", "{1,1001}", "**", "{3}{2}", "{9999999999}", "+*", "??+"]
OPENERS = [
    "(",
    "(",
    "(?:",
    "(?:",
    "(?i:",
    "(?s:",
    "(?m:",
    "(?-i:",
    "(?U:",
    "(?P<n>",
    "(?P<x1>",
    "(?i-s:",
    "(?sU:",
]
BAD_OPENERS = ["(?P<>", "(?P<a b>", "(?<n>", "(?P<n", "(?z:"]


WORDS = [
    "api",
    "apx",
    "ap",
    "a",
    "api-eu",
    "api-us",
    "HighMemoryUsage",
    "HighCPU",
    "Kube",
    "KubePod",
    "kubepod",
    "KUBE",
    "[ab]{2}x",
    "[ab]{2}y",
    ".c",
    ".d",
    "x+y",
    "x+z",
    "k",
    "K",
    "\u212a",
    "s",
]


class Grammar:
    """Random patterns, depth-bounded, biased toward what matchers contain."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def char(self) -> str:
        pool = self.rng.choice([PLAIN, PLAIN, FOLDERS, OTHERS, "\n\t"])
        return self.rng.choice(pool)

    def pick(self, good: list[str], bad: list[str], bad_rate: float = 0.03) -> str:
        return self.rng.choice(bad if self.rng.random() < bad_rate else good)

    def class_item(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return self.char() if self.rng.random() < 0.8 else "\\" + self.rng.choice(SPECIAL)
        if r < 0.55:
            lo, hi = sorted((self.char(), self.char()))
            return f"{lo}-{hi}" if self.rng.random() < 0.95 else f"{hi}-{lo}"
        if r < 0.7:
            neg = "^" if self.rng.random() < 0.3 else ""
            name = self.pick(POSIX, ["foo", "Alpha", ""])
            return f"[:{neg}{name}:]"
        if r < 0.8:
            return self.pick(ESCAPES, BAD_ESCAPES)
        if r < 0.9:
            name = self.rng.choice(CLASS_NAMES)
            return self.rng.choice([f"\\p{{{name}}}", f"\\P{{{name}}}", f"\\p{{^{name}}}", "\\pL", "\\PN"])
        return self.rng.choice(["-", "]", "[", "^", ":]", "[:", "-a", "a-"])

    def char_class(self) -> str:
        neg = "^" if self.rng.random() < 0.3 else ""
        items = "".join(self.class_item() for _ in range(self.rng.randint(0, 4)))
        close = "]" if self.rng.random() < 0.98 else ""
        return f"[{neg}{items}{close}"

    def atom(self, depth: int) -> str:  # noqa: PLR0911 - one return per kind of atom
        r = self.rng.random()
        if r < 0.4:
            return "".join(self.char() for _ in range(self.rng.randint(1, 4)))
        if r < 0.5:
            return self.rng.choice([".", ".", *ASSERTIONS])
        if r < 0.62:
            return self.char_class()
        if r < 0.72:
            return self.pick(ESCAPES, BAD_ESCAPES)
        if r < 0.76:
            body = "".join(self.char() for _ in range(self.rng.randint(0, 3)))
            return f"\\Q{body}" + ("\\E" if self.rng.random() < 0.8 else "")
        if r < 0.82:
            return self.pick(FLAG_GROUPS, BAD_FLAG_GROUPS)
        if depth <= 0:
            return self.char()
        return self.group(depth - 1)

    def group(self, depth: int) -> str:
        opener = self.pick(OPENERS, BAD_OPENERS)
        close = ")" if self.rng.random() < 0.98 else ""
        return opener + self.alternation(depth) + close

    def piece(self, depth: int) -> str:
        atom = self.atom(depth)
        if self.rng.random() < 0.3:
            atom += self.pick(REPEATS, BAD_REPEATS)
        return atom

    def sequence(self, depth: int) -> str:
        return "".join(self.piece(depth) for _ in range(self.rng.randint(0, 4)))

    def alternation(self, depth: int) -> str:
        n = self.rng.choice([1, 1, 1, 2, 2, 3, 5])
        return "|".join(self.sequence(depth) for _ in range(n))

    def words(self) -> str:
        """An alternation of similar words, for Go's factoring of common prefixes."""
        return "|".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(2, 8)))

    def stress(self) -> str:
        """Near Go's limits: nesting depth, repetition products, compiled size."""
        depth = self.rng.choice([998, 999, 1000, 1001])
        return self.rng.choice(
            [
                "(" * depth + "a" + ")" * depth,
                "(?:" * depth + "a" + ")*" * depth,
                "(" + "(xx?)" * self.rng.randint(1, 1000) + "){" + str(self.rng.randint(1, 1000)) + "}",
                "(xx?){1000}" * self.rng.randint(1, 120),
                "((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){" + str(self.rng.randint(1, 3)) + "})",
                "(?:a{10}){" + str(self.rng.randint(90, 110)) + "}",
                "|".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(100, 2000))),
            ]
        )

    def pattern(self) -> str:
        r = self.rng.random()
        if r < 0.002:
            return self.stress()
        if r < 0.1:
            return self.words()
        p = self.alternation(self.rng.randint(0, 3))
        return self.mutate(p) if self.rng.random() < 0.15 else p

    def mutate(self, p: str) -> str:
        """Delete, insert, duplicate or replace a character (or put in a byte that is not UTF-8)."""
        chars = list(p)
        for _ in range(self.rng.randint(1, 3)):
            i = self.rng.randint(0, len(chars))
            kind = self.rng.random()
            if kind < 0.3 and i < len(chars):
                del chars[i]
            elif kind < 0.6:
                chars.insert(i, self.rng.choice(SPECIAL + "imsU-:<>P,0123456789"))
            elif kind < 0.7:
                chars.insert(i, self.rng.choice(["\udcff", "\udce2", "\udc80"]))  # bad UTF-8 bytes
            elif kind < 0.85 and chars:
                j = self.rng.randrange(len(chars))
                chars[j:j] = chars[j : j + self.rng.randint(1, 4)]
            elif i < len(chars):
                chars[i] = self.char()
        return "".join(chars)


def sample(tree: Regexp, rng: random.Random, depth: int = 0) -> str:  # noqa: PLR0911 - one return per kind of node
    """A string the tree probably matches (assertions ignored; repetitions kept short)."""
    op = tree.op
    if depth > 60:
        return ""
    if op == Op.LITERAL:
        return "".join(_fold_variant(r, tree, rng) for r in tree.rune)
    if op == Op.CHAR_CLASS:
        if not tree.rune:
            return "x"
        i = rng.randrange(0, len(tree.rune), 2)
        lo, hi = tree.rune[i], min(tree.rune[i + 1], lo_hi_cap(tree.rune[i]))
        return _safe_chr(rng.randint(lo, hi))
    if op in (Op.ANY_CHAR, Op.ANY_CHAR_NOT_NL):
        return rng.choice("aZ é\n" if op == Op.ANY_CHAR else "aZ é")
    if op in (Op.STAR, Op.PLUS, Op.QUEST, Op.REPEAT):
        low = 1 if op == Op.PLUS else tree.min if op == Op.REPEAT else 0
        high = 1 if op == Op.QUEST else tree.max if op == Op.REPEAT and tree.max >= 0 else low + 2
        count = rng.randint(low, min(high, low + 2))
        return "".join(sample(tree.sub[0], rng, depth + 1) for _ in range(count))
    if op == Op.CONCAT:
        return "".join(sample(sub, rng, depth + 1) for sub in tree.sub)
    if op == Op.ALTERNATE:
        return sample(rng.choice(tree.sub), rng, depth + 1)
    if op == Op.CAPTURE:
        return sample(tree.sub[0], rng, depth + 1)
    return rng.choice(["", "", "\n", " "])


def lo_hi_cap(lo: int) -> int:
    return lo + 300


def _safe_chr(r: int) -> str:
    return "\ufffd" if 0xD800 <= r <= 0xDFFF else chr(r)


def _fold_variant(r: int, tree: Regexp, rng: random.Random) -> str:
    if tree.flags & Flags.FOLD_CASE:
        r = rng.choice(fold_orbit(r))
    return _safe_chr(r)


def subjects(tree: Regexp | None, pattern: str, rng: random.Random, count: int) -> list[str]:
    out = [""]
    for _ in range(count):
        if tree is not None and len(pattern) < 2000 and rng.random() < 0.6:
            s = sample(tree, rng)
            s = s if len(s) <= 300 else s[: rng.randint(0, 300)]  # Go's NFA is slow on huge programs
            if rng.random() < 0.3 and s:
                i = rng.randrange(len(s))
                s = s[:i] + rng.choice(FOLDERS + PLAIN + "\n") + s[i + 1 :]
        else:
            pool = [c for c in pattern if not "\ud800" <= c <= "\udfff"] + list(FOLDERS + "\n ")
            s = "".join(rng.choice(pool) for _ in range(rng.randint(0, 8)))
        out.append(s)
    return out


def to_hex(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").hex()


def printable(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def from_hex(text: str | None) -> str | None:
    return None if text is None else bytes.fromhex(text).decode("utf-8", "surrogateescape")


def ours(pattern: str, flags: Flags, subjects_: list[str]) -> dict[str, object]:
    result: dict[str, object] = {}
    result["err"], result["dump"] = _parse(pattern, flags)
    anchored = "^(?:" + pattern + ")$"
    result["aerr"], result["adump"] = _parse(anchored, Flags.PERL)
    engine._cache.clear()  # noqa: SLF001 - every pattern compiled afresh, memory kept flat
    for key, text in (("m", anchored), ("rm", pattern)):
        result[key], refused = _matches(text, subjects_)
        if refused:
            result[f"{key}_too_complex"] = refused
    return result


def _matches(pattern: str, subjects_: list[str]) -> tuple[list[bool], str | None]:
    """MatchString of each subject (all False when Go's regexp.Compile fails), or a refusal."""
    try:
        compiled = engine.compile(parse(pattern))
    except RegexpError:
        return [False] * len(subjects_), None
    except RegexpTooComplexError as error:
        return [], error.reason
    return [compiled.fullmatch(s) for s in subjects_], None


def corpus(path: str) -> Iterator[tuple[str, Flags, list[str]]]:
    """The patterns and strings of Go's regexp/testdata/re2-search.txt or re2-exhaustive.txt.bz2."""
    opener = bz2.open if path.endswith(".bz2") else open
    strings: list[str] = []
    mode = ""
    with opener(path, "rt", encoding="utf-8", newline="\n") as lines:  # a CR inside a string stays
        for raw in lines:
            line = raw.rstrip("\n")
            if line in ("strings", "regexps"):
                if line == "strings":
                    strings = []
                mode = line
            elif line.startswith('"'):
                text = ast.literal_eval(line.replace("\r", "\\r"))  # a raw CR in a string
                if mode == "strings":
                    strings.append(text)
                else:
                    yield text, Flags.PERL, ["", *strings]


def _parse(pattern: str, flags: Flags) -> tuple[str | None, str]:
    try:
        return None, dump(parse(pattern, flags))
    except RegexpError as error:
        return str(error), ""


def requests(args: argparse.Namespace) -> Iterator[tuple[str, Flags, list[str]]]:
    rng = random.Random(args.seed)
    grammar = Grammar(rng)
    other_flags = [
        Flags.POSIX,
        Flags.MATCH_NL | Flags.PERL_X | Flags.UNICODE_GROUPS,
        Flags.FOLD_CASE,
        Flags.PERL | Flags.FOLD_CASE,
        Flags.PERL | Flags.DOT_NL | Flags.NON_GREEDY,
        Flags.LITERAL,
        Flags.PERL_X,
    ]
    for _ in range(args.patterns):
        pattern = grammar.pattern()
        flags = rng.choice(other_flags) if rng.random() < 0.1 else Flags.PERL
        try:
            tree: Regexp | None = parse("^(?:" + pattern + ")$")
        except RegexpError:
            tree = None
        yield pattern, flags, subjects(tree, pattern, rng, args.subjects)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--oracle", required=True, help="the built tools/goregexp/main.go")
    parser.add_argument("--patterns", type=int, default=10000)
    parser.add_argument("--subjects", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="differences.jsonl")
    parser.add_argument("--corpus", help="Go's regexp/testdata/re2-search.txt (or -exhaustive.txt.bz2)")
    args = parser.parse_args()
    work = list(corpus(args.corpus) if args.corpus else requests(args))
    go = subprocess.Popen([args.oracle], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    stdin, stdout = go.stdin, go.stdout
    if stdin is None or stdout is None:
        raise RuntimeError("no pipes to the oracle")

    def feed() -> None:
        for pattern, flags, subs in work:
            line = {"p": to_hex(pattern), "f": int(flags), "s": [to_hex(s) for s in subs]}
            stdin.write(json.dumps(line) + "\n")
        stdin.close()

    threading.Thread(target=feed, daemon=True).start()
    stats: Counter[str] = Counter()
    started = time.monotonic()
    with Path(args.out).open("w", encoding="utf-8") as out:
        for (pattern, flags, subs), line in zip(work, stdout, strict=True):
            theirs = json.loads(line)
            for key in ("err", "dump", "aerr", "adump"):
                theirs[key] = from_hex(theirs[key])
            mine = ours(pattern, flags, subs)
            stats["patterns"] += 1
            stats["subjects"] += len(subs)
            stats["refused"] += theirs["aerr"] is not None
            stats["matched"] += sum(theirs["m"])
            for key in ("m", "rm"):
                if f"{key}_too_complex" in mine:  # an explicit refusal, not a wrong answer
                    stats[f"{key} too complex: {mine[f'{key}_too_complex']}"] += 1
                    mine[key] = theirs[key]
            stats["raw_matched"] += sum(theirs["rm"])
            for key in ("err", "dump", "aerr", "adump", "m", "rm"):
                if mine[key] != theirs[key]:
                    stats[f"diff_{key}"] += 1
                    report = {"p": to_hex(pattern), "pattern": printable(pattern), "flags": int(flags)}
                    report |= {"key": key, "ours": str(mine[key]), "go": str(theirs[key])}
                    out.write(json.dumps({**report, "subjects": [printable(s) for s in subs]}) + "\n")
    go.wait()
    print(json.dumps(dict(stats), sort_keys=True), f"{time.monotonic() - started:.0f}s", file=sys.stderr)
    return 1 if any(key.startswith("diff_") for key in stats) else 0


if __name__ == "__main__":
    sys.exit(main())

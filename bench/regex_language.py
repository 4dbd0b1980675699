"""Benchmark the regex language engine on the questions silences ask.

Usage: python bench/regex_language.py [RUNS]   (median of RUNS after a warm-up, default 5)

For typical silence matchers on ``alertname`` (equality, negation, a name alternation, ``api-.*``,
``[[:upper:]].*``, a negated regex, a case-insensitive one) against the 12 alert names of the
example policy and against 10,000 synthetic ones: the time of ``is_subset`` with its witness
(``(M - K).witness()``: does the silence reach beyond the known alerts?) and of ``(M & K).witness()``
(does it silence any known alert?), each asked as if first (``clear_caches`` before each run: a
decided answer is remembered, and asked again costs a dict lookup). Then building the languages,
importing the modules (whole process) and the pathological patterns under the default budget.
Trees come from Go's parser (``matching.syntax``), as Alertmanager anchors a value: ``^(?:re)$``.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

from oncall_policy.matching.language import Language, clear_caches
from oncall_policy.matching.syntax import parse
from oncall_policy.matching.tree import Op, Regexp
from timing import interleaved_medians, median_of

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
MATCHERS = {
    'alertname="HighErrorRate"': lambda: Language.literal("HighErrorRate"),
    'alertname!="HighErrorRate"': lambda: ~Language.literal("HighErrorRate"),
    'alertname=~"HighErrorRate|ServiceDown|RedisDown"': lambda: regex("HighErrorRate|ServiceDown|RedisDown"),
    'alertname=~"api-.*"': lambda: regex("api-.*"),
    'alertname=~"[[:upper:]].*"': lambda: regex("[[:upper:]].*"),
    'alertname=~".*Down"': lambda: regex(".*Down"),
    'alertname!~"High.*"': lambda: ~regex("High.*"),
    'alertname=~"(?i)high.*"': lambda: regex("(?i)high.*"),
}
PATHOLOGICAL = ["(x+x+)+y", "(?:a|aa){1000}", "[ab]*a[ab]{20}", ".*a.*b.*c.*d.*e.*f.*g.*h"]
# Trees Go refuses to parse (nested repetition past 1000 copies), built by hand: still bounded.
NESTED = {"(?:a{1000}){1000}": ((1000, 1000), (1000, 1000)), "(?:a{0,1000}){1000}": ((0, 1000), (0, 1000))}


def nested(bounds: tuple[tuple[int, int], ...]) -> Language:
    built = Regexp(Op.LITERAL)
    built.rune = [ord("a")]
    for low, high in bounds:
        outer = Regexp(Op.REPEAT)
        outer.sub, outer.min, outer.max = [built], low, high
        built = outer
    return Language.of_tree(built)


def regex(pattern: str) -> Language:
    return Language.of_tree(parse(f"^(?:{pattern})$"))


def synthetic_names(count: int) -> list[str]:
    """Metric-style alert names: a component, a condition and sometimes a qualifier."""
    pick = random.Random(7)
    components = ["Api", "Db", "Redis", "Kafka", "Node", "Pod", "Disk", "Cert", "Queue", "Cache", "Dns", "Lb"]
    conditions = ["Down", "HighLatency", "ErrorRate", "Saturated", "Restarting", "Expiring", "Lagging"]
    qualifiers = ["", "Critical", "Warning", "Eu", "Us", "Canary"]
    names = set(ALERTS)
    while len(names) < count:
        name = pick.choice(components) + pick.choice(conditions) + pick.choice(qualifiers)
        names.add(f"{name}{pick.randrange(1000)}" if name in names else name)
    return sorted(names)


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 5
    sets = {"12": ALERTS, "10k": synthetic_names(10_000)}
    _questions(sets, runs)
    _building(sets["10k"], runs)
    _imports(runs)
    _pathological(runs)
    return 0


def _questions(sets: dict[str, list[str]], runs: int) -> None:
    print(f"{'question (K: the known alert names)':<62} {'12 names':>22} {'10,000 names':>22}")
    for label, build in MATCHERS.items():
        for question, combine in (("⊆ K", lambda m, k: m - k), ("∩ K", lambda m, k: m & k)):
            cells = []
            for names in sets.values():
                known, silence = Language.of_strings(names), build()
                answer = combine(silence, known).witness()
                took = median_of(
                    lambda s=silence, k=known, c=combine: _first(lambda: c(s, k).witness()), runs
                )
                cells.append(f"{took * 1000:7.2f} ms {_shown(answer):>11}")
            print(f"{label + ' ' + question:<62} {cells[0]:>22} {cells[1]:>22}")


def _building(names: list[str], runs: int) -> None:
    hundred_k = [f"Alert{i:06d}Firing" for i in range(100_000)]
    alternation = "HighErrorRate|ServiceDown|RedisDown"
    rows = [
        ("of_strings(10,000 names)", lambda: Language.of_strings(names)),
        ("of_strings(100,000 names)", lambda: Language.of_strings(hundred_k)),
        (f"of_tree({alternation!r})", lambda: regex(alternation)),
    ]
    print()
    for label, action in rows:
        print(f"{label}: {median_of(action, runs) * 1000:.2f} ms")


def _first(question: Callable[[], object]) -> object:
    """The question asked as if for the first time: nothing remembered from earlier runs."""
    clear_caches()
    return question()


def _shown(answer: object) -> str:
    text = repr(answer)
    return text if len(text) <= 11 else text[:10] + "…"


def _imports(runs: int) -> None:
    python = sys.executable
    silence_path = "import re, enum, oncall_policy.matchers"  # what `silence check` imports anyway
    bare, floor, loaded = interleaved_medians(
        [
            ([python, "-c", "pass"], 0),
            ([python, "-c", silence_path], 0),
            ([python, "-c", f"{silence_path}, oncall_policy.matching.language"], 0),
        ],
        max(runs, 11),
    )
    print(f"python -c pass: {bare * 1000:.1f} ms; {silence_path}: {(floor - bare) * 1000:+.1f} ms")
    print(f"  then oncall_policy.matching.language: {(loaded - floor) * 1000:+.1f} ms")


def _pathological(runs: int) -> None:
    print("\npathological patterns, default budget (time to an answer or UNDECIDED):")
    languages = {pattern: regex(pattern) for pattern in PATHOLOGICAL}
    languages |= {f"{label} (by hand)": nested(bounds) for label, bounds in NESTED.items()}
    for pattern, language in languages.items():
        cells = []
        for name, question in (
            ("witness", language.witness),
            ("is_finite", language.is_finite),
            ("⊆ x*y", lambda lang=language: lang.is_subset(regex("x*y"))),
            ("matches a*2000", lambda lang=language: lang.matches("a" * 2000)),
        ):
            answer = question()
            cells.append(
                f"{name} {median_of(lambda q=question: _first(q), runs) * 1000:6.1f} ms {_shown(answer)}"
            )
        print(f"  {pattern:<28} " + " | ".join(cells))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

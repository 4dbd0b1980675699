"""One label's constraints: does a value satisfy every matcher on it, and can any value?

A silence (or a rule's selector) is a conjunction of matchers; those on one label constrain
that label's value, independently of the other labels. A value may also be limited to a finite
set (a catalog alert that carries ``class`` with known values) or kept out of one (an alert
outside the catalog is named nothing the catalog names). The answers come from the matchers'
languages (``oncall_policy.matching.language``) when a cheap case does not settle them; where
the language engine gives up within its budget, the answer is ``UNDECIDED``, which callers read
as "may" — reach over-approximates, it never misses what Alertmanager would mute.

The budget bounds each question, but a silence asks a dozen, and the work of each grows with
the pattern: a 16,000-character regex took 3.5 s to judge and held the gate's event loop as
long. Regexes longer than ``MAX_ANALYSED`` characters together (in one question) are not
analysed at all: the answer is ``UNDECIDED`` at once. Alertmanager's own regexes, and every
catalog alternation of the examples, are far shorter. Short regexes can be hard too, and many
questions add up: the questions of one judgement share an allowance (``judgement``), past which
each answers ``UNDECIDED`` at once.
"""

from __future__ import annotations

from oncall_policy.matchers import Op
from oncall_policy.matching.budget import UNDECIDED, shared, sharing
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Sequence
    from typing import Final, TypeVar

    from oncall_policy.matchers import Matcher
    from oncall_policy.matching.budget import Cost, Undecided
    from oncall_policy.matching.language import Language
    from oncall_policy.silence.rules import Rules

    T = TypeVar("T")


class Excluded:
    """Values kept out of a label (the catalog's alert names, for alerts outside the catalog):
    a set for the cheap cases, and the set's language, built only when a regex needs it."""

    __slots__ = ("_language", "values")

    def __init__(self, values: Iterable[str]) -> None:
        self.values: Final = frozenset(values)
        self._language: Language | None = None

    @property
    def language(self) -> Language:
        if self._language is None:
            from oncall_policy.matching.language import Language  # noqa: PLC0415

            self._language = Language.of_strings(sorted(self.values))
        return self._language


def admits(matchers: Sequence[Matcher], value: str) -> bool:
    return all(matcher.matches(value) for matcher in matchers)


def witness(
    matchers: Sequence[Matcher], values: Collection[str] | None = None, excluded: Excluded | None = None
) -> str | Undecided | None:
    """A value that satisfies every matcher — one of ``values`` when given, never one of
    ``excluded`` — or None when no value does."""
    kept_out = excluded.values if excluded is not None else frozenset()
    if values is not None:
        return next((v for v in values if v not in kept_out and admits(matchers, v)), None)
    for matcher in matchers:
        if matcher.op is Op.EQUAL:
            value = matcher.value
            return value if value not in kept_out and admits(matchers, value) else None
    if all(m.op is Op.NOT_EQUAL for m in matchers):
        return _other_than({m.value for m in matchers} | kept_out)
    if too_long(matchers) or not affordable(matchers):
        return UNDECIDED
    language = conjunction(matchers)
    if excluded is not None:
        language = language - excluded.language
    return language.witness()


MAX_ANALYSED = 1_000


def too_long(matchers: Sequence[Matcher]) -> bool:
    return sum(len(matcher.value) for matcher in matchers if matcher.op.is_regex) > MAX_ANALYSED


# What the language questions of judging one silence may explore together (its assessment has
# an allowance of its own: ``assessment``). Ordinary silences spend under 1% of it, the largest
# seen in the tests' generated regexes about half (bench/hard_regexes.py prints both kinds); a
# hostile one spends it all in a quarter to a third of a second on this machine, unloaded.
JUDGEMENT_STATES = 10_000
JUDGEMENT_STEPS = 100_000


def judgement(silences: int = 1) -> sharing:
    """The block's language questions share the allowance of judging ``silences`` together: one
    silence's, and as much again for every hundred (an audit), so that a few hostile silences
    cost an audit little and an ordinary one never runs out. An enclosing judgement's allowance
    stands (``budget.sharing``)."""
    scale = 1 + silences / 100
    return sharing(size=(int(JUDGEMENT_STATES * scale), int(JUDGEMENT_STEPS * scale)))


# What one silence's assessment (its reach, window and limits) may explore, in an allowance of its
# own (``evaluate.assess``): the same wherever it is asked. Ordinary silences spend under 600
# steps; a hostile one is cut in about a tenth of a second, so that each earlier silence of hard
# regexes costs a judgement that much, and an audit that much per distinct one.
ASSESSMENT_STATES = 3_000
ASSESSMENT_STEPS = 30_000


def assessment() -> sharing:
    """The block has an allowance of its own, an assessment's (whatever encloses it)."""
    return sharing(size=(ASSESSMENT_STATES, ASSESSMENT_STEPS), apart=True)


def history_cells() -> sharing:
    """The block has an allowance of its own, a judgement's: the instances the earlier silences
    on one alert split a silence's into (``instances.Shared``), the same whoever asks first."""
    return sharing(size=(JUDGEMENT_STATES, JUDGEMENT_STEPS), apart=True)


def remembered(rules: Rules, key: object, work: Callable[[], T], *, pure: bool = False) -> T:
    """``work()``, remembered in ``rules``' memo under ``key`` with the answers it used and
    what each cost, which a later judgement is charged for those it has not paid for yet
    (``budget.Allowance.afford_all``): a verdict never depends on what was judged before it in
    the process. ``pure``: ``work`` has an allowance of its own (``assessment``), so it is the
    same however it was cut short: kept even then, and used without charge."""
    found: tuple[T, dict[object, Cost]] | None = rules.remembered(key)  # type: ignore[assignment]
    if pure:
        if found is None:
            found = rules.remember(key, (work(), {}), pure=True)
        return found[0]
    allowance = shared()
    if found is not None and (allowance is None or allowance.afford_all(found[1])):
        return found[0]
    if allowance is None:
        return work()
    with allowance.recording() as used:
        value = work()
    rules.remember(key, (value, used))
    return value


# Building a regex's language is work too, unmetered by the questions: about 50 µs a character for
# wide classes (``[\\pL\\pN\\pS]``), where a step of exploring takes about 3 µs. So a judgement is
# charged for it, once per regex, whether the language is built or remembered (``Matcher.language``).
STEPS_PER_CHARACTER = 20


def affordable(matchers: Iterable[Matcher]) -> bool:
    """Whether the judgement's allowance pays for the languages of ``matchers``' regexes (when it
    cannot, the question they are for answers ``UNDECIDED``)."""
    allowance = shared()
    if allowance is None:
        return True
    for matcher in matchers:
        if matcher.op.is_regex:
            key = ("language", matcher.op, matcher.value)
            if not allowance.afford(key, 0, STEPS_PER_CHARACTER * len(matcher.value)):
                allowance.cut = True
                return False
    return True


def conjunction(matchers: Sequence[Matcher]) -> Language:
    """The strings every matcher admits."""
    from oncall_policy.matching.language import Language  # noqa: PLC0415 - only for regexes

    language = Language.any()
    for matcher in matchers:
        language = language & matcher.language
    return language


def within(
    inner: Sequence[Matcher],
    outer: Sequence[Matcher],
    values: Collection[str] | None = None,
    excluded: Excluded | None = None,
) -> bool | Undecided:
    """Whether every value ``inner`` admits (among ``values``, outside ``excluded``) is one
    ``outer`` admits."""
    if not outer:
        return True
    if values is not None:
        return all(admits(outer, v) for v in values if admits(inner, v))
    if too_long(inner) or too_long(outer) or not affordable((*inner, *outer)):
        return UNDECIDED
    language = conjunction(inner)
    if excluded is not None:
        language = language - excluded.language
    return language.is_subset(conjunction(outer))


def _other_than(taken: Collection[str]) -> str:
    candidate, number = "x", 0
    while candidate in taken:
        number += 1
        candidate = f"x{number}"
    return candidate

r"""``Language``: a set of strings, with the operations and questions silences need.

Strings are over the Unicode scalar values (no surrogates: no label value holds one). A language
is built from a Go parse tree, a literal, a finite set of strings, everything or nothing, and
combined with ``&`` (intersection), ``|`` (union), ``~`` (complement against every string) and
``-`` (difference). Building never explores anything; the questions do, each within a
``Budget``, and answer ``UNDECIDED`` when it runs out: the caller then assumes the worst (a
silence may mute anything).

A tree's language is the strings it matches as a whole: from the start to the end of the
string, with ``^``, ``$``, ``\b`` and the rest evaluated in that string. The tree of
Alertmanager's anchored ``^(?:re)$`` therefore gives exactly the strings a matcher ``=~"re"``
accepts as a label value (``""`` for a missing label).
"""

from __future__ import annotations

from oncall_policy.matching.automaton import all_members, is_finite
from oncall_policy.matching.budget import DEFAULT_BUDGET, UNDECIDED, Budget, OutOfBudget, Undecided, shared
from oncall_policy.matching.charset import SURROGATES, forget_results
from oncall_policy.matching.derivative import forget_partitions
from oncall_policy.matching.explore import Explorer, run, shortest_member
from oncall_policy.matching.terms import NOTHING, UNIVERSAL, both, complement, either
from oncall_policy.matching.translate import term_of
from oncall_policy.matching.words import strings
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import TypeVar

    from oncall_policy.matching.terms import Term
    from oncall_policy.matching.tree import Regexp

    Answer = TypeVar("Answer")

__all__ = ["DEFAULT_BUDGET", "UNDECIDED", "Budget", "Language", "Undecided", "clear_caches"]


class Language:
    """An immutable set of strings. Operators build new languages at once (no exploring); each
    question takes a ``Budget`` (default: 5,000 states, 50,000 steps, no clock) and answers
    ``UNDECIDED`` when it runs out."""

    __slots__ = ("term",)

    def __init__(self, term: Term) -> None:
        """From a term; the class methods below are the way in."""
        self.term = term

    @classmethod
    def of_tree(cls, tree: Regexp) -> Language:
        """The strings ``tree`` matches as a whole (see the module's docstring)."""
        return cls(term_of(tree))

    @classmethod
    def literal(cls, text: str) -> Language:
        """Just ``text`` (``ValueError`` if it holds a surrogate)."""
        return cls(strings((text,)))

    @classmethod
    def of_strings(cls, texts: Iterable[str]) -> Language:
        """Exactly these strings: a sorted set, stepped through by bisection, so 100,000 names
        cost one sort (``ValueError`` if one holds a surrogate)."""
        return cls(strings(texts))

    @classmethod
    def any(cls) -> Language:
        """Every string, ``""`` included."""
        return cls(UNIVERSAL)

    @classmethod
    def nothing(cls) -> Language:
        return cls(NOTHING)

    def __and__(self, other: Language) -> Language:
        return Language(both((self.term, other.term)))

    def __or__(self, other: Language) -> Language:
        return Language(either((self.term, other.term)))

    def __invert__(self) -> Language:
        return Language(complement(self.term))

    def __sub__(self, other: Language) -> Language:
        return self & ~other

    def __repr__(self) -> str:
        return f"Language({self.term!r})"

    def witness(self, budget: Budget = DEFAULT_BUDGET) -> str | Undecided | None:
        """A shortest member, spelled with readable characters (ASCII letters and digits when the
        language allows them); ``None`` when the language is empty."""
        return _decide("witness", self.term, lambda explorer: shortest_member(self.term, explorer), budget)

    def is_empty(self, budget: Budget = DEFAULT_BUDGET) -> bool | Undecided:
        """Whether the language has no member (``witness() is None``)."""
        found = self.witness(budget)
        return found if found is UNDECIDED else found is None

    def is_subset(self, other: Language, budget: Budget = DEFAULT_BUDGET) -> bool | Undecided:
        """Whether every member of this language is one of ``other``; ``(self - other).witness()``
        shows one that is not."""
        return (self - other).is_empty(budget)

    def is_equivalent(self, other: Language, budget: Budget = DEFAULT_BUDGET) -> bool | Undecided:
        """Whether both languages have the same members."""
        return ((self - other) | (other - self)).is_empty(budget)

    def is_finite(self, budget: Budget = DEFAULT_BUDGET) -> bool | Undecided:
        """Whether the language has finitely many members (it explores every state, so it
        needs a budget for all of them, where ``witness`` may stop at the first member)."""
        return _decide("finite", self.term, lambda explorer: is_finite(self.term, explorer), budget)

    def members(self, limit: int = 100, budget: Budget = DEFAULT_BUDGET) -> tuple[str, ...] | Undecided:
        """Every member, shortest first (then in code point order), when the language is finite
        and has at most ``limit`` of them; ``UNDECIDED`` when it is infinite, larger, or the
        budget runs out first."""
        found = _decide(
            f"members {limit}", self.term, lambda explorer: all_members(self.term, limit, explorer), budget
        )
        return UNDECIDED if found is None or found is UNDECIDED else tuple(found)

    def matches(self, text: str, budget: Budget = DEFAULT_BUDGET) -> bool | Undecided:
        """Whether ``text`` is a member, by one derivative per character (a cross-check of the
        regex engine; ``UNDECIDED`` only if the steps run out). A lone surrogate, which is how
        Python's ``surrogateescape`` carries a byte that is not UTF-8, reads as U+FFFD: what Go
        reads such a byte as."""
        return _decide(None, self.term, lambda explorer: run(self.term, _as_go_reads(text), explorer), budget)


def _as_go_reads(text: str) -> str:
    try:
        text.encode()  # UTF-8 refuses exactly the surrogates, at C speed
    except UnicodeEncodeError:
        low, high = SURROGATES
        return "".join("\ufffd" if low <= ord(char) <= high else char for char in text)
    return text


def _decide(
    question: str | None, term: Term, query: Callable[[Explorer], Answer], budget: Budget
) -> Answer | Undecided:
    """The query's answer, or UNDECIDED when the budget runs out. A decided answer is a fact about
    the term, whatever the budget, and so is running out of a budget without a clock: either is
    remembered (an audit asks the same of many silences), with what it cost, which a judgement's
    allowance is charged when it uses it (``Allowance.afford``)."""
    key = (question, term)
    # One lookup: the gate judges in worker threads too, and another may clear the dict between two.
    remembered = _ANSWERS.get(key) if question is not None else None
    if remembered is not None and (remembered[0] is not UNDECIDED or remembered[3] == budget):
        known, states, steps, _ = remembered
        allowance = shared()
        if allowance is None or allowance.afford(key, states, steps):  # see Allowance.afford
            return known  # type: ignore[return-value] # stored by the same question below
    explorer: Explorer | None = None
    try:
        explorer = Explorer(budget)  # raises OutOfBudget at once when the allowance is spent
        answer: Answer | Undecided = query(explorer)
    except OutOfBudget:
        if explorer is None or not explorer.meter.exhausted or budget.seconds is not None:
            return UNDECIDED  # cut by the allowance (or a clock): no fact about the question
        answer = UNDECIDED
    if question is not None:
        if len(_ANSWERS) >= _ANSWERS_KEPT:
            _ANSWERS.clear()
        cost = (explorer.meter.states, explorer.meter.steps)
        _ANSWERS[key] = (answer, *cost, budget)
        allowance = shared()
        if allowance is not None:
            allowance.bought(key, cost)
    return answer


# Answers (decided, or UNDECIDED for the budget kept beside it), with the states and steps they
# took (charged again when used: Allowance.afford).
_ANSWERS: dict[tuple[str | None, Term], tuple[object, int, int, Budget]] = {}
_ANSWERS_KEPT = 1024


def clear_caches() -> None:
    """Forget remembered answers, partitions and class unions: the next question pays its full
    cost (what a benchmark of a first question wants)."""
    _ANSWERS.clear()
    forget_partitions()
    forget_results()

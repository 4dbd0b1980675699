"""One label's constraints: does a value satisfy every matcher on it, and can any value?

A silence (or a rule's selector) is a conjunction of matchers; those on one label constrain
that label's value, independently of the other labels. A value may also be limited to a finite
set (a catalog alert that carries ``class`` with known values) or kept out of one (an alert
outside the catalog is named nothing the catalog names). The answers come from the matchers'
languages (``oncall_policy.matching.language``) when a cheap case does not settle them; where
the language engine gives up within its budget, the answer is ``UNDECIDED``, which callers read
as "may" — reach over-approximates, it never misses what Alertmanager would mute.
"""

from __future__ import annotations

from oncall_policy import TYPE_CHECKING
from oncall_policy.matchers import Op

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from oncall_policy.matchers import Matcher
    from oncall_policy.matching.language import Language, Undecided


def admits(matchers: Sequence[Matcher], value: str) -> bool:
    return all(matcher.matches(value) for matcher in matchers)


def witness(
    matchers: Sequence[Matcher],
    values: Collection[str] | None = None,
    excluded: Language | None = None,
    excluded_values: Collection[str] = (),
) -> str | None | Undecided:
    """A value that satisfies every matcher — one of ``values`` when given, never one of
    ``excluded_values`` nor a member of ``excluded`` — or None when no value does."""
    if values is not None:
        return next((v for v in values if v not in excluded_values and admits(matchers, v)), None)
    for matcher in matchers:
        if matcher.op is Op.EQUAL:
            value = matcher.value
            kept_out = value in excluded_values or (excluded is not None and excluded.matches(value))
            return value if not kept_out and admits(matchers, value) else None
    if excluded is None and all(m.op is Op.NOT_EQUAL for m in matchers):
        return _other_than({m.value for m in matchers} | set(excluded_values))
    language = conjunction(matchers)
    if excluded is not None:
        language = language & ~excluded
    if excluded_values:
        from oncall_policy.matching.language import Language  # noqa: PLC0415

        language = language & ~Language.of_strings(excluded_values)
    return language.witness()


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
    excluded: Language | None = None,
) -> bool | Undecided:
    """Whether every value ``inner`` admits (among ``values``, outside ``excluded``) is one
    ``outer`` admits."""
    if not outer:
        return True
    if values is not None:
        return all(admits(outer, v) for v in values if admits(inner, v))
    language = conjunction(inner)
    if excluded is not None:
        language = language & ~excluded
    return language.is_subset(conjunction(outer))


def _other_than(taken: set[str]) -> str:
    candidate, number = "x", 0
    while candidate in taken:
        number += 1
        candidate = f"x{number}"
    return candidate

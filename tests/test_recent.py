"""The judge's caches keep a bounded number of answers, and the ones still asked for.

A gate judges writes of new text for as long as it runs: every cache keyed by that text (a
regex's parse, a silence's answers in the rules' memo) must level off, or its memory grows with
every write (bench/gate.py's memory run).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy import matchers, recent
from oncall_policy.matchers import Matcher, Op
from oncall_policy.recent import Recent

OPERATIONS = st.lists(
    st.tuples(st.booleans(), st.integers(min_value=0, max_value=40), st.integers()), max_size=300
)


@given(capacity=st.integers(min_value=1, max_value=8), operations=OPERATIONS)
def test_an_answer_is_the_last_one_kept_for_its_key_and_at_most_twice_the_capacity_are_held(
    capacity: int, operations: list[tuple[bool, int, int]]
) -> None:
    """Whatever is asked and kept, in any order: an answer given is the last one kept for that
    key (never another key's, never an older one), and no more than ``2 * capacity`` are held."""
    kept: Recent[int, int] = Recent(capacity)
    last: dict[int, int] = {}
    for keep, key, value in operations:
        if keep:
            kept[key] = value
            last[key] = value
        else:
            found = kept.get(key)
            assert found is None or found == last[key]
        assert len(kept) <= 2 * capacity


def test_an_answer_asked_for_again_before_capacity_new_ones_is_never_dropped() -> None:
    kept: Recent[str, int] = Recent(100)
    kept["in use"] = 1
    for number in range(10_000):
        kept[f"new {number}"] = number
        if number % 99 == 0:
            assert kept.get("in use") == 1, f"dropped after {number} new answers"
    assert len(kept) <= 200


def test_a_limit_caps_every_cache_of_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recent, "_LIMIT", [0])
    kept: Recent[int, int] = Recent(100_000)
    recent.limit(16)
    for number in range(1_000):
        kept[number] = number
    assert len(kept) <= 32
    assert kept.get(999) == 999


def test_regex_matchers_of_new_values_leave_a_bounded_cache_and_still_judge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each new regex value was parsed and kept for good: a gate sent writes of distinct regexes
    grew without bound. Past the bound, a value met again is parsed again, with the same answers."""
    caches = (matchers._TREES, matchers._BARE_EMPTY, matchers._PATTERNS, matchers._LANGUAGES)
    for cache in caches:  # what tests before this one left (in this worker) is not this test's
        cache.clear()
    monkeypatch.setattr(recent, "_LIMIT", [64])
    first = Matcher("service", Op.REGEX, "api-0|web-.*")
    assert first.matches("web-1")
    assert not first.empty_for_alertmanager
    for number in range(2_000):
        made = Matcher("service", Op.REGEX, f"svc-{number}|(x{number})?")
        assert made.matches(f"svc-{number}")
        assert made.empty_for_alertmanager
    for cache in caches:
        assert len(cache) <= 128
    again = Matcher("service", Op.REGEX, "api-0|web-.*")
    assert again.matches("web-1")
    assert not again.matches("api-1")
    assert not again.empty_for_alertmanager


def test_under_a_limit_an_answer_whose_key_holds_long_text_is_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A count alone bounds no size: a writer's text may be up to the gate's ``max_body``."""
    monkeypatch.setattr(recent, "_LIMIT", [0])
    long = "x" * (recent.KEPT_TEXT + 1)
    matcher = Matcher("service", Op.EQUAL, long)
    kept: Recent[object, int] = Recent(10)
    kept[("comment", long)] = 1
    assert kept.get(("comment", long)) == 1, "a command keeps what it is asked for"
    recent.limit(10)
    for key in (("comment", long), ("matchers", (matcher,), True), long, ("x", frozenset({matcher}))):
        kept[key] = 2
        assert kept.get(key) != 2, key
    kept[("comment", "short")] = 3
    assert kept.get(("comment", "short")) == 3


@given(
    weights=st.lists(st.integers(min_value=0, max_value=50), max_size=200),
    budget=st.integers(min_value=1, max_value=200),
)
def test_weighed_answers_kept_weigh_at_most_the_budget_and_one_more(weights: list[int], budget: int) -> None:
    """Each generation is full at half the budget: the answers kept weigh at most the budget,
    and the one that filled a generation."""
    kept: Recent[int, int] = Recent(1_000, lambda weight: weight, budget)
    for key, weight in enumerate(weights):
        kept[key] = weight
        held = [
            found for number in range(key + 1) if number in kept and (found := kept.get(number)) is not None
        ]
        assert sum(held) <= budget + 2 * max(weights[: key + 1]), held


def test_regex_programs_kept_are_bounded_by_their_instructions() -> None:
    """By count alone, 4,096 programs near the largest kept (100,000 RE2 instructions, about
    1 MiB each) were kept: gigabytes for writes of new regexes."""
    from oncall_policy.matching import engine  # noqa: PLC0415 - imports RE2

    made = [Matcher("service", Op.REGEX, f"x{number}" + r"\pL{60}") for number in range(40)]
    assert all(not matcher.matches("abc") for matcher in made)
    for cache in (engine._cache, matchers._PATTERNS):
        held = [pattern.program_size for pattern in cache.values()]
        assert sum(held) <= 2_000_000 + max(held), f"{len(held)} programs of {sum(held):,} instructions"


def test_under_a_limit_the_keys_kept_hold_a_bounded_text_in_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys each short enough to keep, but many: the text they hold together is bounded too."""
    monkeypatch.setattr(recent, "_LIMIT", [0])
    recent.limit(100_000)
    kept: Recent[str, int] = Recent(100_000)
    size = recent.KEPT_TEXT
    for number in range(3 * recent.TEXT_BUDGET // size):
        kept[f"{number:06d}" + "x" * (size - 6)] = number
    assert len(kept) * size <= 2 * recent.TEXT_BUDGET + size
    assert kept.get(f"{number:06d}" + "x" * (size - 6)) == number

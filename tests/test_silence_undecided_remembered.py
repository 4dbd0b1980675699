"""Regression, found by an uninformed attack (fixed since).

A remembered value does not charge the work of a question that gave up on its own
budget (``Budget``: 5,000 states / 50,000 steps), only the answers it bought or afforded.

A judgement's allowance (10,000 states / 100,000 steps) is larger than one query's budget, so a
query inside a non-pure ``labels.remembered`` block (``evaluate._untimed``: the unknown-alert
example, ``reach.examples`` → ``labels.witness``) can run out of its *own* budget, spending
~50,000 steps of the judgement's allowance, without cutting the allowance. The block's value is
then remembered (``Rules.remember``: the allowance is not ``cut``) with a ``used`` dict that
lists only the decided answers: the spent work of the UNDECIDED query is in no key. The next
judgement that finds the value remembered is charged ~nothing for it, has ~50,000 more steps
for history, and reaches a different verdict. DETERMINISTIC is broken: the same silence with
the same history judged twice in one process gets two verdicts (here: refused for
over-cap-recreated first, accepted second).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from oncall_policy.matching import budget
from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import api, labels, source
from oncall_policy.silence.evaluate import Silence, evaluate
from tests.conftest import CLIPPER

NOW = datetime(2030, 1, 1, tzinfo=UTC)
APPROVERS = ("manager-x", "security-team")  # what the unknown-alerts rules require


def _body(*matchers: tuple[str, str], start: int, minutes: int) -> dict:
    return {
        "matchers": [
            {"name": n, "value": v, "isRegex": n != "alertname", "isEqual": True} for n, v in matchers
        ],
        "startsAt": (NOW + timedelta(minutes=start)).isoformat(),
        "endsAt": (NOW + timedelta(minutes=start + minutes)).isoformat(),
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    }


def _summary(verdict) -> tuple:
    return tuple(v.rule for v in verdict.violations), verdict.notes


def test_the_same_judgement_twice_with_an_undecided_example():
    # The target reaches unknown alerts only (alertname outside the catalog); its service regex
    # makes the unknown-alert example's witness query give up on its own budget (not the
    # allowance's); its job regex makes the history questions cost a moderate, decided amount.
    target = _body(
        ("alertname", "Zzz"), ("service", "[ab]*a[ab]{20}"), ("job", "[ab]*a[ab]{9}"), start=60, minutes=60
    )
    earlier = [
        Silence(
            f"e{i}",
            "active",
            api.from_api(_body(("alertname", "Zzz"), ("job", f"[ab]{{0,9}}{c}"), start=0, minutes=60)),
        )
        for i, c in enumerate("cd")
    ]
    clear_caches()
    rules = source.load(CLIPPER).rules
    first = _summary(evaluate(api.from_api(target, APPROVERS), rules, earlier))
    second = _summary(evaluate(api.from_api(target, APPROVERS), rules, earlier))
    assert first == second, f"first judgement: {first}\nthe same judgement again: {second}"


def test_a_remembered_block_charges_an_undecided_query_as_working_it_out_does():
    rules = source.load(CLIPPER).rules
    from oncall_policy.matchers import parse_matcher  # noqa: PLC0415

    matcher = parse_matcher('service=~"[ab]*a[ab]{20}"')

    def work() -> object:
        return labels.witness((matcher,))  # UNDECIDED: its own budget, not the allowance, runs out

    def remaining() -> tuple[int, int, bool]:
        allowance = budget.Allowance(labels.JUDGEMENT_STATES, labels.JUDGEMENT_STEPS)
        with budget.sharing(allowance):
            labels.remembered(rules, ("attack", "own budget"), work)
        return allowance.states, allowance.steps, allowance.cut

    clear_caches()
    fresh = remaining()
    assert fresh[2] is False  # not cut: the value is remembered
    again = remaining()
    assert again == fresh, f"worked out: {fresh} left; remembered: {again} left"

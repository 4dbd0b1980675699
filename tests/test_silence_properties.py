"""Properties of the silence evaluator, over the three example policies (strategies_silence)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from oncall_policy.silence import amtool, api, source
from oncall_policy.silence.audit import judge_listed
from oncall_policy.silence.evaluate import Silence, assess, evaluate
from oncall_policy.silence.rules import Rules
from tests.conftest import EXAMPLES
from tests.strategies_silence import START, histories, matchers, silences

RULES = {name: source.load(path).rules for name, path in EXAMPLES.items()}


@pytest.fixture(scope="module", params=sorted(RULES), ids=sorted(RULES))
def rules(request: pytest.FixtureRequest) -> Rules:
    return RULES[request.param]


@given(data=st.data())
def test_shortening_never_turns_accept_into_reject(rules, data):
    """A silence that is accepted stays accepted when it ends earlier (still after its start)."""
    silence = data.draw(silences(rules, likely=True))
    assume(evaluate(silence, rules).accepted)
    assert silence.starts_at is not None
    assert silence.duration is not None
    cut = data.draw(st.integers(1, int(silence.duration.total_seconds())))
    shorter = silence.replace(ends_at=silence.starts_at + timedelta(seconds=cut))
    assert evaluate(shorter, rules).accepted


@given(data=st.data())
def test_adding_a_qualified_approver_never_turns_accept_into_reject(rules, data):
    """Adding an approver from the roster who is not the author never rejects an accepted silence:
    a qualified one (holding a required role) only helps, and one holding none is only noted."""
    silence = data.draw(silences(rules, likely=True))
    verdict = evaluate(silence, rules)
    assume(verdict.accepted)
    author = rules.roster.find(silence.author)
    others = [p for p in rules.roster.people if author is None or p.id != author.id]
    qualified = [p.email for p in others if p.roles & set(verdict.roles)]
    extra = data.draw(st.sampled_from(qualified or [p.email for p in others]))
    assert evaluate(silence.replace(approvers=(*silence.approvers, extra)), rules).accepted


@given(data=st.data())
def test_adding_a_matcher_never_turns_accept_into_reject(rules, data):
    """A narrower silence is accepted when the wider one is — unless it then reaches nothing at
    all, only alerts no rule covers (which every rule then judges), or only alerts that would
    need a label the catalog does not give them (judged as if they had it, which may bring in
    rules keyed on that label)."""
    silence = data.draw(silences(rules, likely=True))
    assume(evaluate(silence, rules).accepted)
    narrower = silence.replace(matchers=(*silence.matchers, data.draw(matchers(rules))))
    verdict = evaluate(narrower, rules)
    found = assess(narrower, rules)
    assert found is not None
    if not found.reach.nothing and not found.reach.uncovered and not found.reach.assumed:
        assert verdict.accepted, verdict.violations


@given(data=st.data())
def test_every_accepted_silence_fits_every_rule_of_every_alert_it_reaches(rules, data):
    """The duration of an accepted silence fits each rule that applies to each alert it reaches
    (inside a declared window, the window's length stands in for rules maintenance relaxes), and
    its approvals, with the window's approvers, cover every role those rules require."""
    silence = data.draw(silences(rules, likely=True))
    verdict = evaluate(silence, rules)
    assume(verdict.accepted)
    found = assess(silence, rules)
    assert found is not None
    assert silence.duration is not None
    approved = {role for approval in verdict.approvals for role in approval.roles}
    window = found.window
    standing = set()
    if window is not None:
        standing = {r for pid in window.approved_by if (p := rules.roster.find(pid)) for r in p.roles}
        assert window.id == verdict.window
    for applying in found.reach.rules.values():
        for rule in applying:
            relaxed = window is not None and rule.relaxed_by_maintenance
            assert relaxed or silence.duration <= rule.cap
            assert set(rule.approvals) <= approved | (standing if relaxed else set())


@given(data=st.data())
def test_what_add_accepts_an_audit_right_after_accepts(rules, data):
    """``add`` judges a new silence with the listed ones as history; an audit right after lists
    it too and judges every live silence with all of them: the new silence passes, and so does
    every earlier one that passed before."""
    earlier = data.draw(histories(rules))
    new = data.draw(silences(rules, likely=True))
    assume(evaluate(new, rules, earlier).accepted)
    before = judge_listed(earlier, rules)
    after = judge_listed([*earlier, Silence("new", "active", new)], rules)
    assert after[-1].accepted, after[-1].violations
    for old, now in zip(before, after, strict=False):
        assert now.accepted or not old.accepted


@given(data=st.data())
def test_silences_an_audit_accepts_stay_accepted_when_added_one_by_one(rules, data):
    """The live silences an audit passes are still passed once its violators are gone, and each
    is accepted again when re-added through ``add``, in listing order, with the ones before it
    (expired ones included) as history."""
    listed = data.draw(histories(rules))
    live = [s for s in listed if s.state == "active"]
    passed = {s.silence_id for s, v in zip(live, judge_listed(listed, rules), strict=True) if v.accepted}
    kept = [s for s in listed if s.state != "active" or s.silence_id in passed]
    assume(passed)
    assert all(v.accepted for v in judge_listed(kept, rules))
    for index, silence in enumerate(kept):
        if silence.state == "active":
            assert evaluate(silence.request, rules, kept[:index]).accepted


@given(data=st.data())
def test_replacing_a_silence_to_fix_a_typo_costs_nothing(rules, data):
    """Expiring an accepted silence a few seconds in and creating it again, as long as before,
    is accepted."""
    silence = data.draw(silences(rules, likely=True))
    assume(evaluate(silence, rules).accepted)
    assert silence.starts_at is not None
    assert silence.ends_at is not None
    seconds = timedelta(seconds=data.draw(st.integers(1, 120)))
    expired = Silence("typo", "expired", silence.replace(ends_at=silence.starts_at + seconds))
    again = silence.replace(starts_at=silence.starts_at + seconds, ends_at=silence.ends_at + seconds)
    assert evaluate(again, rules, [expired]).accepted


@given(data=st.data())
def test_amtool_arguments_and_api_json_describe_the_same_silence(rules, data):
    """Rendering a silence as amtool arguments or as API v2 JSON, and reading it back, gives the
    same silence either way."""
    silence = data.draw(silences(rules)).replace(approvers=(), window=None)
    argv = amtool.command(silence, silence.comment, None)[3:]
    from_args = amtool.parse(argv, silence.starts_at or START)
    from_json = api.from_api(json.loads(json.dumps(api.to_api(silence))))
    assert from_args == from_json == silence

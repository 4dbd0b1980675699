"""Properties of the silence evaluator, over both example policies (strategies_silence)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from oncall_policy.silence import amtool, api, source
from oncall_policy.silence.evaluate import evaluate
from oncall_policy.silence.rules import UNKNOWN, Rules
from tests.conftest import EXAMPLES
from tests.strategies_silence import matchers, silences

RULES = {name: source.load(path).rules for name, path in EXAMPLES.items()}


@pytest.fixture(scope="module", params=sorted(RULES), ids=sorted(RULES))
def rules(request: pytest.FixtureRequest) -> Rules:
    return RULES[request.param]


@given(data=st.data())
def test_shortening_never_turns_accept_into_reject(rules, data):
    """A silence that is accepted stays accepted when it ends earlier (still after its start)."""
    silence = data.draw(silences(rules))
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
    silence = data.draw(silences(rules))
    verdict = evaluate(silence, rules)
    assume(verdict.accepted)
    others = sorted(email for email in rules.roles_by_email if email != silence.author)
    qualified = [email for email in others if rules.roles_by_email[email] & set(verdict.roles)]
    extra = data.draw(st.sampled_from(qualified or others))
    assert evaluate(silence.replace(approvers=(*silence.approvers, extra)), rules).accepted


@given(data=st.data())
def test_adding_a_matcher_never_turns_accept_into_reject(rules, data):
    """A narrower silence is accepted when the wider one is — unless it then reaches no catalog
    alert at all: it is then about alerts the catalog does not know, and the policy's
    ``unknown_alerts`` rule judges it (by design; reaching nothing means "unknown", see reach)."""
    silence = data.draw(silences(rules))
    assume(evaluate(silence, rules).accepted)
    narrower = silence.replace(matchers=(*silence.matchers, data.draw(matchers(rules))))
    verdict = evaluate(narrower, rules)
    if verdict.alerts:
        assert verdict.accepted
    else:
        assert verdict.rules[-1] == UNKNOWN


@given(data=st.data())
def test_every_accepted_silence_is_within_the_cap_of_every_class_it_reaches(rules, data):
    """The duration of an accepted silence fits every rule it falls under (the maintenance cap
    standing in for rules maintenance relaxes), and its approvals cover every required role."""
    silence = data.draw(silences(rules))
    verdict = evaluate(silence, rules)
    assume(verdict.accepted)
    assert silence.duration is not None
    for rule_id in verdict.rules:
        if rule_id == UNKNOWN:
            continue
        rule = rules.rule(rule_id)
        relaxed = verdict.maintenance and rule.relaxed_by_maintenance and rules.maintenance
        cap = rules.maintenance.cap if relaxed and rules.maintenance else rule.cap
        assert silence.duration <= cap
        if not relaxed:
            covered = {role for approval in verdict.approvals for role in approval.roles}
            assert set(rule.approvals) <= covered


@given(data=st.data())
def test_amtool_arguments_and_api_json_describe_the_same_silence(rules, data):
    """Rendering a silence as amtool arguments or as API v2 JSON, and reading it back, gives the
    same silence either way."""
    silence = data.draw(silences(rules)).replace(approvers=())
    argv = amtool.command(silence, silence.comment, None)[3:]
    from_args = amtool.parse(argv, silence.starts_at)
    from_json = api.from_api(json.loads(json.dumps(api.to_api(silence))))
    assert from_args == from_json == silence

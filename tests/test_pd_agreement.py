"""Agreement between the policy and the PagerDuty objects: per-alert paging facts, disagreements."""

from __future__ import annotations

import pytest

from oncall_policy.checks.checked import load_policy
from oncall_policy.compile.pd.build import build
from oncall_policy.model import Policy
from oncall_policy.verify.agreement import Disagreement, disagreements, paging_facts
from tests.conftest import ACME, CLIPPER, EXAMPLES
from tests.pd_helpers import policy_data


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_examples_agree(name):
    assert disagreements(load_policy(EXAMPLES[name])) == []


def test_clipper_paging_facts():
    facts = {(f.alert, f.service, f.first_escalation_minutes) for f in paging_facts(load_policy(CLIPPER))}
    assert ("ServiceDown", "clipper-critical", 15) in facts
    assert ("SLOAvailabilityBreach", "clipper-slo", 15) in facts
    assert ("SQLInjectionAttempt", "clipper-security", 15) in facts
    assert ("HighErrorRate", "clipper-warning", 60) in facts
    assert len(facts) == 12  # every catalog alert pages once; P3 has no catalog alert


def test_routing_key_file_is_what_alertmanager_reads():
    (fact, *_) = [f for f in paging_facts(load_policy(ACME)) if f.alert == "KubeAPIDown"]
    assert fact.routing_key_file == "/run/secrets/alertmanager/pd/infra-outage"


def test_a_service_no_alert_reaches_is_reported():
    data = policy_data(CLIPPER)
    data["paging_services"].append({**data["paging_services"][-1], "id": "clipper-spare", "name": "Spare"})
    assert disagreements(Policy.model_validate(data)) == [
        Disagreement("clipper-spare", "no catalog alert reaches Spare; its timing is a guess")
    ]


def test_a_wrong_first_delay_and_a_low_urgency_are_reported():
    policy = load_policy(CLIPPER)
    model = build(policy)
    slow = next(p for p in model.escalation_policies if p.ref.key == "clipper/P2")
    rules = (slow.rules[0]._replace(delay_minutes=45), *slow.rules[1:])
    policies = tuple(p._replace(rules=rules) if p is slow else p for p in model.escalation_policies)
    services = tuple(
        s._replace(urgency="low") if s.ref.key == "clipper-warning" else s for s in model.services
    )
    found = disagreements(policy, model._replace(escalation_policies=policies, services=services))
    assert (
        Disagreement(
            "HighErrorRate",
            "P2 should first escalate after 60 min, but Clipper Warning escalates after 45 min",
        )
        in found
    )
    assert (
        Disagreement(
            "clipper-warning", "Clipper Warning escalates but its urgency is low, which never escalates"
        )
        in found
    )

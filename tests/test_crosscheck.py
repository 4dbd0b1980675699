"""`oncall-policy test` beyond routing: Alertmanager receivers and PagerDuty services agree, and
every alert first escalates when its severity says. Each check is shown able to fail."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from oncall_policy.checks.checked import load_policy
from oncall_policy.cli import main
from oncall_policy.compile.pd import build
from oncall_policy.provenance import Source
from oncall_policy.verify import agreement, crosscheck
from oncall_policy.verify.matrix import Matrix, generated
from tests.conftest import CLIPPER, EXAMPLES


@pytest.fixture(scope="module")
def clipper():
    policy = load_policy(CLIPPER)
    _, config = generated(policy, Source.of(CLIPPER, CLIPPER.read_bytes()))
    return policy, config, build.build(policy)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_agree(name, capsys):
    assert main(["test", "--policy", str(EXAMPLES[name])]) == 0
    assert "disagreement" not in capsys.readouterr().err


def test_receiver_reading_an_unknown_key_is_a_mismatch(clipper):
    _, config, model = clipper
    broken = copy.deepcopy(config)
    pager = next(r for r in broken["receivers"] if r.get("pagerduty_configs"))
    pager["pagerduty_configs"][0]["routing_key_file"] = "/etc/alertmanager/secrets/pagerduty/other.key"
    found = crosscheck.mismatches(broken, model)
    assert (
        f"receiver {pager['name']} reads /etc/alertmanager/secrets/pagerduty/other.key, the integration key "
        "of no generated PagerDuty service"
    ) in found
    assert any(line.endswith("is paged by no Alertmanager receiver") for line in found)


def test_generated_outputs_agree(clipper):
    _, config, model = clipper
    assert crosscheck.mismatches(config, model) == []


def test_an_escalation_other_than_the_severity_promises_fails_the_case(clipper):
    policy, config, model = clipper
    facts = [f for f in agreement.paging_facts(policy, model) if f.alert == "ServiceDown"]
    case = next(c for c in Matrix(policy, config).cases() if c.alert == "ServiceDown")
    assert case.with_paging(facts).ok
    assert case.with_paging(facts).first_escalation_minutes == (15,)
    late = [replace(f, first_escalation_minutes=30) for f in facts]
    assert not case.with_paging(late).ok

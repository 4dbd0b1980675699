"""Properties of the Alertmanager target over drawn policies (``strategies.policies``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.compile.alertmanager import build, receivers_used
from tests.alertmanager_support import SOURCE, compiled
from tests.strategies import label_sets, policies, shuffled


@given(policies())
def test_every_catalog_alert_reaches_what_the_policy_says(policy):
    """Every catalog alert reaches at least one receiver, never one twice, and exactly the
    receivers (in order) and integrations the policy's own routing gives it."""
    _, _, matrix = compiled(policy)
    for case in matrix.cases():
        assert case.receivers
        assert len(set(case.receivers)) == len(case.receivers)
        assert case.ok, case


@given(policies(), st.data())
def test_any_label_set_routes_as_the_policy_says(policy, data):
    """Not only catalog alerts: any label set is routed by the generated tree exactly as by the
    policy (continue routes, shared destinations and fallbacks included)."""
    _, _, matrix = compiled(policy)
    for labels in data.draw(st.lists(label_sets(policy), min_size=1, max_size=10)):
        assert matrix.case("drawn", labels).ok, labels


@given(policies())
def test_receivers_defined_are_exactly_those_used(policy):
    """Every receiver defined is used by the route tree, and every one used is defined (once)."""
    _, config, _ = compiled(policy)
    defined = [r["name"] for r in config["receivers"]]
    assert len(defined) == len(set(defined))
    assert set(defined) == set(receivers_used(config["route"]))


@given(policies(), st.integers(0, 2**32))
def test_output_is_invariant_under_reordering_unordered_sections(policy, seed):
    """Reordering people, roles, severities, services, channels, escalation policies, alerts and
    inhibitions changes no byte of the output."""
    assert build(shuffled(policy, seed), SOURCE) == build(policy, SOURCE)


@given(policies())
def test_output_is_deterministic(policy):
    """Two compilations of one policy are byte-identical."""
    assert build(policy, SOURCE) == build(policy, SOURCE)

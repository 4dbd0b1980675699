"""What makes one notification (``meaning.grouping``): by default a route groups by alertname and
the labels its catalog alerts carry; the policy overrides it per route or for all routes."""

from __future__ import annotations

from oncall_policy.checks.checked import load_policy, load_policy_text
from oncall_policy.compile.alertmanager import config
from oncall_policy.meaning.grouping import group_by
from tests.conftest import CLIPPER, ROOT
from tests.test_load_errors import edited

CARRIED_BY_ANY = ("alertname", "container", "device", "fstype", "instance", "job", "mountpoint", "namespace")


def test_a_route_groups_by_what_its_alerts_carry():
    grouping = group_by(load_policy(CLIPPER))
    assert grouping.routes["critical"] == ("alertname", "instance", "job", "service")
    assert grouping.routes["slo-breach"] == ("alertname", "service")
    assert grouping.unmatched[: len(CARRIED_BY_ANY)] == CARRIED_BY_ANY


def test_a_route_no_catalog_alert_takes_groups_as_unknown_alerts_do():
    grouping = group_by(load_policy(CLIPPER))
    assert grouping.routes["info"] == grouping.unmatched


def test_the_policy_overrides_it_per_route_and_for_all():
    minimal = ROOT / "tests" / "policies" / "minimal.yaml"
    assert group_by(load_policy(minimal)).routes["critical"] == ("alertname", "service")
    route = "    - {name: critical, severities: [P1], page: pager, notify: [ops]"
    per_route = load_policy_text(edited([(route, f"{route}, group_by: [alertname, cluster]")]), "p.yaml")
    assert group_by(per_route).routes["critical"] == ("alertname", "cluster")
    for_all = load_policy_text(
        edited([("  routes:\n", "  group_by: [alertname, zone]\n  routes:\n")]), "p.yaml"
    )
    assert set(group_by(for_all).routes.values()) == {("alertname", "zone")}
    assert config(for_all)["route"]["group_by"] == ["alertname", "zone"]  # type: ignore[index]

"""The PagerDuty objects compiled from the example policies, checked against the guide."""

from __future__ import annotations

import json

from oncall_policy.checks.checked import load_policy
from oncall_policy.model import Policy
from tests.conftest import ACME, CLIPPER
from tests.pd_helpers import body, files_of, policy_data

CLIPPER_POLICY = load_policy(CLIPPER)
ACME_POLICY = load_policy(ACME)


def _rules(policy: Policy, key: str) -> list[tuple[int, list[str]]]:
    rules = body(policy, f"escalation_policies/{key}.json")["escalation_policy"]["escalation_rules"]
    return [(r["escalation_delay_in_minutes"], [t["id"] for t in r["targets"]]) for r in rules]


def test_clipper_p1_escalates_15_15_30_then_leadership():
    assert _rules(CLIPPER_POLICY, "clipper/P1") == [
        (15, ["@schedule:clipper-weekly/primary"]),
        (15, ["@schedule:clipper-weekly/secondary"]),
        (30, ["@schedule:clipper-weekly/manager"]),
        (30, ["@user:vp-engineering", "@user:cto"]),
    ]


def test_clipper_p2_escalates_to_the_secondary_after_an_hour():
    assert [delay for delay, _ in _rules(CLIPPER_POLICY, "clipper/P2")] == [60, 30, 30]


def test_only_escalation_policies_that_services_use_are_emitted():
    """P3 never pages, so it gets no escalation policy; Acme's SEV3-5 neither."""
    paths = [p for p in files_of(CLIPPER_POLICY) if "escalation_policies/" in p]
    assert paths == [
        "pagerduty/escalation_policies/clipper/P1.json",
        "pagerduty/escalation_policies/clipper/P2.json",
    ]
    acme = sorted(
        p.rsplit("/", 2)[-2] + "/" + p.rsplit("/", 1)[-1]
        for p in files_of(ACME_POLICY)
        if "escalation_policies/" in p
    )
    assert acme == ["infra/SEV1.json", "infra/SEV2.json", "payments/SEV1.json", "payments/SEV2.json"]


def test_rule_targets_mix_schedules_and_users_and_loops_come_from_the_policy():
    ep = body(ACME_POLICY, "escalation_policies/payments/SEV1.json")["escalation_policy"]
    assert [[t["type"] for t in r["targets"]] for r in ep["escalation_rules"]] == [
        ["schedule_reference", "schedule_reference"],
        ["schedule_reference", "user_reference"],
        ["user_reference"],
    ]
    assert body(ACME_POLICY, "escalation_policies/infra/SEV1.json")["escalation_policy"]["num_loops"] == 2


def test_a_single_level_timing_waits_the_response_time():
    """A severity without auto-escalation that pages gets a one-rule policy, low urgency."""
    data = policy_data(CLIPPER)
    data["paging_services"].append(
        {**data["paging_services"][-1], "id": "clipper-info", "name": "Clipper Info"}
    )
    data["routing"]["routes"][-1]["page"] = "clipper-info"
    data["alerts"].append({**data["alerts"][-1], "name": "InfoNote", "severity": "P3", "labels": {}})
    policy = Policy.model_validate(data)
    assert _rules(policy, "clipper/P3") == [(240, ["@schedule:clipper-weekly/primary"])]
    service = body(policy, "services/clipper-info.json")["service"]
    assert service["incident_urgency_rule"]["urgency"] == "low"


def test_a_service_no_catalog_alert_reaches_is_timed_by_the_fastest_severity():
    data = policy_data(CLIPPER)
    data["paging_services"].append({**data["paging_services"][-1], "id": "clipper-spare", "name": "Spare"})
    service = body(Policy.model_validate(data), "services/clipper-spare.json")["service"]
    assert service["escalation_policy"]["id"] == "@escalation_policy:clipper/P1"


def _users(policy: Policy, slot: str) -> list[str]:
    (layer,) = body(policy, f"schedules/clipper-weekly/{slot}.json")["schedule"]["schedule_layers"]
    return [u["user"]["id"].removeprefix("@user:") for u in layer["users"]]


def test_clipper_schedules_reproduce_the_four_week_template():
    assert _users(CLIPPER_POLICY, "primary") == ["engineer-a", "engineer-b", "engineer-c", "engineer-d"]
    assert _users(CLIPPER_POLICY, "secondary") == ["engineer-b", "engineer-c", "engineer-d", "engineer-a"]
    assert _users(CLIPPER_POLICY, "manager") == ["manager-x", "manager-x", "manager-y", "manager-y"]


def test_clipper_layers_are_weekly_from_monday_0900_utc():
    schedule = body(CLIPPER_POLICY, "schedules/clipper-weekly/primary.json")["schedule"]
    assert schedule["time_zone"] == "Etc/UTC"
    (layer,) = schedule["schedule_layers"]
    assert layer["rotation_virtual_start"] == layer["start"] == "2025-12-29T09:00:00Z"  # a Monday
    assert layer["rotation_turn_length_seconds"] == 604800
    assert "restrictions" not in layer


def test_acme_business_hours_become_weekly_restrictions_in_new_york():
    schedule = body(ACME_POLICY, "schedules/payments-business/first.json")["schedule"]
    assert schedule["time_zone"] == "America/New_York"
    (layer,) = schedule["schedule_layers"]
    assert layer["rotation_turn_length_seconds"] == 14 * 86400
    assert layer["restrictions"] == [
        {
            "type": "weekly_restriction",
            "start_day_of_week": day,
            "start_time_of_day": "09:00:00",
            "duration_seconds": 28800,
        }
        for day in range(1, 6)
    ]


def test_every_day_windows_become_one_daily_restriction():
    data = policy_data(ACME)
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    data["rotations"][2]["restrictions"] = [{"weekdays": days, "start": "22:00", "end": "06:00"}]
    (layer,) = body(Policy.model_validate(data), "schedules/payments-business/first.json")["schedule"][
        "schedule_layers"
    ]
    assert layer["restrictions"] == [
        {"type": "daily_restriction", "start_time_of_day": "22:00:00", "duration_seconds": 8 * 3600}
    ]


def test_services_escalate_with_high_urgency_and_ack_timeout_from_the_resolution_target():
    services = {
        name: body(CLIPPER_POLICY, f"services/{name}.json")["service"]
        for name in ("clipper-critical", "clipper-slo", "clipper-security", "clipper-warning")
    }
    assert {n: s["escalation_policy"]["id"] for n, s in services.items()} == {
        "clipper-critical": "@escalation_policy:clipper/P1",
        "clipper-slo": "@escalation_policy:clipper/P1",
        "clipper-security": "@escalation_policy:clipper/P1",
        "clipper-warning": "@escalation_policy:clipper/P2",
    }
    assert {s["incident_urgency_rule"]["urgency"] for s in services.values()} == {"high"}
    assert services["clipper-critical"]["acknowledgement_timeout"] == 3600
    assert services["clipper-warning"]["acknowledgement_timeout"] == 4 * 3600
    assert {s["auto_resolve_timeout"] for s in services.values()} == {None}


def test_manifest_orders_creation_and_lists_users_to_look_up():
    manifest = body(CLIPPER_POLICY, "manifest.json")
    kinds = [step["placeholder"].split(":")[0] for step in manifest["apply"]]
    assert kinds == ["@schedule"] * 3 + ["@escalation_policy"] * 2 + ["@service"] * 4 + ["@integration"] * 4
    assert [u["email"] for u in manifest["users"]] == [
        "cto@clipper.app",
        *(f"engineer-{x}@clipper.app" for x in "abcd"),
        "manager-x@clipper.app",
        "manager-y@clipper.app",
        "vp-engineering@clipper.app",
    ]
    integration = manifest["apply"][-1]
    assert integration["path"] == "/services/@service:clipper-warning/integrations"
    assert integration["integration_key_file"] == "/etc/alertmanager/secrets/pagerduty/clipper-warning.key"


def test_terraform_has_the_same_objects_as_rest():
    files = files_of(ACME_POLICY)
    tf = json.loads(files["pagerduty.tf.json"])
    assert set(tf["data"]["pagerduty_user"]) == {"ana", "bo", "cy", "dee", "eli", "fay", "gus", "hal"}
    assert len(tf["resource"]["pagerduty_schedule"]) == sum("/schedules/" in p for p in files)
    assert len(tf["resource"]["pagerduty_service_integration"]) == 4
    rule = tf["resource"]["pagerduty_escalation_policy"]["payments__SEV1"]["rule"][1]
    assert rule == {
        "escalation_delay_in_minutes": 10,
        "target": [
            {"type": "schedule_reference", "id": "${pagerduty_schedule.payments-business__second.id}"},
            {"type": "user_reference", "id": "${data.pagerduty_user.gus.id}"},
        ],
    }
    service = tf["resource"]["pagerduty_service"]["payments-outage"]
    assert service["escalation_policy"] == "${pagerduty_escalation_policy.payments__SEV1.id}"
    assert service["auto_resolve_timeout"] == "null"
    assert tf["//"].startswith("Generated by oncall-policy from policy.yaml")

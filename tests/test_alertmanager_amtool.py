"""The generated configuration, proved with the real amtool 0.25: it is valid, and our routing
simulator agrees with ``amtool config routes test`` on every catalog alert and on drawn label sets.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncall_policy.checks.checked import load_policy
from oncall_policy.cli import main
from oncall_policy.verify import amtool as runner
from tests.alertmanager_support import POLICIES, compiled, write
from tests.conftest import ROOT
from tests.strategies import label_sets, policies

pytestmark = pytest.mark.amtool
LOADED = {name: load_policy(path) for name, path in POLICIES.items()}
FANOUT = ROOT / "tests" / "golden" / "alertmanager" / "fanout" / "in" / "policy.yaml"


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_check_config_accepts_the_generated_config(amtool, name, tmp_path):
    files, _, _ = compiled(LOADED[name])
    report = runner.check_config(write(files, tmp_path))
    assert "SUCCESS" in report
    assert " - 1 templates" in report


def test_check_config_accepts_the_committed_files(amtool):
    paths = [
        path.parent / "generated" / "alertmanager.yml"
        for path in POLICIES.values()
        if (path.parent / "generated").is_dir()
    ]
    paths += [
        path.parent.parent / "out" / "alertmanager.yml"
        for path in POLICIES.values()
        if path.parent.name == "in"
    ]
    assert len(paths) == len(POLICIES)
    assert runner.check_config(*paths).count("'  SUCCESS") == len(paths)


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_simulator_agrees_with_amtool_on_every_catalog_alert(amtool, name, tmp_path):
    files, _, matrix = compiled(LOADED[name])
    cases = matrix.cases()
    config = write(files, tmp_path)
    assert runner.routes_test_many(config, [c.labels for c in cases]) == [c.receivers for c in cases]
    assert all(runner.routes_verify_many(config, [(c.labels, c.expected_receivers) for c in cases]))


@settings(max_examples=4, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize("name", ["clipper", "acme", "fanout"])
def test_simulator_agrees_with_amtool_on_drawn_label_sets(amtool, name, tmp_path, data):
    """For any label set, the simulator's receivers (and their order) are amtool's."""
    policy = LOADED[name]
    files, _, matrix = compiled(policy)
    drawn = data.draw(st.lists(label_sets(policy), min_size=8, max_size=8))
    config = write(files, tmp_path)
    assert runner.routes_test_many(config, drawn) == [matrix.simulator.receivers(d) for d in drawn]


@settings(max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policy=policies(), data=st.data())
def test_drawn_policies_pass_check_config_and_route_like_amtool(amtool, tmp_path, policy, data):
    """Any valid policy compiles to a configuration amtool accepts and routes as we simulate."""
    files, _, matrix = compiled(policy)
    config = write(files, tmp_path)
    assert "SUCCESS" in runner.check_config(config)
    drawn = data.draw(st.lists(label_sets(policy), min_size=4, max_size=4))
    assert runner.routes_test_many(config, drawn) == [matrix.simulator.receivers(d) for d in drawn]


def _render(tmp_path, template, data):
    (tmp_path / "data.json").write_text(json.dumps(data), encoding="utf-8")
    return runner._output(
        [
            "template",
            "render",
            f"--template.glob={tmp_path}/alertmanager.tmpl",
            f"--template.text={template}",
            f"--template.data={tmp_path}/data.json",
        ]
    )


def _notification(labels, annotations=None):
    alert = {
        "status": "firing",
        "labels": labels,
        "annotations": annotations or {},
        "startsAt": "2026-01-01T00:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example/graph",
        "fingerprint": "0",
    }
    return {
        "receiver": "r",
        "status": "firing",
        "alerts": [alert],
        "groupLabels": {},
        "commonLabels": labels,
        "commonAnnotations": annotations or {},
        "externalURL": "http://am.example",
    }


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"level": "hi"}, "critical"),
        ({"level": "mid|dle"}, "error"),
        ({"level": 'lo "quoted"'}, "info"),
        ({}, "critical"),
        ({"level": "P1"}, "critical"),
    ],
    ids=["hi", "mid", "lo", "mixed-group", "unknown"],
)
def test_pagerduty_severity_template_renders_events_v2_values(amtool, tmp_path, labels, expected):
    files, config, _ = compiled(load_policy(FANOUT))  # "main" is paged by every severity
    write(files, tmp_path)
    receiver = next(r for r in config["receivers"] if r["name"] == "pagerduty-main")
    template = receiver["pagerduty_configs"][0]["severity"]
    assert _render(tmp_path, template, _notification({"alertname": "X", **labels})) == expected


@pytest.mark.parametrize(
    ("labels", "annotations", "expected"),
    [
        (
            {"alertname": "RedisDown"},
            {},
            "https://github.com/clipper-app/clipper/blob/main/docs/operations/",
        ),
        ({"alertname": "RedisDown"}, {"runbook_url": "https://own.example/rb"}, "https://own.example/rb"),
        (
            {"alertname": "NotInCatalog"},
            {},
            "https://github.com/clipper-app/clipper/blob/main/docs/operations/",
        ),
    ],
    ids=["not-annotated", "annotation-wins", "unknown-alert"],
)
def test_runbook_link_template(amtool, tmp_path, labels, annotations, expected):
    files, _, _ = compiled(LOADED["clipper"])
    write(files, tmp_path)
    text = '{{ template "oncall_policy.runbook" (index .Alerts 0) }}'
    assert _render(tmp_path, text, _notification(labels, annotations)) == expected


RUNBOOK = "https://github.com/clipper-app/clipper/blob/main/docs/operations/runbook.md#database-down"
DB_DOWN = {
    "summary": "db gone",
    "meaning": "The database is unreachable.",
    "response": "Check the primary.",
    "runbook_url": RUNBOOK,
    "dashboard_url": "http://dash.example/db",
}


def test_slack_text_shows_meaning_response_and_links(amtool, tmp_path):
    files, _, _ = compiled(LOADED["clipper"])
    write(files, tmp_path)
    labels = {"alertname": "DatabaseDown", "severity": "critical", "instance": "db-1"}
    shown = _render(tmp_path, '{{ template "oncall_policy.text" . }}', _notification(labels, DB_DOWN))
    assert shown == (
        "*What it means:* The database is unreachable.\n*What to do first:* Check the primary.\n"
        f"*Runbook:* {RUNBOOK}\n*Dashboard:* http://dash.example/db\n"
    )


def _grouped(alerts, group_labels, common_labels, common_annotations):
    """A notification of several alerts, as Alertmanager hands it to the templates."""
    return {
        **_notification(common_labels, common_annotations),
        "alerts": [_notification(labels, annotations)["alerts"][0] for labels, annotations in alerts],
        "groupLabels": group_labels,
    }


def test_grouped_alerts_are_told_apart_once_each(amtool, tmp_path):
    files, _, _ = compiled(LOADED["clipper"])
    write(files, tmp_path)
    common = {"alertname": "LowDiskSpace", "severity": "warning", "instance": "db-1"}
    data = _grouped(
        [({**common, "mountpoint": "/"}, DB_DOWN), ({**common, "mountpoint": "/var"}, DB_DOWN)],
        {"alertname": "LowDiskSpace", "instance": "db-1"},
        common,
        DB_DOWN,
    )
    title = _render(tmp_path, '{{ template "oncall_policy.title" . }}', data)
    text = _render(tmp_path, '{{ template "oncall_policy.text" . }}', data)
    assert title == "[FIRING:2] [P2 Warning] LowDiskSpace on instance=db-1: db gone"
    assert text.endswith("*Alerts:*\n• mountpoint=/ \n• mountpoint=/var \n")


@pytest.mark.parametrize(
    ("labels", "group_labels", "expected"),
    [
        (
            {"alertname": "ServiceDown", "severity": "critical", "service": "checkout"},
            {"alertname": "ServiceDown", "service": "checkout"},
            "[P1 Critical] ServiceDown on service=checkout",
        ),
        ({"job": "x"}, {}, "[no severity] Alert without a name"),
        ({"alertname": "Odd"}, {"alertname": "Odd"}, "[no severity] Odd"),
    ],
    ids=["carried-label", "no-name-no-severity", "no-severity"],
)
def test_description_says_what_and_where(amtool, tmp_path, labels, group_labels, expected):
    files, _, _ = compiled(LOADED["clipper"])
    write(files, tmp_path)
    data = {**_notification(labels), "groupLabels": group_labels}
    assert _render(tmp_path, '{{ template "oncall_policy.description" . }}', data) == expected


@pytest.mark.parametrize(
    ("group_labels", "expected"),
    [({"alertname": "RedisDown", "instance": "cache-2:6379"}, "instance=cache-2:6379"), ({}, "Clipper")],
    ids=["affected-system", "none-carried"],
)
def test_pagerduty_source_names_the_affected_system(amtool, tmp_path, group_labels, expected):
    files, _, _ = compiled(LOADED["clipper"])
    write(files, tmp_path)
    data = {**_notification({"alertname": "RedisDown"}), "groupLabels": group_labels}
    assert _render(tmp_path, '{{ template "oncall_policy.source" . }}', data) == expected


@pytest.mark.parametrize("name", ["clipper", "acme"])
def test_cli_test_with_amtool_passes(amtool, name, capsys):
    assert main(["test", "--policy", str(POLICIES[name]), "--amtool", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows
    assert all(row["ok"] and row["amtool"] for row in rows)

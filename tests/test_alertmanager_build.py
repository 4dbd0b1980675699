"""The Alertmanager target on the example policies: routing, receivers, determinism, shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.checks.checked import load_policy, load_policy_bytes
from oncall_policy.compile import yamltext
from oncall_policy.compile.alertmanager import build
from oncall_policy.compile.yamltext import render, scalar
from oncall_policy.load.yamldata import parse
from oncall_policy.provenance import Source
from tests.alertmanager_support import POLICIES, compiled

CLIPPER = load_policy(POLICIES["clipper"])
# Its PagerDuty service "main" is reached by every severity (the fallback pages it).
FANOUT = Path(__file__).parent / "golden" / "alertmanager" / "fanout" / "in" / "policy.yaml"
PAGERDUTY_SEVERITIES = {"critical", "error", "warning", "info"}

CRITICAL = ("Clipper Critical", "#incidents")
SLO = ("Clipper SLO", "#incidents")
SECURITY = ("Clipper Security", "#security")
WARNING = ("Clipper Warning", "#alerts")
CLIPPER_ROUTING = {
    "ServiceDown": CRITICAL,
    "DatabaseDown": CRITICAL,
    "RedisDown": CRITICAL,
    "SLOAvailabilityBreach": SLO,
    "SLOErrorRateBreach": SLO,
    "FailedAuthenticationSpike": SECURITY,
    "SQLInjectionAttempt": SECURITY,
    "SuspiciousSecurityEvent": SECURITY,
    "HighErrorRate": WARNING,
    "HighResponseTime": WARNING,
    "HighMemoryUsage": WARNING,
    "LowDiskSpace": WARNING,
}


@pytest.mark.parametrize(("alert", "where"), CLIPPER_ROUTING.items(), ids=list(CLIPPER_ROUTING))
def test_clipper_catalog_alert_reaches_its_service_and_channel(alert, where):
    _, _, matrix = compiled(CLIPPER)
    case = next(c for c in matrix.cases() if c.alert == alert)
    assert case.ok
    assert (case.pagerduty_services, case.slack_channels) == ((where[0],), (where[1],))


@pytest.mark.parametrize(
    ("labels", "receivers"),
    [
        ({"alertname": "Noise", "severity": "info"}, ("slack-monitoring",)),
        ({"alertname": "Unknown"}, ("slack-alerts",)),
        ({}, ("slack-alerts",)),
        (
            {"alertname": "X", "severity": "critical", "category": "security"},
            ("pagerduty-clipper-security", "slack-security"),
        ),
        (
            {"alertname": "X", "severity": "warning", "category": "security"},
            ("slack-security", "pagerduty-clipper-warning", "slack-alerts"),
        ),
    ],
    ids=[
        "p3-never-pages",
        "unknown-alert-to-unmatched",
        "no-labels",
        "security-before-severity",
        "p2-security-pages-as-p2",
    ],
)
def test_clipper_label_sets(labels, receivers):
    _, _, matrix = compiled(CLIPPER)
    case = matrix.case("-", labels)
    assert case.receivers == receivers
    assert case.ok


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_every_catalog_alert_routes_as_the_policy_says(name):
    _, _, matrix = compiled(load_policy(POLICIES[name]))
    cases = matrix.cases()
    assert [c.alert for c in cases if not c.ok] == []
    assert all(len(set(c.receivers)) == len(c.receivers) >= 1 for c in cases)


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_receivers_are_safe_and_by_reference(name):
    policy = load_policy(POLICIES[name])
    _, config, _ = compiled(policy)
    for receiver in config["receivers"]:
        for pd in receiver.get("pagerduty_configs", []):
            assert pd["routing_key_file"].startswith(policy.secrets.directory.rstrip("/") + "/")
            assert "routing_key" not in pd
            assert "service_key" not in pd
            assert pd["send_resolved"] is True
            severity = pd["severity"]
            assert severity in PAGERDUTY_SEVERITIES or severity.endswith(
                tuple(f"{{{{- else }}}}{s}{{{{- end }}}}" for s in PAGERDUTY_SEVERITIES)
            )
            assert {link["text"] for link in pd["links"]} == {"Runbook", "Dashboard"}
        for slack in receiver.get("slack_configs", []):
            assert slack["api_url_file"].startswith(policy.secrets.directory.rstrip("/") + "/")
            assert "api_url" not in slack


def test_pagerduty_severity_of_a_mixed_receiver_falls_back_to_the_most_urgent():
    _, config, _ = compiled(load_policy(FANOUT))
    main = next(r for r in config["receivers"] if r["name"] == "pagerduty-main")
    severity = main["pagerduty_configs"][0]["severity"]
    assert severity.endswith("{{- else }}critical{{- end }}")
    assert "P1" not in severity


@pytest.mark.parametrize("name", ["clipper", "acme"])
def test_committed_generated_files_are_current(name):
    path = POLICIES[name]
    raw = path.read_bytes()
    files = build(load_policy_bytes(raw, str(path)), Source.of(path, raw))
    for file, text in files.items():
        assert (path.parent / "generated" / file).read_text(encoding="utf-8") == text


def test_header_names_the_source_and_its_hash():
    raw = POLICIES["clipper"].read_bytes()
    text = build(CLIPPER, Source.of(Path("policy.yaml"), raw))["alertmanager.yml"]
    assert text.startswith(Source.of(Path("policy.yaml"), raw).header())


def _siblings(route):
    yield route.get("routes", [])
    for child in route.get("routes", []):
        yield from _siblings(child)


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_no_generated_route_is_shadowed(name):
    """No route follows a sibling without ``continue`` whose matchers are a subset of its own
    (that sibling would take every alert the route could match)."""
    _, config, _ = compiled(load_policy(POLICIES[name]))
    for siblings in _siblings(config["route"]):
        for index, route in enumerate(siblings):
            mine = set(route.get("matchers", []))
            for earlier in siblings[:index]:
                assert earlier.get("continue") or not set(earlier.get("matchers", [])) <= mine


@given(st.text(max_size=40))
def test_any_string_reads_back_as_itself(text):
    """The emitter writes every string so that a YAML parser reads back exactly that string."""
    assert parse(render({"key": text, "list": [text], "nested": [{"k": text}]})) == {
        "key": text,
        "list": [text],
        "nested": [{"k": text}],
    }


@given(st.text(max_size=30) | st.text(st.characters(max_codepoint=127), max_size=30))
def test_printable_text_is_judged_the_same_on_the_ascii_fast_path(text):
    """Property: the ASCII shortcut finds exactly what YAML's whole c-printable class finds."""
    whole = re.compile(yamltext.NOT_PRINTABLE)
    assert yamltext._not_printable(text).findall(text) == whole.findall(text)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("slack-alerts", "slack-alerts"),
        ("30s", "30s"),
        ("1h30m", "1h30m"),
        ("on", "'on'"),
        ("1e3", "'1e3'"),
        ("inf", "'inf'"),
        ('a="b"', "'a=\"b\"'"),
        ("it's", "'it''s'"),
        ("a\nb", '"a\\nb"'),
        (" x", '" x"'),
        ("", '""'),
        ("#c", "'#c'"),
        (True, "true"),
        (3, "3"),
    ],
)
def test_scalar_styles(value, shown):
    assert scalar(value) == shown

"""Bad policies get every problem, exactly placed: one edit of a small valid policy per case."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncall_policy.checks.checked import load_policy_text
from oncall_policy.errors import PolicyError

MINIMAL = (Path(__file__).parent / "policies" / "minimal.yaml").read_text(encoding="utf-8")

# (id, [(text to replace, replacement), ...], expected problems)
CASES = [
    pytest.param(
        [("    name: Weekly\n", "    name: Weekly\n    handof: monday\n")],
        [
            "p.yaml:18:5: [error] rotations[0].handof: unknown field 'handof'; allowed here: id, name, restrictions, slots, start, team, time_zone, turn_length, turns (unknown-field)",
        ],
        id="unknown-field",
    ),
    pytest.param(
        [("    severity: P3\n", "    sevrity: P3\n")],
        [
            "p.yaml:62:5: [error] alerts[1].severity: required field is missing; add it (missing-field)",
            "p.yaml:63:5: [error] alerts[1].sevrity: unknown field 'sevrity'; did you mean 'severity'? (unknown-field)",
        ],
        id="typo-in-key",
    ),
    pytest.param(
        [("    name: Main\n", "    name: Main\n    loops: '2'\n")],
        [
            "p.yaml:45:12: [error] escalation_policies[0].loops: input should be a valid integer (wrong-type)",
        ],
        id="wrong-type-int",
    ),
    pytest.param(
        [("    name: Main\n", "    name: Main\n    loops: 12\n")],
        [
            "p.yaml:45:12: [error] escalation_policies[0].loops: input should be less than or equal to 9 (invalid-value)",
        ],
        id="loops-out-of-range",
    ),
    pytest.param(
        [("    response_time: 4h\n", "    response_time: 4 hours\n")],
        [
            "p.yaml:38:20: [error] severities[1].response_time: not a valid duration: '4 hours'; use whole numbers with units y, w, d, h, m, s, ms (for example 15m, 1h30m, 1d) (invalid-value)",
        ],
        id="bad-duration",
    ),
    pytest.param(
        [("    resolution_target: 1d\n", "    resolution_target: -1d\n")],
        [
            "p.yaml:40:24: [error] severities[1].resolution_target: not a valid duration: '-1d'; use whole numbers with units y, w, d, h, m, s, ms (for example 15m, 1h30m, 1d) (invalid-value)",
        ],
        id="negative-duration",
    ),
    pytest.param(
        [("    acknowledgement: optional\n", "    acknowledgement: maybe\n")],
        [
            "p.yaml:39:22: [error] severities[1].acknowledgement: input should be 'required' or 'optional' (invalid-value)",
        ],
        id="bad-enum",
    ),
    pytest.param(
        [("email: bob@example.invalid", "email: bob-at-example")],
        [
            "p.yaml:13:33: [error] people[1].email: 'bob-at-example' is not an email address (invalid-value)",
        ],
        id="bad-email",
    ),
    pytest.param(
        [("  - id: manager\n", "  - id: 'manager role'\n")],
        [
            "p.yaml:10:9: [error] roles[1].id: 'manager role' is not an id (letters, digits, '-', '_', '.') (invalid-value)",
        ],
        id="bad-id",
    ),
    pytest.param(
        [("    name: Critical\n", "    name: Critical\n    name: Severe\n")],
        [
            "p.yaml:29:5: [error] severities[0].name: duplicate key 'name' (first at line 28); keep one (duplicate-key)",
        ],
        id="duplicate-key",
    ),
    pytest.param(
        [("    name: Weekly\n", "    name: on\n")],
        [
            "p.yaml:17:11: [error] rotations[0].name: 'on' is a boolean in YAML 1.1 but a string in YAML 1.2; quote it ('on') so every tool reads the same, or write true/false (yaml11-trap)",
        ],
        id="yaml11-on",
    ),
    pytest.param(
        [('    start: "2026-01-05T09:00"\n', "    start: 09:00\n")],
        [
            "p.yaml:19:12: [error] rotations[0].start: '09:00' is a base-60 number in YAML 1.1 (09:00 reads as 540); quote it ('09:00') so every tool reads the same (yaml11-trap)",
            "p.yaml:19:12: [error] rotations[0].start: a start is a local date and time 'YYYY-MM-DDTHH:MM', e.g. '2025-12-29T09:00' (invalid-value)",
        ],
        id="yaml11-time",
    ),
    pytest.param(
        [("    name: Main\n", "    name: Main\n    loops: 07\n")],
        [
            "p.yaml:45:12: [error] escalation_policies[0].loops: '07' is an octal number in YAML 1.1 but decimal in YAML 1.2; write it without the leading zero, or quote it ('07') so every tool reads the same (yaml11-trap)",
        ],
        id="yaml11-octal",
    ),
    pytest.param(
        [("name: Pager,", "name: !!str Pager,")],
        [
            "p.yaml:52:23: [error] paging_services[0].name: YAML tag 'tag:yaml.org,2002:str' is not allowed in a policy; remove it (yaml-tag)",
        ],
        id="tag",
    ),
    pytest.param(
        [
            (
                '  - {id: ops, channel: "#ops", webhook_url_file: slack/ops}\n',
                '  - {id: ops, channel: "#ops", webhook_url_file: slack/ops\n',
            )
        ],
        [
            "p.yaml:55:7: [error] YAML syntax: while parsing a flow mapping expected ',' or '}', but got ':' (yaml-syntax)",
        ],
        id="syntax",
    ),
    pytest.param(
        [("  name: Minimal\n", "\tname: Minimal\n")],
        [
            "p.yaml:4:1: [error] YAML syntax: while scanning for the next token found character '\\t' that cannot start any token (yaml-syntax)",
        ],
        id="tab-indent",
    ),
    pytest.param(
        [("escalation_policy: main,", "escalation_policy: mian,")],
        [
            "p.yaml:52:49: [error] paging_services[0].escalation_policy: unknown escalation policy 'mian'; defined: main (references)",
        ],
        id="unknown-reference",
    ),
    pytest.param(
        [("roles: [manager]}", "roles: [managr]}")],
        [
            "p.yaml:14:62: [error] people[2].roles[0]: unknown role 'managr'; defined: engineer, manager (references)",
        ],
        id="unknown-role",
    ),
    pytest.param(
        [("      P1: [0m, 15m, 30m]\n", "      P1: [0m, 15m, 10m]\n")],
        [
            "p.yaml:50:21: [error] escalation_policies[0].timing.P1[2]: 10m does not come after 15m; times are cumulative and must increase (escalation-timing)",
        ],
        id="escalation-not-increasing",
    ),
    pytest.param(
        [("      P1: [0m, 15m, 30m]\n", "      P1: [0m, 20m, 30m]\n")],
        [
            "p.yaml:50:11: [error] escalation_policies[0].timing.P1: P1 auto-escalates after 15m, but this timing reaches the second level 20m (escalation-timing)",
        ],
        id="escalation-mismatch",
    ),
    pytest.param(
        [("    auto_escalation: 15m\n", "    auto_escalation: 2h\n")],
        [
            "p.yaml:33:22: [error] severities[0].auto_escalation: auto-escalation after 2h comes after the resolution target (1h) (severity-levels)",
            "p.yaml:50:11: [error] escalation_policies[0].timing.P1: P1 auto-escalates after 2h, but this timing reaches the second level 15m (escalation-timing)",
        ],
        id="escalation-too-late",
    ),
    pytest.param(
        [("      - {primary: bob, secondary: ann}\n", "      - {primary: bob, secondary: bob}\n")],
        [
            "p.yaml:25:35: [error] rotations[0].turns[1].secondary: 'bob' is already primary in turn 2; each slot needs a different person (rotation-turns)",
        ],
        id="same-person-twice",
    ),
    pytest.param(
        [("      - {primary: ann, secondary: bob}\n", "      - {primary: ann, secondary: max}\n")],
        [
            "p.yaml:24:35: [error] rotations[0].turns[0].secondary: 'max' fills 'secondary', which needs role 'engineer', but does not hold it (rotation-turns)",
        ],
        id="role-not-held",
    ),
    pytest.param(
        [("    - {name: info, severities: [P3], notify: [ops]}\n", "")],
        [
            "p.yaml:62:5: [error] alerts[1]: DiskFilling matches no routing rule and would only reach routing.unmatched; add a route for it (catalog-alerts)",
        ],
        id="unrouted-alert",
    ),
    pytest.param(
        [("    - {name: info, severities: [P3], notify: [ops]}\n", "    - {name: info, severities: [P3]}\n")],
        [
            "p.yaml:62:5: [error] alerts[1]: DiskFilling reaches no one: route 'info' neither pages nor notifies; give it a destination (catalog-alerts)",
        ],
        id="route-to-no-one",
    ),
    pytest.param(
        [
            (
                "webhook_url_file: slack/ops}",
                "webhook_url_file: slack/ops, purpose: 'https://hooks.slack.com/services/T0/B0/abc'}",
            )
        ],
        [
            "p.yaml:54:70: [error] chat_channels[0].purpose: this value looks like a Slack webhook URL; put it in a file under secrets.directory and name that file with a chat channel's webhook_url_file (no-secrets)",
        ],
        id="secret-literal",
    ),
    pytest.param(
        [
            (
                "integration_key_file: pd/pager}",
                "integration_key_file: pd/pager, description: 'key 0123456789abcdef0123456789abcdef'}",
            )
        ],
        [
            "p.yaml:52:100: [error] paging_services[0].description: this value looks like a PagerDuty integration key; put it in a file under secrets.directory and name that file with a paging service's integration_key_file (no-secrets)",
        ],
        id="pagerduty-key",
    ),
    pytest.param(
        [("    pagerduty_severity: critical\n", "    pagerduty_severity: warning\n")],
        [
            "p.yaml:34:25: [error] severities[0].pagerduty_severity: 'warning' is low urgency in PagerDuty and never escalates; use 'critical' or 'error' (severity-levels)",
        ],
        id="low-urgency-escalates",
    ),
    pytest.param(
        [
            (
                "    - {name: info, severities: [P3], notify: [ops]}\n",
                "    - {name: info, severities: [P3], page: pager, notify: [ops]}\n",
            )
        ],
        [
            "p.yaml:52:49: [error] paging_services[0].escalation_policy: DiskFilling (P3) pages Pager, but 'main' has no timing for P3 (paging-timing)",
        ],
        id="two-timings-one-service",
    ),
    pytest.param(
        [("patterns: ['\\bannoying\\b']", "patterns: ['(annoying']")],
        [
            "p.yaml:78:58: [error] silences.reasons.invalid[0].patterns[0]: invalid regular expression: error parsing regexp: missing closing ): `(annoying` (silence-reasons)",
        ],
        id="bad-regex",
    ),
    pytest.param(
        [
            (
                "    - {name: critical, severities: [P1], page: pager, notify: [ops]}\n",
                "    - {name: critical, severities: [P1], matchers: ['team x'], page: pager, notify: [ops]}\n",
            )
        ],
        [
            "p.yaml:69:53: [error] routing.routes[0].matchers[0]: bad matcher format: team x (invalid-value)",
        ],
        id="bad-matcher",
    ),
    pytest.param(
        [
            ("  - id: manager\n", "  - id: manager\n  - id: director\n"),
            ("max_duration: 1h, approvals: [manager]}", "max_duration: 1h, approvals: [director]}"),
        ],
        [
            "p.yaml:81:78: [error] silences.rules[0].approvals[0]: nobody holds role 'director', so no silence needing it could ever be approved (approver-roles)",
        ],
        id="nobody-can-approve",
    ),
    pytest.param(
        [
            ("      P1: [0m, 15m, 30m]\n", "      P1: [0m, 15m, 30m]\n      P3: [0m]\n"),
            (
                "    - {name: info, severities: [P3], notify: [ops]}\n",
                "    - {name: info, severities: [P3], page: pager, notify: [ops]}\n",
            ),
        ],
        [
            "p.yaml:53:5: [error] paging_services[0]: Pager receives severities with different escalation timing (P1 (ServiceDown): 0s, 15m, 30m; P3 (DiskFilling): 0s); PagerDuty escalates per service, so give each timing its own paging service (paging-timing)",
        ],
        id="two-timings",
    ),
    pytest.param(
        [("version: oncall-policy/v1\n", "version: oncall-policy/v9\nbogus: 1\n")],
        [
            "p.yaml:2:10: [error] version: version is 'oncall-policy/v9'; this oncall-policy reads 'oncall-policy/v1' (version)",
        ],
        id="version-first",
    ),
    pytest.param(
        [("version: oncall-policy/v1\n", "version: oncall-policy/v1\n---\nx: 1\n---\n")],
        [
            "p.yaml:3:1: [error] more than one YAML document; a policy is one document (multiple-documents)",
        ],
        id="two-documents",
    ),
    pytest.param(
        [("    name: Main\n", "    name: *nowhere\n")],
        [
            "p.yaml:44:11: [error] alias *nowhere refers to no anchor (yaml-syntax)",
        ],
        id="unknown-alias",
    ),
    pytest.param(
        [("  - {id: bob, name: Bob,", "  - {id: ann, name: Bob,")],
        [
            "p.yaml:13:10: [error] people[1].id: id 'ann' is already used by people[0]; ids must be unique (unique-ids)",
            "p.yaml:24:35: [error] rotations[0].turns[0].secondary: unknown person 'bob'; defined: ann, max (references)",
            "p.yaml:25:19: [error] rotations[0].turns[1].primary: unknown person 'bob'; defined: ann, max (references)",
        ],
        id="duplicate-ids",
    ),
    pytest.param(
        [("      - {primary: bob, secondary: ann}\n", "      - {primary: bob}\n")],
        [
            "p.yaml:25:9: [error] rotations[0].turns[1]: turn 2 does not fill slot 'secondary' (references)",
        ],
        id="missing-slot",
    ),
]


def edited(edits: list[tuple[str, str]]) -> str:
    text = MINIMAL
    for old, new in edits:
        assert text.count(old) == 1, f"edit target must be unique: {old!r}"
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_problem_is_reported_exactly(edits, expected):
    with pytest.raises(PolicyError) as raised:
        load_policy_text(edited(edits), "p.yaml")
    assert [str(problem) for problem in raised.value.problems] == expected


def test_the_base_policy_is_valid():
    assert load_policy_text(MINIMAL, "p.yaml").organisation.name == "Minimal"


def test_a_policy_regex_too_long_to_judge_is_said_to_be_ours_not_alertmanagers():
    from oncall_policy.matchers import MAX_REGEX_LENGTH  # noqa: PLC0415
    from tests.conftest import CLIPPER  # noqa: PLC0415

    long = "security|" + "a" * MAX_REGEX_LENGTH
    text = CLIPPER.read_text(encoding="utf-8").replace(
        "['category=\"security\"']", f"['category=~\"{long}\"']", 1
    )
    with pytest.raises(PolicyError) as raised:
        load_policy_text(text, "policy.yaml")
    (problem,) = raised.value.problems
    line = text.split("category=~")[0].count("\n") + 1
    assert str(problem).startswith(f"policy.yaml:{line}:")
    assert f"oncall-policy does not judge this regex ({len(long):,} characters" in str(problem)
    assert "Alertmanager" not in str(problem)

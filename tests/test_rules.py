"""`oncall-policy rules`: Prometheus alerting rules against the catalog, with exact positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oncall_policy.cli import main, reports
from oncall_policy.problems import Problem
from tests.conftest import CLIPPER, ROOT

RULES = ROOT / "tests" / "rules"
POSITIVE = sorted(str(p) for p in (RULES / "positive").glob("*.yml"))
RUNBOOK = "https://github.com/clipper-app/clipper/blob/main/docs/operations/runbook.md#service-down"
SERVICE_DOWN = f"""\
groups:
  - name: g
    rules:
      - alert: ServiceDown
        expr: up == 0
        labels: {{severity: critical, category: availability, team: platform}}
        annotations:
          runbook_url: "{RUNBOOK}"
          meaning: Service not responding.
          response: Check pod status, restart or rollback.
          dashboard_url: http://localhost:3000/d/system-health
"""

CASES = {
    "agrees": (SERVICE_DOWN, []),
    "recording-rules-only": ("groups:\n  - name: g\n    rules:\n      - record: a\n        expr: b\n", []),
    "empty-file": ("\n", []),
    "unknown-alert": (
        SERVICE_DOWN.replace("alert: ServiceDown", "alert: HighCPU"),
        [
            (
                "{f}:4:16: [error] groups[0].rules[0].alert: HighCPU is not in the alert catalog "
                "of {policy}; add it there (meaning, response, runbook) "
                "or rename the rule (alert-not-in-catalog)"
            )
        ],
    ),
    "severity-differs": (
        SERVICE_DOWN.replace("severity: critical", "severity: warning"),
        [
            (
                "{f}:6:28: [error] groups[0].rules[0].labels.severity: severity='warning', "
                "but the catalog gives ServiceDown severity='critical' (severity-mismatch)"
            )
        ],
    ),
    "severity-missing": (
        SERVICE_DOWN.replace("severity: critical, ", ""),
        [
            (
                "{f}:6:17: [error] groups[0].rules[0].labels: no 'severity' label; "
                "the catalog gives ServiceDown severity='critical' (severity-mismatch)"
            )
        ],
    ),
    "label-differs": (
        SERVICE_DOWN.replace("team: platform", "team: web"),
        [
            (
                "{f}:6:68: [error] groups[0].rules[0].labels.team: team='web', "
                "but the catalog gives ServiceDown team='platform' (label-mismatch)"
            )
        ],
    ),
    "runbook-differs": (
        SERVICE_DOWN.replace(RUNBOOK, "runbook.md#service-down"),
        [
            (
                "{f}:8:24: [error] groups[0].rules[0].annotations.runbook_url: runbook_url is "
                f"'runbook.md#service-down', but the catalog's runbook for ServiceDown is {RUNBOOK} "
                "(runbook-mismatch)"
            )
        ],
    ),
    "meaning-missing": (
        SERVICE_DOWN.replace("          meaning: Service not responding.\n", ""),
        [
            (
                "{f}:8:11: [error] groups[0].rules[0].annotations: no 'meaning' annotation; "
                "the catalog's meaning for ServiceDown is 'Service not responding.' (annotation-mismatch)"
            )
        ],
    ),
    "response-differs": (
        SERVICE_DOWN.replace("restart or rollback.", "wait"),
        [
            (
                "{f}:10:21: [error] groups[0].rules[0].annotations.response: response is "
                "'Check pod status, wait', but the catalog's for ServiceDown is "
                "'Check pod status, restart or rollback.' (annotation-mismatch)"
            )
        ],
    ),
    "runbook-missing": (
        SERVICE_DOWN.replace(f'          runbook_url: "{RUNBOOK}"\n', "          summary: down\n"),
        [
            (
                "{f}:8:11: [error] groups[0].rules[0].annotations: no 'runbook_url' annotation; "
                f"the catalog's runbook for ServiceDown is {RUNBOOK} (runbook-mismatch)"
            )
        ],
    ),
    "not-a-rule-file": (
        "- alert: ServiceDown\n",
        ["{f}:1:1: [error] a rule file is a mapping with a 'groups' list (rule-file)"],
    ),
    "group-without-rules": (
        "groups:\n  - name: g\n",
        ["{f}:2:5: [error] groups[0]: a rule group is a mapping with a 'rules' list (rule-file)"],
    ),
    "rule-without-alert": (
        "groups:\n  - name: g\n    rules:\n      - expr: up\n",
        ["{f}:4:9: [error] groups[0].rules[0]: a rule is a mapping with 'alert' or 'record' (rule-file)"],
    ),
    "duplicate-key": (
        SERVICE_DOWN.replace("        expr: up == 0\n", "        expr: up == 0\n        expr: up\n"),
        [
            (
                "{f}:6:9: [error] groups[0].rules[0].expr: duplicate key 'expr' (first at line 5); "
                "keep one (duplicate-key)"
            )
        ],
    ),
    "yaml-syntax": (
        "groups: [\n",
        [
            (
                "{f}:2:1: [error] YAML syntax: while parsing a flow node "
                "expected the node content, but found '<stream end>' (yaml-syntax)"
            )
        ],
    ),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_rule_file(text, expected, tmp_path, capsys):
    rules = tmp_path / "alerts.yml"
    rules.write_text(text, encoding="utf-8")
    code = main(["rules", "--partial", "--policy", str(CLIPPER), str(rules)])
    lines = [line.format(f=rules, policy=CLIPPER) for line in expected]
    assert (code, capsys.readouterr().out.splitlines()) == (1 if lines else 0, lines)


def test_examples_agree_with_the_catalog(capsys):
    assert main(["rules", "--policy", str(CLIPPER), *POSITIVE]) == 0
    assert capsys.readouterr().out == ""


def test_catalog_alerts_without_a_rule_are_reported_once_at_the_policy(tmp_path, capsys):
    one = tmp_path / "alerts.yml"
    one.write_text(SERVICE_DOWN, encoding="utf-8")
    assert main(["rules", "--policy", str(CLIPPER), str(one), str(one)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 11
    assert out[0] == (
        f"{CLIPPER}:183:11: [error] alerts[0].name: SLOAvailabilityBreach has no alerting rule in the "
        "files checked; write one, or remove it from the catalog (alert-without-rule)"
    )


def test_github_annotations(tmp_path, capsys):
    rules = tmp_path / "alerts.yml"
    rules.write_text(CASES["severity-differs"][0], encoding="utf-8")
    assert main(["rules", "--partial", "--format", "github", "--policy", str(CLIPPER), str(rules)]) == 1
    assert capsys.readouterr().out == (
        f"::error file={rules},line=6,col=28,title=severity-mismatch::groups[0].rules[0].labels.severity: "
        "severity='warning', but the catalog gives ServiceDown severity='critical'\n"
    )


def test_json(tmp_path, capsys):
    rules = tmp_path / "alerts.yml"
    rules.write_text("- x\n", encoding="utf-8")
    assert main(["rules", "--partial", "--format", "json", "--policy", str(CLIPPER), str(rules)]) == 1
    assert json.loads(capsys.readouterr().out) == [
        {
            "file": str(rules),
            "line": 1,
            "column": 1,
            "field": "",
            "message": "a rule file is a mapping with a 'groups' list",
            "rule": "rule-file",
        }
    ]


def test_an_invalid_policy_is_reported_in_the_chosen_format(tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 2\n", encoding="utf-8")
    assert main(["rules", "--format", "github", "--policy", str(policy), *POSITIVE]) == 1
    assert capsys.readouterr().out.startswith(f"::error file={policy},line=1,col=10,title=version::")


def test_missing_rule_file(tmp_path, capsys):
    missing = tmp_path / "nope.yml"
    assert main(["rules", "--partial", "--policy", str(CLIPPER), str(missing)]) == 1
    assert (
        capsys.readouterr().out
        == f"{missing}:1:1: [error] cannot read file: No such file or directory (unreadable)\n"
    )


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("github", "::error file=a%2Cb.yaml,line=2,col=3,title=some-rule::x: 100%25%0Adone\n"),
        ("text", "a,b.yaml:2:3: [error] x: 100%\\ndone (some-rule)\n"),  # one problem, one line
    ],
)
def test_problem_rendering_escapes(style, expected):
    assert reports.problems([Problem("a,b.yaml", 2, 3, "x", "100%\ndone", "some-rule")], style) == expected


def test_check_renders_through_the_shared_reporter(tmp_path, capsys):
    bad = tmp_path / "policy.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    assert main(["check", "--format", "github", str(bad)]) == 1
    assert capsys.readouterr().out.startswith(f"::error file={bad},line=1,col=10,title=version::version: ")
    assert Path(bad).exists()


@pytest.mark.parametrize("name", ["clipper", "acme"])
def test_the_annotations_rules_prints_are_the_ones_it_asks_for(name, tmp_path, capsys):
    """Rules carrying what ``rules --annotations`` prints (JSON is YAML) pass ``rules``."""
    from oncall_policy.checks.checked import load_policy  # noqa: PLC0415
    from oncall_policy.meaning.dispatch import alert_labels  # noqa: PLC0415
    from tests.conftest import EXAMPLES  # noqa: PLC0415

    policy_path = EXAMPLES[name]
    assert main(["rules", "--annotations", "--format", "json", "--policy", str(policy_path)]) == 0
    annotations = json.loads(capsys.readouterr().out)
    policy = load_policy(policy_path)
    rules = [
        {
            "alert": a.name,
            "expr": "vector(1)",
            "labels": alert_labels(policy, a),
            "annotations": annotations[a.name],
        }
        for a in policy.alerts
    ]
    written = tmp_path / "rules.yml"
    written.write_text(json.dumps({"groups": [{"name": "g", "rules": rules}]}), encoding="utf-8")
    assert main(["rules", "--policy", str(policy_path), str(written)]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("argv", "error"),
    [([], "rules needs a FILE, or --annotations"), (["--annotations", "x.yml"], "rules takes no FILE")],
    ids=["nothing", "both"],
)
def test_rules_wants_files_or_annotations(argv, error, capsys):
    assert main(["rules", "--policy", str(CLIPPER), *argv]) == 2
    assert capsys.readouterr().err == f"oncall-policy rules: error: {error}\n"

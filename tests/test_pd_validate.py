"""Our validation of the PagerDuty output: each check can fail, and the compiler refuses then."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.checks.checked import load_policy
from oncall_policy.cli import main
from oncall_policy.compile import pagerduty
from oncall_policy.compile.pd import body_schema, checker, limits, rest, validate
from oncall_policy.compile.pd.build import build as build_ir
from oncall_policy.compile.pd.validate import PagerDutyOutputError
from oncall_policy.model import Policy
from oncall_policy.provenance import Source
from tests.conftest import ACME, CLIPPER, EXAMPLES
from tests.pd_helpers import policy_data

Files = dict[str, Any]


def _files() -> Files:
    built = pagerduty.build(load_policy(ACME), Source("policy.yaml", "0" * 64))
    return {path.removeprefix("pagerduty/"): json.loads(text) for path, text in built.items()}


def _ep(files: Files) -> dict[str, Any]:
    return files["escalation_policies/payments/SEV1.json"]["escalation_policy"]


def _layer(files: Files) -> dict[str, Any]:
    return files["schedules/payments-business/first.json"]["schedule"]["schedule_layers"][0]


def _service(files: Files) -> dict[str, Any]:
    return files["services/payments-outage.json"]["service"]


def _target() -> dict[str, str]:
    return {"id": "@user:hal", "type": "user_reference"}


def _set(where: Callable[[Files], dict[str, Any]], key: str, value: Any) -> Callable[[Files], None]:
    return lambda files: where(files).__setitem__(key, value)


DAILY_24H = {"type": "daily_restriction", "start_time_of_day": "09:00:00", "duration_seconds": 86400}
SCHEDULE = "schedules/payments-business/first.json"

BROKEN: dict[str, tuple[Callable[[Files], None], str]] = {
    "delay-zero": (
        lambda f: _ep(f)["escalation_rules"][0].update(escalation_delay_in_minutes=0),
        "less than the minimum of 1",
    ),
    "delay-on-last-rule": (
        lambda f: _ep(f)["escalation_rules"][-1].update(escalation_delay_in_minutes=0),
        "minimum of 1",
    ),
    "no-targets": (lambda f: _ep(f)["escalation_rules"][0].update(targets=[]), "should be non-empty"),
    "six-targets": (
        lambda f: _ep(f)["escalation_rules"][0]["targets"].extend([_target()] * 4),
        "is too long",
    ),
    "two-teams": (lambda f: _ep(f)["teams"].append(_ep(f)["teams"][0]), "is too long"),
    "loops-ten": (_set(_ep, "num_loops", 10), "greater than the maximum of 9"),
    "no-rules": (_set(_ep, "escalation_rules", []), "should be non-empty"),
    "unknown-key": (_set(_ep, "escalation_rule_assignment_strategy", "round_robin"), "Additional properties"),
    "turn-too-short": (_set(_layer, "rotation_turn_length_seconds", 1800), "less than the minimum of 3600"),
    "turn-too-long": (_set(_layer, "rotation_turn_length_seconds", 31536001), "greater than the maximum"),
    "seconds-in-start": (_set(_layer, "rotation_virtual_start", "2026-01-05T14:00:30Z"), "does not match"),
    "offset-not-utc": (_set(_layer, "start", "2026-01-05T09:00:00-05:00"), "does not match"),
    "weekly-without-day": (
        lambda f: _layer(f)["restrictions"][0].pop("start_day_of_week"),
        "is not valid under any",
    ),
    "daily-too-long": (_set(_layer, "restrictions", [DAILY_24H]), "is not valid under any"),
    "unknown-zone": (
        lambda f: f[SCHEDULE]["schedule"].update(time_zone="Mars/Olympus"),
        "not an IANA time zone",
    ),
    "bare-utc": (lambda f: f[SCHEDULE]["schedule"].update(time_zone="UTC"), "use 'Etc/UTC'"),
    "urgency": (
        _set(_service, "incident_urgency_rule", {"type": "constant", "urgency": "medium"}),
        "is not one of",
    ),
    "bad-name": (_set(_service, "name", "Payments <outage>"), "contains one of"),
    "event-severity": (
        lambda f: f["manifest.json"]["apply"][-5]["severities"][0].update(event_severity="P1"),
        "is not one of",
    ),
    "dangling-reference": (
        lambda f: _ep(f)["escalation_rules"][0]["targets"][0].update(id="@schedule:x/y"),
        "neither looked up nor created",
    ),
    "reference-before-creation": (
        lambda f: f["manifest.json"]["apply"].reverse(),
        "neither looked up nor created",
    ),
}


def test_the_generated_files_pass():
    assert validate.problems(_files()) == []


@pytest.mark.parametrize("name", sorted(BROKEN), ids=sorted(BROKEN))
def test_each_check_can_fail(name):
    files = copy.deepcopy(_files())
    breaks, message = BROKEN[name]
    breaks(files)
    found = validate.problems(files)
    assert any(message in problem.message for problem in found), found


def test_the_compiler_refuses_with_every_reason():
    data = policy_data(CLIPPER)
    data["rotations"][0]["turn_length"] = "30m"
    data["escalation_policies"][0]["levels"][3]["targets"] *= 3  # six targets
    policy = Policy.model_validate(data)
    with pytest.raises(PagerDutyOutputError) as raised:
        pagerduty.build(policy, Source("policy.yaml", "0" * 64))
    text = str(raised.value)
    assert "rotation_turn_length_seconds: 1800 is less than the minimum of 3600" in text
    assert "escalation_rules[3].targets" in text


def test_the_cli_reports_and_leaves_generated_untouched(tmp_path, capsys):
    text = CLIPPER.read_text(encoding="utf-8").replace("turn_length: 1w", "turn_length: 30m")
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    assert main(["compile", "--policy", str(tmp_path / "policy.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("oncall-policy: error: the PagerDuty objects compiled from the policy break")
    assert "schedules/clipper-weekly/primary.json: $.schedule.schedule_layers[0]" in err
    assert not (tmp_path / "generated").exists()


def _reference_paths(files: Files) -> set[tuple[str, str]]:
    """Where the reference implementation (jsonschema) finds schema errors."""
    found = set()
    for path, body in files.items():
        kind = path if path == "manifest.json" else path.split("/", 1)[0] + "/"
        validator = jsonschema.Draft202012Validator(body_schema.schema_for(kind))
        found |= {(path, error.json_path) for error in validator.iter_errors(body)}
    return found


def _checker_paths(files: Files) -> set[tuple[str, str]]:
    found = set()
    for path, body in files.items():
        kind = path if path == "manifest.json" else path.split("/", 1)[0] + "/"
        found |= {(path, where) for where, _ in checker.errors(body_schema.schema_for(kind), body)}
    return found


@pytest.mark.parametrize("name", ["intact", *sorted(BROKEN)])
def test_the_run_time_checker_agrees_with_jsonschema(name):
    """Our small validator finds schema errors exactly where the reference implementation does."""
    files = copy.deepcopy(_files())
    if name != "intact":
        BROKEN[name][0](files)
    assert _checker_paths(files) == _reference_paths(files)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_every_generated_file_passes_the_reference_validator(example):
    policy = load_policy(EXAMPLES[example])
    files = {**rest.bodies(build_ir(policy)), "manifest.json": rest.manifest(build_ir(policy), "header")}
    assert _reference_paths(files) == set()


@given(st.text(max_size=30) | st.text(st.characters(max_codepoint=127), max_size=30))
def test_a_name_is_judged_the_same_on_the_ascii_fast_path(name: str):
    """Property: the ASCII shortcut for names finds exactly what the whole character class finds."""
    whole = re.search(limits.BAD_NAME, name) is not None
    assert (limits.name_problem(name) is not None) == (whole or name != name.strip())

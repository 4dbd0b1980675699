"""`oncall-policy diff`: every kind of change people notice, with NEW built by editing OLD's data."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from oncall_policy.checks.checked import load_policy
from oncall_policy.cli import main
from oncall_policy.meaning.diff import Change, diff
from oncall_policy.model import Policy
from tests.conftest import ACME, CLIPPER

Data = dict[str, Any]


def edited(path, edit: Callable[[Data], object]) -> tuple[Policy, Policy]:
    old = load_policy(path)
    data = old.model_dump(mode="json", by_alias=True)
    edit(data)
    return old, Policy.model_validate(data)


def named(items: list[Data], key: str) -> Data:
    return next(item for item in items if key in (item.get("id"), item.get("name")))


def _reroute_slo(d: Data) -> None:
    named(d["routing"]["routes"], "slo-breach")["page"] = "clipper-critical"


def _warnings_to_monitoring(d: Data) -> None:
    named(d["routing"]["routes"], "warning")["notify"] = ["monitoring"]


def _slower_p2(d: Data) -> None:
    named(d["escalation_policies"], "clipper")["timing"]["P2"] = ["0m", "45m", "1h30m"]
    named(d["severities"], "P2")["auto_escalation"] = "45m"


def _add_alert(d: Data) -> None:
    d["alerts"].append({**named(d["alerts"], "RedisDown"), "name": "KafkaDown", "runbook": "kafka.md"})


def _remove_alert(d: Data) -> None:
    d["alerts"] = [a for a in d["alerts"] if a["name"] != "LowDiskSpace"]


def _page_unknown(d: Data) -> None:
    d["routing"]["unmatched"]["page"] = "clipper-warning"


def _manager_before_secondary(d: Data) -> None:
    levels = named(d["escalation_policies"], "clipper")["levels"]
    levels[1]["targets"], levels[2]["targets"] = levels[2]["targets"], levels[1]["targets"]


def _shorter_p1_silence(d: Data) -> None:
    rule = named(d["silences"]["rules"], "p1-critical")
    rule["max_duration"], rule["approvals"] = "30m", ["manager", "security-team"]


def _maintenance(d: Data) -> None:
    d["silences"]["maintenance"]["approval_beyond"] = "2h"
    d["silences"]["unknown_alerts"] = "p2-warning"


def _slower_p3_response(d: Data) -> None:
    named(d["severities"], "P3")["response_time"] = "8h"


def _swap_week_three(d: Data) -> None:
    named(d["rotations"], "clipper-weekly")["turns"][2]["secondary"] = "engineer-a"


def _fortnightly(d: Data) -> None:
    named(d["rotations"], "clipper-weekly")["turn_length"] = "2w"


CASES = {
    "paging-service": (
        _reroute_slo,
        [
            Change("alerts", "SLOAvailabilityBreach", "paging", "Clipper SLO", "Clipper Critical"),
            Change(
                "alerts",
                "SLOAvailabilityBreach",
                "first escalation",
                "Clipper SLO: 15 minutes",
                "Clipper Critical: 15 minutes",
            ),
            Change("alerts", "SLOErrorRateBreach", "paging", "Clipper SLO", "Clipper Critical"),
            Change(
                "alerts",
                "SLOErrorRateBreach",
                "first escalation",
                "Clipper SLO: 15 minutes",
                "Clipper Critical: 15 minutes",
            ),
        ],
    ),
    "channel": (
        _warnings_to_monitoring,
        [
            Change("alerts", name, "channels", "#alerts", "#monitoring")
            for name in ("HighErrorRate", "HighResponseTime", "HighMemoryUsage", "LowDiskSpace")
        ],
    ),
    "first-escalation": (
        _slower_p2,
        [
            *(
                Change(
                    "alerts",
                    name,
                    "first escalation",
                    "Clipper Warning: 1 hour",
                    "Clipper Warning: 45 minutes",
                )
                for name in ("HighErrorRate", "HighResponseTime", "HighMemoryUsage", "LowDiskSpace")
            ),
            Change("escalation", "clipper", "P2 timing", "0, 1h, 1h30m", "0, 45m, 1h30m"),
            Change("severities", "P2", "auto-escalation", "1 hour", "45 minutes"),
        ],
    ),
    "alert-added": (
        _add_alert,
        [
            Change(
                "alerts",
                "KafkaDown",
                "added",
                None,
                "severity: P1; paging: Clipper Critical; channels: #incidents; "
                "first escalation: Clipper Critical: 15 minutes; "
                "runbook: https://github.com/clipper-app/clipper/blob/main/docs/operations/kafka.md",
            )
        ],
    ),
    "alert-removed": (
        _remove_alert,
        [
            Change(
                "alerts",
                "LowDiskSpace",
                "removed",
                "severity: P2; paging: Clipper Warning; channels: #alerts; "
                "first escalation: Clipper Warning: 1 hour; "
                "runbook: https://github.com/clipper-app/clipper/blob/main/docs/operations/runbook.md#low-disk-space",
                None,
            )
        ],
    ),
    "unmatched": (
        _page_unknown,
        [Change("routing", "unmatched alerts", "paging", "nobody", "Clipper Warning")],
    ),
    "escalation-levels": (
        _manager_before_secondary,
        [
            Change(
                "escalation",
                "clipper",
                "level 2",
                "Secondary on-call engineer (secondary of Clipper weekly on-call)",
                "Secondary on-call engineer (manager of Clipper weekly on-call)",
            ),
            Change(
                "escalation",
                "clipper",
                "level 3",
                "On-call manager (manager of Clipper weekly on-call)",
                "On-call manager (secondary of Clipper weekly on-call)",
            ),
        ],
    ),
    "silence-cap-and-approvals": (
        _shorter_p1_silence,
        [
            Change("silences", "p1-critical", "max duration", "1 hour", "30 minutes"),
            Change("silences", "p1-critical", "approvals", "manager", "manager + security-team"),
        ],
    ),
    "maintenance-and-unknown": (
        _maintenance,
        [
            Change("silences", "all silences", "unknown alerts", "strictest", "p2-warning"),
            Change(
                "silences",
                "all silences",
                "maintenance approvals",
                "manager beyond 4 hours",
                "manager beyond 2 hours",
            ),
        ],
    ),
    "severity-sla": (
        _slower_p3_response,
        [Change("severities", "P3", "response time", "4 hours", "8 hours")],
    ),
    "rotation-holders": (
        _swap_week_three,
        [
            Change(
                "rotations",
                "clipper-weekly",
                "secondary from Mon 2026-01-12 09:00 UTC",
                "Engineer D",
                "Engineer A",
            )
        ],
    ),
}


@pytest.mark.parametrize(("edit", "expected"), CASES.values(), ids=CASES.keys())
def test_diff(edit, expected):
    assert diff(*edited(CLIPPER, edit)) == expected


def test_turn_length_change_reports_the_rule_and_who_holds_each_hand_off():
    changes = diff(*edited(CLIPPER, _fortnightly))
    assert changes[:2] == [
        Change("rotations", "clipper-weekly", "turn length", "1 week", "2 weeks"),
        Change(
            "rotations",
            "clipper-weekly",
            "hand-off",
            "every 1 week, Monday at 09:00 (Etc/UTC)",
            "every 2 weeks, Monday at 09:00 (Etc/UTC)",
        ),
    ]
    assert changes[2] == Change(
        "rotations", "clipper-weekly", "primary from Mon 2026-01-05 09:00 UTC", "Engineer B", "Engineer A"
    )
    assert all(c.section == "rotations" for c in changes)


@pytest.mark.parametrize("path", [CLIPPER, ACME], ids=["clipper", "acme"])
def test_a_policy_does_not_differ_from_itself(path):
    policy = load_policy(path)
    assert diff(policy, policy) == []


def test_removed_rotation_and_follow_the_sun_swap():
    def edit(d: Data) -> None:
        d["rotations"] = [r for r in d["rotations"] if r["id"] != "infra-lead"]
        named(d["escalation_policies"], "infra")["levels"][1]["targets"] = [{"person": "dee"}]
        named(d["rotations"], "infra-sun")["turns"][1]["responder"] = "cy"

    assert diff(*edited(ACME, edit)) == [
        Change(
            "escalation",
            "infra",
            "level 2",
            "Infra lead (lead of Infra lead (daily))",
            "Infra lead (Dee Patel)",
        ),
        Change(
            "rotations",
            "infra-lead",
            "removed",
            "name: Infra lead (daily); turn length: 1 day; "
            "hand-off: every 1 day, at 09:00 (America/New_York); "
            "turns per cycle: 1; slots: lead; on call only: always",
            None,
        ),
        Change("rotations", "infra-sun", "responder from Mon 2026-03-02 19:00 UTC", "Bo Chen", "Cy Okafor"),
    ]


def write(tmp_path, name: str, edit: Callable[[Data], object]) -> str:
    _, new = edited(CLIPPER, edit)
    path = tmp_path / name
    path.write_text(json.dumps(new.model_dump(mode="json", by_alias=True)), encoding="utf-8")
    return str(path)


def test_cli_text(tmp_path, capsys):
    assert main(["diff", str(CLIPPER), write(tmp_path, "new.yaml", _slower_p3_response)]) == 0
    assert capsys.readouterr().out == "severities: P3: response time: 4 hours → 8 hours\n"


def test_cli_markdown(tmp_path, capsys):
    assert (
        main(["diff", "--format", "markdown", str(CLIPPER), write(tmp_path, "n.yaml", _shorter_p1_silence)])
        == 0
    )
    assert capsys.readouterr().out == (
        "### On-call policy: what changes for people\n"
        "\n"
        "#### Silences\n"
        "\n"
        "| Silence rule | Change | Before | After |\n"
        "|---|---|---|---|\n"
        "| p1-critical | max duration | 1 hour | 30 minutes |\n"
        "| p1-critical | approvals | manager | manager + security-team |\n"
    )


def test_cli_json(tmp_path, capsys):
    assert main(["diff", "--format", "json", str(CLIPPER), write(tmp_path, "n.yaml", _page_unknown)]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "section": "routing",
            "subject": "unmatched alerts",
            "what": "paging",
            "old": "nobody",
            "new": "Clipper Warning",
        }
    ]


@pytest.mark.parametrize("style", ["text", "markdown"])
def test_cli_no_change(style, capsys):
    assert main(["diff", "--format", style, str(CLIPPER), str(CLIPPER)]) == 0
    assert "o change for people" in capsys.readouterr().out


def test_cli_invalid_input_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: oncall-policy/v1\n", encoding="utf-8")
    assert main(["diff", str(CLIPPER), str(bad)]) == 1
    assert capsys.readouterr().out.startswith(f"{bad}:")


def test_cli_reads_old_from_git(tmp_path, capsys, monkeypatch):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(CLIPPER.read_bytes())
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "add", "policy.yaml"], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "commit", "-qm", "policy"], check=True)
    policy.write_text(
        json.dumps(edited(CLIPPER, _slower_p3_response)[1].model_dump(mode="json", by_alias=True))
    )
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "git:HEAD:policy.yaml", "policy.yaml"]) == 0
    assert capsys.readouterr().out == "severities: P3: response time: 4 hours → 8 hours\n"
    assert main(["diff", "git:nope:policy.yaml", "policy.yaml"]) == 1
    assert capsys.readouterr().err == (
        "oncall-policy: error: git failed\n"
        "command: git show --end-of-options nope:policy.yaml\n"
        "exit code: 128\n"
        "stdout: (none)\n"
        "stderr:\n"
        "    fatal: invalid object name 'nope'.\n"
    )


@pytest.mark.parametrize("revision", ["--output=written", "-p"], ids=["output", "short-option"])
def test_a_revision_that_git_would_read_as_an_option_is_refused(tmp_path, capsys, monkeypatch, revision):
    """``git show --output=FILE`` writes FILE: no revision reaches git as an option."""
    monkeypatch.chdir(tmp_path)
    assert main(["diff", f"git:{revision}:policy.yaml", str(CLIPPER)]) == 1
    assert "a revision does not begin with '-'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []

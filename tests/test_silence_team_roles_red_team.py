"""Red team, on team roles (tests/test_silence_team_roles.py): what an uninformed reviewer found
once a team's role counted on its team's alerts alone, each fixed. A maintenance window's
approvers stood for their team roles on any scope, in the judge and in `check`; the hints named
"no one else in the roster" where others of other teams held the role; and the gate held a silence
over two teams' alerts that no one could approve, with a text that said so wrongly.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from oncall_policy.silence import api, evaluate, source
from tests.alertmanager_server import running
from tests.compile_trees import run_cli
from tests.conftest import INITECH
from tests.gate_support import basic, call, gate, silence, with_approvals

RULES = source.load(INITECH).rules
STORAGE_LEAD = "tomas@initech.example"
BILLING_LEAD = "nell@initech.example"
IDENTITY_LEAD = "quinn@initech.example"
BILLING_ENGINEER = "uma@initech.example"
STORAGE_ENGINEER = "ravi@initech.example"
INITECH_PEOPLE = (STORAGE_LEAD, BILLING_LEAD, IDENTITY_LEAD, BILLING_ENGINEER, STORAGE_ENGINEER)

# Initech's root, with one dated maintenance window over billing's alerts that only storage's team
# lead approved (12 h: longer than approval_beyond, so it needs team-lead; or ``end`` sooner).
WINDOW_OVER_BILLING_BY_STORAGES_LEAD = """\
  maintenance:
    reason: maintenance
    max_duration: 2d
    approval_beyond: 6h
    approvals: [team-lead]
    windows:
      - id: CHG-7
        change: CHG-7
        scope: {matchers: ['owner="billing"']}
        approved_by: [tomas]
        start: "2030-01-01T00:00"
        end: "{end}"
"""
ONE_LINE_MAINTENANCE = (
    "  maintenance: {reason: maintenance, max_duration: 2d, approval_beyond: 6h, approvals: [team-lead]}\n"
)


def initech_with_window(tmp_path: Path, end: str = "2030-01-01T12:00") -> Path:
    """A copy of Initech (root and parts) whose root declares the window above."""
    folder = tmp_path / "initech"
    shutil.copytree(INITECH.parent, folder, ignore=shutil.ignore_patterns("generated"))
    root = folder / "policy.yaml"
    text = root.read_text()
    assert ONE_LINE_MAINTENANCE in text
    root.write_text(
        text.replace(ONE_LINE_MAINTENANCE, WINDOW_OVER_BILLING_BY_STORAGES_LEAD.replace("{end}", end))
    )
    return root


def test_a_window_approved_by_another_teams_lead_does_not_stand_for_this_teams_lead(tmp_path: Path):
    """Finding: a declared window's approvers stand for every role they hold, their team roles
    included (evaluate._window_roles), on any alert the window's scope covers. So tomas, whose
    team-lead is storage's only (given by storage's part), stands for team-lead on billing's
    InvoiceRunFailed: a page silence inside the window is accepted with no approval by billing's
    lead. tomas's team-lead must count only where every alert muted is storage's; here the rule
    page still needs billing's team-lead (nell). The window lasts 6 h, so that it needs no
    approval itself and the policy is valid (12 h, `check` refuses it: the next test)."""
    rules = source.load(initech_with_window(tmp_path, end="2030-01-01T06:00")).rules
    body = {
        "matchers": [{"name": "alertname", "value": "InvoiceRunFailed", "isRegex": False}],
        "startsAt": "2030-01-01T01:00:00Z",
        "endsAt": "2030-01-01T03:00:00Z",
        "createdBy": BILLING_ENGINEER,
        "comment": "maintenance CHG-7",
    }
    verdict = evaluate.evaluate(api.from_api(body, ()), rules)
    assert verdict.window == "CHG-7"  # it lies inside the window: that is not in question
    assert "team-lead" in verdict.roles, "storage's lead stood for billing's team-lead"
    assert not verdict.accepted
    # Billing's own lead still approves it.
    assert evaluate.evaluate(api.from_api(body, (BILLING_LEAD,)), rules).accepted


def test_check_refuses_a_window_over_billings_alerts_approved_by_storages_lead_alone(tmp_path: Path):
    """Finding: the maintenance-windows check counts a window approver's team roles on any scope
    (checks/maintenance_windows.py reads the model's roles, team roles included), so `oncall-policy
    check` says ok to a 12 h window over billing's alerts whose only approver holds team-lead as
    storage's. It should say the window lacks team-lead approval for billing's alerts."""
    done = run_cli("check", initech_with_window(tmp_path))
    assert done.returncode != 0, done.stdout + done.stderr
    assert "maintenance-windows" in done.stdout + done.stderr


def test_no_one_else_of_the_team_is_not_no_one_else_in_the_roster():
    """Finding (message): identity's only team lead writes a silence on identity's page alert.
    The hint says "no one else in the roster is team-lead", which is false (nell and tomas are
    team leads, of other teams) and sends the author looking for someone who does not exist in
    the way it says. It should say that no one else of team identity holds it (their team-lead
    would count here), not that the roster has no team-lead."""
    body = silence(("alertname", "LoginErrorsHigh"), minutes=60, author=IDENTITY_LEAD)
    verdict = evaluate.evaluate(api.from_api(body, ()), RULES)
    (missing,) = verdict.violations
    assert missing.rule == "missing-approval"
    assert "no one else in the roster is team-lead" not in missing.hint, missing.hint
    assert "identity" in missing.hint, missing.hint


APPROVAL = re.compile(r"oncall-policy silence approve (?P<id>[0-9a-f-]+) --gate")


@pytest.mark.amtool
def test_the_gate_says_a_two_team_silence_needs_one_silence_per_team(alertmanager_binary, tmp_path):
    """Finding (message): through the gate, a page silence over storage's and billing's alerts is
    held as a request that no one can ever approve (each lead's team-lead is refused on it), and
    its text says "may approve: no one else in the roster holds the roles", which is false (nell
    and tomas hold team-lead), with none of `silence check`'s advice to make one silence per team
    (the gate replaces that hint). Each lead asked is told to "ask no one else in the roster".
    It should say that team-lead approves one team's alerts: one silence per team (owner="…")."""
    with (
        running(alertmanager_binary, tmp_path / "am") as upstream,
        gate([upstream.url], with_approvals(tmp_path), RULES, people=INITECH_PEOPLE) as url,
    ):
        body = silence(minutes=60, author=STORAGE_ENGINEER)
        body["matchers"] = [{"name": "alertname", "value": "VolumeFull|InvoiceRunFailed", "isRegex": True}]
        held = call(url, "POST", "/api/v2/silences", json.dumps(body).encode(), basic(STORAGE_ENGINEER))
        assert held.status == 400, held.body
        text = held.json()
        found = APPROVAL.search(text)
        if found is not None:  # held: the lead it names is told why not, and what to do
            refused = call(url, "POST", f"/-/approvals/{found['id']}", b"{}", basic(BILLING_LEAD))
            assert refused.status == 403, refused.body
            assert "ask no one else in the roster" not in refused.json()["message"]
        assert "no one else in the roster holds the roles" not in text, text
        assert "per team" in text, text
        assert upstream.silences() == []

"""A team's role counts on that team's alerts only (red team: roles granted in parts counted for
any team's silences).

In a policy in parts, the root lets each team's part give its people some roles
(``granted_in_parts``: Initech's ``team-lead``). A part is its team's file, and may list anyone
with such a role; before, storage's team lead approved billing's page silences, so one team's
file decided who could mute another team's alerts. Now such a role, held by a person of a team,
counts only on a silence every alert of which is that team's (``silence/whose.py``); the root's
roles (a security officer's) count everywhere. Judged by the evaluator, through ``silence
check``, and through the gate's approvals with a real Alertmanager.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy.matchers import parse_matcher
from oncall_policy.silence import api, evaluate, source, whose
from oncall_policy.silence.reach import reach
from tests.alertmanager_server import running
from tests.compile_trees import run_cli
from tests.conftest import INITECH
from tests.gate_support import basic, call, gate, silence, with_approvals

RULES = source.load(INITECH).rules
STORAGE_LEAD = "tomas@initech.example"
BILLING_LEAD = "nell@initech.example"
BILLING_ENGINEER = "uma@initech.example"
STORAGE_ENGINEER = "ravi@initech.example"


def judged(*matchers: str, author: str, approvers: tuple[str, ...]) -> evaluate.Verdict:
    body = silence(*(tuple(m.split("=", 1)) for m in matchers), minutes=60, author=author)
    return evaluate.evaluate(api.from_api(body, approvers), RULES)


def team_of(*matchers: str) -> str | None:
    parsed = [parse_matcher(text) for text in matchers]
    return whose.team(parsed, reach(parsed, RULES), RULES)


def test_a_team_lead_approves_their_own_teams_page():
    verdict = judged("alertname=VolumeFull", author=STORAGE_ENGINEER, approvers=(STORAGE_LEAD,))
    assert verdict.accepted, verdict.violations
    assert [a.email for a in verdict.approvals] == [STORAGE_LEAD]


def test_a_team_lead_does_not_approve_another_teams_page():
    verdict = judged("alertname=InvoiceRunFailed", author=BILLING_ENGINEER, approvers=(STORAGE_LEAD,))
    assert not verdict.accepted
    (missing,) = verdict.violations
    assert missing.rule == "missing-approval"
    assert f"{STORAGE_LEAD} is team-lead of team storage only" in missing.message
    assert BILLING_LEAD in missing.hint
    assert STORAGE_LEAD not in missing.hint
    assert judged("alertname=InvoiceRunFailed", author=BILLING_ENGINEER, approvers=(BILLING_LEAD,)).accepted


def test_a_silence_over_two_teams_needs_a_lead_of_both():
    """No one team lead covers it; each approves their own team's alerts."""
    both = 'alertname=~"VolumeFull|InvoiceRunFailed"'
    body = {
        "matchers": [{"name": "alertname", "value": "VolumeFull|InvoiceRunFailed", "isRegex": True}],
        **{k: v for k, v in silence(minutes=60, author=STORAGE_ENGINEER).items() if k != "matchers"},
    }
    for approvers in ((STORAGE_LEAD,), (BILLING_LEAD,), (STORAGE_LEAD, BILLING_LEAD)):
        verdict = evaluate.evaluate(api.from_api(body, approvers), RULES)
        assert not verdict.accepted, (both, approvers)
    assert "make one silence per team" in evaluate.evaluate(api.from_api(body, ()), RULES).violations[0].hint


def test_the_roots_roles_count_on_every_teams_alerts():
    """Initech's security officers are the root's people, of no team."""
    verdict = judged(
        "alertname=CredentialStuffing", author="ola@initech.example", approvers=("sam@initech.example",)
    )
    missing = {v.message for v in verdict.violations if v.rule == "missing-approval"}
    assert not any("security-officer" in message for message in missing), missing


@pytest.mark.parametrize(
    ("matchers", "team"),
    [
        (("alertname=VolumeFull",), "storage"),
        (("alertname=InvoiceRunFailed",), "billing"),
        (('alertname=~"VolumeFull|InvoiceRunFailed"',), None),
        (("alertname=NotInTheCatalog",), None),  # unknown alerts of any owner
        (("alertname=NotInTheCatalog", "owner=storage"), "storage"),
        (("alertname=NotInTheCatalog", 'owner=~"storage|storage"'), "storage"),
        (("alertname=NotInTheCatalog", 'owner=~"stor.ge"'), None),  # also storxge, another team's
        (("alertname=NotInTheCatalog", 'owner!="billing"'), None),
        (("alertname=NotInTheCatalog", 'owner=~"storage"', 'owner!="storage"'), None),  # nothing
        (('owner="storage"',), "storage"),  # storage's catalog alerts and unknown ones it owns
    ],
)
def test_whose_alerts_a_silence_mutes(matchers: tuple[str, ...], team: str | None):
    assert team_of(*matchers) == team


VALUES = ["storage", "billing", "identity", "", "storagex", "Storage", "s", "sto"]
PATTERNS = [
    "storage",
    "stor.ge",
    "storage|storage",
    "s.*",
    "(storage)?",
    "st(o)rage",
    "[s]torage",
    ".*",
    "billing",
]
TEAM_MATCHERS = st.lists(
    st.tuples(st.sampled_from(["=", "!=", "=~", "!~"]), st.sampled_from(VALUES + PATTERNS)),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(TEAM_MATCHERS)
def test_a_team_found_is_the_only_owner_the_matchers_admit(pairs: list[tuple[str, str]]):
    """Sound: when ``whose`` names a team for unknown alerts, no other owner satisfies the
    matchers (each matcher as Alertmanager matches it, ``Matcher.matches``)."""
    matchers = [parse_matcher(f'owner{op}"{value}"') for op, value in pairs]
    found = whose._only_value(matchers)
    if found is not None:
        admitted = {v for v in [*VALUES, "other", "storage-eu"] if all(m.matches(v) for m in matchers)}
        assert all(m.matches(found) for m in matchers), (pairs, found)
        assert admitted <= {found}, (pairs, found, admitted)


def test_silence_check_says_whose_role_it_is():
    done = run_cli(
        "silence",
        "check",
        "alertname=InvoiceRunFailed",
        "-d",
        "1h",
        "-c",
        "deployment in progress",
        "-a",
        BILLING_ENGINEER,
        "--approved-by",
        STORAGE_LEAD,
        "--policy",
        INITECH,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{STORAGE_LEAD} is team-lead of team storage only" in done.stdout
    assert f"fix: ask one of {BILLING_LEAD}," in done.stdout


APPROVAL = re.compile(r"oncall-policy silence approve (?P<id>[0-9a-f-]+) --gate")
INITECH_PEOPLE = (STORAGE_LEAD, BILLING_LEAD, BILLING_ENGINEER, STORAGE_ENGINEER)


@pytest.mark.amtool
def test_the_gate_takes_a_team_leads_approval_on_their_teams_alerts_alone(alertmanager_binary, tmp_path):
    with (
        running(alertmanager_binary, tmp_path / "am") as upstream,
        gate([upstream.url], with_approvals(tmp_path), RULES, people=INITECH_PEOPLE) as url,
    ):
        body = silence(("alertname", "InvoiceRunFailed"), minutes=60, author=BILLING_ENGINEER)
        held = call(url, "POST", "/api/v2/silences", json.dumps(body).encode(), basic(BILLING_ENGINEER))
        assert held.status == 400, held.body
        text = held.json()
        assert f"may approve: {BILLING_LEAD}\n" in text, text
        request_id = APPROVAL.search(text)["id"]
        path = f"/-/approvals/{request_id}"
        refused = call(url, "POST", path, b"{}", basic(STORAGE_LEAD))
        assert refused.status == 403, refused.body
        assert "team-lead of team storage only" in refused.json()["message"]
        assert upstream.silences() == []
        created = call(url, "POST", path, b"{}", basic(BILLING_LEAD))
        assert created.status == 200, created.body
        assert created.json()["status"] == "created"
        (made,) = upstream.silences()
        assert BILLING_LEAD in made["comment"]
        assert STORAGE_LEAD not in made["comment"]

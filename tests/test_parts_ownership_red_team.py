"""Red team, on parts: what team storage's part alone could do to other teams' alerting, each fixed.

Each test builds a variant of examples/initech under tmp_path in which only
``teams/storage.yaml`` is changed. Found by an uninformed reviewer: a route matcher with a comma
(``owner=~billing|x,owner=storage``) passed the team check, read as two matchers, while the model
and Alertmanager read one regex taking billing's alerts; a part could name another file's secret
file (billing's PagerDuty key, the security key, a Slack webhook), a PagerDuty name another file
uses, and a route name or an address with an error that named no file; an alert without
``labels`` escaped the team label.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from oncall_policy.checks.checked import load_policy
from oncall_policy.cli import main
from oncall_policy.errors import PolicyError
from oncall_policy.silence import api, evaluate, source
from tests.conftest import INITECH
from tests.gate_support import silence

BILLING_LEAD = "nell@initech.example"
BILLING_ENGINEER = "uma@initech.example"


@pytest.fixture
def initech(tmp_path: Path) -> Path:
    """A copy of Initech's root and parts; the root's path."""
    shutil.copy2(INITECH, tmp_path / "policy.yaml")
    shutil.copytree(INITECH.parent / "teams", tmp_path / "teams")
    return tmp_path / "policy.yaml"


def _storage(root: Path) -> Path:
    return root.parent / "teams" / "storage.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _add_route(root: Path, line: str) -> None:
    with _storage(root).open("a", encoding="utf-8") as file:
        file.write(f"  - {line}\n")


def _problems(root: Path) -> list[str]:
    """Every problem ``check`` reports (none: it accepts the policy)."""
    try:
        load_policy(root)
    except PolicyError as error:
        return [str(problem) for problem in error.problems]
    return []


def _storage_problems(root: Path, rule: str) -> list[str]:
    storage = str(_storage(root))
    return [p for p in _problems(root) if p.startswith(storage + ":") and p.endswith(f"({rule})")]


# 1. A route's matcher that Alertmanager reads as one regex passes as the team matcher.
#
# ownership._selects_team reads a route's matcher text with parse_matchers (a comma-separated
# list, as labels.ParseMatchers), but the model reads each `matchers` item as ONE matcher
# (parse_matcher): `owner=~billing|identity|x,owner=storage` is, to the ownership rule, the two
# matchers owner=~"billing|identity|x" and owner="storage"; to the model, the compiler and
# Alertmanager it is the single regex owner=~"billing|identity|x,owner=storage", which takes
# billing's and identity's alerts.


def test_a_comma_in_a_route_matcher_does_not_pass_for_the_team_matcher(initech):
    _add_route(
        initech,
        "{name: storage-steal, matchers: ['owner=~billing|identity|x,owner=storage'], notify: [storage]}",
    )
    found = _storage_problems(initech, "part-ownership")
    assert any("routes[2].matchers" in p for p in found), _problems(initech)


def _delivered(config: Path, *labels: str) -> str:
    done = subprocess.run(
        ["amtool", "config", "routes", "test", "--config.file", str(config), *labels],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_part_cannot_swallow_every_unclaimed_alert(initech, tmp_path, capsys):
    """Storage's disguised catch-all (acknowledging the two org-wide checks that notice it) takes
    every alert no earlier route claims: an unknown alert with no team label, and billing's alert
    whose severity label is missing, go to #storage-oncall instead of routing.unmatched (#alert-triage)."""
    _add_route(
        initech,
        "{name: storage-all, matchers: ['owner=~.*|x,owner=storage'], notify: [storage], "
        "acknowledged: [unmatched-unreachable, unknown-unpaged]}",
    )
    out = tmp_path / "out"
    if main(["compile", "--policy", str(initech), "--out", str(out)]) != 0:
        assert "part-ownership" in "".join(capsys.readouterr())  # refused: fixed
        return
    config = out / "alertmanager.yml"
    assert _delivered(config, "alertname=SomeNewAlert") == "slack-triage"
    assert _delivered(config, "alertname=InvoiceRunFailed", "owner=billing") == "slack-triage"


# 2. A part's secret files may be another part's or the root's.
#
# Storage's paging service names billing's integration key file (or the root's security key).
# check and compile accept it. Alertmanager then pages billing's PagerDuty service for storage's
# alerts; and the PagerDuty manifest (pagerduty/manifest.json: "Store each integration's
# integration_key in its integration_key_file") writes storage's new integration key into
# pagerduty/billing.key after billing's (step 16 after step 13), so billing's InvoiceRunFailed then
# pages storage's service and escalation, not billing's; with security.key, every team's security
# pages reach storage instead of the security officer.


@pytest.mark.parametrize(
    ("key_file", "owner_file"),
    [
        ("pagerduty/billing.key", "teams/billing.yaml"),
        ("./pagerduty/billing.key", "teams/billing.yaml"),
        ("pagerduty/security.key", "policy.yaml"),
    ],
)
def test_a_part_does_not_use_another_files_pagerduty_key_file(initech, key_file, owner_file):
    _edit(
        _storage(initech), "integration_key_file: pagerduty/storage.key", f"integration_key_file: {key_file}"
    )
    found = _storage_problems(initech, "part-ownership")
    assert any("integration_key_file" in p and str(initech.parent / owner_file) in p for p in found), (
        _problems(initech)
    )


@pytest.mark.parametrize(
    ("url_file", "owner_file"),
    [("slack/billing.url", "teams/billing.yaml"), ("./slack/billing.url", "teams/billing.yaml")],
)
def test_a_part_does_not_use_another_files_slack_webhook_file(initech, url_file, owner_file):
    _edit(_storage(initech), "webhook_url_file: slack/storage.url", f"webhook_url_file: {url_file}")
    found = _storage_problems(initech, "part-ownership")
    assert any("webhook_url_file" in p and str(initech.parent / owner_file) in p for p in found), _problems(
        initech
    )


# 3. PagerDuty names another part already uses.
#
# Storage names its service "Billing pages" and its ladder "Billing escalation": accepted, and
# compiled into two PagerDuty services named "Billing pages" and two escalation policies named
# "Billing escalation (page)". PagerDuty keeps service and escalation policy names unique (a second
# one is refused: "Name has already been taken"), so applying the output fails part way, and in
# PagerDuty's UI and Alertmanager's `group` storage's pages read as billing's.


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("name: Storage pages,", "name: Billing pages,"),
        ("name: Storage escalation", "name: Billing escalation"),
    ],
)
def test_a_part_does_not_take_another_parts_pagerduty_name(initech, old, new):
    _edit(_storage(initech), old, new)
    billing = str(initech.parent / "teams" / "billing.yaml")
    found = [p for p in _problems(initech) if p.startswith(str(_storage(initech)) + ":")]
    assert any(billing in p for p in found), _problems(initech)


# 4. Collisions the checks catch, but whose error does not name the other file.
#
# README: "Reaching outside is an error in the part, naming the other file"; "Two parts may not
# own one team, nor define one id". A route name or an email another part uses is refused by
# unique-ids as "already used by routing.routes[3]" / "people[4]": an index into the merged
# policy, which is no line of any file the storage team can open.


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("name: storage-tickets,", "name: billing-tickets,"),
        ("email: suki@initech.example", "email: nell@initech.example"),
    ],
)
def test_a_collision_with_another_part_names_its_file(initech, old, new):
    _edit(_storage(initech), old, new)
    billing = str(initech.parent / "teams" / "billing.yaml")
    found = [p for p in _problems(initech) if p.startswith(str(_storage(initech)) + ":")]
    assert found, "the collision is refused"
    assert any(billing in p for p in found), found


# 5. A part's alert that does not pin the team label.
#
# ownership._reaches checks an alert's team label only when `labels` is a mapping: an alert with no
# `labels` at all passes, and one that `carries: [owner]` (any value) is then "no one team's" to the
# silence judge (silence/whose.py). With a route that takes it (finding 1's disguise), check
# accepts it, and billing's team lead can no longer approve billing's own page silence.

_SPILL = (
    "  - {name: StorageSpill, severity: page, meaning: Spill., response: Mop., "
    "runbook: storage/StorageSpill,\n     carries: [owner]}\n\nroutes:"
)


def test_a_part_alert_without_labels_is_refused_for_its_team_label(initech):
    _edit(_storage(initech), "\nroutes:", "\n" + _SPILL)
    found = _storage_problems(initech, "part-ownership")
    assert any("alerts[3]" in p for p in found), _problems(initech)


def test_a_part_alert_does_not_take_a_team_leads_approval_of_their_own_teams_silence(initech):
    _edit(_storage(initech), "\nroutes:", "\n" + _SPILL)
    _add_route(
        initech,
        "{name: storage-spill, severities: [page], matchers: ['owner=~|x,owner=storage'], "
        "page: storage-pages, notify: [storage]}",
    )
    if _problems(initech):
        return  # refused: fixed
    body = silence(("owner", "billing"), ("urgency", "page"), minutes=60, author=BILLING_ENGINEER)
    body["matchers"].append({"name": "class", "value": "security", "isRegex": False, "isEqual": False})
    rules = source.load(initech).rules
    verdict = evaluate.evaluate(api.from_api(body, (BILLING_LEAD,)), rules)
    # Accepted on Initech as it is: billing's lead approves a silence of billing's pages.
    assert verdict.accepted, [v.message for v in verdict.violations]

"""A policy in parts: a root that includes team files, merged deterministically, each problem in
its own file, each part held to what its team owns, and the output and silence rules tied to
every part's bytes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oncall_policy.checks.checked import load_policy
from oncall_policy.cli import main
from oncall_policy.errors import PolicyError
from oncall_policy.load.bounds import MAX_BYTES
from oncall_policy.silence import source
from tests.conftest import INITECH, ROOT


@pytest.fixture
def initech(tmp_path: Path) -> Path:
    """A copy of Initech's root, parts and generated output; the root's path."""
    for name in ("policy.yaml", "teams", "generated"):
        here = INITECH.parent / name
        (shutil.copytree if here.is_dir() else shutil.copy2)(here, tmp_path / name)
    return tmp_path / "policy.yaml"


def _problems(policy: Path) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        load_policy(policy)
    return [str(problem) for problem in raised.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _without_provenance(path: Path) -> object:
    """A generated file less what names the files it came from (headers, hashes, sources)."""
    text = path.read_text(encoding="utf-8")
    if path.name == "silence-rules.json":
        named = {"generated", "source", "sources", "include", "sha256"}
        return {key: value for key, value in json.loads(text).items() if key not in named}
    if path.suffix == ".ics":  # a calendar folds its long lines: unfold them first (RFC 5545 3.1)
        text = text.replace("\r\n ", "").replace("\n ", "")
    return [line for line in text.splitlines() if "oncall-policy" not in line]


def test_a_merged_policy_compiles_to_what_the_same_policy_in_one_file_does(tmp_path):
    make = [sys.executable, str(ROOT / "bench" / "make_policy.py"), "300"]
    single = tmp_path / "single.yaml"
    single.write_text(subprocess.run(make, capture_output=True, check=True, text=True).stdout)
    subprocess.run([*make, "--parts", str(tmp_path / "parts")], check=True)
    assert len(list((tmp_path / "parts" / "teams").glob("*.yaml"))) == 3
    for policy, out in ((single, "out-single"), (tmp_path / "parts" / "policy.yaml", "out-parts")):
        assert main(["compile", "--policy", str(policy), "--out", str(tmp_path / out)]) == 0
    texts = {
        out: {p.relative_to(tmp_path / out): _without_provenance(p) for p in (tmp_path / out).rglob("*.*")}
        for out in ("out-single", "out-parts")
    }
    assert texts["out-single"] == texts["out-parts"]
    merged = load_policy(tmp_path / "parts" / "policy.yaml")
    assert merged.include == ("teams/*.yaml",)
    assert load_policy(single) == merged.model_copy(update={"include": ()})


def test_the_merge_is_the_same_whatever_the_files_are_called(initech):
    before = load_policy(initech)
    teams = initech.parent / "teams"
    for number, part in enumerate(sorted(teams.glob("*.yaml"), reverse=True)):
        part.rename(teams / f"{number}-{part.name}")  # storage's file now sorts first
    assert load_policy(initech) == before


def test_a_part_that_reaches_outside_its_team_is_refused_naming_both_files(initech):
    billing = initech.parent / "teams" / "billing.yaml"
    _edit(billing, "notify: [billing]}", "notify: [storage]}")
    _edit(billing, "escalation_policy: billing,", "escalation_policy: storage,")
    _edit(billing, "labels: {owner: billing}}", "labels: {owner: identity}}")
    _edit(
        billing, "matchers: ['owner=\"billing\"'], notify", "matchers: ['owner=~\"billing|storage\"'], notify"
    )
    root = str(initech.parent)
    assert _problems(initech) == [
        (
            f"{root}/teams/billing.yaml:34:65: [error] paging_services[0].escalation_policy: 'storage' is team "
            f"storage's escalation policy, defined in {root}/teams/storage.yaml; a part uses only its own "
            "team's and the root's (part-ownership)"
        ),
        (
            f"{root}/teams/billing.yaml:41:14: [error] alerts[0].labels: an alert of team billing's part "
            "carries owner='billing'; add it to labels (it has owner='identity') (part-ownership)"
        ),
        (
            f"{root}/teams/billing.yaml:48:108: [error] routes[0].notify[0]: 'storage' is team storage's chat "
            f"channel, defined in {root}/teams/storage.yaml; a part uses only its own team's and the root's "
            "(part-ownership)"
        ),
        (
            f"{root}/teams/billing.yaml:49:61: [error] routes[1].matchers: a route of team billing's part "
            "matches only its team's alerts: add 'owner=\"billing\"' to its matchers (part-ownership)"
        ),
    ]


def test_a_part_gives_its_people_only_the_roles_the_root_lets_it(initech, capsys):
    """Red team: storage's part made its engineer a security officer, and a storage engineer's
    silence of identity's security alert was accepted with a storage colleague's approval."""
    storage = initech.parent / "teams" / "storage.yaml"
    _edit(
        storage,
        "ravi@initech.example, roles: [engineer]}",
        "ravi@initech.example, roles: [engineer, security-officer]}",
    )
    [problem] = _problems(initech)
    assert problem.startswith(f"{storage}:8:")
    assert "people[0].roles[1]: role 'security-officer' is given" in problem
    assert f"in the root policy ({initech}) only" in problem
    assert problem.endswith("(part-ownership)")
    silence = ["silence", "check", "--policy", str(initech), 'alertname="CredentialStuffing"', "-d", "1h"]
    who = ["-a", "suki@initech.example", "--approved-by", "ravi@initech.example", "-c", "deployment"]
    assert main([*silence, *who]) == 1  # the policy is invalid: no silence is judged by it
    assert "REJECTED" in capsys.readouterr().out


def test_an_item_of_a_part_that_names_no_team_is_refused(initech):
    """Red team: ``team: null`` was neither the part's team nor another's, and merged as the root's."""
    storage = initech.parent / "teams" / "storage.yaml"
    _edit(
        storage,
        "{id: storage-pages, name: Storage pages,",
        "{id: storage-pages, team: null, name: Storage pages,",
    )
    [problem] = _problems(initech)
    assert "paging_services[0].team: this paging service names no team: its team is 'storage'" in problem


def test_each_problem_is_placed_in_its_own_file(initech):
    line = initech.read_text(encoding="utf-8").split("max_duration: 3d}")[0].count("\n") + 1
    _edit(initech, "max_duration: 3d}", "max_duration: 3 days}")
    _edit(initech.parent / "teams" / "storage.yaml", "severity: ticket,", "severity: tiket,")
    root = str(initech.parent)
    assert _problems(initech) == [
        (
            f"{root}/policy.yaml:{line}:70: [error] silences.rules[2].max_duration: not a valid duration: "
            "'3 days'; use whole numbers with units y, w, d, h, m, s, ms (for example 15m, 1h30m, 1d) "
            "(invalid-value)"
        ),
    ]
    _edit(initech, "max_duration: 3 days}", "max_duration: 3d}")
    assert _problems(initech) == [
        (
            f"{root}/teams/storage.yaml:42:38: [error] alerts[1].severity: unknown severity 'tiket'; "
            "defined: page, ticket (references)"
        ),
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            (
                "version: oncall-policy/v1\nteam: storage\n",
                "version: oncall-policy/v1\nteam: storage\nroles: []\n",
            ),
            (
                "teams/storage.yaml:6:1: [error] roles: 'roles' is not for a team's part: a part holds "
                "people, rotations, escalation_policies, paging_services, chat_channels, alerts, routes; "
                "organisation-wide sections live in the root policy (part-shape)"
            ),
        ),
        (
            ("team: storage\n", "team: billing\n"),
            (
                "teams/storage.yaml:5:7: [error] team: team 'billing' is already owned by "
                "{root}/teams/billing.yaml (part-shape)"
            ),
        ),
        (
            ("team: storage\n", "team: sales\n"),
            (
                "teams/storage.yaml:5:7: [error] team: team 'sales' is not a team of {root}/policy.yaml; "
                "teams: billing, identity, storage (part-shape)"
            ),
        ),
    ],
    ids=["root-section", "team-owned-twice", "unknown-team"],
)
def test_a_part_holds_only_what_one_team_owns(initech, change, expected):
    _edit(initech.parent / "teams" / "storage.yaml", *change)
    root = str(initech.parent)
    assert _problems(initech) == [f"{root}/" + expected.format(root=root)]


def test_an_include_that_matches_nothing_is_an_error_at_its_place(initech):
    _edit(initech, "include: [teams/*.yaml]", "include: [teams/*.yaml, team/*.yaml, ../x/*.yaml]")
    root = str(initech.parent)
    assert _problems(initech) == [
        f"{root}/policy.yaml:10:25: [error] include[1]: 'team/*.yaml' matches no file (include)",
        (
            f"{root}/policy.yaml:10:38: [error] include[2]: '../x/*.yaml' must be relative to the root, "
            "without '..' (include)"
        ),
    ]


def test_the_size_cap_applies_to_each_part(initech):
    huge = initech.parent / "teams" / "huge.yaml"
    with huge.open("wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: refused by its size before a byte is read
    assert _problems(initech) == [
        (
            f"{huge}:1:1: [error] file is {MAX_BYTES + 1:,} bytes; at most {MAX_BYTES:,} are read; split it "
            "or remove generated content (file-too-large)"
        ),
    ]


def test_silence_rules_compiled_before_a_part_changed_are_stale(initech):
    assert main(["compile", "--policy", str(initech)]) == 0
    assert source.load(initech).stale is None
    _edit(initech.parent / "teams" / "identity.yaml", "Tell the product owner.", "Tell the owner.")
    assert source.load(initech).stale == (
        f"{initech.parent}/generated/silence-rules.json was compiled from another version of "
        "teams/identity.yaml; run `oncall-policy compile`"
    )
    (initech.parent / "teams" / "identity.yaml").rename(initech.parent / "teams" / "identity-team.yaml")
    stale = source.load(initech).stale
    assert stale is not None
    assert "(added, removed or renamed)" in stale


def test_compile_check_notices_a_changed_part(initech, capsys):
    assert main(["compile", "--check", "--policy", str(initech)]) == 0
    _edit(initech.parent / "teams" / "billing.yaml", "# The Billing team", "# Billing")
    assert main(["compile", "--check", "--policy", str(initech)]) == 1  # a comment: the header's hash
    assert "stale" in capsys.readouterr().err


@pytest.mark.amtool
def test_amtool_is_asked_once_per_label_combination_and_every_alert_is_compared(amtool, tmp_path, capsys):
    """A shim before the real amtool on PATH counts its runs."""
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_policy.py"), "1000", "--parts", str(tmp_path / "p")],
        check=True,
    )
    log = tmp_path / "runs"
    shim = tmp_path / "bin" / "amtool"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexec {amtool} "$@"\n')
    shim.chmod(0o755)
    path = f"{shim.parent}{os.pathsep}{os.environ['PATH']}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", path)
        assert (
            main(["test", "--amtool", "--format", "json", "--policy", str(tmp_path / "p" / "policy.yaml")])
            == 0
        )
    runs = log.read_text().split()
    assert runs.count("check-config") == 1
    # 10 teams x 3 severities, and the security alerts of each severity-team pair they fall in
    assert runs.count("config") == 40
    cases = json.loads(capsys.readouterr().out)
    assert len(cases) == 1000
    assert all(case["amtool"] is True for case in cases)


def test_diff_reads_the_parts_of_a_git_revision(initech, capsys):
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "initech"]):
        subprocess.run([*git, *command], cwd=initech.parent, check=True)
    _edit(initech.parent / "teams" / "storage.yaml", "page: storage-pages, notify", "notify")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(initech.parent)
        assert main(["diff", "git:HEAD:policy.yaml", "policy.yaml"]) == 0
    assert capsys.readouterr().out == (
        "alerts: VolumeFull: paging: Storage pages → nobody\n"
        "alerts: VolumeFull: first escalation: Storage pages: 5 minutes → none\n"
    )


def test_diff_of_a_part_compares_the_policies_that_include_it(initech, capsys):
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "initech"]):
        subprocess.run([*git, *command], cwd=initech.parent, check=True)
    _edit(initech.parent / "teams" / "billing.yaml", "page: billing-pages, notify", "notify")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(initech.parent)
        assert main(["diff", "git:HEAD:teams/billing.yaml", "teams/billing.yaml"]) == 0
    assert capsys.readouterr().out == (
        "alerts: InvoiceRunFailed: paging: Billing pages → nobody\n"
        "alerts: InvoiceRunFailed: first escalation: Billing pages: 5 minutes → none\n"
        "alerts: PaymentProviderErrors: paging: Billing pages → nobody\n"
        "alerts: PaymentProviderErrors: first escalation: Billing pages: 5 minutes → none\n"
    )

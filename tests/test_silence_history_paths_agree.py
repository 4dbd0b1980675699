"""Regression, found by an uninformed attack (fixed since).

The same silence, history and policy get different verdicts from ``silence check
--alertmanager.url`` (and ``add``) than from the gate and the audit.

``evaluate._as_history`` assesses each earlier silence within the judgement's allowance
(``assess(apart=False)``), while the gate (``HistoryCache`` index) and the audit (``assess_all``)
assess listed silences apart, each in an allowance of its own, and hand those assessments in.
Three earlier silences, on HighErrorRate, HighResponseTime and HighMemoryUsage, whose ``service`` regexes are moderately hard
(``[ab]*a[ab]{12}``: about 40 % of an allowance each, decided exactly alone) spend the CLI's
judgement allowance, so its history questions are cut and every earlier silence is taken to
share the new silence's instances ("over-cap-recreated"). The gate judges the very same write
against the very same listing with exact history and accepts it; the audit, with the new silence
in the listing, finds nothing wrong. Issue 10: DETERMINISTIC (same silence + history + policy →
same verdict), and item 6 (a set ``audit`` passes stays passing when re-added through ``add``).
"""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest

from tests.alertmanager_server import running
from tests.compile_trees import run_cli
from tests.gate_support import gate, post, silence

# One moderately hard regex per P2 alert (on different alerts, so the audit never pits them
# against each other): each is decided exactly within an allowance of its own.
HARD = [
    ("HighErrorRate", "[ab]*a[ab]{12}"),
    ("HighResponseTime", "[ab]*b[ab]{12}"),
    ("HighMemoryUsage", "[ab]*a[ab]{11}"),
]
NAMES = "HighErrorRate|HighResponseTime|HighMemoryUsage"


def _planted(alert: str, regex: str) -> dict:
    body = silence(("alertname", alert), minutes=120)
    body["matchers"].append({"name": "service", "value": regex, "isRegex": True, "isEqual": True})
    return body


def _target() -> dict:
    # Disjoint from every planted silence (service "zzz…" never matches [ab]*), chained right after
    # them: exact history counts only its own 3 h, within P2's 4 h cap.
    body = silence(minutes=180, start=timedelta(minutes=120))
    body["matchers"] += [
        {"name": "alertname", "value": NAMES, "isRegex": True, "isEqual": True},
        {"name": "service", "value": "zzz.*", "isRegex": True, "isEqual": True},
    ]
    return body


@pytest.fixture
def upstream(alertmanager_binary: str, tmp_path):
    with running(alertmanager_binary, tmp_path / "am") as server:
        for alert, regex in HARD:
            server.post(_planted(alert, regex))
        yield server


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("silence", *args)


def _check(target: dict, url: str) -> subprocess.CompletedProcess[str]:
    """``silence check`` of ``target``'s matchers and times, with ``url``'s silences as history."""
    start, end = target["startsAt"], target["endsAt"]
    return _cli(
        "check", f"alertname=~{NAMES}", "service=~zzz.*", "--start", start, "--end", end,
        "-c", "deployment in progress", "-a", "engineer-a@clipper.app", "--alertmanager.url", url,
    )  # fmt: skip


def test_check_and_gate_agree_on_the_same_write_and_history(upstream):
    target = _target()
    with gate([upstream.url]) as url:
        through_gate = post(url, target)
    assert through_gate.status == 200, through_gate.body  # the gate: exact history, accepted

    checked = _check(target, upstream.url)
    assert checked.returncode == 0, (
        "the gate accepted this write against this listing; `silence check` with the same listing "
        f"refuses it:\n{checked.stdout}{checked.stderr}"
    )


def test_what_the_audit_passes_add_accepts_again(upstream):
    target = _target()
    upstream.post(target)  # created as it is (Alertmanager does not judge)
    audited = _cli("audit", "--alertmanager.url", upstream.url, "--format", "json")
    assert audited.returncode == 0, audited.stdout + audited.stderr  # the audit passes all four

    checked = _check(target, upstream.url)
    assert checked.returncode == 0, (
        f"audit passes the listing, but re-checking one of its silences is refused:\n{checked.stdout}"
    )

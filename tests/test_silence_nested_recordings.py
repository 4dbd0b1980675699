"""Regression, found by an uninformed attack (fixed since).

``_Recording.__exit__`` unregisters its dict with ``list.remove``, which finds the first
recorder *equal* to it, not the same one. Nested recordings of one allowance (``evaluate.assess``
records its assessment, ``reach.reach`` inside it records the reach) hold equal dicts when the
inner one exits (nothing was used between the two ``with``\\ s), so the inner exit removes the
*outer* recorder; what the outer block uses afterwards (the window's scope questions,
``maintenance.misfits`` → ``labels.within`` → ``affordable``) goes to the inner dict only, and
the outer exit then finds no equal dict: ``ValueError: list.remove(x): x not in list``.

Observed: ``oncall-policy silence check --policy examples/globex/policy.yaml --maintenance
weekly-backup -c "weekly backup maintenance" -a hana@globex.example 'alertname=~"Backup.*"'``
exits 3 with "internal error" and a traceback (any silence naming a window whose scope has a
regex on a label, and reaching alerts outside the catalog, judged cold: the CLI, the first such
write the gate or an audit meets). Expected: a verdict. Also a DETERMINISM break: with the reach
remembered (no nested recording) the same silence is judged; cold, it crashes.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from oncall_policy.matching import budget
from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import api, source
from oncall_policy.silence.evaluate import evaluate
from tests.conftest import GLOBEX

START = datetime(2030, 1, 6, 1, 30, tzinfo=UTC)  # a Sunday, inside weekly-backup's 01:00-04:00


def _request():
    return api.from_api(
        {
            "matchers": [{"name": "alertname", "value": "Backup.*", "isRegex": True, "isEqual": True}],
            "startsAt": START.isoformat(),
            "endsAt": (START + timedelta(hours=1)).isoformat(),
            "createdBy": "hana@globex.example",
            "comment": "weekly-backup",
        }
    )


def test_a_silence_naming_a_window_is_judged_cold():
    clear_caches()
    rules = source.load(GLOBEX).rules
    verdict = evaluate(_request(), rules, [])  # ValueError: list.remove(x): x not in list
    assert verdict is not None


def test_silence_check_names_a_window_without_an_internal_error():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "oncall_policy",
            "silence",
            "check",
            "--policy",
            str(GLOBEX),
            "--maintenance",
            "weekly-backup",
            "-c",
            "weekly backup maintenance",
            "-a",
            "hana@globex.example",
            'alertname=~"Backup.*"',
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), f"exit {done.returncode}:\n{done.stderr[-2000:]}"


def test_nested_recordings_each_unregister_their_own_dict():
    allowance = budget.Allowance(100, 100)
    with allowance.recording() as outer:
        with allowance.recording():
            pass  # both dicts empty (equal) here: the inner exit must not remove the outer one
        allowance.bought("answer", (1, 1))
        assert "answer" in outer, "an answer used by the outer block after an inner recording is not recorded"

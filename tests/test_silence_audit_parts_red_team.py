"""Red team: a child that dies, sends garbage, or hangs must make the audit serial (said on
stderr), never crash it or hang it (audit_parts' promise). Each failed on 0097518 (a broken
pipe, an unpickling error or a claimed size's buffer went up as a crash; no deadline at all);
fixed by: any fault in the exchange with a child makes the audit serial, a child's answer is
read as its bytes come, and a child that has not answered within ``ANSWER_SECONDS`` (or four
times what the parent's own part took) is taken to have failed."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oncall_policy.cli import silence_audit
from oncall_policy.silence import audit_parts, source
from tests.conftest import CLIPPER

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="parts are forked processes")


def _listed() -> list[dict]:
    return [
        {
            "matchers": [{"name": "service", "value": f"svc{number}", "isRegex": False, "isEqual": True}],
            "startsAt": "2026-03-02T09:00:00Z",
            "endsAt": "2026-03-02T11:00:00Z",
            "createdBy": "engineer-a@clipper.app",
            "comment": "too many alerts",
            "id": f"s{number}",
            "status": {"state": "active"},
        }
        for number in range(12)
    ]


def _audit(parts: int):
    rules = source.load(CLIPPER).rules
    return audit_parts.audit_rendered(_listed(), rules, silence_audit._text_row, parts)


def test_a_child_killed_after_its_first_answer_makes_the_audit_serial(monkeypatch, capsys):
    """A child dies (OOM killer, SIGKILL) after telling which of its silences keep the policy,
    before it reads the history: the parent's send of the history raises BrokenPipeError, which
    is not a _PartFailedError, so the audit crashes instead of going serial."""
    expected = _audit(1)
    parent = os.getpid()
    send = audit_parts._send

    def dying_child(channel, message):
        if os.getpid() != parent:
            send(channel, message)
            if isinstance(message, bytes):  # its verdicts by themselves: then it is killed
                os.kill(os.getpid(), signal.SIGKILL)
            return
        if isinstance(message, bytes):  # the history: by now the child is gone
            time.sleep(0.3)
        send(channel, message)

    monkeypatch.setattr(audit_parts, "_send", dying_child)
    assert _audit(3) == expected
    assert "judging in parts failed" in capsys.readouterr().err


def test_a_part_that_ends_before_it_answers_is_judged_here_and_said(monkeypatch, capsys):
    """A child that ends while its findings are read (its answer read as this process judges
    its own part): the audit is serial, with the same outcome, and says so."""
    expected = _audit(1)
    parent = os.getpid()
    columns = audit_parts._columns

    def ending_in_children(found):
        if os.getpid() != parent:
            os._exit(1)
        return columns(found)

    monkeypatch.setattr(audit_parts, "_columns", ending_in_children)
    assert _audit(3) == expected
    assert "judging in parts failed (a part ended before it answered)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00\x00\x00\x00\x00\x00\x00\x04junk",  # a length, then bytes that are not a pickle
        b"\x7f\xff\xff\xff\xff\xff\xff\xff",  # a length no buffer can hold
        b"\x00\x00\x00\x00\x00\x00\x00\x03" + pickle.dumps(3, protocol=2)[:3],  # a truncated pickle
    ],
)
def test_a_child_that_sends_garbage_makes_the_audit_serial(monkeypatch, capsys, garbage):
    """A child's second message is garbage: unpickling (or the buffer for its length) raises
    something other than _PartFailedError, and the audit crashes instead of going serial."""
    expected = _audit(1)
    parent = os.getpid()
    send = audit_parts._send

    def garbage_in_children(channel, message):
        if os.getpid() != parent and isinstance(message, tuple):  # its rendered rows
            channel.sendall(garbage)
            return
        send(channel, message)

    monkeypatch.setattr(audit_parts, "_send", garbage_in_children)
    assert _audit(3) == expected
    assert "judging in parts failed" in capsys.readouterr().err


HANG = r"""
import os, sys, time
sys.path.insert(0, {root!r})
from oncall_policy.cli import silence_audit
from oncall_policy.silence import audit, audit_parts, source
from tests.conftest import CLIPPER
from tests.test_silence_audit_parts_red_team import _listed
parent = os.getpid()
findings = audit.findings
def hanging_in_children(*args, **kwargs):
    if os.getpid() != parent:
        time.sleep(3600)  # a wedged child
    return findings(*args, **kwargs)
audit.findings = hanging_in_children
audit_parts.audit_rendered(_listed(), source.load(CLIPPER).rules, silence_audit._text_row, 3)
print("done")
"""


def test_a_child_that_hangs_does_not_hang_the_audit():
    """A wedged child: the parent waited for its answer without any deadline, for ever."""
    root = str(Path(__file__).resolve().parent.parent)
    process = subprocess.Popen(
        [sys.executable, "-c", HANG.format(root=root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(root) / "src"), root])},
        start_new_session=True,  # its forked children too are ended below
    )
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("the audit still waits on its wedged child after 30 s")
    assert "done" in out, err

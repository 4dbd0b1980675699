"""Red team, fixed: the lease is each gate's own (``ApprovalDesk.lease``: from its own
``upstream_timeout`` and peers), and a claim is judged stalled by the lease of the gate that
looks, not of the gate that holds it. Two gates on one database, one with a longer upstream
timeout (a far region, a slow network: 4 x timeout x (peers + 2)), the other the default: the
second's sweep takes over a creation the first is still, legitimately, carrying out within its
own timeouts, and both create the silence. Nothing fences the first gate's send (its claim is
not looked at again before the silence goes to Alertmanager).

Here the base lease is 1 s (as ``test_gate_stalled_creations`` sets it) so that the test is
short: gate A (timeout 5 s, lease 60 s) sends through a network that takes 4 s to deliver; gate
B (timeout 0.25 s, lease 3 s) starts 3.5 s after A's claim, and its sweep creates the silence.

Now: one silence."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from oncall_policy.gate import approvals as approvals_module
from oncall_policy.gate import proof as signing
from oncall_policy.gate.config import Approvals, GateConfig, Limits
from tests.alertmanager_server import running
from tests.gate_support import BASIC, basic, call, gate, post, silence, silences_on
from tests.test_gate_approvals import held
from tests.test_gate_side_by_side import holding_back

pytestmark = pytest.mark.amtool


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def test_a_gate_with_shorter_timeouts_does_not_take_over_a_creation_under_way(
    upstream, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(approvals_module, "LEASE_SECONDS", 1.0)
    signing.keygen(tmp_path / "gate.key")
    approvals = Approvals(database=str(tmp_path / "pending.sqlite3"), key_file=str(tmp_path / "gate.key"))
    far = GateConfig(
        auth=BASIC.auth, approvals=approvals, limits=Limits(upstream_timeout=timedelta(seconds=5))
    )
    near = GateConfig(
        auth=BASIC.auth, approvals=approvals, limits=Limits(upstream_timeout=timedelta(seconds=0.25))
    )
    answers = []
    with gate([upstream.url], far) as direct:
        request_id = held(post(direct, silence(("alertname", "ServiceDown"), ("service", "lease-x"))))
    with holding_back(upstream.url, lambda _: (4.0, None)) as slow, gate([slow], far) as a:
        approving = threading.Thread(
            target=lambda: answers.append(
                call(a, "POST", f"/-/approvals/{request_id}", b"{}", basic("manager-x@clipper.app"), 30)
            )
        )
        approving.start()
        time.sleep(3.5)
        with gate([upstream.url], near):
            time.sleep(1.5)  # its sweep, as it starts
        approving.join(30)
    made = silences_on(upstream, "lease-x")
    assert len(made) == 1, f"A answered {answers[0].body if answers else None!r}; {len(made)} silences made"

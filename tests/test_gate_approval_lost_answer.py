"""Red team, fixed: Alertmanager takes an approved silence, but the connection drops before
its answer reaches the gate (a proxy or load balancer between them reset, the peer restarted
after committing). ``Upstreams.create`` says of that case that the peer "may have taken the
silence", yet it reports it as ``UnreachableError``, and ``ApprovalDesk._not_created`` takes
"every failure unreachable" to mean "no peer got it": the request is released (back to pending,
all approvals in), the approver is told "no Alertmanager took the silence", and approving again
creates the silence a second time: the gate's history cache (fresh for ``history_max_age``) has
not listed the first one, so neither ``created_from`` nor the history rules see it.

Now: the request is closed as of unknown fate (as after a timeout: ``_perhaps``), and
approving again never creates a second silence."""

from __future__ import annotations

import pytest

from tests.alertmanager_server import running
from tests.gate_support import basic, call, gate, post, silence, silences_on, with_approvals
from tests.test_gate_approvals import held
from tests.test_gate_side_by_side import LOST, holding_back

pytestmark = pytest.mark.amtool


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def test_an_approved_silence_whose_answer_was_lost_is_not_created_again(upstream, tmp_path):
    manager = basic("manager-x@clipper.app")
    config = with_approvals(tmp_path)
    # The first silence to reach Alertmanager (the approved one) is taken, its answer lost.
    with (
        holding_back(upstream.url, lambda n: (0, LOST if n == 0 else None)) as proxied,
        gate([proxied], config) as url,
    ):
        request_id = held(post(url, silence(("alertname", "ServiceDown"), ("service", "lost-1"))))
        first = call(url, "POST", f"/-/approvals/{request_id}", b"{}", manager)
        assert len(silences_on(upstream, "lost-1")) == 1  # Alertmanager took it
        # The gate says nothing was taken, and asks the approver to approve again; they do, at once.
        again = call(url, "POST", f"/-/approvals/{request_id}", b"{}", manager)
    made = silences_on(upstream, "lost-1")
    assert len(made) == 1, (
        f"first answer {first.status} {first.body!r}; again {again.status} {again.body!r}; "
        f"{len(made)} silences made: {[s['id'] for s in made]}"
    )

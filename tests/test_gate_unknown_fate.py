"""A write whose forward timed out ("fate unknown") counts as history until it ends, not only for
a while: Alertmanager (or anything between: a proxy, a stalled peer) may still take it later, and
does not cancel a request whose client went away (found by an uninformed attack, when it counted
for ten seconds).

FIRST and SECOND together are one 5-hour stretch of HighErrorRate (cap 4 h): each alone keeps
the policy, together ``over-cap-recreated``."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from oncall_policy.gate import history_cache
from tests.alertmanager_server import running
from tests.gate_support import gate, limited, post
from tests.test_gate_side_by_side import FIRST, SECOND, created, holding_back, renamed


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def test_a_write_whose_fate_is_unknown_counts_until_alertmanager_lists_it(upstream, monkeypatch):
    # The gate's own writes are laid over listings for JOURNAL_SECONDS; shortened here, so that
    # the second write comes after that, as it would ten seconds later.
    monkeypatch.setattr(history_cache, "JOURNAL_SECONDS", 1.0)
    first, second = renamed(FIRST, "late-take"), renamed(SECOND, "late-take")
    config = limited(upstream_timeout=timedelta(seconds=1), history_max_age=timedelta(milliseconds=100))
    # the first creation reaches Alertmanager 3.5 s after it was sent (the gate gave up after 1 s)
    with (
        holding_back(upstream.url, lambda n: (3.5 if n == 0 else 0, None)) as relay,
        gate([relay], config) as url,
    ):
        started = time.monotonic()
        assert post(url, first).status == 504
        time.sleep(max(0.0, started + 2.5 - time.monotonic()))
        later = post(url, second)
        time.sleep(1.5)  # the relay has forwarded the first by now
    taken = created(upstream, "late-take")
    # Expected: the second is refused while the first may still be taken (or until a listing
    # shows it), so that the two never stand together.
    assert len(taken) <= 1, (later.status, later.body, [(s["startsAt"], s["endsAt"]) for s in taken])

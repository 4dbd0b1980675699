"""A listings' reader process that stops answering (stopped, swapping, wedged on a huge listing)
fails the refresh after ``upstream_timeout``: the write is answered (refused: fail closed), not
held for ever behind it (found by an uninformed attack)."""

from __future__ import annotations

import os
import signal
import time
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

import pytest

from oncall_policy.gate import listings
from tests.alertmanager_server import running
from tests.gate_support import gate, limited, post, silence


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                stat = (entry / "stat").read_text()
                ppid = int(stat.rpartition(")")[2].split()[1])
                found.setdefault(ppid, []).append(int(entry.name))
    return found


def _readers() -> list[int]:
    """The reader pool's workers: children of the forkserver this process started."""
    tree = _children()
    found = []
    for child in tree.get(os.getpid(), []):
        with suppress(OSError):
            if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                found += tree.get(child, [])
    return found


def test_a_stalled_reader_does_not_hang_every_write(upstream, monkeypatch):
    monkeypatch.setattr(listings, "IN_PROCESS_BYTES", 0)  # every listing read in the process
    config = limited(upstream_timeout=timedelta(seconds=1), history_max_age=timedelta(seconds=1))
    stopped: list[int] = []
    try:
        with gate([upstream.url], config) as url:
            first = silence(("alertname", "HighErrorRate"), ("service", "reader-1"), minutes=30)
            assert post(url, first).status == 200
            stopped = _readers()
            assert stopped, "no reader process found"
            for pid in stopped:
                os.kill(pid, signal.SIGSTOP)
            time.sleep(1.5)  # the cache is older than history_max_age: the next write lists again
            second = silence(("alertname", "HighErrorRate"), ("service", "reader-2"), minutes=30)
            started = time.monotonic()
            try:
                status: int | str = post_with_timeout(url, second, 10).status
            except TimeoutError:
                status = "no answer"
            took = time.monotonic() - started
    finally:
        for pid in stopped:
            with suppress(OSError):
                os.kill(pid, signal.SIGCONT)
    assert status == 504, f"answered {status} in {took:.0f}s"  # refused: no history within the deadline


def post_with_timeout(url: str, data: dict, timeout: float):
    import json  # noqa: PLC0415

    from tests.gate_support import basic, call  # noqa: PLC0415

    return call(
        url, "POST", "/api/v2/silences", json.dumps(data).encode(), basic("engineer-a@clipper.app"), timeout
    )

"""The gate in operation, in front of a real Alertmanager 0.25: reloading its policy (SIGHUP, a
changed file), ``/metrics``, the audit trail's JSON lines, and a graceful shutdown.

Waits are bounded loops on what the gate says (its metrics, its answers), never timings.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from oncall_policy.gate import auditlog, reload
from oncall_policy.gate.metrics import Metrics
from oncall_policy.silence import source
from tests.alertmanager_server import running
from tests.conftest import CLIPPER
from tests.gate_support import HASHES, basic, call, gate, post, silence

pytestmark = pytest.mark.amtool

P2_CAP = "      max_duration: 4h\n"  # the p2-warning rule's line in policy.yaml
P2_CAP_LINE = CLIPPER.read_text().split(P2_CAP)[0].count("\n") + 1


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, amtool: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


def six_hours(service: str) -> dict[str, object]:
    """A 6h silence of HighErrorRate (P2: at most 4h in policy.yaml)."""
    return silence(("alertname", "HighErrorRate"), ("service", service), minutes=360)


def with_p2_cap(policy: Path, cap: str) -> None:
    text = CLIPPER.read_text()
    assert text.count(P2_CAP) == 1
    policy.write_text(text.replace(P2_CAP, f"      max_duration: {cap}\n"))


def metrics(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the gate's ``/metrics``, by name and labels."""
    answer = call(base, "GET", "/metrics")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.body.decode())
        for sample in family.samples
    }


def reloads(base: str, result: str) -> float:
    return metrics(base).get(("oncall_policy_gate_policy_reloads_total", (("result", result),)), 0.0)


def until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)


class Served:
    """``oncall-policy gate`` in its own process; its stderr collected line by line."""

    def __init__(self, process: subprocess.Popen[str], base: str) -> None:
        self.process = process
        self.base = base
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        self.lines.extend(iter(self.process.stderr.readline, ""))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(20)
        self._reader.join(10)
        return code

    def join(self) -> None:
        self._reader.join(10)


@contextmanager
def cli_gate(tmp_path: Path, upstream_url: str, policy: Path, *extra: str) -> Iterator[Served]:
    (tmp_path / "gate.toml").write_text('[auth]\nmode = "basic"\nusers_file = "users"\n')
    (tmp_path / "users").write_text("".join(f"{name}:{hashed.decode()}\n" for name, hashed in HASHES.items()))
    argv = [sys.executable, "-m", "oncall_policy", "gate", "--policy", str(policy)]
    argv += ["--upstream", upstream_url, "--listen", "127.0.0.1:0", "--config", str(tmp_path / "gate.toml")]
    process = subprocess.Popen([*argv, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("oncall-policy gate: listening on http://127.0.0.1:"), line
        served = Served(process, line.split(" on ", 1)[1].strip().rstrip("/"))
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_sighup_reloads_a_valid_policy_and_keeps_the_old_one_on_an_invalid_one(upstream, tmp_path):
    policy = tmp_path / "policy.yaml"
    shutil.copy(CLIPPER, policy)
    with cli_gate(tmp_path, upstream.url, policy, "--watch-interval", "0") as served:
        assert post(served.base, six_hours("hup-1")).status == 400
        before = metrics(served.base)
        assert before[("oncall_policy_gate_policy_last_reload_successful", ())] == 1

        with_p2_cap(policy, "8h")
        served.process.send_signal(signal.SIGHUP)
        until(lambda: reloads(served.base, "success") == 1)
        assert post(served.base, six_hours("hup-1")).status == 200

        policy.write_text(CLIPPER.read_text().replace(P2_CAP, "      max_duration: forever\n"))
        served.process.send_signal(signal.SIGHUP)
        until(lambda: reloads(served.base, "failure") == 1)
        after = metrics(served.base)
        assert after[("oncall_policy_gate_policy_last_reload_successful", ())] == 0
        assert post(served.base, six_hours("hup-2")).status == 200  # the 8h cap still judges
        ten_hours = silence(("alertname", "HighErrorRate"), ("service", "hup-3"), minutes=600)
        assert post(served.base, ten_hours).status == 400
        assert served.stop() == 0
    log = "".join(served.lines)
    assert f"policy reloaded from {policy} (SIGHUP): sha256 " in log
    assert f"policy reload from {policy} (SIGHUP) failed; the policy in force stays" in log
    assert (
        f"\n{policy}:{P2_CAP_LINE}:21: [error] silences.rules[2].max_duration: not a valid duration: 'forever'"
    ) in log
    verdicts = [json.loads(line) for line in served.lines if line.startswith("{")]
    assert [(v["decision"], v["matchers"]) for v in verdicts] == [
        ("refused", ['alertname="HighErrorRate"', 'service="hup-1"']),
        ("accepted", ['alertname="HighErrorRate"', 'service="hup-1"']),
        ("accepted", ['alertname="HighErrorRate"', 'service="hup-2"']),
        ("refused", ['alertname="HighErrorRate"', 'service="hup-3"']),
    ]
    assert verdicts[0]["policy"] != verdicts[1]["policy"] == verdicts[2]["policy"]


def test_a_changed_policy_file_is_reloaded(upstream, tmp_path):
    policy = tmp_path / "policy.yaml"
    shutil.copy(CLIPPER, policy)
    rules = source.load(policy).rules
    with gate([upstream.url], rules=rules, policy=str(policy), watch_interval=0.05) as url:
        assert post(url, six_hours("watch-1")).status == 400
        with_p2_cap(policy, "8h")
        until(lambda: reloads(url, "success") == 1)
        assert post(url, six_hours("watch-1")).status == 200


def test_metrics_count_requests_verdicts_and_upstream_latency(upstream):
    with gate([upstream.url]) as url:
        assert post(url, silence(("alertname", "HighErrorRate"), ("service", "metrics-1"))).status == 200
        assert post(url, six_hours("metrics-2")).status == 400
        assert post(url, silence(("alertname", "HighErrorRate")), as_who=None).status == 401
        assert call(url, "GET", "/api/v2/status").status == 200
        found = metrics(url)
    requests = "oncall_policy_gate_requests_total"
    assert found[(requests, (("method", "POST"), ("route", "create"), ("status", "200")))] == 1
    assert found[(requests, (("method", "POST"), ("route", "create"), ("status", "400")))] == 1
    assert found[(requests, (("method", "POST"), ("route", "create"), ("status", "401")))] == 1
    assert found[(requests, (("method", "GET"), ("route", "other"), ("status", "200")))] == 1
    verdicts = "oncall_policy_gate_silence_verdicts_total"
    assert found[(verdicts, (("decision", "accepted"),))] == 1
    assert found[(verdicts, (("decision", "refused"),))] == 1
    assert found[("oncall_policy_gate_silence_violations_total", (("rule", "over-cap"),))] == 1
    latency = "oncall_policy_gate_upstream_request_duration_seconds_count"
    assert found[(latency, (("upstream", upstream.url),))] >= 3  # history, the write, the read
    assert "alertmanager_build_info" not in json.dumps([name for name, _ in found])  # not proxied


def test_each_verdict_is_one_json_line_of_the_audit_trail(upstream, caplog):
    caplog.set_level(logging.INFO, logger=auditlog.LOGGER)
    with gate([upstream.url]) as url:
        created = post(url, silence(("alertname", "HighErrorRate"), ("service", "audit-1")))
        assert created.status == 200
        assert post(url, six_hours("audit-2")).status == 400
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == auditlog.LOGGER]
    accepted, refused = lines
    assert set(accepted) == {
        "time", "event", "who", "remote", "decision", "silence_id", "replaces", "matchers", "rules",
        "applied", "upstream", "policy",
    }  # fmt: skip
    assert accepted["time"].endswith("Z")
    assert {k: v for k, v in accepted.items() if k != "time"} == {
        "event": "silence-verdict",
        "who": "engineer-a@clipper.app",
        "remote": "127.0.0.1",
        "decision": "accepted",
        "silence_id": created.json()["silenceID"],
        "replaces": None,
        "matchers": ['alertname="HighErrorRate"', 'service="audit-1"'],
        "rules": [],
        "applied": ["p2-warning"],
        "upstream": upstream.url,
        "policy": None,
    }
    assert (refused["decision"], refused["rules"], refused["silence_id"], refused["upstream"]) == (
        "refused",
        ["over-cap"],
        None,
        None,
    )


def test_sigterm_lets_a_request_in_flight_finish_and_accepts_no_more(upstream, tmp_path):
    """A read is under way (Alertmanager, stopped, has not answered it yet) when SIGTERM arrives:
    the gate stops accepting connections, and the read still gets Alertmanager's answer once it
    comes; then the gate exits 0."""
    with cli_gate(tmp_path, upstream.url, CLIPPER) as served:
        port = int(served.base.rsplit(":", 1)[1])
        answers: list[int] = []
        upstream.process.send_signal(signal.SIGSTOP)
        try:
            reader = threading.Thread(
                target=lambda: answers.append(call(served.base, "GET", "/api/v2/status").status)
            )
            reader.start()
            until(lambda: metrics(served.base)[("oncall_policy_gate_requests_in_flight", ())] == 2)
            served.process.send_signal(signal.SIGTERM)
            until(lambda: refused_connection(port))
        finally:
            upstream.process.send_signal(signal.SIGCONT)
        reader.join(20)
        assert served.process.wait(20) == 0
    assert answers == [200]


def refused_connection(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_a_reload_records_the_sha256_of_the_bytes_it_loaded(tmp_path, monkeypatch):
    """The file hashed and the file loaded were two reads: a write landing between them put the
    sha256 of one version in the audit trail and the metrics beside the rules of another."""
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(CLIPPER.read_bytes())
    applied: list[str] = []
    reloader = reload.Reloader(str(policy), lambda _, sha: applied.append(sha), Metrics())
    real = source.load
    newer = CLIPPER.read_bytes() + b"\n# edited while the gate reloaded\n"

    def edited_first(path: str) -> source.Loaded:
        policy.write_bytes(newer)  # the edit lands just before the policy is read
        return real(path)

    monkeypatch.setattr(source, "load", edited_first)
    assert asyncio.run(reloader.reload("a test")) is True
    assert applied == [hashlib.sha256(newer).hexdigest()] == [reloader.sha256]


def test_a_policy_changed_while_the_gate_started_is_put_in_force(upstream, tmp_path):
    """The rules were loaded, then the file changed before the watch took its first look: the
    watch started from the new file, saw no change, and the gate judged by the old version for
    good. It now sees the file is not the version its rules came from, and reloads at once."""
    policy = tmp_path / "policy.yaml"
    text = CLIPPER.read_text()
    policy.write_text(text)
    loaded = source.load(str(policy))
    plain_cap = "    - id: p2-warning\n      applies_to: {severities: [P2]}\n      max_duration: 4h\n"
    assert text.count(plain_cap) == 1
    policy.write_text(text.replace(plain_cap, plain_cap.replace("4h", "1h")))  # after the load
    two_hours = silence(("alertname", "HighErrorRate"), ("service", "started"), minutes=120)
    with gate([upstream.url], rules=loaded.rules, policy=str(policy), watch_interval=0, loaded=loaded) as url:
        deadline = time.monotonic() + 10
        while 'oncall_policy_gate_policy_reloads_total{result="success"} 1.0' not in metrics_text(url):
            assert time.monotonic() < deadline, "the policy on disk was not put in force"
            time.sleep(0.05)
        refused = post(url, two_hours)
    assert refused.status == 400, refused.body
    assert "over-cap" in refused.body.decode()


def metrics_text(url: str) -> str:
    return call(url, "GET", "/metrics").body.decode()


def test_a_saved_part_of_a_policy_in_parts_is_put_in_force(upstream, tmp_path, monkeypatch):
    """Only the root file was watched: a team saving its part (here LedgerDrift made a page: at
    most 2 h, with a team lead's approval) changed nothing until a SIGHUP, and a day-long silence
    of it went on being accepted without approval (red team). Every part is watched now."""
    monkeypatch.setitem(HASHES, "uma@initech.example", HASHES["engineer-a@clipper.app"])
    root = tmp_path / "initech"
    shutil.copytree(CLIPPER.parent / "examples" / "initech", root)
    part = root / "teams" / "billing.yaml"
    text = part.read_text()
    ticket = "{name: LedgerDrift, severity: ticket,"
    assert text.count(ticket) == 1
    loaded = source.load(str(root / "policy.yaml"))
    assert loaded.include
    day = silence(
        ("alertname", "LedgerDrift"),
        minutes=24 * 60,
        author="uma@initech.example",
        comment="known issue being reconciled",
    )
    policy = str(root / "policy.yaml")
    with gate([upstream.url], rules=loaded.rules, policy=policy, watch_interval=0.05, loaded=loaded) as url:
        before = post(url, day, as_who="uma@initech.example")
        assert before.status == 200, before.body  # a ticket: up to 3 days, no approval
        silence_id = before.json()["silenceID"]
        assert (
            call(url, "DELETE", f"/api/v2/silence/{silence_id}", None, basic("uma@initech.example")).status
            == 200
        )
        reloads = metrics_text(url).count('reloads_total{result="success"} ')
        part.write_text(text.replace(ticket, "{name: LedgerDrift, severity: page,"))
        deadline = time.monotonic() + 10
        while 'oncall_policy_gate_policy_reloads_total{result="success"} 2.0' not in metrics_text(url):
            assert time.monotonic() < deadline, "the saved part was not put in force"
            time.sleep(0.05)
        after = post(url, day, as_who="uma@initech.example")
    assert reloads == 1
    assert after.status == 400, after.body

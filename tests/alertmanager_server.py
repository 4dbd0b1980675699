# ruff: noqa: S310 - every URL here is http://127.0.0.1:<port> built by this module
"""Real Alertmanager servers for tests: loopback only, temporary storage, stopped by pid.

``start`` runs Debian's ``prometheus-alertmanager`` with a minimal valid config (or ``config``) and
any extra ``flags`` on a free port, gossip off unless ``peers`` or ``cluster`` is given, and waits
for ``/-/ready``.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG = "route:\n  receiver: default\nreceivers:\n  - name: default\n"
READY_TIMEOUT = 20.0


@dataclass
class Server:
    url: str
    cluster_address: str | None
    process: subprocess.Popen[bytes]
    log: Path

    def silences(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/api/v2/silences", timeout=5) as response:
            return json.loads(response.read())

    def post_alerts(self, labels: list[dict[str, str]]) -> None:
        """Fire one alert per label set (ending in an hour)."""
        ends = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        request = urllib.request.Request(
            f"{self.url}/api/v2/alerts",
            data=json.dumps([{"labels": found, "endsAt": ends} for found in labels]).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()

    def post(self, body: dict[str, Any]) -> str:
        request = urllib.request.Request(
            f"{self.url}/api/v2/silences",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())["silenceID"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"alertmanager exited: {server.log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/-/ready", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"alertmanager not ready after {READY_TIMEOUT}s: {server.log.read_text()[-2000:]}")


def start(
    binary: str,
    workdir: Path,
    *,
    cluster: bool = False,
    peers: Sequence[str] = (),
    config: str = CONFIG,
    flags: Sequence[str] = (),
) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "alertmanager.yml").write_text(config)
    port = free_port()
    cluster_address = f"127.0.0.1:{free_port()}" if cluster or peers else None
    argv = [
        binary,
        f"--config.file={workdir / 'alertmanager.yml'}",
        f"--storage.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        f"--cluster.listen-address={cluster_address or ''}",
        *flags,
    ]
    if cluster_address:
        argv += [
            f"--cluster.advertise-address={cluster_address}",
            "--cluster.gossip-interval=50ms",
            "--cluster.pushpull-interval=1s",
            *(f"--cluster.peer={peer}" for peer in peers),
        ]
    log = workdir / "alertmanager.log"
    with log.open("wb") as stream:
        process = subprocess.Popen(argv, stdout=stream, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", cluster_address, process, log)
    try:
        _wait_ready(server)
    except BaseException:
        stop(server)
        raise
    return server


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextmanager
def running(binary: str, workdir: Path, **options: Any) -> Iterator[Server]:
    server = start(binary, workdir, **options)
    try:
        yield server
    finally:
        stop(server)

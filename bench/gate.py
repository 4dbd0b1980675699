"""Benchmark the gate: reads direct and through it, beside the same proxy on starlette + uvicorn + httpx.

Usage: python bench/gate.py [--requests N] [--creations N] [--path PATH]

Starts a local Alertmanager (loopback, gossip off, temporary storage), the gate in front of it
(``oncall-policy gate``, its own process, basic auth) and, for comparison, a streaming
pass-through proxy written on starlette + uvicorn + httpx (this file, ``--starlette UPSTREAM
PORT``; ``pip install -e '.[bench]'``), each on its own port. Then, round after round so that
the machine's drift is shared fairly, it sends N sequential GETs of PATH to each over one
keep-alive connection, and prints the median and 99th percentile of each; then judged silence
creations through the gate beside direct POSTs to Alertmanager. Target (issue 13): reads through
the gate add <= 1 ms at p50.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from alertmanager_server import free_port, running  # noqa: E402 - the tests' server helper

HOP_BY_HOP = {"connection", "keep-alive", "te", "transfer-encoding", "upgrade", "trailer", "host"}
AUTH = {"Authorization": "Basic " + base64.b64encode(b"engineer-a@clipper.app:bench").decode()}


def starlette(upstream: str, port: int) -> None:
    """The comparison: the same pass-through (streamed, hop-by-hop fields dropped) on starlette,
    uvicorn and httpx."""
    import httpx  # noqa: PLC0415
    import uvicorn  # noqa: PLC0415
    from starlette.applications import Starlette  # noqa: PLC0415
    from starlette.background import BackgroundTask  # noqa: PLC0415
    from starlette.requests import Request  # noqa: PLC0415
    from starlette.responses import StreamingResponse  # noqa: PLC0415
    from starlette.routing import Route  # noqa: PLC0415

    client = httpx.AsyncClient(base_url=upstream, timeout=10)

    async def proxy(request: Request) -> StreamingResponse:
        headers = [(k, v) for k, v in request.headers.raw if k.decode().lower() not in HOP_BY_HOP]
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        content = request.stream() if request.method in ("POST", "PUT") else None
        sent = client.build_request(request.method, target, headers=headers, content=content)
        answer = await client.send(sent, stream=True)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        return StreamingResponse(
            answer.aiter_raw(), answer.status_code, kept, background=BackgroundTask(answer.aclose)
        )

    methods = ["GET", "HEAD", "POST", "DELETE", "PUT", "OPTIONS"]
    app = Starlette(routes=[Route("/{path:path}", proxy, methods=methods)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextmanager
def process(argv: list[str], ready: Callable[[], bool]) -> Iterator[subprocess.Popen[bytes]]:
    started = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not ready():
            if started.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"{argv[:4]} did not start: {started.stderr.read().decode() if started.stderr else ''}"
                )
            time.sleep(0.05)
        yield started
    finally:
        started.terminate()
        started.wait(10)


def answers(port: int) -> bool:
    try:
        return (
            one_request(http.client.HTTPConnection("127.0.0.1", port, timeout=1), "GET", "/-/healthy") == 200
        )
    except OSError:
        return False


def one_request(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.read()
    return response.status


def reads(ports: dict[str, int], path: str, count: int, rounds: int = 10) -> dict[str, list[float]]:
    connections = {
        name: http.client.HTTPConnection("127.0.0.1", port, timeout=10) for name, port in ports.items()
    }
    samples: dict[str, list[float]] = {name: [] for name in ports}
    for connection in connections.values():  # warm-up
        for _ in range(50):
            one_request(connection, "GET", path)
    for _ in range(rounds):
        for name, connection in connections.items():
            for _ in range(count // rounds):
                started = time.perf_counter()
                if one_request(connection, "GET", path) != 200:
                    raise SystemExit(f"{name}: GET {path} failed")
                samples[name].append(time.perf_counter() - started)
    return samples


def creations(ports: dict[str, int], count: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in ports}
    connections = {
        name: http.client.HTTPConnection("127.0.0.1", port, timeout=10) for name, port in ports.items()
    }
    for connection in connections.values():  # the password is checked once (bcrypt), then remembered
        one_request(connection, "GET", "/api/v2/status", None, AUTH)
    now = datetime.now(UTC)
    for number in range(count):
        for name, connection in connections.items():
            body = json.dumps(
                {
                    "matchers": [
                        {"name": "alertname", "value": "HighErrorRate", "isRegex": False},
                        {"name": "service", "value": f"{name}-{number}", "isRegex": False},
                    ],
                    "startsAt": now.isoformat(),
                    "endsAt": (now + timedelta(hours=1)).isoformat(),
                    "createdBy": "engineer-a@clipper.app",
                    "comment": "deployment in progress",
                }
            ).encode()
            started = time.perf_counter()
            status = one_request(
                connection, "POST", "/api/v2/silences", body, {**AUTH, "Content-Type": "application/json"}
            )
            samples[name].append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"{name}: a silence creation failed ({status})")
    return samples


def quantile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1] if q < 1 else max(values)
    )


def show(title: str, samples: dict[str, list[float]], baseline: str) -> None:
    print(f"\n{title} ({len(next(iter(samples.values())))} each)")
    base50 = statistics.median(samples[baseline])
    print(f"  {'':34} {'p50 ms':>8} {'p99 ms':>8} {'p50 added':>10}")
    for name, values in samples.items():
        p50, p99 = statistics.median(values), quantile(values, 0.99)
        print(f"  {name:34} {p50 * 1000:8.3f} {p99 * 1000:8.3f} {(p50 - base50) * 1000:+10.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--creations", type=int, default=300)
    parser.add_argument("--path", default="/api/v2/status")
    parser.add_argument("--starlette", nargs=2, metavar=("UPSTREAM", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.starlette:
        starlette(args.starlette[0], int(args.starlette[1]))
        return
    binary = shutil.which("prometheus-alertmanager")
    if binary is None:
        sys.exit("`prometheus-alertmanager` not found; install prometheus-alertmanager")
    import bcrypt  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as scratch, running(binary, Path(scratch) / "am") as server:
        config = Path(scratch) / "gate.toml"
        config.write_text('[auth]\nmode = "basic"\nusers_file = "users"\n')
        hashed = bcrypt.hashpw(b"bench", bcrypt.gensalt()).decode()
        (Path(scratch) / "users").write_text(f"engineer-a@clipper.app:{hashed}\n")
        gate_port, other_port = free_port(), free_port()
        tool = str(Path(sys.executable).parent / "oncall-policy")
        gate = [tool, "gate", "--policy", str(ROOT / "policy.yaml"), "--upstream", server.url]
        gate += ["--listen", f"127.0.0.1:{gate_port}", "--config", str(config)]
        other = [sys.executable, __file__, "--starlette", server.url, str(other_port)]
        direct_port = int(server.url.rsplit(":", 1)[1])
        env_note = f"python {sys.version.split()[0]}, {os.cpu_count()} cores"
        with process(gate, lambda: answers(gate_port)), process(other, lambda: answers(other_port)):
            print(f"bench/gate.py: {env_note}; GET {args.path} on one keep-alive connection")
            ports = {
                "direct (Alertmanager)": direct_port,
                "gate (aiohttp)": gate_port,
                "starlette + uvicorn + httpx": other_port,
            }
            show("reads", reads(ports, args.path, args.requests), "direct (Alertmanager)")
            judged = {"direct (Alertmanager)": direct_port, "gate (aiohttp), judged": gate_port}
            show("silence creations", creations(judged, args.creations), "direct (Alertmanager)")


if __name__ == "__main__":
    main()

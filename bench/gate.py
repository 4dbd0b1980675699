"""Benchmark the gate: reads direct and through it, beside the same proxy on starlette + uvicorn + httpx.

Usage: python bench/gate.py [--requests N] [--creations N] [--path PATH] [--alerts N]
       [--concurrent N] [--clients N] [--memory N] [--history-max-age DURATION]

Starts a local Alertmanager (loopback, gossip off, temporary storage), the gate in front of it
(``oncall-policy gate``, its own process, basic auth) and, for comparison, a streaming
pass-through proxy written on starlette + uvicorn + httpx (this file, ``--starlette UPSTREAM
PORT``; ``pip install -e '.[bench]'``), each on its own port. Then, round after round so that
the machine's drift is shared fairly, it sends N sequential GETs of PATH to each over one
keep-alive connection, and prints the median and 99th percentile of each; then judged silence
creations through the gate beside direct POSTs to Alertmanager, one after another (each silence
on its own ``service``, so history grows with every write); then ``--concurrent`` judged
creations from ``--clients`` concurrent clients (creations per second); then ``--memory``
requests through the gate (reads and judged writes of short silences, 32 at a time), after a
warm-up of half as many in which the silences held level off, the gate's resident memory sampled
every tenth of them. The policy is the ``--alerts``-alert synthetic one
(``bench/make_policy.py``; 0: the example ``policy.yaml``). Targets (issue 13): reads through the
gate add <= 1 ms at p50; a judged creation adds <= 10 ms at p99 with the 10,000-alert policy;
>= 500 judged creations/s with 32 clients; memory flat over 100,000 requests.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import http.client
import json
import os
import re
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from alertmanager_server import free_port, running  # noqa: E402 - the tests' server helper

# Expired silences are forgotten ten seconds after they end (checked every five), so that the
# silences Alertmanager holds, and the gate with it, level off early in the memory run; and 32
# concurrent reads are served, where Alertmanager answers 503 past 4 per core by default.
FLAGS = ("--data.retention=10s", "--data.maintenance-interval=5s", "--web.get-concurrency=64")
MEMORY_SILENCE = timedelta(seconds=5)  # each write of the memory run: forgotten ~20 s after it
HOP_BY_HOP = {"connection", "keep-alive", "te", "transfer-encoding", "upgrade", "trailer", "host"}
PROFILES = {  # policy → (who writes, an alert they may silence for 1h without approval, a valid reason)
    "clipper": ("engineer-a@clipper.app", "HighErrorRate", "deployment in progress"),
    "synthetic": ("team0000-a@example.invalid", "Synthetic00001Alert", "known issue being worked"),
}
AUTHOR, ALERT, REASON = PROFILES["clipper"]


def auth() -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{AUTHOR}:bench".encode()).decode()}


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


def read_backs(port: int) -> str:
    """What the gate's read-back found of the writes it looked at again (its metric)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    found = re.findall(r'^oncall_policy_gate_read_backs_total\{result="([^"]+)"\} (\S+)$', text, re.MULTILINE)
    return ", ".join(f"{result} {float(count):.0f}" for result, count in found) or "none yet"


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
        one_request(connection, "GET", "/api/v2/status", None, auth())
    for number in range(count):
        for name, connection in connections.items():
            body = silence_body(f"{name[:6]}-{number}")
            started = time.perf_counter()
            status = one_request(
                connection, "POST", "/api/v2/silences", body, {**auth(), "Content-Type": "application/json"}
            )
            samples[name].append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"{name}: a silence creation failed ({status})")
    return samples


def silence_body(service: str, lasting: timedelta = timedelta(hours=1)) -> bytes:
    now = datetime.now(UTC)
    return json.dumps(
        {
            "matchers": [
                {"name": "alertname", "value": ALERT, "isRegex": False},
                {"name": "service", "value": service, "isRegex": False},
            ],
            "startsAt": now.isoformat(),
            "endsAt": (now + lasting).isoformat(),
            "createdBy": AUTHOR,
            "comment": REASON,
        }
    ).encode()


async def _concurrently(  # noqa: PLR0913, PLR0917 - a load, described
    port: int,
    count: int,
    clients: int,
    request: Callable[[int], tuple[str, str, bytes | None]],
    every: int = 0,
    sample: Callable[[], None] | None = None,
) -> float:
    """``count`` requests (``request(number)``: method, path, body) from ``clients`` concurrent
    clients, each on its own keep-alive connection; the seconds they took. ``sample`` is called
    every ``every`` answers."""
    import aiohttp  # noqa: PLC0415

    numbers = iter(range(count))
    done = 0
    headers = {**auth(), "Content-Type": "application/json"}

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal done
        for number in numbers:
            method, path, body = request(number)
            async with session.request(
                method, f"http://127.0.0.1:{port}{path}", data=body, headers=headers
            ) as answer:
                said = await answer.read()
                if answer.status != 200:
                    raise SystemExit(
                        f"{method} {path}: {answer.status} {said[:2000].decode(errors='replace')}"
                    )
            done += 1
            if sample is not None and every and done % every == 0:
                sample()

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        await client_warm(session, port, headers)
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        return time.perf_counter() - started


async def client_warm(session: Any, port: int, headers: dict[str, str]) -> None:
    async with session.get(f"http://127.0.0.1:{port}/api/v2/status", headers=headers) as answer:
        await answer.read()


def throughput(port: int, count: int, clients: int, tag: str) -> float:
    seconds = asyncio.run(
        _concurrently(
            port, count, clients, lambda n: ("POST", "/api/v2/silences", silence_body(f"{tag}-{n}"))
        )
    )
    return count / seconds


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def memory(port: int, pid: int, count: int) -> tuple[list[int], list[int]]:
    """The gate's RSS (KiB) at the start and end of a warm-up of ``count // 2`` requests, then
    after every tenth of ``count`` more: 9 reads to 1 judged write, each on its own service.
    Each write is a silence of ``MEMORY_SILENCE``, which Alertmanager forgets ten seconds after
    it ends (``FLAGS``): by the end of the warm-up the silences held, and the answers the gate's
    caches keep (``recent``), have levelled off; what the gate holds for them is state, not
    growth. Flat means no more over the measured requests, whatever their number."""

    def request(number: int) -> tuple[str, str, bytes | None]:
        if number % 10 == 9:
            return "POST", "/api/v2/silences", silence_body(f"mem-{number}", MEMORY_SILENCE)
        return "GET", "/api/v2/status", None

    warm_up = [rss_kib(pid)]
    asyncio.run(_concurrently(port, count // 2, 32, lambda n: request(count + n)))
    warm_up.append(rss_kib(pid))
    samples = [rss_kib(pid)]
    asyncio.run(
        _concurrently(port, count, 32, request, max(1, count // 10), lambda: samples.append(rss_kib(pid)))
    )
    return warm_up, samples


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


def main() -> None:  # noqa: PLR0915 - one run, measured in turn
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--creations", type=int, default=300)
    parser.add_argument("--path", default="/api/v2/status")
    parser.add_argument("--alerts", type=int, default=10_000, help="0: the example policy.yaml")
    parser.add_argument("--concurrent", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--memory", type=int, default=100_000)
    parser.add_argument(
        "--history-max-age", metavar="DURATION", help="the gate's [limits] history_max_age (default: its own)"
    )
    parser.add_argument("--starlette", nargs=2, metavar=("UPSTREAM", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.starlette:
        starlette(args.starlette[0], int(args.starlette[1]))
        return
    binary = shutil.which("prometheus-alertmanager")
    if binary is None:
        sys.exit("`prometheus-alertmanager` not found; install prometheus-alertmanager")
    import bcrypt  # noqa: PLC0415

    global AUTHOR, ALERT, REASON
    AUTHOR, ALERT, REASON = PROFILES["synthetic" if args.alerts else "clipper"]
    with (
        tempfile.TemporaryDirectory() as scratch,
        running(binary, Path(scratch) / "am", flags=FLAGS) as server,
    ):
        policy = ROOT / "policy.yaml"
        if args.alerts:
            policy = Path(scratch) / "policy" / "policy.yaml"
            policy.parent.mkdir()
            made = subprocess.run(
                [sys.executable, str(ROOT / "bench" / "make_policy.py"), str(args.alerts)],
                check=True,
                capture_output=True,
            )
            policy.write_bytes(made.stdout)
            compiled = [
                str(Path(sys.executable).parent / "oncall-policy"),
                "compile",
                "--policy",
                str(policy),
                "--out",
                str(policy.parent / "generated"),
            ]
            subprocess.run(compiled, check=True, capture_output=True)
        config = Path(scratch) / "gate.toml"
        limits = f'[limits]\nhistory_max_age = "{args.history_max_age}"\n' if args.history_max_age else ""
        config.write_text('[auth]\nmode = "basic"\nusers_file = "users"\n' + limits)
        hashed = bcrypt.hashpw(b"bench", bcrypt.gensalt()).decode()
        (Path(scratch) / "users").write_text(f"{AUTHOR}:{hashed}\n")
        gate_port, other_port = free_port(), free_port()
        tool = str(Path(sys.executable).parent / "oncall-policy")
        gate = [tool, "gate", "--policy", str(policy), "--upstream", server.url]
        gate += ["--listen", f"127.0.0.1:{gate_port}", "--config", str(config)]
        gate += ["--audit-log", str(Path(scratch) / "audit.log")]  # stderr is a pipe no one reads
        other = [sys.executable, __file__, "--starlette", server.url, str(other_port)]
        direct_port = int(server.url.rsplit(":", 1)[1])
        env_note = f"python {sys.version.split()[0]}, {os.cpu_count()} cores"
        with process(gate, lambda: answers(gate_port)) as served, process(other, lambda: answers(other_port)):
            print(f"bench/gate.py: {env_note}; policy: {args.alerts or 'policy.yaml'} alerts")
            print(f"GET {args.path} on one keep-alive connection")
            ports = {
                "direct (Alertmanager)": direct_port,
                "gate (aiohttp)": gate_port,
                "starlette + uvicorn + httpx": other_port,
            }
            show("reads", reads(ports, args.path, args.requests), "direct (Alertmanager)")
            judged = {"direct (Alertmanager)": direct_port, "gate (aiohttp), judged": gate_port}
            show("silence creations", creations(judged, args.creations), "direct (Alertmanager)")
            rate_direct = throughput(direct_port, args.concurrent, args.clients, "cd")
            used = cpu_seconds(served.pid)
            rate_gate = throughput(gate_port, args.concurrent, args.clients, "cg")
            per_creation = (cpu_seconds(served.pid) - used) / args.concurrent
            print(f"\n{args.concurrent} creations from {args.clients} concurrent clients")
            print(f"  direct (Alertmanager)            {rate_direct:8.0f} /s")
            print(f"  gate (aiohttp), judged           {rate_gate:8.0f} /s")
            # The gate judges on one core: its CPU time per creation bounds its rate on an idle
            # machine (1 / that), whatever else shares the machine while it is measured.
            print(
                f"  gate CPU per judged creation     {per_creation * 1000:8.3f} ms "
                f"(at most {1 / per_creation:.0f} /s on one core)"
            )
            time.sleep(2)  # the writes of the last second are looked at again
            print(f"  read-backs of the gate's writes  {read_backs(gate_port)}")
            if args.memory:
                warm_up, samples = memory(gate_port, served.pid, args.memory)
                shown = " ".join(f"{kib / 1024:.1f}" for kib in samples)
                grown = (samples[-1] - samples[0]) / 1024
                print(
                    f"\ngate RSS (MiB), 9 reads : 1 write: warm-up of {args.memory // 2} requests "
                    f"{warm_up[0] / 1024:.1f} -> {warm_up[1] / 1024:.1f}; then every {args.memory // 10} "
                    f"of {args.memory}: {shown} ({grown:+.1f} MiB, {grown * 1024 / samples[0]:+.1%})"
                )


if __name__ == "__main__":
    main()

"""Benchmark the silence path, whole process, beside amtool: median of 5 runs after a warm-up.

Usage: python bench/silence.py [--silences N]

Starts a local Alertmanager (loopback, gossip off, temporary storage), times
`oncall-policy silence check` (fresh and stale generated rules), `oncall-policy silence add` and
`amtool silence add` against it, then creates N silences through the API (concurrently) and times
`oncall-policy silence audit` over them. Prints a table. Targets: check <= 0.1 s, audit of
10,000 <= 2 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from alertmanager_server import Server, running  # noqa: E402 - the tests' server helper
from timing import ENV, median_of  # noqa: E402

BIN = Path(sys.executable).parent
TOOL = str(BIN / "oncall-policy")
SILENCE = ["alertname=HighErrorRate", "-d", "2h", "-c", "deployment", "-a", "engineer-a@clipper.app"]
RUNS = 5


def median(argv: Sequence[str], cwd: Path = ROOT) -> float:
    """Median whole-process time (after a warm-up that writes bytecode), any exit code."""
    return median_of(lambda: subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, check=False), RUNS)


def populate(server: Server, count: int) -> None:
    now = datetime.now(UTC)

    def post(i: int) -> str:
        return server.post(
            {
                "matchers": [
                    {"name": "alertname", "value": "HighErrorRate", "isRegex": False},
                    {"name": "service", "value": f"svc{i}", "isRegex": False},
                ],
                "startsAt": now.isoformat(),
                "endsAt": (now + timedelta(hours=1 + i % 6)).isoformat(),
                "createdBy": "engineer-a@clipper.app",
                "comment": "deployment" if i % 3 else "too many alerts",
            }
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(post, range(count)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--silences", type=int, default=10_000)
    count = parser.parse_args().silences
    binary, amtool = shutil.which("prometheus-alertmanager"), shutil.which("amtool")
    if not (binary and amtool):
        sys.exit("`amtool` not found; install prometheus-alertmanager")
    rows: list[tuple[str, float]] = [("python -c pass", median([sys.executable, "-c", "pass"]))]
    rows.append(("oncall-policy silence check (fresh rules)", median([TOOL, "silence", "check", *SILENCE])))
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copy(ROOT / "policy.yaml", Path(scratch) / "policy.yaml")
        stale = median([TOOL, "silence", "check", *SILENCE], cwd=Path(scratch))
        rows.append(("oncall-policy silence check (no generated/: loads policy)", stale))
        with running(binary, Path(scratch) / "am") as server:
            url = f"--alertmanager.url={server.url}"
            rows.append(("amtool silence add", median([amtool, url, "silence", "add", *SILENCE])))
            rows.append(
                (
                    "oncall-policy silence add (queries, then amtool)",
                    median([TOOL, "silence", "add", url, *SILENCE]),
                )
            )
            start = time.perf_counter()
            populate(server, count)
            rows.append(
                (f"setup: create {count:,} silences via API (16 threads)", time.perf_counter() - start)
            )
            total = len(server.silences())
            audit = [TOOL, "silence", "audit", "--alertmanager.url", server.url]
            rows.append((f"oncall-policy silence audit ({total:,} silences)", median(audit)))
            rows.append(
                (
                    f"amtool silence query -o json ({total:,} silences)",
                    median([amtool, url, "silence", "query", "-o", "json"]),
                )
            )
    width = max(len(name) for name, _ in rows)
    print(f"{'command'.ljust(width)}  median s (of {RUNS})")
    for name, seconds in rows:
        print(f"{name.ljust(width)}  {seconds:8.3f}")


if __name__ == "__main__":
    main()

"""Benchmark the Alertmanager oracle of the tests (tests/oracle.py) against a real server.

Usage: python bench/oracle.py [SECONDS]   (default 30)

1. The cost of one ``verdicts`` call for 1, 20 and 100 alerts and of one ``regex_accepted``
   (median and 95th percentile of 3 s of calls each, after a warm-up).
2. How many ``verdicts`` calls of 20 alerts fit in SECONDS, and whether the server slows down
   as batches pile up (median of the first and the last 500 calls; server RSS before and after;
   silences and alerts the server still holds), with the oracle's flags and with Alertmanager's
   defaults (no short garbage collection; SECONDS / 3 only, as it slows down).
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.oracle import FLAGS, Oracle, matcher, running_oracle  # noqa: E402 - the tests' oracle

MATCHERS = [matcher("alertname", "=~", "A1.*|[[:upper:]]2"), matcher("service", "!=", "db")]


def batch(size: int) -> list[dict[str, str]]:
    return [{"alertname": f"A{i}", "service": ("api", "db", "")[i % 3]} for i in range(size)]


def timed(action: Callable[[], object], seconds: float) -> list[float]:
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def row(what: str, samples: Sequence[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[-1]
    median = statistics.median(samples)
    return f"{what:<30} {median * 1000:6.2f} ms  p95 {p95 * 1000:6.2f} ms  n={len(samples)}"


def rss_mib(oracle: Oracle) -> float:
    status = Path(f"/proc/{oracle.server.process.pid}/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(kib) / 1024


def held(oracle: Oracle) -> str:
    with urllib.request.urlopen(f"{oracle.server.url}/api/v2/alerts", timeout=10) as response:  # noqa: S310
        alerts = json.loads(response.read())
    return f"server holds {len(oracle.server.silences())} silences, {len(alerts)} unresolved alerts"


def costs(oracle: Oracle) -> None:
    timed(lambda: oracle.verdicts(MATCHERS, batch(20)), 1)
    for size in (1, 20, 100):
        alerts = batch(size)
        print(row(f"verdicts, {size} alerts", timed(lambda a=alerts: oracle.verdicts(MATCHERS, a), 3)))
    print(row("regex_accepted", timed(lambda: oracle.regex_accepted("(?i)a+|[[:upper:]]"), 3)))


def soak(oracle: Oracle, seconds: float) -> None:
    alerts = batch(20)
    before = rss_mib(oracle)
    samples = timed(lambda: oracle.verdicts(MATCHERS, alerts), seconds)
    after = rss_mib(oracle)
    print(f"  {len(samples)} calls in {seconds:.0f} s, RSS {before:.0f} -> {after:.0f} MiB; {held(oracle)}")
    print("  " + row("first 500 calls", samples[:500]))
    print("  " + row("last 500 calls", samples[-500:]))


def main(argv: list[str]) -> int:
    seconds = float(argv[1]) if len(argv) > 1 else 30.0
    binary = shutil.which("prometheus-alertmanager")
    if binary is None:
        print("`prometheus-alertmanager` not found; install prometheus-alertmanager")
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        with running_oracle(binary, Path(scratch) / "oracle") as oracle:
            costs(oracle)
            print(f"soak, oracle flags {' '.join(FLAGS)}:")
            soak(oracle, seconds)
        with running_oracle(binary, Path(scratch) / "defaults", flags=()) as oracle:
            print("soak, Alertmanager's defaults:")
            soak(oracle, seconds / 3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

"""Benchmark a large organisation: `check`, `compile` and `test` of a policy in parts (one team
file per 100 alerts) at 1,000, 10,000 and 100,000 alerts, side by side with `amtool
check-config` of the compiled output, with each command's peak memory.

Usage: python bench/scale.py [RUNS] [N...]   (median of RUNS whole-process runs, default 3;
                                              sizes default 1000 10000 100000)
Targets (issue 15), at 100,000 alerts across 1,000 team files: check <= 2x amtool check-config,
compile <= 4x, test <= 3x; the peak memory of each <= 2x amtool check-config's; and from 10,000
to 100,000 alerts each grows with an exponent <= 1.1 (time ∝ N^e, printed per command).
The commands of one size run in turn, round after round, so that they share the machine's fast
and slow moments alike; the peak resident memory of each run is read from its rusage.
"""

from __future__ import annotations

import itertools
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import ENV

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"check": 2.0, "compile": 4.0, "test": 3.0}  # time, as a multiple of amtool check-config's
MEMORY_TARGET = 2.0
MOST_EXPONENT = 1.1


def measured(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one run, which must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{error}")
    return elapsed, usage.ru_maxrss


def commands(tool: str, policy: Path, out: Path) -> dict[str, list[str]]:
    return {
        "check": [tool, "check", str(policy)],
        "compile": [tool, "compile", "--policy", str(policy), "--out", str(out)],
        "test": [tool, "test", "--policy", str(policy)],
        "amtool check-config": ["amtool", "check-config", str(out / "alertmanager.yml")],
    }


def size(count: int, runs: int, scratch: Path, tool: str) -> dict[str, tuple[float, int]]:
    """Command → (median seconds, largest peak KiB) for a policy of ``count`` alerts in parts."""
    parts = scratch / f"policy-{count}"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_policy.py"), str(count), "--parts", str(parts)],
        check=True,
    )
    out = scratch / f"out-{count}"
    each = commands(tool, parts / "policy.yaml", out)
    measured(each["compile"])  # the output amtool reads, and a warm-up for every command
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in each}
    for _ in range(runs):
        for name, command in each.items():
            samples[name].append(measured(command))
    shutil.rmtree(parts)
    return {
        name: (statistics.median(s for s, _ in taken), max(k for _, k in taken))
        for name, taken in samples.items()
    }


def report(results: dict[int, dict[str, tuple[float, int]]]) -> str:
    lines = [
        "| N alerts (team files) | command | median | peak memory | × amtool time | × amtool memory |",
        "|---|---|---|---|---|---|",
    ]
    for count, rows in results.items():
        amtool_seconds, amtool_kib = rows["amtool check-config"]
        for name, (seconds, kib) in rows.items():
            lines.append(
                f"| {count:,} ({count // 100:,}) | {name} | {seconds:.2f} s | {kib / 1024:.0f} MiB "
                f"| {seconds / amtool_seconds:.2f} | {kib / amtool_kib:.2f} |"
            )
    sizes = sorted(results)
    for small, large in itertools.pairwise(sizes):
        for name in results[small]:
            exponent = math.log(results[large][name][0] / results[small][name][0]) / math.log(large / small)
            verdict = "ok" if exponent <= MOST_EXPONENT or name.startswith("amtool") else "OVER"
            lines.append(f"growth {small:,} → {large:,}: {name}: exponent {exponent:.2f} {verdict}")
    largest = results[sizes[-1]]
    amtool_seconds, amtool_kib = largest["amtool check-config"]
    for name, most in TARGETS.items():
        seconds, kib = largest[name]
        time_ok = "ok" if seconds <= most * amtool_seconds else "OVER"
        memory_ok = "ok" if kib <= MEMORY_TARGET * amtool_kib else "OVER"
        lines.append(
            f"target at {sizes[-1]:,}: {name} {seconds / amtool_seconds:.2f}× amtool (≤ {most:g}×) "
            f"{time_ok}; "
            f"memory {kib / amtool_kib:.2f}× (≤ {MEMORY_TARGET:g}×) {memory_ok}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 3
    sizes = [int(n) for n in argv[2:]] or [1_000, 10_000, 100_000]
    tool = shutil.which("oncall-policy") or str(Path(sys.executable).parent / "oncall-policy")
    with tempfile.TemporaryDirectory() as scratch:
        results = {count: size(count, runs, Path(scratch), tool) for count in sizes}
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

"""Timing for the benchmarks: the median of several runs after a warm-up.

Whole processes run as an installed tool does in a user's shell: with bytecode (pip compiles it
on install, and the warm-up run writes it here even where the session sets
PYTHONDONTWRITEBYTECODE) and with block-buffered output (even where it sets PYTHONUNBUFFERED).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence

# A user's shell sets neither: bytecode is written and read, and output is block-buffered.
ENV = {
    name: value
    for name, value in os.environ.items()
    if name not in {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"}
}


def median_seconds(command: Sequence[str], runs: int = 5, *, expect: int | None = 0) -> float:
    """Run ``command`` once to warm caches, then ``runs`` times; the median wall time in seconds.

    ``expect`` is the exit code every run must have (``None``: any), so a benchmark never
    quietly times a failure.
    """
    return interleaved_medians([(command, expect)], runs)[0]


def interleaved_medians(commands: Sequence[tuple[Sequence[str], int | None]], runs: int = 5) -> list[float]:
    """Like ``median_seconds`` for several commands, run in turn: round after round, each once.

    This machine's speed drifts by a quarter over minutes; taking the commands in turn gives
    each the same share of fast and slow moments, so rows compare fairly side by side.
    """
    for command, expect in commands:
        _timed(command, expect)
    samples: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, (command, expect) in enumerate(commands):
            samples[index].append(_timed(command, expect))
    return [statistics.median(taken) for taken in samples]


def _timed(command: Sequence[str], expect: int | None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False, env=ENV)
    elapsed = time.perf_counter() - started
    if expect is not None and done.returncode != expect:
        raise SystemExit(
            f"{' '.join(command)} exited {done.returncode}, expected {expect}:\n"
            f"{done.stdout.decode(errors='replace')}{done.stderr.decode(errors='replace')}"
        )
    return elapsed


def median_of(action: Callable[[], object], runs: int = 5, *, warm_up: bool = True) -> float:
    """The median wall time in seconds of ``action`` called in this process."""
    if warm_up:
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def table(rows: Sequence[tuple[str, float, float | None]]) -> str:
    """Rows of (what, median seconds, target seconds or None) as an aligned text table."""
    width = max(len(what) for what, _, _ in rows)
    lines = [f"{'what'.ljust(width)}  median   target  ok"]
    for what, seconds, target in rows:
        shown = "" if target is None else f"{target:6.2f}s"
        verdict = "" if target is None else ("yes" if seconds <= target else "NO")
        lines.append(f"{what.ljust(width)}  {seconds:6.3f}s {shown:>7}  {verdict}")
    return "\n".join(lines)

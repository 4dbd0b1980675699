"""Benchmark the silence path, whole process, side by side with amtool in one run.

Usage: python bench/silence.py [--silences N] [--runs R]

Starts a local Alertmanager (loopback, gossip off, temporary storage) and times, in turn round
after round (``timing.interleaved_medians``): ``amtool silence add`` against it, and
``oncall-policy silence check`` offline, with the server's silences as history, and for a regex
silence. Then it creates N silences through the API (most of them ordinary, some regexes, some
expired) and times ``oncall-policy silence audit`` beside ``amtool silence query -o json`` over
them. Targets (issue 10): check <= 1.5 x amtool silence add; audit <= 1.5 x amtool query.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from alertmanager_server import Server, running  # noqa: E402 - the tests' server helper
from timing import interleaved_medians  # noqa: E402

TOOL = str(Path(sys.executable).parent / "oncall-policy")
POLICY = ["--policy", str(ROOT / "policy.yaml")]
SILENCE = ["alertname=HighErrorRate", "-d", "2h", "-c", "deployment", "-a", "engineer-a@clipper.app"]
REGEX = ['alertname=~"HighErrorRate|HighResponseTime"', 'service=~"api-.*"', *SILENCE[1:]]
ALERTS = ("HighErrorRate", "HighResponseTime", "HighMemoryUsage", "LowDiskSpace", "ServiceDown")


def body(i: int, now: datetime) -> dict[str, object]:
    """The i-th silence: mostly one catalog alert and a service; every 7th a regex; every 5th an
    invalid reason; lengths from 30 minutes to 6 hours, some starting later."""
    alert = ALERTS[i % len(ALERTS)]
    regex = i % 7 == 0
    start = now + timedelta(minutes=30 * (i % 3))
    return {
        "matchers": [
            {
                "name": "alertname",
                "value": f"{alert}|{ALERTS[(i + 1) % 5]}" if regex else alert,
                "isRegex": regex,
            },
            {"name": "service", "value": f"svc{i % 5000}", "isRegex": False},
        ],
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(minutes=30 * (1 + i % 12))).isoformat(),
        "createdBy": "engineer-a@clipper.app",
        "comment": "too many alerts" if i % 5 == 0 else "deployment in progress",
    }


def populate(server: Server, count: int) -> None:
    now = datetime.now(UTC)
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda i: server.post(body(i, now)), range(count)))


def side_by_side(rows: list[tuple[list[str], int | None, str]], runs: int) -> list[tuple[str, float]]:
    medians = interleaved_medians([(argv, expect) for argv, expect, _ in rows], runs)
    return [(name, seconds) for (_, _, name), seconds in zip(rows, medians, strict=True)]


def warn_of_an_old_wrapper() -> None:
    """The console script older pips write (23.2, as ``python -m venv`` brings it) imports ``re``
    before oncall-policy runs: with the ``enum``, ``functools`` and ``collections`` it imports,
    about 8 ms that ``silence check`` itself never spends. ``make setup`` upgrades pip first."""
    if "import re" in Path(TOOL).read_text(encoding="utf-8", errors="replace").splitlines():
        print(
            f"warning: {TOOL} imports re (written by an old pip): `check` is timed ~8 ms slow; "
            "reinstall with an upgraded pip (`make setup`)",
            file=sys.stderr,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--silences", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    binary, amtool = shutil.which("prometheus-alertmanager"), shutil.which("amtool")
    if not (binary and amtool):
        sys.exit("`amtool` not found; install prometheus-alertmanager")
    warn_of_an_old_wrapper()
    with tempfile.TemporaryDirectory() as scratch, running(binary, Path(scratch) / "am") as server:
        url = f"--alertmanager.url={server.url}"
        interactive = side_by_side(
            [
                ([sys.executable, "-c", "pass"], 0, "python -c pass"),
                ([amtool, url, "silence", "add", *SILENCE], 0, "amtool silence add"),
                ([TOOL, "silence", "check", *POLICY, *SILENCE], 0, "oncall-policy silence check"),
                ([TOOL, "silence", "check", *POLICY, url, *SILENCE], 0, "  ... with the server's silences"),
                ([TOOL, "silence", "check", *POLICY, *REGEX], 0, "  ... of regex matchers"),
            ],
            options.runs,
        )
        started = time.perf_counter()
        populate(server, options.silences)
        made = time.perf_counter() - started
        total = len(server.silences())
        audit = side_by_side(
            [
                (
                    [amtool, url, "silence", "query", "-o", "json"],
                    0,
                    f"amtool silence query -o json ({total:,})",
                ),
                (
                    [TOOL, "silence", "audit", *POLICY, "--alertmanager.url", server.url],
                    1,
                    "oncall-policy silence audit",
                ),
            ],
            max(3, options.runs // 3),
        )
    print(f"(created {total:,} silences in {made:.1f} s)")
    for name, seconds in [*interactive, *audit]:
        print(f"{name:48} {seconds:8.3f} s")
    check, baseline = interactive[2][1], interactive[1][1]
    print(f"check / amtool add:       {check / baseline:5.2f} x  (target <= 1.5)")
    print(f"audit / amtool query:     {audit[1][1] / audit[0][1]:5.2f} x  (target <= 1.5)")


if __name__ == "__main__":
    main()

"""Benchmark `oncall-policy check`: the example policy and a 10,000-alert synthetic one.

Usage: python bench/check.py [RUNS]   (median of RUNS whole-process runs, default 5)
Targets (issue 2): check policy.yaml <= 0.3 s; check of a 10,000-alert policy <= 1.5 s.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds, table

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 5
    tool = shutil.which("oncall-policy") or str(Path(sys.executable).parent / "oncall-policy")
    with tempfile.TemporaryDirectory() as scratch:
        big = Path(scratch) / "policy-10000.yaml"
        made = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_policy.py"), "10000"],
            capture_output=True,
            check=True,
            text=True,
        )
        big.write_text(made.stdout, encoding="utf-8")
        broken = Path(scratch) / "policy-broken.yaml"
        broken.write_text(made.stdout.replace("turn_length: 1w", "turn_length: 1 week", 1), encoding="utf-8")
        rows = [
            (
                "python -c pass (interpreter start)",
                median_seconds([sys.executable, "-c", "pass"], runs),
                None,
            ),
            ("oncall-policy --version", median_seconds([tool, "--version"], runs), None),
            ("check policy.yaml", median_seconds([tool, "check", str(ROOT / "policy.yaml")], runs), 0.3),
            ("check 10,000 alerts (2.4 MB)", median_seconds([tool, "check", str(big)], runs), 1.5),
            (
                "check 10,000 alerts, one error",
                median_seconds([tool, "check", str(broken)], runs, expect=1),
                None,
            ),
        ]
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

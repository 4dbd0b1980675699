"""Benchmark `oncall-policy check`: the example policy and a 10,000-alert synthetic one.

Usage: python bench/check.py [RUNS]   (median of RUNS whole-process runs, default 5)
Targets (issue 2): check policy.yaml <= 0.3 s; check of a 10,000-alert policy <= 1.5 s.
The commands run in turn, round after round, beside the two floors under any check: the
interpreter's start and importing what any pydantic model class needs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import interleaved_medians, table

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
        floor = "from pydantic import BaseModel, Field"
        timed = [
            ("python -c pass (interpreter start)", [sys.executable, "-c", "pass"], 0, None),
            (f"python -c '{floor}' (pydantic's floor)", [sys.executable, "-c", floor], 0, None),
            ("oncall-policy --version", [tool, "--version"], 0, None),
            ("check policy.yaml", [tool, "check", str(ROOT / "policy.yaml")], 0, 0.3),
            ("check 10,000 alerts (2.4 MB)", [tool, "check", str(big)], 0, 1.5),
            ("check 10,000 alerts, one error", [tool, "check", str(broken)], 1, None),
        ]
        medians = interleaved_medians([(command, expect) for _, command, expect, _ in timed], runs)
        rows = [(what, median, target) for (what, _, _, target), median in zip(timed, medians, strict=True)]
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

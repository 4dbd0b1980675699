"""Benchmark of the Alertmanager target: python bench/alertmanager.py [N]   (default N=10000)

Whole-process wall time (one warm-up, then the median of 5 runs) of ``oncall-policy compile``
for policy.yaml and for the synthetic N-alert policy of bench/make_policy.py, side by side with
``amtool check-config`` on the same output; then, in-process (median of 5), the parts that are
ours: the loader, build (tree, receivers, templates, YAML text) + write, the routing matrix of
every catalog alert, and our YAML emitter against ruamel.yaml's safe dumper on the same data.
Targets: compile policy.yaml <= 0.5 s; compile N=10000 <= 3 s; matrix N=10000 <= 1 s.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from oncall_policy.checks.checked import load_policy_bytes
from oncall_policy.compile import alertmanager
from oncall_policy.compile.yamltext import render
from oncall_policy.output import write
from oncall_policy.provenance import Source
from oncall_policy.verify.matrix import Matrix, generated
from timing import ENV, median_of

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def process(*command: str) -> Callable[[], object]:
    return lambda: subprocess.run(command, check=True, capture_output=True, env=ENV)


def whole_process(policy: Path, out: Path) -> list[tuple[str, float]]:
    cli = str(Path(sys.executable).parent / "oncall-policy")
    rows = [
        (
            f"oncall-policy compile ({policy.name})",
            median_of(process(cli, "compile", "--policy", str(policy), "--out", str(out))),
        )
    ]
    amtool = shutil.which("amtool")
    if amtool:
        rows.append(
            (
                "  amtool check-config (same output)",
                median_of(process(amtool, "check-config", str(out / "alertmanager.yml"))),
            )
        )
    return rows


def in_process(policy: Path, out: Path) -> list[tuple[str, float]]:
    raw = policy.read_bytes()
    loaded = load_policy_bytes(raw, str(policy))
    source = Source.of(policy, raw)
    _, config = generated(loaded, source)
    data = alertmanager.config(loaded)
    rows = [
        (
            "  load (the loader)",
            median_of(lambda: load_policy_bytes(raw, str(policy)), warm_up=False),
        ),
        ("  build + write", median_of(lambda: write(alertmanager.build(loaded, source), out))),
        ("  routing matrix (all catalog alerts)", median_of(lambda: Matrix(loaded, config).cases())),
        ("  YAML text: our emitter", median_of(lambda: render(data))),
    ]
    try:
        from ruamel.yaml import YAML  # noqa: PLC0415

        dumper = YAML(typ="safe", pure=False)
        plain = dict(data)
        rows.append(
            ("  YAML text: ruamel.yaml safe dump", median_of(lambda: dumper.dump(plain, io.StringIO())))
        )
    except ImportError:
        pass
    return rows


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        big = work / f"synthetic-{count}.yaml"
        made = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_policy.py"), str(count)],
            check=True,
            capture_output=True,
            text=True,
        )
        big.write_text(made.stdout, encoding="utf-8")
        rows: list[tuple[str, float]] = []
        for policy, label in ((ROOT / "policy.yaml", "clipper"), (big, f"synthetic-{count}")):
            out = work / f"out-{label}"
            rows += whole_process(policy, out)
            rows += in_process(policy, out)
    width = max(len(name) for name, _ in rows)
    print(f"{'what (median of 5)':<{width}}  seconds")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

"""Benchmark what each cache of the command line saves: `check policy.yaml` and `compile`.

Usage: python bench/caches.py [RUNS]   (median of RUNS whole-process runs, default 9)

A cache is a speed trick that must pay its way (issues 11 and 12): each row runs a command with
every cache on, with each one alone, and with none, in turn round after round (as
``timing.interleaved_medians`` does), so the differences are not the machine's drift. Each run's
wall time and its CPU time (user + system, from ``getrusage``) are both kept: on a shared, loaded
machine the wall time of an unchanged command varies by a fifth, the CPU time much less.

The caches are chosen from outside, as a user's environment would: a cache home whose
``oncall-policy/jinja2`` is a plain file leaves the compiled templates uncached, and
``ONCALL_POLICY_NO_CACHE=1`` turns off the validator cache where the package still has one
(commits before issue 11 removed it: this script measured it at no clear gain), else the
template cache.
"""

from __future__ import annotations

import importlib.util
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from timing import ENV

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policy.yaml"


def homes(scratch: Path) -> dict[str, Path]:
    """Two cache homes: one where both caches may live, one where jinja2's cannot."""
    with_jinja = scratch / "cache-home"
    without_jinja = scratch / "cache-home-no-jinja"
    (without_jinja / "oncall-policy").mkdir(parents=True)
    (without_jinja / "oncall-policy" / "jinja2").write_text("not a directory\n", encoding="utf-8")
    return {"jinja": with_jinja, "none": without_jinja}


def variants(scratch: Path) -> list[tuple[str, list[str]]]:
    """(name, ``env`` prefix) for each combination of the caches the package still has."""
    validator = importlib.util.find_spec("oncall_policy.validator_cache") is not None
    places = homes(scratch)
    rows = []
    for name, on_validator, on_jinja in (
        ("both caches", True, True),
        ("validator cache only", True, False),
        ("jinja2 cache only", False, True),
        ("no cache", False, False),
    ):
        if on_validator and not validator:
            continue
        home = places["jinja" if on_jinja else "none"]
        switch = "ONCALL_POLICY_NO_CACHE=" + ("0" if (on_validator if validator else on_jinja) else "1")
        rows.append((name, ["env", f"XDG_CACHE_HOME={home}", switch]))
    return rows


def measured(command: Sequence[str]) -> tuple[float, float]:
    """Run ``command`` (it must succeed): its wall time and its CPU time, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, env=ENV)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(commands: Sequence[Sequence[str]], runs: int) -> list[tuple[float, float]]:
    """The median wall and CPU time of each command, after a warm-up run, taken in turn."""
    for command in commands:
        measured(command)  # warm-up: fills the caches that are on
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for taken, command in zip(samples, commands, strict=True):
            taken.append(measured(command))
    return [
        (statistics.median(w for w, _ in taken), statistics.median(c for _, c in taken)) for taken in samples
    ]


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 9
    tool = shutil.which("oncall-policy") or str(Path(sys.executable).parent / "oncall-policy")
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        commands = {
            "check policy.yaml": [tool, "check", str(POLICY)],
            "compile --out TMP": [tool, "compile", "--policy", str(POLICY), "--out", str(scratch / "out")],
        }
        settings = variants(scratch)
        timed = [
            (what, name, [*prefix, *command])
            for what, command in commands.items()
            for name, prefix in settings
        ]
        medians = interleaved([command for _, _, command in timed], runs)
    uncached = {
        what: pair for (what, name, _), pair in zip(timed, medians, strict=True) if name == "no cache"
    }
    print(f"median of {runs} interleaved runs; change against the same command with no cache")
    print(f"{'what':42}    wall  change     cpu  change")
    for (what, name, _), (wall, cpu) in zip(timed, medians, strict=True):
        base_wall, base_cpu = uncached[what]
        print(
            f"{what + '  ' + name:42} {wall * 1000:5.0f}ms {(wall - base_wall) / base_wall:+6.1%} "
            f"{cpu * 1000:5.0f}ms {(cpu - base_cpu) / base_cpu:+6.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

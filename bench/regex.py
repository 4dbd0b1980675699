"""Benchmark the regex port: parsing, import, Unicode tables, compiling and matching.

Usage: python bench/regex.py

Times (median of repeated runs, in this process unless said otherwise): parse of typical silence
regexes; importing matching.syntax and matching.engine (fresh processes, ``-X importtime``);
loading each Unicode data file; the first match of a value (parse, emit, RE2 compile, google-re2
imported) and a repeated match.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from oncall_policy.matching import engine
from oncall_policy.matching.syntax import parse

NAMES = [
    "SLOAvailabilityBreach",
    "SLOErrorRateBreach",
    "ServiceDown",
    "DatabaseDown",
    "RedisDown",
    "HighErrorRate",
    "HighResponseTime",
    "HighMemoryUsage",
    "LowDiskSpace",
    "FailedAuthenticationSpike",
    "SQLInjectionAttempt",
    "SuspiciousSecurityEvent",
    "KubePodCrashLooping",
    "KubeNodeNotReady",
    "KubeDeploymentReplicasMismatch",
    "NodeFilesystemAlmostFull",
    "NodeMemoryHighUtilization",
    "PrometheusTargetMissing",
    "AlertmanagerFailedReload",
    "CPUThrottlingHigh",
    "EtcdMembersDown",
    "TargetDown",
    "Watchdog",
    "InfoInhibitor",
    "KubeAPIErrorBudgetBurn",
    "KubeletDown",
    "KubeStatefulSetReplicasMismatch",
    "NodeClockSkewDetected",
    "NodeNetworkReceiveErrs",
    "BlackboxProbeFailed",
]
PATTERNS = {
    "two names": "HighMemoryUsage|ServiceDown",
    "api-(eu|us)-\\d+": r"api-(eu|us)-\d+",
    "30-name alternation": "|".join(NAMES),
    "(?i) 30 names": "(?i)" + "|".join(NAMES),
}


def median_us(action: Callable[[], object], number: int = 200, repeat: int = 7) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            action()
        samples.append((time.perf_counter() - started) / number)
    return statistics.median(samples) * 1e6


def import_ms(module: str) -> float:
    """Cumulative import time of ``module`` in a fresh process (median of 7), from -X importtime."""
    samples = []
    for _ in range(7):
        command = [sys.executable, "-X", "importtime", "-c", f"import {module}"]
        err = subprocess.run(command, capture_output=True, text=True, check=True).stderr
        line = next(line for line in err.splitlines() if line.rstrip().endswith(f"| {module}"))
        samples.append(int(re.split(r"\s*\|\s*", line)[1]) / 1000)
    return statistics.median(samples)


def fresh_ms(code: str) -> float:
    """Wall time of ``code`` (which prints seconds) in a fresh process, median of 7."""
    runs = [float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(7)]
    return statistics.median(runs) * 1000


TIMED = (
    "import time; from oncall_policy.matching import unicode_tables as u;"
    "t = time.perf_counter(); {}; print(time.perf_counter() - t)"
)
FIRST_MATCH = (
    "import time; t = time.perf_counter();"
    "from oncall_policy.matching import engine, syntax;"
    "engine.compile(syntax.parse('^(?:HighMemoryUsage|ServiceDown)$')).fullmatch('ServiceDown');"
    "print(time.perf_counter() - t)"
)


def compile_afresh(anchored: str) -> engine.Pattern:
    engine._cache.clear()  # noqa: SLF001 - each compile from scratch
    return engine.compile(parse(anchored))


def main() -> None:
    print("parse (us):")
    for name, pattern in PATTERNS.items():
        print(f"  {name:24} {median_us(lambda p=pattern: parse(p)):8.1f}")
        print(f"  {name + ' anchored':24} {median_us(lambda p=pattern: parse(f'^(?:{p})$')):8.1f}")
    print("import, cumulative (ms):")
    for module in ("oncall_policy.matching.syntax", "oncall_policy.matching.engine", "re2"):
        print(f"  {module:32} {import_ms(module):6.2f}")
    print("Unicode data, first use in a fresh process (ms):")
    print(f"  folds (non-ASCII (?i))         {fresh_ms(TIMED.format('u.fold_orbit(0xE9)')):6.2f}")
    print(f"  tables (\\pL)                   {fresh_ms(TIMED.format('u.unicode_table(chr(76))')):6.2f}")
    print(f"first match in a fresh process, imports included (ms): {fresh_ms(FIRST_MATCH):6.2f}")
    print("engine (us):")
    for name, pattern in PATTERNS.items():
        anchored = f"^(?:{pattern})$"
        compile_us = median_us(lambda a=anchored: compile_afresh(a), 50)
        compiled = compile_afresh(anchored)
        match_us = median_us(lambda c=compiled: c.fullmatch("KubePodCrashLooping"), 2000)
        again_us = median_us(lambda a=anchored: engine.compile(parse(a)).fullmatch("ServiceDown"))
        print(f"  {name:24} parse+compile {compile_us:7.1f}, match {match_us:5.2f}, ", end="")
        print(f"parse+cached compile+match {again_us:6.1f}")


if __name__ == "__main__":
    main()

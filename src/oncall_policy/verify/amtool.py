"""Running the real ``amtool`` (Debian's prometheus-alertmanager 0.25): ``check-config`` and
``config routes test``. Every call is a process of ~20 ms, so many label sets are routed in
parallel threads (each waits on its own process). One that has not finished after ``TIMEOUT``
seconds, or that writes more than ``processes.MAX_OUTPUT``, is stopped, and one that fails is
reported with what it said: ``processes`` runs it and raises its errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from oncall_policy import processes

Item = TypeVar("Item")
Result = TypeVar("Result")

WORKERS = 4
# Both commands read local files only and take ~20 ms: a minute is a hung amtool, not a slow one.
TIMEOUT = 60.0


def _run(arguments: Sequence[str]) -> tuple[int, str, str]:
    return processes.run(["amtool", *arguments], TIMEOUT)


def _output(arguments: Sequence[str]) -> str:
    """What amtool writes to its standard output, or ``CalledToolError`` when it fails."""
    returncode, stdout, stderr = _run(arguments)
    if returncode != 0:
        raise processes.CalledToolError(["amtool", *arguments], returncode, stdout, stderr)
    return stdout


def check_config(*paths: Path) -> str:
    """``amtool check-config``; its report, or ``CalledToolError`` when any file fails."""
    return _output(["check-config", *map(str, paths)])


def label_argument(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{name}="{escaped}"'


def _routes_test(config: Path, labels: Mapping[str, str], *verify: str) -> list[str]:
    labelled = [label_argument(k, v) for k, v in sorted(labels.items())]
    return ["config", "routes", "test", f"--config.file={config}", *verify, *labelled]


def routes_test(config: Path, labels: Mapping[str, str]) -> tuple[str, ...]:
    """The receivers amtool routes ``labels`` to, in its (tree) order."""
    line = _output(_routes_test(config, labels)).strip()
    return tuple(line.split(",")) if line else ()


def routes_verify(config: Path, labels: Mapping[str, str], receivers: Sequence[str]) -> bool:
    """Whether amtool's ``--verify.receivers`` (an exact, order-sensitive compare) agrees."""
    arguments = _routes_test(config, labels, f"--verify.receivers={','.join(receivers)}")
    returncode, stdout, stderr = _run(arguments)
    if returncode not in (0, 1) or (returncode == 1 and "WARNING" not in stdout):  # 1 alone: a disagreement
        raise processes.CalledToolError(["amtool", *arguments], returncode, stdout, stderr)
    return returncode == 0


def routes_test_many(config: Path, label_sets: Sequence[Mapping[str, str]]) -> list[tuple[str, ...]]:
    return _parallel(lambda labels: routes_test(config, labels), label_sets)


def routes_test_distinct(
    config: Path, label_sets: Sequence[Mapping[str, str]], tested: Iterable[str]
) -> list[tuple[str, ...]]:
    """``routes_test_many``, asking amtool once per distinct combination of the ``tested`` labels
    (every label the configuration's route tree matches on): routing reads nothing else, so
    alerts that agree on them are routed alike. 40 processes instead of 1,000 for the
    1,000-alert synthetic policy; the answer is still given for every label set."""
    names = sorted(set(tested))
    keys = [tuple(labels.get(name, "") for name in names) for labels in label_sets]
    first: dict[tuple[str, ...], Mapping[str, str]] = {}
    for key, labels in zip(keys, label_sets, strict=True):
        first.setdefault(key, labels)
    answers = dict(zip(first, routes_test_many(config, list(first.values())), strict=True))
    return [answers[key] for key in keys]


def routes_verify_many(config: Path, cases: Sequence[tuple[Mapping[str, str], Sequence[str]]]) -> list[bool]:
    return _parallel(lambda case: routes_verify(config, *case), cases)


def _parallel(run: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """``run`` of each item, ``WORKERS`` at a time. When one fails (a hung amtool is stopped after
    ``TIMEOUT``), those not started yet are not started: the failure is told after one
    ``TIMEOUT``, not after one for every item waiting."""
    pool = ThreadPoolExecutor(WORKERS)
    try:
        return list(pool.map(run, items))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

"""Running the real ``amtool`` (Debian's prometheus-alertmanager 0.25): ``check-config`` and
``config routes test``. Every call is a process of ~20 ms, so many label sets are routed in
parallel threads (each waits on its own process). One that has not finished after ``TIMEOUT``
seconds, or that writes more than ``processes.MAX_OUTPUT``, is stopped (``processes``) and
reported as ``ToolTimeoutError`` or ``ToolOutputError``."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from oncall_policy import processes
from oncall_policy.errors import OncallPolicyError

Item = TypeVar("Item")
Result = TypeVar("Result")

WORKERS = 4
# Both commands read local files only and take ~20 ms: a minute is a hung amtool, not a slow one.
TIMEOUT = 60.0


class ToolMissingError(OncallPolicyError):
    def __init__(self, name: str) -> None:
        super().__init__(f"`{name}` not found; install prometheus-alertmanager")


class ToolError(OncallPolicyError):
    """A tool that failed: what ran, how it ended and what it said."""

    def __init__(self, command: Sequence[str], returncode: int, stdout: str, stderr: str) -> None:
        super().__init__(command, returncode, stdout, stderr)
        self.command, self.returncode, self.stdout, self.stderr = command, returncode, stdout, stderr

    def __str__(self) -> str:
        return (
            f"command {' '.join(self.command)!r} exited with {self.returncode}\n"
            f"stdout: {self.stdout.strip() or '(none)'}\nstderr: {self.stderr.strip() or '(none)'}"
        )


def find() -> str:
    path = shutil.which("amtool")
    if path is None:
        raise ToolMissingError("amtool")
    return path


class Done:
    """How an amtool run ended."""

    __slots__ = ("returncode", "stderr", "stdout")

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _run(arguments: Sequence[str], check: bool = True) -> Done:
    command = [find(), *arguments]
    done = Done(*processes.run(command, TIMEOUT))
    if check and done.returncode != 0:
        raise ToolError(command, done.returncode, done.stdout, done.stderr)
    return done


def check_config(*paths: Path) -> str:
    """``amtool check-config``; its report, or ``ToolError`` when any file fails."""
    return _run(["check-config", *map(str, paths)]).stdout


def label_argument(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{name}="{escaped}"'


def _routes_test(config: Path, labels: Mapping[str, str], *verify: str) -> list[str]:
    labelled = [label_argument(k, v) for k, v in sorted(labels.items())]
    return ["config", "routes", "test", f"--config.file={config}", *verify, *labelled]


def routes_test(config: Path, labels: Mapping[str, str]) -> tuple[str, ...]:
    """The receivers amtool routes ``labels`` to, in its (tree) order."""
    line = _run(_routes_test(config, labels)).stdout.strip()
    return tuple(line.split(",")) if line else ()


def routes_verify(config: Path, labels: Mapping[str, str], receivers: Sequence[str]) -> bool:
    """Whether amtool's ``--verify.receivers`` (an exact, order-sensitive compare) agrees."""
    arguments = _routes_test(config, labels, f"--verify.receivers={','.join(receivers)}")
    done = _run(arguments, check=False)
    if done.returncode not in (0, 1) or (done.returncode == 1 and "WARNING" not in done.stdout):
        raise ToolError(["amtool", *arguments], done.returncode, done.stdout, done.stderr)
    return done.returncode == 0


def routes_test_many(config: Path, label_sets: Sequence[Mapping[str, str]]) -> list[tuple[str, ...]]:
    return _parallel(lambda labels: routes_test(config, labels), label_sets)


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

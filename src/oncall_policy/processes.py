"""Running another program (amtool), bounded in time.

``subprocess.run(timeout=…)`` kills the program it started, but not what that program started
in turn: a wrapper script's ``sleep``, or a stuck helper, lives on, holding its output pipes. So
the program runs in a process group of its own, and when its time is up the whole group is
killed, our ends of the pipes are closed, and the caller is told ``ToolTimeoutError``.
"""

from __future__ import annotations

from oncall_policy import TYPE_CHECKING
from oncall_policy.errors import OncallPolicyError

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Sequence


class ToolTimeoutError(OncallPolicyError):
    """A program that did not finish in time and was stopped."""

    def __init__(self, name: str, seconds: float, consequence: str = "") -> None:
        super().__init__(f"{name} did not answer within {seconds:g} s; it was stopped{consequence}")
        self.name = name
        self.seconds = seconds


def run(argv: Sequence[str], timeout: float) -> tuple[int, str, str]:
    """Run ``argv`` (never through a shell) with no input; its exit status, standard output and
    standard error, or ``ToolTimeoutError`` once ``timeout`` seconds have passed."""
    import subprocess  # noqa: PLC0415 - only commands that run amtool need it

    process = subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: stopped with all it started
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise ToolTimeoutError(argv[0].rpartition("/")[2], timeout) from None
    except BaseException:  # interrupted: nothing it started outlives this process's wait
        _stop(process)
        raise
    return process.returncode, stdout, stderr


def _stop(process: subprocess.Popen[str]) -> None:
    """Kill the process group ``process`` leads, close our ends of its pipes, and reap it. Only
    while it is not reaped is its id still its own (and its group's), never another's."""
    import os  # noqa: PLC0415
    import signal  # noqa: PLC0415
    from contextlib import suppress  # noqa: PLC0415

    if process.returncode is None:
        with suppress(ProcessLookupError):  # already gone, with all it started
            os.killpg(process.pid, signal.SIGKILL)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    process.wait()

"""Running another program (amtool), bounded in time and in the output kept.

``subprocess.run(timeout=…)`` kills the program it started, but not what that program started
in turn: a wrapper script's ``sleep``, or a stuck helper, lives on, holding its output pipes. So
the program runs in a process group of its own, and when its time is up the whole group is
killed, our ends of the pipes are closed, and the caller is told ``ToolTimeoutError``.

``communicate()`` also keeps all a program writes, however much: an amtool (or a wrapper) that
writes without end fills memory by gigabytes before its time is up. So both outputs are read
here, each up to ``MAX_OUTPUT``; a program that writes more is stopped the same way, and the
caller is told ``ToolOutputError``.
"""

from __future__ import annotations

from oncall_policy.errors import OncallPolicyError
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Sequence

MiB = 1024 * 1024
# amtool writes a silence id, a list of receivers or a config check's report: a few KiB at most.
# Thousands of times that is still no real output, and still cheap to hold (twice, one per stream).
MAX_OUTPUT = 16 * MiB
CHUNK = 64 * 1024  # a pipe's default capacity: one read takes all a writer can have queued


class ToolStoppedError(OncallPolicyError):
    """A program stopped before it finished, with all it started: ``why`` says what it did."""

    def __init__(self, name: str, why: str, consequence: str = "") -> None:
        super().__init__(f"{name} {why}; it was stopped{consequence}")
        self.name = name


class ToolTimeoutError(ToolStoppedError):
    """A program that did not finish in time and was stopped."""

    def __init__(self, name: str, seconds: float, consequence: str = "") -> None:
        super().__init__(name, f"did not answer within {seconds:g} s", consequence)
        self.seconds = seconds


class ToolOutputError(ToolStoppedError):
    """A program that wrote more than ``MAX_OUTPUT`` to one of its outputs and was stopped."""

    def __init__(self, name: str, stream: str, consequence: str = "") -> None:
        super().__init__(name, f"wrote more than {MAX_OUTPUT // MiB} MiB to its {stream}", consequence)
        self.stream = stream


def run(argv: Sequence[str], timeout: float) -> tuple[int, str, str]:
    """Run ``argv`` (never through a shell) with no input; its exit status, standard output and
    standard error, or ``ToolTimeoutError`` once ``timeout`` seconds have passed, or
    ``ToolOutputError`` once it has written more than ``MAX_OUTPUT`` to either output."""
    import subprocess  # noqa: PLC0415 - only commands that run amtool need it
    import time  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    name = argv[0].rpartition("/")[2]
    process = subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: stopped with all it started
    )
    with process:  # our ends of its pipes closed however this ends
        try:
            stdout, stderr = _read(process, name, deadline)
            process.wait(max(0.0, deadline - time.monotonic()))  # it may close its outputs, then linger
        except subprocess.TimeoutExpired:
            _stop(process)
            raise ToolTimeoutError(name, timeout) from None
        except BaseException:  # too much output, or interrupted: nothing it started outlives this
            _stop(process)
            raise
    return process.returncode, _text(stdout), _text(stderr)


def _read(process: subprocess.Popen[bytes], name: str, deadline: float) -> tuple[bytes, bytes]:
    """All ``process`` writes until it closes both outputs; ``subprocess.TimeoutExpired`` at
    ``deadline``, ``ToolOutputError`` past ``MAX_OUTPUT`` on either. One thread waits on both
    pipes, so neither can fill up and block the program while the other is read."""
    import os  # noqa: PLC0415
    import selectors  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import time  # noqa: PLC0415

    assert process.stdout is not None  # noqa: S101 - both were asked for as pipes
    assert process.stderr is not None  # noqa: S101
    kept = {process.stdout.fileno(): bytearray(), process.stderr.fileno(): bytearray()}
    streams = dict(zip(kept, ("standard output", "standard error"), strict=True))
    with selectors.DefaultSelector() as selector:
        for fd in kept:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(process.args, left)
            for key, _ in selector.select(left):
                chunk = os.read(key.fd, CHUNK)  # never blocks: the pipe is readable
                if not chunk:
                    selector.unregister(key.fd)
                kept[key.fd] += chunk
                if len(kept[key.fd]) > MAX_OUTPUT:
                    raise ToolOutputError(name, streams[key.fd])
    return bytes(kept[process.stdout.fileno()]), bytes(kept[process.stderr.fileno()])


def _text(output: bytes) -> str:
    """``output`` as ``text=True`` would read it (the locale's encoding, universal newlines), but
    with undecodable bytes replaced rather than failing the command."""
    import locale  # noqa: PLC0415

    text = output.decode(locale.getpreferredencoding(do_setlocale=False), errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _stop(process: subprocess.Popen[bytes]) -> None:
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

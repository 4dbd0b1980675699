"""Running another program (amtool, git), bounded in time and in the output kept, and the errors
that say how it went wrong.

``subprocess.run(timeout=…)`` kills the program it started, but not what that program started
in turn: a wrapper script's ``sleep``, or a stuck helper, lives on, holding its output pipes. So
the program runs in a process group of its own, and when its time is up the whole group is
killed, our ends of the pipes are closed, and the caller is told ``ToolTimeoutError``.

``communicate()`` also keeps all a program writes, however much: an amtool (or a wrapper) that
writes without end fills memory by gigabytes before its time is up. So both outputs are read
here, each up to ``MAX_OUTPUT``; a program that writes more is stopped the same way, and the
caller is told ``ToolOutputError``.

Every error is a ``ToolError`` and says the command, shell-quoted so that it can be pasted and run
again; one that failed (``CalledToolError``) says, as pre-commit's ``CalledProcessError`` does, its
exit code and what it wrote to each output. A caller whose command holds a secret (a URL's
password) passes ``shown``, the command as people may see it.
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
# The Debian package that brings each program we run: what a "not found" says to install.
PACKAGES = {"amtool": "prometheus-alertmanager", "git": "git"}
# A program says what went wrong last: an error shows the end of each output, enough to read,
# not the megabytes a broken program may write before it ends.
SHOWN_LINES = 20
SHOWN_LINE_LENGTH = 300


class ToolError(OncallPolicyError):
    """A program that could not be run, or did not do its job. ``command``: as people may see
    it (its first word the program, as asked for: ``amtool``, not where it was found)."""

    def __init__(self, command: Sequence[str], *details: object) -> None:
        super().__init__(tuple(command), *details)
        self.command = tuple(command)

    @property
    def name(self) -> str:
        return self.command[0].rpartition("/")[2]

    def _summary(self) -> str:
        return f"{self.name} failed"

    def __str__(self) -> str:
        return f"{self._summary()}\ncommand: {_quoted(self.command)}"


class ToolNotFoundError(ToolError):
    """A program that is not on ``PATH`` (none of ours has an option to point at it elsewhere)."""

    def __str__(self) -> str:
        package = PACKAGES.get(self.name)
        return f"`{self.name}` not found" + (f"; install {package}" if package else " on PATH")


class CalledToolError(ToolError):
    """A program that ended with an exit code that means it failed, and what it wrote."""

    def __init__(self, command: Sequence[str], returncode: int, stdout: str, stderr: str) -> None:
        super().__init__(command, returncode, stdout, stderr)
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def __str__(self) -> str:
        return (
            f"{super().__str__()}\nexit code: {self.returncode}\n"
            f"stdout:{_indented(self.stdout)}\nstderr:{_indented(self.stderr)}"
        )


class ToolStoppedError(ToolError):
    """A program stopped before it finished, with all it started. ``consequence``: what that
    means for the caller's work, said after "it was stopped" (set by the caller, who knows)."""

    consequence = ""

    def _why(self) -> str:
        return "did not finish"

    def _summary(self) -> str:
        return f"{self.name} {self._why()}; it was stopped{self.consequence}"


class ToolTimeoutError(ToolStoppedError):
    """A program that did not finish in time and was stopped."""

    def __init__(self, command: Sequence[str], seconds: float) -> None:
        super().__init__(command, seconds)
        self.seconds = seconds

    def _why(self) -> str:
        return f"did not answer within {self.seconds:g} s"


class ToolOutputError(ToolStoppedError):
    """A program that wrote more than ``MAX_OUTPUT`` to one of its outputs and was stopped."""

    def __init__(self, command: Sequence[str], stream: str) -> None:
        super().__init__(command, stream)
        self.stream = stream

    def _why(self) -> str:
        return f"wrote more than {MAX_OUTPUT // MiB} MiB to its {self.stream}"


def _quoted(command: Sequence[str]) -> str:
    import shlex  # noqa: PLC0415 - only for an error: it imports `re`, which the silence path avoids

    return shlex.join(command)


def _indented(output: str) -> str:
    """``output`` as pre-commit shows it after its label: its lines indented, or `` (none)``;
    only its last ``SHOWN_LINES`` lines, each cut at ``SHOWN_LINE_LENGTH`` characters."""
    lines = output.rstrip().splitlines()
    if not lines:
        return " (none)"
    shown = [_cut(line.rstrip()) for line in lines[-SHOWN_LINES:]]
    if len(lines) > SHOWN_LINES:
        shown.insert(0, f"[{len(lines) - SHOWN_LINES} lines before these not shown]")
    return "".join(f"\n    {line}" for line in shown)


def _cut(line: str) -> str:
    if len(line) <= SHOWN_LINE_LENGTH:
        return line
    return f"{line[:SHOWN_LINE_LENGTH]}… [{len(line) - SHOWN_LINE_LENGTH} more characters]"


def run(argv: Sequence[str], timeout: float, shown: Sequence[str] | None = None) -> tuple[int, str, str]:
    """Run ``argv`` (never through a shell) with no input; its exit code, standard output and
    standard error, read as text. Raise ``ToolNotFoundError`` when ``argv[0]`` is not on ``PATH``,
    ``ToolTimeoutError`` once ``timeout`` seconds have passed, or ``ToolOutputError`` once it has
    written more than ``MAX_OUTPUT`` to either output; each naming the command as ``shown``
    (default: ``argv``)."""
    returncode, stdout, stderr = _run_bytes(argv, timeout, shown)
    return returncode, _text(stdout), _text(stderr)


def output(argv: Sequence[str], timeout: float, shown: Sequence[str] | None = None) -> bytes:
    """The standard output of ``argv``, as bytes, run as ``run`` runs it; ``CalledToolError`` when
    it exits with anything but 0."""
    returncode, stdout, stderr = _run_bytes(argv, timeout, shown)
    if returncode != 0:
        raise CalledToolError(shown or argv, returncode, _text(stdout), _text(stderr))
    return stdout


def _run_bytes(
    argv: Sequence[str], timeout: float, shown: Sequence[str] | None = None
) -> tuple[int, bytes, bytes]:
    """``run``, with the outputs as the program wrote them."""
    import shutil  # noqa: PLC0415 - only commands that run another program need these
    import subprocess  # noqa: PLC0415
    import time  # noqa: PLC0415

    command = tuple(shown or argv)
    path = shutil.which(argv[0])
    if path is None:
        raise ToolNotFoundError(command)
    deadline = time.monotonic() + timeout
    process = subprocess.Popen(
        [path, *argv[1:]],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: stopped with all it started
    )
    with process:  # our ends of its pipes closed however this ends
        try:
            stdout, stderr = _read(process, command, deadline)
            process.wait(max(0.0, deadline - time.monotonic()))  # it may close its outputs, then linger
        except subprocess.TimeoutExpired:
            _stop(process)
            raise ToolTimeoutError(command, timeout) from None
        except BaseException:  # too much output, or interrupted: nothing it started outlives this
            _stop(process)
            raise
    return process.returncode, stdout, stderr


def _read(process: subprocess.Popen[bytes], command: Sequence[str], deadline: float) -> tuple[bytes, bytes]:
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
                    raise ToolOutputError(command, streams[key.fd])
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

"""A large audit on several processes, each judging a part of the listing.

A silence's verdict needs every listed silence that keeps the policy by itself (its history), so
the parts are judged in two rounds: each process reads its part of the listing and judges it
alone, and tells which of its silences keep the policy; once every process knows them all, each
reads the others' silences that do (its history), judges its part with that history and renders
each finding. The findings come back in listing order: the outcome is the serial audit's (a test
holds them equal). Silences naming the same label values go to the same part, as they share the
alert instances whose history is worked out once per process.

Processes are forked (POSIX), so the policy and the listing are shared, copy on write. Where
forking is not possible, the listing is small, or any part fails, the whole audit is done in
this process. Measured on a 2-core machine, 20,000 listed silences: judging them takes 0.9 s in
one process, 0.5 s in two; of 50,000, reading them is a sixth of the audit, done in parts too.
"""

from __future__ import annotations

import os
import pickle
import signal
import socket
import sys
import time
from pathlib import Path

from oncall_policy.silence import audit, labels
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any, Final, TypeVar

    from oncall_policy.silence.audit import Finding
    from oncall_policy.silence.evaluate import Silence
    from oncall_policy.silence.rules import Rules
    from oncall_policy.silence.verdict import Verdict

    Rendered = TypeVar("Rendered")

PART_SIZE = 4000  # fewer silences a process than this: forking costs more than it saves
# A child that has not answered this many times as long as this process took over its own part,
# and at least ``ANSWER_SECONDS``, is taken to have failed (wedged, stopped): parts are about
# equal, so a child that far behind is not just slower.
ANSWER_SECONDS = 10.0
ANSWER_FACTOR = 4
MAX_PARTS = 8
_LENGTH = 8  # bytes of a message's length


class _PartFailedError(Exception):
    """A part could not be judged in its process (the audit is then done serially)."""


class _Failure:
    """What a child sends instead of its answer when its part fails: why."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why


def audit_rendered(
    listed: Sequence[Mapping[str, Any]],
    rules: Rules,
    render: Callable[[Finding], Rendered],
    parts: int | None = None,
) -> list[Rendered]:
    """``render`` of each finding of ``audit.audit``, in order, the listing judged in parts by
    as many processes; ``parts``: how many (default: by size and CPUs)."""
    count = default_parts(len(listed)) if parts is None else parts
    # A silence without an id is named by its place in the list it is judged in: only the serial
    # audit names it as the serial audit does.
    if count > 1 and hasattr(os, "fork") and all(map(_has_id, listed)):
        try:
            return _forked(listed, _parts(listed, count), rules, render)
        except _PartFailedError as error:
            print(
                f"oncall-policy: note: judging in parts failed ({error}); judging in one process",
                file=sys.stderr,
            )
    silences = [audit.read(item) for item in listed]
    with labels.judgement(len(silences)):  # one allowance for every step, as audit.audit
        assessed = audit.assess_all(silences, rules)
        alone = audit.judge_alone(silences, rules, assessed)
        history = audit.history_of(silences, alone)
        return [render(finding) for finding in audit.findings(silences, alone, history, rules, assessed)]


def default_parts(count: int) -> int:
    """As many parts as CPUs this process may use and no other task is running on right now,
    each of at least ``PART_SIZE`` silences. Judging in parts costs a quarter more work in all
    (each part reads the others' kept silences, pages are copied on write): it pays only on idle
    CPUs. Measured on a 2-core machine, 50,000 silences, beside other work (load average 4.5):
    6.0 s in one process, 7.0 s in two; at load average 2.6: 5.1 s in one, 4.4 s in two."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(available - others_running(), MAX_PARTS, count // PART_SIZE))


def others_running() -> int:
    """How many other tasks are running at this moment (Linux's ``/proc/loadavg``: running/total;
    0 where it cannot be read)."""
    try:
        running = int(Path("/proc/loadavg").read_text(encoding="ascii").split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, running - 1)  # this process is one of them


def _has_id(item: Mapping[str, Any]) -> bool:
    """Whether the listed silence has an id (``audit.read`` names it by it)."""
    ident = item.get("id")
    return type(ident) is str and ident != ""


def _parts(listed: Sequence[Mapping[str, Any]], count: int) -> list[list[int]]:
    """The listed silences' indices in ``count`` parts, by the label values they name with ``=``
    (other than the alert's name): silences on the same instances are judged by one process.
    Read from the listing as it is (it is read into silences by the parts): which part a silence
    falls in changes only how fast it is judged."""
    found: list[list[int]] = [[] for _ in range(count)]
    for index, item in enumerate(listed):
        found[hash(_named(item)) % count].append(index)
    return found


def _named(item: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    raw = item.get("matchers")
    if type(raw) is not list:
        return frozenset()
    return frozenset(
        (name, value)
        for matcher in raw
        if isinstance(matcher, dict)
        and type(name := matcher.get("name")) is str
        and type(value := matcher.get("value")) is str
        and name != "alertname"
        and matcher.get("isRegex") is False
        and matcher.get("isEqual") is not False
    )


class _Part:
    """One part of the listing in the process that judges it: its silences, read here (by index
    in the listing), their assessments and their verdicts by themselves."""

    __slots__ = ("_judgement", "alone", "assessed", "listed", "mine")

    def __init__(self, listed: Sequence[Mapping[str, Any]], indices: Sequence[int], rules: Rules) -> None:
        self.listed: Final = listed
        self.mine: Final = {index: audit.read(listed[index]) for index in indices}
        silences = list(self.mine.values())
        self._judgement: Final = labels.judgement(len(silences))  # one allowance for both rounds
        with self._judgement:
            self.assessed: Final = audit.assess_all(silences, rules)
            self.alone: Final = audit.judge_alone(silences, rules, self.assessed)

    def history(self, kept: bytes | bytearray) -> list[Silence]:
        """Every listed silence that keeps the policy by itself (``kept``: 1 each, by index), in
        listing order: this part's as read, the others' read here."""
        return [
            self.mine[index] if index in self.mine else audit.read(self.listed[index])
            for index, keeps in enumerate(kept)
            if keeps
        ]

    def rendered(
        self, kept: bytes | bytearray, rules: Rules, render: Callable[[Finding], Rendered]
    ) -> dict[int, Rendered]:
        """Each finding on a live silence of the part, judged with the history ``kept`` names,
        rendered, by the index of its silence in the listing."""
        silences = list(self.mine.values())
        with self._judgement:
            found = audit.findings(silences, self.alone, self.history(kept), rules, self.assessed)
        live = [index for index, silence in self.mine.items() if silence.state in audit.LIVE]
        return {index: render(finding) for index, finding in zip(live, found, strict=True)}


def _forked(
    listed: Sequence[Mapping[str, Any]],
    parts: list[list[int]],
    rules: Rules,
    render: Callable[[Finding], Rendered],
) -> list[Rendered]:
    """Part 0 judged here, each other part by a forked child; the findings merged in order.
    ``_PartFailedError`` when a child does not answer as its part asks, whatever the reason: it
    ended (a broken pipe), it sent what is not an answer, or it did not answer in time."""
    for stream in (sys.stdout, sys.stderr):  # a child must not write this process's buffers again
        if stream is not None:
            stream.flush()
    children: list[tuple[int, socket.socket]] = []
    answered = False
    try:
        rendered = _exchanged(listed, parts, rules, render, children)
        answered = True
    except _PartFailedError:
        raise
    except Exception as error:  # any fault in the exchange: the audit is done in this process
        raise _PartFailedError(f"{type(error).__name__}: {error}") from error
    finally:
        for pid, channel in children:
            channel.close()
            _reap(pid, wait=answered)
    return [rendered[index] for index in range(len(listed)) if index in rendered]  # the live ones


def _exchanged(
    listed: Sequence[Mapping[str, Any]],
    parts: list[list[int]],
    rules: Rules,
    render: Callable[[Finding], Rendered],
    children: list[tuple[int, socket.socket]],
) -> dict[int, Rendered]:
    """The children forked (each added to ``children``), both rounds exchanged: every finding
    rendered, by the index of its silence."""
    for part in parts[1:]:
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the child: judge one part, then leave without running this process's exit
            ours.close()
            for _, other in children:
                other.close()
            _child(theirs, listed, part, rules, render)
        theirs.close()
        children.append((pid, ours))
    started = time.monotonic()
    mine = _Part(listed, parts[0], rules)
    kept = bytearray(len(listed))
    _mark(kept, parts[0], mine.alone)
    for part, (_, channel) in zip(parts[1:], children, strict=True):
        channel.settimeout(_patience(time.monotonic() - started))  # each read, then its send
        _mark(kept, part, _receive(channel))
    for _, channel in children:
        _send(channel, bytes(kept))
    # Each child's findings are read while this process judges its own part: else the child
    # waits with them (13 MB of 25,000 rendered rows) until this one is done, then they pass.
    answers = [_Answer(channel) for _, channel in children]
    started = time.monotonic()
    rendered = mine.rendered(kept, rules, render)
    patience = _patience(time.monotonic() - started)
    for answer in answers:
        rendered.update(_from_columns(answer.message(patience)))
    return rendered


def _patience(took: float) -> float:
    """How long to wait for a child's answer, once this process took ``took`` over its own part."""
    return max(ANSWER_SECONDS, ANSWER_FACTOR * took)


def _mark(kept: bytearray, part: Sequence[int], verdicts: Sequence[Verdict | int]) -> None:
    """Mark in ``kept`` the silences of ``part`` whose verdict by itself keeps the policy."""
    if len(verdicts) != len(part):
        raise _PartFailedError("a part told a wrong number of verdicts")
    for index, verdict in zip(part, verdicts, strict=True):
        kept[index] = verdict if isinstance(verdict, int) else verdict.accepted


def _child(
    channel: socket.socket,
    listed: Sequence[Mapping[str, Any]],
    part: Sequence[int],
    rules: Rules,
    render: Callable[[Finding], Rendered],
) -> None:
    status = 1
    try:
        try:
            mine = _Part(listed, part, rules)
            _send(channel, bytes(1 if verdict.accepted else 0 for verdict in mine.alone))
            _send(channel, _columns(mine.rendered(_receive(channel), rules, render)))
            status = 0
        except Exception as error:  # noqa: BLE001 - told to the parent, which judges the part itself
            _send(channel, _Failure(f"{type(error).__name__}: {error}"))
    finally:
        os._exit(status)  # never this process's exit handlers, nor its inherited buffers


def _columns(rendered: dict[int, Any]) -> tuple[list[int], type | None, list[Any]]:
    """``rendered`` as a child sends it: its indices, and its values as one list per field when
    they are all of one ``NamedTuple`` class (the audit's rows: 13 MB for 25,000 rows, pickled
    and read back in 26 ms where a row each took 61 ms), else as they are."""
    values = list(rendered.values())
    kind = type(values[0]) if values else None
    if kind is None or not getattr(kind, "_fields", ()) or any(type(value) is not kind for value in values):
        return list(rendered), None, values
    return list(rendered), kind, list(zip(*values, strict=True))


def _from_columns(columns: tuple[list[int], type | None, list[Any]]) -> dict[int, Any]:
    """What ``_columns`` was given."""
    indices, kind, values = columns
    if kind is None:
        return dict(zip(indices, values, strict=True))
    return dict(zip(indices, map(kind._make, zip(*values, strict=True)), strict=True))  # type: ignore[attr-defined]


def _send(channel: socket.socket, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    channel.sendall(len(data).to_bytes(_LENGTH, "big") + data)


def _receive(channel: socket.socket) -> Any:
    return _decoded(_exactly(channel, int.from_bytes(_exactly(channel, _LENGTH), "big")))


def _decoded(data: bytes | bytearray) -> Any:
    message = pickle.loads(data)  # noqa: S301 - from our own forked child
    if isinstance(message, _Failure):
        raise _PartFailedError(message.why)
    return message


class _Answer:
    """A child's next message, read from ``channel`` by a thread of its own as it comes."""

    __slots__ = ("_data", "_failed", "_thread")

    def __init__(self, channel: socket.socket) -> None:
        import threading  # noqa: PLC0415 - only a large audit judges in parts

        self._data = bytearray()
        self._failed: BaseException | None = None
        channel.settimeout(None)  # the wait is bounded where the message is asked for
        self._thread = threading.Thread(target=self._read, args=(channel,), daemon=True)
        self._thread.start()

    def _read(self, channel: socket.socket) -> None:
        try:
            size = int.from_bytes(_exactly(channel, _LENGTH), "big")
            data = self._data  # grown as the bytes come: a size claimed is not a size sent
            chunk = memoryview(bytearray(1 << 20))
            while len(data) < size and (count := channel.recv_into(chunk, min(size - len(data), 1 << 20))):
                data += chunk[:count]
        except BaseException as error:  # noqa: BLE001 - raised where the message is asked for
            self._failed = error
            return
        if len(data) < size:
            self._failed = _PartFailedError("a part ended before it answered")

    def message(self, patience: float) -> Any:
        """The message, once read, waiting at most ``patience`` seconds more for it
        (``_PartFailedError`` when the child failed, ended first, or did not answer in time)."""
        self._thread.join(patience)
        if self._thread.is_alive():
            raise _PartFailedError(f"a part did not answer within {patience:.0f} s")
        if isinstance(self._failed, OSError):
            raise _PartFailedError(f"a part could not be read: {self._failed}")
        if self._failed is not None:
            raise self._failed
        return _decoded(self._data)


def _exactly(channel: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = channel.recv(min(left, 1 << 20))
        if not chunk:
            raise _PartFailedError("a part ended before it answered")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _reap(pid: int, *, wait: bool) -> None:
    """Collect a child: one that answered is leaving; one that did not (this process is
    leaving early, or the part failed) is ended first."""
    try:
        if not wait:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass

"""Reloading the policy while the gate serves: on SIGHUP, and when the policy file changes.

A reload reads the policy through the path the gate starts with (``silence.source.load``: the
compiled ``silence-rules.json`` when it is fresh, else the policy itself, every check run), off
the event loop. Only a policy that loads and checks cleanly replaces the one in force, in one
assignment (``apply``); a judgement already under way keeps the rules it started with. An
invalid or unreadable policy keeps the old one: every problem is logged (``file:line:col:
[error] …``), and ``oncall_policy_gate_policy_last_reload_successful`` drops to 0 until a
reload succeeds.

The file is watched by polling its status every ``interval`` seconds (device, inode, size,
modification time in nanoseconds): an edit in place, a rename over it (how editors and
configuration management replace files) and a symlink swap all change one of them. Polling a
stat a second costs nothing measurable and needs no extra dependency or kernel watch; a change
is noticed within a second. Reloads never run two at a time; one asked for during another runs
after it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from oncall_policy.errors import PolicyError
from oncall_policy.provenance import included
from oncall_policy.regular_files import read_regular
from oncall_policy.silence import source
from oncall_policy.silence.seal import sha256_hex
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from oncall_policy.gate.metrics import Metrics
    from oncall_policy.silence.rules import Rules

log = logging.getLogger("oncall_policy.gate.reload")
Stamp = tuple[int, int, int, int] | None


def stamp(path: str) -> Stamp:
    """What says the file at ``path`` changed (None: it cannot be looked at now)."""
    try:
        found = Path(path).stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns


def digest(path: str) -> str | None:
    """The sha256 of the policy file's bytes, as ``compile`` records it (None: unreadable)."""
    try:
        return sha256_hex(read_regular(path, source.LIMIT))
    except OSError:
        return None


class Reloader:
    def __init__(
        self,
        path: str,
        apply: Callable[[Rules, str], None],
        metrics: Metrics,
        interval: float = 1.0,
        include: Sequence[str] = (),
    ) -> None:
        self.path = os.fspath(path)
        self.interval = interval
        self._apply = apply
        self._metrics = metrics
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[bool]] = set()
        self._include = tuple(include)  # the parts' patterns, as last loaded
        self._stamp = self._stamps()
        self.sha256 = digest(self.path)
        metrics.loaded(self.sha256 or "unknown", None)

    def trigger(self, why: str = "SIGHUP") -> None:
        """Reload soon (a signal handler's call: it returns at once)."""
        task = asyncio.get_running_loop().create_task(self.reload(why))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reload(self, why: str) -> bool:
        """Load the policy and put it in force if it is valid; whether it was."""
        async with self._lock:
            self._stamp = self._stamps()
            loop = asyncio.get_running_loop()
            try:
                # The sha256 is of the very bytes the rules were loaded from: hashed from a read
                # of its own, the audit trail could name another version than the one in force.
                loaded = await loop.run_in_executor(None, source.load, self.path)
            except PolicyError as error:
                self._failed(why, [str(problem) for problem in error.problems])
                return False
            except Exception as error:  # a bug in loading must not stop the gate serving
                log.exception("reloading %s (%s) failed", self.path, why)
                self._failed(why, [f"{self.path}: {type(error).__name__}: {error}"])
                return False
            if loaded.stale:
                log.warning("%s", loaded.stale)
            sha = loaded.sha256
            self._apply(loaded.rules, sha)
            self._include = loaded.include  # parts added or dropped: watched from the next look
            previous, self.sha256 = self.sha256, sha
            self._metrics.loaded(sha, previous)
            self._metrics.reloads.labels("success").inc()
            log.info("policy reloaded from %s (%s): sha256 %s", self.path, why, sha)
            return True

    def _stamps(self) -> tuple[object, ...]:
        """The stamps of the policy file and of every part its ``include`` names now: a part
        saved, added or removed changes them as the root does. Watching the root alone left a
        team's change to its part out of force until a SIGHUP (red team: an alert moved from
        ticket to page stayed silenceable for a day with no approval)."""
        if not self._include:
            return (stamp(self.path),)
        base = Path(self.path).parent
        names = included(base, self._include, Path(self.path).name)
        return (stamp(self.path), *((name, stamp(str(base / name))) for name in names))

    def _failed(self, why: str, problems: list[str]) -> None:
        self._metrics.reload_ok.set(0)
        self._metrics.reloads.labels("failure").inc()
        log.error(
            "policy reload from %s (%s) failed; the policy in force stays (sha256 %s):\n%s",
            self.path,
            why,
            self.sha256,
            "\n".join(problems),
        )

    async def watch(self) -> None:
        """Reload whenever the file's stamp changes; until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            if self._stamps() != self._stamp:
                await self.reload("the policy file changed")

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

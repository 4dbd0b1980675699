"""The gate's write lock (``gate.turns``): one holder at a time, in turns by person, so that one
person's many writes keep no one else's waiting; and the same against a real Alertmanager, where
one person's hard-regex writes from many connections kept an honest write waiting over 30 s."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import timedelta

import pytest

from oncall_policy.gate.turns import Turns
from tests.alertmanager_server import running
from tests.gate_support import basic, call, gate, limited, post, silence


async def _order(keys: list[str], cancelled: set[int] = frozenset()) -> list[int]:
    """The order in which writes of ``keys`` (queued in that order behind a first holder) get
    the turn; those in ``cancelled`` give up while waiting."""
    turns, taken = Turns(), []
    first = asyncio.Event()

    async def holder() -> None:
        async with turns.turn("first"):
            first.set()
            await asyncio.sleep(0.01)

    async def write(n: int, key: str) -> None:
        async with turns.turn(key):
            taken.append(n)
            await asyncio.sleep(0)

    held = asyncio.create_task(holder())
    await first.wait()
    tasks = [asyncio.create_task(write(n, key)) for n, key in enumerate(keys)]
    await asyncio.sleep(0)  # every one queued
    for n in cancelled:
        tasks[n].cancel()
    await asyncio.gather(held, *tasks, return_exceptions=True)
    assert turns.waiting == 0
    return taken


def test_turns_go_round_the_people_who_wait():
    assert asyncio.run(_order(["b", "b", "b", "b", "c", "b", "d"])) == [0, 4, 6, 1, 2, 3, 5]


def test_a_write_given_up_while_waiting_is_skipped():
    assert asyncio.run(_order(["b", "c", "b", "c"], cancelled={0, 3})) == [2, 1]


def test_a_turn_handed_to_a_write_cancelled_meanwhile_passes_on():
    async def run() -> list[str]:
        turns, taken = Turns(), []

        async def write(key: str) -> None:
            async with turns.turn(key):
                taken.append(key)

        async with turns.turn("first"):
            cancelled = asyncio.create_task(write("b"))
            after = asyncio.create_task(write("c"))
            await asyncio.sleep(0)
        cancelled.cancel()  # handed the turn on release, cancelled before it ran
        await asyncio.gather(cancelled, after, return_exceptions=True)
        return taken

    assert asyncio.run(run()) == ["c"]


# Listed again only by the read-back, in the background: what is measured is the queue.
HELD = limited(history_max_age=timedelta(hours=1))


def _hostile(n: int) -> dict:
    """A distinct silence of hard regexes: its judgement takes its whole allowance."""
    body = silence(("alertname", "HighErrorRate"), minutes=30, author="engineer-b@clipper.app")
    for label, letters in (("service", "ab"), ("instance", "cd")):
        value = f"[{letters}]*{letters[n % 2]}[{letters}]{{{10 + n % 9}}}z{n}"
        body["matchers"].append({"name": label, "value": value, "isRegex": True, "isEqual": True})
    return body


@pytest.mark.amtool
def test_one_persons_many_hard_writes_keep_no_one_else_waiting(alertmanager_binary, tmp_path):
    """Sixteen hard writes sent at once by one person, then an honest one by another: it is
    answered once at most a few of the sixteen have been, not after all of them (it waited for every one before)."""
    sent = 16
    with running(alertmanager_binary, tmp_path / "am") as server, gate([server.url], HELD) as url:
        answered: list[int] = []
        started = threading.Barrier(sent + 1)

        def hostile(n: int) -> None:
            started.wait()
            post(url, _hostile(n), as_who="engineer-b@clipper.app")
            answered.append(n)

        threads = [threading.Thread(target=hostile, args=(n,)) for n in range(sent)]
        for thread in threads:
            thread.start()
        started.wait()
        time.sleep(0.5)  # the other person's writes are read and wait their turns
        honest = silence(("alertname", "HighErrorRate"), ("service", "honest"), minutes=30)
        answer = call(
            url, "POST", "/api/v2/silences", json.dumps(honest).encode(), basic("engineer-a@clipper.app")
        )
        seen = len(answered)
        for thread in threads:
            thread.join()
        assert answer.status == 200, answer.body
        assert seen <= 6, f"the honest write waited for {seen} of the other person's {sent}"
        assert len(answered) == sent

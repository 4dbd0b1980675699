"""Password checks in basic mode: a client guessing passwords cannot keep the bcrypt checks busy
for everyone else, and people already checked never wait (real bcrypt, slowed down so that
checks overlap: the slowness is what these tests are about, not bcrypt)."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import bcrypt
import pytest

from oncall_policy.gate import users
from tests.gate_support import BASIC, basic, call, gate

HASHED = {name: bcrypt.hashpw(b"right", bcrypt.gensalt(rounds=4)) for name in ("ann", "bob", "cid")}
CHECK_SECONDS = 0.2


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every bcrypt check made, each taking ``CHECK_SECONDS`` longer than bcrypt does."""
    made: list[str] = []
    real = users.check

    def slow(password: str, hashed: bytes) -> bool:
        made.append(password)
        time.sleep(CHECK_SECONDS)
        return real(password, hashed)

    monkeypatch.setattr(users, "check", slow)
    return made


def outcomes(*attempts: tuple[str, str, str]) -> list[bool | str]:
    """Each (name, password, client) attempt, started side by side: True/False, or 'busy'."""

    async def run() -> list[bool | str]:
        verifier = users.Verifier(dict(HASHED))

        async def one(name: str, password: str, client: str) -> bool | str:
            try:
                return await verifier.verify(name, password, client)
            except users.TooManyAttemptsError:
                return "busy"

        return list(await asyncio.gather(*(one(*attempt) for attempt in attempts)))

    return asyncio.run(run())


def test_the_same_pair_asked_side_by_side_is_checked_once(checks):
    assert outcomes(*[("ann", "right", "10.0.0.1")] * 6) == [True] * 6
    assert checks == ["right"]


def test_a_wrong_password_given_again_is_refused_without_a_check(checks):
    async def run() -> list[bool]:
        verifier = users.Verifier(dict(HASHED))
        return [await verifier.verify("ann", "wrong", "10.0.0.1") for _ in range(5)]

    assert asyncio.run(run()) == [False] * 5
    assert checks == ["wrong"]


def test_a_client_that_guessed_wrong_has_one_check_at_a_time_others_are_not_held(checks):
    async def run() -> list[bool | str]:
        verifier = users.Verifier(dict(HASHED))
        assert not await verifier.verify("ann", "guess-0", "10.6.6.6")

        async def one(name: str, password: str, client: str) -> bool | str:
            try:
                return await verifier.verify(name, password, client)
            except users.TooManyAttemptsError:
                return "busy"

        guesses = [one("ann", f"guess-{n}", "10.6.6.6") for n in range(1, 6)]
        return list(await asyncio.gather(*guesses, one("bob", "right", "10.0.0.2")))

    found = asyncio.run(run())
    assert found[:5] == [False, "busy", "busy", "busy", "busy"]
    assert found[5] is True  # another client's first login is not refused for the guesses


def test_checks_beyond_the_queue_are_refused_and_people_checked_already_pass(checks):
    async def run() -> tuple[list[bool | str], bool]:
        verifier = users.Verifier(dict(HASHED))
        assert await verifier.verify("cid", "right", "10.0.0.3")

        async def one(number: int) -> bool | str:
            try:
                return await verifier.verify("ann", f"guess-{number}", f"10.9.{number // 250}.{number % 250}")
            except users.TooManyAttemptsError:
                return "busy"

        flood = [asyncio.create_task(one(n)) for n in range(users.MAX_WAITING + 10)]
        await asyncio.sleep(0)  # the flood is queued
        known = await asyncio.wait_for(verifier.verify("cid", "right", "10.0.0.3"), CHECK_SECONDS / 2)
        return list(await asyncio.gather(*flood)), known

    found, known = asyncio.run(run())
    assert known is True  # not queued behind the flood
    assert found.count("busy") >= 8
    assert "busy" not in found[: users.MAX_WAITING]


def test_the_gate_answers_429_with_retry_after_to_a_guessing_client(monkeypatch):
    """A guess is being checked (held until the others are answered): the same client's next
    guesses are answered 429 at once."""
    release = threading.Event()
    real = users.check

    def held(password: str, hashed: bytes) -> bool:
        release.wait(10)
        return real(password, hashed)

    def guess(password: str):
        auth = basic("engineer-a@clipper.app", password)
        return call(url, "DELETE", "/api/v2/silence/x", None, auth)

    with gate(["http://127.0.0.1:9"], BASIC) as url:
        release.set()
        assert guess("wrong").status == 401
        release.clear()
        monkeypatch.setattr(users, "check", held)
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(guess, "g0")
            time.sleep(0.2)  # its check has started, and waits
            busy = [guess(f"g{n}") for n in range(1, 4)]
            release.set()
            assert first.result().status == 401
    assert [answer.status for answer in busy] == [429] * 3
    assert busy[0].headers["Retry-After"] == "1"
    assert "try again" in busy[0].json()["message"]

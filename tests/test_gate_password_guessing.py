"""One address guessing passwords side by side: it is held to its share of the checks however
they finish, and cannot keep a queue of them that new people's first logins wait behind (found by
an uninformed attack: the first of an address's checks to finish used to free it)."""

from __future__ import annotations

import asyncio
import time

import bcrypt
import pytest

from oncall_policy.gate import users

HASHED = {name: bcrypt.hashpw(b"right", bcrypt.gensalt(rounds=4)) for name in ("ann", "bob")}
CHECK_SECONDS = 0.1


@pytest.fixture
def slow_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each check takes CHECK_SECONDS; the passwords checked, in the order their checks began."""
    real = users.check
    began: list[str] = []

    def slow(password: str, hashed: bytes) -> bool:
        began.append(password)
        time.sleep(CHECK_SECONDS)
        return real(password, hashed)

    monkeypatch.setattr(users, "check", slow)
    return began


def test_a_guessing_address_with_checks_still_under_way_gets_no_more(slow_checks):
    async def run() -> bool | str:
        verifier = users.Verifier(dict(HASHED))
        opening = [asyncio.create_task(verifier.verify("ann", f"g{n}", "10.6.6.6")) for n in range(4)]
        # the first two (two slots) fail; the other two are under way from the same address
        # (waited for, not slept on: a loaded machine runs the checks late)
        pending = set(opening)
        while len(opening) - len(pending) < 2:
            _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        assert sum(task.done() for task in opening) == 2
        try:
            return await verifier.verify("ann", "g-next", "10.6.6.6")
        except users.TooManyAttemptsError:
            return "busy"
        finally:
            await asyncio.gather(*opening)

    # It gave wrong passwords and still has checks under way: this one is one too many.
    assert asyncio.run(run()) == "busy"


def test_one_guessing_address_cannot_keep_new_logins_waiting(slow_checks):
    """One address: 32 guesses side by side, then a new guess every time one is answered. After
    the opening guesses have had time to drain (the address held to one check at a time), a person
    who has not logged in yet waits for at most a couple of checks, not behind a full queue.

    Counted in checks begun ahead of the login, not in seconds: a loaded machine runs every check
    late (a bound in seconds failed at 0.46 s where the checks ahead were two)."""
    began = slow_checks

    async def run() -> tuple[int, int]:
        verifier = users.Verifier(dict(HASHED))
        stop = asyncio.Event()
        counter = iter(range(10**6))

        async def guesser() -> None:
            while not stop.is_set():
                try:
                    await verifier.verify("ann", f"g{next(counter)}", "10.6.6.6")
                except users.TooManyAttemptsError:
                    await asyncio.sleep(0.001)

        attackers = [asyncio.create_task(guesser()) for _ in range(users.MAX_WAITING + 2)]
        # drained in (32 / 2 slots) * CHECK_SECONDS if the address were held to one at a time
        await asyncio.sleep(users.MAX_WAITING / 2 * CHECK_SECONDS + 0.5)
        queued = verifier._waiting
        asked = len(began)
        assert await verifier.verify("bob", "right", "10.0.0.2")
        ahead = began.index("right", asked) - asked
        stop.set()
        await asyncio.gather(*attackers)
        return ahead, queued

    ahead, queued = asyncio.run(run())
    assert queued <= 2, f"{queued} checks of one guessing address waiting"
    assert ahead <= 2, f"a first login waited behind {ahead} checks of one guessing address"


def test_an_ipv6_host_counts_as_its_slash_64(slow_checks):
    """A host given a /64 (the usual IPv6 allocation) could take a new address for every guess and
    fill the whole queue, so that people not logged in yet got 429: it counts as one client."""

    async def run() -> list[object]:
        verifier = users.Verifier(dict(HASHED))

        async def guess(n: int) -> object:
            try:
                return await verifier.verify("ann", f"g{n}", f"2001:db8:6:6::{n + 1:x}")
            except users.TooManyAttemptsError:
                return "busy"

        return await asyncio.gather(*(guess(n) for n in range(users.MAX_WAITING + 8)))

    answers = asyncio.run(run())
    assert answers.count("busy") >= users.MAX_WAITING + 8 - users.PER_CLIENT
    assert (
        users.client_of("2001:db8:6:6::1") == users.client_of("2001:db8:6:6:ffff::2") == "2001:db8:6:6::/64"
    )
    assert users.client_of("2001:db8:6:7::1") != users.client_of("2001:db8:6:6::1")
    assert users.client_of("::ffff:10.0.0.2") == "10.0.0.2"
    assert users.client_of("fe80::1%eth0") == "fe80::/64"

"""The gate for tests: served in a thread of the test process on an ephemeral loopback port, in
front of real (or fake) Alertmanagers; and a small HTTP client that keeps the whole answer."""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import bcrypt

from oncall_policy.gate import proof, server, users
from oncall_policy.gate.config import Approvals, Auth, GateConfig, Limits
from oncall_policy.silence import source
from tests.conftest import CLIPPER

RULES = source.load(CLIPPER).rules
PASSWORD = "correct horse"  # noqa: S105 - a test password for test users
PEOPLE = (
    "engineer-a@clipper.app",
    "engineer-b@clipper.app",
    "manager-x@clipper.app",
    "Manager-X@CLIPPER.app",  # the same person, spelt otherwise
    "security@clipper.app",
    "outsider@example.com",
)
HASHES = {name: bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)) for name in PEOPLE}
BASIC = GateConfig(auth=Auth(mode="basic", users_file="(in memory)"))


@contextmanager
def gate(
    upstreams: Sequence[str],
    config: GateConfig = BASIC,
    rules: Any = RULES,
    policy: str | None = None,
    watch_interval: float = 1.0,
    *,
    loaded: Any = None,
    people: Sequence[str] = (),
) -> Iterator[str]:
    """A gate in front of ``upstreams``; yields its base URL (no trailing slash). ``policy``: the
    file ``rules`` came from, reloaded when it changes (looked at every ``watch_interval`` s);
    ``loaded``: how ``rules`` were loaded from it (``source.Loaded``); ``people``: users of
    another policy than Clipper's, with ``PASSWORD`` too."""
    theirs = dict.fromkeys(people, HASHES["engineer-a@clipper.app"])
    verifier = users.Verifier({**HASHES, **theirs}) if config.auth.mode == "basic" else None
    settings = server.Settings(rules, tuple(upstreams), config, verifier, policy, watch_interval, loaded)
    runner = asyncio.Runner()  # closed (every task cancelled, the loop closed) when serving ends
    loop = runner.get_loop()
    started = threading.Event()
    ports: list[int] = []
    failures: list[BaseException] = []
    stop = asyncio.Event()

    async def serve() -> None:
        async with server.running(settings, "127.0.0.1", 0) as (_, port):
            ports.append(port)
            started.set()
            await stop.wait()

    def main() -> None:
        with runner:
            try:
                runner.run(serve())
            except BaseException as error:  # noqa: BLE001 - handed to the test
                failures.append(error)
                started.set()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    started.wait(10)
    if failures:
        raise failures[0]
    try:
        yield f"http://127.0.0.1:{ports[0]}"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)


def limited(**limits: Any) -> GateConfig:
    return GateConfig(auth=BASIC.auth, limits=Limits(**limits))


def with_approvals(folder: Path, **limits: Any) -> GateConfig:
    """Basic auth and approvals: a new key pair and SQLite database in ``folder``."""
    proof.keygen(folder / "gate.key")
    approvals = Approvals(database=str(folder / "pending.sqlite3"), key_file=str(folder / "gate.key"))
    return GateConfig(auth=BASIC.auth, approvals=approvals, limits=Limits(**limits))


def silences_on(alertmanager: Any, service: str) -> list[dict[str, Any]]:
    """The silences ``alertmanager`` (``alertmanager_server.Server``) lists that name
    ``service``, expired or not."""
    return [
        found
        for found in alertmanager.silences()
        if any(m["name"] == "service" and m["value"] == service for m in found["matchers"])
    ]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def basic(name: str, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def call(  # noqa: PLR0917 - a request, as http.client takes it
    base: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 20,
) -> Answer:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        sent = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers={**sent, **(headers or {})})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def post(base: str, silence: dict[str, Any] | bytes, as_who: str | None = "engineer-a@clipper.app") -> Answer:
    body = silence if isinstance(silence, bytes) else json.dumps(silence).encode()
    return call(base, "POST", "/api/v2/silences", body, basic(as_who) if as_who else None)


def health_while_writing(
    base: str, silence: dict[str, Any], as_who: str = "engineer-a@clipper.app"
) -> tuple[float, Answer]:
    """The longest ``/-/healthy`` took to answer while ``silence`` was written (and judged)
    through the gate at ``base``, and the write's answer (``health_while``)."""
    body = json.dumps(silence).encode()
    return health_while(
        base, lambda: call(base, "POST", "/api/v2/silences", body, basic(as_who), timeout=300)
    )


def health_while(base: str, work: Callable[[], Answer]) -> tuple[float, Answer]:
    """The longest ``/-/healthy`` of the gate at ``base`` took to answer while ``work`` (a
    request to it) ran in another thread, asked again and again until it is answered; and its
    answer. Work that holds the gate's event loop holds every health check."""
    answers: list[Answer] = []
    worker = threading.Thread(target=lambda: answers.append(work()))
    worker.start()
    worst = 0.0
    while True:
        started = time.monotonic()
        healthy = call(base, "GET", "/-/healthy", timeout=300)
        worst = max(worst, time.monotonic() - started)
        assert healthy.status == 200, healthy.body
        if not worker.is_alive():
            break
    worker.join()
    assert answers, "the request was not answered"
    return worst, answers[0]


def at(offset: timedelta) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) + offset
    return moment.isoformat().replace("+00:00", "Z")


def silence(
    *matchers: tuple[str, str],
    minutes: int = 30,
    start: timedelta = timedelta(0),
    author: str = "engineer-a@clipper.app",
    comment: str = "deployment in progress",
    **extra: Any,
) -> dict[str, Any]:
    """A postable silence of equality matchers, starting ``start`` from now."""
    return {
        "matchers": [
            {"name": name, "value": value, "isRegex": False, "isEqual": True} for name, value in matchers
        ],
        "startsAt": at(start),
        "endsAt": at(start + timedelta(minutes=minutes)),
        "createdBy": author,
        "comment": comment,
        **extra,
    }

"""The gate as an aiohttp application: every request classified (``paths``), then answered.

- ``POST /api/v2/silences`` (with or without ``id``): the author authenticated and a roster
  person, the body read within bounds, judged (``writes``) with the silences every peer lists as
  history, and forwarded as received when accepted — one write at a time, so that two writes
  through one gate never judge without each other. Refused: 400 in Alertmanager's style, every
  violated rule and its fix in the text.
- ``DELETE /api/v2/silence/{id}``: the author authenticated and a roster person; passed through.
- API v1 silence writes: refused (use API v2 through the gate).
- ``/-/healthy``, ``/-/ready``: answered by the gate (ready: the policy is loaded and a peer is).
- Everything else: passed through, streamed (``relay``); open, or authenticated when the
  configuration says ``reads = "authenticated"``.

``Gate.rules`` is the policy in force; a reload will swap it (not in this version).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiohttp import web

from oncall_policy.gate import answers, approvals, bodies, paths, pending, relay, writes
from oncall_policy.gate import headers as fields
from oncall_policy.gate.config import GateConfig
from oncall_policy.gate.identity import Authenticator, trusted_peer
from oncall_policy.gate.upstreams import CreateFailedError, Upstreams, session
from oncall_policy.people import Person
from oncall_policy.records import Record
from oncall_policy.silence import report
from oncall_policy.silence.client import HistoryUnavailableError
from oncall_policy.silence.http_errors import AlertmanagerError, TimedOutError
from oncall_policy.silence.rules import Rules
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any, Final

    from oncall_policy.gate.proof import Signer
    from oncall_policy.gate.users import Verifier

log = logging.getLogger("oncall_policy.gate")
SHUTDOWN_SECONDS = 5.0  # for answers still streaming when asked to stop
MAX_LISTING = 64 * 1024 * 1024  # as `silence add` reads a listing (client.DEFAULT_MAX_BYTES)


class Settings(Record):
    rules: Rules
    upstreams: tuple[str, ...]
    config: GateConfig
    verifier: Verifier | None


class Gate:
    def __init__(self, settings: Settings, upstreams: Upstreams) -> None:
        self.rules = settings.rules
        self.config: Final = settings.config
        self.upstreams: Final = upstreams
        self.auth: Final = Authenticator(settings.config.auth, settings.verifier)
        self._writes = asyncio.Lock()
        self.approvals: approvals.ApprovalDesk | None = None  # set by ``with_approvals``

    # --- approvals (issue 13 item 3): the routes and the pending store's lifecycle ---

    def with_approvals(self, desk: pending.Desk, signer: Signer) -> None:
        """Hold silences that lack only approvals in ``desk`` and create them once approved."""
        assert self.config.approvals is not None  # noqa: S101 - the caller read it
        self.approvals = approvals.ApprovalDesk(
            desk=desk,
            signer=signer,
            config=self.config.approvals,
            upstreams=self.upstreams,
            rules=lambda: self.rules,
            person=self._person,
            lock=self._writes,
        )

    async def _approvals(self, request: web.Request) -> web.StreamResponse:
        if self.approvals is None:
            return answers.error(404, "approvals are not configured on this gate ([approvals] in --config)")
        if request.method in ("GET", "HEAD") and request.path.rstrip("/") == approvals.PREFIX:
            refused = await self._refused(paths.Kind.OTHER, request)
            if refused is not None:
                return refused
        return await self.approvals.handle(request)

    # --- end approvals ---

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.path == approvals.PREFIX or request.path.startswith(approvals.PREFIX + "/"):
            return await self._approvals(request)
        kind = paths.classify(request.method, request.path)
        if kind is paths.Kind.CREATE:
            return await self._create(request)
        answered = await self._answered(kind) or await self._refused(kind, request)
        return answered or await relay.relay(request, self.upstreams, self._sent(request))

    async def _answered(self, kind: paths.Kind) -> web.Response | None:
        """The gate's own answer to ``kind`` (None: it is not the gate's to answer)."""
        if kind is paths.Kind.HEALTHY:
            return answers.text(200, "OK")
        if kind is paths.Kind.READY:
            ready = await self.upstreams.ready()
            return (
                answers.text(200, "OK") if ready else answers.text(503, "no upstream Alertmanager is ready")
            )
        if kind is paths.Kind.V1_WRITE:
            return answers.v1_refused(
                "the oncall-policy gate refuses API v1 silence writes: use API v2 through the gate "
                "(POST /api/v2/silences, DELETE /api/v2/silence/{id}), as amtool and the web UI do"
            )
        return None

    async def _refused(self, kind: paths.Kind, request: web.Request) -> web.Response | None:
        """The answer to a request without the authentication it needs (None: it has it)."""
        if kind is paths.Kind.EXPIRE:
            found = await self._person(request)
            return None if isinstance(found, Person) else found
        if self.config.auth.reads == "authenticated" and await self._who(request) is None:
            return self._unauthenticated()
        return None

    async def _who(self, request: web.Request) -> str | None:
        return await self.auth.who(request.headers, _peer(request))

    async def _person(self, request: web.Request) -> Person | web.Response:
        name = await self._who(request)
        if name is None:
            return self._unauthenticated()
        person = self.rules.roster.find(name)
        if person is None:
            return answers.error(
                403,
                f"{name} is authenticated but is not a person of the policy's roster; only roster "
                "people write silences through the gate",
            )
        return person

    def _unauthenticated(self) -> web.Response:
        challenge = self.auth.challenge
        how = {
            "basic": "give your roster email and password (amtool: --alertmanager.url=http://EMAIL:PASSWORD@HOST/)",
            "header": "come through the authenticating proxy in front of the gate",
        }.get(self.config.auth.mode, "the gate is configured to authenticate no one (see --config)")
        headers = {"WWW-Authenticate": challenge} if challenge else None
        return answers.error(401, f"authentication required: {how}", headers)

    def _sent(self, request: web.Request, dropped: Sequence[str] = ()) -> list[tuple[str, str]]:
        peer = _peer(request) or ""
        return fields.to_upstream(
            request.headers.items(),
            peer=peer,
            host=request.headers.get("Host"),
            trusted=trusted_peer(peer, self.config.auth.trusted_peers),
            dropped=(*self.auth.forwarded_away(), *dropped),
        )

    async def _create(self, request: web.Request) -> web.StreamResponse:
        found = await self._person(request)
        if not isinstance(found, Person):
            return found
        encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            return answers.error(
                415, f"the gate judges silences sent without Content-Encoding, not {encoding!r}"
            )
        limits = self.config.limits
        try:
            body = await bodies.read(
                request.content, request.content_length, limits.max_body, limits.body_timeout.total_seconds()
            )
        except bodies.BodyError as error:
            response = answers.error(error.status, error.message)
            response.force_close()  # the rest of the body is not read: the connection cannot go on
            return response
        try:
            data = writes.decode(body)
        except writes.UnreadableError as error:
            return answers.refused(error.message)
        async with self._writes:
            return await self._judged(request, body, data, found)

    async def _judged(
        self, request: web.Request, body: bytes, data: Mapping[str, Any], person: Person
    ) -> web.StreamResponse:
        rules = self.rules
        notes: tuple[str, ...] = ()
        try:
            listed = await self.upstreams.listing()
            earlier = writes.history(
                listed, writes.replaced_id(data), datetime.now(UTC), self.upstreams.bases[0]
            )
        except AlertmanagerError as error:
            if rules.history.required:
                return _unjudged(error)
            earlier, notes = [], (f"judged without earlier silences ({error}); the policy allows it",)
        loop = asyncio.get_running_loop()
        hint = approvals.HINT if self.approvals is not None else writes.APPROVALS_LATER
        silence, verdict = await loop.run_in_executor(
            None, writes.judge, data, person, rules, earlier, notes, (), hint
        )
        if self.approvals is not None and writes.awaits_approval(verdict):
            _logged(person, verdict.violations, "pending", None)
            return await self.approvals.hold(request, data, person, verdict)
        if not verdict.accepted:
            _logged(person, verdict.violations, "refused", None)
            return answers.refused(report.verdict_text(verdict, silence.matchers))
        query = request.rel_url.raw_query_string
        try:
            answer = await self.upstreams.create(query, body, self._sent(request, ("Content-Length",)))
        except CreateFailedError as error:
            _logged(person, (), "not-created", None)
            return answers.error(
                error.status, f"the silence keeps the policy, but no Alertmanager took it: {error}"
            )
        _logged(person, (), "accepted", _silence_id(answer.body))
        kept = [(name, value) for name, value in fields.from_upstream(answer.headers.items())]
        response = web.Response(status=answer.status, body=answer.body)
        for name, value in kept:
            if name.lower() != "content-length":
                response.headers.add(name, value)
        return response


def _peer(request: web.Request) -> str | None:
    name = request.transport.get_extra_info("peername") if request.transport else None
    return name[0] if isinstance(name, tuple) and name and isinstance(name[0], str) else None


def _unjudged(error: AlertmanagerError) -> web.Response:
    failures = error.failures if isinstance(error, HistoryUnavailableError) else (error,)
    status = 504 if all(isinstance(failure, TimedOutError) for failure in failures) else 502
    return answers.error(
        status,
        f"the silences already in Alertmanager cannot be read ({error}), so this silence cannot be "
        "judged with them; nothing was created (the policy requires history: silences.history.required)",
    )


def _silence_id(body: bytes) -> str | None:
    import json  # noqa: PLC0415

    try:
        found = json.loads(body)
    except ValueError:
        return None
    return found.get("silenceID") if isinstance(found, dict) else None


def _logged(person: Person, violations: Sequence[Any], decision: str, silence_id: str | None) -> None:
    rules = ",".join(sorted({v.rule for v in violations})) or "-"
    log.info(
        "verdict who=%s decision=%s rules=%s silence=%s", person.email, decision, rules, silence_id or "-"
    )


def application(gate: Gate) -> web.Application:
    app = web.Application(client_max_size=gate.config.limits.max_body)
    app.router.add_route("*", "/{tail:.*}", gate.handle)
    return app


@asynccontextmanager
async def running(settings: Settings, host: str, port: int) -> AsyncIterator[tuple[str, int]]:
    """The gate serving on ``host:port`` (port 0: any free one), until the block ends; yields the
    address it listens on."""
    async with session() as http:
        timeout = settings.config.limits.upstream_timeout.total_seconds()
        gate = Gate(settings, Upstreams(settings.upstreams, http, timeout, MAX_LISTING))
        desk = _approvals_desk(gate)  # approvals (issue 13 item 3)
        runner = web.AppRunner(
            application(gate), access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port, backlog=1024)
            await site.start()
            bound = runner.addresses[0]
            yield bound[0], bound[1]
        finally:
            await runner.cleanup()
            if desk is not None:
                await desk.close()


def _approvals_desk(gate: Gate) -> pending.Desk | None:
    """The pending store the gate's configuration names, opened and handed to ``gate`` (None:
    approvals are not configured, and a silence that needs one is refused)."""
    settings = gate.config.approvals
    if settings is None:
        return None
    from oncall_policy.gate import proof  # noqa: PLC0415 - cryptography only when approvals are on

    signer = proof.read(settings.key_file)
    desk = pending.Desk(pending.open_store(settings.database))
    gate.with_approvals(desk, signer)
    return desk
